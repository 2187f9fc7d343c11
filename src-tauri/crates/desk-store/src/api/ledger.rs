//! Bringing in an office's existing 台账: a preview of every row (columns matched by header,
//! each row's problems, which rows the catalog already holds), then the new rows saved.

use crate::catalog::save::create_item_as;
use crate::error::Result;
use crate::Catalog;
use desk_core::assign::Names;
use desk_core::ledger_import::{
    choose_columns, correct_columns, find_header, preview, ColumnChoice, ExistingItem,
    LedgerColumn, LedgerError, LedgerImportReport, LedgerPreview, LedgerProgress, RowProblem,
};
use desk_core::plan::{read_table_document, Block};
use desk_core::validate::{check_item, CatalogFacts};
use std::collections::HashSet;

const SOURCE_PREFIX: &str = "ledger:";

/// What the item rules need from the catalog, read once for the whole ledger.
struct LedgerFacts {
    departments: HashSet<String>,
    categories: HashSet<String>,
    index_nos: HashSet<String>,
    channels: Vec<String>,
    levels: Vec<String>,
}

impl CatalogFacts for LedgerFacts {
    fn department_exists(&self, id: &str) -> bool {
        self.departments.contains(id)
    }
    fn category_exists(&self, id: &str) -> bool {
        self.categories.contains(id)
    }
    fn item_exists(&self, _id: &str) -> bool {
        // A ledger links no items.
        false
    }
    fn index_no_taken(&self, index_no: &str, _item_id: &str) -> bool {
        self.index_nos.contains(index_no)
    }
    fn channels(&self) -> &[String] {
        &self.channels
    }
    fn levels(&self) -> &[String] {
        &self.levels
    }
}

/// Progress is reported about a hundred times in an import, and after its last row.
const PROGRESS_STEPS: usize = 100;

impl Catalog {
    /// Reads a ledger's bytes (.xlsx, .xls, .et, .csv in UTF-8 or GBK, told apart by content),
    /// matches its columns (with the person's corrections, `HEADER=FIELD`) and previews its rows.
    pub fn preview_ledger_bytes(
        &self,
        bytes: &[u8],
        corrections: &[(String, String)],
    ) -> Result<LedgerPreview> {
        self.preview_ledger(bytes, |columns| correct_columns(columns, corrections))
    }

    /// As [`Catalog::preview_ledger_bytes`], with the columns chosen one by one (the app's).
    pub fn preview_ledger_chosen(
        &self,
        bytes: &[u8],
        choices: &[ColumnChoice],
    ) -> Result<LedgerPreview> {
        self.preview_ledger(bytes, |columns| choose_columns(columns, choices))
    }

    fn preview_ledger(
        &self,
        bytes: &[u8],
        correct: impl FnOnce(&mut [LedgerColumn]) -> std::result::Result<(), LedgerError>,
    ) -> Result<LedgerPreview> {
        let document = read_table_document(bytes)?;
        let rows = match document.blocks.into_iter().next() {
            Some(Block::Table(rows)) => rows,
            _ => Vec::new(),
        };
        let (header, mut columns) = find_header(&rows)?;
        correct(&mut columns)?;
        let departments = self.departments()?;
        let categories = self.categories()?;
        let people = self.people()?;
        let names = Names {
            departments: &departments,
            categories: &categories,
            people: &people,
        };
        let mut stmt = self
            .conn
            .prepare("SELECT id, index_no, doc_no, title, source FROM items")?;
        let known = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                ))
            })?
            .collect::<std::result::Result<Vec<_>, _>>()?;
        let existing: Vec<ExistingItem> = known
            .iter()
            .map(|(id, index_no, doc_no, title, source)| ExistingItem {
                id,
                index_no,
                doc_no,
                title,
                source,
            })
            .collect();
        let mut preview = preview(&rows, header, columns, &names, &existing);
        let facts = LedgerFacts {
            departments: departments.iter().map(|d| d.id.clone()).collect(),
            categories: categories.iter().map(|c| c.id.clone()).collect(),
            index_nos: known
                .iter()
                .map(|(_, index_no, ..)| index_no.clone())
                .filter(|n| !n.is_empty())
                .collect(),
            channels: self.settings.channels.clone(),
            levels: self.settings.levels.clone(),
        };
        preview.add_catalog_problems(|item| {
            check_item(item, &facts)
                .into_iter()
                .map(|p| RowProblem {
                    field: p.field,
                    code: p.code,
                    message: p.message,
                })
                .collect()
        });
        Ok(preview)
    }

    /// Saves the preview's new rows as items, in one transaction; rows with problems, rows the
    /// catalog holds and repeated rows are counted, not saved.
    pub fn import_ledger(&mut self, preview: &LedgerPreview) -> Result<LedgerImportReport> {
        self.import_ledger_with_progress(preview, &mut |_| {})
    }

    /// As [`Catalog::import_ledger`], telling `progress` how many rows are decided (about a
    /// hundred times, and at the end). Until the transaction commits nothing is saved: a failure
    /// on any row leaves the catalog as it was.
    pub fn import_ledger_with_progress(
        &mut self,
        preview: &LedgerPreview,
        progress: &mut dyn FnMut(LedgerProgress),
    ) -> Result<LedgerImportReport> {
        let total = preview.rows.len();
        let step = (total / PROGRESS_STEPS).max(1);
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        self.change(|tx, recorder, settings, calendar| {
            let mut report = LedgerImportReport::default();
            for (done, row) in preview.rows.iter().enumerate() {
                if done % step == 0 {
                    progress(LedgerProgress {
                        done: count(done),
                        total: count(total),
                    });
                }
                if !row.problems.is_empty() {
                    report.rows_with_problems += 1;
                    continue;
                }
                if row.existing_item_id.is_some() {
                    report.rows_already_in_catalog += 1;
                    continue;
                }
                if row.duplicate_of_line.is_some() {
                    report.rows_duplicated_in_ledger += 1;
                    continue;
                }
                let mut item = row.item.clone();
                item.id = String::new();
                item.source = format!("{SOURCE_PREFIX}{}", row.key);
                let ids = desk_core::identity::ledger_row_item_ids(&row.key);
                create_item_as(tx, recorder, settings, calendar, item, ids)?;
                report.items_created += 1;
            }
            progress(LedgerProgress {
                done: count(total),
                total: count(total),
            });
            Ok(report)
        })
    }
}
