//! What sync tells the person and the app: the report of one round, the status, the conflicts.
//!
//! These cross IPC (the app shows them) and the CLI's `--json`, so they live here with the other
//! IPC types and are generated for the UI. The engine that fills them is `desk-sync`; nothing in
//! this module touches a file or the database.

use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// What one sync round did (publish, then apply).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncReport {
    pub catalog_id: String,
    pub device_id: String,
    /// The shared folder's catalog was created by this round.
    pub created_catalog: bool,
    /// This PC joined a catalog already in the folder.
    pub joined_catalog: bool,
    /// The untouched sample catalog this PC held was removed, not sent, when it joined or
    /// started the shared folder's catalog.
    pub sample_removed: bool,
    pub ops_published: u32,
    pub segments_published: u32,
    pub blobs_published: u32,
    pub blobs_fetched: u32,
    /// Operations applied, per device they came from.
    pub applied: Vec<DeviceCount>,
    /// Segments seen but not applied yet, and why.
    pub waiting: Vec<WaitingSegment>,
    /// Conflicts open after the round, and how many of them are new.
    pub conflicts: u32,
    pub new_conflicts: u32,
    /// Sign-offs voided by an edit that arrived (recorded as this PC's operations).
    pub signoffs_voided: u32,
    /// Items this PC had numbered that gave their 索引号 up to an item numbered first elsewhere.
    pub index_nos_renumbered: u32,
    /// This PC took a new device id (it was cloned or restored from a backup).
    pub device_changes: Vec<DeviceChange>,
    /// Things found wrong in the folder and what was done about them.
    pub folder_problems: Vec<FolderProblem>,
    /// Files and folders in the shared folder that are not sync's (another program's, a
    /// person's) or not readable as what their name says, left as they are: paths inside the
    /// app's folder, at most a thousand.
    pub ignored: Vec<String>,
    pub clock_warnings: Vec<ClockWarning>,
    /// Own segments removed by compaction, and whether a snapshot was written.
    pub segments_compacted: u32,
    pub snapshot_written: bool,
    /// Files in the shared folder found damaged this round (by this PC or reported by others).
    #[serde(default)]
    pub damaged: Vec<DamagedFile>,
    /// Files this PC wrote again under a new name: its own found damaged or missing, or another
    /// PC's operations relayed because their writer did not repair them.
    #[serde(default)]
    pub repaired: Vec<String>,
    /// RFC 3339, UTC.
    pub finished_at: String,
}

/// A file in the shared folder that does not read whole, and who can write it again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DamagedFile {
    /// The path under the catalog's folder (`ops/<device>/<segment>`, `snapshots/…`, `blobs/…`).
    pub file: String,
    /// The PC that wrote it (empty for an attachment, which any PC holding it can write again).
    pub device_id: String,
    /// When it was first seen damaged (RFC 3339, UTC).
    pub since: String,
    /// PCs known to hold what the file carries, so that they can write it again: its writer, and
    /// every PC whose acknowledgement shows it has applied those operations. When only the
    /// writer is listed, that PC must come online for the office to get them.
    pub holders: Vec<String>,
}

/// How far a round that applies other PCs' segments has got, for a progress bar: a new PC
/// pulling a large catalog can take minutes. Totals are what the round's listing showed, so a
/// segment that turns up during the round can make `segments_done` pass an earlier total.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SyncProgress {
    pub segments_done: u32,
    pub segments_total: u32,
    pub ops_applied: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceCount {
    pub device_id: String,
    pub ops: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum WaitReason {
    /// An earlier segment of that PC is not visible yet.
    Gap,
    /// Short, unreadable or failing its checksum: not there yet (retried every round).
    Damaged,
    /// It depends on operations of another PC not applied yet.
    Causal,
    /// Its clock is too far ahead of this PC's: held back until the clocks agree.
    Quarantined,
    /// Not signed by a device key the office enrolled for that PC (yet): applied once the
    /// office enrols it and it has signed them.
    Unenrolled,
    /// Another PC holds other content under an operation id this PC holds: two PCs used one
    /// device id (a cloned PC, or one restored from a backup) and numbered different changes
    /// alike.
    IdClash,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct WaitingSegment {
    pub device_id: String,
    /// The file name, or the first sequence expected when nothing is there.
    pub file: String,
    pub reason: WaitReason,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DeviceChange {
    pub old_device_id: String,
    pub new_device_id: String,
    /// Unsent operations carried over to the new id.
    pub ops_rekeyed: u32,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FolderProblem {
    /// Stable key: `emptied` (republished), `unknown_file`, `foreign_blob`, `unreadable_ack` …
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ClockWarning {
    pub device_id: String,
    /// How far that PC's clock is ahead of this one, in minutes.
    pub ahead_minutes: i64,
}

/// What the status bar and `desk sync status` show.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize, TS)]
pub struct SyncStatus {
    pub device_id: String,
    pub catalog_id: String,
    /// The folder of the last round, as the person chose it.
    pub folder: Option<String>,
    /// RFC 3339, UTC; null before the first round.
    pub last_sync: Option<String>,
    /// Why the last round failed, if it did (its error code).
    pub last_error: Option<String>,
    pub ops_waiting_to_go_out: u32,
    pub conflicts: u32,
    pub clock_warnings: Vec<ClockWarning>,
    pub waiting: Vec<WaitingSegment>,
    /// Devices known, with how far this PC has applied each.
    pub cursors: Vec<DeviceCount>,
    /// Damaged files in the shared folder as of the last round, being repaired.
    #[serde(default)]
    pub damaged: Vec<DamagedFile>,
    /// 索引号 more than one item holds, until they are renumbered.
    pub duplicate_index_numbers: Vec<DuplicateIndexNo>,
    /// Operations that arrived but could not be applied, oldest first.
    pub kept_aside: Vec<KeptAsideOp>,
}

/// Two or more values a field was given on PCs that had not seen each other's change.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct Conflict {
    /// `entity/entity_id/field`, what `desk conflicts resolve` takes.
    pub key: String,
    pub entity: String,
    pub entity_id: String,
    /// A label for people: the item's title, the department's name …
    pub entity_label: String,
    pub field: String,
    /// The value shown now, then the others kept.
    pub current: ConflictValue,
    pub others: Vec<ConflictValue>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, TS)]
pub struct ConflictValue {
    pub op_id: String,
    pub value: Value,
    pub author_id: String,
    pub device_id: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// A 索引号 more than one item holds: PCs that had not seen each other's items numbered them
/// alike. The item whose number was given first keeps it; each other holder is renumbered by
/// the PC that numbered it, at that PC's next sync (or by a person, on any PC).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DuplicateIndexNo {
    pub index_no: String,
    /// The item that keeps the number; null when no holder's numbering is on record.
    pub kept_by: Option<String>,
    pub to_renumber: Vec<PendingRenumber>,
}

/// An item waiting for a new 索引号.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PendingRenumber {
    pub item_id: String,
    pub title: String,
    /// The PC that numbered it and will renumber it; null when unknown (a person must).
    pub device_id: Option<String>,
}

/// Why an operation that arrived was kept aside instead of applied (stable codes the UI
/// translates). It stays in the log; it is tried again when the app is updated, and, for an
/// unknown reference, when what it names arrives.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum KeptAsideReason {
    /// It names something this PC does not have (a person's department).
    UnknownReference,
    /// Its value is not of the shape its field or entity takes (a wrong type, bad JSON).
    InvalidShape,
    /// Something it must carry is missing or empty (a sign-off's id, the field of a change).
    MissingField,
    /// An entity or kind of change this version does not know (from a newer version).
    UnknownKind,
    /// A field this version does not know (from a newer version).
    UnknownField,
    /// Its value breaks a rule a save would refuse (a title with a tab).
    InvalidValue,
    /// A status change the workflow does not make (草稿 straight to 已签批), or a sign-off's
    /// status with no valid sign-off behind it: an alert, since no PC of this office writes it.
    RefusedTransition,
    /// A sign-off whose signature does not check against the office's roster (forged, copied
    /// from another item, a key not enrolled or revoked, a signer without the role): an alert.
    SignatureInvalid,
}

impl KeptAsideReason {
    pub const ALL: [KeptAsideReason; 8] = [
        KeptAsideReason::UnknownReference,
        KeptAsideReason::InvalidShape,
        KeptAsideReason::MissingField,
        KeptAsideReason::UnknownKind,
        KeptAsideReason::UnknownField,
        KeptAsideReason::InvalidValue,
        KeptAsideReason::RefusedTransition,
        KeptAsideReason::SignatureInvalid,
    ];

    pub fn key(self) -> &'static str {
        match self {
            KeptAsideReason::UnknownReference => "unknown_reference",
            KeptAsideReason::InvalidShape => "invalid_shape",
            KeptAsideReason::MissingField => "missing_field",
            KeptAsideReason::UnknownKind => "unknown_kind",
            KeptAsideReason::UnknownField => "unknown_field",
            KeptAsideReason::InvalidValue => "invalid_value",
            KeptAsideReason::RefusedTransition => "refused_transition",
            KeptAsideReason::SignatureInvalid => "signature_invalid",
        }
    }

    pub fn parse(key: &str) -> Option<KeptAsideReason> {
        KeptAsideReason::ALL.into_iter().find(|r| r.key() == key)
    }
}

/// An operation that arrived but could not be applied: shown with the PC it came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct KeptAsideOp {
    pub device_id: String,
    pub op_id: String,
    /// Who the operation says made it (a person id; empty when the log does not hold it).
    pub author_id: String,
    pub reason: KeptAsideReason,
    /// For the CLI and the log; the UI shows the reason's translation.
    pub message: String,
    /// The version of the app that last tried it.
    pub app_version: String,
}

impl KeptAsideReason {
    /// Whether it is a sign that someone wrote to the share what no PC of the office writes:
    /// shown as an alert, not as a version difference.
    pub fn is_alert(self) -> bool {
        matches!(
            self,
            KeptAsideReason::RefusedTransition | KeptAsideReason::SignatureInvalid
        )
    }
}
