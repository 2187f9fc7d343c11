//! Items in SQLite: reading, saving with their operations, and the catalog list query.
//!
//! Scalar fields are columns; set-valued fields are rows of `item_sets`, one per element, so that
//! "items of this co-department" is an index lookup and sync can add and remove elements. Values
//! are converted through `desk_core::fields` (the field's JSON form), so the column mapping here
//! is the only place that knows the table layout.

use crate::catalog::search;
use crate::error::{Result, StoreError};
use chrono::NaiveDate;
use desk_core::fields::{FieldShape, ItemField};
use desk_core::model::{Item, Person, Role};
use desk_core::problem::Code;
use desk_core::query::{
    DueFilter, ItemPage, ItemQuery, ItemSummary, SortKey, View, DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE,
};
use desk_core::workdays::WorkCalendar;
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Transaction};
use serde_json::Value;
use std::collections::BTreeSet;

/// Register fields and their columns (every register field has a column of the same name).
fn register_fields() -> impl Iterator<Item = ItemField> {
    ItemField::ALL
        .into_iter()
        .filter(|f| f.shape() == FieldShape::Register)
}

fn set_fields() -> impl Iterator<Item = ItemField> {
    ItemField::ALL
        .into_iter()
        .filter(|f| f.shape() == FieldShape::Set)
}

/// A JSON field value as the SQL value of its column: strings and dates as text, null as NULL.
fn to_sql(value: &Value) -> SqlValue {
    match value {
        Value::Null => SqlValue::Null,
        Value::String(s) => SqlValue::Text(s.clone()),
        other => SqlValue::Text(other.to_string()),
    }
}

fn from_sql(value: SqlValue) -> Value {
    match value {
        SqlValue::Null => Value::Null,
        SqlValue::Text(s) => Value::String(s),
        SqlValue::Integer(i) => Value::from(i),
        SqlValue::Real(f) => Value::from(f),
        SqlValue::Blob(_) => Value::Null,
    }
}

pub fn exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1)")?
        .query_row(params![id], |r| r.get(0))?)
}

pub fn load(conn: &Connection, id: &str) -> Result<Item> {
    load_optional(conn, id)?.ok_or_else(|| StoreError::NotFound {
        what: "item",
        id: id.to_string(),
    })
}

pub fn load_optional(conn: &Connection, id: &str) -> Result<Option<Item>> {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    let sql = SQL.get_or_init(|| format!("SELECT {} FROM items WHERE id = ?1", register_columns()));
    let values: Option<Vec<SqlValue>> = conn
        .prepare_cached(sql)?
        .query_row(params![id], read_registers)
        .optional()?;
    let Some(values) = values else {
        return Ok(None);
    };
    let mut stmt = conn.prepare_cached(
        "SELECT field, value FROM item_sets WHERE item_id = ?1 ORDER BY field, position",
    )?;
    let rows = stmt.query_map(params![id], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let sets = rows.collect::<rusqlite::Result<Vec<_>>>()?;
    decode_item(id, values, sets).map(Some)
}

/// Every item, in 索引号 order (items without one last), read with one query per table.
pub fn load_all(conn: &Connection) -> Result<Vec<Item>> {
    let mut sets: std::collections::HashMap<String, Vec<(String, String)>> = Default::default();
    let mut stmt = conn
        .prepare("SELECT item_id, field, value FROM item_sets ORDER BY item_id, field, position")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
        ))
    })?;
    for row in rows {
        let (item_id, field, value) = row?;
        sets.entry(item_id).or_default().push((field, value));
    }
    let sql = format!(
        "SELECT id, {} FROM items ORDER BY index_no = '', index_no, date_written, id",
        register_columns()
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map([], |row| {
        let id: String = row.get(0)?;
        let values = (1..=register_fields().count())
            .map(|i| row.get::<_, SqlValue>(i))
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok((id, values))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, values) = row?;
        let item_sets = sets.remove(&id).unwrap_or_default();
        out.push(decode_item(&id, values, item_sets)?);
    }
    Ok(out)
}

fn register_columns() -> String {
    register_fields()
        .map(|f| f.key())
        .collect::<Vec<_>>()
        .join(", ")
}

fn read_registers(row: &rusqlite::Row) -> rusqlite::Result<Vec<SqlValue>> {
    (0..register_fields().count())
        .map(|i| row.get::<_, SqlValue>(i))
        .collect()
}

/// An item from its register columns (in `register_fields` order) and its set rows (field and
/// JSON element, in field and position order).
fn decode_item(id: &str, values: Vec<SqlValue>, set_rows: Vec<(String, String)>) -> Result<Item> {
    let mut item = Item::blank(id.to_string());
    for (field, value) in register_fields().zip(values) {
        let mut value = from_sql(value);
        // A register holding a list is stored as its JSON text.
        if field == ItemField::ChangedAfterSignoff {
            if let Value::String(text) = &value {
                value = serde_json::from_str(text)
                    .map_err(|e| StoreError::Decode(format!("{}: {e}", field.key())))?;
            }
        }
        item.set(field, value)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
    }
    let mut sets: Vec<(ItemField, Vec<Value>)> = set_fields().map(|f| (f, Vec::new())).collect();
    for (field, json) in set_rows {
        let value: Value =
            serde_json::from_str(&json).map_err(|e| StoreError::Decode(format!("{field}: {e}")))?;
        if let Some((_, values)) = sets.iter_mut().find(|(f, _)| f.key() == field) {
            values.push(value);
        }
    }
    for (field, values) in sets {
        item.set(field, Value::Array(values))
            .map_err(|e| StoreError::Decode(e.to_string()))?;
    }
    Ok(item)
}

/// Writes the item's row, sets and search entry (insert or replace), without operations.
pub fn write(
    tx: &Transaction,
    item: &Item,
    effective_due: Option<NaiveDate>,
    now: &str,
) -> Result<()> {
    let columns: Vec<&str> = register_fields().map(|f| f.key()).collect();
    let mut values: Vec<SqlValue> = register_fields().map(|f| to_sql(&item.get(f))).collect();
    values.push(SqlValue::Text(item.id.clone()));
    values.push(effective_due.map_or(SqlValue::Null, |d| SqlValue::Text(d.to_string())));
    values.push(SqlValue::Text(now.to_string()));
    let placeholders: Vec<String> = (1..=values.len()).map(|i| format!("?{i}")).collect();
    let updates: Vec<String> = columns
        .iter()
        .chain(["effective_due", "updated_at"].iter())
        .map(|c| format!("{c} = excluded.{c}"))
        .collect();
    let sql = format!(
        "INSERT INTO items ({}, id, effective_due, updated_at, created_at) VALUES ({}, ?{}) \
         ON CONFLICT (id) DO UPDATE SET {}",
        columns.join(", "),
        placeholders.join(", "),
        values.len(),
        updates.join(", ")
    );
    tx.prepare_cached(&sql)?
        .execute(params_from_iter(values.iter()))?;
    tx.execute("DELETE FROM item_sets WHERE item_id = ?1", params![item.id])?;
    for field in set_fields() {
        insert_set(tx, item, field)?;
    }
    let seq: i64 = tx.query_row(
        "SELECT seq FROM items WHERE id = ?1",
        params![item.id],
        |r| r.get(0),
    )?;
    search::index_item(tx, seq, &searchable(item))
}

fn searchable(item: &Item) -> search::Searchable<'_> {
    search::Searchable {
        title: &item.title,
        doc_no: &item.doc_no,
        summary: &item.summary,
        keywords: &item.keywords,
    }
}

fn insert_set(tx: &Transaction, item: &Item, field: ItemField) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT OR IGNORE INTO item_sets (item_id, field, value, position) VALUES (?1, ?2, ?3, ?4)",
    )?;
    if let Value::Array(elements) = item.get(field) {
        for (position, element) in elements.iter().enumerate() {
            insert.execute(params![
                item.id,
                field.key(),
                element.to_string(),
                position as i64
            ])?;
        }
    }
    Ok(())
}

/// The insert of a whole new row, made once (the columns do not change while running).
fn insert_sql() -> &'static str {
    static SQL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    SQL.get_or_init(|| {
        let columns: Vec<&str> = register_fields().map(|f| f.key()).collect();
        let count = columns.len() + 3;
        let placeholders: Vec<String> = (1..=count).map(|i| format!("?{i}")).collect();
        format!(
            "INSERT INTO items ({}, id, effective_due, updated_at, created_at) VALUES ({}, ?{count})",
            columns.join(", "),
            placeholders.join(", "),
        )
    })
}

/// Inserts an item that has no row yet: its row, sets and search entry. A row already there is
/// an error, never a second search entry.
pub fn insert_new(
    tx: &Transaction,
    item: &Item,
    effective_due: Option<NaiveDate>,
    now: &str,
) -> Result<()> {
    let mut values: Vec<SqlValue> = register_fields().map(|f| to_sql(&item.get(f))).collect();
    values.push(SqlValue::Text(item.id.clone()));
    values.push(effective_due.map_or(SqlValue::Null, |d| SqlValue::Text(d.to_string())));
    values.push(SqlValue::Text(now.to_string()));
    tx.prepare_cached(insert_sql())?
        .execute(params_from_iter(values.iter()))?;
    let seq = tx.last_insert_rowid();
    for field in set_fields() {
        insert_set(tx, item, field)?;
    }
    search::add_entry(tx, seq, &searchable(item))
}

/// Writes the fields of `item` named in `changed` (its row holds the others): only their
/// columns (SQLite rewrites an index only when one of its columns is set), only their set fields,
/// and the search entry only when a searched field is among them. `due` is the effective due
/// date when its inputs changed.
pub fn write_changes(
    tx: &Transaction,
    item: &Item,
    changed: &BTreeSet<ItemField>,
    due: Option<Option<NaiveDate>>,
    now: &str,
) -> Result<()> {
    let mut sets: Vec<String> = Vec::new();
    let mut values: Vec<SqlValue> = vec![SqlValue::Text(item.id.clone())];
    for field in register_fields().filter(|f| changed.contains(f)) {
        values.push(to_sql(&item.get(field)));
        sets.push(format!("{} = ?{}", field.key(), values.len()));
    }
    if let Some(due) = due {
        values.push(due.map_or(SqlValue::Null, |d| SqlValue::Text(d.to_string())));
        sets.push(format!("effective_due = ?{}", values.len()));
    }
    values.push(SqlValue::Text(now.to_string()));
    sets.push(format!("updated_at = ?{}", values.len()));
    let sql = format!("UPDATE items SET {} WHERE id = ?1", sets.join(", "));
    let updated = tx
        .prepare_cached(&sql)?
        .execute(params_from_iter(values.iter()))?;
    if updated == 0 {
        return Err(StoreError::NotFound {
            what: "item",
            id: item.id.clone(),
        });
    }
    for field in set_fields().filter(|f| changed.contains(f)) {
        tx.prepare_cached("DELETE FROM item_sets WHERE item_id = ?1 AND field = ?2")?
            .execute(params![item.id, field.key()])?;
        insert_set(tx, item, field)?;
    }
    let searched_changed = [
        ItemField::Title,
        ItemField::DocNo,
        ItemField::Summary,
        ItemField::Keywords,
    ]
    .iter()
    .any(|f| changed.contains(f));
    if searched_changed {
        let seq: i64 = tx
            .prepare_cached("SELECT seq FROM items WHERE id = ?1")?
            .query_row(params![item.id], |r| r.get(0))?;
        search::index_item(tx, seq, &searchable(item))?;
    }
    Ok(())
}

/// Writes only what the workflow changes (status and its note, the void reason, the published
/// address): a transition leaves the rest of the row, its sets and its search entry alone.
pub fn write_row_only(tx: &Transaction, item: &Item, now: &str) -> Result<()> {
    let changed = tx.prepare_cached(
        "UPDATE items SET status = ?2, status_note = ?3, changed_after_signoff = ?4, published_url = ?5, updated_at = ?6, clerk_id = ?7 WHERE id = ?1",
    )?.execute(params![
            item.id,
            to_sql(&item.get(ItemField::Status)),
            item.status_note,
            item.get(ItemField::ChangedAfterSignoff).to_string(),
            item.published_url,
            now,
            item.clerk_id
        ],
    )?;
    if changed == 0 {
        return Err(StoreError::NotFound {
            what: "item",
            id: item.id.clone(),
        });
    }
    Ok(())
}

/// Removes an item's row, sets, checklist, marks and search entry (a delete that sync settled).
pub fn remove(tx: &Transaction, id: &str) -> Result<()> {
    let seq: Option<i64> = tx
        .query_row("SELECT seq FROM items WHERE id = ?1", params![id], |r| {
            r.get(0)
        })
        .optional()?;
    if let Some(seq) = seq {
        tx.execute("DELETE FROM item_search WHERE rowid = ?1", params![seq])?;
    }
    tx.execute("DELETE FROM item_sets WHERE item_id = ?1", params![id])?;
    tx.execute("DELETE FROM item_checks WHERE item_id = ?1", params![id])?;
    tx.execute(
        "DELETE FROM item_checklists WHERE item_id = ?1",
        params![id],
    )?;
    tx.execute("DELETE FROM items WHERE id = ?1", params![id])?;
    Ok(())
}

/// The JSON text a set element is stored as (for filters on co-departments).
pub fn set_element(value: &str) -> String {
    Value::String(value.to_string()).to_string()
}

fn decode<T: serde::de::DeserializeOwned>(what: &str, key: String) -> Result<T> {
    serde_json::from_value(Value::String(key))
        .map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

/// Items whose lead department is `lead`, or that name `co` (its set element) as co-department:
/// their `seq`s, read from indexes only (`items_lead_status`, `item_sets_value` and `id`'s own index).
fn department_seqs(lead: &str, co: &str) -> String {
    format!(
        "SELECT seq FROM items WHERE lead_department_id = {lead} UNION \
         SELECT d.seq FROM item_sets x JOIN items d ON d.id = x.item_id \
         WHERE x.field = 'co_department_ids' AND x.value = {co}"
    )
}

/// Above this many matches, a page of a filtered list in an indexed order is found by walking the
/// order's index and testing each row's seq against the filters: 200 rows among 2,000 of 100,000
/// walk ~10,000 index entries, a few milliseconds. At or below it the matches are read and sorted
/// (2,000 row reads take about as long), which is also the only way for an order without an index.
const WALK_INDEX_ABOVE: i64 = 2000;

const OPEN_STATUSES: &str = "('draft', 'in_review', 'awaiting_signoff')";

/// Who is looking, for the personal views.
pub struct Viewer<'a> {
    pub person: Option<&'a Person>,
    pub office_signs: bool,
}

/// A list query as SQL: the text's match expression and each filter as the set of item `seq`s it
/// keeps. Every filter's set is read from an index alone (migration 0004), so counting never reads
/// an item row, and a text match is tested against the sets without reading its row either: the
/// rows are wide (summary, contents, legal basis), and reading one is a page read per match.
struct Plan {
    /// `?1` when there is text to match.
    text: Option<String>,
    /// `SELECT seq …` statements, one per filter; a row is listed when its seq is in every one.
    sets: Vec<String>,
    args: Vec<SqlValue>,
}

impl Plan {
    fn new(query: &ItemQuery, today: NaiveDate, viewer: &Viewer) -> Result<Plan> {
        let mut plan = Plan {
            text: None,
            sets: Vec::new(),
            args: Vec::new(),
        };
        if let Some(expression) = search::match_expression(&query.text) {
            plan.text = Some(plan.arg(SqlValue::Text(expression)));
        }
        if let Some(department) = &query.department_id {
            let lead = plan.arg(SqlValue::Text(department.clone()));
            let co = plan.arg(SqlValue::Text(set_element(department)));
            plan.sets.push(department_seqs(&lead, &co));
        }
        if let Some(status) = query.status {
            let key = serde_json::to_value(status).unwrap_or(Value::Null);
            let p = plan.arg(to_sql(&key));
            plan.sets
                .push(format!("SELECT seq FROM items WHERE status = {p}"));
        }
        if let Some(disclosure) = query.disclosure {
            let key = serde_json::to_value(disclosure).unwrap_or(Value::Null);
            let p = plan.arg(to_sql(&key));
            plan.sets
                .push(format!("SELECT seq FROM items WHERE disclosure = {p}"));
        }
        if let Some(category) = &query.category_id {
            let p = plan.arg(SqlValue::Text(category.clone()));
            plan.sets.push(format!(
                "SELECT seq FROM items WHERE category_id IN (WITH RECURSIVE sub(id) AS (SELECT {p} \
                 UNION ALL SELECT c.id FROM categories c JOIN sub ON c.parent_id = sub.id) \
                 SELECT id FROM sub)"
            ));
        }
        if let Some(due) = query.due {
            let today_p = plan.arg(SqlValue::Text(today.to_string()));
            let end = today + chrono::Days::new(6);
            let range = match due {
                DueFilter::Overdue => format!("effective_due < {today_p}"),
                DueFilter::DueThisWeek => {
                    let end_p = plan.arg(SqlValue::Text(end.to_string()));
                    format!("effective_due BETWEEN {today_p} AND {end_p}")
                }
                DueFilter::OverdueOrDueThisWeek => {
                    let end_p = plan.arg(SqlValue::Text(end.to_string()));
                    format!("effective_due <= {end_p}")
                }
            };
            plan.sets.push(format!(
                "SELECT seq FROM items WHERE status IN {OPEN_STATUSES} AND {range}"
            ));
        }
        if let Some(view) = query.view {
            let person = viewer.person.ok_or_else(|| {
                StoreError::refused(Code::ViewNeedsPerson.problem(
                    "view",
                    "choose who you are first: the personal views list the current person's items",
                ))
            })?;
            let me = plan.arg(SqlValue::Text(person.id.clone()));
            let department = person.department_id.clone().unwrap_or_default();
            match view {
                View::MyWork => plan.sets.push(format!(
                    "SELECT seq FROM items WHERE clerk_id = {me} AND status IN {OPEN_STATUSES} UNION \
                     SELECT seq FROM items WHERE reviewer_id = {me} AND status IN {OPEN_STATUSES}"
                )),
                View::MyDepartment => {
                    let lead = plan.arg(SqlValue::Text(department.clone()));
                    let co = plan.arg(SqlValue::Text(set_element(&department)));
                    plan.sets.push(department_seqs(&lead, &co));
                }
                View::AwaitingMySignoff => {
                    let head = person.roles.contains(&Role::SectionHead);
                    let office = viewer.office_signs && person.roles.contains(&Role::Coordinator);
                    let awaiting = "status = 'awaiting_signoff'";
                    let signer = format!("SELECT seq FROM items WHERE signer_id = {me} AND {awaiting}");
                    let set = if office {
                        format!("SELECT seq FROM items WHERE {awaiting}")
                    } else if head && !department.is_empty() {
                        let d = plan.arg(SqlValue::Text(department.clone()));
                        format!(
                            "SELECT seq FROM items WHERE lead_department_id = {d} AND {awaiting} \
                             UNION {signer}"
                        )
                    } else {
                        signer
                    };
                    plan.sets.push(set);
                }
            }
        }
        Ok(plan)
    }

    fn arg(&mut self, value: SqlValue) -> String {
        self.args.push(value);
        format!("?{}", self.args.len())
    }

    /// `AND column IN (set) …` for every filter. With `test_only`, a unary `+` keeps SQLite from
    /// using the sets to find rows (as a rowid lookup per element in the search index, or in the
    /// table): each row found otherwise is tested against them.
    fn membership(&self, column: &str, test_only: bool) -> String {
        let plus = if test_only { "+" } else { "" };
        self.sets
            .iter()
            .map(|set| format!(" AND {plus}{column} IN ({set})"))
            .collect()
    }

    /// The number of items the query lists, from the indexes alone.
    fn count(&self, conn: &Connection) -> Result<i64> {
        let sql = match (&self.text, self.sets.split_first()) {
            (Some(text), _) => format!(
                "SELECT count(*) FROM item_search WHERE item_search MATCH {text}{}",
                self.membership("rowid", true)
            ),
            (None, None) => "SELECT count(*) FROM items".to_string(),
            (None, Some((first, rest))) => {
                let others: String = rest
                    .iter()
                    .map(|set| format!(" AND seq IN ({set})"))
                    .collect();
                format!("SELECT count(*) FROM ({first}) WHERE 1{others}")
            }
        };
        Ok(conn.query_row(&sql, params_from_iter(self.args.iter()), |r| r.get(0))?)
    }
}

/// Marks each listed item with the searched words it holds, reading the summary and keywords
/// of the page's items only.
fn add_search_hits(conn: &Connection, text: &str, items: &mut [ItemSummary]) -> Result<()> {
    let mut summary_stmt = conn.prepare_cached("SELECT summary FROM items WHERE id = ?1")?;
    let mut keywords_stmt = conn.prepare_cached(
        "SELECT value FROM item_sets WHERE item_id = ?1 AND field = 'keywords' ORDER BY position",
    )?;
    for item in items.iter_mut() {
        let summary: String = summary_stmt
            .query_row(params![item.id], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        let keywords: Vec<String> = keywords_stmt
            .query_map(params![item.id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|json| serde_json::from_str(&json).unwrap_or(json))
            .collect();
        item.hits = desk_core::search_hit::search_hits(
            text,
            &item.title,
            &item.doc_no,
            &summary,
            &keywords,
        );
    }
    Ok(())
}

/// The catalog list: text search, filters, sort and one page.
pub fn list(
    conn: &Connection,
    query: &ItemQuery,
    today: NaiveDate,
    calendar: &WorkCalendar,
    viewer: &Viewer,
) -> Result<ItemPage> {
    let plan = Plan::new(query, today, viewer)?;
    let limit = match query.limit {
        0 => DEFAULT_PAGE_SIZE,
        n => n.min(MAX_PAGE_SIZE),
    };
    let total = plan.count(conn)?;
    if total <= i64::from(query.offset) {
        return Ok(ItemPage {
            items: Vec::new(),
            total: total as u32,
            offset: query.offset,
        });
    }
    let mut outer_offset = query.offset;
    let mut joins = String::new();
    let mut where_clause = String::new();
    match &plan.text {
        // Best match first (the case while someone types): the index filters and ranks by itself,
        // and only one page of items is read.
        Some(text) if query.sort == SortKey::Relevance => {
            joins = format!(
                " JOIN (SELECT rowid AS seq, bm25(item_search, 10.0, 6.0, 1.0, 4.0) AS rank \
                 FROM item_search WHERE item_search MATCH {text}{} \
                 ORDER BY rank, rowid LIMIT {limit} OFFSET {}) s ON s.seq = i.seq",
                plan.membership("rowid", true),
                query.offset
            );
            outer_offset = 0;
        }
        Some(text) => {
            where_clause = format!(
                " WHERE i.seq IN (SELECT rowid FROM item_search WHERE item_search MATCH {text}{})",
                plan.membership("rowid", true)
            );
        }
        None if !plan.sets.is_empty() => {
            // Many matches in an indexed order: walk that index and test each row, which stops
            // after one page. Few matches, or an order without an index: read them and sort.
            let indexed = matches!(
                query.sort,
                SortKey::Relevance | SortKey::IndexNo | SortKey::Updated
            );
            let walk = indexed && total > WALK_INDEX_ABOVE;
            where_clause = format!(" WHERE 1{}", plan.membership("i.seq", walk));
        }
        None => {}
    }
    let args = plan.args;
    let direction = if query.descending { "DESC" } else { "ASC" };
    let order = match (query.sort, plan.text.is_some()) {
        (SortKey::Relevance, true) => "s.rank ASC, i.seq ASC".to_string(),
        (SortKey::Relevance, false) => "i.index_no ASC, i.seq ASC".to_string(),
        (SortKey::Title, _) => format!("i.title {direction}, i.seq"),
        (SortKey::IndexNo, _) => format!("i.index_no {direction}, i.seq"),
        (SortKey::DueDate, _) => {
            format!("i.effective_due IS NULL, i.effective_due {direction}, i.seq")
        }
        (SortKey::DateWritten, _) => {
            format!("i.date_written IS NULL, i.date_written {direction}, i.seq")
        }
        (SortKey::Updated, _) => format!("i.updated_at {direction}, i.seq"),
        (SortKey::Status, _) => format!("i.status {direction}, i.seq"),
    };
    let sql = format!(
        "SELECT i.id, i.index_no, i.title, i.doc_no, i.status, i.disclosure, c.name, d.name, \
         i.date_written, i.effective_due, i.updated_at, p.name, i.changed_after_signoff \
         FROM items i{joins} LEFT JOIN categories c ON c.id = i.category_id \
         LEFT JOIN departments d ON d.id = i.lead_department_id \
         LEFT JOIN people p ON p.id = i.clerk_id{where_clause} \
         ORDER BY {order} LIMIT {limit} OFFSET {outer_offset}"
    );
    let mut stmt = conn.prepare(&sql)?;
    let rows = stmt.query_map(params_from_iter(args.iter()), |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, Option<String>>(6)?,
            r.get::<_, Option<String>>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, Option<String>>(9)?,
            r.get::<_, String>(10)?,
            r.get::<_, Option<String>>(11)?,
            r.get::<_, String>(12)?,
        ))
    })?;
    let mut items = Vec::new();
    for row in rows {
        let (
            id,
            index_no,
            title,
            doc_no,
            status,
            disclosure,
            category_name,
            lead,
            written,
            due,
            updated_at,
            clerk_name,
            changed_after_signoff,
        ) = row?;
        let status: desk_core::model::Status = decode("status", status)?;
        let due_date: Option<NaiveDate> = due.and_then(|d| d.parse().ok());
        let overdue_days = match due_date {
            Some(due) if status.is_open() && due < today => {
                Some(calendar.working_days_between(due, today))
            }
            _ => None,
        };
        let days_left = match due_date {
            Some(due) if status.is_open() && due >= today => {
                Some(calendar.working_days_between(today, due))
            }
            _ => None,
        };
        items.push(ItemSummary {
            id,
            index_no,
            title,
            doc_no,
            status,
            disclosure: decode("disclosure", disclosure)?,
            category_name,
            lead_department_name: lead,
            date_written: written.and_then(|d| d.parse().ok()),
            due_date,
            overdue_days,
            days_left,
            clerk_name,
            changed_after_signoff: serde_json::from_str(&changed_after_signoff).unwrap_or_default(),
            updated_at,
            hits: Vec::new(),
        });
    }
    if plan.text.is_some() {
        add_search_hits(conn, &query.text, &mut items)?;
    }
    Ok(ItemPage {
        items,
        total: total as u32,
        offset: query.offset,
    })
}
