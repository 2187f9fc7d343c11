//! Open conflicts (registers with more than one head) and settling them.

use super::context::{ApplyContext, ItemCache};
use super::materialize::{materialize_item_field, materialize_setting, write_registry};
use crate::catalog::{items, registry};
use crate::error::{Result, StoreError};
use crate::oplog::heads::load_heads;
use crate::oplog::{Extra, Recorder};
use desk_core::fields::ItemField;
use desk_core::merge::{self, Head};
use desk_core::ops::{EntityKind, OpKind};
use desk_core::problem::Code;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

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
pub(crate) fn conflict_ignored(field: &str) -> bool {
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
        Extra {
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
