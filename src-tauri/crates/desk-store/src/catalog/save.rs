//! Saving an item: tidying what a person typed, checking the rules with facts from the
//! catalog, filling the 索引号, and recording one operation per changed field (or one `create`).

use crate::catalog::items;
use crate::catalog::registry;
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::oplog::Recorder;
use desk_core::fields::{diff, FieldChange, ItemField};
use desk_core::index_rule::{IndexContext, IndexRule};
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind};
use desk_core::problem::Code;
use desk_core::settings::CatalogSettings;
use desk_core::validate::{check_item, CatalogFacts};
use desk_core::workdays::WorkCalendar;
use desk_core::workflow::{after_content_change, void_signoff};
use rusqlite::{params, Transaction};
use serde_json::Value;
use std::collections::HashSet;

/// Facts validation needs, read once per save.
struct Facts {
    departments: HashSet<String>,
    categories: HashSet<String>,
    linked_items: HashSet<String>,
    index_no_taken: bool,
    channels: Vec<String>,
    levels: Vec<String>,
}

impl CatalogFacts for Facts {
    fn department_exists(&self, id: &str) -> bool {
        self.departments.contains(id)
    }
    fn category_exists(&self, id: &str) -> bool {
        self.categories.contains(id)
    }
    fn item_exists(&self, id: &str) -> bool {
        self.linked_items.contains(id)
    }
    fn index_no_taken(&self, _index_no: &str, _item_id: &str) -> bool {
        self.index_no_taken
    }
    fn channels(&self) -> &[String] {
        &self.channels
    }
    fn levels(&self) -> &[String] {
        &self.levels
    }
}

fn collect_ids(tx: &Transaction, sql: &str) -> Result<HashSet<String>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Trims text, drops empty and repeated set elements: what a person would expect on save.
fn tidy(item: &mut Item) {
    item.title = item.title.trim().to_string();
    item.index_no = item.index_no.trim().to_string();
    item.doc_no = item.doc_no.trim().to_string();
    for list in [
        &mut item.keywords,
        &mut item.channels,
        &mut item.other_responsible,
    ] {
        let mut seen = HashSet::new();
        list.retain(|v| !v.trim().is_empty() && seen.insert(v.trim().to_string()));
        for v in list.iter_mut() {
            *v = v.trim().to_string();
        }
    }
    let mut seen = HashSet::new();
    item.co_department_ids.retain(|v| seen.insert(v.clone()));
    let mut seen = HashSet::new();
    item.links.retain(|l| seen.insert(l.clone()));
}

/// Whether a save may change the item's attachment list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Attachments {
    Keep,
    Replace,
}

/// Saves an item: a new one when its id is empty (it gets a random id), else the stored one.
pub(crate) fn save_item_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
    mut item: Item,
    attachments: Attachments,
) -> Result<Item> {
    let is_new = item.id.is_empty();
    if is_new {
        item.id = crate::clock::uuid_v7().to_string();
    }
    save(tx, recorder, settings, calendar, item, attachments, is_new)
}

/// Creates an item under the first of `ids` (a plan task's, see `desk_core::identity`) that
/// this catalog never held, or under a random one when it held them all.
pub(crate) fn create_item_as(
    tx: &Transaction,
    recorder: &mut Recorder,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
    mut item: Item,
    ids: impl Iterator<Item = String>,
) -> Result<Item> {
    let mut chosen = None;
    for id in ids {
        let taken: bool = tx
            .prepare_cached(
                "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1)
                     OR EXISTS (SELECT 1 FROM sync_tombstones WHERE item_id = ?1)
                     OR EXISTS (SELECT 1 FROM ops WHERE entity = 'item' AND entity_id = ?1)",
            )?
            .query_row(params![id], |r| r.get(0))?;
        if !taken {
            chosen = Some(id);
            break;
        }
    }
    item.id = chosen.unwrap_or_else(|| crate::clock::uuid_v7().to_string());
    save(
        tx,
        recorder,
        settings,
        calendar,
        item,
        Attachments::Keep,
        true,
    )
}

fn save(
    tx: &Transaction,
    recorder: &mut Recorder,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
    mut item: Item,
    attachments: Attachments,
    is_new: bool,
) -> Result<Item> {
    tidy(&mut item);
    let old = if is_new {
        None
    } else {
        Some(items::load(tx, &item.id)?)
    };
    // Status and its companions move only through the workflow: a save keeps what is stored
    // (an editor opened before a transition must not undo it).
    let stored = old.clone().unwrap_or_else(|| Item::blank(item.id.clone()));
    for field in ItemField::ALL
        .into_iter()
        .filter(|f| f.is_workflow_managed())
    {
        item.set(field, stored.get(field))
            .map_err(|e| StoreError::Decode(e.to_string()))?;
    }
    // Attachments change through add and remove only: an editor opened before a file was
    // attached must not drop it by saving its older list.
    if attachments == Attachments::Keep && old.is_some() {
        item.attachments = stored.attachments.clone();
    }
    for (field, person) in [
        ("clerk_id", &item.clerk_id),
        ("reviewer_id", &item.reviewer_id),
        ("signer_id", &item.signer_id),
    ] {
        let Some(person) = person else { continue };
        if registry::person(tx, person)?.is_none() {
            return Err(StoreError::refused(Code::UnknownPerson.problem(
                field,
                format!("the person {person} does not exist: add them under Departments and people first"),
            )));
        }
    }
    let facts = Facts {
        departments: collect_ids(tx, "SELECT id FROM departments")?,
        categories: collect_ids(tx, "SELECT id FROM categories")?,
        linked_items: {
            let mut found = HashSet::new();
            for link in &item.links {
                if items::exists(tx, &link.target_id)? {
                    found.insert(link.target_id.clone());
                }
            }
            found
        },
        // Only a save that gives the item its number checks it: an item that arrived by sync
        // holding another item's number (see `sync::index_numbers`) stays editable.
        index_no_taken: !item.index_no.is_empty()
            && old.as_ref().is_none_or(|o| o.index_no != item.index_no)
            && tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE index_no = ?1 AND id <> ?2)",
                params![item.index_no, item.id],
                |r| r.get(0),
            )?,
        channels: settings.channels.clone(),
        levels: settings.levels.clone(),
    };
    let problems = check_item(&item, &facts);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    if item.index_no.is_empty() {
        item.index_no = next_index_no(tx, settings, &item, recorder.clock().wall_ms)?;
    }
    let ancestry = registry::category_ancestry(tx, item.category_id.as_deref())?;
    let effective_due = desk_core::due::effective_due(&item, settings, &ancestry, calendar);
    let changes = match &old {
        Some(old) => diff(old, &item),
        None => Vec::new(),
    };
    if old.is_some() && changes.is_empty() {
        return Ok(item);
    }
    // A change to what a sign-off covers voids it: back to review, naming the fields.
    let changed_fields: Vec<ItemField> = changes.iter().map(FieldChange::field).collect();
    if let Some(voiding) = after_content_change(item.status, &changed_fields) {
        void_signoff(
            &mut item,
            voiding.iter().map(|f| f.key().to_string()).collect(),
        );
    }
    match &old {
        None => {
            let whole = serde_json::to_value(&item).unwrap_or(Value::Null);
            recorder.record(
                tx,
                EntityKind::Item,
                &item.id,
                OpKind::Create,
                None,
                &Value::Null,
                &whole,
            )?;
        }
        Some(old) => recorder.record_item_changes(tx, old, &item)?,
    }
    items::write(tx, &item, effective_due, &recorder.last_op_time())?;
    Ok(item)
}

/// Gives an item the next free 索引号 under the catalog's rule in place of the one it holds
/// (another item holds it too: see `sync::index_numbers`), recorded as an ordinary change; a
/// sign-off that covers the number is voided as a save would. `None` when there is no such item.
pub(crate) fn renumber_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
    id: &str,
) -> Result<Option<Item>> {
    let Some(old) = items::load_optional(tx, id)? else {
        return Ok(None);
    };
    let mut item = old.clone();
    item.index_no = next_index_no(tx, settings, &item, recorder.clock().wall_ms)?;
    if let Some(voiding) = after_content_change(item.status, &[ItemField::IndexNo]) {
        void_signoff(
            &mut item,
            voiding.iter().map(|f| f.key().to_string()).collect(),
        );
    }
    let ancestry = registry::category_ancestry(tx, item.category_id.as_deref())?;
    let effective_due = desk_core::due::effective_due(&item, settings, &ancestry, calendar);
    recorder.record_item_changes(tx, &old, &item)?;
    items::write(tx, &item, effective_due, &recorder.last_op_time())?;
    Ok(Some(item))
}

/// The next free 索引号 under the catalog's rule for this item, in the year it was written or
/// formed (this year when it has neither date).
fn next_index_no(
    tx: &Transaction,
    settings: &CatalogSettings,
    item: &Item,
    now_ms: i64,
) -> Result<String> {
    let year = item
        .date_written
        .or(item.date_formed)
        .map(|d| chrono::Datelike::year(&d))
        .or_else(|| {
            chrono::DateTime::from_timestamp_millis(now_ms).map(|t| chrono::Datelike::year(&t))
        })
        .unwrap_or(2000);
    next_index_no_in_year(tx, settings, item, year)
}

/// The next free 索引号 under the catalog's rule for this item, numbered in `year` (a work
/// plan's tasks are numbered in the plan's year).
pub(crate) fn next_index_no_in_year(
    tx: &Transaction,
    settings: &CatalogSettings,
    item: &Item,
    year: i32,
) -> Result<String> {
    let rule =
        IndexRule::parse(&settings.index_rule).map_err(|e| StoreError::refused(e.problem()))?;
    let dept = match &item.lead_department_id {
        Some(id) => registry::department(tx, id)?
            .map(|d| d.code)
            .unwrap_or_default(),
        None => "00".to_string(),
    };
    let cat = match &item.category_id {
        Some(id) => registry::category_code(tx, id)?.unwrap_or_default(),
        None => "00".to_string(),
    };
    let ctx = IndexContext {
        org: &settings.org_code,
        dept: &dept,
        cat: &cat,
        year,
    };
    // The last serial issued per frame is kept, so finding the next one does not scan every
    // index number; numbers typed by hand or arriving from other PCs are skipped over.
    let (before, after) = rule.frame(&ctx);
    let counter = format!("index_serial:{before}\u{1f}{after}");
    let mut serial: u64 = meta_get(tx, &counter)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut taken = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM items WHERE index_no = ?1)")?;
    let index_no = loop {
        serial += 1;
        let candidate = rule.format(&ctx, serial);
        if !taken.query_row(params![candidate], |r| r.get::<_, bool>(0))? {
            break candidate;
        }
    };
    meta_set(tx, &counter, &serial.to_string())?;
    Ok(index_no)
}

/// id, category, 形成日期, explicit due date, stored effective due date.
type DueRow = (
    String,
    Option<String>,
    Option<String>,
    Option<String>,
    Option<String>,
);

/// Computes every item's due date again (after the time limits or the calendar changed).
pub(crate) fn recompute_due_dates(
    tx: &Transaction,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
) -> Result<u32> {
    let mut stmt = tx.prepare(
        "SELECT id, category_id, date_formed, due_date, effective_due FROM items WHERE date_formed IS NOT NULL OR due_date IS NOT NULL",
    )?;
    let rows: Vec<DueRow> = stmt
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?
        .collect::<rusqlite::Result<_>>()?;
    let mut ancestries: std::collections::HashMap<Option<String>, Vec<String>> =
        std::collections::HashMap::new();
    let mut update = tx.prepare_cached("UPDATE items SET effective_due = ?2 WHERE id = ?1")?;
    let mut changed = 0;
    for (id, category, formed, due, stored) in rows {
        let ancestry = match ancestries.get(&category) {
            Some(found) => found.clone(),
            None => {
                let found = registry::category_ancestry(tx, category.as_deref())?;
                ancestries.insert(category.clone(), found.clone());
                found
            }
        };
        let mut probe = Item::blank(id.clone());
        probe.date_formed = formed.and_then(|d| d.parse().ok());
        probe.due_date = due.and_then(|d| d.parse().ok());
        let effective = desk_core::due::effective_due(&probe, settings, &ancestry, calendar)
            .map(|d| d.to_string());
        if effective != stored {
            update.execute(params![id, effective])?;
            changed += 1;
        }
    }
    Ok(changed)
}
