//! Facts about the running app that the UI shows (where the data and the log are, who is working).

use crate::model::{Person, Role};
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
    /// Every PC whose changes this catalog holds, named as the office would (此电脑, 王芳的电脑).
    pub devices: Vec<DeviceName>,
}

/// Who a PC is to the office: this PC, or the PC of the person who last made a change on it.
/// The id stays for details and for PCs no person has worked on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceName {
    pub device_id: String,
    pub this_pc: bool,
    /// The name of the person behind this PC's newest change (a person of the registry, or the
    /// computer's user name when no person was chosen there).
    pub user_name: Option<String>,
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

/// Signing as this PC sees it (DESIGN 6): the office key it pinned, whether the office set
/// signing up, whether the office key lives here, and the current person's key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SigningState {
    /// The office key this PC pinned, as people compare it (eight groups of five digits).
    pub office_fingerprint: Option<String>,
    /// A roster signed by an office key arrived: signing is set up in the office, pinned here or
    /// not. Sign-offs then need a personal key.
    pub set_up_in_office: bool,
    /// The office key's secret part is on this PC: roster changes are signed here.
    pub office_key_here: bool,
    /// The newest roster version that checks against the pinned key.
    #[ts(type = "number | null")]
    pub roster_version: Option<u64>,
    /// The current person's key on this PC, if they made one.
    pub my_key: Option<PersonalKey>,
    /// This PC's device key, which signs what it publishes.
    pub device: DeviceKeyView,
}

/// This PC's device key and what the roster says of it. Made once the PC pinned an office key;
/// until the office enrols it, other PCs keep its changes waiting.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceKeyView {
    pub device_id: String,
    pub fingerprint: Option<String>,
    pub enrolled: bool,
    pub revoked: bool,
}

/// A person's key on this PC, and what the roster says of it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PersonalKey {
    pub fingerprint: String,
    /// In the roster and not revoked: sign-offs with it count.
    pub enrolled: bool,
    pub revoked: bool,
    /// The roles and department the roster gives the person (empty until enrolled).
    pub roles: Vec<Role>,
    pub department_id: Option<String>,
}

/// The office's roster for the coordinator's screen: who may do what, with which keys, and the
/// keys people made that wait to be enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterView {
    #[ts(type = "number")]
    pub version: u64,
    pub issued_at: String,
    pub office_fingerprint: String,
    pub people: Vec<RosterPersonView>,
    pub requests: Vec<KeyRequestView>,
    /// The office's PCs and their device keys.
    pub devices: Vec<RosterDeviceView>,
    /// Device keys PCs announced on the shared folder, not enrolled yet.
    pub device_requests: Vec<DeviceRequestView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterDeviceView {
    pub device_id: String,
    pub keys: Vec<RosterKeyView>,
}

/// A PC that announced its device key and waits to be enrolled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceRequestView {
    pub device_id: String,
    pub fingerprint: String,
    /// Who uses the PC, as its card says.
    pub person: Option<String>,
    pub first_seen: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterPersonView {
    pub person_id: String,
    pub name: String,
    pub department_id: Option<String>,
    pub roles: Vec<Role>,
    pub keys: Vec<RosterKeyView>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct RosterKeyView {
    pub fingerprint: String,
    pub enrolled_at: String,
    pub revoked_at: Option<String>,
}

/// A key a person made on their PC and published, newest per person, not yet in the roster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeyRequestView {
    pub person_id: String,
    pub name: String,
    pub fingerprint: String,
    pub device_id: String,
    pub requested_at: String,
}
