//! Paper forms: the 审查呈批单 of items and the 移送明细表 of a bundle, opened in the system's
//! PDF viewer to print (its print dialog offers the printers and saving as PDF) or saved where
//! the person chooses; and a printed sheet's code matched back to its item.

use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::query::ItemQuery;
use desk_core::verify_code::{PaperCheck, PaperReport};
use std::path::{Path, PathBuf};
use tauri_plugin_opener::OpenerExt;

/// Where a form goes: a file the person chooses, or a file of our own opened for printing.
async fn destination(title: &str, name: &str, save: bool) -> Result<Option<PathBuf>, ErrorPayload> {
    if save {
        return Ok(rfd::AsyncFileDialog::new()
            .set_title(title)
            .set_file_name(name)
            .add_filter("PDF", &["pdf"])
            .save_file()
            .await
            .map(|f| f.path().to_path_buf()));
    }
    let dir = std::env::temp_dir().join("disclosure-desk-print");
    std::fs::create_dir_all(&dir).map_err(|e| {
        ErrorPayload::new(
            "file_write",
            format!(
                "cannot make a folder for printing in {}: {e}",
                dir.display()
            ),
        )
    })?;
    let stamp = chrono::Local::now().format("%Y%m%d-%H%M%S");
    Ok(Some(dir.join(format!("{stamp}-{name}"))))
}

fn open_for_printing<R: tauri::Runtime>(
    app: &tauri::AppHandle<R>,
    path: &Path,
) -> Result<(), ErrorPayload> {
    app.opener()
        .open_path(path.display().to_string(), None::<&str>)
        .map_err(|e| {
            ErrorPayload::new(
                "print_open_failed",
                format!(
                    "no program could open {} to print it: {e}; save the form as PDF and print it from there",
                    path.display()
                ),
            )
        })
}

/// Writes a form where it goes (`write` gets the file to write), and opens it to print unless
/// it was saved. `None` when the person cancelled the save dialog.
async fn print_form<R, F>(
    app: &tauri::AppHandle<R>,
    state: &AppState,
    title: &str,
    name: &str,
    save: bool,
    write: F,
) -> Result<Option<PaperReport>, ErrorPayload>
where
    R: tauri::Runtime,
    F: FnOnce(&mut desk_store::Catalog, &Path) -> Result<PaperReport, ErrorPayload>
        + Send
        + 'static,
{
    let Some(path) = destination(title, name, save).await? else {
        return Ok(None);
    };
    let out = path.clone();
    let report = state.with_catalog_payload(move |c| write(c, &out)).await?;
    if !save {
        open_for_printing(app, &path)?;
    }
    Ok(Some(report))
}

/// The 审查呈批单 of `ids`: opened to print, or (`save`) saved where the person chooses.
/// `None` when the person cancelled the save dialog.
#[tauri::command]
pub async fn print_signoff_sheets<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    ids: Vec<String>,
    title: String,
    save: bool,
) -> Result<Option<PaperReport>, ErrorPayload> {
    let name = if ids.len() == 1 {
        "审查呈批单.pdf"
    } else {
        "审查呈批单（多份）.pdf"
    };
    print_form(&app, &state, &title, name, save, move |c, out| {
        desk_export::paper::write_signoff_sheets(c, &ids, crate::commands::today(), out, true)
            .map_err(|e| e.payload())
    })
    .await
}

/// The 审查呈批单 of every item `query` lists (the catalog's filters, search and view), at most
/// `desk_export::paper::MAX_SHEETS`: refused before the save dialog when the list is longer.
/// `None` when the person cancelled the save dialog.
#[tauri::command]
pub async fn print_listed_sheets<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    query: ItemQuery,
    title: String,
    save: bool,
) -> Result<Option<PaperReport>, ErrorPayload> {
    let ids = state
        .with_catalog_payload(move |c| {
            desk_export::paper::listed_item_ids(c, &query, crate::commands::today())
                .map_err(|e| e.payload())
        })
        .await?;
    print_signoff_sheets(app, state, ids, title, save).await
}

/// The 移送明细表 of the bundle at `bundle`, checked against this office's key where signing is
/// set up: opened to print, or saved. `None` when the person cancelled.
#[tauri::command]
pub async fn print_handover<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    bundle: String,
    title: String,
    save: bool,
) -> Result<Option<PaperReport>, ErrorPayload> {
    let bundle = PathBuf::from(bundle.trim());
    if !bundle.is_absolute() {
        return Err(ErrorPayload::new(
            "invalid_path",
            "choose the bundle's full path",
        ));
    }
    print_form(
        &app,
        &state,
        &title,
        "移送明细表.pdf",
        save,
        move |c, out| {
            let office_key = c.office_fingerprint().map_err(|e| e.payload())?;
            let options = desk_export::verify::VerifyOptions {
                limits: Default::default(),
                office_key,
            };
            desk_export::paper::write_handover(&bundle, &options, out, true)
                .map_err(|e| e.payload())
        },
    )
    .await
}

/// Which item a printed sheet's code names, and whether it changed since printing.
#[tauri::command]
pub async fn check_paper(
    state: tauri::State<'_, AppState>,
    code: String,
) -> Result<PaperCheck, ErrorPayload> {
    state
        .with_catalog(move |c| c.check_paper(&code, crate::commands::today()))
        .await
}
