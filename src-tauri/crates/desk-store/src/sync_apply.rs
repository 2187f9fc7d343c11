//! Applying other PCs' operations to the local catalog, and the bookkeeping sync needs.
//!
//! Why this shape: the merge rules are pure functions of the set of operations
//! (`desk_core::merge`), so this module keeps what they need, the *heads* of every register and
//! set element that was edited after its creation (`sync_heads`), and writes the winner into the
//! ordinary tables the app reads. A device's segments are applied in a row in one transaction
//! (up to `BATCH_OPS` operations) that also moves that device's cursor past exactly the segments
//! it holds, so a crash or a replay changes nothing; an operation already known is skipped. Nothing here reads files: the engine (`desk-sync`) hands in decoded operations.
//!
//! What must never happen here: an operation dropped (every one is stored, and a losing value
//! stays a head until a person settles it), or a row deleted because something is *absent*
//! (only a delete operation that knew of every edit of an item removes it).

use crate::attachments::AttachmentStore;
use crate::error::{Result, StoreError};
use crate::items;
use crate::oplog::{meta_get, meta_set, Recorder};
use crate::registry;
use crate::review;
use desk_core::checklist::ChecklistTemplate;
use desk_core::fields::{FieldShape, ItemField};
use desk_core::hlc::Hlc;
use desk_core::merge::{self, Head, VersionVector};
use desk_core::model::{Department, Item, Person};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::problem::Code;
use desk_core::settings::CatalogSettings;
use desk_core::signoff::Signoff;
use desk_core::workdays::WorkCalendar;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The author recorded on operations sync makes by itself (a sign-off voided by an edit).
pub const SYNC_AUTHOR: &str = "system";

/// The element key of a set operation (its JSON text), or "" for a register.
pub(crate) fn element_key(kind: OpKind, old: &Value, new: &Value) -> String {
    match kind {
        OpKind::Add => new.to_string(),
        OpKind::Remove => old.to_string(),
        _ => String::new(),
    }
}

fn parse_clock(text: &str) -> Result<Hlc> {
    Hlc::parse(text).ok_or_else(|| StoreError::Decode(format!("clock {text}")))
}

fn parse_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("stored value: {e}")))
}

/// The heads of one register (element "") or set element.
pub(crate) fn load_heads(
    conn: &Connection,
    entity: EntityKind,
    entity_id: &str,
    field: &str,
    element: &str,
) -> Result<Vec<Head>> {
    let mut stmt = conn.prepare_cached(
        "SELECT op_id, clock, device_id, kind, value FROM sync_heads
         WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND element = ?4",
    )?;
    let rows = stmt.query_map(params![entity.key(), entity_id, field, element], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
        ))
    })?;
    let mut heads = Vec::new();
    for row in rows {
        let (op_id, clock, device_id, kind, value) = row?;
        heads.push(Head {
            op_id,
            clock: parse_clock(&clock)?,
            device_id,
            kind: OpKind::parse(&kind)
                .ok_or_else(|| StoreError::Decode(format!("head kind {kind}")))?,
            value: parse_json(&value)?,
        });
    }
    Ok(heads)
}

fn clear_heads(
    tx: &Connection,
    entity: EntityKind,
    entity_id: &str,
    field: &str,
    element: &str,
) -> Result<()> {
    tx.prepare_cached(
        "DELETE FROM sync_heads WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND element = ?4",
    )?
    .execute(params![entity.key(), entity_id, field, element])?;
    Ok(())
}

fn insert_heads(
    tx: &Connection,
    entity: EntityKind,
    entity_id: &str,
    field: &str,
    element: &str,
    heads: &[Head],
) -> Result<()> {
    let mut insert = tx.prepare_cached(
        "INSERT INTO sync_heads (entity, entity_id, field, element, op_id, clock, device_id, kind, value)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
    )?;
    for head in heads {
        insert.execute(params![
            entity.key(),
            entity_id,
            field,
            element,
            head.op_id,
            head.clock.to_string(),
            head.device_id,
            head.kind.key(),
            head.value.to_string()
        ])?;
    }
    Ok(())
}

fn create_op_id(conn: &Connection, entity: EntityKind, entity_id: &str) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM ops WHERE entity = ?1 AND entity_id = ?2 AND kind = 'create' ORDER BY clock LIMIT 1",
        )?
        .query_row(params![entity.key(), entity_id], |r| r.get(0))
        .optional()?)
}

/// What a local operation overwrites: a register's winner (or its entity's create when the
/// field was never edited since), every current operation on a set element.
pub(crate) fn local_base(
    conn: &Connection,
    entity: EntityKind,
    entity_id: &str,
    kind: OpKind,
    field: &str,
    element: &str,
) -> Result<Vec<String>> {
    let heads = load_heads(conn, entity, entity_id, field, element)?;
    Ok(match kind {
        OpKind::Set => match merge::register_state(&heads) {
            Some(state) => vec![state.winner.op_id.clone()],
            None => create_op_id(conn, entity, entity_id)?.into_iter().collect(),
        },
        OpKind::Add | OpKind::Remove => heads.into_iter().map(|h| h.op_id).collect(),
        OpKind::Create | OpKind::Delete => Vec::new(),
    })
}

/// Moves the heads of the operation's register or element past it; returns the new heads.
pub(crate) fn advance_heads(conn: &Connection, op: &Operation) -> Result<Vec<Head>> {
    let Some(field) = op.field.as_deref() else {
        return Ok(Vec::new());
    };
    let element = element_key(op.kind, &op.old_value, &op.new_value);
    let heads = load_heads(conn, op.entity, &op.entity_id, field, &element)?;
    let incoming = Head {
        op_id: op.id.clone(),
        clock: op.clock,
        device_id: op.device_id.clone(),
        kind: op.kind,
        value: if op.kind == OpKind::Set {
            op.new_value.clone()
        } else {
            Value::String(element.clone())
        },
    };
    let next = merge::next_heads(&heads, &incoming, &op.base);
    // A register edited for the first time has no rows to delete.
    if !heads.is_empty() {
        clear_heads(conn, op.entity, &op.entity_id, field, &element)?;
    }
    insert_heads(conn, op.entity, &op.entity_id, field, &element, &next)?;
    Ok(next)
}

/// Inserts an operation row (remote operations are marked sent: they are not this PC's outbox).
/// Inserts an operation row; returns false when it was already there (remote operations only:
/// a local one is always new).
pub(crate) fn insert_op(tx: &Connection, op: &Operation, sent_at: Option<&str>) -> Result<bool> {
    let covers = match &op.covers {
        Some(vv) => Some(serde_json::to_string(vv).map_err(|e| StoreError::Decode(e.to_string()))?),
        None => None,
    };
    let sql = if sent_at.is_some() {
        "INSERT OR IGNORE INTO ops (id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, sent_at, base, covers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    } else {
        "INSERT INTO ops (id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, sent_at, base, covers)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)"
    };
    let inserted = tx.prepare_cached(sql)?.execute(params![
        op.id,
        op.device_id,
        op.seq as i64,
        op.clock.to_string(),
        op.author_id,
        op.entity.key(),
        op.entity_id,
        op.kind.key(),
        op.field,
        op.old_value.to_string(),
        op.new_value.to_string(),
        sent_at,
        serde_json::to_string(&op.base).unwrap_or_else(|_| "[]".into()),
        covers,
    ])?;
    Ok(inserted > 0)
}

/// Fills `base` of the operations recorded before sync existed and builds the heads, by replaying
/// the local recording rule in clock order (the migration that adds sync runs it).
pub fn build_heads(tx: &Transaction) -> Result<()> {
    let ops = crate::oplog::all_operations(tx)?;
    let mut ordered: Vec<&Operation> = ops.iter().collect();
    ordered.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
    let mut update = tx.prepare("UPDATE ops SET base = ?2 WHERE id = ?1")?;
    for op in ordered {
        if !matches!(op.kind, OpKind::Set | OpKind::Add | OpKind::Remove) {
            continue;
        }
        let Some(field) = op.field.as_deref() else {
            continue;
        };
        let element = element_key(op.kind, &op.old_value, &op.new_value);
        let base = local_base(tx, op.entity, &op.entity_id, op.kind, field, &element)?;
        update.execute(params![
            op.id,
            serde_json::to_string(&base).unwrap_or_default()
        ])?;
        let mut with_base = op.clone();
        with_base.base = base;
        advance_heads(tx, &with_base)?;
    }
    Ok(())
}

/// How far this PC has applied each other device (its own device is not listed).
pub fn cursors(conn: &Connection) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT device_id, seq FROM sync_cursors")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut vv = VersionVector::new();
    for row in rows {
        let (device, seq) = row?;
        vv.insert(device, seq.max(0) as u64);
    }
    Ok(vv)
}

pub fn cursor(conn: &Connection, device: &str) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM sync_cursors WHERE device_id = ?1")?
        .query_row(params![device], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0)
        .max(0) as u64)
}

fn set_cursor(tx: &Connection, device: &str, seq: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_cursors (device_id, seq) VALUES (?1, ?2)
         ON CONFLICT (device_id) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![device, seq as i64])?;
    Ok(())
}

/// This PC's version vector: the cursors plus its own last sequence.
pub fn version_vector(conn: &Connection, device_id: &str) -> Result<VersionVector> {
    let mut vv = cursors(conn)?;
    let own: u64 = meta_get(conn, "op_seq")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    vv.insert(device_id.to_string(), own);
    Ok(vv)
}

/// What applying one segment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// Operations new to this PC (a replayed segment applies none).
    pub applied: u32,
    pub signoffs_voided: u32,
    /// Attachments (sha256) the applied operations refer to.
    pub attachments: BTreeSet<String>,
    pub settings_changed: bool,
}

/// One segment of a device's operations, in sequence order, and the last sequence it covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteSegment {
    pub ops: Vec<Operation>,
    pub last_seq: u64,
}

/// At most about this many operations per transaction when segments are applied in a row: one
/// transaction per segment rewrote the same index pages again and again; one for everything
/// would let the write-ahead log grow with the catalog.
pub const BATCH_OPS: u32 = 50_000;

/// The catalog facts an apply needs beside the transaction.
pub(crate) struct ApplyContext<'a> {
    pub device_id: &'a str,
    pub settings: &'a CatalogSettings,
    pub calendar: &'a WorkCalendar,
    pub store: &'a AttachmentStore,
    pub now_ms: i64,
}

/// The owned side of an `ApplyContext` (see `Catalog::apply_parts`).
struct ApplyParts {
    store: AttachmentStore,
    device_id: String,
    settings: CatalogSettings,
    calendar: WorkCalendar,
}

impl ApplyParts {
    fn context(&self, now_ms: i64) -> ApplyContext<'_> {
        ApplyContext {
            device_id: &self.device_id,
            settings: &self.settings,
            calendar: &self.calendar,
            store: &self.store,
            now_ms,
        }
    }
}

/// Items changed during a batch, written once when it ends (a batch often edits one item many
/// times; loading and writing it once per operation was the slow part). Each records which
/// fields were set, so that only those are written.
#[derive(Default)]
struct ItemCache {
    items: HashMap<String, CachedItem>,
    dirty: BTreeMap<String, Hlc>,
}

struct CachedItem {
    /// Created in this batch: no row yet.
    new: bool,
    /// Fields set since the item was read from its row.
    changed: BTreeSet<ItemField>,
    item: Item,
}

/// Past this many items in memory the cache is written out and emptied, so that a new PC
/// taking in a whole catalog does not hold every item at once (an item is 1–2 KB here).
const ITEM_CACHE_CAP: usize = 50_000;

impl ItemCache {
    fn get(&mut self, tx: &Connection, id: &str) -> Result<Option<&mut CachedItem>> {
        if !self.items.contains_key(id) {
            match items::load_optional(tx, id)? {
                Some(item) => {
                    self.items.insert(
                        id.to_string(),
                        CachedItem {
                            new: false,
                            changed: BTreeSet::new(),
                            item,
                        },
                    );
                }
                None => return Ok(None),
            }
        }
        Ok(self.items.get_mut(id))
    }

    /// An item created in this batch: it has no row until the cache is written.
    fn insert_new(&mut self, item: Item) {
        self.items.insert(
            item.id.clone(),
            CachedItem {
                new: true,
                changed: BTreeSet::new(),
                item,
            },
        );
    }

    fn touch(&mut self, id: &str, clock: Hlc) {
        match self.dirty.get_mut(id) {
            Some(at) => *at = (*at).max(clock),
            None => {
                self.dirty.insert(id.to_string(), clock);
            }
        }
    }

    fn forget(&mut self, id: &str) {
        self.items.remove(id);
        self.dirty.remove(id);
    }

    /// Writes every changed item and empties the cache (what is read again comes from the rows).
    fn flush(&mut self, tx: &Transaction, ctx: &ApplyContext) -> Result<()> {
        for (id, clock) in std::mem::take(&mut self.dirty) {
            let Some(cached) = self.items.get(&id) else {
                continue;
            };
            let item = &cached.item;
            let due = || -> Result<Option<chrono::NaiveDate>> {
                let ancestry = review::category_ancestry(tx, item.category_id.as_deref())?;
                Ok(desk_core::due::effective_due(
                    item,
                    ctx.settings,
                    &ancestry,
                    ctx.calendar,
                ))
            };
            let at = time_text(clock);
            if cached.new {
                items::insert_new(tx, item, due()?, &at)?;
            } else {
                // The due date follows from these three alone (see `save::recompute_due_dates`).
                let inputs = [
                    ItemField::DateFormed,
                    ItemField::DueDate,
                    ItemField::CategoryId,
                ];
                let due = if inputs.iter().any(|f| cached.changed.contains(f)) {
                    Some(due()?)
                } else {
                    None
                };
                items::write_changes(tx, item, &cached.changed, due, &at)?;
            }
        }
        self.items.clear();
        Ok(())
    }
}

fn time_text(clock: Hlc) -> String {
    clock
        .to_datetime()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

fn decode_value<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> Result<T> {
    // Read from the value in place: a creation carries the whole item, cloning it was waste.
    T::deserialize(value).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

/// What a batch of segments has applied so far, and what it still has to write when it ends.
pub(crate) struct Batch {
    cache: ItemCache,
    touched_items: BTreeSet<String>,
    max_clock: Hlc,
    outcome: ApplyOutcome,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            cache: ItemCache::default(),
            touched_items: BTreeSet::new(),
            max_clock: Hlc::ZERO,
            outcome: ApplyOutcome::default(),
        }
    }
}

/// Applies one segment of `device`'s operations (in sequence order) into `batch` and moves the
/// device's cursor to `last_seq`, in the caller's transaction; [`finish_batch`] completes it
/// before the commit. Operations at or below the cursor, and any already known, are skipped.
pub(crate) fn apply_ops(
    tx: &Transaction,
    ctx: &ApplyContext,
    device: &str,
    ops: &[Operation],
    last_seq: u64,
    batch: &mut Batch,
) -> Result<()> {
    let start = cursor(tx, device)?;
    let sent = time_text(Hlc {
        wall_ms: ctx.now_ms,
        counter: 0,
    });
    for op in ops {
        if op.device_id != device {
            return Err(StoreError::Decode(format!(
                "operation {} is not of device {device}",
                op.id
            )));
        }
        if op.seq <= start || !insert_op(tx, op, Some(&sent))? {
            continue;
        }
        batch.max_clock = batch.max_clock.max(op.clock);
        apply_effect(tx, ctx, op, &mut batch.cache, &mut batch.outcome)?;
        if op.entity == EntityKind::Item && !batch.touched_items.contains(&op.entity_id) {
            batch.touched_items.insert(op.entity_id.clone());
        }
        batch.outcome.applied += 1;
        if batch.cache.items.len() >= ITEM_CACHE_CAP {
            batch.cache.flush(tx, ctx)?;
        }
    }
    set_cursor(tx, device, last_seq)?;
    Ok(())
}

/// Completes a batch inside its transaction: the changed items written, this PC's clock moved
/// past what arrived, sign-offs the new operations made stale voided.
pub(crate) fn finish_batch(
    tx: &Transaction,
    ctx: &ApplyContext,
    mut batch: Batch,
) -> Result<ApplyOutcome> {
    batch.cache.flush(tx, ctx)?;
    let mut outcome = batch.outcome;
    if outcome.applied > 0 {
        // Receiving operations moves this PC's clock past them (hybrid logical clock).
        let local = meta_get(tx, "clock")?
            .and_then(|s| Hlc::parse(&s))
            .unwrap_or(Hlc::ZERO);
        meta_set(
            tx,
            "clock",
            &local.observe(batch.max_clock, ctx.now_ms).to_string(),
        )?;
        outcome.signoffs_voided = void_stale_signoffs(tx, ctx, &batch.touched_items)?;
    }
    Ok(outcome)
}

fn apply_effect(
    tx: &Transaction,
    ctx: &ApplyContext,
    op: &Operation,
    cache: &mut ItemCache,
    outcome: &mut ApplyOutcome,
) -> Result<()> {
    match (op.entity, op.kind) {
        (EntityKind::Item, OpKind::Create) => {
            if cache.get(tx, &op.entity_id)?.is_some() || is_deleted(tx, &op.entity_id)? {
                return Ok(());
            }
            let mut item: Item = decode_value("item", &op.new_value)?;
            item.id = op.entity_id.clone();
            for attachment in &item.attachments {
                outcome.attachments.insert(attachment.sha256.clone());
            }
            cache.insert_new(item);
            cache.touch(&op.entity_id, op.clock);
        }
        (EntityKind::Item, OpKind::Delete) => {
            cache.flush(tx, ctx)?;
            cache.forget(&op.entity_id);
            let covers = op.covers.clone().unwrap_or_default();
            tx.execute(
                "INSERT OR IGNORE INTO sync_tombstones (item_id, op_id, covers) VALUES (?1, ?2, ?3)",
                params![
                    op.entity_id,
                    op.id,
                    serde_json::to_string(&covers).unwrap_or_default()
                ],
            )?;
            settle_deletion(tx, &op.entity_id)?;
        }
        (EntityKind::Item, OpKind::Set | OpKind::Add | OpKind::Remove) => {
            let heads = advance_heads(tx, op)?;
            if cache.get(tx, &op.entity_id)?.is_none() {
                // An edit the delete did not know of brings the item back.
                if !resurrect(tx, &op.entity_id)? {
                    return Ok(());
                }
            }
            if op.kind == OpKind::Add && op.field.as_deref() == Some("attachments") {
                if let Some(sha) = op.new_value.get("sha256").and_then(Value::as_str) {
                    outcome.attachments.insert(sha.to_string());
                }
            }
            materialize_item_field(tx, ctx, cache, op, &heads)?;
        }
        (EntityKind::Department | EntityKind::Person, OpKind::Create) => {
            let exists = match op.entity {
                EntityKind::Department => registry::department(tx, &op.entity_id)?.is_some(),
                _ => registry::person(tx, &op.entity_id)?.is_some(),
            };
            if !exists {
                write_registry(tx, op.entity, &op.new_value)?;
            }
        }
        (EntityKind::Department | EntityKind::Person, OpKind::Set) => {
            let heads = advance_heads(tx, op)?;
            if let (Some(state), Some(field)) = (merge::register_state(&heads), &op.field) {
                let current = match op.entity {
                    EntityKind::Department => registry::department(tx, &op.entity_id)?
                        .map(|d| serde_json::to_value(d).unwrap_or(Value::Null)),
                    _ => registry::person(tx, &op.entity_id)?
                        .map(|p| serde_json::to_value(p).unwrap_or(Value::Null)),
                };
                if let Some(Value::Object(mut fields)) = current {
                    fields.insert(field.clone(), state.winner.value.clone());
                    write_registry(tx, op.entity, &Value::Object(fields))?;
                }
            }
        }
        (EntityKind::Template, OpKind::Create) => {
            let template: ChecklistTemplate = decode_value("template", &op.new_value)?;
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM checklist_templates WHERE id = ?1 AND version = ?2)",
                params![template.id, template.version],
                |r| r.get(0),
            )?;
            if !exists {
                review::write_template(tx, &template)?;
            }
        }
        (EntityKind::Signoff, OpKind::Create) => {
            let signoff: Signoff = decode_value("sign-off", &op.new_value)?;
            let exists: bool = tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM signoffs WHERE id = ?1)",
                params![signoff.id],
                |r| r.get(0),
            )?;
            if !exists {
                review::write_signoff(tx, &signoff)?;
            }
        }
        (EntityKind::Setting, OpKind::Set) => {
            let heads = advance_heads(tx, op)?;
            if let (Some(state), Some(field)) = (merge::register_state(&heads), &op.field) {
                materialize_setting(tx, &op.entity_id, field, &state.winner.value)?;
                outcome.settings_changed = true;
            }
        }
        (EntityKind::Bundle, OpKind::Create) => {
            // The export mark: the bundle and the items it carried, written once.
            let mut record: desk_core::export::BundleRecord =
                decode_value("bundle", &op.new_value)?;
            record.id = op.entity_id.clone();
            crate::export::write_bundle(tx, &record)?;
        }
        _ => {
            // Kept in the log (history, and for a later version that knows it); nothing to show.
            log::info!(
                "operation {} ({} {}) stored only",
                op.id,
                op.entity.key(),
                op.kind.key()
            );
        }
    }
    Ok(())
}

fn write_registry(tx: &Connection, entity: EntityKind, value: &Value) -> Result<()> {
    match entity {
        EntityKind::Department => {
            let department: Department = decode_value("department", value)?;
            registry::write_department(tx, &department)
        }
        _ => {
            let person: Person = decode_value("person", value)?;
            if let Some(dept) = &person.department_id {
                if registry::department(tx, dept)?.is_none() {
                    return Err(StoreError::Decode(format!(
                        "person {} names the unknown department {dept}",
                        person.id
                    )));
                }
            }
            registry::write_person(tx, &person)
        }
    }
}

fn materialize_setting(tx: &Connection, entity_id: &str, field: &str, value: &Value) -> Result<()> {
    if entity_id == "catalog" {
        let mut settings: Value = meta_get(tx, "settings")?
            .map(|s| parse_json(&s))
            .transpose()?
            .unwrap_or(Value::Object(Default::default()));
        if let Value::Object(fields) = &mut settings {
            fields.insert(field.to_string(), value.clone());
        }
        // Refuse a value this version cannot read rather than store settings it cannot open.
        let _: CatalogSettings = decode_value("settings", &settings)?;
        meta_set(tx, "settings", &settings.to_string())
    } else if entity_id.starts_with("calendar:") && field == "text" {
        match value {
            Value::String(text) => meta_set(tx, entity_id, text),
            _ => {
                tx.execute("DELETE FROM meta WHERE key = ?1", params![entity_id])?;
                Ok(())
            }
        }
    } else {
        Ok(())
    }
}

/// Writes the winner of an item field (a register, a set element, the checklist, a check mark).
fn materialize_item_field(
    tx: &Transaction,
    ctx: &ApplyContext,
    cache: &mut ItemCache,
    op: &Operation,
    heads: &[Head],
) -> Result<()> {
    let Some(field) = op.field.as_deref() else {
        return Ok(());
    };
    if (field.starts_with("check:") || field == "checklist")
        && cache.dirty.contains_key(&op.entity_id)
    {
        // The marks and the checklist refer to the item's row: write it first.
        cache.flush(tx, ctx)?;
    }
    if let Some(key) = field.strip_prefix("check:") {
        let Some(state) = merge::register_state(heads) else {
            return Ok(());
        };
        match &state.winner.value {
            Value::Null => {
                tx.execute(
                    "DELETE FROM item_checks WHERE item_id = ?1 AND key = ?2",
                    params![op.entity_id, key],
                )?;
            }
            value => {
                let mark: desk_core::checklist::CheckMark = decode_value("check mark", value)?;
                tx.execute(
                    "INSERT INTO item_checks (item_id, key, state, by, at, note, covers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)
                     ON CONFLICT (item_id, key) DO UPDATE SET state = excluded.state, by = excluded.by, at = excluded.at, note = excluded.note, covers = excluded.covers",
                    params![
                        op.entity_id,
                        key,
                        mark.state.key(),
                        mark.by,
                        mark.at,
                        mark.note,
                        serde_json::to_string(&mark.covers).unwrap_or_else(|_| "[]".into())
                    ],
                )?;
            }
        }
        return Ok(());
    }
    if field == "checklist" {
        let Some(state) = merge::register_state(heads) else {
            return Ok(());
        };
        let template = state
            .winner
            .value
            .get("template_id")
            .and_then(Value::as_str);
        let version = state.winner.value.get("version").and_then(Value::as_u64);
        match (template, version) {
            (Some(template), Some(version)) => {
                tx.execute(
                    "INSERT INTO item_checklists (item_id, template_id, template_version) VALUES (?1, ?2, ?3)
                     ON CONFLICT (item_id) DO UPDATE SET template_id = excluded.template_id, template_version = excluded.template_version",
                    params![op.entity_id, template, version as i64],
                )?;
            }
            _ => {
                tx.execute(
                    "DELETE FROM item_checklists WHERE item_id = ?1",
                    params![op.entity_id],
                )?;
            }
        }
        return Ok(());
    }
    let Some(item_field) = ItemField::parse(field).filter(|f| f.key() == field) else {
        log::info!(
            "operation {} names the unknown field {field}; stored only",
            op.id
        );
        return Ok(());
    };
    let Some(cached) = cache.get(tx, &op.entity_id)? else {
        return Ok(());
    };
    cached.changed.insert(item_field);
    let item = &mut cached.item;
    match item_field.shape() {
        FieldShape::Register => {
            if let Some(state) = merge::register_state(heads) {
                item.set(item_field, state.winner.value.clone())
                    .map_err(|e| StoreError::Decode(e.to_string()))?;
            }
        }
        FieldShape::Set => {
            let element_value = if op.kind == OpKind::Add {
                &op.new_value
            } else {
                &op.old_value
            };
            let present = merge::element_present(heads);
            let mut list = match item.get(item_field) {
                Value::Array(list) => list,
                _ => Vec::new(),
            };
            let had = list.iter().any(|v| v == element_value);
            if present && !had {
                list.push(element_value.clone());
            } else if !present && had {
                list.retain(|v| v != element_value);
            }
            item.set(item_field, Value::Array(list))
                .map_err(|e| StoreError::Decode(e.to_string()))?;
        }
    }
    cache.touch(&op.entity_id, op.clock);
    Ok(())
}

fn is_deleted(conn: &Connection, item_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_deleted_items WHERE item_id = ?1)")?
        .query_row(params![item_id], |r| r.get(0))?)
}

/// After a delete arrives: the item goes when some delete knew of every edit of it.
fn settle_deletion(tx: &Transaction, item_id: &str) -> Result<()> {
    let mut deletes = Vec::new();
    {
        let mut stmt =
            tx.prepare_cached("SELECT covers FROM sync_tombstones WHERE item_id = ?1")?;
        let rows = stmt.query_map(params![item_id], |r| r.get::<_, String>(0))?;
        for row in rows {
            deletes.push(
                serde_json::from_str::<VersionVector>(&row?)
                    .map_err(|e| StoreError::Decode(format!("tombstone: {e}")))?,
            );
        }
    }
    let mut item_ops = VersionVector::new();
    {
        let mut stmt = tx.prepare_cached(
            "SELECT device_id, max(seq) FROM ops WHERE entity = 'item' AND entity_id = ?1 AND kind <> 'delete' GROUP BY device_id",
        )?;
        let rows = stmt.query_map(params![item_id], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        for row in rows {
            let (device, seq) = row?;
            item_ops.insert(device, seq.max(0) as u64);
        }
    }
    if !merge::deleted(&deletes, &item_ops) {
        return Ok(());
    }
    let Some(item) = items::load_optional(tx, item_id)? else {
        return Ok(());
    };
    let checklist: Option<(String, i64)> = tx
        .query_row(
            "SELECT template_id, template_version FROM item_checklists WHERE item_id = ?1",
            params![item_id],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )
        .optional()?;
    let marks = review::marks(tx, item_id)?;
    tx.execute(
        "INSERT OR REPLACE INTO sync_deleted_items (item_id, item, checklist, checks) VALUES (?1, ?2, ?3, ?4)",
        params![
            item_id,
            serde_json::to_string(&item).map_err(|e| StoreError::Decode(e.to_string()))?,
            checklist.map(|(t, v)| serde_json::json!({"template_id": t, "version": v}).to_string()),
            serde_json::to_string(&marks).map_err(|e| StoreError::Decode(e.to_string()))?,
        ],
    )?;
    items::remove(tx, item_id)
}

/// Brings a deleted item back as it was when deleted; false when there is nothing to bring back.
fn resurrect(tx: &Transaction, item_id: &str) -> Result<bool> {
    let row: Option<(String, Option<String>, String)> = tx
        .query_row(
            "SELECT item, checklist, checks FROM sync_deleted_items WHERE item_id = ?1",
            params![item_id],
            |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
        )
        .optional()?;
    let Some((item, checklist, checks)) = row else {
        return Ok(false);
    };
    let item: Item = serde_json::from_str(&item).map_err(|e| StoreError::Decode(e.to_string()))?;
    items::write(tx, &item, None, "")?;
    if let Some(checklist) = checklist {
        let value = parse_json(&checklist)?;
        tx.execute(
            "INSERT OR REPLACE INTO item_checklists (item_id, template_id, template_version) VALUES (?1, ?2, ?3)",
            params![
                item_id,
                value.get("template_id").and_then(Value::as_str).unwrap_or_default(),
                value.get("version").and_then(Value::as_i64).unwrap_or(1)
            ],
        )?;
    }
    let marks: Vec<desk_core::checklist::CheckMark> =
        serde_json::from_str(&checks).map_err(|e| StoreError::Decode(e.to_string()))?;
    for mark in marks {
        tx.execute(
            "INSERT OR REPLACE INTO item_checks (item_id, key, state, by, at, note, covers) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
            params![
                item_id,
                mark.key,
                mark.state.key(),
                mark.by,
                mark.at,
                mark.note,
                serde_json::to_string(&mark.covers).unwrap_or_else(|_| "[]".into())
            ],
        )?;
    }
    tx.execute(
        "DELETE FROM sync_deleted_items WHERE item_id = ?1",
        params![item_id],
    )?;
    Ok(true)
}

/// A signed item whose content no longer matches its newest sign-off (an edit arrived that the
/// signer had not seen) goes back to review on this PC, recorded as this PC's operations. Every
/// PC that does the same writes the same values, so they do not conflict.
fn void_stale_signoffs(
    tx: &Transaction,
    ctx: &ApplyContext,
    touched: &BTreeSet<String>,
) -> Result<u32> {
    let mut recorder: Option<Recorder> = None;
    let mut voided = 0;
    let mut status = tx.prepare_cached("SELECT status FROM items WHERE id = ?1")?;
    for id in touched {
        let signed = status
            .query_row(params![id], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|s| serde_json::from_value::<desk_core::model::Status>(Value::String(s)).ok())
            .is_some_and(|s| s.is_signed());
        if !signed {
            continue;
        }
        let Some(mut item) = items::load_optional(tx, id)? else {
            continue;
        };
        let Some(latest) = review::signoffs(tx, id)?.into_iter().next() else {
            continue;
        };
        let checklist = review::checklist(tx, &item, ctx.store, false)?;
        if desk_core::signoff::content_hash(&item, &checklist.checks) == latest.content_hash {
            continue;
        }
        if recorder.is_none() {
            recorder = Some(Recorder::begin(tx, ctx.device_id, SYNC_AUTHOR)?);
        }
        let Some(rec) = recorder.as_mut() else {
            continue;
        };
        let before = item.clone();
        item.status = desk_core::model::Status::InReview;
        item.status_note.clear();
        item.changed_after_signoff =
            review::fields_changed_since(tx, &before, &checklist.checks, &latest)?;
        review::record_item_changes(tx, rec, &before, &item)?;
        items::write_row_only(tx, &item, &rec.last_op_time())?;
        voided += 1;
    }
    if let Some(rec) = recorder {
        rec.finish(tx)?;
    }
    Ok(voided)
}

/// Every open conflict: registers whose heads hold more than one value.
pub fn conflicts(conn: &Connection) -> Result<Vec<desk_core::sync::Conflict>> {
    let mut keys: Vec<(String, String, String)> = Vec::new();
    {
        let mut stmt = conn.prepare(
            "SELECT entity, entity_id, field FROM sync_heads WHERE element = ''
             GROUP BY entity, entity_id, field HAVING count(*) > 1 ORDER BY entity, entity_id, field",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        for row in rows {
            keys.push(row?);
        }
    }
    let mut out = Vec::new();
    for (entity, entity_id, field) in keys {
        if let Some(conflict) = conflict(conn, &entity, &entity_id, &field)? {
            out.push(conflict);
        }
    }
    Ok(out)
}

/// Fields whose losing values are not shown as conflicts: the workflow's own explanation of a
/// void, which each PC words from what it saw (the status itself is compared).
fn conflict_ignored(field: &str) -> bool {
    field == ItemField::ChangedAfterSignoff.key()
}

pub fn conflict(
    conn: &Connection,
    entity: &str,
    entity_id: &str,
    field: &str,
) -> Result<Option<desk_core::sync::Conflict>> {
    let Some(kind) = EntityKind::parse(entity) else {
        return Ok(None);
    };
    if conflict_ignored(field) {
        return Ok(None);
    }
    if kind == EntityKind::Item && !items::exists(conn, entity_id)? {
        return Ok(None);
    }
    let heads = load_heads(conn, kind, entity_id, field, "")?;
    let Some(state) = merge::register_state(&heads) else {
        return Ok(None);
    };
    if state.conflicts.is_empty() {
        return Ok(None);
    }
    let value_of = |head: &Head| -> Result<desk_core::sync::ConflictValue> {
        let author: String = conn
            .prepare_cached("SELECT author_id FROM ops WHERE id = ?1")?
            .query_row(params![head.op_id], |r| r.get(0))
            .optional()?
            .unwrap_or_default();
        Ok(desk_core::sync::ConflictValue {
            op_id: head.op_id.clone(),
            value: head.value.clone(),
            author_id: author,
            device_id: head.device_id.clone(),
            at: head
                .clock
                .to_datetime()
                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                .unwrap_or_default(),
        })
    };
    let label = match kind {
        EntityKind::Item => items::load_optional(conn, entity_id)?
            .map(|i| i.title)
            .unwrap_or_default(),
        EntityKind::Department => registry::department(conn, entity_id)?
            .map(|d| d.name)
            .unwrap_or_default(),
        EntityKind::Person => registry::person(conn, entity_id)?
            .map(|p| p.name)
            .unwrap_or_default(),
        _ => entity_id.to_string(),
    };
    Ok(Some(desk_core::sync::Conflict {
        key: format!("{entity}/{entity_id}/{field}"),
        entity: entity.to_string(),
        entity_id: entity_id.to_string(),
        entity_label: label,
        field: field.to_string(),
        current: value_of(state.winner)?,
        others: state
            .conflicts
            .iter()
            .map(|h| value_of(h))
            .collect::<Result<_>>()?,
    }))
}

/// Settles a conflict with the value of `chosen_op` (one of its heads): a new operation that
/// overwrites every head, so it syncs like any edit and closes the conflict on every PC.
pub(crate) fn settle_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    ctx: &ApplyContext,
    key: &str,
    chosen_op: &str,
) -> Result<()> {
    let mut parts = key.splitn(3, '/');
    let (Some(entity), Some(entity_id), Some(field)) = (parts.next(), parts.next(), parts.next())
    else {
        return Err(StoreError::refused(Code::ConflictKeyInvalid.problem(
            "key",
            format!("{key} is not a conflict key (entity/id/field): see `desk conflicts list`"),
        )));
    };
    let kind = EntityKind::parse(entity).ok_or_else(|| {
        StoreError::refused(
            Code::ConflictKeyInvalid.problem("key", format!("unknown entity {entity}")),
        )
    })?;
    let heads = load_heads(tx, kind, entity_id, field, "")?;
    let chosen = heads
        .iter()
        .find(|h| h.op_id == chosen_op || h.op_id.ends_with(&format!(":{chosen_op}")))
        .ok_or_else(|| StoreError::NotFound {
            what: "conflicting value",
            id: format!("{chosen_op} in {key}"),
        })?
        .clone();
    if heads.len() < 2 {
        return Err(StoreError::NotFound {
            what: "conflict",
            id: key.to_string(),
        });
    }
    let winner = merge::register_state(&heads)
        .map(|s| s.winner.value.clone())
        .unwrap_or(Value::Null);
    let base: Vec<String> = heads.iter().map(|h| h.op_id.clone()).collect();
    let op = recorder.record_with(
        tx,
        kind,
        entity_id,
        OpKind::Set,
        Some(field),
        &winner,
        &chosen.value,
        crate::oplog::Extra {
            base: Some(base),
            covers: None,
        },
    )?;
    match kind {
        EntityKind::Item => {
            let mut cache = ItemCache::default();
            let heads = load_heads(tx, kind, entity_id, field, "")?;
            materialize_item_field(tx, ctx, &mut cache, &op, &heads)?;
            cache.flush(tx, ctx)?;
        }
        EntityKind::Department | EntityKind::Person => {
            // The heads already moved; write the winner the same way a remote edit would.
            let state_value = chosen.value.clone();
            let current = match kind {
                EntityKind::Department => registry::department(tx, entity_id)?
                    .map(|d| serde_json::to_value(d).unwrap_or(Value::Null)),
                _ => registry::person(tx, entity_id)?
                    .map(|p| serde_json::to_value(p).unwrap_or(Value::Null)),
            };
            if let Some(Value::Object(mut fields)) = current {
                fields.insert(field.to_string(), state_value);
                write_registry(tx, kind, &Value::Object(fields))?;
            }
        }
        EntityKind::Setting => materialize_setting(tx, entity_id, field, &chosen.value)?,
        _ => {}
    }
    Ok(())
}

/// Gives this PC a new device id: its operations not yet published (sequence above
/// `published`) move to the new id, renumbered from 1, with every reference to them (bases,
/// heads) following; the old id becomes a remote device applied up to `published`.
pub(crate) fn rekey_device(
    tx: &Transaction,
    old_id: &str,
    new_id: &str,
    published: u64,
) -> Result<u32> {
    let unsent: Vec<(String, i64)> = {
        let mut stmt =
            tx.prepare("SELECT id, seq FROM ops WHERE device_id = ?1 AND seq > ?2 ORDER BY seq")?;
        let rows = stmt.query_map(params![old_id, published as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut renamed: HashMap<String, String> = HashMap::new();
    for (index, (id, _)) in unsent.iter().enumerate() {
        let seq = index as i64 + 1;
        let new_op = format!("{new_id}:{seq}");
        tx.execute(
            "UPDATE ops SET id = ?2, device_id = ?3, seq = ?4 WHERE id = ?1",
            params![id, new_op, new_id, seq],
        )?;
        tx.execute(
            "UPDATE sync_heads SET op_id = ?2, device_id = ?3 WHERE op_id = ?1",
            params![id, new_op, new_id],
        )?;
        tx.execute(
            "UPDATE sync_tombstones SET op_id = ?2 WHERE op_id = ?1",
            params![id, new_op],
        )?;
        renamed.insert(id.clone(), new_op);
    }
    if !renamed.is_empty() {
        // Bases naming a renamed operation (only the unsent ones can).
        let rows: Vec<(String, String)> = {
            let mut stmt = tx.prepare("SELECT id, base FROM ops WHERE device_id = ?1")?;
            let rows = stmt.query_map(params![new_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, base) in rows {
            let list: Vec<String> = serde_json::from_str(&base).unwrap_or_default();
            let mapped: Vec<String> = list
                .iter()
                .map(|b| renamed.get(b).cloned().unwrap_or_else(|| b.clone()))
                .collect();
            if mapped != list {
                tx.execute(
                    "UPDATE ops SET base = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(&mapped).unwrap_or_default()],
                )?;
            }
        }
        // A delete's version vector counted the old id's unsent operations: they are now the
        // new id's.
        let rows: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, covers FROM ops WHERE device_id = ?1 AND covers IS NOT NULL",
            )?;
            let rows = stmt.query_map(params![new_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, covers) in rows {
            let mut vv: VersionVector = serde_json::from_str(&covers).unwrap_or_default();
            if let Some(seq) = vv.get(old_id).copied() {
                if seq > published {
                    vv.insert(old_id.to_string(), published);
                    vv.insert(new_id.to_string(), seq - published);
                }
            }
            let text = serde_json::to_string(&vv).unwrap_or_default();
            tx.execute(
                "UPDATE ops SET covers = ?2 WHERE id = ?1",
                params![id, text],
            )?;
            tx.execute(
                "UPDATE sync_tombstones SET covers = ?2 WHERE op_id = ?1",
                params![id, text],
            )?;
        }
    }
    set_cursor(tx, old_id, published)?;
    meta_set(tx, "device_id", new_id)?;
    meta_set(tx, "op_seq", &unsent.len().to_string())?;
    Ok(unsent.len() as u32)
}

/// Whether the catalog holds nothing sync could meet: no item, no operation, no sync state.
fn catalog_is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM items) AND NOT EXISTS (SELECT 1 FROM ops)
             AND NOT EXISTS (SELECT 1 FROM sync_heads) AND NOT EXISTS (SELECT 1 FROM sync_tombstones)
             AND NOT EXISTS (SELECT 1 FROM sync_deleted_items)",
        [],
        |r| r.get(0),
    )?)
}

/// The one secondary index applying reads (an item's operations, for deletes and bases).
const INDEXES_KEPT_IN_BULK: &[&str] = &["ops_entity"];

/// Drops the secondary indexes of items, their sets and the log (as the schema defines them
/// now, whatever migrations added) and returns the statements that make them again.
fn drop_bulk_indexes(tx: &Transaction) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('items', 'item_sets', 'ops') ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rebuild = Vec::new();
    for (name, sql) in indexes {
        if INDEXES_KEPT_IN_BULK.contains(&name.as_str()) {
            continue;
        }
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}

impl crate::Catalog {
    /// What applying needs of the catalog, owned, so the connection stays free to borrow.
    fn apply_parts(&self) -> ApplyParts {
        ApplyParts {
            store: AttachmentStore::new(&self.data_dir),
            device_id: self.device_id.clone(),
            settings: self.settings.clone(),
            calendar: self.calendar.clone(),
        }
    }

    /// Adopts the id of a catalog found in a shared folder (joining it). Allowed only before this
    /// PC ever synced, so two catalogs are never mixed by accident.
    pub fn join_catalog(&mut self, catalog_id: &str) -> Result<()> {
        if self.sync_value("folder_catalog")?.is_some() {
            return Err(StoreError::refused(Code::CatalogAlreadyJoined.problem(
                "catalog_id",
                "this catalog already syncs with another shared folder's catalog",
            )));
        }
        meta_set(&self.conn, "catalog_id", catalog_id)
    }

    /// A value sync keeps about itself (`sync:<key>` in `meta`).
    pub fn sync_value(&self, key: &str) -> Result<Option<String>> {
        meta_get(&self.conn, &format!("sync:{key}"))
    }

    pub fn set_sync_value(&self, key: &str, value: &str) -> Result<()> {
        meta_set(&self.conn, &format!("sync:{key}"), value)
    }

    /// How far this PC has applied every other device.
    pub fn sync_cursors(&self) -> Result<VersionVector> {
        cursors(&self.conn)
    }

    /// The cursors plus this PC's own last sequence.
    pub fn version_vector(&self) -> Result<VersionVector> {
        version_vector(&self.conn, &self.device_id)
    }

    /// This PC's last sequence number (0 before its first operation).
    pub fn own_seq(&self) -> Result<u64> {
        Ok(meta_get(&self.conn, "op_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0))
    }

    /// The highest own sequence published to the folder and read back.
    pub fn published_seq(&self) -> Result<u64> {
        Ok(self
            .sync_value("published_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0))
    }

    /// Own operations not yet published (the outbox).
    pub fn outbox_len(&self) -> Result<u32> {
        Ok(self.conn.query_row(
            "SELECT count(*) FROM ops WHERE device_id = ?1 AND sent_at IS NULL",
            params![self.device_id],
            |r| r.get::<_, i64>(0),
        )? as u32)
    }

    /// Own operations with a sequence in `from..=to`.
    pub fn own_operations(&self, from: u64, to: u64) -> Result<Vec<Operation>> {
        crate::oplog::device_operations(&self.conn, &self.device_id, from, to)
    }

    /// Any device's operations this PC holds, in `from..=to`.
    pub fn device_operations(&self, device: &str, from: u64, to: u64) -> Result<Vec<Operation>> {
        crate::oplog::device_operations(&self.conn, device, from, to)
    }

    /// Marks own operations up to `seq` as published (they leave the outbox).
    pub fn mark_published(&mut self, seq: u64, at: &str) -> Result<()> {
        let tx = self.conn.transaction()?;
        tx.execute(
            "UPDATE ops SET sent_at = ?3 WHERE device_id = ?1 AND seq <= ?2 AND sent_at IS NULL",
            params![self.device_id, seq as i64, at],
        )?;
        let current: u64 = meta_get(&tx, "sync:published_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        meta_set(&tx, "sync:published_seq", &current.max(seq).to_string())?;
        tx.commit()?;
        Ok(())
    }

    /// Applies one segment of another device's operations in a transaction of its own (see
    /// [`Catalog::apply_remote_segments`]).
    pub fn apply_remote_segment(
        &mut self,
        device: &str,
        ops: &[Operation],
        last_seq: u64,
        now_ms: i64,
    ) -> Result<ApplyOutcome> {
        let mut segment = Some(RemoteSegment {
            ops: ops.to_vec(),
            last_seq,
        });
        self.apply_remote_segments(device, now_ms, |_| Ok::<_, StoreError>(segment.take()))
    }

    /// Applies `device`'s segments one after the other as `next` hands them out (it is given the
    /// device's cursor and returns the segment that follows it, or `None` to stop), in as few
    /// transactions as [`BATCH_OPS`] allows. Each transaction moves the cursor with exactly what
    /// it applied, so a crash or a failure leaves the catalog at the end of a whole segment:
    /// a failure while applying rolls back the open transaction; an error of `next` (a folder
    /// that stopped answering) commits what was applied before it and is returned. When
    /// settings or calendar years arrive, the transaction ends there, they are read again and
    /// due dates are counted again before the next segment.
    pub fn apply_remote_segments<E: From<StoreError>>(
        &mut self,
        device: &str,
        now_ms: i64,
        mut next: impl FnMut(u64) -> std::result::Result<Option<RemoteSegment>, E>,
    ) -> std::result::Result<ApplyOutcome, E> {
        if device == self.device_id {
            return Err(StoreError::refused(
                Code::OwnSegments.problem("device", "a PC does not apply its own segments"),
            )
            .into());
        }
        self.roomy_cache()?;
        let mut total = ApplyOutcome::default();
        loop {
            let parts = self.apply_parts();
            let ctx = parts.context(now_ms);
            let tx = self
                .conn
                .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)
                .map_err(StoreError::from)?;
            let mut batch = Batch::default();
            let mut ended = false;
            let mut failed = None;
            loop {
                let at = cursor(&tx, device)?;
                match next(at) {
                    Ok(Some(segment)) => {
                        apply_ops(
                            &tx,
                            &ctx,
                            device,
                            &segment.ops,
                            segment.last_seq,
                            &mut batch,
                        )?;
                        if batch.outcome.settings_changed || batch.outcome.applied >= BATCH_OPS {
                            break;
                        }
                    }
                    Ok(None) => {
                        ended = true;
                        break;
                    }
                    Err(e) => {
                        failed = Some(e);
                        break;
                    }
                }
            }
            let outcome = finish_batch(&tx, &ctx, batch)?;
            tx.commit().map_err(StoreError::from)?;
            total.applied += outcome.applied;
            total.signoffs_voided += outcome.signoffs_voided;
            total.attachments.extend(outcome.attachments);
            total.settings_changed |= outcome.settings_changed;
            if outcome.settings_changed {
                self.reload_settings()?;
            }
            if let Some(e) = failed {
                return Err(e);
            }
            if ended {
                return Ok(total);
            }
        }
    }

    /// A large batch touches far more pages than SQLite's default cache holds (2 MB); spilling
    /// them to the log mid-transaction is what made applying slow. 64 MB while syncing.
    fn roomy_cache(&self) -> Result<()> {
        self.conn.pragma_update(None, "cache_size", -65536)?;
        Ok(())
    }

    fn reload_settings(&mut self) -> Result<()> {
        if let Some(json) = meta_get(&self.conn, "settings")? {
            self.settings = serde_json::from_str(&json)
                .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        }
        let mut calendar = WorkCalendar::official();
        let years: Vec<(String, String)> = {
            let mut stmt = self
                .conn
                .prepare("SELECT key, value FROM meta WHERE key LIKE 'calendar:%' ORDER BY key")?;
            let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (_, text) in years {
            if let Err(e) = calendar.set_year(&text) {
                log::error!("a calendar year from sync does not read ({e}); shipped one kept");
            }
        }
        self.calendar = calendar;
        let settings = self.settings.clone();
        let calendar = self.calendar.clone();
        let tx = self.conn.transaction()?;
        crate::save::recompute_due_dates(&tx, &settings, &calendar)?;
        tx.commit()?;
        Ok(())
    }

    /// Deletes an item: a tombstone operation carrying this PC's version vector. Every PC
    /// removes the item once it holds every edit the delete knew of; an edit made without
    /// knowing of the delete brings it back.
    pub fn delete_item(&mut self, id: &str) -> Result<()> {
        if !items::exists(&self.conn, id)? {
            return Err(StoreError::NotFound {
                what: "item",
                id: id.to_string(),
            });
        }
        let covers = self.version_vector()?;
        self.change(|tx, recorder, _, _| {
            let op = recorder.record_with(
                tx,
                EntityKind::Item,
                id,
                OpKind::Delete,
                None,
                &Value::Null,
                &Value::Null,
                crate::oplog::Extra {
                    base: None,
                    covers: Some(covers),
                },
            )?;
            tx.execute(
                "INSERT OR IGNORE INTO sync_tombstones (item_id, op_id, covers) VALUES (?1, ?2, ?3)",
                params![
                    id,
                    op.id,
                    serde_json::to_string(&op.covers).unwrap_or_default()
                ],
            )?;
            settle_deletion(tx, id)
        })
    }

    /// Every open conflict, by entity and field.
    pub fn conflicts(&self) -> Result<Vec<desk_core::sync::Conflict>> {
        conflicts(&self.conn)
    }

    /// Settles a conflict (`entity/id/field`) with the value of one of its operations.
    pub fn settle_conflict(&mut self, key: &str, chosen_op: &str) -> Result<()> {
        let parts = self.apply_parts();
        let ctx = parts.context(crate::oplog::now_ms());
        let entity_is_setting = key.starts_with("setting/");
        self.change(|tx, recorder, _, _| settle_in(tx, recorder, &ctx, key, chosen_op))?;
        if entity_is_setting {
            self.reload_settings()?;
        }
        Ok(())
    }

    /// Takes a new device id (this PC was cloned or restored): see [`rekey_device`].
    pub fn take_new_device_id(&mut self) -> Result<(String, u32)> {
        let old = self.device_id.clone();
        let new = crate::new_device_id();
        let published = self.published_seq()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        let moved = rekey_device(&tx, &old, &new, published)?;
        meta_set(&tx, "sync:published_seq", "0")?;
        tx.execute("DELETE FROM sync_published", [])?;
        let previous: Vec<String> = meta_get(&tx, "sync:previous_device_ids")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default();
        let mut previous = previous;
        previous.push(old);
        meta_set(
            &tx,
            "sync:previous_device_ids",
            &serde_json::to_string(&previous).unwrap_or_default(),
        )?;
        tx.commit()?;
        self.device_id = new.clone();
        Ok((new, moved))
    }

    /// Remembers a published segment's cut and version vector, so that a folder emptied later
    /// gets the very same segments back (their version vectors are what keeps the order of
    /// delivery right: recomputing them from today's state could make PCs wait on each other).
    pub fn record_published_segment(
        &self,
        first_seq: u64,
        last_seq: u64,
        version_vector: &VersionVector,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR REPLACE INTO sync_published (first_seq, last_seq, version_vector) VALUES (?1, ?2, ?3)",
            params![
                first_seq as i64,
                last_seq as i64,
                serde_json::to_string(version_vector).unwrap_or_default()
            ],
        )?;
        Ok(())
    }

    /// The segments this PC published under its current id: first, last, version vector.
    pub fn published_segments(&self) -> Result<Vec<(u64, u64, VersionVector)>> {
        let mut stmt = self.conn.prepare(
            "SELECT first_seq, last_seq, version_vector FROM sync_published ORDER BY first_seq",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, i64>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, String>(2)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (first, last, vv) = row?;
            out.push((
                first.max(0) as u64,
                last.max(0) as u64,
                serde_json::from_str(&vv)
                    .map_err(|e| StoreError::Decode(format!("published segment: {e}")))?,
            ));
        }
        Ok(out)
    }

    /// Every operation this PC holds in an order that respects causality (clock, device, seq),
    /// for a snapshot a new PC starts from.
    pub fn operations_in_clock_order(&self) -> Result<Vec<Operation>> {
        let mut ops = crate::oplog::all_operations(&self.conn)?;
        ops.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
        Ok(ops)
    }

    /// Applies a snapshot (operations of many devices in clock order) in one transaction and
    /// moves every cursor to the snapshot's version vector.
    pub fn apply_snapshot(
        &mut self,
        ops: &[Operation],
        covers: &VersionVector,
        now_ms: i64,
    ) -> Result<u32> {
        let parts = self.apply_parts();
        let ctx = parts.context(now_ms);
        self.roomy_cache()?;
        let tx = self
            .conn
            .transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
        // Into an empty catalog, the list's and the log's secondary indexes are built once at
        // the end rather than kept up row by row; in the same transaction, so a crash leaves
        // neither half-built indexes nor half the snapshot.
        let rebuild = if catalog_is_empty(&tx)? {
            drop_bulk_indexes(&tx)?
        } else {
            Vec::new()
        };
        let mut batch = Batch::default();
        // Runs of one device are applied together; the cursor moves only at the end.
        let mut start = 0;
        while start < ops.len() {
            let device = ops[start].device_id.clone();
            let mut end = start;
            while end < ops.len() && ops[end].device_id == device {
                end += 1;
            }
            if device != self.device_id {
                let run = &ops[start..end];
                let before = cursor(&tx, &device)?;
                // Let the run through whatever the cursor says: the snapshot is in clock order.
                tx.execute(
                    "DELETE FROM sync_cursors WHERE device_id = ?1",
                    params![device],
                )?;
                apply_ops(&tx, &ctx, &device, run, 0, &mut batch)?;
                set_cursor(&tx, &device, before)?;
            }
            start = end;
        }
        let outcome = finish_batch(&tx, &ctx, batch)?;
        for sql in &rebuild {
            tx.execute_batch(sql)?;
        }
        for (device, seq) in covers {
            if device != &self.device_id {
                set_cursor(&tx, device, *seq)?;
            }
        }
        tx.commit()?;
        if outcome.settings_changed {
            self.reload_settings()?;
        }
        Ok(outcome.applied)
    }

    /// The path of an attachment's content in the local store, when it is there and whole.
    pub fn attachment_blob_present(&self, sha256: &str) -> Option<std::path::PathBuf> {
        self.attachment_store().blob_present(sha256)
    }

    /// Stores attachment content received from another PC after checking its hash.
    pub fn import_attachment_blob(&self, sha256: &str, bytes: &[u8]) -> Result<bool> {
        self.attachment_store().import_blob(sha256, bytes)
    }

    /// Whether any item refers to this attachment content.
    pub fn attachment_referenced(&self, sha256: &str) -> Result<bool> {
        Ok(self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM item_sets WHERE field = 'attachments' AND value LIKE ?1)",
            params![format!("%\"sha256\":\"{sha256}\"%")],
            |r| r.get(0),
        )?)
    }
}
