//! Writing and reading the operation log.
//!
//! A [`Recorder`] lives for one transaction: it hands out the device's next dense sequence
//! numbers and clock ticks, and writes them back to `meta` in the same transaction, so a rolled
//! back change leaves no gap and no operation behind.

pub(crate) mod cursors;
pub(crate) mod heads;
pub(crate) mod log;

use crate::db::meta::{meta_get, meta_set};
use crate::error::Result;
use desk_core::fields::{diff, FieldChange};
use desk_core::hlc::Hlc;
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
use rusqlite::Transaction;
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
                let element = heads::element_key(kind, old_value, new_value);
                heads::local_base(tx, entity, entity_id, kind, field, &element)?
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
            newer: None,
        };
        log::insert_op(tx, &op, None)?;
        if matches!(kind, OpKind::Set | OpKind::Add | OpKind::Remove) {
            heads::advance_heads(tx, &op)?;
        }
        self.next_seq += 1;
        Ok(op)
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

    /// One operation per changed field between two versions of an item.
    pub fn record_item_changes(&mut self, tx: &Transaction, old: &Item, new: &Item) -> Result<()> {
        for change in diff(old, new) {
            let (kind, field, old_value, new_value) = match change {
                FieldChange::Set { field, old, new } => (OpKind::Set, field, old, new),
                FieldChange::Add { field, element } => (OpKind::Add, field, Value::Null, element),
                FieldChange::Remove { field, element } => {
                    (OpKind::Remove, field, element, Value::Null)
                }
            };
            self.record(
                tx,
                EntityKind::Item,
                &new.id,
                kind,
                Some(field.key()),
                &old_value,
                &new_value,
            )?;
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
