//! Facts about the running app that the UI shows (where the data and the log are, who is working).

use crate::model::Person;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AppInfo {
    pub version: String,
    pub data_dir: String,
    pub database_path: String,
    pub log_dir: String,
    pub device_id: String,
    /// The person working on this PC, once chosen.
    pub current_person: Option<Person>,
    pub item_count: u32,
    /// Leftover database files (a `-wal`, `-shm`) that did not belong to the database and were
    /// set aside unreplayed, still in the data folder: someone should look at them.
    pub set_aside_files: Vec<String>,
    /// Whether this catalog is (or began as) the sample catalog, and whether it was edited.
    pub sample: SampleState,
    /// Whether this catalog has synced with a shared folder (created or joined one there).
    pub synced: bool,
}

/// The sample catalog a new installation opens with, as far as this PC is concerned. An untouched
/// sample is never sent to a shared folder: joining the office's removes it, and so does starting
/// a new catalog. An edited one goes only after the person says so (or is removed if they say so).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SampleState {
    /// Not the sample, or the person chose to keep it as their catalog.
    None,
    /// The sample as it was loaded: nothing of it was changed.
    Untouched,
    /// The sample with `changes` changes made on this PC since it was loaded.
    Edited { changes: u64 },
}
