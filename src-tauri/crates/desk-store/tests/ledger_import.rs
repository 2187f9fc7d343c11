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

#[test]
fn a_row_published_after_redaction_imports_as_redacted_with_its_reason() {
    use desk_core::model::{Disclosure, WithheldReason};
    let dir = temp();
    let mut catalog = open(dir.path());
    // (公开属性, 删减依据, 删减说明) of a row, and what it becomes: the item's disclosure and
    // reason, or the codes of its problems.
    type Outcome = Result<(Disclosure, Option<WithheldReason>), String>;
    let cases: [(&str, &str, &str, Outcome); 6] = [
        (
            "删减后公开",
            "个人隐私",
            "删去了当事人住址",
            Ok((Disclosure::Redacted, Some(WithheldReason::Privacy))),
        ),
        (
            "部分公开",
            "商业秘密",
            "删去了投标报价",
            Ok((Disclosure::Redacted, Some(WithheldReason::TradeSecret))),
        ),
        (
            "刪減後公開",
            "过程性信息",
            "删去了讨论稿",
            Ok((
                Disclosure::Redacted,
                Some(WithheldReason::ProcessInformation),
            )),
        ),
        ("主动公开", "", "", Ok((Disclosure::Proactive, None))),
        (
            "删减后公开",
            "",
            "删去了住址",
            Err("redaction_reason_required".into()),
        ),
        (
            "删减后公开",
            "依申请公开",
            "删去了住址",
            Err("redaction_reason_not_withholding".into()),
        ),
    ];
    let mut text = String::from("名称,公开属性,删减依据,删减说明\n");
    for (n, (disclosure, reason, note, _)) in cases.iter().enumerate() {
        text.push_str(&format!("第{n}号公告,{disclosure},{reason},{note}\n"));
    }
    let preview = catalog
        .preview_ledger_bytes(text.as_bytes(), &[])
        .unwrap_or_else(|e| panic!("{e}"));
    for (row, (disclosure, _, _, expected)) in preview.rows.iter().zip(&cases) {
        let got: Outcome = if row.problems.is_empty() {
            Ok((row.item.disclosure, row.item.withheld_reason))
        } else {
            let codes: Vec<&str> = row.problems.iter().map(|p| p.code.as_str()).collect();
            Err(codes.join(","))
        };
        assert_eq!(&got, expected, "{disclosure} (line {})", row.line);
    }
    let report = catalog
        .import_ledger(&preview)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.items_created, 4);
    let listed = catalog
        .list_items(
            &desk_core::query::ItemQuery {
                disclosure: Some(Disclosure::Redacted),
                ..Default::default()
            },
            chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(listed.total, 3, "the list filters by 删减后公开");
}
