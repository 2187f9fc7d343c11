//! What the status area and `desk sync status` show, read from what the last round recorded.

use super::*;

/// What the status bar shows, from what the last round stored.
pub fn status(catalog: &Catalog) -> Result<SyncStatus, SyncError> {
    let parse = |key: &str| -> Result<Option<String>, SyncError> {
        Ok(catalog.sync_value(key)?.filter(|s| !s.is_empty()))
    };
    Ok(SyncStatus {
        device_id: catalog.device_id().to_string(),
        catalog_id: catalog.catalog_id()?,
        folder: parse("folder")?,
        last_sync: parse("last_sync")?,
        last_error: parse("last_error")?,
        ops_waiting_to_go_out: catalog.outbox_len()?,
        conflicts: catalog.conflicts()?.len() as u32,
        duplicate_index_numbers: catalog.duplicate_index_numbers()?,
        clock_warnings: parse("clock_warnings")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        waiting: parse("waiting")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        damaged: parse("damaged")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        cursors: catalog
            .sync_cursors()?
            .into_iter()
            .map(|(device_id, seq)| DeviceCount {
                device_id,
                ops: seq.min(u32::MAX as u64) as u32,
            })
            .collect(),
        kept_aside: catalog.kept_aside()?,
    })
}
