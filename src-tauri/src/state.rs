//! The app's state: the open catalog, or why it could not be opened.
//!
//! When the catalog cannot be opened (a damaged or newer database, a read-only folder) the
//! window still starts and every command answers with that error, so the UI can say what to do;
//! the next command tries to open it again, so "retry" works once the person has fixed the cause.
//! SQLite work runs on a blocking thread so that the window never waits on the disk.

use desk_core::error::ErrorPayload;
use desk_store::{Catalog, OpenOptions, StoreError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

type Shared = Arc<Mutex<Catalog>>;

pub struct AppState {
    catalog: Mutex<Option<Shared>>,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

fn open(data_dir: &std::path::Path) -> Result<Shared, ErrorPayload> {
    Catalog::open(data_dir, OpenOptions { seed_sample: true })
        .map(|c| Arc::new(Mutex::new(c)))
        .map_err(|e| {
            log::error!("cannot open the catalog: {e}");
            e.payload()
        })
}

fn poisoned() -> ErrorPayload {
    ErrorPayload::new(
        "internal",
        "the catalog is unavailable after an earlier failure: restart the app",
    )
}

impl AppState {
    pub fn open(data_dir: PathBuf, log_dir: PathBuf) -> AppState {
        let catalog = open(&data_dir).ok();
        AppState {
            catalog: Mutex::new(catalog),
            data_dir,
            log_dir,
        }
    }

    /// The open catalog, opening it now if it could not be opened before.
    fn catalog(&self) -> Result<Shared, ErrorPayload> {
        let mut slot = self.catalog.lock().map_err(|_| poisoned())?;
        if let Some(catalog) = slot.as_ref() {
            return Ok(catalog.clone());
        }
        let catalog = open(&self.data_dir)?;
        *slot = Some(catalog.clone());
        Ok(catalog)
    }

    /// Runs `work` with the catalog on a blocking thread, for work whose errors are not the
    /// store's (the export's): `work` gives the payload itself.
    pub async fn with_catalog_payload<T, F>(&self, work: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> Result<T, ErrorPayload> + Send + 'static,
    {
        let catalog = self.catalog()?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = catalog.lock().map_err(|_| poisoned())?;
            work(&mut guard).inspect_err(|e| log::warn!("{}: {}", e.code, e.message))
        })
        .await
        .map_err(|e| ErrorPayload::new("internal", e.to_string()))?
    }

    /// Runs `work` with the catalog on a blocking thread.
    pub async fn with_catalog<T, F>(&self, work: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> Result<T, StoreError> + Send + 'static,
    {
        let catalog = self.catalog()?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = catalog.lock().map_err(|_| poisoned())?;
            work(&mut guard).map_err(|e| {
                log::warn!("{}: {e}", e.code());
                e.payload()
            })
        })
        .await
        .map_err(|e| ErrorPayload::new("internal", e.to_string()))?
    }
}
