//! A PC taking a new device id (cloned or restored): its unsent operations follow it.

use crate::db::meta::{meta_get, meta_set};
use crate::error::Result;
use crate::oplog::cursors::set_cursor;
use desk_core::merge::VersionVector;
use rusqlite::{params, OptionalExtension, Transaction};
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
            set_covers(tx, &id, &vv)?;
        }
    }
    set_cursor(tx, old_id, published)?;
    meta_set(tx, "device_id", new_id)?;
    meta_set(tx, "op_seq", &unsent.len().to_string())?;
    Ok(unsent.len() as u32)
}

/// Moves operations another PC issued again under a new id (an id clash: two PCs under one
/// device id numbered different operations alike, and the one that moved published its side
/// again): each `(old_seq, new_seq)` of `old_id` held here becomes `new_id:new_seq`, with the
/// references among the moved ones (bases, a delete's covers) following as they did on the PC
/// that moved them, and the heads, tombstones and records naming them. The old id is read again
/// from before the first moved one (its numbers there are the other PC's operations); the new
/// id counts as applied as far as it is held without a gap. An operation already held under its
/// new id (its new copy arrived first) is dropped under the old one. Returns how many moved.
pub(crate) fn rename_moved(
    tx: &Transaction,
    old_id: &str,
    new_id: &str,
    moves: &[(u64, u64)],
    own: bool,
) -> Result<u32> {
    rename(tx, old_id, new_id, moves, own)
}

/// Issues operations of `old_id` (an id this PC had before, see `take_new_device_id`) again as
/// this PC's next operations under its id `own_id`, not published yet: another PC under the old
/// id gave other operations the same numbers. Returns the pairs of old and new sequence.
pub(crate) fn reissue_into_own(
    tx: &Transaction,
    old_id: &str,
    own_id: &str,
    seqs: &[u64],
) -> Result<Vec<(u64, u64)>> {
    let last: u64 = meta_get(tx, "op_seq")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let moves: Vec<(u64, u64)> = seqs
        .iter()
        .enumerate()
        .map(|(i, &seq)| (seq, last + i as u64 + 1))
        .collect();
    rename(tx, old_id, own_id, &moves, true)?;
    tx.execute(
        "UPDATE ops SET sent_at = NULL WHERE device_id = ?1 AND seq > ?2",
        params![own_id, last as i64],
    )?;
    meta_set(tx, "op_seq", &(last + moves.len() as u64).to_string())?;
    Ok(moves)
}

fn rename(
    tx: &Transaction,
    old_id: &str,
    new_id: &str,
    moves: &[(u64, u64)],
    own: bool,
) -> Result<u32> {
    let Some(first) = moves.iter().map(|m| m.0).min() else {
        return Ok(0);
    };
    let mut renamed: HashMap<String, String> = HashMap::new();
    for &(old_seq, new_seq) in moves {
        let id = format!("{old_id}:{old_seq}");
        let new_op = format!("{new_id}:{new_seq}");
        tx.execute(
            "INSERT OR IGNORE INTO sync_moved (old_id, new_id) VALUES (?1, ?2)",
            params![id, new_op],
        )?;
        let held: bool = tx
            .query_row("SELECT count(*) FROM ops WHERE id = ?1", params![id], |r| {
                r.get::<_, i64>(0)
            })
            .map(|n| n > 0)?;
        if !held {
            continue;
        }
        let already: bool = tx
            .query_row(
                "SELECT count(*) FROM ops WHERE id = ?1",
                params![new_op],
                |r| r.get::<_, i64>(0),
            )
            .map(|n| n > 0)?;
        if already {
            tx.execute("DELETE FROM ops WHERE id = ?1", params![id])?;
            tx.execute("DELETE FROM sync_heads WHERE op_id = ?1", params![id])?;
            tx.execute("DELETE FROM sync_tombstones WHERE op_id = ?1", params![id])?;
            tx.execute("DELETE FROM sync_kept_aside WHERE op_id = ?1", params![id])?;
            continue;
        }
        tx.execute(
            "UPDATE ops SET id = ?2, device_id = ?3, seq = ?4 WHERE id = ?1",
            params![id, new_op, new_id, new_seq as i64],
        )?;
        tx.execute(
            "UPDATE sync_heads SET op_id = ?2, device_id = ?3 WHERE op_id = ?1",
            params![id, new_op, new_id],
        )?;
        for table in [
            "sync_tombstones",
            "sync_kept_aside",
            "rosters",
            "key_requests",
        ] {
            tx.execute(
                &format!("UPDATE {table} SET op_id = ?2 WHERE op_id = ?1"),
                params![id, new_op],
            )?;
        }
        renamed.insert(id, new_op);
    }
    if !renamed.is_empty() {
        let rows: Vec<(String, String, Option<String>)> = {
            let mut stmt = tx.prepare("SELECT id, base, covers FROM ops WHERE device_id = ?1")?;
            let rows =
                stmt.query_map(params![new_id], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
            rows.collect::<rusqlite::Result<_>>()?
        };
        for (id, base, covers) in rows {
            if !renamed.values().any(|n| *n == id) {
                continue;
            }
            // A moved operation naming another moved one (by the old id it was published
            // under) names it by its new id, as the PC that moved them rewrote it; the other one
            // may have been moved here in an earlier round.
            let list: Vec<String> = serde_json::from_str(&base).unwrap_or_default();
            let mut mapped: Vec<String> = Vec::with_capacity(list.len());
            for b in &list {
                let moved_to: Option<String> = match renamed.get(b) {
                    Some(new_op) => Some(new_op.clone()),
                    None => tx
                        .prepare_cached(
                            "SELECT new_id FROM sync_moved WHERE old_id = ?1 AND new_id LIKE ?2 ORDER BY new_id LIMIT 1",
                        )?
                        .query_row(params![b, format!("{new_id}:%")], |r| r.get(0))
                        .optional()?,
                };
                mapped.push(moved_to.unwrap_or_else(|| b.clone()));
            }
            if mapped != list {
                tx.execute(
                    "UPDATE ops SET base = ?2 WHERE id = ?1",
                    params![id, serde_json::to_string(&mapped).unwrap_or_default()],
                )?;
            }
            // As on the PC that moved them (see `rekey_device`): what a moved delete covered of
            // the old id from `first` on is covered under the new id, up to where the last
            // operation it covered went.
            if let Some(covers) = covers {
                let mut vv: VersionVector = serde_json::from_str(&covers).unwrap_or_default();
                let kept = first.saturating_sub(1);
                if let Some(seq) = vv.get(old_id).copied() {
                    if seq > kept {
                        let last = format!("{old_id}:{seq}");
                        let went: Option<String> = match renamed.get(&last) {
                            Some(new_op) => Some(new_op.clone()),
                            None => tx
                                .prepare_cached(
                                    "SELECT new_id FROM sync_moved WHERE old_id = ?1 AND new_id LIKE ?2 ORDER BY new_id LIMIT 1",
                                )?
                                .query_row(params![last, format!("{new_id}:%")], |r| r.get(0))
                                .optional()?,
                        };
                        vv.insert(old_id.to_string(), kept);
                        if let Some(new_seq) = went.and_then(|w| {
                            w.rsplit_once(':').and_then(|(_, n)| n.parse::<u64>().ok())
                        }) {
                            let entry = vv.entry(new_id.to_string()).or_insert(0);
                            *entry = (*entry).max(new_seq);
                        }
                        set_covers(tx, &id, &vv)?;
                    }
                }
            }
        }
    }
    // The old id is read again from before the first moved operation; cuts recorded of its
    // segments from there on were the moved side's.
    tx.execute(
        "UPDATE sync_cursors SET seq = min(seq, ?2) WHERE device_id = ?1",
        params![old_id, first.saturating_sub(1) as i64],
    )?;
    tx.execute(
        "DELETE FROM sync_segments WHERE device_id = ?1 AND last_seq >= ?2",
        params![old_id, first as i64],
    )?;
    let held: Vec<i64> = {
        let mut stmt = tx.prepare("SELECT seq FROM ops WHERE device_id = ?1 ORDER BY seq")?;
        let rows = stmt.query_map(params![new_id], |r| r.get(0))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut through = 0i64;
    for seq in held {
        if seq == through + 1 {
            through = seq;
        } else if seq > through + 1 {
            break;
        }
    }
    if through > 0 && !own {
        set_cursor(tx, new_id, through as u64)?;
    }
    Ok(renamed.len() as u32)
}

/// Writes what a delete covers to its operation and its tombstone alike.
fn set_covers<V: serde::Serialize>(tx: &Transaction, id: &str, covers: &V) -> Result<()> {
    let text = serde_json::to_string(covers).unwrap_or_default();
    tx.execute(
        "UPDATE ops SET covers = ?2 WHERE id = ?1",
        params![id, text],
    )?;
    tx.execute(
        "UPDATE sync_tombstones SET covers = ?2 WHERE op_id = ?1",
        params![id, text],
    )?;
    Ok(())
}
