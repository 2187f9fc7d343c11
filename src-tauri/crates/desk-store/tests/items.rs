//! Saving items: validation, 索引号, the operation log written with each change.

mod common;

use common::*;
use desk_core::model::{Disclosure, WithheldReason};
use desk_core::ops::OpKind;
use desk_store::StoreError;

fn problem_codes(error: StoreError) -> Vec<String> {
    match error {
        StoreError::Invalid(problems) => problems.into_iter().map(|p| p.code).collect(),
        other => vec![format!("not a validation error: {other}")],
    }
}

#[test]
fn a_new_item_gets_an_id_an_index_number_and_a_create_operation() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let gfc = department(&mut catalog, "规法处");
    let mut draft = item("大连市教育局行政执法公示制度");
    draft.lead_department_id = Some(gfc.id.clone());
    draft.category_id = Some("cat-normative".into());
    draft.date_written = chrono::NaiveDate::from_ymd_opt(2019, 4, 1);
    let saved = save(&mut catalog, draft);
    assert!(!saved.id.is_empty());
    assert_eq!(saved.index_no, "210200-JY-GFXWJ-2019-0001");
    let second = save(&mut catalog, {
        let mut i = item("第二件");
        i.lead_department_id = Some(gfc.id.clone());
        i.category_id = Some("cat-normative".into());
        i.date_written = chrono::NaiveDate::from_ymd_opt(2019, 5, 1);
        i
    });
    assert_eq!(second.index_no, "210200-JY-GFXWJ-2019-0002");
    let history = catalog.item_history(&saved.id).unwrap_or_default();
    assert_eq!(history.len(), 1);
    assert_eq!(history[0].kind, OpKind::Create);
    assert_eq!(catalog.item(&saved.id).ok(), Some(saved));
}

#[test]
fn each_changed_field_is_one_operation_with_old_and_new_values() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let saved = save(&mut catalog, item("原标题"));
    let mut edited = saved.clone();
    edited.doc_no = "大教发〔2019〕12号".into();
    edited.title = "新标题".into();
    edited.channels = vec!["政府网站".into(), "两微一端".into()];
    save(&mut catalog, edited.clone());
    // Saving the same content again records nothing.
    save(&mut catalog, edited);
    let history = catalog.item_history(&saved.id).unwrap_or_default();
    let summary: Vec<(OpKind, Option<String>, String, String)> = history
        .iter()
        .map(|h| {
            (
                h.kind,
                h.field.clone(),
                h.old_value.to_string(),
                h.new_value.to_string(),
            )
        })
        .collect();
    assert_eq!(summary.len(), 5, "{summary:?}");
    assert!(summary.contains(&(
        OpKind::Set,
        Some("title".into()),
        "\"原标题\"".into(),
        "\"新标题\"".into()
    )));
    assert!(summary.contains(&(
        OpKind::Set,
        Some("doc_no".into()),
        "\"\"".into(),
        "\"大教发〔2019〕12号\"".into()
    )));
    assert!(summary.contains(&(
        OpKind::Add,
        Some("channels".into()),
        "null".into(),
        "\"政府网站\"".into()
    )));
    let ops = catalog.operations().unwrap_or_default();
    let seqs: Vec<u64> = ops.iter().map(|o| o.seq).collect();
    assert_eq!(
        seqs,
        (1..=ops.len() as u64).collect::<Vec<_>>(),
        "dense sequence numbers"
    );
    assert!(
        ops.windows(2).all(|w| w[0].clock < w[1].clock),
        "clocks increase"
    );
}

#[test]
fn invalid_items_are_refused_and_nothing_changes() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let saved = save(&mut catalog, item("好的事项"));
    let ops_before = catalog.operations().unwrap_or_default().len();
    let check = |catalog: &mut desk_store::Catalog,
                 edit: &dyn Fn(&mut desk_core::model::Item),
                 codes: &[&str]| {
        let mut bad = saved.clone();
        edit(&mut bad);
        let error = catalog
            .save_item(bad)
            .err()
            .unwrap_or(StoreError::InvalidArgument("saved".into()));
        assert_eq!(problem_codes(error), codes);
    };
    check(&mut catalog, &|i| i.title = " ".into(), &["title_empty"]);
    check(
        &mut catalog,
        &|i| i.title = "题".repeat(100_000),
        &["title_too_long"],
    );
    check(
        &mut catalog,
        &|i| i.lead_department_id = Some("no-such".into()),
        &["unknown_department"],
    );
    check(
        &mut catalog,
        &|i| i.disclosure = Disclosure::Withheld,
        &["reason_required", "reason_note_required"],
    );
    check(
        &mut catalog,
        &|i| i.channels = vec!["抖音".into()],
        &["unknown_channel"],
    );
    let other = save(&mut catalog, item("另一件"));
    check(
        &mut catalog,
        &|i| i.index_no = other.index_no.clone(),
        &["index_no_taken"],
    );
    assert_eq!(catalog.item(&saved.id).ok(), Some(saved.clone()));
    assert_eq!(
        catalog.operations().unwrap_or_default().len(),
        ops_before + 1
    );
    let mut withheld = saved.clone();
    withheld.disclosure = Disclosure::Withheld;
    withheld.withheld_reason = Some(WithheldReason::ProcessInformation);
    withheld.withheld_note = "过程性研究材料".into();
    save(&mut catalog, withheld);
}

#[test]
fn a_missing_item_is_not_found() {
    let dir = temp();
    let mut catalog = open(dir.path());
    assert_eq!(
        catalog.item("nope").err().map(|e| e.code()),
        Some("not_found")
    );
    let mut ghost = item("幽灵");
    ghost.id = "nope".into();
    assert_eq!(
        catalog.save_item(ghost).err().map(|e| e.code()),
        Some("not_found")
    );
}

#[test]
fn due_dates_count_working_days_from_the_date_formed() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let mut i = item("计划");
    i.date_formed = chrono::NaiveDate::from_ymd_opt(2019, 3, 4);
    let saved = save(&mut catalog, i);
    let today = chrono::NaiveDate::from_ymd_opt(2019, 4, 3).unwrap_or_default();
    let page = catalog
        .list_items(&desk_core::query::ItemQuery::default(), today)
        .unwrap_or_else(|e| panic!("{e}"));
    let row = page.items.iter().find(|r| r.id == saved.id).cloned();
    assert_eq!(
        row.as_ref().and_then(|r| r.due_date),
        chrono::NaiveDate::from_ymd_opt(2019, 4, 1)
    );
    assert_eq!(row.and_then(|r| r.overdue_days), Some(2));
}

#[test]
fn changes_are_attributed_to_the_chosen_person() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let office = department(&mut catalog, "办公室");
    let person = catalog
        .save_person(desk_core::model::Person {
            id: String::new(),
            name: "王芳".into(),
            department_id: Some(office.id),
            roles: vec![desk_core::model::Role::Coordinator],
        })
        .unwrap_or_else(|e| panic!("{e}"));
    catalog
        .set_current_person(&person.id)
        .unwrap_or_else(|e| panic!("{e}"));
    let saved = save(&mut catalog, item("署名"));
    let history = catalog.item_history(&saved.id).unwrap_or_default();
    assert_eq!(history[0].author_name, "王芳");
    assert_eq!(history[0].device_id, catalog.device_id());
}

#[test]
fn generated_index_numbers_skip_numbers_already_taken() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let dated = |title: &str| {
        let mut i = item(title);
        i.date_written = chrono::NaiveDate::from_ymd_opt(2019, 1, 2);
        i
    };
    let first = save(&mut catalog, dated("一"));
    assert_eq!(first.index_no, "210200-JY-00-2019-0001");
    // Typed by hand: the number the rule would give next.
    let mut typed = dated("二");
    typed.index_no = "210200-JY-00-2019-0002".into();
    save(&mut catalog, typed);
    assert_eq!(
        save(&mut catalog, dated("三")).index_no,
        "210200-JY-00-2019-0003"
    );
}

#[test]
fn the_app_and_the_cli_can_write_the_same_catalog_at_once() {
    let dir = temp();
    drop(open(dir.path()));
    let writers: Vec<_> = (0..2)
        .map(|writer| {
            let path = dir.path().to_path_buf();
            std::thread::spawn(move || {
                let mut catalog = open(&path);
                for n in 0..40 {
                    save(&mut catalog, item(&format!("写入者{writer} 第{n}件")));
                }
            })
        })
        .collect();
    for writer in writers {
        assert!(writer.join().is_ok(), "a writer failed");
    }
    let catalog = open(dir.path());
    assert_eq!(catalog.item_count().ok(), Some(80));
    let seqs: Vec<u64> = catalog
        .operations()
        .unwrap_or_default()
        .iter()
        .map(|o| o.seq)
        .collect();
    assert_eq!(seqs, (1..=80).collect::<Vec<u64>>(), "one dense sequence");
}

#[test]
fn due_dates_skip_public_holidays_and_count_make_up_workdays() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let mut i = item("国庆前形成");
    // 2019-09-27 + 20 working days: 09-29 (a Sunday) was worked, 10-01..10-07 were not,
    // 10-12 (a Saturday) was worked.
    i.date_formed = chrono::NaiveDate::from_ymd_opt(2019, 9, 27);
    let saved = save(&mut catalog, i);
    let page = catalog
        .list_items(
            &desk_core::query::ItemQuery::default(),
            chrono::NaiveDate::from_ymd_opt(2019, 9, 28).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let due = page
        .items
        .iter()
        .find(|r| r.id == saved.id)
        .and_then(|r| r.due_date);
    assert_eq!(due, chrono::NaiveDate::from_ymd_opt(2019, 10, 30));
}
