//! Importing the real 2019 work plan into a real catalog.

mod common;

use common::*;
use desk_core::plan_import::PlanImportRequest;
use desk_store::SAMPLE_PLAN;
use desk_store::{Catalog, OpenOptions};

#[test]
fn the_sample_plan_imports_once_with_confirmed_departments_only() {
    let dir = temp();
    let mut catalog = open(dir.path());
    department(&mut catalog, "规法处");
    let preview = catalog
        .preview_plan_text(SAMPLE_PLAN)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(preview.tasks.len(), 17);
    assert!(
        preview.unknown_departments.iter().any(|d| d == "辦公室"),
        "{:?}",
        preview.unknown_departments
    );
    assert!(
        !preview.unknown_departments.iter().any(|d| d == "規法處"),
        "規法處 matches 规法处"
    );
    // Confirm all but 審批辦.
    let confirmed: Vec<String> = preview
        .unknown_departments
        .iter()
        .filter(|d| d.as_str() != "審批辦")
        .cloned()
        .collect();
    let report = catalog
        .import_plan(&PlanImportRequest {
            tasks: preview.parse.tasks.clone(),
            create_departments: confirmed.clone(),
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 17);
    assert_eq!(report.departments_created as usize, confirmed.len());
    assert_eq!(report.departments_not_created, vec!["審批辦".to_string()]);
    let names: Vec<String> = catalog
        .departments()
        .unwrap_or_default()
        .into_iter()
        .map(|d| d.name)
        .collect();
    assert!(!names.contains(&"審批辦".to_string()));
    assert!(names.contains(&"规法处".to_string()) && !names.contains(&"規法處".to_string()));

    let again = catalog
        .preview_plan_text(SAMPLE_PLAN)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(again.tasks.iter().all(|t| t.already_imported));
    let report = catalog
        .import_plan(&PlanImportRequest {
            tasks: again.parse.tasks,
            create_departments: vec![],
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.items_created, report.tasks_already_imported),
        (0, 17)
    );
    assert_eq!(catalog.item_count().ok(), Some(17));
}

#[test]
fn a_new_app_catalog_opens_with_the_sample() {
    let dir = temp();
    let catalog = Catalog::open(dir.path(), OpenOptions { seed_sample: true })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.item_count().ok(), Some(17));
    let found = catalog
        .list_items(
            &desk_core::query::ItemQuery {
                text: "解读".into(),
                ..Default::default()
            },
            chrono::NaiveDate::from_ymd_opt(2019, 6, 1).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = found.items.iter().map(|i| i.title.as_str()).collect();
    // The plan was published in traditional characters; the sample shows it as mainland offices
    // write, with its one garbled heading repaired.
    assert_eq!(titles, vec!["充分发挥政策解读的释疑引导作用"]);
    let by_department = catalog.departments().unwrap_or_default();
    let gfc = by_department
        .iter()
        .find(|d| d.name == "规法处")
        .map(|d| d.id.clone());
    assert!(gfc.is_some(), "{by_department:?}");
    let all = catalog.all_items().unwrap_or_else(|e| panic!("{e}"));
    for item in &all {
        let text = format!("{} {}", item.title, item.summary);
        assert_eq!(
            desk_core::text::to_simplified(&text),
            text,
            "traditional characters left"
        );
        assert!(
            !text.contains(";\u{e2a6}")
                && !text.chars().any(|c| ('\u{e000}'..='\u{f8ff}').contains(&c)),
            "garbled: {text}"
        );
    }
    assert!(all.iter().any(|i| i.title == "加强日常工作"));
    drop(catalog);
    // Opening again does not import twice.
    let catalog = Catalog::open(dir.path(), OpenOptions { seed_sample: true })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(catalog.item_count().ok(), Some(17));
}

#[test]
fn bad_plan_files_are_explained() {
    let dir = temp();
    let catalog = open(dir.path());
    let code = |bytes: &[u8]| {
        catalog
            .preview_plan_bytes(bytes)
            .err()
            .map(|e| e.code().to_string())
    };
    assert_eq!(
        code(b"%PDF-1.7 \x00\x01\x02binary"),
        Some("plan_binary".into())
    );
    assert_eq!(
        code(&vec![b'a'; 50 * 1024 * 1024]),
        Some("plan_too_large".into())
    );
    assert_eq!(code(b"   \n"), Some("plan_empty".into()));
    let gbk = encoding_rs::GB18030.encode(SAMPLE_PLAN).0;
    let preview = catalog
        .preview_plan_bytes(&gbk)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (preview.encoding.as_str(), preview.tasks.len()),
        ("GB18030", 17)
    );
}
