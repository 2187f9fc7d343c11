use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::ipc::AppInfo;
use desk_core::model::{Category, Department, Person};
use desk_core::settings::CatalogSettings;

#[tauri::command]
pub async fn list_departments(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<Department>, ErrorPayload> {
    state.with_catalog(|c| c.departments()).await
}

#[tauri::command]
pub async fn save_department(
    state: tauri::State<'_, AppState>,
    department: Department,
) -> Result<Department, ErrorPayload> {
    state
        .with_catalog(move |c| c.save_department(department))
        .await
}

#[tauri::command]
pub async fn list_people(state: tauri::State<'_, AppState>) -> Result<Vec<Person>, ErrorPayload> {
    state.with_catalog(|c| c.people()).await
}

#[tauri::command]
pub async fn save_person(
    state: tauri::State<'_, AppState>,
    person: Person,
) -> Result<Person, ErrorPayload> {
    state.with_catalog(move |c| c.save_person(person)).await
}

#[tauri::command]
pub async fn set_current_person(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<AppInfo, ErrorPayload> {
    let log_dir = state.log_dir.clone();
    state
        .with_catalog(move |c| {
            c.set_current_person(&id)?;
            c.app_info(env!("CARGO_PKG_VERSION"), &log_dir)
        })
        .await
}

#[tauri::command]
pub async fn list_categories(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<Category>, ErrorPayload> {
    state.with_catalog(|c| c.categories()).await
}

#[tauri::command]
pub async fn get_settings(
    state: tauri::State<'_, AppState>,
) -> Result<CatalogSettings, ErrorPayload> {
    state.with_catalog(|c| Ok(c.settings().clone())).await
}

#[tauri::command]
pub async fn save_settings(
    state: tauri::State<'_, AppState>,
    settings: CatalogSettings,
) -> Result<CatalogSettings, ErrorPayload> {
    state.with_catalog(move |c| c.save_settings(settings)).await
}
