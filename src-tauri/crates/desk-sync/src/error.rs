//! Sync errors, each with a stable code the UI translates (see `desk_core::error::ErrorPayload`).
//!
//! A round that fails leaves the local catalog as it was before the failing step: nothing is
//! marked published that was not read back, and a segment is applied whole or not at all.

use desk_core::error::ErrorPayload;
use desk_store::StoreError;
use std::io;

#[derive(Debug, thiserror::Error)]
pub enum SyncError {
    #[error("the shared folder {folder} cannot be reached ({source}): check the network and that the share is connected; nothing was changed")]
    Unreachable { folder: String, source: io::Error },
    #[error("the shared folder {folder} is read-only for this PC: ask the administrator for write access; nothing was changed here")]
    ReadOnly { folder: String },
    #[error(
        "the shared folder {folder} is full: free space on the share; nothing was changed here"
    )]
    Full { folder: String },
    #[error("the shared folder holds a catalog of sync format {found}, newer than this version reads ({supported}): update Disclosure Desk on this PC")]
    FormatNewer { found: u16, supported: u16 },
    #[error("the shared folder's format.json does not read ({0}): it was left as it is; ask whoever manages the share")]
    FormatUnreadable(String),
    #[error("this PC's catalog ({local}) is not the one in the shared folder ({found}): choose the folder this catalog syncs with")]
    CatalogMismatch { local: String, found: String },
    #[error("the shared folder holds several catalogs ({0}): choose the folder of one catalog")]
    CatalogAmbiguous(String),
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Unreachable { .. } => "sync_folder_unreachable",
            SyncError::ReadOnly { .. } => "sync_folder_read_only",
            SyncError::Full { .. } => "sync_folder_full",
            SyncError::FormatNewer { .. } => "sync_format_newer",
            SyncError::FormatUnreadable(_) => "sync_format_unreadable",
            SyncError::CatalogMismatch { .. } => "sync_catalog_mismatch",
            SyncError::CatalogAmbiguous(_) => "sync_catalog_ambiguous",
            SyncError::Store(e) => e.code(),
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        match self {
            SyncError::Store(e) => e.payload(),
            other => ErrorPayload::new(other.code(), other.to_string()),
        }
    }

    /// The error for a failed folder access, by what the system said.
    pub fn from_io(folder: &str, error: io::Error) -> SyncError {
        let folder = folder.to_string();
        match error.kind() {
            io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
                SyncError::ReadOnly { folder }
            }
            io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => SyncError::Full { folder },
            // ENOSPC (28), EDQUOT (122) and Windows' ERROR_DISK_FULL (112) where the kind is
            // not mapped.
            _ if matches!(error.raw_os_error(), Some(28 | 112 | 122)) => SyncError::Full { folder },
            _ => SyncError::Unreachable {
                folder,
                source: error,
            },
        }
    }
}
