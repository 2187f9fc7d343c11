//! The 公开台账 (disclosure ledger) of a year as an Excel workbook, ready to hand in.
//!
//! Sheet 1 lists the year's items by category with the columns offices use; sheet 2 lists the
//! 规章 and 行政规范性文件 with 本年制发 / 本年废止 / 现行有效 (counted as in [`crate::annual`]).
//! An item belongs to a year by 成文日期, else 发布日期, else 形成/变更日期; an item with none
//! of them is in no year's ledger. Workbooks are written under a temporary name and renamed, so
//! a failure never leaves half a file under the chosen name.

use crate::annual::{figures, in_force_at_end_of, issued_on, DocumentKind, Kinds};
use crate::error::{ExportError, Result};
use crate::workbook::{save_workbook, Styles};
use chrono::{Datelike, NaiveDate};
use desk_core::export::LedgerReport;
use desk_core::fields::{disclosure_label_zh, status_label_zh};
use desk_core::model::{Category, Item, Validity};
use desk_store::Catalog;
use rust_xlsxwriter::{ExcelDateTime, Workbook, Worksheet, XlsxError};
use std::collections::HashMap;
use std::path::Path;

pub const LEDGER_COLUMNS: [&str; 12] = [
    "序号",
    "索引号",
    "名称",
    "文号",
    "发布机构/责任部门",
    "成文日期",
    "发布日期",
    "公开属性",
    "公开方式/渠道",
    "有效性",
    "网址",
    "状态",
];

/// The date an item belongs to a year's ledger by.
pub fn ledger_date(item: &Item) -> Option<NaiveDate> {
    item.date_written
        .or(item.date_published)
        .or(item.date_formed)
}

pub fn validity_label(v: Validity) -> &'static str {
    match v {
        Validity::Valid => "有效",
        Validity::Expired => "失效",
        Validity::Repealed => "废止",
    }
}

/// "政策文件 / 行政规范性文件" for a category, or "未分类".
fn category_path(categories: &HashMap<&str, &Category>, id: Option<&str>) -> String {
    let mut names = Vec::new();
    let mut current = id;
    for _ in 0..64 {
        let Some(c) = current.and_then(|id| categories.get(id)) else {
            break;
        };
        names.push(c.name.as_str());
        current = c.parent_id.as_deref();
    }
    if names.is_empty() {
        return "未分类".into();
    }
    names.reverse();
    names.join(" / ")
}

fn write_date(
    sheet: &mut Worksheet,
    row: u32,
    col: u16,
    date: Option<NaiveDate>,
    styles: &Styles,
) -> Result<(), XlsxError> {
    match date.and_then(|d| {
        ExcelDateTime::from_ymd(
            u16::try_from(d.year()).ok()?,
            d.month() as u8,
            d.day() as u8,
        )
        .ok()
    }) {
        Some(value) => sheet
            .write_datetime_with_format(row, col, &value, &styles.date)
            .map(|_| ()),
        None => sheet.write_blank(row, col, &styles.cell).map(|_| ()),
    }
}

/// Writes the ledger of `year` to `out`.
pub fn write_ledger(
    catalog: &Catalog,
    year: i32,
    out: &Path,
    overwrite: bool,
) -> Result<LedgerReport> {
    let year = crate::annual::check_year(year)?;
    let items = catalog.all_items()?;
    let categories = catalog.categories()?;
    let departments = catalog.departments()?;
    let department_names: HashMap<&str, &str> = departments
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    let by_id: HashMap<&str, &Category> = categories.iter().map(|c| (c.id.as_str(), c)).collect();
    // Categories in the catalog's order (the tree as the office keeps it).
    let position: HashMap<&str, usize> = categories
        .iter()
        .enumerate()
        .map(|(i, c)| (c.id.as_str(), i))
        .collect();
    let mut rows: Vec<(usize, String, &Item)> = items
        .iter()
        .filter(|i| ledger_date(i).is_some_and(|d| d.year() == year))
        .map(|i| {
            let pos = i
                .category_id
                .as_deref()
                .and_then(|c| position.get(c).copied())
                .unwrap_or(usize::MAX);
            (pos, category_path(&by_id, i.category_id.as_deref()), i)
        })
        .collect();
    rows.sort_by(|a, b| {
        (
            a.0,
            &a.1,
            a.2.index_no.is_empty(),
            &a.2.index_no,
            ledger_date(a.2),
        )
            .cmp(&(
                b.0,
                &b.1,
                b.2.index_no.is_empty(),
                &b.2.index_no,
                ledger_date(b.2),
            ))
    });
    let xlsx = |e: XlsxError| ExportError::Workbook {
        path: out.to_path_buf(),
        detail: e.to_string(),
    };
    let styles = Styles::new();
    let mut workbook = Workbook::new();
    let issuer = |item: &Item| -> String {
        if !item.issuing_body.trim().is_empty() {
            return item.issuing_body.clone();
        }
        item.lead_department_id
            .as_deref()
            .and_then(|id| department_names.get(id))
            .map(|n| n.to_string())
            .unwrap_or_default()
    };
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("公开台账").map_err(xlsx)?;
        for (col, width) in [6, 26, 40, 20, 16, 12, 12, 12, 22, 8, 36, 10]
            .into_iter()
            .enumerate()
        {
            sheet.set_column_width(col as u16, width).map_err(xlsx)?;
        }
        sheet
            .write_string_with_format(0, 0, format!("{year}年政府信息公开台账"), &styles.title)
            .map_err(xlsx)?;
        for (col, text) in LEDGER_COLUMNS.iter().enumerate() {
            sheet
                .write_string_with_format(1, col as u16, *text, &styles.header)
                .map_err(xlsx)?;
        }
        sheet.set_freeze_panes(2, 0).map_err(xlsx)?;
        let mut row = 1u32;
        let mut group: Option<&str> = None;
        for (n, (_, path, item)) in rows.iter().enumerate() {
            if group != Some(path.as_str()) {
                row += 1;
                sheet
                    .merge_range(row, 0, row, 11, path, &styles.group)
                    .map_err(xlsx)?;
                group = Some(path.as_str());
            }
            row += 1;
            sheet
                .write_number_with_format(row, 0, (n + 1) as f64, &styles.cell)
                .map_err(xlsx)?;
            let texts = [
                (1, item.index_no.clone()),
                (2, item.title.clone()),
                (3, item.doc_no.clone()),
                (4, issuer(item)),
                (7, disclosure_label_zh(item.disclosure).to_string()),
                (8, item.channels.join("、")),
                (9, validity_label(item.validity).to_string()),
                (10, item.published_url.clone()),
                (11, status_label_zh(item.status).to_string()),
            ];
            for (col, text) in texts {
                sheet
                    .write_string_with_format(row, col, text, &styles.cell)
                    .map_err(xlsx)?;
            }
            write_date(sheet, row, 5, item.date_written, &styles).map_err(xlsx)?;
            write_date(sheet, row, 6, item.date_published, &styles).map_err(xlsx)?;
        }
    }
    let kinds = Kinds::new(&categories);
    let mut documents: Vec<(DocumentKind, &Item)> = items
        .iter()
        .filter(|i| crate::annual::counts(i))
        .filter_map(|i| kinds.of(i.category_id.as_deref()).map(|k| (k, i)))
        .filter(|(_, i)| {
            let issued = issued_on(i).is_some_and(|d| d.year() == year);
            let repealed =
                i.validity == Validity::Repealed && i.date_formed.is_some_and(|d| d.year() == year);
            issued || repealed || in_force_at_end_of(i, year)
        })
        .collect();
    documents.sort_by(|a, b| {
        let key = |(k, i): &(DocumentKind, &Item)| {
            (
                *k == DocumentKind::Normative,
                issued_on(i),
                i.index_no.clone(),
            )
        };
        key(a).cmp(&key(b))
    });
    let totals = figures(&items, &categories, &departments, &[], year);
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("规章和规范性文件").map_err(xlsx)?;
        for (col, width) in [8, 16, 40, 22, 12, 8, 14, 10, 10, 10]
            .into_iter()
            .enumerate()
        {
            sheet.set_column_width(col as u16, width).map_err(xlsx)?;
        }
        sheet
            .write_string_with_format(
                0,
                0,
                format!("{year}年 规章和行政规范性文件"),
                &styles.title,
            )
            .map_err(xlsx)?;
        for (col, text) in ["类别", "本年制发", "本年废止", "现行有效"]
            .iter()
            .enumerate()
        {
            sheet
                .write_string_with_format(2, col as u16, *text, &styles.header)
                .map_err(xlsx)?;
        }
        for (i, (label, f)) in [("规章", totals.rules), ("行政规范性文件", totals.normative)]
            .into_iter()
            .enumerate()
        {
            let row = 3 + i as u32;
            sheet
                .write_string_with_format(row, 0, label, &styles.cell)
                .map_err(xlsx)?;
            for (col, n) in [f.issued, f.repealed, f.in_force].into_iter().enumerate() {
                sheet
                    .write_number_with_format(row, 1 + col as u16, f64::from(n), &styles.cell)
                    .map_err(xlsx)?;
            }
        }
        let header = [
            "序号",
            "类别",
            "名称",
            "文号",
            "成文日期",
            "有效性",
            "形成/变更日期",
            "本年制发",
            "本年废止",
            "现行有效",
        ];
        for (col, text) in header.iter().enumerate() {
            sheet
                .write_string_with_format(7, col as u16, *text, &styles.header)
                .map_err(xlsx)?;
        }
        let yes = |b: bool| if b { "是" } else { "" };
        for (n, (kind, item)) in documents.iter().enumerate() {
            let row = 8 + n as u32;
            sheet
                .write_number_with_format(row, 0, (n + 1) as f64, &styles.cell)
                .map_err(xlsx)?;
            let kind_label = match kind {
                DocumentKind::Rule => "规章",
                DocumentKind::Normative => "行政规范性文件",
            };
            let issued = issued_on(item).is_some_and(|d| d.year() == year);
            let repealed = item.validity == Validity::Repealed
                && item.date_formed.is_some_and(|d| d.year() == year);
            for (col, text) in [
                (1, kind_label.to_string()),
                (2, item.title.clone()),
                (3, item.doc_no.clone()),
                (5, validity_label(item.validity).to_string()),
                (7, yes(issued).to_string()),
                (8, yes(repealed).to_string()),
                (9, yes(in_force_at_end_of(item, year)).to_string()),
            ] {
                sheet
                    .write_string_with_format(row, col, text, &styles.cell)
                    .map_err(xlsx)?;
            }
            write_date(sheet, row, 4, item.date_written, &styles).map_err(xlsx)?;
            write_date(sheet, row, 6, item.date_formed, &styles).map_err(xlsx)?;
        }
    }
    save_workbook(&mut workbook, out, overwrite)?;
    Ok(LedgerReport {
        path: out.display().to_string(),
        year,
        items: rows.len() as u32,
        documents: documents.len() as u32,
        rules: totals.rules,
        normative: totals.normative,
    })
}
