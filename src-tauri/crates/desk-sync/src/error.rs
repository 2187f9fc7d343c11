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
    #[error("a file was written to the shared folder {folder} but could not be given its name ({source}): another program (an antivirus or a file sync tool) may be holding it, or the share does not allow renaming; nothing was published, and this PC tries again next round")]
    RenameFailed { folder: String, source: io::Error },
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
    #[error("no shared folder is chosen yet: choose one in the settings")]
    NoFolder,
    #[error("this PC holds the sample catalog with {changes} changes of yours: keep it to send it to the shared folder with them, or remove it to join with nothing of the sample (desk sample keep | desk sample remove)")]
    SampleEdited { changes: u64 },
    #[error("this PC's segment {first} in the shared folder does not read whole ({detail}): the other PCs' changes were taken in; it is read again next round, and written again under a new name if it stays so")]
    OwnSegmentUnreadable { first: u64, detail: String },
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl SyncError {
    pub fn code(&self) -> &'static str {
        match self {
            SyncError::Unreachable { .. } => "sync_folder_unreachable",
            SyncError::RenameFailed { .. } => "sync_folder_rename_failed",
            SyncError::ReadOnly { .. } => "sync_folder_read_only",
            SyncError::Full { .. } => "sync_folder_full",
            SyncError::FormatNewer { .. } => "sync_format_newer",
            SyncError::FormatUnreadable(_) => "sync_format_unreadable",
            SyncError::CatalogMismatch { .. } => "sync_catalog_mismatch",
            SyncError::CatalogAmbiguous(_) => "sync_catalog_ambiguous",
            SyncError::NoFolder => "sync_no_folder",
            SyncError::SampleEdited { .. } => "sync_sample_edited",
            SyncError::OwnSegmentUnreadable { .. } => "sync_own_segment_unreadable",
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
        match classify(&error, OsFamily::HERE) {
            IoFault::ReadOnly => SyncError::ReadOnly { folder },
            IoFault::Full => SyncError::Full { folder },
            IoFault::RenameFailed => SyncError::RenameFailed {
                folder,
                source: error,
            },
            IoFault::Unreachable => SyncError::Unreachable {
                folder,
                source: error,
            },
        }
    }
}

/// What a failed folder access means for the person.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IoFault {
    ReadOnly,
    Full,
    /// Written under a temporary name, but the final name could not be given.
    RenameFailed,
    /// Anything else: the network, the server, a stale handle, a timeout.
    Unreachable,
}

/// Whose numbering a raw OS error is in: the same number means different things (112 is a full
/// disk on Windows and "host is down", a common CIFS error, on Linux).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OsFamily {
    Windows,
    Unix,
}

impl OsFamily {
    pub const HERE: OsFamily = if cfg!(windows) {
        OsFamily::Windows
    } else {
        OsFamily::Unix
    };
}

/// Classifies a failed access: by `io::ErrorKind` where the standard library names the fault,
/// then by the raw number of `os`; a failed rename keeps a more precise cause when it has one.
pub fn classify(error: &io::Error, os: OsFamily) -> IoFault {
    match error.kind() {
        io::ErrorKind::PermissionDenied | io::ErrorKind::ReadOnlyFilesystem => {
            return IoFault::ReadOnly
        }
        io::ErrorKind::StorageFull | io::ErrorKind::QuotaExceeded => return IoFault::Full,
        _ => {}
    }
    if let Some(rename) = error
        .get_ref()
        .and_then(|e| e.downcast_ref::<crate::folder::RenameFailed>())
    {
        return match classify(&rename.source, os) {
            IoFault::Unreachable => IoFault::RenameFailed,
            other => other,
        };
    }
    match (os, error.raw_os_error()) {
        // ERROR_DISK_FULL, ERROR_HANDLE_DISK_FULL, ERROR_DISK_QUOTA_EXCEEDED.
        (OsFamily::Windows, Some(112 | 39 | 1295)) => IoFault::Full,
        // ERROR_WRITE_PROTECT.
        (OsFamily::Windows, Some(19)) => IoFault::ReadOnly,
        // ENOSPC, EDQUOT (Linux numbering).
        (OsFamily::Unix, Some(28 | 122)) => IoFault::Full,
        // EROFS.
        (OsFamily::Unix, Some(30)) => IoFault::ReadOnly,
        // EHOSTDOWN (112), EHOSTUNREACH, ENETUNREACH, ETIMEDOUT, ECONNRESET, ESTALE, …
        _ => IoFault::Unreachable,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn raw(code: i32) -> io::Error {
        io::Error::from_raw_os_error(code)
    }

    #[test]
    fn io_errors_mean_what_their_system_says() {
        use IoFault::*;
        use OsFamily::*;
        let rename = |source: io::Error| crate::folder::rename_failed("ops/x/1.seg", source);
        let cases: Vec<(&str, io::Error, OsFamily, IoFault)> = vec![
            ("ENOSPC", raw(28), Unix, Full),
            ("EDQUOT", raw(122), Unix, Full),
            ("EROFS", raw(30), Unix, ReadOnly),
            ("EACCES", raw(13), Unix, ReadOnly),
            ("EHOSTDOWN (CIFS)", raw(112), Unix, Unreachable),
            ("EHOSTUNREACH", raw(113), Unix, Unreachable),
            ("ENETUNREACH", raw(101), Unix, Unreachable),
            ("ENETDOWN", raw(100), Unix, Unreachable),
            ("ETIMEDOUT", raw(110), Unix, Unreachable),
            ("ECONNRESET", raw(104), Unix, Unreachable),
            ("ECONNABORTED", raw(103), Unix, Unreachable),
            ("ESTALE", raw(116), Unix, Unreachable),
            ("EIO", raw(5), Unix, Unreachable),
            ("ERROR_DISK_FULL", raw(112), Windows, Full),
            ("ERROR_HANDLE_DISK_FULL", raw(39), Windows, Full),
            ("ERROR_DISK_QUOTA_EXCEEDED", raw(1295), Windows, Full),
            ("ERROR_WRITE_PROTECT", raw(19), Windows, ReadOnly),
            ("ERROR_BAD_NETPATH", raw(53), Windows, Unreachable),
            ("ERROR_NETNAME_DELETED", raw(64), Windows, Unreachable),
            (
                "kind StorageFull",
                io::ErrorKind::StorageFull.into(),
                Unix,
                Full,
            ),
            (
                "kind QuotaExceeded",
                io::ErrorKind::QuotaExceeded.into(),
                Windows,
                Full,
            ),
            (
                "kind PermissionDenied",
                io::ErrorKind::PermissionDenied.into(),
                Windows,
                ReadOnly,
            ),
            (
                "kind TimedOut",
                io::ErrorKind::TimedOut.into(),
                Unix,
                Unreachable,
            ),
            (
                "kind HostUnreachable",
                io::ErrorKind::HostUnreachable.into(),
                Unix,
                Unreachable,
            ),
            ("kind other", io::Error::other("?"), Windows, Unreachable),
            (
                "rename, cause unknown",
                rename(io::Error::other("busy")),
                Unix,
                RenameFailed,
            ),
            (
                "rename, sharing violation",
                rename(raw(32)),
                Windows,
                RenameFailed,
            ),
            ("rename, disk full", rename(raw(28)), Unix, Full),
            (
                "rename, access denied",
                rename(io::ErrorKind::PermissionDenied.into()),
                Windows,
                ReadOnly,
            ),
        ];
        for (name, error, os, expected) in cases {
            // Another family's numbers are tried here only where the standard library does not
            // give them a kind of its own first (checked on Linux).
            if os != OsFamily::HERE && cfg!(windows) {
                continue;
            }
            assert_eq!(classify(&error, os), expected, "{name} on {os:?}");
        }
    }

    #[test]
    fn error_112_is_full_only_on_windows() {
        let code = SyncError::from_io("share", raw(112)).code();
        if cfg!(windows) {
            assert_eq!(code, "sync_folder_full");
        } else {
            assert_eq!(code, "sync_folder_unreachable");
        }
        let rename = SyncError::from_io(
            "share",
            crate::folder::rename_failed("ops/x/1.seg", io::Error::other("busy")),
        );
        assert_eq!(rename.code(), "sync_folder_rename_failed");
        assert!(rename.to_string().contains("could not be given its name"));
    }
}
