//! The app's state: the open catalog, or why it could not be opened.
//!
//! When the catalog cannot be opened (a damaged or newer database, a read-only folder) the
//! window still starts, and every command answers with that error so the UI can say what to do.
//! SQLite work runs on a blocking thread so that the window never waits on the disk.

use desk_core::error::ErrorPayload;
use desk_store::{Catalog, OpenOptions, StoreError};
use std::path::PathBuf;
use std::sync::{Arc, Mutex};

pub struct AppState {
    catalog: Result<Arc<Mutex<Catalog>>, ErrorPayload>,
    pub data_dir: PathBuf,
    pub log_dir: PathBuf,
}

impl AppState {
    pub fn open(data_dir: PathBuf, log_dir: PathBuf) -> AppState {
        let catalog = Catalog::open(&data_dir, OpenOptions { seed_sample: true })
            .map(|c| Arc::new(Mutex::new(c)))
            .map_err(|e| {
                log::error!("cannot open the catalog: {e}");
                e.payload()
            });
        AppState {
            catalog,
            data_dir,
            log_dir,
        }
    }

    /// Runs `work` with the catalog on a blocking thread.
    pub async fn with_catalog<T, F>(&self, work: F) -> Result<T, ErrorPayload>
    where
        T: Send + 'static,
        F: FnOnce(&mut Catalog) -> Result<T, StoreError> + Send + 'static,
    {
        let catalog = self.catalog.clone()?;
        tauri::async_runtime::spawn_blocking(move || {
            let mut guard = catalog.lock().map_err(|_| {
                ErrorPayload::new(
                    "internal",
                    "the catalog is unavailable after an earlier failure: restart the app",
                )
            })?;
            work(&mut guard).map_err(|e| {
                log::warn!("{}: {e}", e.code());
                e.payload()
            })
        })
        .await
        .map_err(|e| ErrorPayload::new("internal", e.to_string()))?
    }
}
