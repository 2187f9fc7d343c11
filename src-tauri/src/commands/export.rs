//! Export commands: bundles for the web team (with progress events and cancellation), their
//! verification, publication feedback, the ledger and the annual figures. Each asks for a file
//! with the native dialog where a person chooses one, then calls `desk-export`. A dialog's title
//! comes from the UI, already in the person's language.

use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::export::{
    AnnualFigures, BundleRecord, ExportPreview, ExportReport, ExportScope, FeedbackReport,
    LedgerReport, VerifyReport,
};
use desk_export::bundle::{self, ExportOptions};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use tauri::Emitter;

/// The cancel switch of the export that is running (one at a time).
#[derive(Default)]
pub struct ExportJobs {
    cancel: std::sync::Mutex<Option<Arc<AtomicBool>>>,
}

fn scope(full: bool) -> ExportScope {
    if full {
        ExportScope::Full
    } else {
        ExportScope::Incremental
    }
}

/// A path the person typed or chose: absolute, ending in `extension`.
fn chosen_path(path: &str, extension: &str) -> Result<PathBuf, ErrorPayload> {
    let path = PathBuf::from(path.trim());
    let fits = path.is_absolute()
        && path
            .extension()
            .is_some_and(|e| e.eq_ignore_ascii_case(extension))
        && !path
            .components()
            .any(|c| matches!(c, std::path::Component::ParentDir));
    if fits {
        Ok(path)
    } else {
        Err(ErrorPayload::new(
            "invalid_path",
            format!("choose a full path ending in .{extension}"),
        ))
    }
}

#[tauri::command]
pub async fn export_preview(
    state: tauri::State<'_, AppState>,
    full: bool,
) -> Result<ExportPreview, ErrorPayload> {
    state
        .with_catalog_payload(move |c| bundle::preview(c, scope(full)).map_err(|e| e.payload()))
        .await
}

/// Asks where to save a bundle; `None` when the person cancels. `title` is in the UI's language.
#[tauri::command]
pub async fn choose_bundle_destination(title: String) -> Option<String> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(format!("政务公开导出包-{}.zip", super::today()))
        .add_filter("Zip", &["zip"])
        .save_file()
        .await
        .map(|f| f.path().display().to_string())
}

/// Asks for a bundle (or a feedback file) to open; `None` when the person cancels.
#[tauri::command]
pub async fn choose_file(kind: String, title: String) -> Option<String> {
    let dialog = rfd::AsyncFileDialog::new().set_title(title);
    let dialog = match kind.as_str() {
        "feedback" => dialog.add_filter("CSV / JSON", &["csv", "json"]),
        _ => dialog.add_filter("Zip", &["zip"]),
    };
    dialog
        .pick_file()
        .await
        .map(|f| f.path().display().to_string())
}

/// Writes a bundle to `path`, sending `export-progress` events; `cancel_export` stops it.
#[tauri::command]
pub async fn export_bundle<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    jobs: tauri::State<'_, ExportJobs>,
    full: bool,
    path: String,
    overwrite: bool,
) -> Result<ExportReport, ErrorPayload> {
    let out = chosen_path(&path, "zip")?;
    let cancel = Arc::new(AtomicBool::new(false));
    if let Ok(mut slot) = jobs.cancel.lock() {
        *slot = Some(cancel.clone());
    }
    let result = state
        .with_catalog_payload(move |c| {
            let options = ExportOptions {
                scope: scope(full),
                out: &out,
                overwrite,
            };
            let mut progress = |p: &desk_core::export::ExportProgress| {
                let _ = app.emit("export-progress", p);
            };
            bundle::export(c, &options, &mut progress, &cancel).map_err(|e| e.payload())
        })
        .await;
    if let Ok(mut slot) = jobs.cancel.lock() {
        *slot = None;
    }
    result
}

#[tauri::command]
pub fn cancel_export(jobs: tauri::State<'_, ExportJobs>) {
    if let Ok(slot) = jobs.cancel.lock() {
        if let Some(cancel) = slot.as_ref() {
            cancel.store(true, Ordering::Relaxed);
        }
    }
}

#[tauri::command]
pub async fn list_bundles(
    state: tauri::State<'_, AppState>,
) -> Result<Vec<BundleRecord>, ErrorPayload> {
    state.with_catalog(|c| c.bundles()).await
}

/// Verifies a bundle (needs no catalog: the web team's side).
#[tauri::command]
pub async fn verify_bundle(
    state: tauri::State<'_, AppState>,
    path: String,
) -> Result<VerifyReport, ErrorPayload> {
    let path = chosen_path(&path, "zip")?;
    // The office key this PC pinned is the one the bundle's signatures must go back to.
    let office_key = state.with_catalog(|c| c.office_fingerprint()).await?;
    let options = desk_export::verify::VerifyOptions {
        office_key,
        ..Default::default()
    };
    tauri::async_runtime::spawn_blocking(move || {
        desk_export::verify::verify_bundle(&path, &options)
    })
    .await
    .map_err(|e| ErrorPayload::new("internal", e.to_string()))
}

#[tauri::command]
pub async fn import_feedback(
    state: tauri::State<'_, AppState>,
    path: String,
) -> Result<FeedbackReport, ErrorPayload> {
    let path = PathBuf::from(path.trim());
    state
        .with_catalog_payload(move |c| {
            desk_export::feedback::import(c, &path).map_err(|e| e.payload())
        })
        .await
}

#[tauri::command]
pub async fn annual_figures(
    state: tauri::State<'_, AppState>,
    year: i32,
) -> Result<AnnualFigures, ErrorPayload> {
    state
        .with_catalog_payload(move |c| {
            desk_export::annual::annual_figures(c, year).map_err(|e| e.payload())
        })
        .await
}

async fn save_dialog(title: &str, name: String) -> Option<PathBuf> {
    rfd::AsyncFileDialog::new()
        .set_title(title)
        .set_file_name(name)
        .add_filter("Excel", &["xlsx"])
        .save_file()
        .await
        .map(|f| f.path().to_path_buf())
}

/// Writes the year's ledger where the person chooses; `None` when cancelled.
#[tauri::command]
pub async fn save_ledger(
    state: tauri::State<'_, AppState>,
    year: i32,
    title: String,
) -> Result<Option<LedgerReport>, ErrorPayload> {
    let Some(path) = save_dialog(&title, format!("{year}年公开台账.xlsx")).await else {
        return Ok(None);
    };
    state
        .with_catalog_payload(move |c| {
            desk_export::ledger::write_ledger(c, year, &path, true).map_err(|e| e.payload())
        })
        .await
        .map(Some)
}

/// Writes the year's table 二 where the person chooses; the path, or `None` when cancelled.
#[tauri::command]
pub async fn save_annual_report(
    state: tauri::State<'_, AppState>,
    year: i32,
    title: String,
) -> Result<Option<String>, ErrorPayload> {
    let Some(path) = save_dialog(&title, format!("{year}年度报告-主动公开情况.xlsx")).await
    else {
        return Ok(None);
    };
    state
        .with_catalog_payload(move |c| {
            let figures = desk_export::annual::annual_figures(c, year).map_err(|e| e.payload())?;
            desk_export::annual::write_xlsx(&figures, &path, true).map_err(|e| e.payload())?;
            Ok(Some(path.display().to_string()))
        })
        .await
}
