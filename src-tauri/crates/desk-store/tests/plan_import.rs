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
            plan_year: preview.parse.year,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 17);
    assert_eq!(preview.parse.year, Some(2019));
    for id in &report.item_ids {
        let item = catalog.item(id).unwrap_or_else(|e| panic!("{e}"));
        assert!(
            item.index_no.contains("-2019-"),
            "a 2019 plan's task numbered {}",
            item.index_no
        );
    }
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
            plan_year: None,
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
        Some("plan_document_damaged".into())
    );
    assert_eq!(
        code(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00"),
        Some("plan_old_office_format".into())
    );
    assert_eq!(
        code(b"\x89PNG\r\n\x1a\n\x00\x00"),
        Some("plan_binary".into())
    );
    assert_eq!(
        code(&vec![b'a'; 50 * 1024 * 1024]),
        Some("plan_too_large".into())
    );
    // Text has its own, smaller limit.
    assert_eq!(
        code(&vec![b'a'; 6 * 1024 * 1024]),
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

fn fixture(name: &str) -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../desk-core/tests/fixtures/plan")
        .join(name)
}

#[test]
fn a_table_plan_imports_with_lead_and_co_departments_and_due_dates() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let preview = catalog
        .preview_plan_file(&fixture("table-plan.xlsx"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(preview.tasks.len(), 7);
    let report = catalog
        .import_plan(&PlanImportRequest {
            tasks: preview.parse.tasks.clone(),
            create_departments: preview.unknown_departments.clone(),
            plan_year: preview.parse.year,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 7);
    let departments = catalog.departments().unwrap_or_default();
    let name_of = |id: &Option<String>| {
        departments
            .iter()
            .find(|d| Some(&d.id) == id.as_ref())
            .map(|d| d.name.clone())
    };
    let item = catalog
        .item(&report.item_ids[0])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item.title, "推进决策公开");
    assert_eq!(name_of(&item.lead_department_id).as_deref(), Some("办公室"));
    assert_eq!(
        item.co_department_ids.len(),
        1,
        "规法处; 各相关处室 is a group"
    );
    assert_eq!(item.other_responsible, vec!["各相关处室".to_string()]);
    assert_eq!(
        item.due_date.map(|d| d.to_string()).as_deref(),
        Some("2025-06-30")
    );
    // 长期坚持: no due date.
    let ongoing = catalog
        .item(&report.item_ids[3])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(ongoing.due_date, None);
    // The same plan as GBK CSV and as a Word table is already imported, task for task.
    for name in ["table-plan-gbk.csv", "table-plan.docx"] {
        let again = catalog
            .preview_plan_file(&fixture(name))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(again.tasks.len(), 7, "{name}");
        assert!(again.tasks.iter().all(|t| t.already_imported), "{name}");
    }
    // And the sample as a .docx made by LibreOffice gives its 17 tasks.
    let sample = catalog
        .preview_plan_file(&fixture("dalian-education-2019-plan.docx"))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(sample.tasks.len(), 17);
}

#[test]
fn rows_pasted_from_a_spreadsheet_are_read_as_a_table() {
    let dir = temp();
    let catalog = open(dir.path());
    let pasted = "2025年任务分解\n序号\t工作任务\t牵头单位\t配合单位\t完成时限\n1\t推进决策公开\t办公室\t规法处\t6月底前\n2\t做好解读\t宣传处\t\t长期坚持\n";
    let preview = catalog
        .preview_plan_text(pasted)
        .unwrap_or_else(|e| panic!("{e}"));
    let tasks: Vec<(String, Vec<String>, Option<String>)> = preview
        .parse
        .tasks
        .iter()
        .map(|t| {
            (
                t.title.clone(),
                t.departments.iter().map(|d| d.name.clone()).collect(),
                t.deadline
                    .as_ref()
                    .and_then(|d| d.date)
                    .map(|d| d.to_string()),
            )
        })
        .collect();
    let own = |t: &str, d: &[&str], due: Option<&str>| {
        (
            t.to_string(),
            d.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            due.map(str::to_string),
        )
    };
    assert_eq!(
        tasks,
        [
            own("推进决策公开", &["办公室", "规法处"], Some("2025-06-30")),
            own("做好解读", &["宣传处"], None),
        ]
    );
}

#[test]
fn only_regular_files_are_read_and_never_past_the_limit() {
    let dir = temp();
    let code = |path: &std::path::Path| {
        desk_store::read_plan_file(path)
            .err()
            .map(|e| e.code().to_string())
    };
    assert_eq!(code(dir.path()), Some("plan_not_a_file".into()));
    assert_eq!(
        code(&dir.path().join("missing.docx")),
        Some("plan_file_unreadable".into())
    );
    let big = dir.path().join("big.docx");
    let file = std::fs::File::create(&big).unwrap_or_else(|e| panic!("{e}"));
    // Sparse: declared larger than any plan, nothing written.
    assert!(file
        .set_len(desk_core::plan::MAX_PLAN_FILE_BYTES as u64 + 1)
        .is_ok());
    assert_eq!(code(&big), Some("plan_too_large".into()));
    #[cfg(unix)]
    {
        // A device never ends and a FIFO would wait for a writer: both refused at once.
        assert_eq!(
            code(std::path::Path::new("/dev/zero")),
            Some("plan_not_a_file".into())
        );
        let fifo = dir.path().join("plan.fifo");
        let made = std::process::Command::new("mkfifo").arg(&fifo).status();
        if made.map(|s| s.success()).unwrap_or(false) {
            assert_eq!(code(&fifo), Some("plan_not_a_file".into()));
        }
    }
}
