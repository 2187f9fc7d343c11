//! The `meta` table: the catalog's own facts (its id, this PC's device id, counters, settings).

use crate::error::{Result, StoreError};
use rusqlite::{params, OptionalExtension};

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

/// The catalog's id (the same on every PC that shares it).
pub(crate) fn catalog_id(conn: &rusqlite::Connection) -> Result<String> {
    meta_get(conn, "catalog_id")?.ok_or_else(|| StoreError::Decode("the catalog has no id".into()))
}

/// The office's edited or added calendar years, from `meta`.
pub(crate) fn calendar_overrides(conn: &rusqlite::Connection) -> Result<Vec<(i32, String)>> {
    let mut stmt =
        conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'calendar:%' ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut years = Vec::new();
    for row in rows {
        let (key, text) = row?;
        if let Some(year) = key.strip_prefix("calendar:").and_then(|y| y.parse().ok()) {
            years.push((year, text));
        }
    }
    Ok(years)
}
