//! Deleting an item by sync: tombstones, the rule that a delete removes an item only when it
//! knew of every edit, and bringing an item back when an edit the delete did not know arrives.

use crate::catalog::{items, review};
use crate::error::{Result, StoreError};
use crate::oplog::heads::parse_json;
use desk_core::merge::{self, VersionVector};
use desk_core::model::Item;
use rusqlite::{params, Connection, OptionalExtension, Transaction};
use serde_json::Value;

pub(crate) fn is_deleted(conn: &Connection, item_id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_deleted_items WHERE item_id = ?1)")?
        .query_row(params![item_id], |r| r.get(0))?)
}

/// After a delete arrives: the item goes when some delete knew of every edit of it.
pub(crate) fn settle_deletion(tx: &Transaction, item_id: &str) -> Result<()> {
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
pub(crate) fn resurrect(tx: &Transaction, item_id: &str) -> Result<bool> {
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
