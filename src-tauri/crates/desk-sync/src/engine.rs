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
}

impl Round<'_> {
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
fn is_snapshot_name(name: &str) -> bool {
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
    let now = options
        .now_ms
        .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
    let catalog_id = catalog.catalog_id()?;
    let mut round = Round {
        catalog,
        folder,
        options,
        now,
        catalog_id,
        report: SyncReport::default(),
        deferred: None,
        progress: SyncProgress::default(),
        on_progress,
    };
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
    note_foreign(round)?;
    write_device_card(round)?;
    check_identity(round)?;
    republish_own(round, republish)?;
    let reports = crate::heal::read_reports(round)?;
    crate::heal::repair_own(round, &reports)?;
    publish(round)?;
    bootstrap_from_snapshot(round)?;
    // Operations kept aside by another version of the app are tried again after an update.
    round.catalog.set_app_version(&round.options.app_version);
    round.catalog.retry_kept_aside(round.now)?;
    apply_all(round)?;
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

/// Reads `format.json`: refuses a newer major or another catalog, creates it for a new catalog,
/// joins the one catalog a new PC finds. Returns whether this PC must republish its segments
/// (it had published here, and the folder no longer shows it).
fn check_folder(round: &mut Round) -> Result<bool, SyncError> {
    let synced_before = round.catalog.sync_value("folder_catalog")?.is_some();
    let format_path = round.path("format.json");
    match round.folder.read(&format_path, MAX_FORMAT_BYTES) {
        Ok(bytes) => {
            // The file sits in the folder named by its catalog's id: one naming another catalog
            // is damaged (a flipped character), not another office's.
            let parsed = parse_format(&bytes).and_then(|file| {
                if file.catalog_id == round.catalog_id || !synced_before {
                    Ok(file)
                } else {
                    Err(SyncError::FormatUnreadable(format!(
                        "it names the catalog {} inside the folder of {}",
                        file.catalog_id, round.catalog_id
                    )))
                }
            });
            let file = match parsed {
                Ok(file) => file,
                // A PC that has synced with this catalog knows what the file said: it writes it
                // again rather than stop the office (a newer format is refused, never rewritten).
                Err(SyncError::FormatUnreadable(detail)) if synced_before => {
                    round.problem(
                        "format_repaired",
                        format!("the shared folder's format.json did not read ({detail}): this PC wrote it again"),
                    );
                    rewrite_format(round)?;
                    round.report.repaired.push("format.json".into());
                    return Ok(false);
                }
                Err(e) => return Err(e),
            };
            if file.catalog_id != round.catalog_id {
                return Err(SyncError::CatalogMismatch {
                    local: round.catalog_id.clone(),
                    found: file.catalog_id,
                });
            }
            round
                .catalog
                .set_sync_value("folder_catalog", &round.catalog_id)?;
            Ok(false)
        }
        // Not a file of its size or kind (a folder, a pipe, gigabytes): something else took
        // its place. A PC that synced here knows its catalog's folder without it; it is left as
        // it is, and the rest of the folder is read as always.
        Err(e) if synced_before && refusal(&e).is_some() => {
            round.ignore(&format_path);
            round.problem(
                "format_not_readable",
                format!("the shared folder's format.json was not read ({e}); it was left as it is and this PC syncs on"),
            );
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if synced_before {
                round.problem(
                    "emptied",
                    "the shared folder no longer holds this catalog (emptied, restored or another share): nothing was taken as deleted; this PC publishes its operations again".into(),
                );
                write_format(round)?;
                return Ok(true);
            }
            // A new PC: join the one catalog in the folder, or start one.
            let mut found = Vec::new();
            let names = names_in(round.folder, "", format::is_catalog_id, &mut round.report)
                .map_err(|e| round.io(e))?;
            for name in names {
                match round
                    .folder
                    .read(&format!("{name}/format.json"), MAX_FORMAT_BYTES)
                {
                    Ok(bytes) => {
                        let file = parse_format(&bytes)?;
                        if file.catalog_id == name {
                            found.push(name);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    // A catalog whose format.json cannot be read may be the office's: joining
                    // or starting another one now could split the office.
                    Err(e) if refusal(&e).is_some() => {
                        return Err(SyncError::FormatUnreadable(e.to_string()))
                    }
                    Err(e) => return Err(round.io(e)),
                }
            }
            if found.len() <= 1 {
                leave_sample_behind(round)?;
            }
            match found.len() {
                0 => {
                    write_format(round)?;
                    round.report.created_catalog = true;
                }
                1 => {
                    let id = found.remove(0);
                    round.catalog.join_catalog(&id)?;
                    round.catalog_id = id;
                    round.report.joined_catalog = true;
                }
                _ => return Err(SyncError::CatalogAmbiguous(found.join(", "))),
            }
            round
                .catalog
                .set_sync_value("folder_catalog", &round.catalog_id)?;
            Ok(false)
        }
        Err(e) if refusal(&e).is_some() => Err(SyncError::FormatUnreadable(e.to_string())),
        Err(e) => Err(round.io(e)),
    }
}

/// The sample catalog is never the office's: before this PC first joins or starts the folder's
/// catalog, an untouched sample is removed, and an edited one waits for the person's word.
fn leave_sample_behind(round: &mut Round) -> Result<(), SyncError> {
    match round.catalog.sample_state()? {
        SampleState::None => Ok(()),
        SampleState::Untouched => {
            round.catalog.discard_sample()?;
            round.report.sample_removed = true;
            Ok(())
        }
        SampleState::Edited { changes } => Err(SyncError::SampleEdited { changes }),
    }
}

/// Lists what is not sync's in the catalog's folder and the folders the round does not list
/// otherwise (the other folders are checked where they are listed).
fn note_foreign(round: &mut Round) -> Result<(), SyncError> {
    round.names("", |name| format::CATALOG_ENTRIES.contains(&name))?;
    for cards in ["devices", "acks"] {
        round.names(cards, |name| format::parse_device_file_name(name).is_some())?;
    }
    round.names("blobs", format::is_blob_folder)?;
    Ok(())
}

fn parse_format(bytes: &[u8]) -> Result<FormatFile, SyncError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| SyncError::FormatUnreadable(e.to_string()))?;
    let major = value
        .get("major")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if major > FORMAT_MAJOR as u64 {
        return Err(SyncError::FormatNewer {
            found: major.min(u16::MAX as u64) as u16,
            supported: FORMAT_MAJOR,
        });
    }
    let file: FormatFile =
        serde_json::from_value(value).map_err(|e| SyncError::FormatUnreadable(e.to_string()))?;
    if file.format != FORMAT_NAME {
        return Err(SyncError::FormatUnreadable(format!(
            "it is of \"{}\", not of Disclosure Desk",
            file.format
        )));
    }
    Ok(file)
}

/// `format.json` as this PC writes it for its catalog.
fn format_bytes(round: &Round) -> Vec<u8> {
    let file = FormatFile {
        format: FORMAT_NAME.into(),
        major: FORMAT_MAJOR,
        minor: FORMAT_MINOR,
        catalog_id: round.catalog_id.clone(),
        created_by: round.catalog.device_id().to_string(),
        created_at: time_text(round.now),
    };
    serde_json::to_vec_pretty(&file).unwrap_or_default()
}

fn write_format(round: &mut Round) -> Result<(), SyncError> {
    let bytes = format_bytes(round);
    match round.folder.create_new(&round.path("format.json"), &bytes) {
        Ok(()) => Ok(()),
        // Another PC made it at the same moment: read it like any other.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let bytes = match round
                .folder
                .read(&round.path("format.json"), MAX_FORMAT_BYTES)
            {
                Ok(bytes) => bytes,
                Err(e) if refusal(&e).is_some() => {
                    round.ignore(&round.path("format.json"));
                    return Ok(());
                }
                Err(e) => return Err(round.io(e)),
            };
            let found = parse_format(&bytes)?;
            if found.catalog_id != round.catalog_id {
                return Err(SyncError::CatalogMismatch {
                    local: round.catalog_id.clone(),
                    found: found.catalog_id,
                });
            }
            Ok(())
        }
        Err(e) => Err(round.io(e)),
    }
}

/// Writes `format.json` again over a damaged one (only a PC that synced with this catalog).
fn rewrite_format(round: &mut Round) -> Result<(), SyncError> {
    let bytes = format_bytes(round);
    round
        .folder
        .replace(&round.path("format.json"), &bytes)
        .map_err(|e| round.io(e))
}

fn write_device_card(round: &mut Round) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let previous = previous_ids(round.catalog)?;
    let card = DeviceFile {
        device_id: device.clone(),
        catalog_id: round.catalog_id.clone(),
        person: round.catalog.current_person()?.map(|p| p.name),
        app_version: round.options.app_version.clone(),
        previous_device_ids: previous,
    };
    let bytes = serde_json::to_vec_pretty(&card).unwrap_or_default();
    let path = round.path(&format!("devices/{device}.json"));
    match round.folder.read(&path, MAX_CARD_BYTES) {
        Ok(existing) if existing == bytes => Ok(()),
        Ok(_) | Err(_) => replace_own(round, &path, &bytes),
    }
}

/// Replaces one of this PC's small files; where something that is not a file holds its name or
/// its folder's (a folder, a link), it is left as it is and the file is not written this round.
fn replace_own(round: &mut Round, path: &str, bytes: &[u8]) -> Result<(), SyncError> {
    match round.folder.replace(path, bytes) {
        Ok(()) => Ok(()),
        Err(e) => match refusal(&e) {
            Some(refused) => {
                let message = format!("{path} could not be written: {refused}");
                round.ignore(&refused.path.clone());
                round.problem("own_file_blocked", message);
                Ok(())
            }
            None => Err(round.io(e)),
        },
    }
}

/// Own segments in the folder, by first sequence.
fn own_segments(round: &mut Round, device: &str) -> Result<Vec<u64>, SyncError> {
    let mut seqs: Vec<u64> = round
        .names(&format!("ops/{device}"), is_segment_name)?
        .iter()
        .filter_map(|n| format::parse_segment_name(n))
        .collect();
    seqs.sort_unstable();
    // A share may list a name twice: compaction takes the next name as where a segment ends.
    seqs.dedup();
    Ok(seqs)
}

/// A device's segment files: for each first sequence, its names, newest generation first (a
/// segment written again after damage has a new name; any copy that reads whole will do).
pub(crate) type SegmentFiles = BTreeMap<u64, Vec<String>>;

pub(crate) fn group_segment_files(names: &[String]) -> SegmentFiles {
    let mut grouped: BTreeMap<u64, Vec<(u32, String)>> = BTreeMap::new();
    for name in names {
        if let Some((first, generation)) = format::parse_segment_file(name) {
            grouped
                .entry(first)
                .or_default()
                .push((generation, name.clone()));
        }
    }
    grouped
        .into_iter()
        .map(|(first, mut copies)| {
            copies.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
            // A share may list a name twice, or in two cases.
            copies.dedup_by(|a, b| a.0 == b.0);
            (first, copies.into_iter().map(|(_, name)| name).collect())
        })
        .collect()
}

pub(crate) fn segment_files(round: &mut Round, device: &str) -> Result<SegmentFiles, SyncError> {
    Ok(group_segment_files(
        &round.names(&format!("ops/{device}"), is_segment_name)?,
    ))
}

/// The generation of the newest copy among `names` (0 when only the plain name is there).
pub(crate) fn newest_generation(names: &[String]) -> u32 {
    names
        .iter()
        .filter_map(|n| format::parse_segment_file(n).map(|(_, g)| g))
        .max()
        .unwrap_or(0)
}

/// The first copy among `names` that reads whole and is what its place says: a segment of
/// `device`'s operations starting at `first`, of this catalog. Copies not there (any more) are
/// passed over; another error of the folder is returned.
pub(crate) fn whole_copy(
    folder: &dyn SyncFolder,
    dir: &str,
    catalog_id: &str,
    device: &str,
    first: u64,
    names: &[String],
) -> io::Result<Option<(String, Segment)>> {
    for name in names {
        let bytes = match folder.read(&format!("{dir}/{name}"), MAX_SEGMENT_BYTES) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound || refusal(&e).is_some() => continue,
            Err(e) => return Err(e),
        };
        if let Ok(segment) = format::decode_segment(&bytes) {
            let header = &segment.header;
            if header.kind == SegmentKind::Ops
                && header.device_id == device
                && header.catalog_id == catalog_id
                && header.first_seq == first
            {
                return Ok(Some((name.clone(), segment)));
            }
        }
    }
    Ok(None)
}

/// Whether the folder's segment holds exactly this PC's operations of the same numbers.
pub(crate) fn segment_is_ours(round: &Round, segment: &Segment) -> Result<bool, SyncError> {
    let ours = round
        .catalog
        .own_operations(segment.header.first_seq, segment.header.last_seq)?;
    Ok(ours == segment.ops)
}

/// A segment of this PC's id beyond what it published means another PC runs under the same id
/// (a clone, or this PC restored from an older backup): this PC takes a new id.
fn check_identity(round: &mut Round) -> Result<(), SyncError> {
    loop {
        let device = round.catalog.device_id().to_string();
        let published = round.catalog.published_seq()?;
        let files = segment_files(round, &device)?;
        let mut cloned = None;
        for (&first, names) in files.range(published + 1..) {
            for name in names {
                let path = round.path(&format!("ops/{device}/{name}"));
                let bytes = match round.folder.read(&path, MAX_SEGMENT_BYTES) {
                    Ok(bytes) => bytes,
                    Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
                    // Not a segment at all (a folder, a pipe, too large): it proves nothing.
                    Err(e) if refusal(&e).is_some() => {
                        log::warn!("sync: own segment {name} is not read ({e})");
                        continue;
                    }
                    Err(e) => return Err(round.io(e)),
                };
                match format::decode_segment(&bytes) {
                    Ok(segment) if segment_is_ours(round, &segment)? => {
                        // Published before a crash, not yet marked: mark it now, and remember its
                        // cut so that an emptied folder gets it back.
                        round.catalog.record_published_segment(
                            segment.header.first_seq,
                            segment.header.last_seq,
                            &segment.header.version_vector,
                        )?;
                        let at = time_text(round.now);
                        round.catalog.mark_published(segment.header.last_seq, &at)?;
                        break;
                    }
                    Ok(_) => {
                        cloned = Some(format!(
                            "the shared folder holds operations {first} and later of this PC's id that this PC did not write"
                        ));
                        break;
                    }
                    // Not readable whole (a torn read, a copy in progress): it proves nothing.
                    // Taking a new id now would move operations that may be in it to the new
                    // id, and other PCs would get them twice. Publishing below meets it again
                    // and waits.
                    Err(e) => {
                        log::warn!("sync: own segment {name} does not read whole yet ({e})");
                    }
                }
            }
            if cloned.is_some() {
                break;
            }
        }
        match cloned {
            Some(reason) => change_device(round, reason)?,
            None => return Ok(()),
        }
    }
}

fn change_device(round: &mut Round, reason: String) -> Result<(), SyncError> {
    let old = round.catalog.device_id().to_string();
    let (new, moved) = round.catalog.take_new_device_id()?;
    log::warn!("sync: device {old} is now {new}: {reason}");
    round.report.device_changes.push(DeviceChange {
        old_device_id: old,
        new_device_id: new,
        ops_rekeyed: moved,
        reason,
    });
    write_device_card(round)
}

/// Writes own operations `from..=to` as new segments and moves them out of the outbox.
/// The own segment being published: its first sequence, cut and version vector (see
/// `write_segments`).
const ATTEMPT_KEY: &str = "publish_attempt";
/// An own segment found unreadable where it should go, and since when.
const UNREADABLE_KEY: &str = "own_unreadable";

/// The ids this PC had before it was found cloned or restored.
pub(crate) fn previous_ids(catalog: &Catalog) -> Result<Vec<String>, SyncError> {
    Ok(catalog
        .sync_value("previous_device_ids")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

fn write_segments(round: &mut Round, from: u64, to: u64) -> Result<(), SyncError> {
    let mut next = from;
    while next <= to {
        let last = (next + round.options.segment_max_ops.max(1) as u64 - 1).min(to);
        // Cut shorter where the operations are large, so that every reader reads the segment.
        let fit = format::ops_that_fit(
            &round.catalog.own_operations(next, last)?,
            MAX_SEGMENT_BYTES,
        );
        let last = last.min(next + fit.max(1) as u64 - 1);
        let device = round.catalog.device_id().to_string();
        // What the segment builds on: everything this PC has applied. An attempt that may have
        // reached the folder (its file is there but did not read back) is tried again with the
        // same cut and version vector: other PCs may have read that file, and a copy claiming
        // more could make PCs wait on each other in a circle.
        // One attempt is in flight at a time (segments go out in order): one key holds it.
        let earlier: Option<(u64, u64, VersionVector)> = round
            .catalog
            .sync_value(ATTEMPT_KEY)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .filter(|(f, l, _): &(u64, u64, VersionVector)| *f == next && *l >= next && *l <= to);
        let (last, vv) = match earlier {
            Some((_, last, vv)) => (last, vv),
            None => {
                let mut vv = round.catalog.sync_cursors()?;
                vv.insert(device.clone(), last);
                round.catalog.set_sync_value(
                    ATTEMPT_KEY,
                    &serde_json::to_string(&(next, last, &vv)).unwrap_or_default(),
                )?;
                (last, vv)
            }
        };
        let mut written = write_segment(round, next, last, &vv, 0)?;
        if let Written::Unreadable(detail) = &written {
            // It may be a read torn for now: wait a while; a file that stays so for good is
            // damaged, and the segment is written under its next name.
            let since: i64 = match round
                .catalog
                .sync_value(UNREADABLE_KEY)?
                .and_then(|s| serde_json::from_str::<(u64, i64)>(&s).ok())
                .filter(|(first, _)| *first == next)
            {
                Some((_, since)) => since,
                None => {
                    round.catalog.set_sync_value(
                        UNREADABLE_KEY,
                        &serde_json::to_string(&(next, round.now)).unwrap_or_default(),
                    )?;
                    round.now
                }
            };
            if round.now - since < round.options.own_unreadable_after_ms {
                round.deferred = Some(SyncError::OwnSegmentUnreadable {
                    first: next,
                    detail: detail.clone(),
                });
                return Ok(());
            }
            let names = segment_files(round, &device)?
                .remove(&next)
                .unwrap_or_default();
            written = write_segment(round, next, last, &vv, newest_generation(&names) + 1)?;
            round.catalog.set_sync_value(UNREADABLE_KEY, "")?;
        }
        if matches!(
            written,
            Written::Yes(_) | Written::Earlier(_) | Written::NameTaken
        ) {
            round.catalog.set_sync_value(ATTEMPT_KEY, "")?;
        }
        match written {
            Written::Unreadable(_) => return Ok(()),
            Written::Yes(count) => {
                round.catalog.record_published_segment(next, last, &vv)?;
                round.catalog.mark_published(last, &time_text(round.now))?;
                round.report.ops_published += count;
                round.report.segments_published += 1;
            }
            Written::Earlier(header) => {
                // An earlier attempt (not read back then) holds its own cut: that is what went out.
                let last = header.last_seq;
                round
                    .catalog
                    .record_published_segment(next, last, &header.version_vector)?;
                round.catalog.mark_published(last, &time_text(round.now))?;
                round.report.ops_published += header.count.min(u32::MAX as u64) as u32;
                round.report.segments_published += 1;
                next = last + 1;
                continue;
            }
            Written::NameTaken => {
                change_device(
                    round,
                    format!(
                        "the name of segment {next} was taken by another PC using this PC's id"
                    ),
                )?;
                return Ok(());
            }
            // The operations stay in the outbox; the round goes on to apply the others'.
            Written::Blocked => return Ok(()),
        }
        next = last + 1;
    }
    Ok(())
}

pub(crate) enum Written {
    Yes(u32),
    /// A file of that name is there and does not read whole (torn for now, or damaged).
    Unreadable(String),
    /// This PC's own segment of the same first operation but another cut is already there.
    Earlier(SegmentHeader),
    /// Another PC's segment has the name (a clone).
    NameTaken,
    /// Something that is not a folder stands where the segment's folder should be.
    Blocked,
}

/// Writes one segment of own operations `first..=last`, reads it back and checks it.
pub(crate) fn write_segment(
    round: &mut Round,
    first: u64,
    last: u64,
    vv: &VersionVector,
    generation: u32,
) -> Result<Written, SyncError> {
    let device = round.catalog.device_id().to_string();
    let ops = round.catalog.own_operations(first, last)?;
    if ops.len() as u64 != last - first + 1 {
        return Err(SyncError::Store(desk_store::StoreError::Decode(format!(
            "own operations {first}..{last} are not all in the log"
        ))));
    }
    publish_blobs(round, &ops)?;
    let header = format::ops_header(
        &round.catalog_id,
        &device,
        &ops,
        vv.clone(),
        &time_text(round.now),
    );
    let bytes = format::encode_segment(&header, &ops)
        .map_err(|e| SyncError::Store(desk_store::StoreError::Decode(e.to_string())))?;
    let path = round.path(&format!(
        "ops/{device}/{}",
        format::segment_file_name(first, generation)
    ));
    match round.folder.create_new(&path, &bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let existing = match round.folder.read(&path, MAX_SEGMENT_BYTES) {
                Ok(bytes) => bytes,
                // Something not a segment holds the name: like a segment not read whole.
                Err(e) if refusal(&e).is_some() => Vec::new(),
                Err(e) => return Err(round.io(e)),
            };
            return match format::decode_segment(&existing) {
                Ok(segment) if segment_is_ours(round, &segment)? => {
                    if segment.header.last_seq == last {
                        Ok(Written::Yes(ops.len() as u32))
                    } else {
                        Ok(Written::Earlier(segment.header))
                    }
                }
                Ok(_) => Ok(Written::NameTaken),
                // Neither ours nor another PC's as far as can be told yet.
                Err(e) => Ok(Written::Unreadable(e.to_string())),
            };
        }
        Err(e) => match refusal(&e) {
            Some(refused) => {
                let message = format!("this PC's segment {first} could not be published: {refused}; its operations wait to go out");
                round.ignore(&refused.path.clone());
                round.problem("own_file_blocked", message);
                return Ok(Written::Blocked);
            }
            None => return Err(round.io(e)),
        },
    }
    // Read back: only what the folder really holds leaves the outbox.
    let back = round
        .folder
        .read(&path, MAX_SEGMENT_BYTES)
        .map_err(|e| round.io(e))?;
    if back != bytes {
        match format::decode_segment(&back) {
            Ok(segment) if segment_is_ours(round, &segment)? => {}
            _ => {
                return Err(round.io(io::Error::other(format!(
                    "segment {first} read back differently from what was written"
                ))))
            }
        }
    }
    Ok(Written::Yes(ops.len() as u32))
}

fn publish(round: &mut Round) -> Result<(), SyncError> {
    // A device change during publishing starts over under the new id.
    for _ in 0..3 {
        let device = round.catalog.device_id().to_string();
        let from = round.catalog.published_seq()? + 1;
        let to = round.catalog.own_seq()?;
        if from > to {
            return Ok(());
        }
        write_segments(round, from, to)?;
        if round.catalog.device_id() == device {
            return Ok(());
        }
    }
    Ok(())
}

/// Publishes the same segments again (same cut, same version vectors) where the folder lost
/// them: all of them into an emptied folder, else those missing that compaction did not remove.
fn republish_own(round: &mut Round, emptied: bool) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let listed: BTreeSet<u64> = own_segments(round, &device)?.into_iter().collect();
    let compacted: u64 = round
        .catalog
        .sync_value("compacted_through")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let everything = emptied || listed.is_empty();
    let mut again = 0;
    for (first, last, vv) in round.catalog.published_segments()? {
        if listed.contains(&first) || (!everything && last <= compacted) {
            continue;
        }
        match write_segment(round, first, last, &vv, 0)? {
            Written::Yes(_) | Written::Earlier(_) => again += 1,
            // A damaged copy under the name: the healing pass writes it again under a new one.
            Written::Unreadable(detail) => {
                log::warn!("sync: own segment {first} does not read whole ({detail})")
            }
            // Someone else's under this id: the next round's identity check deals with it.
            Written::NameTaken => {
                log::warn!("sync: segment {first} could not be published again: the name is taken")
            }
            Written::Blocked => break,
        }
    }
    if again > 0 && !emptied {
        round.problem(
            "republished",
            format!("{again} of this PC's segments were missing from the shared folder and were published again"),
        );
    }
    Ok(())
}

fn attachment_hashes(ops: &[Operation]) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for op in ops {
        add_attachment_hashes(op, &mut hashes);
    }
    hashes
}

/// The attachments (sha256) an operation names.
fn add_attachment_hashes(op: &Operation, hashes: &mut BTreeSet<String>) {
    if op.entity != EntityKind::Item {
        return;
    }
    match (op.kind, op.field.as_deref()) {
        (OpKind::Add, Some("attachments")) => {
            if let Some(h) = op.new_value.get("sha256").and_then(|v| v.as_str()) {
                hashes.insert(h.to_string());
            }
        }
        (OpKind::Create, _) => {
            if let Some(list) = op.new_value.get("attachments").and_then(|v| v.as_array()) {
                for a in list {
                    if let Some(h) = a.get("sha256").and_then(|v| v.as_str()) {
                        hashes.insert(h.to_string());
                    }
                }
            }
        }
        _ => {}
    }
}

/// Attachments go out before the segments that name them, content-addressed and written once.
fn publish_blobs(round: &mut Round, ops: &[Operation]) -> Result<(), SyncError> {
    for hash in attachment_hashes(ops) {
        let (Some(rel), Some(local)) = (
            format::blob_path(&hash),
            round.catalog.attachment_blob_present(&hash),
        ) else {
            continue;
        };
        let bytes = match std::fs::read(&local) {
            Ok(bytes) => bytes,
            Err(e) => {
                log::warn!("sync: attachment {hash} not readable here ({e}); not published");
                continue;
            }
        };
        match round.folder.create_new(&round.path(&rel), &bytes) {
            Ok(()) => round.report.blobs_published += 1,
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
            Err(e) => match refusal(&e) {
                Some(refused) => {
                    let message =
                        format!("the attachment {hash} could not be published: {refused}");
                    round.ignore(&refused.path.clone());
                    round.problem("own_file_blocked", message);
                }
                None => return Err(round.io(e)),
            },
        }
    }
    Ok(())
}

fn fetch_blobs(reader: &mut Reader, hashes: BTreeSet<String>) -> Result<(), SyncError> {
    for hash in hashes {
        if reader.blobs.blob_present(&hash).is_some() {
            continue;
        }
        let Some(rel) = format::blob_path(&hash) else {
            continue;
        };
        match reader.folder.read(&reader.path(&rel), MAX_BLOB_BYTES) {
            Ok(bytes) => {
                if reader.blobs.import_blob(&hash, &bytes)? {
                    reader.report.blobs_fetched += 1;
                } else {
                    reader.damaged("", &rel);
                    reader.problem(
                        "damaged_blob",
                        format!("the attachment {hash} in the shared folder does not match its hash; it was not taken"),
                    );
                }
            }
            // Not there yet: the item shows the attachment as missing until it arrives.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => {
                match refusal(&e) {
                    Some(refused) => {
                        ignore(reader.report, &refused.path);
                        reader.problem(
                        "damaged_blob",
                        format!("the attachment {hash} in the shared folder was not taken: {refused}"),
                    );
                    }
                    None => return Err(reader.io(e)),
                }
            }
        }
    }
    Ok(())
}

/// What the reader knows: its cursors and its own last sequence.
fn have(round: &Round) -> Result<VersionVector, SyncError> {
    Ok(round.catalog.version_vector()?)
}

/// A new PC (or one whose next segments were compacted away) starts from the newest snapshot.
fn bootstrap_from_snapshot(round: &mut Round) -> Result<(), SyncError> {
    let mut snapshots: Vec<(Hlc, String, String)> = round
        .names("snapshots", is_snapshot_name)?
        .into_iter()
        .filter_map(|n| format::parse_snapshot_name(&n).map(|(device, clock)| (clock, device, n)))
        .collect();
    snapshots.sort();
    if snapshots.is_empty() {
        return Ok(());
    }
    // Needed when some device's next segment is not in the folder but the snapshot has it.
    let known = have(round)?;
    let mut needed = false;
    let mut compacted: BTreeSet<String> = BTreeSet::new();
    for device in round.names("ops", format::is_device_id)? {
        if device == round.catalog.device_id() {
            continue;
        }
        let cursor = known.get(&device).copied().unwrap_or(0);
        let files = segment_files(round, &device)?;
        let firsts: Vec<u64> = files.keys().copied().collect();
        let start = firsts.iter().copied().filter(|&f| f <= cursor + 1).max();
        let later = firsts.iter().any(|&f| f > cursor + 1);
        let reachable = match start {
            None => false,
            Some(f) if f == cursor + 1 || !later => true,
            // A segment that starts within what is applied (an older cut published again) leads
            // on only if it reaches past it.
            Some(f) => whole_copy(
                round.folder,
                &round.path(&format!("ops/{device}")),
                &round.catalog_id,
                &device,
                f,
                files.get(&f).map(Vec::as_slice).unwrap_or_default(),
            )
            .ok()
            .flatten()
            .is_none_or(|(_, segment)| segment.header.last_seq > cursor),
        };
        if !reachable && !firsts.is_empty() {
            needed = true;
            compacted.insert(device);
        }
    }
    if !needed {
        return Ok(());
    }
    // The newest snapshot of a PC whose segments are gone: compaction wrote it to cover them
    // (the newest of all may be one that does not, such as this PC's own).
    let name = match snapshots
        .iter()
        .rev()
        .find(|(_, device, _)| compacted.contains(device))
        .or(snapshots.last())
    {
        Some((_, _, name)) => name.clone(),
        None => return Ok(()),
    };
    // Read twice as a stream, never held whole: first only to check it and learn the
    // attachments it names (fetched before the items that name them, as for segments), then to
    // apply it in one transaction, which the second read's own check at the end can still undo
    // (the file may change in between). A damaged snapshot thus never touches the catalog.
    let path = format!("snapshots/{name}");
    let (header, hashes) = match check_snapshot(round, &path)? {
        Ok(checked) => checked,
        Err(unread) => {
            snapshot_unread(round, &name, unread);
            return Ok(());
        }
    };
    if header.kind != SegmentKind::Snapshot || header.catalog_id != round.catalog_id {
        round.problem(
            "foreign_snapshot",
            format!("the snapshot {name} is not of this catalog"),
        );
        return Ok(());
    }
    if merge::vv_missing(&header.version_vector, &known).is_none() {
        return Ok(());
    }
    round.progress.segments_total += 1;
    (round.on_progress)(&round.progress);
    fetch_blobs(&mut Reader::of(round), hashes)?;
    let reader = match open_snapshot(round, &path)? {
        Ok(reader) if reader.header() == &header => reader,
        Ok(_) => {
            snapshot_damaged(
                round,
                &name,
                "the snapshot changed while it was read".into(),
            );
            return Ok(());
        }
        Err(unread) => {
            snapshot_unread(round, &name, unread);
            return Ok(());
        }
    };
    let mut damage: Option<format::SegmentError> = None;
    let ops = reader.map(|op| {
        op.inspect_err(|e| {
            damage = Some(e.clone());
        })
    });
    let applied = round
        .catalog
        .apply_snapshot_stream(ops, &header.version_vector, round.now);
    if let Some(e) = damage {
        // Rolled back: nothing of it stays applied.
        snapshot_damaged(round, &name, e.to_string());
        return Ok(());
    }
    let applied = applied?;
    add_applied(&mut round.report, "snapshot", applied);
    round.advance(applied);
    Ok(())
}

/// The stream of a snapshot, its header read; `Err` with why when it cannot be read (the
/// outer error is a fault of the share, not of the file).
#[allow(clippy::type_complexity)]
fn open_snapshot(
    round: &mut Round,
    path: &str,
) -> Result<Result<format::SegmentReader<Box<dyn io::Read>>, Unread>, SyncError> {
    let input = match round.folder.open(&round.path(path), MAX_SNAPSHOT_BYTES) {
        Ok(input) => input,
        Err(e) if refusal(&e).is_some() => return Ok(Err(Unread::Refused(e.to_string()))),
        Err(e) => return Err(round.io(e)),
    };
    Ok(format::SegmentReader::new(input).map_err(|e| Unread::Damaged(e.to_string())))
}

/// Reads a snapshot through once to check it whole: its header and the attachments it names.
#[allow(clippy::type_complexity)]
fn check_snapshot(
    round: &mut Round,
    path: &str,
) -> Result<Result<(format::SegmentHeader, BTreeSet<String>), Unread>, SyncError> {
    let mut reader = match open_snapshot(round, path)? {
        Ok(reader) => reader,
        Err(detail) => return Ok(Err(detail)),
    };
    let mut hashes = BTreeSet::new();
    for op in reader.by_ref() {
        match op {
            Ok(op) => add_attachment_hashes(&op, &mut hashes),
            Err(e) => return Ok(Err(Unread::Damaged(e.to_string()))),
        }
    }
    Ok(Ok((reader.header().clone(), hashes)))
}

/// Why a snapshot was not read.
enum Unread {
    /// Not a file sync reads (too large, a link, unreadable): waited for.
    Refused(String),
    /// Not whole: waited for, and reported so that its writer writes it again.
    Damaged(String),
}

fn snapshot_unread(round: &mut Round, name: &str, unread: Unread) {
    match unread {
        Unread::Refused(detail) => round.report.waiting.push(WaitingSegment {
            device_id: String::new(),
            file: format!("snapshots/{name}"),
            reason: WaitReason::Damaged,
            detail,
        }),
        Unread::Damaged(detail) => snapshot_damaged(round, name, detail),
    }
}

/// A snapshot that does not read whole: waited for, and reported so its writer writes it again.
fn snapshot_damaged(round: &mut Round, name: &str, detail: String) {
    let writer = format::parse_snapshot_name(name)
        .map(|(device, _)| device)
        .unwrap_or_default();
    note_damaged(&mut round.report, &writer, &format!("snapshots/{name}"));
    round.report.waiting.push(WaitingSegment {
        device_id: String::new(),
        file: format!("snapshots/{name}"),
        reason: WaitReason::Damaged,
        detail,
    });
}

/// One more segment applied, with its operations: counted, and the caller told.
fn segment_done(progress: &mut SyncProgress, on_progress: &mut dyn FnMut(&SyncProgress), ops: u32) {
    progress.segments_done += 1;
    progress.ops_applied += ops;
    on_progress(progress);
}

fn add_applied(report: &mut SyncReport, device: &str, ops: u32) {
    if ops == 0 {
        return;
    }
    match report.applied.iter_mut().find(|d| d.device_id == device) {
        Some(entry) => entry.ops += ops,
        None => report.applied.push(DeviceCount {
            device_id: device.to_string(),
            ops,
        }),
    }
}

/// What the folder offers after a device's cursor.
enum Next {
    Apply(Segment),
    Waiting(WaitingSegment),
    Nothing,
}

fn apply_all(round: &mut Round) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let mut listings: BTreeMap<String, SegmentFiles> = BTreeMap::new();
    for device in round.names("ops", format::is_device_id)? {
        if device == me {
            continue;
        }
        let files = segment_files(round, &device)?;
        listings.insert(device, files);
    }
    let cursors = round.catalog.sync_cursors()?;
    let pending: usize = listings
        .iter()
        .map(|(device, files)| {
            let cursor = cursors.get(device).copied().unwrap_or(0);
            files.range(cursor + 1..).count()
        })
        .sum();
    if pending > 0 {
        round.progress.segments_total += u32::try_from(pending).unwrap_or(u32::MAX);
        (round.on_progress)(&round.progress);
    }
    let mut waiting: BTreeMap<String, WaitingSegment> = BTreeMap::new();
    loop {
        let mut progress = false;
        for (device, files) in &listings {
            let (applied, wait) = apply_device(round, device, files)?;
            progress |= applied;
            match wait {
                Some(w) => {
                    waiting.insert(device.clone(), w);
                }
                None => {
                    waiting.remove(device);
                }
            }
        }
        if !progress {
            break;
        }
    }
    round.report.waiting.extend(waiting.into_values());
    Ok(())
}

/// Applies the device's segments that follow its cursor, read one at a time while the catalog
/// applies them in as few transactions as it may (each moves the cursor with what it applied).
/// Returns whether any segment was applied and what the device waits on, if anything.
fn apply_device(
    round: &mut Round,
    device: &str,
    files: &SegmentFiles,
) -> Result<(bool, Option<WaitingSegment>), SyncError> {
    let known = have(round)?;
    let blobs = round.catalog.attachment_store();
    let Round {
        catalog,
        folder,
        options,
        now,
        catalog_id,
        report,
        progress,
        on_progress,
        ..
    } = round;
    let now = *now;
    let mut reader = Reader {
        folder: *folder,
        options,
        now,
        catalog_id,
        report,
        blobs,
    };
    let mut segments = 0u32;
    let mut waiting = None;
    // What was applied, remembered so that this PC can publish it again as it was (a relay).
    let mut applied_cuts: Vec<(u64, u64, VersionVector)> = Vec::new();
    // The catalog asks for the next segment once it has applied the one before: that is when
    // the one before counts as done.
    let mut in_hand: Option<u32> = None;
    let mut count_done = |in_hand: &mut Option<u32>| {
        if let Some(ops) = in_hand.take() {
            segment_done(progress, &mut **on_progress, ops);
        }
    };
    let outcome = catalog.apply_remote_segments(device, now, |cursor| {
        count_done(&mut in_hand);
        match next_segment(&mut reader, device, files, cursor, &known)? {
            Next::Apply(segment) => {
                segments += 1;
                applied_cuts.push((
                    segment.header.first_seq,
                    segment.header.last_seq,
                    segment.header.version_vector.clone(),
                ));
                in_hand = Some(u32::try_from(segment.ops.len()).unwrap_or(u32::MAX));
                Ok(Some(RemoteSegment {
                    last_seq: segment.header.last_seq,
                    ops: segment.ops,
                    version_vector: segment.header.version_vector,
                }))
            }
            Next::Waiting(w) => {
                waiting = Some(w);
                Ok::<_, SyncError>(None)
            }
            Next::Nothing => Ok(None),
        }
    });
    for (first, last, vv) in &applied_cuts {
        catalog.record_applied_segment(device, *first, *last, vv)?;
    }
    let outcome = outcome?;
    count_done(&mut in_hand);
    add_applied(reader.report, device, outcome.applied);
    reader.report.signoffs_voided += outcome.signoffs_voided;
    reader.report.index_nos_renumbered += outcome.index_nos_renumbered;
    Ok((segments > 0, waiting))
}

/// The device's next segment after `cursor` when it is whole, of its place, and everything it
/// builds on (`known`: what this PC has applied) is here; else why it waits.
fn next_segment(
    reader: &mut Reader,
    device: &str,
    files: &SegmentFiles,
    cursor: u64,
    known: &VersionVector,
) -> Result<Next, SyncError> {
    let next = cursor + 1;
    let Some((&first, names)) = files.range(..=next).next_back() else {
        return Ok(match files.range(next + 1..).next() {
            Some((&later, _)) => Next::Waiting(WaitingSegment {
                device_id: device.to_string(),
                file: format::segment_name(next),
                reason: WaitReason::Gap,
                detail: format!("operations {next}… are not in the folder yet (it has {later}…)"),
            }),
            None => Next::Nothing,
        });
    };
    let name = names
        .first()
        .cloned()
        .unwrap_or_else(|| format::segment_name(first));
    let wait = |reason, detail: String| {
        Ok(Next::Waiting(WaitingSegment {
            device_id: device.to_string(),
            file: name.clone(),
            reason,
            detail,
        }))
    };
    // Every copy, newest first. Copies of one segment hold the same operations, but a copy
    // written again after a failed first attempt may name more in its version vector than the
    // first did, while other PCs built on the first: of the copies that read whole and fit their
    // place, the newest whose version vector is met here is taken, so copies never wait on
    // each other in a circle.
    let mut missing = 0;
    let mut damage: Option<String> = None;
    let mut whole: Vec<Segment> = Vec::new();
    for candidate in names {
        let bytes = match reader.folder.read(
            &reader.path(&format!("ops/{device}/{candidate}")),
            MAX_SEGMENT_BYTES,
        ) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                missing += 1;
                continue;
            }
            // A folder, a pipe, a link or gigabytes where the segment belongs: never read.
            Err(e) if refusal(&e).is_some() => {
                damage.get_or_insert_with(|| e.to_string());
                continue;
            }
            Err(e) => return Err(reader.io(e)),
        };
        match format::decode_segment(&bytes) {
            Ok(segment) => {
                let header = &segment.header;
                if header.kind == SegmentKind::Ops
                    && header.device_id == device
                    && header.catalog_id == reader.catalog_id
                    && header.first_seq == first
                {
                    whole.push(segment);
                    continue;
                }
                damage.get_or_insert_with(|| {
                    "the segment's header does not match its place in the folder".into()
                });
            }
            Err(SegmentError::Newer(major)) => {
                return wait(
                    WaitReason::Damaged,
                    format!(
                "written in sync format {major}, newer than this version: update Disclosure Desk"
            ),
                )
            }
            Err(e) => {
                damage.get_or_insert_with(|| e.to_string());
            }
        }
    }
    if whole.is_empty() {
        return match damage {
            Some(detail) => {
                reader.damaged(device, &format!("ops/{device}/{name}"));
                wait(WaitReason::Damaged, detail)
            }
            None if missing > 0 => wait(WaitReason::Gap, "listed but not readable yet".into()),
            None => Ok(Next::Nothing),
        };
    }
    // Copies that reach past what is applied; an older cut alone leads nowhere.
    whole.retain(|s| s.header.last_seq >= next);
    if whole.is_empty() {
        // An older cut of operations already applied; the next ones are not here yet.
        return Ok(match files.range(next + 1..).next() {
            Some(_) => Next::Waiting(WaitingSegment {
                device_id: device.to_string(),
                file: format::segment_name(next),
                reason: WaitReason::Gap,
                detail: format!("operations {next}… are not in the folder yet"),
            }),
            None => Next::Nothing,
        });
    }
    let unmet = |segment: &Segment| -> Option<(String, u64)> {
        let mut need = segment.header.version_vector.clone();
        need.remove(device);
        merge::vv_missing(&need, known).map(|(device, seq)| (device.to_string(), seq))
    };
    let chosen = match whole.iter().position(|s| unmet(s).is_none()) {
        Some(at) => at,
        None => {
            let (missing, seq) = unmet(&whole[0]).unwrap_or_default();
            return wait(
                WaitReason::Causal,
                format!("it builds on operation {seq} of {missing}, not applied here yet"),
            );
        }
    };
    let segment = whole.swap_remove(chosen);
    let header: &SegmentHeader = &segment.header;
    let limit = reader.now + reader.options.future_limit_ms;
    if header.clock_max.wall_ms > limit || segment.ops.iter().any(|o| o.clock.wall_ms > limit) {
        let ahead = (header.clock_max.wall_ms - reader.now) / 60_000;
        if !reader
            .report
            .clock_warnings
            .iter()
            .any(|w| w.device_id == device)
        {
            reader.report.clock_warnings.push(ClockWarning {
                device_id: device.to_string(),
                ahead_minutes: ahead,
            });
        }
        return wait(
            WaitReason::Quarantined,
            format!("its clock is {ahead} minutes ahead of this PC's: check the date and time of both PCs"),
        );
    }
    fetch_blobs(reader, attachment_hashes(&segment.ops))?;
    Ok(Next::Apply(segment))
}

fn write_ack(round: &mut Round, damaged: Vec<DamageReport>) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let ack = AckFile {
        device_id: device.clone(),
        applied: round.catalog.version_vector()?,
        written_at: String::new(),
        damaged,
    };
    let bytes = serde_json::to_vec_pretty(&ack).unwrap_or_default();
    let path = round.path(&format!("acks/{device}.json"));
    match round.folder.read(&path, MAX_ACK_BYTES) {
        Ok(existing) if existing == bytes => Ok(()),
        _ => replace_own(round, &path, &bytes),
    }
}

/// Removes own segments every known PC has applied, older than the retention period, once a
/// snapshot covers them (written here first when needed). The PCs waited for are those with a
/// card listed now and every PC whose operations this one has applied, so that a card missing
/// from one listing never lets a segment go that its PC still needs; an id a listed PC left
/// behind (cloned or restored) is answered for by that PC's own acknowledgement.
fn compact(round: &mut Round) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let mut waiting: BTreeSet<String> = round.catalog.sync_cursors()?.into_keys().collect();
    let mut retired: BTreeSet<String> = BTreeSet::new();
    for name in round.names("devices", |n| format::parse_device_file_name(n).is_some())? {
        let Some(device) = format::parse_device_file_name(&name).map(String::from) else {
            continue;
        };
        if let Ok(bytes) = round
            .folder
            .read(&round.path(&format!("devices/{name}")), MAX_CARD_BYTES)
        {
            if let Ok(card) = serde_json::from_slice::<DeviceFile>(&bytes) {
                retired.extend(card.previous_device_ids);
            }
        }
        waiting.insert(device);
    }
    retired.extend(previous_ids(round.catalog)?);
    let mut acked = u64::MAX;
    let mut devices = 0;
    for device in waiting {
        if device == me || retired.contains(&device) {
            continue;
        }
        devices += 1;
        let ack = match round
            .folder
            .read(&round.path(&format!("acks/{device}.json")), MAX_ACK_BYTES)
        {
            Ok(bytes) => serde_json::from_slice::<AckFile>(&bytes).ok(),
            // Not there, or not a file of its kind: that PC has acknowledged nothing.
            Err(e) if e.kind() == io::ErrorKind::NotFound || refusal(&e).is_some() => None,
            Err(e) => return Err(round.io(e)),
        };
        acked = acked.min(ack.and_then(|a| a.applied.get(&me).copied()).unwrap_or(0));
    }
    if devices == 0 || acked == 0 || acked == u64::MAX {
        return Ok(());
    }
    let mut candidates = Vec::new();
    let files = segment_files(round, &me)?;
    let firsts: Vec<u64> = files.keys().copied().collect();
    for (index, &first) in firsts.iter().enumerate() {
        let next_first = firsts.get(index + 1).copied();
        // A segment ends where the next begins; the last one is never removed (it shows how
        // far this PC has published).
        let Some(next_first) = next_first else { break };
        if next_first - 1 > acked {
            break;
        }
        let names = files.get(&first).map(Vec::as_slice).unwrap_or_default();
        let dir = round.path(&format!("ops/{me}"));
        let Ok(Some((_, segment))) =
            whole_copy(round.folder, &dir, &round.catalog_id, &me, first, names)
        else {
            break;
        };
        if segment.header.clock_max.wall_ms + round.options.retention_ms > round.now {
            break;
        }
        // Every copy of it goes (the plain name and those written again).
        let paths: Vec<String> = names.iter().map(|n| format!("{dir}/{n}")).collect();
        candidates.push((paths, segment.header.last_seq));
    }
    let Some(&(_, through)) = candidates.last() else {
        return Ok(());
    };
    let covered = round
        .names("snapshots", is_snapshot_name)?
        .iter()
        .filter_map(|n| format::parse_snapshot_name(n).map(|s| (s, n.clone())))
        .any(|((device, _), name)| {
            device == me
                && round
                    .folder
                    .open(
                        &round.path(&format!("snapshots/{name}")),
                        MAX_SNAPSHOT_BYTES,
                    )
                    .ok()
                    .and_then(|input| format::check_stream(input).ok())
                    .is_some_and(|header| {
                        header.version_vector.get(&me).copied().unwrap_or(0) >= through
                    })
        });
    if !covered && !write_snapshot(round)? {
        return Ok(());
    }
    round
        .catalog
        .set_sync_value("compacted_through", &through.to_string())?;
    for (paths, _) in candidates {
        for path in paths {
            round.folder.remove(&path).map_err(|e| round.io(e))?;
        }
        round.report.segments_compacted += 1;
    }
    Ok(())
}

/// Writes a snapshot: every operation this PC holds, in clock order, with its version vector.
/// Returns whether the folder holds it.
pub(crate) fn write_snapshot(round: &mut Round) -> Result<bool, SyncError> {
    let me = round.catalog.device_id().to_string();
    let ops = round.catalog.operations_in_clock_order()?;
    let vv = round.catalog.version_vector()?;
    let clock = ops.iter().map(|o| o.clock).max().unwrap_or(Hlc::ZERO);
    let mut header = format::ops_header(&round.catalog_id, &me, &ops, vv, &time_text(round.now));
    header.kind = SegmentKind::Snapshot;
    header.first_seq = 0;
    header.last_seq = 0;
    let bytes = format::encode_segment(&header, &ops)
        .map_err(|e| SyncError::Store(desk_store::StoreError::Decode(e.to_string())))?;
    if bytes.len() as u64 > MAX_SNAPSHOT_BYTES {
        // No PC would read it: the segments stay instead.
        round.problem(
            "snapshot_too_large",
            format!("a snapshot of this catalog would be {} bytes, more than other PCs read; it was not written", bytes.len()),
        );
        return Ok(false);
    }
    let path = round.path(&format!("snapshots/{}", format::snapshot_name(&me, clock)));
    match round.folder.create_new(&path, &bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => match refusal(&e) {
            Some(refused) => {
                let message = format!("a snapshot could not be published: {refused}");
                round.ignore(&refused.path.clone());
                round.problem("own_file_blocked", message);
                return Ok(false);
            }
            None => return Err(round.io(e)),
        },
    }
    round.report.snapshot_written = true;
    Ok(true)
}

/// Writes a snapshot of this PC's catalog into the folder now (the office's PC can give new PCs
/// a fast start without waiting for compaction).
pub fn publish_snapshot(
    catalog: &mut Catalog,
    folder: &dyn SyncFolder,
    options: &SyncOptions,
) -> Result<(), SyncError> {
    let now = options
        .now_ms
        .unwrap_or_else(|| chrono::Utc::now().timestamp_millis());
    let catalog_id = catalog.catalog_id()?;
    let mut round = Round {
        catalog,
        folder,
        options,
        now,
        catalog_id,
        report: SyncReport::default(),
        deferred: None,
        progress: SyncProgress::default(),
        on_progress: &mut |_| {},
    };
    write_snapshot(&mut round).map(|_| ())
}

/// What the status bar shows, from what the last round stored.
pub fn status(catalog: &Catalog) -> Result<SyncStatus, SyncError> {
    let parse = |key: &str| -> Result<Option<String>, SyncError> {
        Ok(catalog.sync_value(key)?.filter(|s| !s.is_empty()))
    };
    Ok(SyncStatus {
        device_id: catalog.device_id().to_string(),
        catalog_id: catalog.catalog_id()?,
        folder: parse("folder")?,
        last_sync: parse("last_sync")?,
        last_error: parse("last_error")?,
        ops_waiting_to_go_out: catalog.outbox_len()?,
        conflicts: catalog.conflicts()?.len() as u32,
        duplicate_index_numbers: catalog.duplicate_index_numbers()?,
        clock_warnings: parse("clock_warnings")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        waiting: parse("waiting")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        damaged: parse("damaged")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        cursors: catalog
            .sync_cursors()?
            .into_iter()
            .map(|(device_id, seq)| DeviceCount {
                device_id,
                ops: seq.min(u32::MAX as u64) as u32,
            })
            .collect(),
        kept_aside: catalog.kept_aside()?,
    })
}
