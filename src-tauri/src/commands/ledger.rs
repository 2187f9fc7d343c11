//! The 台账 import in the window. A ledger may hold 50,000 rows: its bytes and the preview the
//! person saw stay here, the window gets a summary (`LedgerSummary`) and names the preview back
//! by its id to correct columns or import it. A newer preview replaces the older one, so a stale
//! screen cannot import what it no longer shows. Progress goes out as `ledger-progress` events.

use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::ledger_import::{ColumnChoice, LedgerImportReport, LedgerPreview, LedgerSummary};
use std::sync::{Arc, Mutex};
use tauri::Emitter;

/// The preview the window shows, with the bytes it was read from.
struct Draft {
    id: u32,
    bytes: Arc<Vec<u8>>,
    preview: Arc<LedgerPreview>,
}

#[derive(Default)]
pub struct LedgerDrafts {
    current: Mutex<Option<Draft>>,
    last_id: Mutex<u32>,
}

impl LedgerDrafts {
    fn keep(
        &self,
        bytes: Arc<Vec<u8>>,
        preview: LedgerPreview,
    ) -> Result<LedgerSummary, ErrorPayload> {
        let id = {
            let mut last = self.last_id.lock().map_err(|_| lost())?;
            *last = last.wrapping_add(1);
            *last
        };
        let summary = preview.summary(id);
        *self.current.lock().map_err(|_| lost())? = Some(Draft {
            id,
            bytes,
            preview: Arc::new(preview),
        });
        Ok(summary)
    }

    /// The bytes and preview of `id`, if it is still the one shown.
    fn get(&self, id: u32) -> Result<(Arc<Vec<u8>>, Arc<LedgerPreview>), ErrorPayload> {
        let current = self.current.lock().map_err(|_| lost())?;
        match current.as_ref() {
            Some(draft) if draft.id == id => Ok((draft.bytes.clone(), draft.preview.clone())),
            _ => Err(stale()),
        }
    }

    fn forget(&self, id: u32) {
        if let Ok(mut current) = self.current.lock() {
            if current.as_ref().is_some_and(|d| d.id == id) {
                *current = None;
            }
        }
    }
}

fn lost() -> ErrorPayload {
    ErrorPayload::new(
        "internal",
        "the ledger preview was lost: open the file again",
    )
}

fn stale() -> ErrorPayload {
    ErrorPayload::new(
        "ledger_preview_stale",
        "this preview is no longer the current one: open the ledger again",
    )
}

/// Asks for a ledger with the native dialog (`title` in the UI's language) and previews it;
/// `None` when the person cancels.
#[tauri::command]
pub async fn open_ledger_file(
    state: tauri::State<'_, AppState>,
    drafts: tauri::State<'_, LedgerDrafts>,
    title: String,
) -> Result<Option<LedgerSummary>, ErrorPayload> {
    let picked = rfd::AsyncFileDialog::new()
        .set_title(title)
        .add_filter("台账 Ledgers", &["xlsx", "xls", "et", "csv"])
        .add_filter("所有文件 All files", &["*"])
        .pick_file()
        .await;
    let Some(file) = picked else {
        return Ok(None);
    };
    let path = file.path().to_path_buf();
    let (bytes, preview) = state
        .with_catalog(move |c| {
            let bytes = desk_store::read_plan_file(&path)?;
            let preview = c.preview_ledger_bytes(&bytes, &[])?;
            Ok((Arc::new(bytes), preview))
        })
        .await?;
    drafts.keep(bytes, preview).map(Some)
}

/// Previews the same ledger again with the person's column choices; the new preview replaces
/// `preview_id`.
#[tauri::command]
pub async fn choose_ledger_columns(
    state: tauri::State<'_, AppState>,
    drafts: tauri::State<'_, LedgerDrafts>,
    preview_id: u32,
    choices: Vec<ColumnChoice>,
) -> Result<LedgerSummary, ErrorPayload> {
    let (bytes, _) = drafts.get(preview_id)?;
    let source = bytes.clone();
    let preview = state
        .with_catalog(move |c| c.preview_ledger_chosen(&source, &choices))
        .await?;
    drafts.keep(bytes, preview)
}

/// Imports the preview the person confirmed, in one transaction.
#[tauri::command]
pub async fn import_ledger<R: tauri::Runtime>(
    app: tauri::AppHandle<R>,
    state: tauri::State<'_, AppState>,
    drafts: tauri::State<'_, LedgerDrafts>,
    preview_id: u32,
) -> Result<LedgerImportReport, ErrorPayload> {
    let (_, preview) = drafts.get(preview_id)?;
    let report = state
        .with_catalog(move |c| {
            c.import_ledger_with_progress(&preview, &mut |p| {
                let _ = app.emit("ledger-progress", p);
            })
        })
        .await?;
    drafts.forget(preview_id);
    Ok(report)
}
