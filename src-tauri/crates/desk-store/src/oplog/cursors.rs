//! How far this PC has applied each other device's operations, and its version vector.

use crate::db::meta::meta_get;
use crate::error::Result;
use desk_core::merge::VersionVector;
use rusqlite::{params, Connection, OptionalExtension};

/// How far this PC has applied each other device (its own device is not listed).
pub fn cursors(conn: &Connection) -> Result<VersionVector> {
    let mut stmt = conn.prepare_cached("SELECT device_id, seq FROM sync_cursors")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
    let mut vv = VersionVector::new();
    for row in rows {
        let (device, seq) = row?;
        vv.insert(device, seq.max(0) as u64);
    }
    Ok(vv)
}

pub fn cursor(conn: &Connection, device: &str) -> Result<u64> {
    Ok(conn
        .prepare_cached("SELECT seq FROM sync_cursors WHERE device_id = ?1")?
        .query_row(params![device], |r| r.get::<_, i64>(0))
        .optional()?
        .unwrap_or(0)
        .max(0) as u64)
}

pub(crate) fn set_cursor(tx: &Connection, device: &str, seq: u64) -> Result<()> {
    tx.prepare_cached(
        "INSERT INTO sync_cursors (device_id, seq) VALUES (?1, ?2)
         ON CONFLICT (device_id) DO UPDATE SET seq = max(seq, excluded.seq)",
    )?
    .execute(params![device, seq as i64])?;
    Ok(())
}

/// This PC's version vector: the cursors plus its own last sequence.
pub fn version_vector(conn: &Connection, device_id: &str) -> Result<VersionVector> {
    let mut vv = cursors(conn)?;
    let own: u64 = meta_get(conn, "op_seq")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    vv.insert(device_id.to_string(), own);
    Ok(vv)
}
