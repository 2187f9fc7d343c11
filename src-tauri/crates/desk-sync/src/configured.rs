//! A round against the folder this PC syncs with: the one routine the app's background worker
//! and `desk sync` share, so that both find the folder, fail and record the outcome alike.
//!
//! The folder is the one given (`desk sync --folder`), else the one stored (chosen in the
//! settings, or used by the last round that went through); with neither there is no round, and
//! `sync_no_folder` records nothing. A folder that does not open is recorded as the last round's
//! error here, because the engine never sees it; every later failure, and success, the engine
//! records itself.

use crate::engine::{sync_round_with_progress, PcSecret, SyncOptions};
use crate::error::SyncError;
use crate::folder::FsFolder;
use desk_core::sync::{SyncProgress, SyncReport};
use desk_store::Catalog;
use std::path::{Path, PathBuf};

/// What a caller hears while a round on the configured folder runs.
pub enum RoundEvent<'a> {
    /// The folder is known and the round begins (not sent when no folder is chosen).
    Started,
    /// How far the round has applied other PCs' segments (see `sync_round_with_progress`).
    Progress(&'a SyncProgress),
}

/// Runs one round against `folder`, else the stored folder. `options.folder_label` is replaced by
/// the folder used (it is stored as the folder of the last round).
pub fn sync_configured(
    catalog: &mut Catalog,
    folder: Option<&Path>,
    options: &SyncOptions,
    on_event: &mut dyn FnMut(RoundEvent),
) -> Result<SyncReport, SyncError> {
    let folder = match folder {
        Some(folder) => folder.to_path_buf(),
        None => catalog
            .sync_value("folder")?
            .filter(|f| !f.is_empty())
            .map(PathBuf::from)
            .ok_or(SyncError::NoFolder)?,
    };
    on_event(RoundEvent::Started);
    let label = folder.display().to_string();
    let share = match FsFolder::open(&folder) {
        Ok(share) => share,
        Err(e) => {
            let error = SyncError::from_io(&label, e);
            // Best effort: the failure to report is the folder's, not this write's.
            let _ = catalog.set_sync_value("last_error", error.code());
            return Err(error);
        }
    };
    let pc_secret = options.pc_secret.clone().or_else(|| own_pc_secret(catalog));
    let options = SyncOptions {
        folder_label: label,
        pc_secret,
        ..options.clone()
    };
    sync_round_with_progress(catalog, &share, &options, &mut |progress| {
        on_event(RoundEvent::Progress(progress))
    })
}

/// This PC's secret, where the catalog pinned an office key (its device key then signs what it
/// publishes). Without it the PC publishes unsigned, and says why in the log.
pub(crate) fn own_pc_secret(catalog: &Catalog) -> Option<PcSecret> {
    if !matches!(catalog.office_fingerprint(), Ok(Some(_))) {
        return None;
    }
    match desk_store::pc_secret_path().and_then(|path| desk_store::pc_secret(&path)) {
        Ok(secret) => Some(PcSecret(secret)),
        Err(e) => {
            log::warn!(
                "sync: this PC's secret cannot be read ({e}); what it publishes is not signed"
            );
            None
        }
    }
}
