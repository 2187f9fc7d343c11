//! The shared folder heals: a file damaged after it was published is written again, by its writer
//! or, when the writer is gone, by a PC that holds what it carried; until then the person is told
//! which files are damaged and who can repair them.

mod common;

use common::add_item;

use common::{dump, options, Office};
use desk_core::sync::{SyncReport, WaitReason};
use desk_sync::SyncOptions;

/// A round of `pc` with options changed by `change` (the office's own otherwise).
fn sync_with(office: &mut Office, pc: usize, change: impl Fn(&mut SyncOptions)) -> SyncReport {
    office.tick();
    let now = office.now() + office.pcs[pc].skew_ms;
    desk_store::clock::set_now(now);
    let mut opts = options(now);
    change(&mut opts);
    let p = &mut office.pcs[pc];
    let report = desk_sync::sync_round(&mut p.catalog, &p.view, &opts)
        .unwrap_or_else(|e| panic!("pc {pc}: {e} ({})", e.code()));
    desk_store::clock::set_now(office.now());
    report
}

fn sync(office: &mut Office, pc: usize) -> SyncReport {
    sync_with(office, pc, |_| {})
}

/// The paths of `pc`'s segment files in the share.
fn segments_of(office: &Office, pc: usize) -> Vec<String> {
    let device = office.pcs[pc].catalog.device_id().to_string();
    office
        .share
        .borrow()
        .files
        .keys()
        .filter(|p| p.contains(&format!("/ops/{device}/")) && p.ends_with(".seg"))
        .cloned()
        .collect()
}

fn damage(office: &Office, path: &str, how: impl Fn(&mut Vec<u8>)) {
    if let Some(file) = office.share.borrow_mut().files.get_mut(path) {
        how(&mut file.0);
    }
}

/// A way a published file is found damaged in place.
type Damage = (&'static str, fn(&mut Vec<u8>));

fn damages() -> Vec<Damage> {
    vec![
        ("cut in half", |b| b.truncate(b.len() / 2)),
        ("cut before the trailer", |b| b.truncate(b.len() - 20)),
        ("a flipped byte", |b| {
            let at = b.len() / 3;
            b[at] ^= 0x40;
        }),
        ("zeroed", |b| b.iter_mut().for_each(|x| *x = 0)),
        ("emptied", |b| b.clear()),
    ]
}

#[test]
fn a_segment_damaged_in_place_is_written_again_by_its_writer_and_reaches_everyone() {
    for (case, (what, how)) in damages().into_iter().enumerate() {
        let mut office = Office::new(3, 100 + case as u64);
        let item = add_item(&mut office, 0, "受损后修复的事项");
        sync(&mut office, 0);
        let damaged = segments_of(&office, 0)
            .into_iter()
            .max()
            .unwrap_or_default();
        damage(&office, &damaged, how);
        // PC 1 meets the damage: nothing applied, the file named, and who can repair it.
        let report = sync(&mut office, 1);
        assert!(report.applied.is_empty(), "{what}: {report:?}");
        assert!(
            report
                .waiting
                .iter()
                .any(|w| w.reason == WaitReason::Damaged),
            "{what}: {report:?}"
        );
        let writer = office.pcs[0].catalog.device_id().to_string();
        let seen = report
            .damaged
            .iter()
            .find(|d| damaged.ends_with(&d.file))
            .unwrap_or_else(|| panic!("{what}: {report:?}"));
        assert_eq!(seen.holders, vec![writer.clone()], "{what}");
        let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(status.damaged.len(), 1, "{what}: {status:?}");
        // The writer reads PC 1's report and writes the segment again under a new name.
        let report = sync(&mut office, 0);
        assert_eq!(report.repaired.len(), 1, "{what}: {report:?}");
        assert!(report.repaired[0].ends_with("-r1.seg"), "{report:?}");
        let report = sync(&mut office, 1);
        assert!(
            report.applied.iter().map(|a| a.ops).sum::<u32>() > 0,
            "{what}: {report:?}"
        );
        assert!(report.damaged.is_empty(), "{what}: {report:?}");
        office.converge();
        for pc in 0..3 {
            assert_eq!(
                office.pcs[pc].catalog.item(&item.id).map(|i| i.title).ok(),
                Some("受损后修复的事项".to_string()),
                "{what}: pc {pc}"
            );
        }
        assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
        assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[2].catalog));
        let status = desk_sync::status(&office.pcs[1].catalog).unwrap_or_else(|e| panic!("{e}"));
        assert!(status.damaged.is_empty(), "{what}: {status:?}");
    }
}

#[test]
fn a_segment_replaced_by_another_valid_segment_is_written_again() {
    let mut office = Office::new(2, 120);
    add_item(&mut office, 0, "第一段");
    sync(&mut office, 0);
    add_item(&mut office, 0, "第二段");
    sync(&mut office, 0);
    let mut segments = segments_of(&office, 0);
    segments.sort();
    let n = segments.len();
    assert!(n >= 2, "{segments:?}");
    // The first item's segment now holds the second one's bytes: whole, but not of its place.
    let second = office.share.borrow().files.get(&segments[n - 1]).cloned();
    if let Some(second) = second {
        office
            .share
            .borrow_mut()
            .files
            .insert(segments[n - 2].clone(), second);
    }
    let report = sync(&mut office, 1);
    assert!(report.applied.is_empty(), "{report:?}");
    assert_eq!(report.damaged.len(), 1, "{report:?}");
    let report = sync(&mut office, 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn the_writers_own_scheduled_check_finds_damage_nobody_reported() {
    let mut office = Office::new(2, 121);
    add_item(&mut office, 0, "无人报告的损坏");
    sync(&mut office, 0);
    let damaged = segments_of(&office, 0)
        .into_iter()
        .max()
        .unwrap_or_default();
    damage(&office, &damaged, |b| b.truncate(b.len() - 1));
    // Before the check is due, the writer does not read its files back.
    let report = sync(&mut office, 0);
    assert!(report.repaired.is_empty(), "{report:?}");
    // When it is due, it does, and writes the damaged one again.
    let report = sync_with(&mut office, 0, |o| o.full_check_ms = 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    // A copy that reads whole is not written again.
    let report = sync_with(&mut office, 0, |o| o.full_check_ms = 0);
    assert!(report.repaired.is_empty(), "{report:?}");
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_writer_gone_for_good_is_relayed_by_a_pc_that_holds_its_operations() {
    let mut office = Office::new(3, 122);
    let item = add_item(&mut office, 0, "写入者已离开");
    sync(&mut office, 0);
    // PC 1 applies PC 0's segment; PC 0 then leaves for good, and its segment is damaged.
    sync(&mut office, 1);
    let damaged = segments_of(&office, 0)
        .into_iter()
        .max()
        .unwrap_or_default();
    damage(&office, &damaged, |b| b.truncate(b.len() / 2));
    // PC 2 cannot read it; it reports it, naming PC 0 and PC 1 as holders.
    let report = sync(&mut office, 2);
    assert!(office.pcs[2].catalog.item(&item.id).is_err());
    let writer = office.pcs[0].catalog.device_id().to_string();
    let relay = office.pcs[1].catalog.device_id().to_string();
    let seen = report
        .damaged
        .first()
        .cloned()
        .unwrap_or_else(|| panic!("{report:?}"));
    assert_eq!(seen.holders, vec![writer, relay.clone()]);
    // PC 1 gives the writer time, then publishes the operations again as they were.
    let report = sync(&mut office, 1);
    assert!(report.repaired.is_empty(), "too early: {report:?}");
    let report = sync_with(&mut office, 1, |o| o.relay_after_ms = 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    let report = sync(&mut office, 2);
    assert!(report.applied.iter().any(|a| a.ops > 0), "{report:?}");
    assert_eq!(
        office.pcs[2].catalog.item(&item.id).map(|i| i.title).ok(),
        Some("写入者已离开".to_string())
    );
    // The relayed operations keep their writer's ids: the history is the same on every PC.
    assert_eq!(
        office.pcs[2].catalog.operations().ok(),
        office.pcs[1].catalog.operations().ok()
    );
    assert_eq!(dump(&office.pcs[1].catalog), dump(&office.pcs[2].catalog));
}

#[test]
fn a_missing_segment_of_a_writer_gone_for_good_is_relayed_too() {
    let mut office = Office::new(3, 123);
    let item = add_item(&mut office, 0, "被删除的文件");
    sync(&mut office, 0);
    sync(&mut office, 1);
    add_item(&mut office, 0, "之后的事项");
    sync(&mut office, 0);
    sync(&mut office, 1);
    // The first segment is deleted from the share; PC 0 never comes back.
    let mut segments = segments_of(&office, 0);
    segments.sort();
    let first_item = segments[segments.len() - 2].clone();
    office.share.borrow_mut().files.remove(&first_item);
    for _ in 0..2 {
        let report = sync(&mut office, 2);
        assert!(
            report.waiting.iter().any(|w| w.reason == WaitReason::Gap),
            "{report:?}"
        );
    }
    let report = sync_with(&mut office, 1, |o| o.relay_after_ms = 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    office.converge();
    assert!(office.pcs[2].catalog.item(&item.id).is_ok());
    assert_eq!(dump(&office.pcs[1].catalog), dump(&office.pcs[2].catalog));
}

#[test]
fn the_last_segment_of_a_writer_gone_for_good_missing_is_reported_and_relayed() {
    // No later segment of PC 2 shows a gap: only PC 0's acknowledgement says its operations exist.
    let mut office = Office::new(3, 124);
    let item = add_item(&mut office, 2, "最后一段");
    sync(&mut office, 2);
    sync(&mut office, 0);
    let writer = office.pcs[2].catalog.device_id().to_string();
    let last = segments_of(&office, 2)
        .into_iter()
        .max()
        .unwrap_or_default();
    office.share.borrow_mut().files.remove(&last);
    office.pcs.truncate(2);
    for _ in 0..2 {
        let report = sync(&mut office, 1);
        assert!(
            report
                .waiting
                .iter()
                .any(|w| w.reason == WaitReason::Gap && w.device_id == writer),
            "PC 1 waits on what PC 0 acknowledged: {report:?}"
        );
    }
    office.converge();
    assert_eq!(
        office.pcs[1].catalog.item(&item.id).map(|i| i.title).ok(),
        Some("最后一段".to_string())
    );
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn damage_an_abandoned_id_reported_is_not_relayed_for_ever() {
    // PC 1 reported PC 0's segment missing under an id it has since left behind; the segment
    // comes back, is compacted away, and must not be relayed again and again.
    let mut office = Office::new(2, 125);
    office.compact = true;
    add_item(&mut office, 0, "甲");
    sync(&mut office, 0);
    let old = office.pcs[1].catalog.device_id().to_string();
    let report = sync(&mut office, 1);
    assert!(report.applied.iter().any(|a| a.ops > 0), "{report:?}");
    // The acknowledgements of PC 1's old id keep a report of a segment of PC 0 missing.
    let path = format!("acks/{old}.json");
    let ack_path = office
        .share
        .borrow()
        .files
        .keys()
        .find(|p| p.ends_with(&path))
        .cloned()
        .unwrap_or_else(|| panic!("no acknowledgements of {old}"));
    let writer = office.pcs[0].catalog.device_id().to_string();
    let mut ack: serde_json::Value =
        serde_json::from_slice(&office.share.borrow().files[&ack_path].0)
            .unwrap_or_else(|e| panic!("{e}"));
    ack["damaged"] = serde_json::json!([{
        "file": format!("ops/{writer}/{}", "000000000001.seg"),
        "since_ms": 0,
        "missing": true
    }]);
    let bytes = serde_json::to_vec(&ack).unwrap_or_default();
    office
        .share
        .borrow_mut()
        .files
        .get_mut(&ack_path)
        .unwrap_or_else(|| panic!("{ack_path}"))
        .0 = bytes;
    // PC 1 then finds itself cloned and takes a new id: the old one is abandoned.
    let (new, _) = office.pcs[1]
        .catalog
        .take_new_device_id()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(new, old);
    office.converge();
    let files =
        |office: &Office| -> Vec<String> { office.share.borrow().files.keys().cloned().collect() };
    let settled = files(&office);
    for _ in 0..6 {
        for pc in 0..2 {
            let report = sync_with(&mut office, pc, |o| o.relay_after_ms = 0);
            assert!(
                report.repaired.is_empty(),
                "pc {pc} relays again: {report:?}"
            );
        }
    }
    assert_eq!(files(&office), settled, "nothing more is written");
}

#[test]
fn an_own_segment_unreadable_for_good_has_its_own_message_and_is_written_again() {
    let mut office = Office::new(2, 124);
    let theirs = add_item(&mut office, 1, "另一台电脑的修改");
    sync(&mut office, 1);
    add_item(&mut office, 0, "写入后损坏");
    // The segment gets its name but reads back torn once: not published; then the file in the
    // share is damaged for good.
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 1;
    office.tick();
    let p = &mut office.pcs[0];
    let now = office.share.borrow().now_ms;
    assert!(desk_sync::sync_round(&mut p.catalog, &p.view, &options(now)).is_err());
    office.pcs[0].view.faults.borrow_mut().torn_segment_reads = 0;
    let mine = segments_of(&office, 0)
        .into_iter()
        .max()
        .unwrap_or_default();
    damage(&office, &mine, |b| b.truncate(b.len() / 2));
    // Its own message, not "unreachable", and the other PC's changes are taken in meanwhile.
    office.tick();
    let now = office.now();
    let p = &mut office.pcs[0];
    let error = desk_sync::sync_round(&mut p.catalog, &p.view, &options(now))
        .err()
        .map(|e| e.code());
    assert_eq!(error, Some("sync_own_segment_unreadable"));
    assert!(office.pcs[0].catalog.item(&theirs.id).is_ok());
    assert!(office.pcs[0].catalog.outbox_len().unwrap_or(0) > 0);
    // When it stays so, it is written under its next name and goes out.
    let report = sync_with(&mut office, 0, |o| o.own_unreadable_after_ms = 0);
    assert!(report.segments_published >= 1, "{report:?}");
    assert!(
        segments_of(&office, 0)
            .iter()
            .any(|s| s.ends_with("-r1.seg")),
        "written under its next name"
    );
    assert_eq!(office.pcs[0].catalog.outbox_len().ok(), Some(0));
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_damaged_format_file_is_written_again_by_a_pc_that_synced_with_the_catalog() {
    let mut office = Office::new(2, 125);
    let item = add_item(&mut office, 0, "格式文件损坏之后");
    sync(&mut office, 0);
    let catalog_id = office.pcs[0].catalog.catalog_id().unwrap_or_default();
    let path = format!("{catalog_id}/format.json");
    damage(&office, &path, |b| b.truncate(b.len() / 3));
    let report = sync(&mut office, 1);
    assert_eq!(
        report.repaired,
        vec!["format.json".to_string()],
        "{report:?}"
    );
    assert!(office.pcs[1].catalog.item(&item.id).is_ok());
    let again = office.share.borrow().files.get(&path).map(|f| f.0.clone());
    let parsed: serde_json::Value =
        serde_json::from_slice(&again.unwrap_or_default()).unwrap_or_default();
    assert_eq!(parsed["catalog_id"], catalog_id.as_str());
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_report_from_a_pc_that_holds_only_the_start_of_a_damaged_segment_is_repaired_at_once() {
    let mut office = Office::new(2, 46);
    let writer = office.pcs[0].catalog.device_id().to_string();
    for n in 0..4 {
        add_item(&mut office, 0, &format!("开头{n}"));
    }
    sync(&mut office, 0);
    let damaged = segments_of(&office, 0)
        .into_iter()
        .max()
        .unwrap_or_default();
    damage(&office, &damaged, |b| b.truncate(b.len() / 2));
    let report = sync(&mut office, 1);
    assert_eq!(report.damaged.len(), 1, "{report:?}");
    // PC 1 holds the segment's first operation from elsewhere (a copy cut shorter by a relay):
    // its acknowledgement names it, while the rest still waits on the damaged file.
    let first = damaged
        .rsplit('/')
        .next()
        .and_then(desk_sync::format::parse_segment_name)
        .unwrap_or_else(|| panic!("{damaged}"));
    let catalog_id = office.pcs[0].catalog.catalog_id().unwrap_or_default();
    let ack = format!(
        "{catalog_id}/acks/{}.json",
        office.pcs[1].catalog.device_id()
    );
    if let Some(file) = office.share.borrow_mut().files.get_mut(&ack) {
        let mut value: serde_json::Value =
            serde_json::from_slice(&file.0).unwrap_or_else(|e| panic!("{e}"));
        value["applied"][&writer] = first.into();
        file.0 = serde_json::to_vec(&value).unwrap_or_else(|e| panic!("{e}"));
    }
    // The writer knows the segment runs further: the report stands, and it writes it again.
    let report = sync(&mut office, 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    assert!(report.repaired[0].ends_with("-r1.seg"), "{report:?}");
    office.converge();
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
}

#[test]
fn a_damaged_copy_of_a_segment_already_applied_does_not_hide_the_missing_one_after_it() {
    // The writer (PC 2) leaves for good right after its files were damaged: the copy of a
    // segment PC 1 applied long ago is cut or changed, and the next one is deleted. PC 1 must wait
    // on (and report) the missing operations, not on the copy it no longer needs, so that PC 0,
    // which holds them, relays them once the writer had its time.
    for (how, spoil) in damages() {
        let mut office = Office::new(3, 125);
        let early = add_item(&mut office, 2, "早先的事项");
        sync(&mut office, 2);
        sync(&mut office, 1);
        let applied: Vec<String> = segments_of(&office, 2);
        let later = add_item(&mut office, 2, "之后的事项");
        sync(&mut office, 2);
        let missing: Vec<String> = segments_of(&office, 2)
            .into_iter()
            .filter(|s| !applied.contains(s))
            .collect();
        add_item(&mut office, 2, "最后的事项");
        sync(&mut office, 2);
        sync(&mut office, 0);
        let writer = office.pcs[2].catalog.device_id().to_string();
        for path in &applied {
            damage(&office, path, spoil);
        }
        for path in &missing {
            office.share.borrow_mut().files.remove(path);
        }
        office.pcs.truncate(2);
        let first_missing = missing
            .iter()
            .min()
            .and_then(|p| p.rsplit('/').next())
            .unwrap_or_default()
            .to_string();
        for _ in 0..2 {
            let report = sync(&mut office, 1);
            let waits: Vec<_> = report
                .waiting
                .iter()
                .filter(|w| w.device_id == writer)
                .collect();
            assert!(
                waits
                    .iter()
                    .all(|w| w.reason == WaitReason::Gap && w.file == first_missing),
                "{how}: PC 1 waits on the missing segment only: {waits:?}"
            );
            assert!(!waits.is_empty(), "{how}: {report:?}");
        }
        // One wait for the writer is enough: PC 0 relays what PC 1 reported missing.
        let report = sync_with(&mut office, 0, |o| o.relay_after_ms = 0);
        assert!(!report.repaired.is_empty(), "{how}: {report:?}");
        sync(&mut office, 1);
        for item in [&early, &later] {
            assert!(
                office.pcs[1].catalog.item(&item.id).is_ok(),
                "{how}: {} reached PC 1",
                item.title
            );
        }
        office.converge();
        assert_eq!(
            dump(&office.pcs[0].catalog),
            dump(&office.pcs[1].catalog),
            "{how}"
        );
    }
}
