//! Writing the winner of a register or set element into the tables the app reads.

use super::context::{decode_value, ApplyContext, ItemCache};
use crate::catalog::registry;
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::oplog::heads::parse_json;
use desk_core::fields::{FieldShape, ItemField};
use desk_core::merge::{self, Head};
use desk_core::model::{Department, Person};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::settings::CatalogSettings;
use rusqlite::{params, Connection, Transaction};
use serde_json::Value;

pub(crate) fn write_registry(tx: &Connection, entity: EntityKind, value: &Value) -> Result<()> {
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

pub(crate) fn materialize_setting(
    tx: &Connection,
    entity_id: &str,
    field: &str,
    value: &Value,
) -> Result<()> {
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
pub(crate) fn materialize_item_field(
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
