//! Export errors, each with a stable code (see `desk_core::error::ErrorPayload`).

use desk_core::error::ErrorPayload;
use desk_core::export::BundleProblem;
use desk_core::validate::FieldProblem;
use desk_store::StoreError;
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error(transparent)]
    File(#[from] desk_core::windows::files::FileError),
    #[error("{path} exists: choose another name, or replace it (--force)")]
    FileExists { path: PathBuf },
    #[error("cannot write {path}: {source}")]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("the export was cancelled; no bundle was written")]
    Cancelled,
    #[error("no item is ready to go out: items must be 主动公开 and signed off (and, for an export since the last bundle, not exported yet)")]
    Nothing,
    #[error("the attachment {name} of {item} is missing or damaged in the attachment store: attach the file again; no bundle was written")]
    AttachmentDamaged { item: String, name: String },
    #[error("an item changed while the bundle was written (its sign-off is void now); no bundle was kept: export again")]
    CatalogChanged,
    #[error("cannot read {path}: {detail}")]
    Unreadable { path: PathBuf, detail: String },
    #[error("{0}")]
    FeedbackFormat(String),
    #[error("the bundle did not pass verification: {} problem(s)", .0.len())]
    BundleInvalid(Vec<BundleProblem>),
    #[error("{0}")]
    InvalidArgument(String),
    #[error("cannot write the workbook {path}: {detail}")]
    Workbook { path: PathBuf, detail: String },
    #[error("{chosen} items chosen: print at most {most} sheets at once; narrow the list with a filter or a search")]
    TooManySheets { chosen: usize, most: usize },
}

impl ExportError {
    pub fn code(&self) -> &str {
        match self {
            ExportError::Store(e) => e.code(),
            ExportError::File(e) => e.code(),
            ExportError::FileExists { .. } => "file_exists",
            ExportError::Write { .. } => "file_write",
            ExportError::Cancelled => "export_cancelled",
            ExportError::Nothing => "export_nothing",
            ExportError::AttachmentDamaged { .. } => "attachment_damaged",
            ExportError::CatalogChanged => "export_catalog_changed",
            ExportError::Unreadable { .. } => "file_unreadable",
            ExportError::FeedbackFormat(_) => "feedback_format",
            ExportError::BundleInvalid(_) => "bundle_invalid",
            ExportError::InvalidArgument(_) => "invalid_argument",
            ExportError::Workbook { .. } => "file_write",
            ExportError::TooManySheets { .. } => "print_too_many",
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        match self {
            ExportError::Store(e) => e.payload(),
            ExportError::BundleInvalid(problems) => ErrorPayload {
                code: self.code().to_string(),
                message: self.to_string(),
                problems: problems
                    .iter()
                    .map(|p| FieldProblem {
                        field: p.subject.clone(),
                        code: p.code.clone(),
                        message: p.message.clone(),
                    })
                    .collect(),
            },
            _ => ErrorPayload::new(self.code(), self.to_string()),
        }
    }
}

pub type Result<T, E = ExportError> = std::result::Result<T, E>;
