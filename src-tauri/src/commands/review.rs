//! Review commands: checklists, workflow actions, templates, attachments, progress and the log.
//! A file dialog's title comes from the UI, already in the person's language.

use crate::state::AppState;
use desk_core::checklist::{CheckState, ChecklistTemplate};
use desk_core::error::ErrorPayload;
use desk_core::model::Item;
use desk_core::pii::PiiHit;
use desk_core::query::{AuditPage, AuditQuery, DepartmentProgress};
use desk_core::review::ItemReview;
use desk_core::workflow::Action;
use tauri_plugin_opener::OpenerExt;

#[tauri::command]
pub async fn item_review(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<ItemReview, ErrorPayload> {
    state
        .with_catalog(move |c| c.item_review(&id, super::today()))
        .await
}

#[tauri::command]
pub async fn mark_check(
    state: tauri::State<'_, AppState>,
    id: String,
    key: String,
    check_state: CheckState,
    note: String,
) -> Result<ItemReview, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.mark_check(&id, &key, check_state, &note)?;
            c.item_review(&id, super::today())
        })
        .await
}

/// Passes every pending check no automatic rule objects to, in one confirmed step.
#[tauri::command]
pub async fn pass_pending_checks(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<ItemReview, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.pass_pending_checks(&id)?;
            c.item_review(&id, super::today())
        })
        .await
}

/// A workflow action as the current person; `text` is the reason (or the published address).
#[tauri::command]
pub async fn act_on_item(
    state: tauri::State<'_, AppState>,
    id: String,
    action: Action,
    text: String,
) -> Result<Item, ErrorPayload> {
    state.with_catalog(move |c| c.act(&id, action, &text)).await
}

#[tauri::command]
pub async fn upgrade_checklist(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<ItemReview, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.upgrade_checklist(&id)?;
            c.item_review(&id, super::today())
        })
        .await
}

#[tauri::command]
pub async fn apply_masks(
    state: tauri::State<'_, AppState>,
    id: String,
    hits: Vec<PiiHit>,
) -> Result<Item, ErrorPayload> {
    state.with_catalog(move |c| c.apply_masks(&id, &hits)).await
}

#[tauri::command]
pub async fn list_templates(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<ChecklistTemplate>, ErrorPayload> {
    state.with_catalog(|c| c.templates()).await
}

#[tauri::command]
pub async fn template_versions(
    state: tauri::State<'_, AppState>,
    id: String,
) -> Result<Vec<ChecklistTemplate>, ErrorPayload> {
    state.with_catalog(move |c| c.template_versions(&id)).await
}

#[tauri::command]
pub async fn save_template(
    state: tauri::State<'_, AppState>,
    template: ChecklistTemplate,
) -> Result<ChecklistTemplate, ErrorPayload> {
    state.with_catalog(move |c| c.save_template(template)).await
}

/// Asks for files with the native dialog and attaches them; `None` when the person cancels.
#[tauri::command]
pub async fn add_attachments(
    state: tauri::State<'_, AppState>,
    id: String,
    title: String,
) -> Result<Option<Item>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .pick_files()
        .await;
    let Some(files) = picked else {
        return Ok(None);
    };
    let paths: Vec<std::path::PathBuf> = files.iter().map(|f| f.path().to_path_buf()).collect();
    state
        .with_catalog(move |c| {
            let mut item = c.item(&id)?;
            for path in &paths {
                item = c.add_attachment(&id, path)?;
            }
            Ok(item)
        })
        .await
        .map(Some)
}

#[tauri::command]
pub async fn remove_attachment(
    state: tauri::State<'_, AppState>,
    id: String,
    sha256: String,
) -> Result<Item, ErrorPayload> {
    state
        .with_catalog(move |c| c.remove_attachment(&id, &sha256))
        .await
}

/// Opens a checked copy of the attachment with the system's program for its type.
#[tauri::command]
pub async fn open_attachment<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    id: String,
    sha256: String,
) -> Result<(), ErrorPayload> {
    let path = state
        .with_catalog(move |c| c.attachment_for_opening(&id, &sha256))
        .await?;
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| {
            ErrorPayload::new(
                "attachment_open_failed",
                format!(
                    "no program could open {}: {e}; save the file out and open it yourself",
                    path.display()
                ),
            )
        })
}

/// Saves the attachment out where the person chooses; the path, or `None` when cancelled.
#[tauri::command]
pub async fn save_attachment(
    state: tauri::State<'_, AppState>,
    id: String,
    sha256: String,
    name: String,
    title: String,
) -> Result<Option<String>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(desk_store::attachments::safe_file_name(&name))
        .save_file()
        .await;
    let Some(file) = picked else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    state
        .with_catalog(move |c| {
            c.save_attachment_to(&id, &sha256, &path)?;
            Ok(Some(path.display().to_string()))
        })
        .await
}

#[tauri::command]
pub async fn department_progress(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<DepartmentProgress>, ErrorPayload> {
    state
        .with_catalog(|c| c.department_progress(super::today()))
        .await
}

#[tauri::command]
pub async fn audit_log(
    state: tauri::State<'_, AppState>,
    query: AuditQuery,
) -> Result<AuditPage, ErrorPayload> {
    state.with_catalog(move |c| c.audit_log(&query)).await
}

/// Writes the filtered log as CSV where the person chooses; the path, or `None` when cancelled.
#[tauri::command]
pub async fn export_audit_csv(
    state: tauri::State<'_, AppState>,
    query: AuditQuery,
    title: String,
) -> Result<Option<String>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(format!("操作日志-{}.csv", super::today()))
        .add_filter("CSV", &["csv"])
        .save_file()
        .await;
    let Some(file) = picked else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    state
        .with_catalog(move |c| {
            let csv = c.audit_csv(&query)?;
            desk_store::save_whole(&path, csv.as_bytes())?;
            Ok(Some(path.display().to_string()))
        })
        .await
}

#[tauri::command]
pub async fn list_calendar_years(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<desk_core::workdays::CalendarYear>, ErrorPayload> {
    state.with_catalog(|c| c.calendar_years()).await
}

#[tauri::command]
pub async fn save_calendar_year(
    state: tauri::State<'_, AppState>,
    text: String,
) -> Result<desk_core::workdays::CalendarYear, ErrorPayload> {
    state
        .with_catalog(move |c| c.save_calendar_year(&text))
        .await
}

#[tauri::command]
pub async fn save_calendar_days(
    state: tauri::State<'_, AppState>,
    year: i32,
    days: Vec<desk_core::workdays::CalendarDay>,
) -> Result<desk_core::workdays::CalendarYear, ErrorPayload> {
    state
        .with_catalog(move |c| c.save_calendar_days(year, &days))
        .await
}

#[tauri::command]
pub async fn reset_calendar_year(
    state: tauri::State<'_, AppState>,
    year: i32,
) -> Result<(), ErrorPayload> {
    state
        .with_catalog(move |c| c.reset_calendar_year(year))
        .await
}
