//! Applying a run of one device's operations in a batch: each operation stored once, its heads
//! moved, its effect written (items through a cache, written once per batch).

use super::context::{decode_value, time_text, ApplyContext, ItemCache, ITEM_CACHE_CAP};
use super::deletion::{is_deleted, resurrect, settle_deletion};
use super::index_numbers::settle_duplicates;
use super::materialize::{materialize_item_field, materialize_setting, write_registry};
use super::signoffs::{void_stale_signoffs, Touched};
use super::ApplyOutcome;
use crate::catalog::{bundles, registry, review};
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::oplog::cursors::{cursor, set_cursor};
use crate::oplog::heads::advance_heads;
use crate::oplog::log::insert_op;
use desk_core::checklist::ChecklistTemplate;
use desk_core::hlc::Hlc;
use desk_core::merge;
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::Signoff;
use rusqlite::{params, Transaction};
use serde_json::Value;

/// What a batch of segments has applied so far, and what it still has to write when it ends.
pub(crate) struct Batch {
    pub(crate) cache: ItemCache,
    pub(crate) touched_items: Touched,
    pub(crate) max_clock: Hlc,
    pub(crate) outcome: ApplyOutcome,
}

impl Default for Batch {
    fn default() -> Self {
        Batch {
            cache: ItemCache::default(),
            touched_items: Touched::default(),
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
        if op.entity == EntityKind::Item {
            batch.touched_items.touch(&op.entity_id);
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
/// past what arrived, duplicate 索引号 this PC must give up renumbered, sign-offs the new
/// operations made stale voided.
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
            bundles::write_bundle(tx, &record)?;
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
