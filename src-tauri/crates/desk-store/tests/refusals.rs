//! What a person can get wrong outside an item is refused with desk-core's problem codes (the UI
//! translates them), never with English text alone, and nothing is written.

mod common;

use common::*;
use desk_core::model::{Department, DepartmentKind, Person};
use desk_store::{Catalog, StoreError};

/// The error's code and its problems' codes, or "saved" when the change went through.
fn codes<T>(result: Result<T, StoreError>) -> (String, Vec<String>) {
    match result {
        Ok(_) => ("saved".into(), Vec::new()),
        Err(e) => {
            let payload = e.payload();
            (
                payload.code,
                payload.problems.into_iter().map(|p| p.code).collect(),
            )
        }
    }
}

fn check<T>(catalog: &Catalog, result: Result<T, StoreError>, expected: &[&str]) {
    let before = catalog
        .operations()
        .map(|ops| ops.len())
        .unwrap_or_default();
    let (code, problems) = codes(result);
    assert_eq!(code, "invalid_argument");
    assert_eq!(problems, expected);
    assert_eq!(
        catalog
            .operations()
            .map(|ops| ops.len())
            .unwrap_or_default(),
        before
    );
}

#[test]
fn settings_are_refused_with_every_problem_coded() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let mut bad = catalog.settings().clone();
    bad.channels.push(" ".into());
    bad.index_rule = "{org}".into();
    bad.due_working_days = 0;
    let result = catalog.save_settings(bad);
    check(
        &catalog,
        result,
        &[
            "list_entry_empty",
            "index_rule_seq_count",
            "due_days_out_of_range",
        ],
    );
}

#[test]
fn templates_departments_people_and_calendar_files_are_refused_with_codes() {
    let dir = temp();
    let mut catalog = open(dir.path());

    let mut template = catalog
        .templates()
        .unwrap_or_default()
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the catalog ships a template"));
    template.name = " ".into();
    template.checks[0].label = String::new();
    let result = catalog.save_template(template);
    check(
        &catalog,
        result,
        &["template_name_empty", "check_label_empty"],
    );

    let gfc = department(&mut catalog, "规划和法规处");
    let twin = Department {
        id: String::new(),
        name: "規劃和法規處".into(),
        code: "X".into(),
        kind: DepartmentKind::Department,
    };
    let result = catalog.save_department(twin);
    check(&catalog, result, &["department_name_taken"]);

    let nobody = Person {
        id: String::new(),
        name: " ".into(),
        department_id: Some(format!("{}-gone", gfc.id)),
        roles: Vec::new(),
    };
    let result = catalog.save_person(nobody);
    check(
        &catalog,
        result,
        &["person_name_empty", "unknown_department"],
    );

    let result = catalog.save_calendar_year("year 2027\nholiday 2027-02-30 不存在\n");
    check(&catalog, result, &["calendar_bad_date"]);
    let result = catalog.save_calendar_year("year 2207\nholiday 2207-01-01 元旦\n");
    check(&catalog, result, &["calendar_year_out_of_range"]);
}
