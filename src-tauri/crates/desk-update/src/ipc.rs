//! What the window shows of updates (generated into the UI's bindings).

use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where updates come from on this PC, and where that was configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateSettings {
    /// The `update.json` in use, if any.
    pub config_path: Option<String>,
    /// Where `update.json` is looked for, in order.
    pub searched: Vec<String>,
    pub endpoints: Vec<String>,
    pub folder: Option<String>,
    pub check_at_start: bool,
    /// The office key's id (as minisign prints it), when a key is set and readable.
    pub key_id: Option<String>,
    /// Whether a source and a key are set.
    pub configured: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum UpdateSource {
    Server,
    Folder,
}

/// A newer version that was found (its signature is checked when it is installed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateInfo {
    pub version: String,
    pub current_version: String,
    pub notes: String,
    pub date: Option<String>,
    pub source: UpdateSource,
    /// The server address or the folder it was found at.
    pub location: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct UpdateCheck {
    pub current_version: String,
    pub update: Option<UpdateInfo>,
    /// What the folder offers when it is not newer (a server does not say).
    pub offered_version: Option<String>,
}

/// Progress of an install, sent to the window as it happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "stage", rename_all = "snake_case")]
pub enum UpdateProgress {
    Downloading {
        #[ts(type = "number")]
        done: u64,
        #[ts(type = "number | null")]
        total: Option<u64>,
    },
    Verified,
    Installing,
    Installed {
        version: String,
    },
}
