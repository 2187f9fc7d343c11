//! The same thing created on two PCs before they sync: a department (in any spelling), a person,
//! a work plan imported on both. Each becomes one entry on every PC, every reference follows,
//! edits made meanwhile on either PC survive, and the history holds both creations.

mod common;

use common::{dump, Office};
use desk_core::model::{Department, DepartmentKind, Item, Person, Role};
use desk_core::plan_import::PlanImportRequest;

const PLAN: &str = "2026年政务公开工作要点\n\
一、推进政策公开\n\
1.做好规范性文件公开。全面公开行政规范性文件，及时更新目录。（牵头单位：办公室；配合单位：规法处）\n\
2.加强政策解读。重要政策文件与解读材料同步起草、同步审签、同步发布。（牵头单位：规法处）\n\
二、回应社会关切\n\
3.做好招生入学信息公开。及时发布义务教育招生政策。（牵头单位：基础教育处）\n";

fn department(office: &mut Office, pc: usize, name: &str) -> Department {
    office.pcs[pc]
        .catalog
        .save_department(Department {
            id: String::new(),
            name: name.into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("pc {pc}: {e}"))
}

fn import_plan(office: &mut Office, pc: usize) -> Vec<String> {
    let catalog = &mut office.pcs[pc].catalog;
    let preview = catalog
        .preview_plan_text(PLAN)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(preview.parse.tasks.len(), 3, "{:?}", preview.parse.tasks);
    let report = catalog
        .import_plan(&PlanImportRequest {
            create_departments: preview.unknown_departments.clone(),
            plan_year: preview.parse.year,
            tasks: preview.parse.tasks,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 3);
    report.item_ids
}

fn names(office: &Office, pc: usize) -> Vec<String> {
    let mut names: Vec<String> = office.pcs[pc]
        .catalog
        .departments()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|d| d.name)
        .collect();
    names.sort();
    names
}

#[test]
fn a_department_and_a_person_created_on_two_pcs_become_one_and_references_follow() {
    let mut office = Office::new(3, 71);
    let on_first = department(&mut office, 0, "办公室");
    let on_second = department(&mut office, 1, " 辦公室 ");
    assert_eq!(on_first.id, on_second.id, "one name, one id");
    // The second PC renames its code before any sync; the first gives an item to it.
    let mut recoded = on_second.clone();
    recoded.code = "BGS".into();
    office.pcs[1]
        .catalog
        .save_department(recoded)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut item = Item::blank(String::new());
    item.title = "办公室的事项".into();
    item.lead_department_id = Some(on_first.id.clone());
    let item = office.pcs[0]
        .catalog
        .save_item(item)
        .unwrap_or_else(|e| panic!("{e}"));
    let clerk = |office: &mut Office, pc: usize, roles: Vec<Role>| {
        office.pcs[pc]
            .catalog
            .save_person(Person {
                id: String::new(),
                name: "张伟".into(),
                department_id: Some(on_first.id.clone()),
                roles,
            })
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let first_person = clerk(&mut office, 0, vec![Role::Clerk]);
    // PC 2 makes its own 办公室 too, and its own 张伟 in it.
    assert_eq!(department(&mut office, 2, "办公室").id, on_first.id);
    let second_person = clerk(&mut office, 2, vec![Role::SectionHead]);
    assert_eq!(first_person.id, second_person.id);

    office.converge();
    let reference = dump(&office.pcs[0].catalog);
    for pc in 0..3 {
        // One 办公室, in the spelling of its first creation (the same on every PC).
        assert_eq!(
            names(&office, pc).len(),
            2,
            "pc {pc}: {:?}",
            names(&office, pc)
        );
        let catalog = &office.pcs[pc].catalog;
        let departments = catalog.departments().unwrap_or_else(|e| panic!("{e}"));
        let office_department = departments
            .iter()
            .find(|d| d.id == on_first.id)
            .unwrap_or_else(|| panic!("pc {pc}: no 办公室"));
        assert_eq!(office_department.code, "BGS", "pc {pc}: the edit survives");
        let people = catalog.people().unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            people.iter().filter(|p| p.name == "张伟").count(),
            1,
            "pc {pc}: {people:?}"
        );
        let shown = catalog.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shown.lead_department_id.as_deref(),
            Some(on_first.id.as_str())
        );
        assert_eq!(dump(catalog), reference, "pc {pc} shows what pc 0 shows");
    }
    // Both creations are kept in the history.
    let creations: i64 = office.pcs[2]
        .catalog
        .connection()
        .query_row(
            "SELECT COUNT(*) FROM ops WHERE entity = 'department' AND entity_id = ?1 AND kind = 'create'",
            [&on_first.id],
            |r| r.get(0),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(creations, 3);
}

#[test]
fn a_plan_imported_on_two_pcs_gives_each_task_once_and_keeps_the_edits() {
    let mut office = Office::new(2, 72);
    let first = import_plan(&mut office, 0);
    let second = import_plan(&mut office, 1);
    assert_eq!(first, second, "the same tasks, the same items");
    // Before they sync, PC 1 renames a task and PC 0 adds a keyword to another.
    let mut renamed = office.pcs[1]
        .catalog
        .item(&second[1])
        .unwrap_or_else(|e| panic!("{e}"));
    renamed.title = "加强政策解读（修改）".into();
    office.pcs[1]
        .catalog
        .save_item(renamed)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut tagged = office.pcs[0]
        .catalog
        .item(&first[2])
        .unwrap_or_else(|e| panic!("{e}"));
    tagged.keywords.push("招生".into());
    office.pcs[0]
        .catalog
        .save_item(tagged)
        .unwrap_or_else(|e| panic!("{e}"));

    office.converge();
    let reference = dump(&office.pcs[0].catalog);
    for pc in 0..2 {
        let catalog = &office.pcs[pc].catalog;
        let page = catalog
            .list_items(&Default::default(), chrono::NaiveDate::MIN)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(page.total, 3, "pc {pc}: each task once");
        assert_eq!(
            names(&office, pc),
            vec![
                "办公室".to_string(),
                "基础教育处".to_string(),
                "规法处".to_string()
            ],
            "pc {pc}"
        );
        let renamed = catalog.item(&first[1]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(renamed.title, "加强政策解读（修改）", "pc {pc}");
        let tagged = catalog.item(&first[2]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(tagged.keywords, vec!["招生".to_string()], "pc {pc}");
        let mut index_nos: Vec<String> = first
            .iter()
            .map(|id| catalog.item(id).unwrap_or_else(|e| panic!("{e}")).index_no)
            .collect();
        index_nos.sort();
        index_nos.dedup();
        assert_eq!(index_nos.len(), 3, "pc {pc}: no 索引号 twice");
        assert_eq!(dump(catalog), reference, "pc {pc} shows what pc 0 shows");
    }
    // Importing again on either PC finds every task already there.
    let preview = office.pcs[1]
        .catalog
        .preview_plan_text(PLAN)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(preview.tasks.iter().all(|t| t.already_imported));
}
