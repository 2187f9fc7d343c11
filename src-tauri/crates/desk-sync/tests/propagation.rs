//! What reaches the other PCs besides fields: the export mark (bundles and the items each
//! carried) and the voiding of a sign-off by an edit its signer had not seen.

mod common;

use common::{dump, sign_off, Office};
use desk_core::export::{BundleRecord, ExportScope};
use desk_core::model::{Item, Status};

fn add_item(office: &mut Office, pc: usize, title: &str) -> Item {
    let mut item = Item::blank(String::new());
    item.title = title.into();
    item.lead_department_id = Some(office.department.clone());
    office.pcs[pc]
        .catalog
        .save_item(item)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn bundle(id: &str, item_ids: &[&str]) -> BundleRecord {
    let mut item_ids: Vec<String> = item_ids.iter().map(|s| s.to_string()).collect();
    item_ids.sort();
    BundleRecord {
        id: id.into(),
        created_at: "2026-11-30T08:00:00Z".into(),
        created_by: "处长0".into(),
        scope: ExportScope::Incremental,
        file_name: format!("{id}.zip"),
        item_ids,
        manifest_sha256: format!("sha256:{}", "ab".repeat(32)),
    }
}

#[test]
fn an_exported_bundle_marks_its_items_on_every_pc() {
    let mut office = Office::new(3, 31);
    let a = add_item(&mut office, 0, "甲事项");
    let b = add_item(&mut office, 0, "乙事项");
    let left_out = add_item(&mut office, 0, "未导出");
    for id in [&a.id, &b.id] {
        sign_off(&mut office.pcs[0].catalog, id).unwrap_or_else(|e| panic!("{e}"));
    }
    // PC 1 has seen the items before the export, PC 2 sees everything at once.
    office.sync(0).unwrap_or_else(|e| panic!("{e}"));
    office.sync(1).unwrap_or_else(|e| panic!("{e}"));
    let record = bundle("b0000000001", &[&a.id, &b.id]);
    let moved = office.pcs[0]
        .catalog
        .record_bundle(&record)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(moved, 2);
    let second = bundle("b0000000002", &[&a.id]);
    office.pcs[0]
        .catalog
        .record_bundle(&second)
        .unwrap_or_else(|e| panic!("{e}"));
    office.converge();
    for pc in 0..3 {
        let catalog = &office.pcs[pc].catalog;
        let mut bundles = catalog.bundles().unwrap_or_else(|e| panic!("{e}"));
        bundles.sort_by(|x, y| x.id.cmp(&y.id));
        assert_eq!(bundles, vec![record.clone(), second.clone()], "pc {pc}");
        assert_eq!(
            catalog.bundles_of_item(&a.id).unwrap_or_default(),
            vec![second.id.clone(), record.id.clone()],
            "pc {pc}: the item's bundles, newest first"
        );
        assert_eq!(
            catalog.bundles_of_item(&b.id).unwrap_or_default(),
            vec![record.id.clone()],
            "pc {pc}"
        );
        assert!(
            catalog
                .bundles_of_item(&left_out.id)
                .unwrap_or_default()
                .is_empty(),
            "pc {pc}"
        );
        assert_eq!(
            catalog.item(&b.id).map(|i| i.status).ok(),
            Some(Status::Exported),
            "pc {pc}"
        );
    }
    // Applying everything again (a segment seen twice) changes nothing.
    let before = dump(&office.pcs[2].catalog);
    office.pcs[2]
        .catalog
        .connection()
        .execute("DELETE FROM sync_cursors", [])
        .unwrap_or_else(|e| panic!("{e}"));
    office.sync(2).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(dump(&office.pcs[2].catalog), before);
    assert_eq!(dump(&office.pcs[0].catalog), dump(&office.pcs[1].catalog));
    // A PC that joins after compaction starts from a snapshot and gets the mark as well.
    office.compact = true;
    let report = office.sync(0).unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.snapshot_written && report.segments_compacted > 0,
        "{report:?}"
    );
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut newcomer = common::open_catalog(dir.path());
    let view = common::View {
        share: office.share.clone(),
        pc: 9,
        seed: 1,
        faults: Default::default(),
        rng: std::cell::RefCell::new(common::Rng::new(1)),
    };
    let report = desk_sync::sync_round(&mut newcomer, &view, &common::options(common::now_ms()))
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(
        report.applied.iter().any(|a| a.device_id == "snapshot"),
        "{report:?}"
    );
    let shown = dump(&newcomer);
    let expected = dump(&office.pcs[0].catalog);
    for key in ["bundles", "bundle_items", "items"] {
        assert_eq!(shown[key], expected[key], "the newcomer's {key}");
    }
}

/// An edit on PC 1 to an item PC 0 signs off.
#[derive(Debug, Clone, Copy)]
enum Edit {
    Title,
    Keyword,
    Notes,
}

/// PC 0 signs an item off; PC 1 edits it without having seen the sign-off (`seen` false) or
/// after it arrived; then both sync. Returns the item's id and the office.
fn signoff_and_edit(seed: u64, edit: Edit, seen: bool) -> (Office, String) {
    let mut office = Office::new(2, seed);
    let item = add_item(&mut office, 0, "签发前");
    office.converge();
    let signed = sign_off(&mut office.pcs[0].catalog, &item.id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed.status, Status::SignedOff);
    if seen {
        office.converge();
        assert_eq!(
            office.pcs[1].catalog.item(&item.id).map(|i| i.status).ok(),
            Some(Status::SignedOff)
        );
    }
    let catalog = &mut office.pcs[1].catalog;
    let mut changed = catalog.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
    match edit {
        Edit::Title => changed.title = "签发后改了标题".into(),
        Edit::Keyword => changed.keywords.push("收费".into()),
        Edit::Notes => changed.notes = "只是备注".into(),
    }
    catalog.save_item(changed).unwrap_or_else(|e| panic!("{e}"));
    office.converge();
    (office, item.id)
}

#[test]
fn an_edit_the_signer_had_not_seen_voids_the_signoff_on_every_pc() {
    // (edit, seen by the editor before editing, the field the void names; None: it stands)
    let cases = [
        (Edit::Title, false, Some("title")),
        (Edit::Title, true, Some("title")),
        (Edit::Keyword, false, Some("keywords")),
        (Edit::Keyword, true, Some("keywords")),
        (Edit::Notes, false, None),
        (Edit::Notes, true, None),
    ];
    for (n, (edit, seen, voided)) in cases.into_iter().enumerate() {
        let (office, id) = signoff_and_edit(40 + n as u64, edit, seen);
        for pc in 0..2 {
            let catalog = &office.pcs[pc].catalog;
            let item = catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
            let source = catalog.export_source(&id).unwrap_or_else(|e| panic!("{e}"));
            let case = format!("{edit:?}, seen {seen}, pc {pc}");
            assert_eq!(source.signoffs.len(), 1, "{case}: the record stays");
            match voided {
                Some(field) => {
                    assert_eq!(item.status, Status::InReview, "{case}");
                    assert_eq!(
                        item.changed_after_signoff,
                        vec![field.to_string()],
                        "{case}"
                    );
                    assert!(
                        !source.covered(),
                        "{case}: the sign-off no longer covers it"
                    );
                }
                None => {
                    assert_eq!(item.status, Status::SignedOff, "{case}");
                    assert!(item.changed_after_signoff.is_empty(), "{case}");
                    assert!(source.covered(), "{case}: the sign-off stands");
                }
            }
            assert!(
                catalog.conflicts().unwrap_or_default().is_empty(),
                "{case}: both PCs voided alike, no conflict"
            );
        }
        assert_eq!(
            dump(&office.pcs[0].catalog),
            dump(&office.pcs[1].catalog),
            "{edit:?}, seen {seen}"
        );
    }
}
