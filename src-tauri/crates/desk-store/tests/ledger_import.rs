//! A 台账 brought into a real catalog: progress while it is saved, nothing saved twice, and
//! nothing saved at all when a row fails.

mod common;

use common::*;
use desk_core::ledger_import::LedgerProgress;

/// A ledger of `rows` rows as an office exports it to CSV.
fn ledger(rows: usize) -> Vec<u8> {
    let mut text = String::from("索引号,名称,文号,成文日期\n");
    for n in 1..=rows {
        text.push_str(&format!(
            "210200-JY-{n:05},关于第{n}批公开事项的通知,教发〔2024〕{n}号,2024-03-05\n"
        ));
    }
    text.into_bytes()
}

#[test]
fn a_large_ledger_reports_its_progress_and_imports_once() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let before = catalog.item_count().unwrap_or_else(|e| panic!("{e}"));
    let bytes = ledger(1000);
    let preview = catalog
        .preview_ledger_bytes(&bytes, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(preview.new_rows, 1000);
    let mut seen: Vec<LedgerProgress> = Vec::new();
    let report = catalog
        .import_ledger_with_progress(&preview, &mut |p| seen.push(p))
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 1000);
    assert!(seen.len() >= 10 && seen.len() <= 102, "{}", seen.len());
    assert!(seen.windows(2).all(|w| w[0].done < w[1].done), "{seen:?}");
    assert!(seen.iter().all(|p| p.total == 1000));
    assert_eq!(seen.last().map(|p| p.done), Some(1000));
    assert_eq!(catalog.item_count().ok(), Some(before + 1000));
    // The same ledger again adds nothing.
    let again = catalog
        .preview_ledger_bytes(&bytes, &[])
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!((again.new_rows, again.existing_rows), (0, 1000));
    let report = catalog
        .import_ledger(&again)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        (report.items_created, report.rows_already_in_catalog),
        (0, 1000)
    );
    assert_eq!(catalog.item_count().ok(), Some(before + 1000));
}

#[test]
fn a_row_that_fails_on_saving_leaves_the_catalog_unchanged() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let before = catalog.item_count().unwrap_or_else(|e| panic!("{e}"));
    let mut preview = catalog
        .preview_ledger_bytes(&ledger(300), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    // The preview passed the row, but by the time it is saved it no longer holds: a title the
    // item rules refuse.
    preview.rows[250].item.title = String::new();
    let mut last = None;
    let failed = catalog.import_ledger_with_progress(&preview, &mut |p| last = Some(p));
    assert!(failed.is_err());
    assert!(
        last.is_some_and(|p| p.done >= 240 && p.done < 300),
        "{last:?}"
    );
    assert_eq!(catalog.item_count().ok(), Some(before), "nothing was saved");
}
