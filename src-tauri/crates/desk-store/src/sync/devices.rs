//! A PC taking a new device id (cloned or restored): its unsent operations follow it.

use crate::db::meta::meta_set;
use crate::error::Result;
use crate::oplog::cursors::set_cursor;
use desk_core::merge::VersionVector;
use rusqlite::{params, Transaction};
use std::collections::HashMap;

/// Gives this PC a new device id: its operations not yet published (sequence above
/// `published`) move to the new id, renumbered from 1, with every reference to them (bases,
/// heads) following; the old id becomes a remote device applied up to `published`.
pub(crate) fn rekey_device(
    tx: &Transaction,
    old_id: &str,
    new_id: &str,
    published: u64,
) -> Result<u32> {
    let unsent: Vec<(String, i64)> = {
        let mut stmt =
            tx.prepare("SELECT id, seq FROM ops WHERE device_id = ?1 AND seq > ?2 ORDER BY seq")?;
        let rows = stmt.query_map(params![old_id, published as i64], |r| {
            Ok((r.get(0)?, r.get(1)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut renamed: HashMap<String, String> = HashMap::new();
    for (index, (id, _)) in unsent.iter().enumerate() {
        let seq = index as i64 + 1;
        let new_op = format!("{new_id}:{seq}");
        tx.execute(
            "UPDATE ops SET id = ?2, device_id = ?3, seq = ?4 WHERE id = ?1",
            params![id, new_op, new_id, seq],
        )?;
        tx.execute(
            "UPDATE sync_heads SET op_id = ?2, device_id = ?3 WHERE op_id = ?1",
            params![id, new_op, new_id],
        )?;
        tx.execute(
            "UPDATE sync_tombstones SET op_id = ?2 WHERE op_id = ?1",
            params![id, new_op],
        )?;
        renamed.insert(id.clone(), new_op);
    }
    if !renamed.is_empty() {
        // Bases naming a renamed operation (only the unsent ones can).
        let rows: Vec<(String, String)> = {
            let mut stmt = tx.prepare("SELECT id, base FROM ops WHERE device_id = ?1")?;
            let rows = stmt.query_map(params![new_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, base) in rows {
            let list: Vec<String> = serde_json::from_str(&base).unwrap_or_default();
            let mapped: Vec<String> = list
                .iter()
                .map(|b| renamed.get(b).cloned().unwrap_or_else(|| b.clone()))
                .collect();
            if mapped != list {
                tx.execute(
                    "UPDATE ops SET base = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(&mapped).unwrap_or_default()],
                )?;
            }
        }
        // A delete's version vector counted the old id's unsent operations: they are now the
        // new id's.
        let rows: Vec<(String, String)> = {
            let mut stmt = tx.prepare(
                "SELECT id, covers FROM ops WHERE device_id = ?1 AND covers IS NOT NULL",
            )?;
            let rows = stmt.query_map(params![new_id], |r| Ok((r.get(0)?, r.get(1)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, covers) in rows {
            let mut vv: VersionVector = serde_json::from_str(&covers).unwrap_or_default();
            if let Some(seq) = vv.get(old_id).copied() {
                if seq > published {
                    vv.insert(old_id.to_string(), published);
                    vv.insert(new_id.to_string(), seq - published);
                }
            }
            let text = serde_json::to_string(&vv).unwrap_or_default();
            tx.execute(
                "UPDATE ops SET covers = ?2 WHERE id = ?1",
                params![id, text],
            )?;
            tx.execute(
                "UPDATE sync_tombstones SET covers = ?2 WHERE op_id = ?1",
                params![id, text],
            )?;
        }
    }
    set_cursor(tx, old_id, published)?;
    meta_set(tx, "device_id", new_id)?;
    meta_set(tx, "op_seq", &unsent.len().to_string())?;
    Ok(unsent.len() as u32)
}
