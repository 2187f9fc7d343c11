//! The heads of every register and set element: the operations no later operation has
//! overwritten. The merge rules (`desk_core::merge`) decide from them; a local recording and a
//! remote apply move them the same way, so both live here, below sync.

use crate::error::{Result, StoreError};
use desk_core::hlc::Hlc;
use desk_core::merge::{self, Head};
use desk_core::ops::{EntityKind, OpKind, Operation};
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

/// The element key of a set operation (its JSON text), or "" for a register.
pub(crate) fn element_key(kind: OpKind, old: &Value, new: &Value) -> String {
    match kind {
        OpKind::Add => new.to_string(),
        OpKind::Remove => old.to_string(),
        _ => String::new(),
    }
}

pub(crate) fn parse_clock(text: &str) -> Result<Hlc> {
    Hlc::parse(text).ok_or_else(|| StoreError::Decode(format!("clock {text}")))
}

pub(crate) fn parse_json(text: &str) -> Result<Value> {
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

pub(crate) fn clear_heads(
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

pub(crate) fn insert_heads(
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

/// The entity's first creation: the earliest by clock, then by id, so that every PC names the
/// same one when the entity was created on two (see `desk_core::identity`).
pub(crate) fn create_op_id(
    conn: &Connection,
    entity: EntityKind,
    entity_id: &str,
) -> Result<Option<String>> {
    Ok(conn
        .prepare_cached(
            "SELECT id FROM ops WHERE entity = ?1 AND entity_id = ?2 AND kind = 'create' ORDER BY clock, id LIMIT 1",
        )?
        .query_row(params![entity.key(), entity_id], |r| r.get(0))
        .optional()?)
}

/// Whether any operation on this field (any element of a set) has been applied.
pub(crate) fn field_has_heads(
    conn: &Connection,
    entity: EntityKind,
    entity_id: &str,
    field: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_heads WHERE entity = ?1 AND entity_id = ?2 AND field = ?3)",
        )?
        .query_row(params![entity.key(), entity_id, field], |r| r.get(0))?)
}

/// Whether this set element has been added or removed by an operation applied.
pub(crate) fn element_has_heads(
    conn: &Connection,
    entity: EntityKind,
    entity_id: &str,
    field: &str,
    element: &str,
) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM sync_heads WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND element = ?4)",
        )?
        .query_row(params![entity.key(), entity_id, field, element], |r| r.get(0))?)
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
        OpKind::Create | OpKind::Delete | OpKind::Unknown => Vec::new(),
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

/// Moves the heads past an operation arriving from another PC, as [`advance_heads`], where
/// operations were moved to another id after an id clash (`sync_moved`): a base naming an old id
/// names the operations moved from it too, and an operation that another held operation of its
/// register names (by its id or an id it was moved from) arrives overwritten already: it
/// replaces what it names, and is not a head. Arrival order then does not matter for the sides
/// of a clash (which reach a PC out of their writers' order: the old id's numbers are read again
/// after the moved side).
pub(crate) fn advance_heads_arriving(conn: &Connection, op: &Operation) -> Result<Vec<Head>> {
    let any_moved: bool = conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_moved)")?
        .query_row([], |r| r.get(0))?;
    let Some(field) = op.field.as_deref().filter(|_| any_moved) else {
        return advance_heads(conn, op);
    };
    let mut base = op.base.clone();
    {
        let mut moved_to =
            conn.prepare_cached("SELECT new_id FROM sync_moved WHERE old_id = ?1")?;
        for named in &op.base {
            let rows = moved_to.query_map(params![named], |r| r.get::<_, String>(0))?;
            for new_id in rows {
                let new_id = new_id?;
                if !base.contains(&new_id) {
                    base.push(new_id);
                }
            }
        }
    }
    let mut names = vec![op.id.clone()];
    {
        let mut moved_from =
            conn.prepare_cached("SELECT old_id FROM sync_moved WHERE new_id = ?1")?;
        let rows = moved_from.query_map(params![op.id], |r| r.get::<_, String>(0))?;
        for old_id in rows {
            names.push(old_id?);
        }
    }
    let clashed = names.len() > 1
        || conn
            .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_moved WHERE old_id = ?1)")?
            .query_row(params![op.id], |r| r.get::<_, bool>(0))?;
    let mut overwritten = false;
    if clashed {
        let mut stmt = conn.prepare_cached(
            "SELECT base FROM ops WHERE entity = ?1 AND entity_id = ?2 AND field = ?3 AND id <> ?4",
        )?;
        let rows = stmt.query_map(params![op.entity.key(), op.entity_id, field, op.id], |r| {
            r.get::<_, String>(0)
        })?;
        for text in rows {
            let named: Vec<String> = serde_json::from_str(&text?).unwrap_or_default();
            if named.iter().any(|n| names.contains(n)) {
                overwritten = true;
                break;
            }
        }
    }
    let mut with_base = op.clone();
    with_base.base = base;
    let next = advance_heads(conn, &with_base)?;
    if !overwritten {
        return Ok(next);
    }
    let element = element_key(op.kind, &op.old_value, &op.new_value);
    let kept: Vec<Head> = next.into_iter().filter(|h| h.op_id != op.id).collect();
    clear_heads(conn, op.entity, &op.entity_id, field, &element)?;
    insert_heads(conn, op.entity, &op.entity_id, field, &element, &kept)?;
    Ok(kept)
}

/// Fills `base` of the operations recorded before sync existed and builds the heads again, by
/// replaying the local recording rule in clock order (after the migration that adds sync).
pub(crate) fn rebuild(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM sync_heads", [])?;
    let ops = super::log::all_operations(tx)?;
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
