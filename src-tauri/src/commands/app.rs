use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::ipc::AppInfo;

#[tauri::command]
pub async fn app_info(state: tauri::State<'_, AppState>) -> Result<AppInfo, ErrorPayload> {
    let log_dir = state.log_dir.clone();
    state
        .with_catalog(move |c| c.app_info(env!("CARGO_PKG_VERSION"), &log_dir))
        .await
}
