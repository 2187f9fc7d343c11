//! Why an update could not be found, verified or published. Each variant has a stable code the UI
//! translates and scripts branch on; the message is English for logs and the terminal.

use desk_core::error::ErrorPayload;
use desk_core::validate::FieldProblem;

#[derive(Debug, thiserror::Error)]
pub enum UpdateError {
    #[error("updates are not set up on this PC: {0}")]
    NotConfigured(String),
    #[error("the update settings in {path} cannot be used")]
    ConfigInvalid {
        path: String,
        problems: Vec<FieldProblem>,
    },
    #[error("the office's public key cannot be read: {0}")]
    KeyInvalid(String),
    #[error("the signing key cannot be used: {0}")]
    SecretKeyInvalid(String),
    #[error("the update folder {0} cannot be reached")]
    FolderUnreachable(String),
    #[error("the update server cannot be reached: {0}")]
    ServerUnreachable(String),
    #[error("there is no latest.json in {0}")]
    ManifestMissing(String),
    #[error("latest.json is not a valid release description: {0}")]
    ManifestInvalid(String),
    #[error("the release {version} has no package for this PC (looked for {targets})")]
    NoPackageForPlatform { version: String, targets: String },
    #[error("the package {0} is missing from the update folder")]
    PackageMissing(String),
    #[error("the package {path} is incomplete ({found} of {expected} bytes): it may still be being copied")]
    PackageIncomplete {
        path: String,
        expected: u64,
        found: u64,
    },
    #[error("the package's signature cannot be read: {0}")]
    SignatureMalformed(String),
    #[error(
        "the package was signed with another key ({signed_by}) than this office's ({expected})"
    )]
    WrongKey { signed_by: String, expected: String },
    #[error("the package does not match its signature: it was changed after signing, or copied incompletely")]
    PackageChanged,
    #[error("the package's signature does not say which version it is")]
    VersionNotSigned,
    #[error("latest.json announces {announced} but the package was signed as {signed}")]
    VersionMismatch { announced: String, signed: String },
    #[error("the version {0} is not a version number like 1.2.3")]
    VersionInvalid(String),
    #[error("{offered} is not newer than the installed {current}")]
    NotNewer { offered: String, current: String },
    #[error("the package could not be downloaded: {0}")]
    DownloadFailed(String),
    #[error("the package could not be installed: {0}")]
    InstallFailed(String),
    #[error("this copy of the app was not installed from a package, so it cannot update itself")]
    NotInstalled,
    #[error("nothing was checked yet, or the update found earlier is gone: check again")]
    NothingToInstall,
    #[error("{0}")]
    InvalidArgument(String),
    #[error("cannot read {path}: {reason}")]
    FileUnreadable { path: String, reason: String },
    #[error("cannot write {path}: {reason}")]
    FileWrite { path: String, reason: String },
    /// A name Windows refuses, or a file another program holds.
    #[error(transparent)]
    File(#[from] desk_core::windows::files::FileError),
}

impl UpdateError {
    /// The stable code (see the README's list and the UI's locale files).
    pub fn code(&self) -> &'static str {
        match self {
            UpdateError::NotConfigured(_) => "update_not_configured",
            UpdateError::ConfigInvalid { .. } => "update_config_invalid",
            UpdateError::KeyInvalid(_) => "update_key_invalid",
            UpdateError::SecretKeyInvalid(_) => "update_secret_key_invalid",
            UpdateError::FolderUnreachable(_) => "update_folder_unreachable",
            UpdateError::ServerUnreachable(_) => "update_server_unreachable",
            UpdateError::ManifestMissing(_) => "update_manifest_missing",
            UpdateError::ManifestInvalid(_) => "update_manifest_invalid",
            UpdateError::NoPackageForPlatform { .. } => "update_no_package",
            UpdateError::PackageMissing(_) => "update_package_missing",
            UpdateError::PackageIncomplete { .. } => "update_package_incomplete",
            UpdateError::SignatureMalformed(_) => "update_signature_malformed",
            UpdateError::WrongKey { .. } => "update_wrong_key",
            UpdateError::PackageChanged => "update_package_changed",
            UpdateError::VersionNotSigned => "update_version_not_signed",
            UpdateError::VersionMismatch { .. } => "update_version_mismatch",
            UpdateError::VersionInvalid(_) => "update_version_invalid",
            UpdateError::NotNewer { .. } => "update_not_newer",
            UpdateError::DownloadFailed(_) => "update_download_failed",
            UpdateError::InstallFailed(_) => "update_install_failed",
            UpdateError::NotInstalled => "update_not_installed",
            UpdateError::NothingToInstall => "update_nothing_to_install",
            UpdateError::InvalidArgument(_) => "invalid_argument",
            UpdateError::FileUnreadable { .. } => "file_unreadable",
            UpdateError::FileWrite { .. } => "file_write",
            UpdateError::File(e) => e.code(),
        }
    }

    pub fn payload(&self) -> ErrorPayload {
        let mut payload = ErrorPayload::new(self.code(), self.to_string());
        if let UpdateError::ConfigInvalid { problems, .. } = self {
            payload.problems = problems.clone();
        }
        payload
    }
}

impl From<UpdateError> for ErrorPayload {
    fn from(e: UpdateError) -> Self {
        e.payload()
    }
}

pub(crate) fn unreadable(path: &std::path::Path, e: &std::io::Error) -> UpdateError {
    UpdateError::FileUnreadable {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}

pub(crate) fn unwritable(path: &std::path::Path, e: &std::io::Error) -> UpdateError {
    UpdateError::FileWrite {
        path: path.display().to_string(),
        reason: e.to_string(),
    }
}
