//! Sync: the status, a round now, the shared folder, conflicts. The rounds themselves run on the
//! background worker (`crate::sync`), never on the window's catalog.

use crate::state::AppState;
use crate::sync::SyncWorker;
use desk_core::error::ErrorPayload;
use desk_core::sync::{Conflict, SyncReport, SyncStatus};

#[tauri::command]
pub async fn sync_status(state: tauri::State<'_, AppState>) -> Result<SyncStatus, ErrorPayload> {
    state
        .with_catalog_payload(|c| desk_sync::status(c).map_err(|e| e.payload()))
        .await
}

/// Runs a round now and answers with what it did (the status follows as an event).
#[tauri::command]
pub async fn sync_now(worker: tauri::State<'_, SyncWorker>) -> Result<SyncReport, ErrorPayload> {
    let worker = worker.inner().clone();
    tauri::async_runtime::spawn_blocking(move || worker.round_now())
        .await
        .map_err(|e| ErrorPayload::new("internal", e.to_string()))?
}

/// Stores the shared folder this PC syncs with (it survives a restart) and asks for a round; the
/// round joins the catalog in the folder or creates one there.
#[tauri::command]
pub async fn set_sync_folder(
    state: tauri::State<'_, AppState>,
    worker: tauri::State<'_, SyncWorker>,
    folder: String,
) -> Result<(), ErrorPayload> {
    let folder = folder.trim().to_string();
    if folder.is_empty() {
        return Err(ErrorPayload::new(
            "sync_no_folder",
            "no shared folder given: type or choose one",
        ));
    }
    state
        .with_catalog(move |c| c.set_sync_value("folder", &folder))
        .await?;
    worker.request()
}

/// Asks for the shared folder with the native dialog (`title` in the UI's language); `None` when
/// the person cancels.
#[tauri::command]
pub async fn pick_sync_folder(title: String) -> Result<Option<String>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .pick_folder()
        .await;
    Ok(picked.map(|f| f.path().display().to_string()))
}

#[tauri::command]
pub async fn list_conflicts(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<Conflict>, ErrorPayload> {
    state.with_catalog(|c| c.conflicts()).await
}

/// Keeps one value of a conflict; the settlement is an operation and goes out with the next round.
#[tauri::command]
pub async fn settle_conflict(
    state: tauri::State<'_, AppState>,
    key: String,
    op_id: String,
) -> Result<(), ErrorPayload> {
    state
        .with_catalog(move |c| c.settle_conflict(&key, &op_id))
        .await
}
