//! The figures of the annual report (政府信息公开工作年度报告, format 国办公开办函〔2021〕30号),
//! table 二 (主动公开政府信息情况), as far as the catalog knows them.
//!
//! The counting rules, written down because an office must be able to defend each number:
//! - A document counts when it is 主动公开 or 删减后公开 (published, only part of it removed)
//!   and signed off (signed off, exported or published): drafts and items in review have not
//!   been issued.
//! - Its kind is its category's: 规章 or 行政规范性文件 (by the shipped categories, or a
//!   category of that name), at any depth below them.
//! - 本年制发: 成文日期 in the year (发布日期 when 成文日期 is not recorded).
//! - 本年废止: 有效性 废止 and 形成/变更日期 (the date of the change) in the year.
//! - 现行有效: issued by the year's end and, at the year's end, not yet 废止 or 失效 (有效, or
//!   废止/失效 with a change date after the year).
//! - Beside the table: the items proactively disclosed in the year (发布日期 in the year, or
//!   成文日期 when not published yet), by channel (an item counts once per channel) and by lead
//!   department.
//!
//! The other rows of table 二 (行政许可, 行政处罚, 行政强制, 行政事业性收费) are decisions the
//! catalog does not hold; the office fills them in.

use crate::error::{ExportError, Result};
use crate::workbook::{save_workbook, Styles};
use chrono::{Datelike, NaiveDate};
use desk_core::export::{AnnualFigures, CountRow, DocumentFigures};
use desk_core::model::{Category, Department, Item, Validity};
use desk_store::Catalog;
use rust_xlsxwriter::Workbook;
use std::collections::HashMap;
use std::path::Path;

/// What kind of document the ledger and the report count an item as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DocumentKind {
    /// 规章
    Rule,
    /// 行政规范性文件
    Normative,
}

/// Tells the kind of an item's category, looking up its ancestors.
pub struct Kinds {
    parents: HashMap<String, Option<String>>,
    kinds: HashMap<String, DocumentKind>,
}

impl Kinds {
    pub fn new(categories: &[Category]) -> Kinds {
        let mut kinds = HashMap::new();
        for c in categories {
            let kind = match (c.id.as_str(), c.name.trim()) {
                ("cat-rules", _) | (_, "规章") => Some(DocumentKind::Rule),
                ("cat-normative", _) | (_, "行政规范性文件" | "规范性文件") => {
                    Some(DocumentKind::Normative)
                }
                _ => None,
            };
            if let Some(kind) = kind {
                kinds.insert(c.id.clone(), kind);
            }
        }
        Kinds {
            parents: categories
                .iter()
                .map(|c| (c.id.clone(), c.parent_id.clone()))
                .collect(),
            kinds,
        }
    }

    pub fn of(&self, category: Option<&str>) -> Option<DocumentKind> {
        let mut current = category.map(String::from);
        // A cycle in a damaged category tree must not loop forever.
        for _ in 0..64 {
            let id = current?;
            if let Some(kind) = self.kinds.get(&id) {
                return Some(*kind);
            }
            current = self.parents.get(&id).cloned().flatten();
        }
        None
    }
}

/// Whether an item counts at all: it goes out (主动公开, 删减后公开) and is signed off.
pub fn counts(item: &Item) -> bool {
    item.disclosure.goes_out() && item.status.is_signed()
}

/// The date a document was issued: 成文日期, else 发布日期.
pub fn issued_on(item: &Item) -> Option<NaiveDate> {
    item.date_written.or(item.date_published)
}

/// Whether a document was in force at the end of `year`.
pub fn in_force_at_end_of(item: &Item, year: i32) -> bool {
    let Some(issued) = issued_on(item) else {
        return false;
    };
    if issued.year() > year {
        return false;
    }
    match item.validity {
        Validity::Valid => true,
        Validity::Repealed | Validity::Expired => item.date_formed.is_some_and(|d| d.year() > year),
    }
}

/// The figures of `year` from the catalog's items.
pub fn figures(
    items: &[Item],
    categories: &[Category],
    departments: &[Department],
    channels_order: &[String],
    year: i32,
) -> AnnualFigures {
    let kinds = Kinds::new(categories);
    let mut rules = DocumentFigures::default();
    let mut normative = DocumentFigures::default();
    let mut disclosed = 0;
    let mut by_channel: HashMap<&str, u32> = HashMap::new();
    let mut by_department: HashMap<&str, u32> = HashMap::new();
    let department_names: HashMap<&str, &str> = departments
        .iter()
        .map(|d| (d.id.as_str(), d.name.as_str()))
        .collect();
    for item in items.iter().filter(|i| counts(i)) {
        if let Some(kind) = kinds.of(item.category_id.as_deref()) {
            let figures = match kind {
                DocumentKind::Rule => &mut rules,
                DocumentKind::Normative => &mut normative,
            };
            if issued_on(item).is_some_and(|d| d.year() == year) {
                figures.issued += 1;
            }
            if item.validity == Validity::Repealed
                && item.date_formed.is_some_and(|d| d.year() == year)
            {
                figures.repealed += 1;
            }
            if in_force_at_end_of(item, year) {
                figures.in_force += 1;
            }
        }
        let disclosed_on = item.date_published.or(item.date_written);
        if disclosed_on.is_some_and(|d| d.year() == year) {
            disclosed += 1;
            for channel in &item.channels {
                *by_channel.entry(channel.as_str()).or_default() += 1;
            }
            let department = item
                .lead_department_id
                .as_deref()
                .and_then(|id| department_names.get(id).copied())
                .unwrap_or("（未指定牵头部门）");
            *by_department.entry(department).or_default() += 1;
        }
    }
    // Channels in the office's order, then any others; departments by count, then name.
    let mut channel_rows: Vec<CountRow> = channels_order
        .iter()
        .filter_map(|c| {
            by_channel.remove(c.as_str()).map(|count| CountRow {
                label: c.clone(),
                count,
            })
        })
        .collect();
    let mut others: Vec<CountRow> = by_channel
        .into_iter()
        .map(|(label, count)| CountRow {
            label: label.to_string(),
            count,
        })
        .collect();
    others.sort_by(|a, b| a.label.cmp(&b.label));
    channel_rows.extend(others);
    let mut department_rows: Vec<CountRow> = by_department
        .into_iter()
        .map(|(label, count)| CountRow {
            label: label.to_string(),
            count,
        })
        .collect();
    department_rows.sort_by(|a, b| b.count.cmp(&a.count).then(a.label.cmp(&b.label)));
    AnnualFigures {
        year,
        rules,
        normative,
        disclosed,
        by_channel: channel_rows,
        by_department: department_rows,
    }
}

pub fn check_year(year: i32) -> Result<i32> {
    if (1990..=2200).contains(&year) {
        Ok(year)
    } else {
        Err(ExportError::InvalidArgument(format!(
            "{year} is not a year the report can be for"
        )))
    }
}

/// The figures of `year` from the catalog.
pub fn annual_figures(catalog: &Catalog, year: i32) -> Result<AnnualFigures> {
    let year = check_year(year)?;
    Ok(figures(
        &catalog.all_items()?,
        &catalog.categories()?,
        &catalog.departments()?,
        &catalog.settings().channels,
        year,
    ))
}

/// Writes table 二 and the counts beside it as a workbook.
pub fn write_xlsx(figures: &AnnualFigures, out: &Path, overwrite: bool) -> Result<()> {
    let mut workbook = Workbook::new();
    let styles = Styles::new();
    let xlsx = |e: rust_xlsxwriter::XlsxError| ExportError::Workbook {
        path: out.to_path_buf(),
        detail: e.to_string(),
    };
    {
        let sheet = workbook.add_worksheet();
        sheet.set_name("表二 主动公开").map_err(xlsx)?;
        sheet.set_column_width(0, 24).map_err(xlsx)?;
        for col in 1..=3 {
            sheet.set_column_width(col, 14).map_err(xlsx)?;
        }
        sheet
            .write_string_with_format(
                0,
                0,
                format!("{}年度 二、主动公开政府信息情况", figures.year),
                &styles.title,
            )
            .map_err(xlsx)?;
        let header = ["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"];
        for (col, text) in header.iter().enumerate() {
            sheet
                .write_string_with_format(2, col as u16, *text, &styles.header)
                .map_err(xlsx)?;
        }
        for (row, (label, f)) in [
            ("规章", figures.rules),
            ("行政规范性文件", figures.normative),
        ]
        .into_iter()
        .enumerate()
        {
            let row = 3 + row as u32;
            sheet
                .write_string_with_format(row, 0, label, &styles.cell)
                .map_err(xlsx)?;
            for (col, n) in [f.issued, f.repealed, f.in_force].into_iter().enumerate() {
                sheet
                    .write_number_with_format(row, 1 + col as u16, f64::from(n), &styles.cell)
                    .map_err(xlsx)?;
            }
        }
        sheet
            .write_string(
                6,
                0,
                "行政许可、行政处罚、行政强制、行政事业性收费的数字不在目录中，请按实际填写。",
            )
            .map_err(xlsx)?;
        let mut row = 8;
        sheet
            .write_string_with_format(
                row,
                0,
                format!("本年主动公开 {} 项", figures.disclosed),
                &styles.header,
            )
            .map_err(xlsx)?;
        for (title, rows) in [
            ("公开渠道", &figures.by_channel),
            ("牵头部门", &figures.by_department),
        ] {
            row += 2;
            sheet
                .write_string_with_format(row, 0, title, &styles.header)
                .map_err(xlsx)?;
            sheet
                .write_string_with_format(row, 1, "件数", &styles.header)
                .map_err(xlsx)?;
            for r in rows.iter() {
                row += 1;
                sheet
                    .write_string_with_format(row, 0, r.label.as_str(), &styles.cell)
                    .map_err(xlsx)?;
                sheet
                    .write_number_with_format(row, 1, f64::from(r.count), &styles.cell)
                    .map_err(xlsx)?;
            }
        }
    }
    save_workbook(&mut workbook, out, overwrite)
}
