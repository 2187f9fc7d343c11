//! Applying a run of one device's operations in a batch: each operation stored once, checked
//! (`admit`), its heads moved, its effect written (items through a cache, written once per
//! batch) or kept aside with the reason.
//!
//! Cost: linear in the number of operations. Every lookup an operation makes is by a key:
//! - the operation itself (`ops` primary key and `(device_id, seq)`): O(log n);
//! - the device's cursor (`sync_cursors` primary key): O(log d), once per segment;
//! - heads of one register or element (`sync_heads` primary key prefix): O(log h + k) for its
//!   k heads;
//! - an item (`ItemCache`, a hash map, else the `items` primary key): O(1) / O(log n), its
//!   lists by the item's id prefix;
//! - a department or person by id (`registry::department`, `registry::person`,
//!   `registry::department_exists`: primary key): O(log n) — the list of all departments was
//!   read here once, which made n creations cost n²;
//! - a creation of an entity that exists (created on two PCs, `creations`): its first creation
//!   by the `ops_entity` index, then one `sync_heads` lookup per field: O(log n + fields);
//! - a template, sign-off or tombstone by id (primary keys): O(log n);
//! - a delete's settling reads the item's operations (`ops_entity` index): O(log n + ops on it);
//! - kept-aside rows are retried at the end of a batch only when a department arrived, by the
//!   reason's index, and whether a later operation overwrote one reads that entity's
//!   operations (`ops_entity`): O(log n + ops on it) per retried operation.

use super::context::{decode_value, time_text, ApplyContext, ItemCache, ITEM_CACHE_CAP};
use super::creations;
use super::deletion::{is_deleted, resurrect, settle_deletion};
use super::index_numbers::settle_duplicates;
use super::kept_aside::{self, Retry};
use super::materialize::{materialize_item_field, materialize_setting, write_registry};
use super::signoffs::{void_stale_signoffs, Touched};
use super::ApplyOutcome;
use super::{admit, entitled};
use crate::catalog::{bundles, registry, review};
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::oplog::cursors::{cursor, set_cursor};
use crate::oplog::heads::{advance_heads_arriving as advance_heads, load_heads};
use crate::oplog::log::{insert_op, operation};
use desk_core::checklist::ChecklistTemplate;
use desk_core::hlc::Hlc;
use desk_core::merge::{self, VersionVector};
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::Signoff;
use desk_core::workflow::Policy;
use rusqlite::{params, Transaction};
use serde_json::Value;
use std::borrow::Cow;

/// What a batch of segments has applied so far, and what it still has to write when it ends.
pub(crate) struct Batch {
    pub(crate) cache: ItemCache,
    pub(crate) touched_items: Touched,
    pub(crate) max_clock: Hlc,
    pub(crate) outcome: ApplyOutcome,
    /// A department, person or roster version arrived: operations kept aside for naming one this
    /// PC did not have are tried again.
    pub(crate) references_arrived: bool,
    /// Items a side of an id clash reached out of its writers' order: built again from the log
    /// when the batch ends (see [`replay_items`]).
    pub(crate) replay: std::collections::BTreeSet<String>,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            cache: ItemCache::default(),
            touched_items: Touched::default(),
            max_clock: Hlc::ZERO,
            outcome: ApplyOutcome::default(),
            references_arrived: false,
            replay: std::collections::BTreeSet::new(),
        }
    }
}

/// A delete's `covers` bounded by what its writer can have seen: for every other device what
/// the writer had applied when it wrote the segment (`seen`, the segment's version vector), for
/// its own device the delete itself. A forged `covers` claiming more would delete edits the
/// writer never saw, on some PCs and not others. `None` when nothing needed bounding.
fn bounded_covers(op: &Operation, seen: &VersionVector) -> Option<Operation> {
    let covers = op.covers.as_ref()?;
    let mut bounded = VersionVector::new();
    for (device, &seq) in covers {
        let limit = if device == &op.device_id {
            op.seq
        } else {
            seen.get(device).copied().unwrap_or(0)
        };
        let seq = seq.min(limit);
        if seq > 0 {
            bounded.insert(device.clone(), seq);
        }
    }
    (bounded != *covers).then(|| Operation {
        covers: Some(bounded),
        ..op.clone()
    })
}

/// Applies one segment of `device`'s operations (in sequence order) into `batch` and moves the
/// device's cursor to `last_seq`, in the caller's transaction; [`finish_batch`] completes it
/// before the commit. Operations at or below the cursor, and any already known, are skipped.
/// `seen` is what the writer had applied when it wrote them (the segment's version vector). An
/// operation that cannot be applied is stored and its effect kept aside (see `admit`).
pub(crate) fn apply_ops(
    tx: &Transaction,
    ctx: &ApplyContext,
    device: &str,
    ops: &[Operation],
    last_seq: u64,
    seen: &VersionVector,
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
        // The bounded covers are what is stored, so a snapshot made from this PC's log carries
        // them, and every PC settles the delete alike.
        let op = match bounded_covers(op, seen) {
            Some(bounded) => Cow::Owned(bounded),
            None => Cow::Borrowed(op),
        };
        if op.seq <= start || !insert_op(tx, &op, Some(&sent))? {
            continue;
        }
        batch.max_clock = batch.max_clock.max(op.clock);
        if op.entity == EntityKind::Item && clashed(tx, &op.id)? {
            batch.replay.insert(op.entity_id.clone());
        }
        if entitled::reads_items(&op) {
            batch.cache.flush(tx, ctx)?;
        }
        if let Some(refusal) = admit::check(tx, policy(ctx), &op)? {
            ::log::warn!(
                "operation {} kept aside ({}): {}",
                op.id,
                refusal.reason.key(),
                refusal.message
            );
            kept_aside::keep(tx, &op, &refusal, ctx.app_version, &sent)?;
            batch.outcome.kept_aside += 1;
            continue;
        }
        apply_admitted(tx, ctx, &op, batch)?;
    }
    set_cursor(tx, device, last_seq)?;
    Ok(())
}

fn policy(ctx: &ApplyContext) -> Policy {
    Policy {
        office_signs: ctx.settings.office_signs,
    }
}

/// Writes the effect of an operation `admit` accepted.
fn apply_admitted(
    tx: &Transaction,
    ctx: &ApplyContext,
    op: &Operation,
    batch: &mut Batch,
) -> Result<()> {
    apply_effect(tx, ctx, op, &mut batch.cache, &mut batch.outcome)?;
    if op.entity == EntityKind::Item {
        batch.touched_items.touch(&op.entity_id);
    }
    if matches!(op.entity, EntityKind::Department | EntityKind::Roster) && op.kind == OpKind::Create
    {
        batch.references_arrived = true;
    }
    batch.outcome.applied += 1;
    if batch.cache.items.len() >= ITEM_CACHE_CAP {
        batch.cache.flush(tx, ctx)?;
    }
    Ok(())
}

/// Tries the kept-aside operations `which` selects again, oldest first: those `admit` now
/// accepts are applied as if they had just arrived (see [`apply_retried`]); the others are
/// recorded again with this version's reason.
pub(crate) fn retry_kept_aside(
    tx: &Transaction,
    ctx: &ApplyContext,
    which: Retry,
    batch: &mut Batch,
) -> Result<()> {
    let mut ops = Vec::new();
    for id in kept_aside::to_retry(tx, which)? {
        match operation(tx, &id)? {
            Some(op) => ops.push(op),
            None => kept_aside::release(tx, &id)?,
        }
    }
    ops.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
    let at = time_text(Hlc {
        wall_ms: ctx.now_ms,
        counter: 0,
    });
    for op in ops {
        if entitled::reads_items(&op) {
            batch.cache.flush(tx, ctx)?;
        }
        match admit::check(tx, policy(ctx), &op)? {
            Some(refusal) => kept_aside::keep(tx, &op, &refusal, ctx.app_version, &at)?,
            None => {
                kept_aside::release(tx, &op.id)?;
                apply_retried(tx, ctx, &op, batch)?;
                batch.outcome.released += 1;
            }
        }
    }
    Ok(())
}

/// Applies an operation that was kept aside and has become applicable. Operations may have
/// arrived after it meanwhile, so it ends where it would have if applied on arrival: a change
/// that a later operation overwrote (names in its `base`) is not made a head again, and an item
/// created now takes the values its fields' heads hold.
fn apply_retried(
    tx: &Transaction,
    ctx: &ApplyContext,
    op: &Operation,
    batch: &mut Batch,
) -> Result<()> {
    if matches!(op.kind, OpKind::Set | OpKind::Add | OpKind::Remove) && overwritten(tx, op)? {
        return Ok(());
    }
    apply_admitted(tx, ctx, op, batch)?;
    if op.entity == EntityKind::Item && op.kind == OpKind::Create {
        let head_ops: Vec<String> = {
            let mut stmt = tx.prepare_cached(
                "SELECT DISTINCT op_id FROM sync_heads WHERE entity = 'item' AND entity_id = ?1",
            )?;
            let rows = stmt.query_map(params![op.entity_id], |r| r.get::<_, String>(0))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for id in head_ops {
            let Some(head) = operation(tx, &id)? else {
                continue;
            };
            let Some(field) = head.field.as_deref() else {
                continue;
            };
            let element =
                crate::oplog::heads::element_key(head.kind, &head.old_value, &head.new_value);
            let heads = load_heads(tx, EntityKind::Item, &head.entity_id, field, &element)?;
            materialize_item_field(tx, ctx, &mut batch.cache, &head, &heads)?;
        }
    }
    Ok(())
}

/// Whether an operation of the same entity names `op` in its `base` (it overwrote `op`).
fn overwritten(tx: &Transaction, op: &Operation) -> Result<bool> {
    let quoted = serde_json::to_string(&op.id).map_err(|e| StoreError::Decode(e.to_string()))?;
    let escaped = quoted
        .replace('\\', "\\\\")
        .replace('%', "\\%")
        .replace('_', "\\_");
    Ok(tx
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM ops WHERE entity = ?1 AND entity_id = ?2 AND base LIKE ?3 ESCAPE '\\')",
        )?
        .query_row(
            params![op.entity.key(), op.entity_id, format!("%{escaped}%")],
            |r| r.get(0),
        )?)
}

/// A department's or person's creation with the winners of the fields changed before it was
/// applied (a creation kept aside and applied later); usually there are none.
fn with_heads(tx: &Transaction, op: &Operation) -> Result<Value> {
    let fields: Vec<String> = {
        let mut stmt = tx.prepare_cached(
            "SELECT DISTINCT field FROM sync_heads WHERE entity = ?1 AND entity_id = ?2",
        )?;
        let rows = stmt.query_map(params![op.entity.key(), op.entity_id], |r| {
            r.get::<_, String>(0)
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut value = op.new_value.clone();
    if let Value::Object(object) = &mut value {
        for field in fields {
            let heads = load_heads(tx, op.entity, &op.entity_id, &field, "")?;
            if let Some(state) = merge::register_state(&heads) {
                object.insert(field, state.winner.value.clone());
            }
        }
    }
    Ok(value)
}

/// Completes a batch inside its transaction: the changed items written, operations kept aside
/// for an unknown department tried again when departments arrived, this PC's clock moved past
/// what arrived, duplicate 索引号 this PC must give up renumbered, sign-offs the new operations
/// made stale voided.
pub(crate) fn finish_batch(
    tx: &Transaction,
    ctx: &ApplyContext,
    mut batch: Batch,
) -> Result<ApplyOutcome> {
    if batch.references_arrived {
        retry_kept_aside(tx, ctx, Retry::UnknownReferences, &mut batch)?;
    }
    if !batch.replay.is_empty() {
        let items = std::mem::take(&mut batch.replay);
        replay_items(tx, ctx, &items, &mut batch)?;
    }
    batch.cache.flush(tx, ctx)?;
    let mut outcome = batch.outcome;
    if outcome.applied > 0 || outcome.kept_aside > 0 {
        // Receiving operations moves this PC's clock past them (hybrid logical clock).
        let local = meta_get(tx, "clock")?
            .and_then(|s| Hlc::parse(&s))
            .unwrap_or(Hlc::ZERO);
        meta_set(
            tx,
            "clock",
            &local.observe(batch.max_clock, ctx.now_ms).to_string(),
        )?;
    }
    if outcome.applied > 0 {
        outcome.index_nos_renumbered = settle_duplicates(tx, ctx)?;
        outcome.signoffs_voided = void_stale_signoffs(tx, ctx, &batch.touched_items)?;
    }
    Ok(outcome)
}

pub(crate) fn apply_effect(
    tx: &Transaction,
    ctx: &ApplyContext,
    op: &Operation,
    cache: &mut ItemCache,
    outcome: &mut ApplyOutcome,
) -> Result<()> {
    match (op.entity, op.kind) {
        (EntityKind::Item, OpKind::Create) => {
            // A creation arriving after the delete was not known to it (what a delete covers
            // arrives before it): the same plan task imported again, on this PC or another, brings
            // the item back as an edit would.
            if is_deleted(tx, &op.entity_id)? && !resurrect(tx, &op.entity_id)? {
                return Ok(());
            }
            let mut item: Item = decode_value("item", &op.new_value)?;
            item.id = op.entity_id.clone();
            if let Some(current) = cache.get(tx, &op.entity_id)? {
                // Created on another PC too (a plan task imported on both).
                if creations::is_first_creation(tx, op)?
                    && creations::take_first_creation(tx, current, &item)?
                {
                    for attachment in &current.item.attachments {
                        outcome.attachments.insert(attachment.sha256.clone());
                    }
                    cache.touch(&op.entity_id, op.clock);
                }
                return Ok(());
            }
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
            // Created on another PC too (the same name): the first creation stands where no
            // edit has spoken, whichever arrived first.
            if !exists || creations::is_first_creation(tx, op)? {
                write_registry(tx, op.entity, &with_heads(tx, op)?)?;
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
            bundles::write_bundle(tx, &record)?;
        }
        (EntityKind::Roster, OpKind::Create) => {
            let signed: desk_trust::roster::SignedRoster = decode_value("roster", &op.new_value)?;
            let roster: desk_trust::roster::Roster = serde_json::from_str(&signed.body)
                .map_err(|e| crate::error::StoreError::Decode(e.to_string()))?;
            crate::catalog::trust::write_roster(
                tx,
                &op.id,
                roster.version,
                roster.office_key.fingerprint().digits(),
                &signed,
            )?;
        }
        (EntityKind::KeyRequest, OpKind::Create) => {
            let request: desk_trust::roster::KeyRequest =
                decode_value("key request", &op.new_value)?;
            crate::catalog::trust::write_key_request(tx, &op.id, &request)?;
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

/// Whether an operation id is one side of an id clash: moved to another id, or the old number
/// the moved side left (see `sync_moved`).
pub(crate) fn clashed(conn: &rusqlite::Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_moved WHERE old_id = ?1 OR new_id = ?1)",
        )?
        .query_row(params![id], |r| r.get(0))?)
}

/// Builds items again from the log: what was written of them is removed (the item, its lists,
/// checks and checklist, heads, tombstones, a deleted copy) and every operation of them not
/// kept aside applied again in clock order. Used where the two sides of an id clash reached
/// this PC out of their writers' order (an edit applied before the creation it edits, a delete
/// before what it covers): clock order is an order every writer saw its operations in, so every
/// PC holding the same operations ends with the same items.
pub(crate) fn replay_items(
    tx: &Transaction,
    ctx: &ApplyContext,
    items: &std::collections::BTreeSet<String>,
    batch: &mut Batch,
) -> Result<()> {
    batch.cache.flush(tx, ctx)?;
    for id in items {
        batch.cache.forget(id);
        crate::catalog::items::remove(tx, id)?;
        tx.execute(
            "DELETE FROM sync_heads WHERE entity = 'item' AND entity_id = ?1",
            params![id],
        )?;
        tx.execute(
            "DELETE FROM sync_tombstones WHERE item_id = ?1",
            params![id],
        )?;
        tx.execute(
            "DELETE FROM sync_deleted_items WHERE item_id = ?1",
            params![id],
        )?;
        let mut ops = crate::oplog::log::entity_operations(tx, EntityKind::Item, id)?;
        ops.sort_by(|a, b| (a.clock, &a.device_id, a.seq).cmp(&(b.clock, &b.device_id, b.seq)));
        for op in ops {
            let kept: bool = tx
                .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_kept_aside WHERE op_id = ?1)")?
                .query_row(params![op.id], |r| r.get(0))?;
            if kept {
                continue;
            }
            if entitled::reads_items(&op) {
                batch.cache.flush(tx, ctx)?;
            }
            apply_effect(tx, ctx, &op, &mut batch.cache, &mut batch.outcome)?;
        }
        batch.touched_items.touch(id);
        batch.cache.flush(tx, ctx)?;
    }
    Ok(())
}
