//! One test per fault of DESIGN 4: what the share or a PC does wrong, and that nothing is lost,
//! nothing wrong is applied, and the person is told clearly.

mod common;

use common::add_item;

use common::{dump, now_ms, open_catalog, options, Access, Office};
use desk_core::model::Item;
use desk_core::sync::WaitReason;
use desk_sync::SyncFolder;

fn set_title(office: &mut Office, pc: usize, id: &str, title: &str) {
    let catalog = office.at(pc);
    let mut item = catalog.item(id).unwrap_or_else(|e| panic!("{e}"));
    item.title = title.into();
    catalog.save_item(item).unwrap_or_else(|e| panic!("{e}"));
}

fn title(office: &Office, pc: usize, id: &str) -> Option<String> {
    office.pcs[pc].catalog.item(id).ok().map(|i| i.title)
}

fn ok(
    report: Result<desk_core::sync::SyncReport, desk_sync::SyncError>,
) -> desk_core::sync::SyncReport {
    report.unwrap_or_else(|e| panic!("{} ({})", e, e.code()))
}

/// The only segment file of `pc`'s device past the ones already there, by path.
fn newest_segment(office: &Office, pc: usize) -> String {
    let device = office.pcs[pc].catalog.device_id().to_string();
    let share = office.share.borrow();
    share
        .files
        .keys()
        .filter(|p| p.contains(&format!("/ops/{device}/")) && p.ends_with(".seg"))
        .max()
        .cloned()
        .unwrap_or_default()
}

#[test]
fn a_segment_cut_at_every_offset_or_with_a_flipped_byte_is_never_applied() {
    let mut office = Office::new(2, 7);
    let item = add_item(&mut office, 0, "关于招生的通知");
    ok(office.sync(0));
    let path = newest_segment(&office, 0);
    let whole = office
        .share
        .borrow()
        .files
        .get(&path)
        .map(|f| f.0.clone())
        .unwrap_or_default();
    assert!(whole.len() > 100, "{path}");
    let mut damaged_cases = Vec::new();
    for cut in 0..whole.len() {
        damaged_cases.push(whole[..cut].to_vec());
    }
    for at in 0..whole.len() {
        let mut flipped = whole.clone();
        flipped[at] ^= 0x01;
        damaged_cases.push(flipped);
    }
    let before = dump(&office.pcs[1].catalog);
    for (case, bytes) in damaged_cases.iter().enumerate() {
        if let Some(file) = office.share.borrow_mut().files.get_mut(&path) {
            file.0 = bytes.clone();
        }
        let report = ok(office.sync(1));
        assert!(report.applied.is_empty(), "case {case} applied something");
        assert!(
            report
                .waiting
                .iter()
                .any(|w| w.reason == WaitReason::Damaged),
            "case {case}: {:?}",
            report.waiting
        );
    }
    assert_eq!(
        dump(&office.pcs[1].catalog),
        before,
        "nothing changed on the reader"
    );
    // The whole file arrives: applied once.
    if let Some(file) = office.share.borrow_mut().files.get_mut(&path) {
        file.0 = whole.clone();
    }
    let report = ok(office.sync(1));
    assert!(report.waiting.is_empty(), "{:?}", report.waiting);
    assert_eq!(
        title(&office, 1, &item.id).as_deref(),
        Some("关于招生的通知")
    );
    eprintln!("{} damaged versions refused", damaged_cases.len());
}

#[test]
fn a_segment_listed_before_its_predecessor_waits_for_the_gap() {
    let mut office = Office::new(2, 8);
    let item = add_item(&mut office, 0, "第一版");
    ok(office.sync(0));
    let first = newest_segment(&office, 0);
    set_title(&mut office, 0, &item.id, "第二版");
    ok(office.sync(0));
    let second = newest_segment(&office, 0);
    assert_ne!(first, second);
    // The first is not visible yet (SMB's cached listing): the second must wait.
    let hidden = office.share.borrow_mut().files.remove(&first);
    let report = ok(office.sync(1));
    assert!(
        report.waiting.iter().any(|w| w.reason == WaitReason::Gap),
        "{:?}",
        report.waiting
    );
    assert_eq!(title(&office, 1, &item.id), None);
    if let Some(file) = hidden {
        office.share.borrow_mut().files.insert(first, file);
    }
    ok(office.sync(1));
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("第二版"));
    // Replaying the whole folder again changes nothing.
    let before = dump(&office.pcs[1].catalog);
    ok(office.sync(1));
    assert_eq!(dump(&office.pcs[1].catalog), before);
}

#[test]
fn a_failed_rename_a_read_only_and_a_full_share_leave_the_outbox_and_say_why() {
    let mut office = Office::new(2, 9);
    add_item(&mut office, 0, "待发布");
    let outbox = office.pcs[0].catalog.outbox_len().unwrap_or(0);
    assert!(outbox > 0);
    type Fault = fn(&mut common::Faults);
    let cases: [(&str, Fault); 4] = [
        ("sync_folder_rename_failed", |f| f.failed_renames = 100),
        ("sync_folder_read_only", |f| f.read_only = true),
        ("sync_folder_full", |f| f.full = true),
        ("sync_folder_unreachable", |f| f.partitioned = true),
    ];
    for (code, fault) in cases {
        {
            let mut faults = office.pcs[0].view.faults.borrow_mut();
            *faults = common::Faults::default();
            fault(&mut faults);
        }
        let before = dump(&office.pcs[0].catalog);
        let error = office.sync(0).err().map(|e| (e.code(), e.to_string()));
        assert_eq!(error.as_ref().map(|e| e.0), Some(code), "{error:?}");
        assert!(
            error.is_some_and(|e| e.1.contains("sim")),
            "the message names the folder"
        );
        assert_eq!(office.pcs[0].catalog.outbox_len().unwrap_or(0), outbox);
        assert_eq!(
            dump(&office.pcs[0].catalog),
            before,
            "{code}: the catalog is unchanged"
        );
        let status = desk_sync::status(&office.pcs[0].catalog).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status.last_error.as_deref(), Some(code));
        assert_eq!(status.ops_waiting_to_go_out, outbox);
    }
    *office.pcs[0].view.faults.borrow_mut() = common::Faults::default();
    let report = ok(office.sync(0));
    assert_eq!(report.ops_published, outbox);
    assert_eq!(office.pcs[0].catalog.outbox_len().unwrap_or(1), 0);
    // The temporary file the failed rename left is never read as a segment.
    ok(office.sync(1));
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

const DAY: i64 = 24 * 60 * 60 * 1000;

#[test]
fn a_writer_three_days_ahead_is_quarantined_and_reported_until_the_time_comes() {
    let mut office = Office::new(2, 10);
    office.pcs[0].skew_ms = 3 * DAY;
    let ahead = add_item(&mut office, 0, "来自未来");
    ok(office.sync(0));
    let report = ok(office.sync(1));
    let writer = office.pcs[0].catalog.device_id().to_string();
    let warning = report.clock_warnings.first().cloned();
    assert!(
        warning
            .as_ref()
            .is_some_and(|w| w.device_id == writer && (4300..=4330).contains(&w.ahead_minutes)),
        "the PC and how far ahead: {warning:?}"
    );
    assert!(
        report
            .waiting
            .iter()
            .any(|w| w.reason == WaitReason::Quarantined && w.device_id == writer),
        "{:?}",
        report.waiting
    );
    assert_eq!(
        title(&office, 1, &ahead.id),
        None,
        "nothing applied from the future"
    );
    let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.clock_warnings.len(), 1);
    // The reader's own changes still go out, and the PC ahead applies them.
    let mine = add_item(&mut office, 1, "此刻");
    ok(office.sync(1));
    ok(office.sync(0));
    assert_eq!(title(&office, 0, &mine.id).as_deref(), Some("此刻"));
    // The writer's clock is put right: what it stamped stays ahead (a clock never goes back),
    // so it waits on the reader until the reader's time reaches it.
    office.pcs[0].skew_ms = 0;
    ok(office.sync(0));
    let report = ok(office.sync(1));
    assert_eq!(report.clock_warnings.len(), 1);
    assert_eq!(title(&office, 1, &ahead.id), None);
    office.pcs[1].skew_ms = 3 * DAY;
    let report = ok(office.sync(1));
    assert!(report.clock_warnings.is_empty(), "{report:?}");
    assert!(report.waiting.is_empty(), "{report:?}");
    assert_eq!(title(&office, 1, &ahead.id).as_deref(), Some("来自未来"));
    let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert!(status.clock_warnings.is_empty());
}

#[test]
fn a_writer_three_days_behind_is_applied_at_once_and_ordered_by_its_logical_clock() {
    let mut office = Office::new(2, 18);
    let item = add_item(&mut office, 1, "原题");
    office.converge();
    let created = office.pcs[0]
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .find(|o| o.entity_id == item.id)
        .map(|o| o.clock);
    office.pcs[0].skew_ms = -3 * DAY;
    // An edit from the PC behind arrives and applies on the PC on time: no quarantine, no
    // warning; its logical clock is past the creation it had seen, though its wall clock is not.
    set_title(&mut office, 0, &item.id, "慢钟修改");
    ok(office.sync(0));
    let report = ok(office.sync(1));
    assert!(report.clock_warnings.is_empty(), "{report:?}");
    assert!(report.waiting.is_empty(), "{report:?}");
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("慢钟修改"));
    let behind = office.pcs[0].catalog.device_id().to_string();
    let edit = office.pcs[1]
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.device_id == behind && o.entity_id == item.id)
        .map(|o| o.clock)
        .max();
    assert!(edit > created, "{edit:?} after {created:?}");
    // Concurrent edits: the later logical clock (the PC on time) shows, the other is kept.
    set_title(&mut office, 1, &item.id, "准时的修改");
    set_title(&mut office, 0, &item.id, "慢钟并发修改");
    ok(office.sync(0));
    ok(office.sync(1));
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("准时的修改"));
    let conflicts = office.pcs[1].catalog.conflicts().unwrap_or_default();
    assert_eq!(conflicts.len(), 1);
    assert_eq!(conflicts[0].others[0].value.as_str(), Some("慢钟并发修改"));
    // The PC behind sees the other's edit as three days ahead: quarantined, and it is told.
    let report = ok(office.sync(0));
    assert!(
        report
            .clock_warnings
            .iter()
            .any(|w| w.device_id == office.pcs[1].catalog.device_id() && w.ahead_minutes >= 4300),
        "{report:?}"
    );
    assert_eq!(title(&office, 0, &item.id).as_deref(), Some("慢钟并发修改"));
    // Its clock put right, it applies everything and shows the same winner and conflict.
    office.pcs[0].skew_ms = 0;
    office.converge();
    for pc in 0..2 {
        assert_eq!(
            title(&office, pc, &item.id).as_deref(),
            Some("准时的修改"),
            "pc {pc}"
        );
        assert_eq!(
            office.pcs[pc].catalog.conflicts().unwrap_or_default().len(),
            1,
            "pc {pc}"
        );
    }
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn an_own_segment_read_torn_is_waited_for_never_taken_for_a_clone() {
    let mut office = Office::new(2, 21);
    let device = office.pcs[0].catalog.device_id().to_string();
    let item = add_item(&mut office, 0, "读回不完整");
    // The segment gets its name, but reading it back gives a prefix: not published yet.
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = u32::MAX;
    for round in 0..3 {
        let error = office.sync(0).err().map(|e| e.to_string());
        assert!(
            error.is_some(),
            "round {round}: the round says it could not finish"
        );
        assert_eq!(office.pcs[0].catalog.device_id(), device, "round {round}");
    }
    assert!(office.pcs[0].catalog.outbox_len().unwrap_or(0) > 0);
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 0;
    let report = ok(office.sync(0));
    assert!(report.device_changes.is_empty(), "{report:?}");
    assert_eq!(office.pcs[0].catalog.device_id(), device);
    assert_eq!(office.pcs[0].catalog.outbox_len().unwrap_or(1), 0);
    office.converge();
    // PC 1 holds the creation once, under the one id.
    let creates: Vec<String> = office.pcs[1]
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.entity_id == item.id)
        .map(|o| o.id)
        .collect();
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert!(creates[0].starts_with(&device), "{creates:?}");
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
    // The folder is emptied: the segment found whole by the identity check goes out again too,
    // and a PC joining the refilled folder gets the item.
    office.share.borrow_mut().files.clear();
    ok(office.sync(0));
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut newcomer = open_catalog(dir.path());
    let view = common::View {
        share: office.share.clone(),
        pc: 9,
        seed: 1,
        faults: Default::default(),
        rng: std::cell::RefCell::new(common::Rng::new(1)),
    };
    let report = desk_sync::sync_round(&mut newcomer, &view, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.joined_catalog, "{report:?}");
    assert_eq!(
        newcomer.item(&item.id).map(|i| i.title).ok().as_deref(),
        Some("读回不完整")
    );
}

#[test]
fn an_earlier_cut_of_an_own_segment_in_the_folder_is_what_counts_as_published() {
    let mut office = Office::new(2, 22);
    let device = office.pcs[0].catalog.device_id().to_string();
    let first = add_item(&mut office, 0, "先写");
    // The segment gets its name but reads back torn: the round fails, nothing is published.
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 1;
    assert!(office.sync(0).is_err());
    assert!(office.pcs[0].catalog.outbox_len().unwrap_or(0) > 0);
    // More changes; then the same name is found holding the earlier, shorter cut (the identity
    // check's read torn, publishing's whole): only that cut went out, the rest follows.
    let second = add_item(&mut office, 0, "后写");
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 1;
    let report = ok(office.sync(0));
    assert!(report.device_changes.is_empty(), "{report:?}");
    assert_eq!(office.pcs[0].catalog.device_id(), device);
    assert_eq!(office.pcs[0].catalog.outbox_len().unwrap_or(1), 0);
    office.converge();
    let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert!(status.waiting.is_empty(), "{:?}", status.waiting);
    assert_eq!(title(&office, 1, &first.id).as_deref(), Some("先写"));
    assert_eq!(title(&office, 1, &second.id).as_deref(), Some("后写"));
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_pc_restored_from_an_old_backup_takes_a_new_id_and_loses_nothing() {
    let mut office = Office::new(2, 11);
    let item = add_item(&mut office, 0, "备份前");
    ok(office.sync(0));
    // Back up PC 0's database.
    let data = office.pcs[0].dir.path().to_path_buf();
    let backup = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let copy = |from: &std::path::Path, to: &std::path::Path| {
        for name in ["catalog.db", "catalog.db-wal", "catalog.db-shm"] {
            let _ = std::fs::remove_file(to.join(name));
            if from.join(name).exists() {
                std::fs::copy(from.join(name), to.join(name)).unwrap_or_else(|e| panic!("{e}"));
            }
        }
    };
    // A checkpoint so the backup is the database file alone.
    let _ = office.pcs[0]
        .catalog
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    copy(&data, backup.path());
    // Life goes on: more edits, published.
    set_title(&mut office, 0, &item.id, "备份后的修改");
    let later = add_item(&mut office, 0, "备份后新建");
    ok(office.sync(0));
    let old_id = office.pcs[0].catalog.device_id().to_string();
    // The disk dies; the backup is restored, and a person edits before syncing.
    let restored_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    copy(backup.path(), restored_dir.path());
    let restored = open_catalog(restored_dir.path());
    office.pcs[0].catalog = restored;
    office.pcs[0].dir = restored_dir;
    assert_eq!(office.pcs[0].catalog.device_id(), old_id);
    let mine = add_item(&mut office, 0, "恢复后新建");
    let report = ok(office.sync(0));
    assert_eq!(report.device_changes.len(), 1, "{report:?}");
    let change = &report.device_changes[0];
    assert_eq!(change.old_device_id, old_id);
    assert!(change.ops_rekeyed >= 1);
    assert_ne!(office.pcs[0].catalog.device_id(), old_id);
    office.converge();
    for pc in 0..2 {
        assert_eq!(
            title(&office, pc, &later.id).as_deref(),
            Some("备份后新建"),
            "pc {pc}"
        );
        assert_eq!(
            title(&office, pc, &mine.id).as_deref(),
            Some("恢复后新建"),
            "pc {pc}"
        );
        assert_eq!(
            title(&office, pc, &item.id).as_deref(),
            Some("备份后的修改"),
            "pc {pc}"
        );
    }
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_pc_restored_from_a_backup_with_the_share_rolled_back_too_numbers_nothing_twice() {
    // The share goes back to the day of PC 0's backup as well: the segments PC 0 wrote since are
    // gone from it, and only PC 1 holds those operations. PC 0 must not give its new edits the
    // same numbers (and ids), and must get the lost ones back from PC 1.
    let mut office = Office::new(2, 13);
    let item = add_item(&mut office, 0, "备份前");
    ok(office.sync(0));
    ok(office.sync(1));
    let data = office.pcs[0].dir.path().to_path_buf();
    let backup = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let _ = office.pcs[0]
        .catalog
        .connection()
        .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)");
    std::fs::copy(data.join("catalog.db"), backup.path().join("catalog.db"))
        .unwrap_or_else(|e| panic!("{e}"));
    let share_then = office.share.borrow().files.clone();
    set_title(&mut office, 0, &item.id, "备份后的修改");
    let later = add_item(&mut office, 0, "备份后新建");
    ok(office.sync(0));
    ok(office.sync(1));
    assert_eq!(title(&office, 1, &later.id).as_deref(), Some("备份后新建"));
    let old_id = office.pcs[0].catalog.device_id().to_string();
    // Share and PC 0 restored; PC 1 syncs first and writes its acknowledgements again.
    office.share.borrow_mut().files = share_then;
    ok(office.sync(1));
    let restored_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    std::fs::copy(
        backup.path().join("catalog.db"),
        restored_dir.path().join("catalog.db"),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    office.pcs[0].catalog = open_catalog(restored_dir.path());
    office.pcs[0].dir = restored_dir;
    // Many edits: more than the operations lost, so numbers alone would not tell.
    let mut mine = Vec::new();
    for n in 0..6 {
        mine.push(add_item(&mut office, 0, &format!("恢复后新建{n}")));
    }
    let report = ok(office.sync(0));
    assert_eq!(report.device_changes.len(), 1, "{report:?}");
    assert_eq!(report.device_changes[0].old_device_id, old_id);
    office.converge();
    for pc in 0..2 {
        assert_eq!(
            title(&office, pc, &later.id).as_deref(),
            Some("备份后新建"),
            "pc {pc}"
        );
        assert_eq!(
            title(&office, pc, &item.id).as_deref(),
            Some("备份后的修改"),
            "pc {pc}"
        );
        for (n, m) in mine.iter().enumerate() {
            assert_eq!(
                title(&office, pc, &m.id),
                Some(format!("恢复后新建{n}")),
                "pc {pc}"
            );
        }
    }
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn an_emptied_folder_is_republished_never_read_as_deletions() {
    let mut office = Office::new(2, 12);
    let a = add_item(&mut office, 0, "甲");
    let b = add_item(&mut office, 1, "乙");
    office.converge();
    office.share.borrow_mut().files.clear();
    let report = ok(office.sync(1));
    assert!(
        report.folder_problems.iter().any(|p| p.code == "emptied"),
        "{report:?}"
    );
    assert_eq!(
        title(&office, 1, &a.id).as_deref(),
        Some("甲"),
        "nothing deleted"
    );
    office.converge();
    // A new PC joins the refilled folder and gets everything.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut newcomer = open_catalog(dir.path());
    let view = common::View {
        share: office.share.clone(),
        pc: 9,
        seed: 1,
        faults: Default::default(),
        rng: std::cell::RefCell::new(common::Rng::new(1)),
    };
    let report = desk_sync::sync_round(&mut newcomer, &view, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.joined_catalog, "{report:?}");
    assert!(report.waiting.is_empty(), "{report:?}");
    assert_eq!(
        newcomer.item(&a.id).map(|i| i.title).ok().as_deref(),
        Some("甲")
    );
    assert_eq!(
        newcomer.item(&b.id).map(|i| i.title).ok().as_deref(),
        Some("乙")
    );
}

#[test]
fn a_newer_format_is_refused_and_a_format_file_naming_another_catalog_is_written_again() {
    let mut office = Office::new(2, 13);
    add_item(&mut office, 0, "格式");
    let catalog_id = office.pcs[0].catalog.catalog_id().unwrap_or_default();
    let path = format!("{catalog_id}/format.json");
    let original = office.share.borrow().files.get(&path).cloned();
    let newer = serde_json::json!({"format": "disclosure-desk-sync", "major": 2, "minor": 0, "catalog_id": catalog_id, "created_by": "x", "created_at": ""});
    office
        .share
        .borrow_mut()
        .files
        .insert(path.clone(), (newer.to_string().into_bytes(), 0, 5));
    let before = dump(&office.pcs[0].catalog);
    let error = office.sync(0).err();
    assert_eq!(error.as_ref().map(|e| e.code()), Some("sync_format_newer"));
    assert!(error.is_some_and(|e| e.to_string().contains("update Disclosure Desk")));
    assert_eq!(dump(&office.pcs[0].catalog), before);
    let other = serde_json::json!({"format": "disclosure-desk-sync", "major": 1, "minor": 0, "catalog_id": "another", "created_by": "x", "created_at": ""});
    office
        .share
        .borrow_mut()
        .files
        .insert(path.clone(), (other.to_string().into_bytes(), 0, 5));
    // Inside this catalog's own folder, a format.json naming another catalog is damaged (the
    // folder's name is the catalog's id): a PC that synced here writes it again, and nothing of
    // its catalog changes.
    let report = ok(office.sync(0));
    assert!(
        report.repaired.contains(&"format.json".to_string()),
        "{report:?}"
    );
    assert_eq!(dump(&office.pcs[0].catalog), before);
    let rewritten = office.share.borrow().files.get(&path).map(|f| f.0.clone());
    let parsed: serde_json::Value =
        serde_json::from_slice(&rewritten.unwrap_or_default()).unwrap_or_default();
    assert_eq!(parsed["catalog_id"], catalog_id.as_str());
    if let Some(original) = original {
        office.share.borrow_mut().files.insert(path, original);
    }
    ok(office.sync(0));
}

#[test]
fn files_seen_late_torn_twice_or_mid_round_and_debris_are_handled() {
    let mut office = Office::new(3, 14);
    {
        let mut faults = office.pcs[1].view.faults.borrow_mut();
        faults.max_delay = 4;
        faults.debris = 100;
        faults.torn_reads = 40;
        faults.mid_round = 50;
        faults.duplicates = 50;
        faults.flapping = 20;
    }
    let item = add_item(&mut office, 0, "列表中出现");
    for round in 0..6 {
        set_title(&mut office, 0, &item.id, &format!("第{round}版"));
        ok(office.sync(0));
        let _ = office.sync(1);
        let _ = office.sync(2);
    }
    office.converge();
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("第5版"));
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[2].catalog));
}

/// How a segment comes to PC 1 while it is in the middle of a round.
#[derive(Debug, Clone, Copy)]
enum MidRound {
    /// The next segment appears after PC 1 listed the folder (it reads the one before).
    Appears,
    /// The next segment is listed while its writer is still copying it; it is whole right after
    /// PC 1 read it.
    CompletedAfterTheRead,
    /// Listed while being copied, whole by the time PC 1 reads it.
    CompletedBeforeTheRead,
}

#[test]
fn a_segment_appearing_or_completed_mid_round_is_never_applied_in_part() {
    for (n, case) in [
        MidRound::Appears,
        MidRound::CompletedAfterTheRead,
        MidRound::CompletedBeforeTheRead,
    ]
    .into_iter()
    .enumerate()
    {
        let mut office = Office::new(2, 30 + n as u64);
        let item = add_item(&mut office, 0, "第一版");
        ok(office.sync(0));
        let first = newest_segment(&office, 0);
        if !matches!(case, MidRound::Appears) {
            // PC 1 has the first segment already: the round's only business is the second.
            ok(office.sync(1));
        }
        set_title(&mut office, 0, &item.id, "第二版");
        ok(office.sync(0));
        let second = newest_segment(&office, 0);
        assert_ne!(first, second);
        let whole = office.share.borrow_mut().files.remove(&second);
        let Some(whole) = whole else {
            panic!("{second} was written")
        };
        let dir = second.rsplit_once('/').map(|(d, _)| d.to_string());
        let place = |share: &mut common::Share, bytes: Vec<u8>| {
            let (_, step, writer) = whole.clone();
            share.files.insert(second.clone(), (bytes, step, writer));
        };
        let partial = whole.0[..whole.0.len() / 2].to_vec();
        let (access, path) = match case {
            MidRound::Appears => (Access::Read, first.clone()),
            MidRound::CompletedAfterTheRead => {
                place(&mut office.share.borrow_mut(), partial);
                (Access::Read, second.clone())
            }
            MidRound::CompletedBeforeTheRead => {
                place(&mut office.share.borrow_mut(), partial);
                (Access::List, dir.unwrap_or_default())
            }
        };
        let complete = whole.0.clone();
        let second_path = second.clone();
        let (step, writer) = (whole.1, whole.2);
        office.share.borrow_mut().hooks.push(common::Hook {
            pc: 1,
            access,
            path,
            run: Box::new(move |share| {
                share.files.insert(second_path, (complete, step, writer));
            }),
        });
        let report = ok(office.sync(1));
        assert!(
            office.share.borrow().hooks.is_empty(),
            "{case:?}: the hook ran"
        );
        let shown = title(&office, 1, &item.id);
        match case {
            MidRound::Appears => {
                assert_eq!(shown.as_deref(), Some("第一版"), "{case:?}");
                assert!(report.waiting.is_empty(), "{case:?}: {:?}", report.waiting);
            }
            MidRound::CompletedAfterTheRead => {
                assert_eq!(shown.as_deref(), Some("第一版"), "{case:?}");
                assert!(
                    report
                        .waiting
                        .iter()
                        .any(|w| w.reason == WaitReason::Damaged),
                    "{case:?}: {:?}",
                    report.waiting
                );
            }
            MidRound::CompletedBeforeTheRead => {
                assert_eq!(shown.as_deref(), Some("第二版"), "{case:?}: read whole");
            }
        }
        // The next round takes it whole, and the two PCs agree.
        let report = ok(office.sync(1));
        assert!(report.waiting.is_empty(), "{case:?}: {:?}", report.waiting);
        assert_eq!(
            title(&office, 1, &item.id).as_deref(),
            Some("第二版"),
            "{case:?}"
        );
        office.converge();
        assert_eq!(
            dump(&office.pcs[0].catalog),
            dump(&office.pcs[1].catalog),
            "{case:?}"
        );
    }
}

#[test]
fn compaction_keeps_the_newest_segment_when_the_share_lists_names_twice() {
    let mut office = Office::new(2, 20);
    for n in 0..10 {
        add_item(&mut office, 0, &format!("重复列出{n}"));
        ok(office.sync(0));
    }
    office.converge();
    office.pcs[0].view.faults.borrow_mut().duplicates = 100;
    office.compact = true;
    let device = office.pcs[0].catalog.device_id().to_string();
    let segments = |office: &Office| -> Vec<String> {
        office
            .share
            .borrow()
            .files
            .keys()
            .filter(|p| p.contains(&format!("/ops/{device}/")))
            .cloned()
            .collect()
    };
    let newest = segments(&office).last().cloned();
    let report = ok(office.sync(0));
    assert!(report.segments_compacted > 0, "{report:?}");
    assert_eq!(
        segments(&office),
        newest.into_iter().collect::<Vec<_>>(),
        "only the newest segment stays"
    );
    let report = ok(office.sync(0));
    assert!(
        report.folder_problems.is_empty(),
        "nothing to publish again: {report:?}"
    );
    assert_eq!(report.segments_published, 0);
}

#[test]
fn concurrent_edits_become_a_conflict_that_settling_closes_everywhere() {
    let mut office = Office::new(2, 15);
    let item = add_item(&mut office, 0, "原题");
    office.converge();
    set_title(&mut office, 0, &item.id, "甲改");
    set_title(&mut office, 1, &item.id, "乙改");
    let report = ok(office.sync(0));
    assert_eq!(report.new_conflicts, 0);
    let report = ok(office.sync(1));
    assert_eq!(report.new_conflicts, 1, "{report:?}");
    office.converge();
    let conflicts = office.pcs[0].catalog.conflicts().unwrap_or_default();
    assert_eq!(conflicts.len(), 1);
    let conflict = &conflicts[0];
    assert_eq!(conflict.field, "title");
    let mut values: Vec<String> = std::iter::once(&conflict.current)
        .chain(conflict.others.iter())
        .map(|v| v.value.as_str().unwrap_or_default().to_string())
        .collect();
    values.sort();
    assert_eq!(values, ["乙改", "甲改"]);
    // Both PCs show the same winner, and the loser is kept.
    assert_eq!(title(&office, 0, &item.id), title(&office, 1, &item.id));
    let loser = conflict.others[0].clone();
    office.pcs[1]
        .catalog
        .settle_conflict(&conflict.key, &loser.op_id)
        .unwrap_or_else(|e| panic!("{e}"));
    office.converge();
    for pc in 0..2 {
        assert!(office.pcs[pc]
            .catalog
            .conflicts()
            .unwrap_or_default()
            .is_empty());
        assert_eq!(
            title(&office, pc, &item.id).as_deref(),
            loser.value.as_str()
        );
    }
    // A wrong key or value is refused with a clear code.
    let refused = office.pcs[0].catalog.settle_conflict("item/x", "y");
    assert_eq!(refused.err().map(|e| e.code()), Some("invalid_argument"));
}

#[test]
fn an_edit_concurrent_with_a_delete_keeps_the_item() {
    let mut office = Office::new(2, 16);
    let item = add_item(&mut office, 0, "删除");
    office.converge();
    office.pcs[0]
        .catalog
        .delete_item(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    set_title(&mut office, 1, &item.id, "并发修改");
    office.converge();
    for pc in 0..2 {
        assert_eq!(
            title(&office, pc, &item.id).as_deref(),
            Some("并发修改"),
            "pc {pc}"
        );
    }
    // A delete that saw the edit removes it everywhere.
    office.pcs[1]
        .catalog
        .delete_item(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    office.converge();
    for pc in 0..2 {
        assert_eq!(title(&office, pc, &item.id), None, "pc {pc}");
    }
}

#[test]
fn the_real_folder_works_end_to_end() {
    let share = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let a_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let b_dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut a = open_catalog(a_dir.path());
    let mut b = open_catalog(b_dir.path());
    let folder = desk_sync::FsFolder::open(share.path()).unwrap_or_else(|e| panic!("{e}"));
    let mut item = Item::blank(String::new());
    item.title = "真实文件夹".into();
    let item = a.save_item(item).unwrap_or_else(|e| panic!("{e}"));
    let attachment = a_dir.path().join("附件.txt");
    std::fs::write(&attachment, "附件内容").unwrap_or_else(|e| panic!("{e}"));
    let with = a
        .add_attachment(&item.id, &attachment)
        .unwrap_or_else(|e| panic!("{e}"));
    let report = desk_sync::sync_round(&mut a, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.created_catalog && report.blobs_published == 1,
        "{report:?}"
    );
    let report = desk_sync::sync_round(&mut b, &folder, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.joined_catalog && report.blobs_fetched == 1,
        "{report:?}"
    );
    let got = b.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(got.attachments, with.attachments);
    assert!(b
        .attachment_blob_present(&with.attachments[0].sha256)
        .is_some());
    // No temporary files are left, and every name is one Windows accepts.
    let mut stack = vec![share.path().to_path_buf()];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("{e}"))
            .flatten()
        {
            let name = entry.file_name().to_string_lossy().to_string();
            assert!(desk_sync::folder::is_plain_name(&name), "{name}");
            assert!(!name.ends_with(".tmp"), "{name}");
            if entry.path().is_dir() {
                stack.push(entry.path());
            }
        }
    }
    // A folder that is not there is not an empty one.
    let missing = desk_sync::FsFolder::open(&share.path().join("absent"));
    assert!(missing.is_err());
    let _ = folder.list("");
}

#[test]
fn compaction_waits_for_every_ack_and_a_snapshot_then_a_new_pc_starts_from_it() {
    let mut office = Office::new(2, 17);
    let mut ids = Vec::new();
    for n in 0..20 {
        ids.push(add_item(&mut office, 0, &format!("压缩{n}")).id);
    }
    let compacting = |now: i64| desk_sync::SyncOptions {
        compact: true,
        retention_ms: 0,
        ..options(now)
    };
    let sync_compacting = |office: &mut Office, pc: usize| {
        office.tick();
        let p = &mut office.pcs[pc];
        desk_sync::sync_round(&mut p.catalog, &p.view, &compacting(now_ms() + 1000))
            .unwrap_or_else(|e| panic!("{e}"))
    };
    // PC 1 has acknowledged only what it had when it joined: only that may go, and PC 1 still
    // finds every new item in the segments left.
    sync_compacting(&mut office, 0);
    ok(office.sync(1));
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 1, id), Some(format!("压缩{n}")));
    }
    for n in 0..10 {
        ids.push(add_item(&mut office, 0, &format!("压缩{}", 20 + n)).id);
    }
    ok(office.sync(0));
    ok(office.sync(1));
    let report = sync_compacting(&mut office, 0);
    assert!(report.segments_compacted > 0, "{report:?}");
    assert!(report.snapshot_written);
    let device = office.pcs[0].catalog.device_id().to_string();
    let remaining = office
        .share
        .borrow()
        .files
        .keys()
        .filter(|p| p.contains(&format!("/ops/{device}/")))
        .count();
    assert!(remaining >= 1, "the newest segment stays");
    // A new PC starts from the snapshot and the segments left.
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut newcomer = open_catalog(dir.path());
    let view = common::View {
        share: office.share.clone(),
        pc: 9,
        seed: 1,
        faults: Default::default(),
        rng: std::cell::RefCell::new(common::Rng::new(1)),
    };
    let report = desk_sync::sync_round(&mut newcomer, &view, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    assert!(report.waiting.is_empty(), "{report:?}");
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(
            newcomer.item(id).map(|i| i.title).ok(),
            Some(format!("压缩{n}"))
        );
    }
    assert_eq!(
        dump(&newcomer)["items"],
        dump(&office.pcs[0].catalog)["items"]
    );
}

/// `pc` compacts while `hidden`'s device card is missing from the listing, so it does not wait
/// for `hidden`; the card is back afterwards.
fn compact_while_hidden(office: &mut Office, pc: usize, hidden: usize) {
    let catalog_id = office.pcs[pc].catalog.catalog_id().unwrap_or_default();
    let card = format!(
        "{catalog_id}/devices/{}.json",
        office.pcs[hidden].catalog.device_id()
    );
    let removed = office.share.borrow_mut().files.remove(&card);
    office.compact = true;
    let report = ok(office.sync(pc));
    office.compact = false;
    assert!(report.segments_compacted > 0, "{report:?}");
    if let Some(file) = removed {
        office.share.borrow_mut().files.insert(card, file);
    }
}

#[test]
fn compaction_waits_for_a_pc_it_applied_even_when_its_card_is_missing_from_the_listing() {
    let mut office = Office::new(3, 25);
    // PC 1 has written: PC 0 applies its change, so PC 0 knows of PC 1 from its own catalog.
    let theirs = add_item(&mut office, 1, "一号机的事项");
    ok(office.sync(1));
    ok(office.sync(0));
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(add_item(&mut office, 0, &format!("等待{n}")).id);
        ok(office.sync(0));
    }
    ok(office.sync(2));
    ok(office.sync(0));
    let catalog_id = office.pcs[0].catalog.catalog_id().unwrap_or_default();
    let card = format!(
        "{catalog_id}/devices/{}.json",
        office.pcs[1].catalog.device_id()
    );
    let removed = office.share.borrow_mut().files.remove(&card);
    office.compact = true;
    ok(office.sync(0));
    office.compact = false;
    if let Some(file) = removed {
        office.share.borrow_mut().files.insert(card, file);
    }
    // PC 1 reads the segments themselves, no snapshot needed.
    let report = ok(office.sync(1));
    assert!(
        !report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 1, id), Some(format!("等待{n}")));
    }
    assert_eq!(
        title(&office, 0, &theirs.id).as_deref(),
        Some("一号机的事项")
    );
}

#[test]
fn a_pc_whose_segments_were_compacted_away_starts_from_the_compacting_pcs_snapshot() {
    let mut office = Office::new(3, 23);
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(add_item(&mut office, 0, &format!("快照{n}")).id);
        ok(office.sync(0));
    }
    ok(office.sync(2));
    ok(office.sync(0));
    // PC 1's card is missing from the listing: compaction does not wait for PC 1.
    compact_while_hidden(&mut office, 0, 1);
    // PC 1 has a snapshot of its own, newer than PC 0's, which does not hold PC 0's changes.
    let mine = add_item(&mut office, 1, "自己的");
    office.tick();
    let now = office.now();
    let pc = &mut office.pcs[1];
    desk_sync::publish_snapshot(&mut pc.catalog, &pc.view, &options(now))
        .unwrap_or_else(|e| panic!("{e}"));
    let report = ok(office.sync(1));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    office.converge();
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 1, id), Some(format!("快照{n}")));
    }
    assert_eq!(title(&office, 0, &mine.id).as_deref(), Some("自己的"));
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_snapshot_damaged_anywhere_in_its_tail_applies_nothing_and_a_whole_one_applies() {
    let mut office = Office::new(3, 29);
    let mut ids = Vec::new();
    for n in 0..6 {
        ids.push(add_item(&mut office, 0, &format!("尾部{n}")).id);
        ok(office.sync(0));
    }
    ok(office.sync(2));
    ok(office.sync(0));
    // PC 1 has not seen PC 0's items, and their segments are compacted away: it needs the
    // snapshot.
    compact_while_hidden(&mut office, 0, 1);
    let snapshot = office
        .share
        .borrow()
        .files
        .keys()
        .find(|p| p.contains("/snapshots/"))
        .cloned()
        .unwrap_or_default();
    let whole = office
        .share
        .borrow()
        .files
        .get(&snapshot)
        .cloned()
        .unwrap_or_else(|| panic!("no snapshot"));
    let before = dump(&office.pcs[1].catalog);
    let vv_before = office.pcs[1].catalog.version_vector().ok();
    let tail = whole.0.len().saturating_sub(160);
    let damages: Vec<(usize, bool)> = (tail..whole.0.len())
        .flat_map(|at| [(at, true), (at, false)])
        .collect();
    for (at, flip) in damages {
        // Damaged after the first read, which checks the file: the second read, which applies
        // it, finds the damage only at the end, and all it applied is undone.
        let path = snapshot.clone();
        office.share.borrow_mut().hooks.push(common::Hook {
            pc: 1,
            access: Access::Read,
            path: snapshot.clone(),
            run: Box::new(move |share| {
                if let Some((bytes, _, _)) = share.files.get_mut(&path) {
                    if flip {
                        bytes[at] ^= 0x20;
                    } else {
                        bytes.truncate(at);
                    }
                }
            }),
        });
        let report = ok(office.sync(1));
        let what = if flip { "flipped" } else { "cut" };
        assert!(
            !report.applied.iter().any(|a| a.device_id == "snapshot"),
            "{what} at {at}: {report:?}"
        );
        assert!(
            report
                .waiting
                .iter()
                .any(|w| w.file.ends_with(".snap") && w.reason == WaitReason::Damaged),
            "{what} at {at}: {report:?}"
        );
        assert_eq!(dump(&office.pcs[1].catalog), before, "{what} at {at}");
        assert_eq!(
            office.pcs[1].catalog.version_vector().ok(),
            vv_before,
            "{what} at {at}"
        );
        office
            .share
            .borrow_mut()
            .files
            .insert(snapshot.clone(), whole.clone());
    }
    // Whole, it applies as before.
    let report = ok(office.sync(1));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 1, id), Some(format!("尾部{n}")));
    }
}

#[test]
fn an_older_cut_published_again_before_compacted_segments_does_not_hide_the_gap() {
    let mut office = Office::new(3, 24);
    let first = add_item(&mut office, 0, "旧段");
    ok(office.sync(0));
    let old_segment = newest_segment(&office, 0);
    let old = office.share.borrow().files.get(&old_segment).cloned();
    ok(office.sync(1));
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(add_item(&mut office, 0, &format!("压缩后{n}")).id);
        ok(office.sync(0));
    }
    ok(office.sync(2));
    ok(office.sync(0));
    // Compaction does not wait for PC 1 (its card missing from the listing)...
    compact_while_hidden(&mut office, 0, 1);
    // ...and the first segment, which PC 1 has, is there again (published again after the
    // folder looked emptied): it must not pass for the way on to the segments that are gone.
    if let Some(file) = old {
        office.share.borrow_mut().files.insert(old_segment, file);
    }
    let report = ok(office.sync(1));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    assert_eq!(title(&office, 1, &first.id).as_deref(), Some("旧段"));
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 1, id), Some(format!("压缩后{n}")));
    }
}

/// A newcomer's view of the share, with no faults.
fn newcomer_view(office: &Office, pc: usize) -> common::View {
    common::View::new(office.share.clone(), pc, 1)
}

#[test]
fn a_snapshot_holds_only_published_own_operations_so_its_writer_is_never_taken_for_a_clone() {
    let mut office = Office::new(2, 41);
    let device = office.pcs[0].catalog.device_id().to_string();
    for n in 0..10 {
        add_item(&mut office, 0, &format!("已发布{n}"));
        ok(office.sync(0));
    }
    ok(office.sync(1));
    office.compact = true;
    let report = ok(office.sync(0));
    office.compact = false;
    assert!(report.segments_compacted > 0, "{report:?}");
    // An edit still in the outbox when a snapshot is written (as the index numbers settled
    // after a round's publishing are when the same round compacts).
    let late = add_item(&mut office, 0, "尚未发布");
    office.tick();
    let now = office.now();
    let pc = &mut office.pcs[0];
    desk_sync::publish_snapshot(&mut pc.catalog, &pc.view, &options(now))
        .unwrap_or_else(|e| panic!("{e}"));
    // A new PC starts from that snapshot (the first segments are compacted away).
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut newcomer = open_catalog(dir.path());
    let view = newcomer_view(&office, 9);
    let report = desk_sync::sync_round(&mut newcomer, &view, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    // The writer publishes its edit under its own id: nobody holds its id's operations beyond
    // what it published, so it is no clone.
    let report = ok(office.sync(0));
    assert!(report.device_changes.is_empty(), "{report:?}");
    assert_eq!(office.pcs[0].catalog.device_id(), device);
    office.converge();
    let report = desk_sync::sync_round(&mut newcomer, &view, &options(now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(report.waiting.is_empty(), "{report:?}");
    let creates: Vec<String> = newcomer
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.entity_id == late.id)
        .map(|o| o.id)
        .collect();
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert!(creates[0].starts_with(&device), "{creates:?}");
    assert_eq!(
        newcomer.item(&late.id).map(|i| i.title).ok().as_deref(),
        Some("尚未发布")
    );
    assert_eq!(
        dump(&newcomer)["items"],
        dump(&office.pcs[0].catalog)["items"]
    );
}

#[test]
fn an_own_segment_found_damaged_while_the_clock_ran_ahead_is_written_again_soon_after_it_is_set_right(
) {
    let mut office = Office::new(2, 42);
    let device = office.pcs[0].catalog.device_id().to_string();
    let item = add_item(&mut office, 0, "时钟回拨");
    // The segment gets its name, its read-back is torn, and then the file is cut for good.
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 1;
    assert!(office.sync(0).is_err());
    let path = newest_segment(&office, 0);
    if let Some(file) = office.share.borrow_mut().files.get_mut(&path) {
        file.0.truncate(file.0.len() / 2);
    }
    // Found so while this PC's clock is five minutes ahead; then the clock is set right.
    office.pcs[0].skew_ms = 5 * 60 * 1000;
    let error = office.sync(0).err().map(|e| e.code().to_string());
    assert_eq!(error.as_deref(), Some("sync_own_segment_unreadable"));
    office.pcs[0].skew_ms = 0;
    // The wait (a few seconds in these options) counts from the clock as it is now, not from
    // five minutes ahead.
    let wait = options(office.now()).own_unreadable_after_ms;
    let mut published = false;
    for _ in 0..(wait / common::STEP_MS + 3) {
        if office.sync(0).is_ok() && office.pcs[0].catalog.outbox_len().unwrap_or(1) == 0 {
            published = true;
            break;
        }
    }
    assert!(published, "the segment was not written again");
    assert_eq!(office.pcs[0].catalog.device_id(), device);
    office.converge();
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("时钟回拨"));
}

#[test]
fn a_pc_restored_after_compacting_publishes_again_what_a_rolled_back_share_lost_of_its_new_id() {
    let mut office = Office::new(2, 43);
    for n in 0..12 {
        add_item(&mut office, 0, &format!("压缩前{n}"));
        ok(office.sync(0));
    }
    ok(office.sync(1));
    office.compact = true;
    let report = ok(office.sync(0));
    office.compact = false;
    assert!(report.segments_compacted > 0, "{report:?}");
    let backup = office.backup(0);
    // Life goes on, then the disk dies: the backup (which remembers how far the old id was
    // compacted) is restored, and the PC takes a new id.
    add_item(&mut office, 0, "备份后");
    ok(office.sync(0));
    office.restore(0, backup.path());
    let old_id = office.pcs[0].catalog.device_id().to_string();
    add_item(&mut office, 0, "恢复后第一件");
    let report = ok(office.sync(0));
    assert_eq!(report.device_changes.len(), 1, "{report:?}");
    assert_ne!(office.pcs[0].catalog.device_id(), old_id);
    // The new id's next segments are published, then lost with the share rolled back.
    let share_then = office.share.borrow().files.clone();
    let mut lost = Vec::new();
    for n in 0..3 {
        lost.push(add_item(&mut office, 0, &format!("随共享回滚丢失{n}")));
        ok(office.sync(0));
    }
    office.share.borrow_mut().files = share_then;
    // The writer publishes them again (nobody else holds them).
    office.converge();
    for (n, item) in lost.iter().enumerate() {
        assert_eq!(
            title(&office, 1, &item.id),
            Some(format!("随共享回滚丢失{n}"))
        );
    }
    let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert!(status.waiting.is_empty(), "{:?}", status.waiting);
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_segment_read_by_another_pc_before_its_read_back_failed_is_not_taken_for_a_clone() {
    let mut office = Office::new(2, 44);
    let device = office.pcs[0].catalog.device_id().to_string();
    let item = add_item(&mut office, 0, "他人先读到");
    // Written, but the read-back is torn: not marked published here.
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 1;
    assert!(office.sync(0).is_err());
    // PC 1 reads it whole and acknowledges it; then the file is damaged in place.
    ok(office.sync(1));
    assert_eq!(title(&office, 1, &item.id).as_deref(), Some("他人先读到"));
    let path = newest_segment(&office, 0);
    if let Some(file) = office.share.borrow_mut().files.get_mut(&path) {
        file.0.truncate(file.0.len() / 2);
    }
    // PC 0 sees PC 1 acknowledge more of its id than it marked published: that is the segment
    // it was publishing, not a clone's. It keeps its id and writes the segment again.
    for round in 0..10 {
        let report = office.sync(0);
        if let Ok(report) = &report {
            assert!(
                report.device_changes.is_empty(),
                "round {round}: {report:?}"
            );
        }
        assert_eq!(office.pcs[0].catalog.device_id(), device, "round {round}");
    }
    assert_eq!(office.pcs[0].catalog.outbox_len().unwrap_or(1), 0);
    office.converge();
    let creates: Vec<String> = office.pcs[1]
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.entity_id == item.id)
        .map(|o| o.id)
        .collect();
    assert_eq!(creates.len(), 1, "{creates:?}");
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_pc_restored_with_the_share_rolled_back_publishes_again_from_inside_a_segment_it_cut_anew() {
    // PC 0's backup holds an edit not published yet. PC 0 publishes it and PC 1 applies it; then
    // the share and PC 0 both go back to the day of the backup. Nothing shows PC 0 was restored
    // (its operations are the same ones), and it publishes that edit again cut together with
    // later ones into one segment. PC 1 holds the first cut: it waits on the operations after it
    // and reports them missing, under a number no segment of PC 0 starts at. PC 0 publishes them
    // again from there.
    let mut office = Office::new(2, 48);
    let writer = office.pcs[0].catalog.device_id().to_string();
    let early = add_item(&mut office, 0, "备份时未发布");
    let backup = office.backup(0);
    let share_then = office.share.borrow().files.clone();
    ok(office.sync(0));
    ok(office.sync(1));
    assert_eq!(
        title(&office, 1, &early.id).as_deref(),
        Some("备份时未发布")
    );
    let held = office.pcs[1]
        .catalog
        .sync_cursors()
        .unwrap_or_else(|e| panic!("{e}"))
        .get(&writer)
        .copied()
        .unwrap_or(0);
    office.share.borrow_mut().files = share_then;
    office.restore(0, backup.path());
    // More edits than one segment holds: the edit PC 1 has is cut with the first of them.
    let mut later = Vec::new();
    for n in 0..10 {
        later.push(add_item(&mut office, 0, &format!("恢复后{n}")));
    }
    let report = ok(office.sync(0));
    assert!(report.device_changes.is_empty(), "{report:?}");
    assert_eq!(office.pcs[0].catalog.device_id(), writer);
    let gap = desk_sync::format::segment_name(held + 1);
    for _ in 0..2 {
        let report = ok(office.sync(1));
        assert!(
            report
                .waiting
                .iter()
                .any(|w| w.device_id == writer && w.reason == WaitReason::Gap && w.file == gap),
            "{report:?}"
        );
    }
    let report = ok(office.sync(0));
    assert_eq!(
        report.repaired,
        vec![format!("ops/{writer}/{gap}")],
        "{report:?}"
    );
    let report = ok(office.sync(1));
    assert!(report.waiting.is_empty(), "{report:?}");
    for (n, item) in later.iter().enumerate() {
        assert_eq!(title(&office, 1, &item.id), Some(format!("恢复后{n}")));
    }
    office.converge();
    let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert!(status.waiting.is_empty(), "{:?}", status.waiting);
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_pc_behind_starts_from_another_whole_snapshot_when_the_gone_compacting_pcs_is_damaged() {
    let mut office = Office::new(3, 45);
    let mut ids = Vec::new();
    for n in 0..12 {
        ids.push(add_item(&mut office, 0, &format!("唯一副本{n}")).id);
        ok(office.sync(0));
    }
    ok(office.sync(2));
    ok(office.sync(0));
    // PC 1 has not seen PC 0's items, and their segments are compacted away.
    compact_while_hidden(&mut office, 0, 1);
    // PC 2 gives new PCs a snapshot of its own, holding them too.
    ok(office.sync(2));
    office.tick();
    let now = office.now();
    let pc = &mut office.pcs[2];
    desk_sync::publish_snapshot(&mut pc.catalog, &pc.view, &options(now))
        .unwrap_or_else(|e| panic!("{e}"));
    // PC 0's snapshot is damaged and PC 0 leaves for good right after.
    let writer = office.pcs[0].catalog.device_id().to_string();
    let damaged = office
        .share
        .borrow()
        .files
        .keys()
        .find(|p| p.contains(&format!("/snapshots/{writer}-")))
        .cloned()
        .unwrap_or_else(|| panic!("no snapshot of PC 0"));
    if let Some(file) = office.share.borrow_mut().files.get_mut(&damaged) {
        file.0.iter_mut().for_each(|b| *b = 0);
    }
    drop(office.retire(0));
    // PC 1 (now index 0) starts from PC 2's snapshot.
    let report = ok(office.sync(0));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    for (n, id) in ids.iter().enumerate() {
        assert_eq!(title(&office, 0, id), Some(format!("唯一副本{n}")));
    }
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

fn clashes(office: &Office, pc: usize) -> Vec<String> {
    desk_sync::status(&office.pcs[pc].catalog)
        .map(|s| s.waiting)
        .unwrap_or_default()
        .into_iter()
        .filter(|w| w.reason == WaitReason::IdClash)
        .map(|w| w.file)
        .collect()
}

fn titles(office: &Office, pc: usize) -> Vec<String> {
    office.pcs[pc]
        .catalog
        .connection()
        .prepare("SELECT title FROM items ORDER BY title")
        .and_then(|mut stmt| {
            stmt.query_map([], |r| r.get::<_, String>(0))?
                .collect::<Result<Vec<_>, _>>()
        })
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn two_pcs_numbering_different_changes_alike_under_one_id_is_shown_then_healed() {
    // PC 2 is restored from its backup and the share rolled back to the same day before any
    // other PC synced: PC 1 holds what PC 2 wrote after the backup, and PC 2 gives its new edits
    // the very same numbers. Every PC that holds one side and learns of the other's hash shows
    // the clash, naming the operation id; PC 2 then issues its side again under a new id, PC 0
    // (which took PC 2's side) moves it there too, PC 1's side comes back under the old id, and
    // every PC ends with both edits.
    let mut office = Office::new(3, 126);
    add_item(&mut office, 0, "备份前");
    office.converge();
    let backup = office.backup(2);
    let share_then = office.share.borrow().files.clone();
    add_item(&mut office, 2, "备份后甲");
    ok(office.sync(2));
    ok(office.sync(1));
    office.share.borrow_mut().files = share_then;
    office.restore(2, backup.path());
    // The same kind of edit, so that both sides end at the same number.
    add_item(&mut office, 2, "备份后乙");
    ok(office.sync(2));
    ok(office.sync(0));
    let device = office.pcs[2].catalog.device_id().to_string();
    for pc in [1, 0] {
        ok(office.sync(pc));
        let seen = clashes(&office, pc);
        assert!(
            seen.iter().any(|id| id.starts_with(&format!("{device}:"))),
            "pc {pc} shows the clash: {seen:?}"
        );
    }
    let report = ok(office.sync(2));
    assert_eq!(report.device_changes.len(), 1, "{report:?}");
    assert_ne!(office.pcs[2].catalog.device_id(), device);
    office.converge();
    let both = vec![
        "备份前".to_string(),
        "备份后乙".to_string(),
        "备份后甲".to_string(),
    ];
    for pc in 0..3 {
        assert_eq!(titles(&office, pc), both, "pc {pc}");
        assert_eq!(
            clashes(&office, pc),
            Vec::<String>::new(),
            "pc {pc}: {:?}",
            desk_sync::status(&office.pcs[pc].catalog).map(|s| s.waiting)
        );
    }
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[2].catalog));
}

#[test]
fn a_clone_numbering_other_changes_alike_after_the_first_ones_file_was_deleted_heals() {
    // PC 1 is cloned (PC 3). PC 1 publishes an item; before anyone reads it, its segment is
    // deleted from the share, and the clone publishes another item under the very same numbers,
    // which PC 0 takes. PC 1 finds its name taken and leaves the id; the clash is then found
    // from the acknowledgements' hashes, PC 1 issues its side again, and every PC ends with both
    // items and no clash.
    let mut office = Office::new(3, 127);
    add_item(&mut office, 0, "克隆前");
    office.converge();
    let twin = office.clone_pc(1);
    let device = office.pcs[1].catalog.device_id().to_string();
    assert_eq!(office.pcs[twin].catalog.device_id(), device);
    add_item(&mut office, 1, "原机所写");
    ok(office.sync(1));
    let published = newest_segment(&office, 1);
    assert!(!published.is_empty());
    office.share.borrow_mut().files.remove(&published);
    add_item(&mut office, twin, "克隆所写");
    ok(office.sync(twin));
    ok(office.sync(0));
    office.converge();
    // One side was issued again under a new id, listed on that PC's card.
    let reissued = office
        .share
        .borrow()
        .files
        .iter()
        .filter(|(path, _)| path.contains("/devices/"))
        .filter_map(|(_, (bytes, _, _))| {
            serde_json::from_slice::<desk_sync::format::DeviceFile>(bytes).ok()
        })
        .flat_map(|card| card.reissued)
        .filter(|r| r.device_id == device)
        .count();
    assert!(reissued > 0, "no side was issued again");
    let all = vec![
        "克隆前".to_string(),
        "克隆所写".to_string(),
        "原机所写".to_string(),
    ];
    for pc in 0..office.pcs.len() {
        assert_eq!(titles(&office, pc), all, "pc {pc}");
        assert_eq!(
            clashes(&office, pc),
            Vec::<String>::new(),
            "pc {pc}: {:?}",
            desk_sync::status(&office.pcs[pc].catalog).map(|s| s.waiting)
        );
    }
    let first = dump(&office.pcs[0].catalog);
    for pc in 1..office.pcs.len() {
        assert_eq!(dump(&office.pcs[pc].catalog), first, "pc {pc}");
    }
}
