//! Loading a whole snapshot into an empty catalog: the secondary indexes built once at the end.

use crate::error::Result;
use rusqlite::{Connection, Transaction};

/// Whether the catalog holds nothing sync could meet: no item, no operation, no sync state.
pub(crate) fn catalog_is_empty(conn: &Connection) -> Result<bool> {
    Ok(conn.query_row(
        "SELECT NOT EXISTS (SELECT 1 FROM items) AND NOT EXISTS (SELECT 1 FROM ops)
             AND NOT EXISTS (SELECT 1 FROM sync_heads) AND NOT EXISTS (SELECT 1 FROM sync_tombstones)
             AND NOT EXISTS (SELECT 1 FROM sync_deleted_items)",
        [],
        |r| r.get(0),
    )?)
}

/// The one secondary index applying reads (an item's operations, for deletes and bases).
pub(crate) const INDEXES_KEPT_IN_BULK: &[&str] = &["ops_entity"];

/// Drops the secondary indexes of items, their sets and the log (as the schema defines them
/// now, whatever migrations added) and returns the statements that make them again.
pub(crate) fn drop_bulk_indexes(tx: &Transaction) -> Result<Vec<String>> {
    let indexes: Vec<(String, String)> = {
        let mut stmt = tx.prepare(
            "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL
             AND tbl_name IN ('items', 'item_sets', 'ops') ORDER BY name",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut rebuild = Vec::new();
    for (name, sql) in indexes {
        if INDEXES_KEPT_IN_BULK.contains(&name.as_str()) {
            continue;
        }
        tx.execute_batch(&format!("DROP INDEX \"{}\"", name.replace('"', "\"\"")))?;
        rebuild.push(sql);
    }
    Ok(rebuild)
}
