//! Bundles recorded in the catalog: which export carried which items (the export mark).

use crate::error::Result;
use desk_core::export::{BundleRecord, ExportScope};
use rusqlite::params;

/// Writes a bundle and the items it carried: one this PC just recorded, or one another PC's
/// operation brings. A bundle already here is left as it is, so a replayed or reordered
/// operation changes nothing.
pub(crate) fn write_bundle(conn: &rusqlite::Connection, record: &BundleRecord) -> Result<()> {
    conn.execute(
        "INSERT OR IGNORE INTO bundles (id, created_at, created_by, scope, file_name, manifest_sha256)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            record.id,
            record.created_at,
            record.created_by,
            scope_key(record.scope),
            record.file_name,
            record.manifest_sha256
        ],
    )?;
    for item_id in &record.item_ids {
        conn.execute(
            "INSERT OR IGNORE INTO bundle_items (bundle_id, item_id) VALUES (?1, ?2)",
            params![record.id, item_id],
        )?;
    }
    Ok(())
}

fn scope_key(scope: ExportScope) -> &'static str {
    match scope {
        ExportScope::Incremental => "incremental",
        ExportScope::Full => "full",
    }
}
