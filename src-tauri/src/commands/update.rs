//! Update commands: where updates come from, look for one, install it, restart.

use crate::update::UpdateState;
use desk_core::error::ErrorPayload;
use desk_update::ipc::{UpdateCheck, UpdateProgress, UpdateSettings};
use tauri::ipc::Channel;

#[tauri::command]
pub async fn update_settings(
    state: tauri::State<'_, UpdateState>,
) -> Result<UpdateSettings, ErrorPayload> {
    Ok(state.settings()?)
}

#[tauri::command]
pub async fn check_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, UpdateState>,
) -> Result<UpdateCheck, ErrorPayload> {
    state.check(&app).await
}

#[tauri::command]
pub async fn install_update<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, UpdateState>,
    on_progress: Channel<UpdateProgress>,
) -> Result<(), ErrorPayload> {
    state
        .install(&app, move |p| {
            if let Err(e) = on_progress.send(p) {
                log::warn!("update progress not delivered: {e}");
            }
        })
        .await
}

/// Restarts into the installed version (the window asked the person first).
#[tauri::command]
pub fn restart_app<R: tauri::Runtime>(app: tauri::AppHandle<R>) {
    log::info!("restarting after an update");
    app.restart();
}
