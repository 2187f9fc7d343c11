use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::plan_import::{PlanImportReport, PlanImportRequest, PlanPreview};

#[tauri::command]
pub async fn preview_plan_text(
    state: tauri::State<'_, AppState>,
    text: String,
) -> Result<PlanPreview, ErrorPayload> {
    state
        .with_catalog(move |c| c.preview_plan_text(&text))
        .await
}

/// Asks for a plan file with the native dialog (`title` in the UI's language); `None` when the
/// person cancels.
#[tauri::command]
pub async fn open_plan_file(
    state: tauri::State<'_, AppState>,
    title: String,
) -> Result<Option<PlanPreview>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .add_filter(
            "计划 Plans",
            &[
                "docx", "pdf", "ofd", "xlsx", "xls", "et", "csv", "txt", "text",
            ],
        )
        .add_filter("所有文件 All files", &["*"])
        .pick_file()
        .await;
    let Some(file) = picked else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    state
        .with_catalog(move |c| c.preview_plan_file(&path))
        .await
        .map(Some)
}

#[tauri::command]
pub async fn import_plan(
    state: tauri::State<'_, AppState>,
    request: PlanImportRequest,
) -> Result<PlanImportReport, ErrorPayload> {
    state.with_catalog(move |c| c.import_plan(&request)).await
}
