//! What reaches the other PCs besides fields: the export mark (bundles and the items each
//! carried).

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
}
