//! Writing and reading the operation log.
//!
//! A [`Recorder`] lives for one transaction: it hands out the device's next dense sequence
//! numbers and clock ticks, and writes them back to `meta` in the same transaction, so a rolled
//! back change leaves no gap and no operation behind.

use crate::error::{Result, StoreError};
use desk_core::hlc::Hlc;
use desk_core::ops::{EntityKind, HistoryEntry, OpKind, Operation};
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;

/// What an operation overwrote, when the caller knows better than the heads, and a delete's
/// version vector.
#[derive(Debug, Clone, Default)]
pub struct Extra {
    pub base: Option<Vec<String>>,
    pub covers: Option<desk_core::merge::VersionVector>,
}

pub struct Recorder {
    device_id: String,
    author_id: String,
    next_seq: u64,
    clock: Hlc,
}

pub fn now_ms() -> i64 {
    crate::clock::now_ms()
}

pub(crate) fn meta_get(tx: &rusqlite::Connection, key: &str) -> Result<Option<String>> {
    Ok(tx
        .query_row("SELECT value FROM meta WHERE key = ?1", params![key], |r| {
            r.get(0)
        })
        .optional()?)
}

pub(crate) fn meta_set(tx: &rusqlite::Connection, key: &str, value: &str) -> Result<()> {
    tx.execute(
        "INSERT INTO meta (key, value) VALUES (?1, ?2) ON CONFLICT (key) DO UPDATE SET value = excluded.value",
        params![key, value],
    )?;
    Ok(())
}

impl Recorder {
    pub fn begin(tx: &Transaction, device_id: &str, author_id: &str) -> Result<Recorder> {
        let last_seq: u64 = meta_get(tx, "op_seq")?
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        let clock = meta_get(tx, "clock")?
            .and_then(|s| Hlc::parse(&s))
            .unwrap_or(Hlc::ZERO);
        Ok(Recorder {
            device_id: device_id.to_string(),
            author_id: author_id.to_string(),
            next_seq: last_seq + 1,
            clock,
        })
    }

    pub fn author_id(&self) -> &str {
        &self.author_id
    }

    /// The time of the latest operation recorded, to the millisecond (an item's `updated_at`).
    pub fn last_op_time(&self) -> String {
        self.clock
            .to_datetime()
            .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
            .unwrap_or_default()
    }

    /// The clock of the latest operation recorded (or the stored one when none yet).
    pub fn clock(&self) -> Hlc {
        self.clock
    }

    #[allow(clippy::too_many_arguments)]
    pub fn record(
        &mut self,
        tx: &Transaction,
        entity: EntityKind,
        entity_id: &str,
        kind: OpKind,
        field: Option<&str>,
        old_value: &Value,
        new_value: &Value,
    ) -> Result<Operation> {
        self.record_with(
            tx,
            entity,
            entity_id,
            kind,
            field,
            old_value,
            new_value,
            Extra::default(),
        )
    }

    /// Records an operation; `extra` overrides what it overwrites (a settlement names every
    /// head) or carries a delete's version vector. Without an override, a `set` overwrites the
    /// register's current winner and an `add`/`remove` every current operation on the element,
    /// and the register's heads move past the new operation in the same transaction.
    #[allow(clippy::too_many_arguments)]
    pub fn record_with(
        &mut self,
        tx: &Transaction,
        entity: EntityKind,
        entity_id: &str,
        kind: OpKind,
        field: Option<&str>,
        old_value: &Value,
        new_value: &Value,
        extra: Extra,
    ) -> Result<Operation> {
        self.clock = self.clock.tick(now_ms());
        let base = match (extra.base, field) {
            (Some(base), _) => base,
            (None, Some(field)) => {
                let element = crate::sync_apply::element_key(kind, old_value, new_value);
                crate::sync_apply::local_base(tx, entity, entity_id, kind, field, &element)?
            }
            (None, None) => Vec::new(),
        };
        let op = Operation {
            id: format!("{}:{}", self.device_id, self.next_seq),
            device_id: self.device_id.clone(),
            seq: self.next_seq,
            clock: self.clock,
            author_id: self.author_id.clone(),
            entity,
            entity_id: entity_id.to_string(),
            kind,
            field: field.map(String::from),
            old_value: old_value.clone(),
            new_value: new_value.clone(),
            base,
            covers: extra.covers,
        };
        crate::sync_apply::insert_op(tx, &op, None)?;
        if matches!(kind, OpKind::Set | OpKind::Add | OpKind::Remove) {
            crate::sync_apply::advance_heads(tx, &op)?;
        }
        self.next_seq += 1;
        Ok(op)
    }

    /// The sequence the next operation will get.
    pub fn next_seq(&self) -> u64 {
        self.next_seq
    }

    /// Records an entity's creation, or one `set` per changed top-level JSON field.
    pub fn record_entity<T: serde::Serialize>(
        &mut self,
        tx: &Transaction,
        entity: EntityKind,
        id: &str,
        old: Option<&T>,
        new: &T,
    ) -> Result<()> {
        let new_json = serde_json::to_value(new).unwrap_or(Value::Null);
        match old.map(|o| serde_json::to_value(o).unwrap_or(Value::Null)) {
            None => {
                self.record(
                    tx,
                    entity,
                    id,
                    OpKind::Create,
                    None,
                    &Value::Null,
                    &new_json,
                )?;
            }
            Some(Value::Object(old_fields)) => {
                if let Value::Object(new_fields) = &new_json {
                    for (key, value) in new_fields {
                        let before = old_fields.get(key).cloned().unwrap_or(Value::Null);
                        if &before != value {
                            self.record(tx, entity, id, OpKind::Set, Some(key), &before, value)?;
                        }
                    }
                }
            }
            Some(_) => {}
        }
        Ok(())
    }

    /// Stores the counters; call before committing.
    pub fn finish(self, tx: &Transaction) -> Result<()> {
        meta_set(tx, "op_seq", &(self.next_seq - 1).to_string())?;
        meta_set(tx, "clock", &self.clock.to_string())?;
        Ok(())
    }
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
        kind: OpKind::parse(&kind)
            .ok_or_else(|| StoreError::Decode(format!("operation kind {kind}")))?,
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
        ops.push(Operation {
            id,
            device_id,
            seq: seq as u64,
            clock: Hlc::parse(&clock)
                .ok_or_else(|| StoreError::Decode(format!("clock {clock}")))?,
            author_id,
            entity: EntityKind::parse(&entity)
                .ok_or_else(|| StoreError::Decode(format!("entity {entity}")))?,
            entity_id,
            kind: OpKind::parse(&kind).ok_or_else(|| StoreError::Decode(format!("kind {kind}")))?,
            field,
            old_value: decode_json(&old)?,
            new_value: decode_json(&new)?,
            base: serde_json::from_str(&base)
                .map_err(|e| StoreError::Decode(format!("operation base: {e}")))?,
            covers: covers
                .map(|c| serde_json::from_str(&c))
                .transpose()
                .map_err(|e| StoreError::Decode(format!("operation covers: {e}")))?,
        });
    }
    Ok(ops)
}
