//! Bringing in the catalogue an office already keeps as an Excel or WPS 台账.
//!
//! A ledger is a sheet with one header row somewhere in its first rows (索引号 | 名称 | 文号 |
//! 发布机构 | 成文日期 | …) and an item per row below it. Columns are matched to fields by their
//! headers, loosely (full or half width, spaces, the usual synonyms: 标题 is 名称, 公开方式 is
//! 公开属性), and a person may correct the match. Each row becomes an item through the same
//! `assign` the CLI uses, so its values are read as a clerk types them, and is checked by the
//! item's own rules; a row with problems is shown with them and not imported. A row matches an
//! item already in the catalog by its 索引号, else by 文号 and 名称 together: those rows add
//! nothing, and so does a row imported before (its item's source is the row's key), so importing
//! the same ledger again creates nothing. A 索引号 in the ledger is kept.

use std::collections::HashMap;

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use crate::assign::{assign, Names};
use crate::fields::ItemField;
use crate::model::Item;
use crate::plan_import::match_department;
use crate::text::fold;
use crate::validate::check_own_values;

/// Rows searched for the header.
const HEADER_SEARCH_ROWS: usize = 10;

/// Rows shown as a sample of what a ledger holds.
pub const LEDGER_SAMPLE_ROWS: usize = 20;
/// Rows with problems listed with their messages; the rest are counted.
pub const LEDGER_PROBLEM_ROWS_SHOWN: usize = 300;

/// A column of the ledger and the field it fills, if any.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LedgerColumn {
    /// Zero-based.
    pub index: usize,
    pub header: String,
    /// The field's key (`title`, `index_no` …); none for a column left out.
    pub field: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct RowProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

/// One row of the ledger as it would be imported.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerRow {
    /// The row's number in the sheet (one-based), for the person to find it.
    pub line: usize,
    /// What identifies the row: `index:<索引号>`, else `doc:<文号>/<名称>` (folded).
    pub key: String,
    pub item: Item,
    pub problems: Vec<RowProblem>,
    /// The catalog's item this row is already, when it is.
    pub existing_item_id: Option<String>,
    /// An earlier row of the same ledger with the same key.
    pub duplicate_of_line: Option<usize>,
}

impl LedgerRow {
    /// Whether importing creates an item for this row.
    pub fn is_new(&self) -> bool {
        self.problems.is_empty()
            && self.existing_item_id.is_none()
            && self.duplicate_of_line.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LedgerPreview {
    /// The header's row (one-based).
    pub header_line: usize,
    pub columns: Vec<LedgerColumn>,
    pub rows: Vec<LedgerRow>,
    pub new_rows: usize,
    pub existing_rows: usize,
    pub duplicate_rows: usize,
    pub rows_with_problems: usize,
    /// 责任部门 names not in the registry: kept on their items as other responsible, until the
    /// departments are added.
    pub unknown_departments: Vec<String>,
}

impl LedgerPreview {
    /// Adds problems found against the catalog (its channel list, departments, 索引号 taken)
    /// to the rows not matched to an item, each at most once, and counts again.
    pub fn add_catalog_problems(&mut self, check: impl Fn(&Item) -> Vec<RowProblem>) {
        for row in &mut self.rows {
            if row.existing_item_id.is_some() || row.duplicate_of_line.is_some() {
                continue;
            }
            for problem in check(&row.item) {
                if !row
                    .problems
                    .iter()
                    .any(|p| p.field == problem.field && p.code == problem.code)
                {
                    row.problems.push(problem);
                }
            }
        }
        self.count();
    }

    fn count(&mut self) {
        let rows = &self.rows;
        self.new_rows = rows.iter().filter(|r| r.is_new()).count();
        self.existing_rows = rows.iter().filter(|r| r.existing_item_id.is_some()).count();
        self.duplicate_rows = rows
            .iter()
            .filter(|r| r.existing_item_id.is_none() && r.duplicate_of_line.is_some())
            .count();
        self.rows_with_problems = rows.iter().filter(|r| !r.problems.is_empty()).count();
    }
}

/// What becomes of a row on import, in the order the import decides it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum LedgerRowState {
    New,
    /// Left out: it has problems.
    Problems,
    /// The catalog holds it already.
    Existing,
    /// An earlier row of the ledger is the same.
    Duplicate,
}

/// One row as the screen lists it: what identifies it, and what becomes of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LedgerRowSummary {
    pub line: usize,
    pub index_no: String,
    pub title: String,
    pub doc_no: String,
    pub state: LedgerRowState,
    pub problems: Vec<RowProblem>,
    pub duplicate_of_line: Option<usize>,
}

/// What the app shows of a preview: its columns, counts, a sample and the rows with problems
/// (the first [`LEDGER_PROBLEM_ROWS_SHOWN`]), never every row, so a 50,000-row ledger stays
/// where it was read and the screen gets a few kilobytes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct LedgerSummary {
    /// What the app knows this preview by: the import names it, so only the preview the person
    /// saw can be imported.
    pub preview_id: u32,
    pub header_line: usize,
    pub columns: Vec<LedgerColumn>,
    pub total_rows: usize,
    pub new_rows: usize,
    pub existing_rows: usize,
    pub duplicate_rows: usize,
    pub rows_with_problems: usize,
    pub unknown_departments: Vec<String>,
    /// The first rows of the ledger.
    pub sample: Vec<LedgerRowSummary>,
    /// The first rows with problems, each with its messages.
    pub problem_rows: Vec<LedgerRowSummary>,
}

impl LedgerRow {
    /// What becomes of the row: problems first, then the catalog, then the ledger's own repeats.
    pub fn state(&self) -> LedgerRowState {
        if !self.problems.is_empty() {
            LedgerRowState::Problems
        } else if self.existing_item_id.is_some() {
            LedgerRowState::Existing
        } else if self.duplicate_of_line.is_some() {
            LedgerRowState::Duplicate
        } else {
            LedgerRowState::New
        }
    }

    fn summary(&self) -> LedgerRowSummary {
        LedgerRowSummary {
            line: self.line,
            index_no: self.item.index_no.clone(),
            title: self.item.title.clone(),
            doc_no: self.item.doc_no.clone(),
            state: self.state(),
            problems: self.problems.clone(),
            duplicate_of_line: self.duplicate_of_line,
        }
    }
}

impl LedgerPreview {
    /// The preview as the app shows it, known by `preview_id`.
    pub fn summary(&self, preview_id: u32) -> LedgerSummary {
        LedgerSummary {
            preview_id,
            header_line: self.header_line,
            columns: self.columns.clone(),
            total_rows: self.rows.len(),
            new_rows: self.new_rows,
            existing_rows: self.existing_rows,
            duplicate_rows: self.duplicate_rows,
            rows_with_problems: self.rows_with_problems,
            unknown_departments: self.unknown_departments.clone(),
            sample: self
                .rows
                .iter()
                .take(LEDGER_SAMPLE_ROWS)
                .map(LedgerRow::summary)
                .collect(),
            problem_rows: self
                .rows
                .iter()
                .filter(|r| !r.problems.is_empty())
                .take(LEDGER_PROBLEM_ROWS_SHOWN)
                .map(LedgerRow::summary)
                .collect(),
        }
    }
}

/// How far an import has come: rows decided out of the ledger's rows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, TS)]
pub struct LedgerProgress {
    pub done: u32,
    pub total: u32,
}

/// What an import did with the ledger's rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, TS)]
pub struct LedgerImportReport {
    pub items_created: u32,
    pub rows_already_in_catalog: u32,
    pub rows_duplicated_in_ledger: u32,
    pub rows_with_problems: u32,
}

/// What an item in the catalog is known by, for matching rows to it.
pub struct ExistingItem<'a> {
    pub id: &'a str,
    pub index_no: &'a str,
    pub doc_no: &'a str,
    pub title: &'a str,
    /// `ledger:<row key>` for an item imported from a ledger.
    pub source: &'a str,
}

/// Why a ledger could not be read as one.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    #[error("no header row with a 名称 (or 标题) column was found in the first {HEADER_SEARCH_ROWS} rows: the ledger needs a header row such as 索引号 | 名称 | 文号 | 发布机构 | 成文日期")]
    NoHeader,
    #[error("{0}")]
    BadColumn(String),
}

impl LedgerError {
    pub fn code(&self) -> &'static str {
        match self {
            LedgerError::NoHeader => "ledger_no_header",
            LedgerError::BadColumn(_) => "ledger_bad_column",
        }
    }
}

/// The field a ledger header names: the usual 台账 headers, then the field's own names.
pub fn field_for_header(header: &str) -> Option<ItemField> {
    let folded: String = fold(header)
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '*' | ':' | '：' | '(' | ')'))
        .collect();
    let field = match folded.as_str() {
        "索引号" | "索引" => ItemField::IndexNo,
        "名称" | "标题" | "文件名称" | "信息名称" | "事项名称" | "文件标题" | "信息标题" => {
            ItemField::Title
        }
        "文号" | "发文字号" | "发文文号" | "文件编号" => ItemField::DocNo,
        "发布机构" | "发文机关" | "发布单位" | "发文单位" | "制发机关" => {
            ItemField::IssuingBody
        }
        "成文日期" | "成文时间" | "发文日期" => ItemField::DateWritten,
        "发布日期" | "发布时间" | "公开日期" | "公开时间" => {
            ItemField::DatePublished
        }
        "生成日期" | "形成日期" | "形成时间" => ItemField::DateFormed,
        "公开方式" | "公开属性" | "公开形式" => ItemField::Disclosure,
        "公开渠道" | "公开载体" | "公开渠道和载体" | "发布渠道" => {
            ItemField::Channels
        }
        "责任部门" | "牵头部门" | "责任处室" | "责任单位" | "承办部门" | "主办部门" => {
            ItemField::LeadDepartmentId
        }
        "配合部门" | "协办部门" | "配合单位" => ItemField::CoDepartmentIds,
        "内容概述" | "摘要" | "内容摘要" | "内容" => ItemField::Summary,
        "主题分类" | "主题" => ItemField::SubjectCategory,
        "关键词" | "主题词" => ItemField::Keywords,
        "有效性" | "是否有效" => ItemField::Validity,
        "公开依据" => ItemField::LegalBasis,
        "公开对象" | "公开范围" => ItemField::Audience,
        "公开层级" => ItemField::Level,
        "备注" => ItemField::Notes,
        "不予公开依据" | "不公开依据" | "删减依据" => ItemField::WithheldReason,
        "不予公开理由" | "不公开理由" | "删减理由" | "删减说明" => {
            ItemField::WithheldNote
        }
        _ => return ItemField::parse(&folded).filter(|f| importable(*f)),
    };
    Some(field)
}

/// Every field a ledger column may fill, for the person correcting a column to choose from.
pub fn ledger_fields() -> Vec<ItemField> {
    ItemField::ALL
        .into_iter()
        .filter(|f| importable(*f))
        .collect()
}

/// Fields a ledger may fill: not the workflow's, not people or links by id.
fn importable(field: ItemField) -> bool {
    !field.is_workflow_managed()
        && !matches!(
            field,
            ItemField::Attachments
                | ItemField::Links
                | ItemField::Source
                | ItemField::ClerkId
                | ItemField::ReviewerId
                | ItemField::SignerId
        )
}

/// The header row and its columns: the first of the first rows that names a 名称 column, with
/// the most recognised headers.
pub fn find_header(rows: &[Vec<String>]) -> Result<(usize, Vec<LedgerColumn>), LedgerError> {
    let mut best: Option<(usize, usize)> = None;
    for (i, row) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let fields: Vec<ItemField> = row.iter().filter_map(|h| field_for_header(h)).collect();
        if !fields.contains(&ItemField::Title) {
            continue;
        }
        if best.is_none_or(|(_, count)| fields.len() > count) {
            best = Some((i, fields.len()));
        }
    }
    let (header, _) = best.ok_or(LedgerError::NoHeader)?;
    let mut taken: Vec<ItemField> = Vec::new();
    let columns = rows[header]
        .iter()
        .enumerate()
        .map(|(index, text)| {
            // A field named twice is filled from its first column only.
            let field = field_for_header(text).filter(|f| !taken.contains(f));
            if let Some(field) = field {
                taken.push(field);
            }
            LedgerColumn {
                index,
                header: text.trim().to_owned(),
                field: field.map(|f| f.key().to_owned()),
            }
        })
        .collect();
    Ok((header, columns))
}

/// Applies a person's corrections, `HEADER=FIELD` (a field key or Chinese name, or `-` to leave
/// the column out); the header may also be the column's letter (`C`) or number (`3`).
pub fn correct_columns(
    columns: &mut [LedgerColumn],
    corrections: &[(String, String)],
) -> Result<(), LedgerError> {
    for (header, field) in corrections {
        let wanted = fold(header.trim());
        let position = columns
            .iter()
            .position(|c| fold(&c.header) == wanted)
            .or_else(|| column_number(header.trim()))
            .filter(|&i| i < columns.len())
            .ok_or_else(|| LedgerError::BadColumn(format!("the ledger has no column {header}")))?;
        set_field(columns, position, field)?;
    }
    Ok(())
}

/// A person's choice for one column in the app: its index, and the field's key (none to leave
/// the column out).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ColumnChoice {
    pub index: usize,
    pub field: Option<String>,
}

/// Applies choices made column by column (the app's; the CLI names columns by header).
pub fn choose_columns(
    columns: &mut [LedgerColumn],
    choices: &[ColumnChoice],
) -> Result<(), LedgerError> {
    for choice in choices {
        if choice.index >= columns.len() {
            return Err(LedgerError::BadColumn(format!(
                "the ledger has no column {}",
                choice.index + 1
            )));
        }
        set_field(
            columns,
            choice.index,
            choice.field.as_deref().unwrap_or("-"),
        )?;
    }
    Ok(())
}

/// Fills column `position` from `field` (a key or Chinese name, `-` for none), taking the field
/// from any other column that had it.
fn set_field(
    columns: &mut [LedgerColumn],
    position: usize,
    field: &str,
) -> Result<(), LedgerError> {
    let field = match field.trim() {
        "-" | "" => None,
        name => Some(
            ItemField::parse(name)
                .filter(|f| importable(*f))
                .ok_or_else(|| {
                    LedgerError::BadColumn(format!(
                        "{name} is not a field a ledger column can fill"
                    ))
                })?
                .key()
                .to_owned(),
        ),
    };
    if let Some(key) = &field {
        for column in columns.iter_mut() {
            if column.field.as_deref() == Some(key) {
                column.field = None;
            }
        }
    }
    if let Some(column) = columns.get_mut(position) {
        column.field = field;
    }
    Ok(())
}

/// `C` or `3`: a column by its letter or its one-based number.
fn column_number(text: &str) -> Option<usize> {
    if let Ok(n) = text.parse::<usize>() {
        return n.checked_sub(1);
    }
    if text.is_empty() || text.len() > 3 || !text.chars().all(|c| c.is_ascii_alphabetic()) {
        return None;
    }
    let n = text.chars().fold(0usize, |n, c| {
        n * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1)
    });
    n.checked_sub(1)
}

/// A date cell of a workbook arrives as its serial number (days since 1899-12-30).
fn serial_date(text: &str) -> Option<NaiveDate> {
    let days: u64 = text.trim().parse().ok()?;
    if !(20_000..=80_000).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_days(Days::new(days))
}

fn is_date(field: ItemField) -> bool {
    matches!(
        field,
        ItemField::DateWritten
            | ItemField::DateFormed
            | ItemField::DatePublished
            | ItemField::DueDate
            | ItemField::CommentStart
            | ItemField::CommentEnd
    )
}

/// A row's identity: its 索引号, else its 文号 and 名称.
pub fn row_key(index_no: &str, doc_no: &str, title: &str) -> String {
    if !index_no.trim().is_empty() {
        format!("index:{}", fold(index_no.trim()))
    } else {
        format!("doc:{}/{}", fold(doc_no.trim()), fold(title.trim()))
    }
}

/// Every data row below the header, as items with their problems, matched to the catalog.
pub fn preview(
    rows: &[Vec<String>],
    header: usize,
    columns: Vec<LedgerColumn>,
    names: &Names,
    existing: &[ExistingItem],
) -> LedgerPreview {
    let mut by_index: HashMap<String, &str> = HashMap::new();
    let mut by_doc: HashMap<String, &str> = HashMap::new();
    let mut by_source: HashMap<&str, &str> = HashMap::new();
    for item in existing {
        if let Some(key) = item.source.strip_prefix("ledger:") {
            by_source.insert(key, item.id);
        }
        if !item.index_no.trim().is_empty() {
            by_index.insert(fold(item.index_no.trim()), item.id);
        }
        if !item.doc_no.trim().is_empty() {
            by_doc.insert(row_key("", item.doc_no, item.title), item.id);
        }
    }
    let fields: Vec<(usize, ItemField)> = columns
        .iter()
        .filter_map(|c| Some((c.index, ItemField::parse(c.field.as_deref()?)?)))
        .collect();
    let mut seen: HashMap<String, usize> = HashMap::new();
    let mut unknown_departments: Vec<String> = Vec::new();
    let mut out = Vec::new();
    for (offset, cells) in rows.iter().enumerate().skip(header + 1) {
        if cells.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = offset + 1;
        let mut item = Item::blank(String::new());
        let mut problems = Vec::new();
        for &(index, field) in &fields {
            let Some(text) = cells.get(index).map(|c| c.trim()) else {
                continue;
            };
            if text.is_empty() {
                continue;
            }
            let date = serial_date(text).filter(|_| is_date(field));
            let text = date.map_or(text.to_owned(), |d| d.to_string());
            // A 责任部门 the registry lacks stays on the item as text, not as a problem.
            if matches!(
                field,
                ItemField::LeadDepartmentId | ItemField::CoDepartmentIds
            ) {
                let mut known = Vec::new();
                for name in crate::fields::split_list(&text) {
                    if match_department(&name, names.departments).is_some() {
                        known.push(name);
                    } else {
                        if !unknown_departments.contains(&name) {
                            unknown_departments.push(name.clone());
                        }
                        item.other_responsible.push(name);
                    }
                }
                // Several in the 责任部门 column: the first leads, the others cooperate.
                if field == ItemField::LeadDepartmentId && known.len() > 1 {
                    let list = with_existing(&item, &known.split_off(1).join("、"), names);
                    if let Err(error) =
                        assign(&mut item, ItemField::CoDepartmentIds.key(), &list, names)
                    {
                        problems.push(row_problem(&error));
                    }
                }
                if known.is_empty() {
                    continue;
                }
                if let Err(error) = assign(&mut item, field.key(), &known.join("、"), names) {
                    problems.push(row_problem(&error));
                }
                continue;
            }
            if let Err(error) = assign(&mut item, field.key(), &text, names) {
                problems.push(row_problem(&error));
            }
        }
        problems.extend(check_own_values(&item).into_iter().map(|p| RowProblem {
            field: p.field,
            code: p.code,
            message: p.message,
        }));
        let key = row_key(&item.index_no, &item.doc_no, &item.title);
        // A row imported before is its item whatever was done to it since (a 索引号 given to a
        // row without one, a 名称 corrected).
        let existing_item_id = if let Some(id) = by_source.get(key.as_str()) {
            Some((*id).to_owned())
        } else if item.index_no.trim().is_empty() {
            if item.doc_no.trim().is_empty() {
                None
            } else {
                by_doc.get(&key).map(|id| (*id).to_owned())
            }
        } else {
            by_index
                .get(&fold(item.index_no.trim()))
                .or_else(|| by_doc.get(&row_key("", &item.doc_no, &item.title)))
                .map(|id| (*id).to_owned())
        };
        // Without 索引号 or 文号 only the title is left: too weak to call two rows one.
        let identifiable = !item.index_no.trim().is_empty() || !item.doc_no.trim().is_empty();
        let duplicate_of_line = if identifiable {
            match seen.get(&key) {
                Some(first) => Some(*first),
                None => {
                    seen.insert(key.clone(), line);
                    None
                }
            }
        } else {
            None
        };
        out.push(LedgerRow {
            line,
            key,
            item,
            problems,
            existing_item_id,
            duplicate_of_line,
        });
    }
    let mut preview = LedgerPreview {
        header_line: header + 1,
        columns,
        new_rows: 0,
        existing_rows: 0,
        duplicate_rows: 0,
        rows_with_problems: 0,
        rows: out,
        unknown_departments,
    };
    preview.count();
    preview
}

/// The co-departments already set plus one more, as `assign` takes the whole list.
fn with_existing(item: &Item, name: &str, names: &Names) -> String {
    let mut list: Vec<String> = item
        .co_department_ids
        .iter()
        .filter_map(|id| names.departments.iter().find(|d| d.id == *id))
        .map(|d| d.name.clone())
        .collect();
    list.push(name.to_owned());
    list.join("、")
}

fn row_problem(error: &crate::fields::FieldValueError) -> RowProblem {
    RowProblem {
        field: error.field.to_owned(),
        code: error.code.to_owned(),
        message: error.message.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Department, DepartmentKind};

    fn rows(text: &[&[&str]]) -> Vec<Vec<String>> {
        text.iter()
            .map(|r| r.iter().map(|c| (*c).to_owned()).collect())
            .collect()
    }

    fn departments() -> Vec<Department> {
        vec![Department {
            id: "d1".into(),
            name: "办公室".into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        }]
    }

    #[test]
    fn headers_are_matched_loosely_and_corrected() {
        let sheet = rows(&[
            &["2024年政府信息公开目录"],
            &[
                "序号",
                "索引号",
                "标题",
                "发文字号",
                "公开方式",
                "成文 日期",
                "说明",
            ],
        ]);
        let (header, mut columns) = find_header(&sheet).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(header, 1);
        let fields: Vec<Option<&str>> = columns.iter().map(|c| c.field.as_deref()).collect();
        assert_eq!(
            fields,
            [
                None,
                Some("index_no"),
                Some("title"),
                Some("doc_no"),
                Some("disclosure"),
                Some("date_written"),
                None
            ]
        );
        let corrections = [
            ("说明".to_owned(), "内容概述".to_owned()),
            ("D".to_owned(), "-".to_owned()),
        ];
        assert!(correct_columns(&mut columns, &corrections).is_ok());
        assert_eq!(columns[6].field.as_deref(), Some("summary"));
        assert_eq!(columns[3].field, None);
        let wrong = [("无此列".to_owned(), "title".to_owned())];
        assert!(matches!(
            correct_columns(&mut columns, &wrong),
            Err(LedgerError::BadColumn(_))
        ));
        let chosen = [
            ColumnChoice {
                index: 0,
                field: Some("summary".into()),
            },
            ColumnChoice {
                index: 6,
                field: None,
            },
        ];
        assert!(choose_columns(&mut columns, &chosen).is_ok());
        assert_eq!(columns[0].field.as_deref(), Some("summary"));
        assert_eq!(columns[6].field, None, "a field fills one column");
        let outside = [ColumnChoice {
            index: 7,
            field: None,
        }];
        assert!(choose_columns(&mut columns, &outside).is_err());
        let status = [("标题".to_owned(), "status".to_owned())];
        assert!(correct_columns(&mut columns, &status).is_err());
        assert_eq!(
            find_header(&rows(&[&["a", "b"]])),
            Err(LedgerError::NoHeader)
        );
    }

    #[test]
    fn rows_become_items_with_their_problems_and_matches() {
        let sheet = rows(&[
            &["索引号", "名称", "文号", "成文日期", "公开属性", "责任部门"],
            &[
                "A-1",
                "关于做好公开的通知",
                "教发〔2024〕1号",
                "45292",
                "主动公开",
                "办公室、规法处",
            ],
            &["", "年度报告", "", "2024年3月5日", "依申请公开", ""],
            &["", "", "教发〔2024〕2号", "2024-02-30", "半公开", ""],
            &["", "", "", "", "", ""],
            &["A-1", "重复的行", "", "", "", ""],
            &["", "旧事项", "教发〔2023〕9号", "", "", ""],
        ]);
        let (header, columns) = find_header(&sheet).unwrap_or_else(|e| panic!("{e}"));
        let departments = departments();
        let names = Names {
            departments: &departments,
            categories: &[],
            people: &[],
        };
        let existing = [ExistingItem {
            id: "old",
            index_no: "",
            doc_no: "教发〔2023〕9号",
            title: "旧事项",
            source: "",
        }];
        let preview = preview(&sheet, header, columns, &names, &existing);
        let first = &preview.rows[0];
        assert_eq!(first.line, 2);
        assert_eq!(first.item.index_no, "A-1");
        assert_eq!(
            first.item.date_written.map(|d| d.to_string()).as_deref(),
            Some("2024-01-01")
        );
        assert_eq!(first.item.lead_department_id.as_deref(), Some("d1"));
        assert_eq!(first.item.other_responsible, ["规法处"]);
        assert!(first.is_new());
        assert_eq!(preview.unknown_departments, ["规法处"]);
        assert!(preview.rows[1].is_new());
        let bad = &preview.rows[2];
        let codes: Vec<&str> = bad.problems.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["invalid_date", "invalid_value", "title_empty"]);
        assert_eq!(preview.rows[3].duplicate_of_line, Some(2));
        assert_eq!(preview.rows[4].existing_item_id.as_deref(), Some("old"));
        assert_eq!(
            (
                preview.new_rows,
                preview.existing_rows,
                preview.duplicate_rows,
                preview.rows_with_problems
            ),
            (2, 1, 1, 1)
        );
    }

    #[test]
    fn the_summary_carries_counts_a_sample_and_capped_problem_rows() {
        let mut text: Vec<Vec<String>> =
            vec![vec!["索引号".into(), "名称".into(), "成文日期".into()]];
        for n in 0..1000 {
            // Every other row has a date that is no date.
            let date = if n % 2 == 0 { "2024-01-02" } else { "昨天" };
            text.push(vec![format!("A-{n}"), format!("事项{n}"), date.into()]);
        }
        text.push(vec!["A-0".into(), "事项0".into(), "2024-01-02".into()]);
        let (header, columns) = find_header(&text).unwrap_or_else(|e| panic!("{e}"));
        let departments = departments();
        let names = Names {
            departments: &departments,
            categories: &[],
            people: &[],
        };
        let preview = preview(&text, header, columns, &names, &[]);
        let summary = preview.summary(7);
        assert_eq!(summary.preview_id, 7);
        assert_eq!(summary.total_rows, 1001);
        assert_eq!(
            (
                summary.new_rows,
                summary.rows_with_problems,
                summary.duplicate_rows
            ),
            (500, 500, 1)
        );
        assert_eq!(summary.sample.len(), LEDGER_SAMPLE_ROWS);
        assert_eq!(summary.sample[0].state, LedgerRowState::New);
        assert_eq!(summary.sample[1].state, LedgerRowState::Problems);
        assert_eq!(summary.problem_rows.len(), LEDGER_PROBLEM_ROWS_SHOWN);
        assert_eq!(summary.problem_rows[0].line, 3);
        assert_eq!(summary.problem_rows[0].problems[0].code, "invalid_date");
        let last = preview.rows.last().map(LedgerRow::state);
        assert_eq!(last, Some(LedgerRowState::Duplicate));
        assert!(ledger_fields().contains(&ItemField::Title));
        assert!(!ledger_fields().contains(&ItemField::Status));
        // A few kilobytes whatever the ledger's length.
        let size = serde_json::to_string(&summary).map_or(0, |j| j.len());
        assert!(size < 100_000, "{size}");
    }
}
