//! 索引号 across PCs: two PCs numbering items at once (by hand or by importing a plan) hand out
//! the same serial; after sync every PC shows the same numbers, no two items share one, and no
//! edit ever fails because of the duplicate while it lasts.

mod common;

use common::{dump, sign_off, Office};
use desk_core::model::{Item, Status};
use desk_core::plan_import::PlanImportRequest;
use desk_store::{Catalog, StoreError, SAMPLE_PLAN};
use std::collections::BTreeMap;

fn create(catalog: &mut Catalog, title: &str) -> Item {
    let mut item = Item::blank(String::new());
    item.title = title.into();
    catalog.save_item(item).unwrap_or_else(|e| panic!("{e}"))
}

/// Every item's 索引号 on one PC, by item id.
fn numbers(catalog: &Catalog) -> BTreeMap<String, String> {
    let conn = catalog.connection();
    let mut stmt = conn
        .prepare("SELECT id, index_no FROM items")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// The numbers more than one item holds on this PC.
fn shared_numbers(catalog: &Catalog) -> Vec<String> {
    let mut seen: BTreeMap<String, u32> = BTreeMap::new();
    for number in numbers(catalog).into_values() {
        if !number.is_empty() {
            *seen.entry(number).or_default() += 1;
        }
    }
    seen.into_iter()
        .filter(|(_, n)| *n > 1)
        .map(|(number, _)| number)
        .collect()
}

/// Changes the title of every item: none may fail (least of all with `index_no_taken`).
fn edit_every_item(catalog: &mut Catalog, mark: &str) {
    for id in numbers(catalog).into_keys() {
        let mut item = catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
        item.title = format!("{}{mark}", item.title);
        if let Err(e) = catalog.save_item(item) {
            panic!("editing {id} failed: {e}");
        }
    }
}

/// Every PC the same, no number held twice, nothing listed as a duplicate.
fn assert_settled(office: &Office, pcs: &[usize]) {
    let first = dump(&office.pcs[pcs[0]].catalog);
    for &pc in pcs {
        let catalog = &office.pcs[pc].catalog;
        assert_eq!(shared_numbers(catalog), Vec::<String>::new(), "pc {pc}");
        assert_eq!(
            catalog.duplicate_index_numbers().ok(),
            Some(Vec::new()),
            "pc {pc}"
        );
        assert!(dump(catalog) == first, "pc {pc} differs from pc {}", pcs[0]);
    }
}

#[test]
fn two_pcs_numbering_items_at_once_end_with_distinct_numbers_everywhere() {
    let mut office = Office::new(3, 13);
    let x = create(office.at(0), "甲");
    let x2 = create(office.at(0), "甲二");
    let y = create(office.at(1), "乙");
    let y2 = create(office.at(1), "乙二");
    assert_eq!(x.index_no, y.index_no, "the same serial on both PCs");
    assert_eq!(x2.index_no, y2.index_no);

    office.sync(0).unwrap_or_else(|e| panic!("{e}"));
    office.sync(1).unwrap_or_else(|e| panic!("{e}"));
    office.sync(2).unwrap_or_else(|e| panic!("{e}"));
    // PC 2 numbered nothing: it shows the duplicates, naming the PC that will renumber each.
    let shown = office.pcs[2]
        .catalog
        .duplicate_index_numbers()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(shown.len(), 2, "{shown:?}");
    let creators = [
        office.pcs[0].catalog.device_id().to_string(),
        office.pcs[1].catalog.device_id().to_string(),
    ];
    for duplicate in &shown {
        assert!(duplicate.kept_by.is_some(), "{duplicate:?}");
        assert_eq!(duplicate.to_renumber.len(), 1, "{duplicate:?}");
        let by = duplicate.to_renumber[0]
            .device_id
            .clone()
            .unwrap_or_default();
        assert!(creators.contains(&by), "{duplicate:?}");
    }
    let status = desk_sync::status(&office.pcs[2].catalog).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(status.duplicate_index_numbers, shown);
    // Editing either holder never fails while the duplicate lasts.
    edit_every_item(office.at(2), "·");

    office.converge();
    assert_settled(&office, &[0, 1, 2]);
    let settled = numbers(&office.pcs[0].catalog);
    for (a, b) in [(&x, &y), (&x2, &y2)] {
        let kept = [&settled[&a.id], &settled[&b.id]]
            .into_iter()
            .filter(|n| **n == a.index_no)
            .count();
        assert_eq!(kept, 1, "one of the two keeps {}", a.index_no);
        assert!(settled[&b.id].starts_with("210200-JY-00-"), "{settled:?}");
    }
    // The renumbering was done once, by the PC that numbered the item, as an ordinary change.
    let renumbers: Vec<_> = office.pcs[0]
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|o| o.field.as_deref() == Some("index_no"))
        .collect();
    assert_eq!(renumbers.len(), 2, "{renumbers:?}");
    for op in &renumbers {
        assert_eq!(op.author_id, "system");
        let loser = if settled[&x.id] == x.index_no && op.entity_id == y.id
            || settled[&x2.id] == x2.index_no && op.entity_id == y2.id
        {
            1
        } else {
            0
        };
        assert_eq!(op.device_id, creators[loser], "{op:?}");
    }
    for pc in 0..3 {
        edit_every_item(office.at(pc), &pc.to_string());
    }
    office.converge();
    assert_settled(&office, &[0, 1, 2]);
}

/// A small plan of this PC's own (other tasks than the sample's).
const SMALL_PLAN: &str = "一、工作安排\n\n(一)推进校园安全信息公开。及时公开校园安全检查情况。(责任部门:规法处)\n\n(二)做好招生政策解读。同步发布解读材料。(责任部门:规法处)\n\n(三)公开收费项目。按规定公示收费标准。(责任部门:规法处)\n";

#[test]
fn two_pcs_importing_plans_at_once_end_with_distinct_numbers_everywhere() {
    let mut office = Office::new(2, 2019);
    for (pc, plan) in [(0, SAMPLE_PLAN), (1, SMALL_PLAN)] {
        let catalog = office.at(pc);
        let preview = catalog
            .preview_plan_text(plan)
            .unwrap_or_else(|e| panic!("{e}"));
        let report = catalog
            .import_plan(&PlanImportRequest {
                tasks: preview.parse.tasks,
                create_departments: Vec::new(),
                plan_year: None,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        assert!(report.items_created > 0);
    }
    let on_pc0: Vec<String> = numbers(&office.pcs[0].catalog).into_values().collect();
    let clashing = numbers(&office.pcs[1].catalog)
        .into_values()
        .filter(|n| on_pc0.contains(n))
        .count();
    assert!(clashing > 0, "the two imports handed out the same serials");

    office.converge();
    assert_settled(&office, &[0, 1]);
    for pc in 0..2 {
        edit_every_item(office.at(pc), "。");
    }
    office.converge();
    assert_settled(&office, &[0, 1]);
}

#[test]
fn a_duplicate_whose_numbering_pc_never_returns_is_shown_and_fixed_by_a_person() {
    let mut office = Office::new(3, 7);
    let x = create(office.at(0), "先编号");
    office.tick();
    let y = create(office.at(1), "后编号");
    assert_eq!(x.index_no, y.index_no);
    // PC 1 publishes its item and is never seen again.
    office.sync(1).unwrap_or_else(|e| panic!("{e}"));
    let gone = office.pcs[1].catalog.device_id().to_string();
    for _ in 0..3 {
        for pc in [0, 2] {
            office.sync(pc).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    for pc in [0, 2] {
        let shown = office.pcs[pc]
            .catalog
            .duplicate_index_numbers()
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(shown.len(), 1, "pc {pc}: {shown:?}");
        assert_eq!(shown[0].index_no, x.index_no);
        assert_eq!(shown[0].kept_by.as_deref(), Some(x.id.as_str()));
        assert_eq!(shown[0].to_renumber[0].item_id, y.id);
        assert_eq!(
            shown[0].to_renumber[0].device_id.as_deref(),
            Some(gone.as_str())
        );
    }
    // Both stay editable; typing the taken number into another item is still refused.
    edit_every_item(office.at(2), "·");
    let mut other = create(office.at(2), "另一个");
    other.index_no = x.index_no.clone();
    match office.at(2).save_item(other) {
        Err(StoreError::Invalid(problems)) => {
            assert!(
                problems.iter().any(|p| p.code == "index_no_taken"),
                "{problems:?}"
            )
        }
        other => panic!("a taken number typed in: {other:?}"),
    }
    // A person on PC 2 clears the number: the next free one is given.
    let mut item = office.at(2).item(&y.id).unwrap_or_else(|e| panic!("{e}"));
    item.index_no.clear();
    let saved = office
        .at(2)
        .save_item(item)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(saved.index_no, x.index_no);
    for _ in 0..3 {
        for pc in [0, 2] {
            office.sync(pc).unwrap_or_else(|e| panic!("{e}"));
        }
    }
    assert_settled(&office, &[0, 2]);
    assert_eq!(numbers(&office.pcs[0].catalog)[&y.id], saved.index_no);
}

#[test]
fn a_signed_item_that_gives_its_number_up_goes_back_to_review_on_every_pc() {
    let mut office = Office::new(2, 99);
    let department = office.department.clone();
    let x = create(office.at(0), "先编号");
    office.tick();
    let mut y = Item::blank(String::new());
    y.title = "后编号并签批".into();
    y.lead_department_id = Some(department);
    let y = office.at(1).save_item(y).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(x.index_no, y.index_no);
    let signed = sign_off(office.at(1), &y.id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed.status, Status::SignedOff);
    office.sync(0).unwrap_or_else(|e| panic!("{e}"));
    let report = office.sync(1).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.index_nos_renumbered, 1);
    office.converge();
    assert_settled(&office, &[0, 1]);
    for pc in 0..2 {
        let item = office.pcs[pc]
            .catalog
            .item(&y.id)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_ne!(item.index_no, x.index_no, "pc {pc}");
        assert_ne!(item.status, Status::SignedOff, "pc {pc}");
        assert!(
            item.changed_after_signoff.contains(&"index_no".to_string()),
            "pc {pc}: {item:?}"
        );
    }
}
