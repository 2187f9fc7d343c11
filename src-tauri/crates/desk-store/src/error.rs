//! Storage errors, each with a stable code (see `desk_core::error::ErrorPayload`).
//!
//! Messages say what happened and what the person can do; they never suggest deleting data.

use desk_core::error::ErrorPayload;
use desk_core::plan::PlanError;
use desk_core::validate::FieldProblem;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("the data folder {path} cannot be used ({source}): choose another folder with --data-dir or check its permissions")]
    DataDirUnavailable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the data folder {path} is read-only: nothing was changed; make it writable or choose another folder with --data-dir")]
    DataDirReadOnly { path: PathBuf },
    #[error("the data folder {path} has a path too long for the database ({bytes} bytes in UTF-8 with the database's name, at most {limit} on this system): nothing was changed; choose a folder with a shorter path with --data-dir")]
    DataDirPathTooLong {
        path: PathBuf,
        bytes: usize,
        limit: usize,
    },
    #[error("the database {path} was written by a newer version of Disclosure Desk (schema {found}, this version knows up to {supported}); it was left untouched: install the newer version")]
    DatabaseNewer {
        path: PathBuf,
        found: i64,
        supported: i64,
    },
    #[error("{path} is not a Disclosure Desk database (it belongs to another program); it was left untouched: move it away or choose another data folder")]
    DatabaseForeign { path: PathBuf },
    #[error("the database {path} is damaged ({detail}); it was left untouched: restore it from a backup or move it away to start a new catalog")]
    DatabaseCorrupt { path: PathBuf, detail: String },
    /// The data folder's disk is full. The database is whole (SQLite rolled the change back):
    /// the only thing to do is to free space, never to move the database.
    #[error("the disk holding the data folder is full ({detail}): nothing more could be written, and the database was left as it was; free some space on that disk, then try again")]
    DiskFull { detail: String },
    #[error("the item cannot be saved: {}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    #[error("no {what} with id {id}")]
    NotFound { what: &'static str, id: String },
    /// A request a person can correct: each problem carries a desk-core code (`problem::Code`)
    /// that the UI translates. The error's own code stays `invalid_argument`.
    #[error("{}", .0.iter().map(|p| p.message.as_str()).collect::<Vec<_>>().join("; "))]
    Refused(Vec<FieldProblem>),
    /// A refusal in words only, for tools outside the catalog; the catalog itself uses `Refused`.
    #[error("{0}")]
    InvalidArgument(String),
    #[error("cannot read {path}: {source}")]
    PlanFileUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(transparent)]
    Plan(#[from] PlanError),
    #[error(transparent)]
    Ledger(#[from] desk_core::ledger_import::LedgerError),
    #[error("{0}")]
    Workflow(desk_core::workflow::WorkflowError),
    #[error("{0}")]
    Mark(desk_core::checklist::MarkError),
    #[error("cannot read the file {path}: {source}; check that it exists and is not open in another program")]
    AttachmentUnreadable {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the file {path} is larger than {limit_mb} MB: attach a smaller file or split it")]
    AttachmentTooLarge { path: PathBuf, limit_mb: u64 },
    #[error("the attachment {name} is missing or damaged in the attachment store: attach the file again")]
    AttachmentDamaged { name: String },
    #[error("cannot write {path}: {source}")]
    FileWrite {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A name Windows refuses, a read-only file, or one another program holds.
    #[error(transparent)]
    File(#[from] desk_core::windows::files::FileError),
    #[error("database error: {0}")]
    Sqlite(#[source] rusqlite::Error),
    #[error("stored data could not be read: {0}")]
    Decode(String),
    #[error("{0}")]
    Trust(#[from] desk_trust::TrustError),
    /// A step of signing that cannot be taken now; the message says what to do instead.
    #[error("{message}")]
    TrustStep { code: &'static str, message: String },
}

impl StoreError {
    /// One problem a person can correct.
    pub fn refused(problem: FieldProblem) -> StoreError {
        StoreError::Refused(vec![problem])
    }

    pub fn code(&self) -> &'static str {
        match self {
            // The same remedy as a folder that cannot be used: choose another.
            StoreError::DataDirUnavailable { .. } | StoreError::DataDirPathTooLong { .. } => {
                "data_dir_unavailable"
            }
            StoreError::DataDirReadOnly { .. } => "data_dir_read_only",
            StoreError::DatabaseNewer { .. } => "database_newer",
            StoreError::DatabaseForeign { .. } => "database_foreign",
            StoreError::DatabaseCorrupt { .. } => "database_corrupt",
            StoreError::DiskFull { .. } => "disk_full",
            StoreError::Invalid(_) => "invalid_item",
            StoreError::NotFound { .. } => "not_found",
            StoreError::Refused(_) | StoreError::InvalidArgument(_) => "invalid_argument",
            StoreError::PlanFileUnreadable { .. } => "plan_file_unreadable",
            StoreError::Plan(e) => e.code(),
            StoreError::Ledger(e) => e.code(),
            StoreError::Workflow(e) => e.code(),
            StoreError::Mark(e) => e.code(),
            StoreError::AttachmentUnreadable { .. } => "attachment_unreadable",
            StoreError::AttachmentTooLarge { .. } => "attachment_too_large",
            StoreError::AttachmentDamaged { .. } => "attachment_damaged",
            StoreError::FileWrite { .. } => "file_write",
            StoreError::File(e) => e.code(),
            StoreError::Sqlite(e) if is_read_only(e) => "data_dir_read_only",
            StoreError::Sqlite(_) | StoreError::Decode(_) => "storage",
            StoreError::Trust(e) => e.code(),
            StoreError::TrustStep { code, .. } => code,
        }
    }

    /// A full disk met while writing `path`.
    pub fn disk_full(path: &std::path::Path, error: &rusqlite::Error) -> StoreError {
        StoreError::DiskFull {
            detail: format!("{}: {error}", path.display()),
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        ErrorPayload {
            code: self.code().to_string(),
            message: self.to_string(),
            problems: match self {
                StoreError::Invalid(problems) | StoreError::Refused(problems) => problems.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// SQLite's errors, with a full disk told apart (SQLITE_FULL: SQLite met ENOSPC, or Windows'
/// ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL, while writing).
impl From<rusqlite::Error> for StoreError {
    fn from(error: rusqlite::Error) -> StoreError {
        if error.sqlite_error_code() == Some(rusqlite::ErrorCode::DiskFull) {
            StoreError::DiskFull {
                detail: error.to_string(),
            }
        } else {
            StoreError::Sqlite(error)
        }
    }
}

fn is_read_only(error: &rusqlite::Error) -> bool {
    matches!(
        error.sqlite_error_code(),
        Some(rusqlite::ErrorCode::ReadOnly) | Some(rusqlite::ErrorCode::CannotOpen)
    )
}

pub type Result<T, E = StoreError> = std::result::Result<T, E>;
