//! One sync round: check the folder, publish this PC's outbox, apply what the others published,
//! acknowledge, compact.
//!
//! Why this order and these checks: publishing first means a PC's edits leave even when applying
//! later fails; every published segment is read back before its operations leave the outbox.
//! Reading never trusts absence: a missing file is "not there yet" (SMB caches listings), a
//! missing `format.json` where this PC published before means the folder was emptied or
//! replaced, and the PC republishes rather than concluding anything was deleted. A segment is
//! applied only after everything its writer had seen (its version vector), so an edit never
//! arrives before the value it overwrote.
//!
//! Every name listed is checked against what its place holds (a catalog id, a device id, a
//! segment, snapshot, card or blob name); anything else is another program's or a person's,
//! left as it is and listed in the report as ignored. A file at a right name that is not a
//! regular file, or is larger than its kind may be (see `format`), is never read: it waits as
//! damaged, or is ignored, and never fails the round.

mod apply;
mod clash;
mod compact;
mod folder_check;
mod identity;
mod publish;
mod signing;
mod snapshot;
mod status;

use apply::{apply_all, segment_done};
pub(crate) use clash::{holds_superseded, moved_from};
use compact::{compact, write_ack};
use folder_check::{check_folder, note_foreign};
pub(crate) use identity::{
    abandoned_ids, newest_generation, previous_ids, segment_files, segment_is_ours, whole_copy,
    SegmentFiles,
};
use identity::{check_identity, note_clashes, note_device_keys, write_device_card};
use publish::{publish, republish_own, sign_earlier};
pub(crate) use publish::{write_segment, Written};
use snapshot::bootstrap_from_snapshot;
pub use snapshot::publish_snapshot;
pub(crate) use snapshot::write_snapshot;
pub use status::status;

use crate::error::SyncError;
use crate::folder::{refusal, SyncFolder};
use crate::format::{
    self, AckFile, DamageReport, DeviceFile, FormatFile, Segment, SegmentError, SegmentHeader,
    SegmentKind, FORMAT_MAJOR, FORMAT_MINOR, FORMAT_NAME, MAX_ACK_BYTES, MAX_BLOB_BYTES,
    MAX_CARD_BYTES, MAX_FORMAT_BYTES, MAX_SEGMENT_BYTES, MAX_SNAPSHOT_BYTES,
};
use desk_core::hlc::Hlc;
use desk_core::ipc::SampleState;
use desk_core::merge::{self, VersionVector};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::sync::{
    ClockWarning, DamagedFile, DeviceChange, DeviceCount, FolderProblem, SyncProgress, SyncReport,
    SyncStatus, WaitReason, WaitingSegment,
};
use desk_store::attachments::AttachmentStore;
use desk_store::Catalog;
use desk_store::RemoteSegment;
use desk_trust::KeyPair;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// How a round behaves; the defaults are the app's.
#[derive(Debug, Clone)]
pub struct SyncOptions {
    /// An operation stamped further ahead of this PC's clock than this waits (quarantine).
    pub future_limit_ms: i64,
    /// Own segments are removed only this long after they were written (and once every known
    /// PC has acknowledged them and a snapshot covers them).
    pub retention_ms: i64,
    /// At most this many operations per segment.
    pub segment_max_ops: usize,
    /// Remove own segments that every PC has (see `retention_ms`).
    pub compact: bool,
    /// This PC's wall clock (tests set it; `None` reads the system clock).
    pub now_ms: Option<i64>,
    /// The folder as the person chose it, for messages and the status.
    pub folder_label: String,
    pub app_version: String,
    /// How often a PC reads all of its own files in the folder back whole (it checks their
    /// names every round, and reads back at once what another PC reports damaged).
    pub full_check_ms: i64,
    /// How long a damaged segment may wait for its writer before another PC that holds its
    /// operations publishes them again (the writer may be retired or reinstalled).
    pub relay_after_ms: i64,
    /// How long an own segment that does not read whole where a new one should go is waited
    /// for (a read may be torn) before the segment is written under its next name.
    pub own_unreadable_after_ms: i64,
    /// This PC's secret, which opens its device key: with it, once the PC pinned an office key,
    /// what it publishes is signed (see `desk_store::pc_secret`).
    pub pc_secret: Option<PcSecret>,
}

/// A PC's secret for its keys, kept out of logs and debug output.
#[derive(Clone)]
pub struct PcSecret(pub Vec<u8>);

impl std::fmt::Debug for PcSecret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("PcSecret(…)")
    }
}

impl Default for SyncOptions {
    fn default() -> Self {
        SyncOptions {
            future_limit_ms: 10 * 60 * 1000,
            retention_ms: 30 * 24 * 60 * 60 * 1000,
            segment_max_ops: 2000,
            compact: true,
            now_ms: None,
            folder_label: String::new(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
            full_check_ms: 24 * 60 * 60 * 1000,
            relay_after_ms: 6 * 60 * 60 * 1000,
            own_unreadable_after_ms: 10 * 60 * 1000,
            pc_secret: None,
        }
    }
}

pub(crate) fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

pub(crate) struct Round<'a> {
    pub(crate) catalog: &'a mut Catalog,
    pub(crate) folder: &'a dyn SyncFolder,
    pub(crate) options: &'a SyncOptions,
    pub(crate) now: i64,
    pub(crate) catalog_id: String,
    pub(crate) report: SyncReport,
    /// A failure that does not stop the round: the rest is done, then it is returned.
    deferred: Option<SyncError>,
    progress: SyncProgress,
    on_progress: &'a mut dyn FnMut(&SyncProgress),
    /// What arriving segments are checked against (see `signing`).
    check: signing::SegmentCheck,
    /// This PC's device key as opened for its current id.
    device_key: Option<(String, std::rc::Rc<KeyPair>)>,
    /// Operations issued again under another id after an id clash (see `clash`).
    pub(crate) superseded: clash::Superseded,
    /// Devices this PC found in an id clash: its acknowledgement carries their last hashes.
    clash_devices: BTreeSet<String>,
    /// How far a segment waits on an id a clash's side was moved from (see `apply`).
    clash_caps: BTreeMap<String, u64>,
}

impl<'a> Round<'a> {
    /// A round on `catalog` through `folder`, at the options' time (or now).
    pub(super) fn begin(
        catalog: &'a mut Catalog,
        folder: &'a dyn SyncFolder,
        options: &'a SyncOptions,
        on_progress: &'a mut dyn FnMut(&SyncProgress),
    ) -> Result<Round<'a>, SyncError> {
        let now = options
            .now_ms
            .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
        let catalog_id = catalog.catalog_id()?;
        let check = signing::SegmentCheck::of(catalog)?;
        Ok(Round {
            catalog,
            folder,
            options,
            now,
            catalog_id,
            report: SyncReport::default(),
            deferred: None,
            progress: SyncProgress::default(),
            on_progress,
            check,
            device_key: None,
            superseded: clash::Superseded::new(),
            clash_devices: BTreeSet::new(),
            clash_caps: BTreeMap::new(),
        })
    }

    /// The key this PC signs what it publishes with: `None` until it pinned an office key (or
    /// when the caller gave no PC secret).
    pub(crate) fn signing_key(&mut self) -> Result<Option<std::rc::Rc<KeyPair>>, SyncError> {
        let Some(secret) = &self.options.pc_secret else {
            return Ok(None);
        };
        let device = self.catalog.device_id();
        if let Some((id, key)) = &self.device_key {
            if id == device {
                return Ok(Some(key.clone()));
            }
        }
        let Some(key) = self.catalog.device_key_for_sync(&secret.0)? else {
            return Ok(None);
        };
        let key = std::rc::Rc::new(key);
        self.device_key = Some((device.to_string(), key.clone()));
        Ok(Some(key))
    }

    /// Signs `header` for `ops` when this PC signs.
    pub(crate) fn sign(
        &mut self,
        header: &mut SegmentHeader,
        ops: &[Operation],
    ) -> Result<(), SyncError> {
        if let Some(key) = self.signing_key()? {
            format::sign_header(header, ops, &key)
                .map_err(|e| SyncError::Store(desk_store::StoreError::Decode(e.to_string())))?;
        }
        Ok(())
    }

    pub(crate) fn io(&self, error: io::Error) -> SyncError {
        SyncError::from_io(&self.options.folder_label, error)
    }

    pub(crate) fn path(&self, rest: &str) -> String {
        format!("{}/{rest}", self.catalog_id)
    }

    /// The names in the catalog's folder `rest` that `valid` takes; see [`names_in`].
    pub(crate) fn names(
        &mut self,
        rest: &str,
        valid: impl Fn(&str) -> bool,
    ) -> Result<Vec<String>, SyncError> {
        let dir = self.path(rest);
        names_in(self.folder, &dir, valid, &mut self.report)
            .map_err(|e| SyncError::from_io(&self.options.folder_label, e))
    }

    /// Something in the folder that is not sync's, or not readable as its kind: left as it is.
    fn ignore(&mut self, path: &str) {
        ignore(&mut self.report, path);
    }

    /// A segment (or the snapshot) was applied: count it and tell the caller.
    fn advance(&mut self, ops: u32) {
        segment_done(&mut self.progress, &mut *self.on_progress, ops);
    }

    pub(crate) fn problem(&mut self, code: &str, message: String) {
        log::warn!("sync: {message}");
        self.report.folder_problems.push(FolderProblem {
            code: code.to_string(),
            message,
        });
    }
}

/// What reading other PCs' files needs besides the catalog, so that segments can be read while
/// the catalog holds a batch of them open.
struct Reader<'r> {
    folder: &'r dyn SyncFolder,
    options: &'r SyncOptions,
    now: i64,
    catalog_id: &'r str,
    report: &'r mut SyncReport,
    blobs: AttachmentStore,
    check: &'r mut signing::SegmentCheck,
    superseded: &'r clash::Superseded,
    clash_caps: &'r BTreeMap<String, u64>,
}

/// Notes a file of the folder found damaged (reported in this PC's acknowledgements, so that
/// its writer, or another PC holding what it carries, writes it again).
fn note_damaged(report: &mut SyncReport, device: &str, file: &str) {
    if !report.damaged.iter().any(|d| d.file == file) {
        report.damaged.push(DamagedFile {
            file: file.to_string(),
            device_id: device.to_string(),
            since: String::new(),
            holders: Vec::new(),
        });
    }
}

impl Reader<'_> {
    fn damaged(&mut self, device: &str, file: &str) {
        note_damaged(self.report, device, file);
    }

    fn of<'r>(round: &'r mut Round) -> Reader<'r> {
        Reader {
            folder: round.folder,
            options: round.options,
            now: round.now,
            catalog_id: &round.catalog_id,
            blobs: round.catalog.attachment_store(),
            report: &mut round.report,
            check: &mut round.check,
            superseded: &round.superseded,
            clash_caps: &round.clash_caps,
        }
    }

    fn io(&self, error: io::Error) -> SyncError {
        SyncError::from_io(&self.options.folder_label, error)
    }

    fn path(&self, rest: &str) -> String {
        format!("{}/{rest}", self.catalog_id)
    }

    fn problem(&mut self, code: &str, message: String) {
        log::warn!("sync: {message}");
        self.report.folder_problems.push(FolderProblem {
            code: code.to_string(),
            message,
        });
    }
}

/// At most this many ignored paths are listed in a report (a folder can hold any number).
const MAX_IGNORED_LISTED: usize = 1000;

fn ignore(report: &mut SyncReport, path: &str) {
    if report.ignored.len() < MAX_IGNORED_LISTED && !report.ignored.iter().any(|p| p == path) {
        log::info!("sync: {path} is not sync's; it is left as it is");
        report.ignored.push(path.to_string());
    }
}

/// The names in `dir` that `valid` takes, sorted; the others are ignored, and so is `dir` as a
/// whole when it is not a real folder (a file, a link).
fn names_in(
    folder: &dyn SyncFolder,
    dir: &str,
    valid: impl Fn(&str) -> bool,
    report: &mut SyncReport,
) -> io::Result<Vec<String>> {
    let names = match folder.list(dir) {
        Ok(names) => names,
        Err(e) => match refusal(&e) {
            Some(refused) => {
                ignore(report, &refused.path);
                return Ok(Vec::new());
            }
            None => return Err(e),
        },
    };
    let dir = dir.trim_end_matches('/');
    let mut kept = Vec::new();
    for name in names {
        if valid(&name) {
            kept.push(name);
        } else if dir.is_empty() {
            ignore(report, &name);
        } else {
            ignore(report, &format!("{dir}/{name}"));
        }
    }
    Ok(kept)
}

/// Whether a snapshot's file name is one sync writes.
pub(crate) fn is_snapshot_name(name: &str) -> bool {
    format::parse_snapshot_name(name).is_some_and(|(device, _)| format::is_device_id(&device))
}

/// Whether a name is a segment file's.
fn is_segment_name(name: &str) -> bool {
    format::parse_segment_name(name).is_some()
}

/// Does one round against the folder and says what it did.
pub fn sync_round(
    catalog: &mut Catalog,
    folder: &dyn SyncFolder,
    options: &SyncOptions,
) -> Result<SyncReport, SyncError> {
    sync_round_with_progress(catalog, folder, options, &mut |_| {})
}

/// `sync_round`, telling `on_progress` after each segment applied (and once when the round knows
/// how many it will try), so a long first sync can show a progress bar.
pub fn sync_round_with_progress(
    catalog: &mut Catalog,
    folder: &dyn SyncFolder,
    options: &SyncOptions,
    on_progress: &mut dyn FnMut(&SyncProgress),
) -> Result<SyncReport, SyncError> {
    let mut round = Round::begin(catalog, folder, options, on_progress)?;
    let now = round.now;
    let result = run(&mut round);
    let status_error = result.as_ref().err().map(|e| e.code().to_string());
    round
        .catalog
        .set_sync_value("last_error", status_error.as_deref().unwrap_or(""))?;
    result?;
    round.report.catalog_id = round.catalog_id.clone();
    round.report.device_id = round.catalog.device_id().to_string();
    round.report.finished_at = time_text(now);
    round.report.conflicts = round.catalog.conflicts()?.len() as u32;
    round
        .catalog
        .set_sync_value("last_sync", &round.report.finished_at)?;
    round
        .catalog
        .set_sync_value("folder", &round.options.folder_label)?;
    round.catalog.set_sync_value(
        "waiting",
        &serde_json::to_string(&round.report.waiting).unwrap_or_default(),
    )?;
    round.catalog.set_sync_value(
        "damaged",
        &serde_json::to_string(&round.report.damaged).unwrap_or_default(),
    )?;
    round.catalog.set_sync_value(
        "clock_warnings",
        &serde_json::to_string(&round.report.clock_warnings).unwrap_or_default(),
    )?;
    Ok(round.report)
}

fn run(round: &mut Round) -> Result<(), SyncError> {
    let conflicts_before: BTreeSet<String> = round
        .catalog
        .conflicts()?
        .into_iter()
        .map(|c| c.key)
        .collect();
    let republish = check_folder(round)?;
    // A PC joining the folder's catalog takes its id here: what arrives is checked against it.
    round.check = signing::SegmentCheck::of(round.catalog)?;
    note_foreign(round)?;
    write_device_card(round)?;
    let device = round.catalog.device_id().to_string();
    let mut reports = crate::heal::read_reports(round)?;
    check_identity(round, &reports)?;
    if round.catalog.device_id() != device {
        // Read again under the new id: the old id's own acknowledgements are another PC's now.
        reports = crate::heal::read_reports(round)?;
    }
    // An id clash: a side issued again under a new id is moved here too, and this PC issues
    // its own side again where another PC holds other operations under its id.
    round.superseded = clash::follow_reissued(round)?;
    let device = round.catalog.device_id().to_string();
    let superseded = std::mem::take(&mut round.superseded);
    clash::reissue_own(round, &reports, &superseded)?;
    clash::reissue_earlier(round, &reports, &superseded)?;
    round.superseded = superseded;
    if round.catalog.device_id() != device {
        reports = crate::heal::read_reports(round)?;
    }
    round.superseded = clash::follow_reissued(round)?;
    note_device_keys(round)?;
    republish_own(round, republish)?;
    crate::heal::repair_own(round, &reports)?;
    publish(round)?;
    sign_earlier(round)?;
    bootstrap_from_snapshot(round, &reports)?;
    // Operations kept aside by another version of the app are tried again after an update.
    round.catalog.set_app_version(&round.options.app_version);
    round.catalog.retry_kept_aside(round.now)?;
    apply_all(round, &reports)?;
    // A rotation of the office key that arrived whole: this PC now trusts the new key.
    if round.catalog.follow_office_rotation()?.is_some() {
        round.check = signing::SegmentCheck::of(round.catalog)?;
    }
    note_clashes(round, &reports)?;
    crate::heal::relay(round, &reports)?;
    let damaged = crate::heal::remember_damage(round, &reports)?;
    write_ack(round, damaged)?;
    if round.options.compact {
        compact(round)?;
    }
    let after = round.catalog.conflicts()?;
    round.report.new_conflicts = after
        .iter()
        .filter(|c| !conflicts_before.contains(&c.key))
        .count() as u32;
    match round.deferred.take() {
        Some(e) => Err(e),
        None => Ok(()),
    }
}
