use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::ipc::AppInfo;

#[tauri::command]
pub async fn app_info<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
) -> Result<AppInfo, ErrorPayload> {
    let log_dir = state.log_dir.clone();
    // The packaged version (tauri.conf.json), which the updater compares, not the crate's.
    let version = app.package_info().version.to_string();
    state
        .with_catalog(move |c| c.app_info(&version, &log_dir))
        .await
}

/// The person keeps the sample, with their changes, as this PC's catalog.
#[tauri::command]
pub async fn keep_sample<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
) -> Result<AppInfo, ErrorPayload> {
    let log_dir = state.log_dir.clone();
    let version = app.package_info().version.to_string();
    state
        .with_catalog(move |c| {
            c.keep_sample()?;
            c.app_info(&version, &log_dir)
        })
        .await
}

/// The person starts with an empty catalog instead of the sample (or removes an edited sample
/// before joining the office's shared folder).
#[tauri::command]
pub async fn discard_sample<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
) -> Result<AppInfo, ErrorPayload> {
    let log_dir = state.log_dir.clone();
    let version = app.package_info().version.to_string();
    state
        .with_catalog(move |c| {
            c.discard_sample()?;
            c.app_info(&version, &log_dir)
        })
        .await
}
