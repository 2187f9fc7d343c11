//! One entity created on several PCs: a department or person of the same name, a plan task
//! imported on two PCs before they synced (their ids follow from what they are, see
//! `desk_core::identity`). Every PC keeps one entity whose values do not depend on which
//! creation arrived first: a field some operation has edited shows what its operations say
//! (the heads); every other field shows the entity's first creation (earliest clock, then id).
//!
//! Cost: one lookup of the entity's creations (`ops_entity` index) and one per field or set
//! element (`sync_heads` primary key prefix), only when a creation arrives for an entity that
//! exists already.

use super::context::CachedItem;
use crate::error::{Result, StoreError};
use crate::oplog::heads::{create_op_id, element_has_heads, field_has_heads};
use desk_core::fields::{FieldShape, ItemField};
use desk_core::model::Item;
use desk_core::ops::{EntityKind, Operation};
use rusqlite::Connection;
use serde_json::Value;

/// Whether `op` is its entity's first creation among those this PC holds.
pub(crate) fn is_first_creation(conn: &Connection, op: &Operation) -> Result<bool> {
    Ok(create_op_id(conn, op.entity, &op.entity_id)?.as_deref() == Some(op.id.as_str()))
}

/// Gives `current`, an item another creation made here, the first creation's values (`first`)
/// wherever no operation has spoken; returns whether anything changed.
pub(crate) fn take_first_creation(
    conn: &Connection,
    current: &mut CachedItem,
    first: &Item,
) -> Result<bool> {
    let id = current.item.id.clone();
    let mut changed = false;
    for field in ItemField::ALL {
        let key = field.key();
        let value = match field.shape() {
            FieldShape::Register => {
                if field_has_heads(conn, EntityKind::Item, &id, key)? {
                    continue;
                }
                first.get(field)
            }
            // An element added or removed by an operation is as its operations say; the others
            // are the first creation's.
            FieldShape::Set => {
                let mut list = Vec::new();
                for element in elements(first.get(field)) {
                    if !element_has_heads(conn, EntityKind::Item, &id, key, &element.to_string())? {
                        list.push(element);
                    }
                }
                for element in elements(current.item.get(field)) {
                    if element_has_heads(conn, EntityKind::Item, &id, key, &element.to_string())?
                        && !list.contains(&element)
                    {
                        list.push(element);
                    }
                }
                Value::Array(list)
            }
        };
        if current.item.get(field) != value {
            current
                .item
                .set(field, value)
                .map_err(|e| StoreError::Decode(e.to_string()))?;
            current.changed.insert(field);
            changed = true;
        }
    }
    Ok(changed)
}

fn elements(value: Value) -> Vec<Value> {
    match value {
        Value::Array(list) => list,
        _ => Vec::new(),
    }
}
