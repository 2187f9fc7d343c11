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
}
