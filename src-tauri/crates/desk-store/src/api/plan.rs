//! Importing a work plan into the catalog (DESIGN 2.7): preview first, then save what the person
//! confirmed. Each task becomes an item whose `source` is `plan:<task key>`, which is how a
//! second import of the same plan recognises what is already there.

use crate::catalog::registry::{self, guess_department_kind, save_department_in};
use crate::catalog::save::{create_item_as, next_index_no_in_year};
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::model::{Department, Item};
use desk_core::plan::{
    parse_plan_document, read_plan_document, read_plan_text, DepartmentRole, PlanError, PlanParse,
    MAX_PLAN_BYTES, MAX_PLAN_FILE_BYTES,
};
use desk_core::plan_import::{
    fold_name, match_department, preview, PlanImportReport, PlanImportRequest, PlanPreview,
};
use desk_core::validate::MAX_TITLE_CHARS;
use desk_core::workdays::{OFFICE_YEAR_MAX, OFFICE_YEAR_MIN};
use rusqlite::Connection;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

const SOURCE_PREFIX: &str = "plan:";

fn imported_keys(conn: &Connection) -> Result<HashSet<String>> {
    let mut stmt = conn.prepare("SELECT source FROM items WHERE source LIKE 'plan:%'")?;
    let sources = stmt.query_map([], |r| r.get::<_, String>(0))?;
    let mut keys = HashSet::new();
    for source in sources {
        if let Some(key) = source?.strip_prefix(SOURCE_PREFIX) {
            keys.insert(key.to_string());
        }
    }
    Ok(keys)
}

/// A task's title for the catalog: its heading, else the start of its text, never too long.
fn task_title(title: &str, text: &str) -> String {
    let base = if title.trim().is_empty() { text } else { title };
    let one_line: String = base.split_whitespace().collect::<Vec<_>>().join(" ");
    one_line.chars().take(MAX_TITLE_CHARS).collect()
}

/// Reads a plan file: only a regular file (a FIFO would block and a device such as /dev/zero
/// never ends, whatever its metadata says), and at most one byte more than a plan may have, so
/// a file that grows while it is read is still refused without reading it whole.
pub fn read_plan_file(path: &Path) -> Result<Vec<u8>> {
    let unreadable = |source| StoreError::PlanFileUnreadable {
        path: path.to_path_buf(),
        source,
    };
    // Checked before opening: opening a FIFO for reading waits for a writer.
    if !std::fs::metadata(path).map_err(unreadable)?.is_file() {
        return Err(PlanError::NotAFile.into());
    }
    let file = std::fs::File::open(path).map_err(unreadable)?;
    // And again on what was opened, in case the path was swapped in between.
    let metadata = file.metadata().map_err(unreadable)?;
    if !metadata.is_file() {
        return Err(PlanError::NotAFile.into());
    }
    let limit = MAX_PLAN_FILE_BYTES as u64;
    let too_large = |size: u64| PlanError::TooLarge {
        size: usize::try_from(size).unwrap_or(usize::MAX),
        max: MAX_PLAN_FILE_BYTES,
    };
    if metadata.len() > limit {
        return Err(too_large(metadata.len()).into());
    }
    let mut bytes = Vec::with_capacity(metadata.len() as usize);
    file.take(limit + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(bytes.len() as u64).into());
    }
    Ok(bytes)
}

impl Catalog {
    /// Reads, decodes and previews a plan file.
    pub fn preview_plan_file(&self, path: &Path) -> Result<PlanPreview> {
        let bytes = read_plan_file(path)?;
        log::info!(
            "plan file opened: {} ({} bytes)",
            path.display(),
            bytes.len()
        );
        self.preview_plan_bytes(&bytes)
    }

    /// Parses pasted text and matches it against the catalog; rows copied from a table plan in
    /// Excel or WPS (tab-separated, under their header) are read as a table.
    pub fn preview_plan_text(&self, text: &str) -> Result<PlanPreview> {
        if text.trim().is_empty() {
            return Err(PlanError::Empty.into());
        }
        if text.len() > MAX_PLAN_BYTES {
            return Err(PlanError::TooLarge {
                size: text.len(),
                max: MAX_PLAN_BYTES,
            }
            .into());
        }
        let document = read_plan_text(text.to_owned(), "text".to_owned())?;
        self.preview(parse_plan_document(&document), "text")
    }

    /// Reads a plan file's bytes (.docx, .xlsx, .csv or text in UTF-8, UTF-16 or GB18030, told
    /// apart by their content), then previews it.
    pub fn preview_plan_bytes(&self, bytes: &[u8]) -> Result<PlanPreview> {
        let document = read_plan_document(bytes)?;
        self.preview(parse_plan_document(&document), &document.encoding)
    }

    fn preview(&self, parse: PlanParse, encoding: &str) -> Result<PlanPreview> {
        let registry = self.departments()?;
        let keys = imported_keys(&self.conn)?;
        Ok(preview(parse, encoding, &registry, &keys))
    }

    /// Saves the confirmed tasks as items; creates only the departments the person confirmed.
    pub fn import_plan(&mut self, request: &PlanImportRequest) -> Result<PlanImportReport> {
        self.change(|tx, recorder, settings, calendar| {
            let mut report = PlanImportReport::default();
            let mut departments: Vec<Department> = registry::departments(tx)?;
            for name in &request.create_departments {
                if match_department(name, &departments).is_some() || name.trim().is_empty() {
                    continue;
                }
                let created = save_department_in(
                    tx,
                    recorder,
                    Department {
                        id: String::new(),
                        name: name.trim().to_string(),
                        code: String::new(),
                        kind: guess_department_kind(name),
                    },
                )?;
                departments.push(created);
                report.departments_created += 1;
            }
            let mut keys = imported_keys(tx)?;
            // A year read from a plan's text is trusted only within the years an office works in.
            let plan_year = request
                .plan_year
                .filter(|year| (OFFICE_YEAR_MIN..=OFFICE_YEAR_MAX).contains(year));
            for task in &request.tasks {
                if !keys.insert(task.key.clone()) {
                    report.tasks_already_imported += 1;
                    continue;
                }
                let mut item = Item::blank(String::new());
                item.title = task_title(&task.title, &task.text);
                item.summary = task.text.clone();
                item.category_id = Some(registry::PLAN_TASK_CATEGORY.to_string());
                item.source = format!("{SOURCE_PREFIX}{}", task.key);
                // A table plan's 完成时限, where it names a day, is the item's due date.
                item.due_date = task.deadline.as_ref().and_then(|d| d.date);
                let mut matched: Vec<(DepartmentRole, String)> = Vec::new();
                for d in &task.departments {
                    match (d.group, match_department(&d.name, &departments)) {
                        (false, Some(found)) => {
                            if !matched.iter().any(|(_, id)| *id == found.id) {
                                matched.push((d.role, found.id.clone()));
                            }
                        }
                        (group, _) => {
                            item.other_responsible.push(d.name.clone());
                            let folded = fold_name(&d.name);
                            if !group
                                && !report
                                    .departments_not_created
                                    .iter()
                                    .any(|n| fold_name(n) == folded)
                            {
                                report.departments_not_created.push(d.name.clone());
                            }
                        }
                    }
                }
                let lead = matched
                    .iter()
                    .position(|(role, _)| *role == DepartmentRole::Lead)
                    .or_else(|| {
                        matched
                            .iter()
                            .position(|(role, _)| *role == DepartmentRole::Responsible)
                    })
                    .or(if matched.is_empty() { None } else { Some(0) });
                if let Some(lead) = lead {
                    let (_, id) = matched.remove(lead);
                    item.lead_department_id = Some(id);
                }
                item.co_department_ids = matched.into_iter().map(|(_, id)| id).collect();
                if let Some(year) = plan_year {
                    item.index_no = next_index_no_in_year(tx, settings, &item, year)?;
                }
                let ids = desk_core::identity::plan_task_item_ids(&task.key);
                let saved = create_item_as(tx, recorder, settings, calendar, item, ids)?;
                report.item_ids.push(saved.id);
                report.items_created += 1;
            }
            Ok(report)
        })
    }
}
