//! The `ops` table: inserting an operation, reading operations back, an entity's history.

use crate::error::{Result, StoreError};
use desk_core::hlc::Hlc;
use desk_core::ops::{EntityKind, HistoryEntry, NewerNames, OpKind, Operation};
use rusqlite::{params, Connection};
use serde_json::Value;

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
        op.entity_key(),
        op.entity_id,
        op.kind_key(),
        op.field,
        op.old_value.to_string(),
        op.new_value.to_string(),
        sent_at,
        serde_json::to_string(&op.base).unwrap_or_else(|_| "[]".into()),
        covers,
    ])?;
    Ok(inserted > 0)
}

fn decode_json(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| StoreError::Decode(format!("operation value: {e}")))
}

/// The columns of a history line, in the order the queries select them.
pub(crate) type HistoryRow = (
    String,
    String,
    String,
    Option<String>,
    String,
    String,
    Option<String>,
    String,
    String,
);

/// Reads the nine history columns starting at `first`.
pub(crate) fn history_row(r: &rusqlite::Row, first: usize) -> rusqlite::Result<HistoryRow> {
    Ok((
        r.get(first)?,
        r.get(first + 1)?,
        r.get(first + 2)?,
        r.get(first + 3)?,
        r.get(first + 4)?,
        r.get(first + 5)?,
        r.get(first + 6)?,
        r.get(first + 7)?,
        r.get(first + 8)?,
    ))
}

pub(crate) fn to_history_entry(row: HistoryRow) -> Result<HistoryEntry> {
    let (op_id, clock, author_id, name, device_id, kind, field, old, new) = row;
    let at = Hlc::parse(&clock)
        .and_then(Hlc::to_datetime)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default();
    let author_name = name.unwrap_or_else(|| {
        author_id
            .strip_prefix("os:")
            .unwrap_or(&author_id)
            .to_string()
    });
    Ok(HistoryEntry {
        op_id,
        at,
        author_id,
        author_name,
        device_id,
        kind: OpKind::parse(&kind).unwrap_or(OpKind::Unknown),
        field,
        old_value: decode_json(&old)?,
        new_value: decode_json(&new)?,
    })
}

/// Every operation of one entity, newest first, with the author's name when known.
pub fn history(
    conn: &rusqlite::Connection,
    entity: EntityKind,
    entity_id: &str,
) -> Result<Vec<HistoryEntry>> {
    let mut stmt = conn.prepare(
        "SELECT o.id, o.clock, o.author_id, p.name, o.device_id, o.kind, o.field, o.old_value, o.new_value
         FROM ops o LEFT JOIN people p ON p.id = o.author_id
         WHERE o.entity = ?1 AND o.entity_id = ?2
         ORDER BY o.clock DESC, o.device_id DESC, o.seq DESC",
    )?;
    let rows = stmt.query_map(params![entity.key(), entity_id], |r| history_row(r, 0))?;
    let mut entries = Vec::new();
    for row in rows {
        entries.push(to_history_entry(row?)?);
    }
    Ok(entries)
}

/// All operations of this catalog in log order (for sync, export and tests).
pub fn all_operations(conn: &rusqlite::Connection) -> Result<Vec<Operation>> {
    let mut stmt = conn.prepare(
        "SELECT id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, base, covers
         FROM ops ORDER BY device_id, seq",
    )?;
    read_operations(&mut stmt, [])
}

/// Operations of one device with a sequence in `from..=to`, in sequence order.
pub fn device_operations(
    conn: &rusqlite::Connection,
    device: &str,
    from: u64,
    to: u64,
) -> Result<Vec<Operation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, base, covers
         FROM ops WHERE device_id = ?1 AND seq BETWEEN ?2 AND ?3 ORDER BY seq",
    )?;
    read_operations(&mut stmt, params![device, from as i64, to as i64])
}

/// Every operation of one entity this PC holds (by the `ops_entity` index).
pub(crate) fn entity_operations(
    conn: &rusqlite::Connection,
    entity: desk_core::ops::EntityKind,
    entity_id: &str,
) -> Result<Vec<Operation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, base, covers
         FROM ops WHERE entity = ?1 AND entity_id = ?2",
    )?;
    read_operations(&mut stmt, params![entity.key(), entity_id])
}

/// One operation by its id (a primary-key lookup), when this PC holds it.
pub(crate) fn operation(conn: &rusqlite::Connection, id: &str) -> Result<Option<Operation>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, device_id, seq, clock, author_id, entity, entity_id, kind, field, old_value, new_value, base, covers
         FROM ops WHERE id = ?1",
    )?;
    Ok(read_operations(&mut stmt, params![id])?.into_iter().next())
}

fn read_operations<P: rusqlite::Params>(
    stmt: &mut rusqlite::Statement,
    params: P,
) -> Result<Vec<Operation>> {
    let rows = stmt.query_map(params, |r| {
        Ok((
            (r.get::<_, String>(11)?, r.get::<_, Option<String>>(12)?),
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, i64>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
            r.get::<_, String>(6)?,
            r.get::<_, String>(7)?,
            r.get::<_, Option<String>>(8)?,
            r.get::<_, String>(9)?,
            r.get::<_, String>(10)?,
        ))
    })?;
    let mut ops = Vec::new();
    for row in rows {
        let (
            (base, covers),
            id,
            device_id,
            seq,
            clock,
            author_id,
            entity,
            entity_id,
            kind,
            field,
            old,
            new,
        ) = row?;
        let entity_kind = EntityKind::parse(&entity).unwrap_or(EntityKind::Unknown);
        let op_kind = OpKind::parse(&kind).unwrap_or(OpKind::Unknown);
        // Names this version does not know are a newer version's (see `Operation::newer`).
        let newer = (entity_kind == EntityKind::Unknown || op_kind == OpKind::Unknown).then(|| {
            NewerNames {
                entity: entity.clone(),
                kind: kind.clone(),
            }
        });
        ops.push(Operation {
            id,
            device_id,
            seq: seq as u64,
            clock: Hlc::parse(&clock)
                .ok_or_else(|| StoreError::Decode(format!("clock {clock}")))?,
            author_id,
            entity: entity_kind,
            entity_id,
            kind: op_kind,
            field,
            old_value: decode_json(&old)?,
            new_value: decode_json(&new)?,
            base: serde_json::from_str(&base)
                .map_err(|e| StoreError::Decode(format!("operation base: {e}")))?,
            covers: covers
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| StoreError::Decode(format!("operation covers: {e}")))?,
            newer,
        });
    }
    Ok(ops)
}
