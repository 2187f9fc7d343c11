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

use crate::error::SyncError;
use crate::folder::SyncFolder;
use crate::format::{
    self, AckFile, DeviceFile, FormatFile, Segment, SegmentError, SegmentHeader, SegmentKind,
    FORMAT_MAJOR, FORMAT_MINOR, FORMAT_NAME,
};
use desk_core::hlc::Hlc;
use desk_core::merge::{self, VersionVector};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::sync::{
    ClockWarning, DeviceChange, DeviceCount, FolderProblem, SyncProgress, SyncReport, SyncStatus,
    WaitReason, WaitingSegment,
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
        }
    }
}

fn time_text(ms: i64) -> String {
    chrono::DateTime::from_timestamp_millis(ms)
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
        .unwrap_or_default()
}

struct Round<'a> {
    catalog: &'a mut Catalog,
    folder: &'a dyn SyncFolder,
    options: &'a SyncOptions,
    now: i64,
    catalog_id: String,
    report: SyncReport,
    progress: SyncProgress,
    on_progress: &'a mut dyn FnMut(&SyncProgress),
}

impl Round<'_> {
    fn io(&self, error: io::Error) -> SyncError {
        SyncError::from_io(&self.options.folder_label, error)
    }

    fn path(&self, rest: &str) -> String {
        format!("{}/{rest}", self.catalog_id)
    }

    fn list(&self, rest: &str) -> Result<Vec<String>, SyncError> {
        self.folder.list(&self.path(rest)).map_err(|e| self.io(e))
    }

    /// A segment (or the snapshot) was applied: count it and tell the caller.
    fn advance(&mut self, ops: u32) {
        segment_done(&mut self.progress, &mut *self.on_progress, ops);
    }

    fn problem(&mut self, code: &str, message: String) {
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

impl Reader<'_> {
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
    write_device_card(round)?;
    check_identity(round)?;
    republish_own(round, republish)?;
    publish(round)?;
    bootstrap_from_snapshot(round)?;
    // Operations kept aside by another version of the app are tried again after an update.
    round.catalog.set_app_version(&round.options.app_version);
    round.catalog.retry_kept_aside(round.now)?;
    apply_all(round)?;
    write_ack(round)?;
    if round.options.compact {
        compact(round)?;
    }
    let after = round.catalog.conflicts()?;
    round.report.new_conflicts = after
        .iter()
        .filter(|c| !conflicts_before.contains(&c.key))
        .count() as u32;
    Ok(())
}

/// Reads `format.json`: refuses a newer major or another catalog, creates it for a new catalog,
/// joins the one catalog a new PC finds. Returns whether this PC must republish its segments
/// (it had published here, and the folder no longer shows it).
fn check_folder(round: &mut Round) -> Result<bool, SyncError> {
    let synced_before = round.catalog.sync_value("folder_catalog")?.is_some();
    let format_path = round.path("format.json");
    match round.folder.read(&format_path) {
        Ok(bytes) => {
            let file = parse_format(&bytes)?;
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
            for name in round.folder.list("").map_err(|e| round.io(e))? {
                if !crate::folder::is_plain_name(&name) {
                    continue;
                }
                match round.folder.read(&format!("{name}/format.json")) {
                    Ok(bytes) => {
                        let file = parse_format(&bytes)?;
                        if file.catalog_id == name {
                            found.push(name);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    Err(e) => return Err(round.io(e)),
                }
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
        Err(e) => Err(round.io(e)),
    }
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

fn write_format(round: &mut Round) -> Result<(), SyncError> {
    let file = FormatFile {
        format: FORMAT_NAME.into(),
        major: FORMAT_MAJOR,
        minor: FORMAT_MINOR,
        catalog_id: round.catalog_id.clone(),
        created_by: round.catalog.device_id().to_string(),
        created_at: time_text(round.now),
    };
    let bytes = serde_json::to_vec_pretty(&file).unwrap_or_default();
    match round.folder.create_new(&round.path("format.json"), &bytes) {
        Ok(()) => Ok(()),
        // Another PC made it at the same moment: read it like any other.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let bytes = round
                .folder
                .read(&round.path("format.json"))
                .map_err(|e| round.io(e))?;
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

fn write_device_card(round: &mut Round) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let previous: Vec<String> = round
        .catalog
        .sync_value("previous_device_ids")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let card = DeviceFile {
        device_id: device.clone(),
        catalog_id: round.catalog_id.clone(),
        person: round.catalog.current_person()?.map(|p| p.name),
        app_version: round.options.app_version.clone(),
        previous_device_ids: previous,
    };
    let bytes = serde_json::to_vec_pretty(&card).unwrap_or_default();
    let path = round.path(&format!("devices/{device}.json"));
    match round.folder.read(&path) {
        Ok(existing) if existing == bytes => Ok(()),
        Ok(_) | Err(_) => round.folder.replace(&path, &bytes).map_err(|e| round.io(e)),
    }
}

/// Own segments in the folder, by first sequence.
fn own_segments(round: &Round, device: &str) -> Result<Vec<u64>, SyncError> {
    let mut seqs: Vec<u64> = round
        .list(&format!("ops/{device}"))?
        .iter()
        .filter_map(|n| format::parse_segment_name(n))
        .collect();
    seqs.sort_unstable();
    // A share may list a name twice: compaction takes the next name as where a segment ends.
    seqs.dedup();
    Ok(seqs)
}

/// Whether the folder's segment holds exactly this PC's operations of the same numbers.
fn segment_is_ours(round: &Round, segment: &Segment) -> Result<bool, SyncError> {
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
        let beyond: Vec<u64> = own_segments(round, &device)?
            .into_iter()
            .filter(|&s| s > published)
            .collect();
        let mut cloned = None;
        for first in beyond {
            let path = round.path(&format!("ops/{device}/{}", format::segment_name(first)));
            let bytes = match round.folder.read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
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
                }
                Ok(_) => {
                    cloned = Some(format!(
                        "the shared folder holds operations {first} and later of this PC's id that this PC did not write"
                    ));
                    break;
                }
                // Not readable whole (a torn read, a copy in progress): it proves nothing. Taking
                // a new id now would move operations that may be in it to the new id, and other
                // PCs would get them twice. Publishing below meets it again and waits.
                Err(e) => {
                    log::warn!("sync: own segment {first} does not read whole yet ({e})");
                }
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
fn write_segments(round: &mut Round, from: u64, to: u64) -> Result<(), SyncError> {
    let mut next = from;
    while next <= to {
        let last = (next + round.options.segment_max_ops.max(1) as u64 - 1).min(to);
        let device = round.catalog.device_id().to_string();
        // What the segment builds on: everything this PC has applied.
        let mut vv = round.catalog.sync_cursors()?;
        vv.insert(device.clone(), last);
        match write_segment(round, next, last, &vv)? {
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
        }
        next = last + 1;
    }
    Ok(())
}

enum Written {
    Yes(u32),
    /// This PC's own segment of the same first operation but another cut is already there.
    Earlier(SegmentHeader),
    /// Another PC's segment has the name (a clone).
    NameTaken,
}

/// Writes one segment of own operations `first..=last`, reads it back and checks it.
fn write_segment(
    round: &mut Round,
    first: u64,
    last: u64,
    vv: &VersionVector,
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
    let path = round.path(&format!("ops/{device}/{}", format::segment_name(first)));
    match round.folder.create_new(&path, &bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let existing = round.folder.read(&path).map_err(|e| round.io(e))?;
            return match format::decode_segment(&existing) {
                Ok(segment) if segment_is_ours(round, &segment)? => {
                    if segment.header.last_seq == last {
                        Ok(Written::Yes(ops.len() as u32))
                    } else {
                        Ok(Written::Earlier(segment.header))
                    }
                }
                Ok(_) => Ok(Written::NameTaken),
                // Neither ours nor another PC's as far as can be told yet: try next round.
                Err(e) => Err(round.io(io::Error::new(
                    io::ErrorKind::InvalidData,
                    format!("this PC's segment {first} in the shared folder does not read whole ({e}); it is read again next round"),
                ))),
            };
        }
        Err(e) => return Err(round.io(e)),
    }
    // Read back: only what the folder really holds leaves the outbox.
    let back = round.folder.read(&path).map_err(|e| round.io(e))?;
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
        match write_segment(round, first, last, &vv)? {
            Written::Yes(_) | Written::Earlier(_) => again += 1,
            // Someone else's under this id: the next round's identity check deals with it.
            Written::NameTaken => {
                log::warn!("sync: segment {first} could not be published again: the name is taken")
            }
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
        if op.entity != EntityKind::Item {
            continue;
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
    hashes
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
            Err(e) => return Err(round.io(e)),
        }
    }
    Ok(())
}

fn fetch_blobs(reader: &mut Reader, ops: &[Operation]) -> Result<(), SyncError> {
    for hash in attachment_hashes(ops) {
        if reader.blobs.blob_present(&hash).is_some() {
            continue;
        }
        let Some(rel) = format::blob_path(&hash) else {
            continue;
        };
        match reader.folder.read(&reader.path(&rel)) {
            Ok(bytes) => {
                if reader.blobs.import_blob(&hash, &bytes)? {
                    reader.report.blobs_fetched += 1;
                } else {
                    reader.problem(
                        "damaged_blob",
                        format!("the attachment {hash} in the shared folder does not match its hash; it was not taken"),
                    );
                }
            }
            // Not there yet: the item shows the attachment as missing until it arrives.
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(reader.io(e)),
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
        .list("snapshots")?
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
    for device in round.list("ops")? {
        if !crate::folder::is_plain_name(&device) || device == round.catalog.device_id() {
            continue;
        }
        let cursor = known.get(&device).copied().unwrap_or(0);
        let firsts: Vec<u64> = round
            .list(&format!("ops/{device}"))?
            .iter()
            .filter_map(|n| format::parse_segment_name(n))
            .collect();
        let start = firsts.iter().copied().filter(|&f| f <= cursor + 1).max();
        let later = firsts.iter().any(|&f| f > cursor + 1);
        let reachable = match start {
            None => false,
            Some(f) if f == cursor + 1 || !later => true,
            // A segment that starts within what is applied (an older cut published again) leads
            // on only if it reaches past it.
            Some(f) => round
                .folder
                .read(&round.path(&format!("ops/{device}/{}", format::segment_name(f))))
                .ok()
                .and_then(|bytes| format::decode_segment(&bytes).ok())
                .is_none_or(|segment| segment.header.last_seq > cursor),
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
    let bytes = round
        .folder
        .read(&round.path(&format!("snapshots/{name}")))
        .map_err(|e| round.io(e))?;
    let segment = match format::decode_segment(&bytes) {
        Ok(s)
            if s.header.kind == SegmentKind::Snapshot
                && s.header.catalog_id == round.catalog_id =>
        {
            s
        }
        Ok(_) => {
            round.problem(
                "foreign_snapshot",
                format!("the snapshot {name} is not of this catalog"),
            );
            return Ok(());
        }
        Err(e) => {
            round.report.waiting.push(WaitingSegment {
                device_id: String::new(),
                file: format!("snapshots/{name}"),
                reason: WaitReason::Damaged,
                detail: e.to_string(),
            });
            return Ok(());
        }
    };
    if merge::vv_missing(&segment.header.version_vector, &known).is_none() {
        return Ok(());
    }
    round.progress.segments_total += 1;
    (round.on_progress)(&round.progress);
    fetch_blobs(&mut Reader::of(round), &segment.ops)?;
    let applied =
        round
            .catalog
            .apply_snapshot(&segment.ops, &segment.header.version_vector, round.now)?;
    add_applied(&mut round.report, "snapshot", applied);
    round.advance(applied);
    Ok(())
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
    let mut listings: BTreeMap<String, Vec<u64>> = BTreeMap::new();
    for device in round.list("ops")? {
        let device = device.to_ascii_lowercase();
        if device == me || !crate::folder::is_plain_name(&device) {
            continue;
        }
        let mut seqs: Vec<u64> = round
            .list(&format!("ops/{device}"))?
            .iter()
            .filter_map(|n| format::parse_segment_name(n))
            .collect();
        seqs.sort_unstable();
        seqs.dedup();
        listings.insert(device, seqs);
    }
    let cursors = round.catalog.sync_cursors()?;
    let pending: usize = listings
        .iter()
        .map(|(device, firsts)| {
            let cursor = cursors.get(device).copied().unwrap_or(0);
            firsts.iter().filter(|&&first| first > cursor).count()
        })
        .sum();
    if pending > 0 {
        round.progress.segments_total += u32::try_from(pending).unwrap_or(u32::MAX);
        (round.on_progress)(&round.progress);
    }
    let mut waiting: BTreeMap<String, WaitingSegment> = BTreeMap::new();
    loop {
        let mut progress = false;
        for (device, firsts) in &listings {
            let (applied, wait) = apply_device(round, device, firsts)?;
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
    firsts: &[u64],
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
        match next_segment(&mut reader, device, firsts, cursor, &known)? {
            Next::Apply(segment) => {
                segments += 1;
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
    })?;
    count_done(&mut in_hand);
    add_applied(reader.report, device, outcome.applied);
    reader.report.signoffs_voided += outcome.signoffs_voided;
    Ok((segments > 0, waiting))
}

/// The device's next segment after `cursor` when it is whole, of its place, and everything it
/// builds on (`known`: what this PC has applied) is here; else why it waits.
fn next_segment(
    reader: &mut Reader,
    device: &str,
    firsts: &[u64],
    cursor: u64,
    known: &VersionVector,
) -> Result<Next, SyncError> {
    let next = cursor + 1;
    let Some(&first) = firsts.iter().rev().find(|&&f| f <= next) else {
        return Ok(match firsts.iter().find(|&&f| f > next) {
            Some(&later) => Next::Waiting(WaitingSegment {
                device_id: device.to_string(),
                file: format::segment_name(next),
                reason: WaitReason::Gap,
                detail: format!("operations {next}… are not in the folder yet (it has {later}…)"),
            }),
            None => Next::Nothing,
        });
    };
    let name = format::segment_name(first);
    let wait = |reason, detail: String| {
        Ok(Next::Waiting(WaitingSegment {
            device_id: device.to_string(),
            file: name.clone(),
            reason,
            detail,
        }))
    };
    let bytes = match reader
        .folder
        .read(&reader.path(&format!("ops/{device}/{name}")))
    {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return wait(WaitReason::Gap, "listed but not readable yet".into())
        }
        Err(e) => return Err(reader.io(e)),
    };
    let segment = match format::decode_segment(&bytes) {
        Ok(segment) => segment,
        Err(SegmentError::Newer(major)) => {
            return wait(
                WaitReason::Damaged,
                format!(
                "written in sync format {major}, newer than this version: update Disclosure Desk"
            ),
            )
        }
        Err(e) => return wait(WaitReason::Damaged, e.to_string()),
    };
    let header: &SegmentHeader = &segment.header;
    if header.kind != SegmentKind::Ops
        || header.device_id != device
        || header.catalog_id != reader.catalog_id
        || header.first_seq != first
    {
        return wait(
            WaitReason::Damaged,
            "the segment's header does not match its place in the folder".into(),
        );
    }
    if header.last_seq < next {
        // An older cut of operations already applied; the next ones are not here yet.
        return Ok(match firsts.iter().find(|&&f| f > next) {
            Some(_) => Next::Waiting(WaitingSegment {
                device_id: device.to_string(),
                file: format::segment_name(next),
                reason: WaitReason::Gap,
                detail: format!("operations {next}… are not in the folder yet"),
            }),
            None => Next::Nothing,
        });
    }
    let mut need = header.version_vector.clone();
    need.remove(device);
    if let Some((missing, seq)) = merge::vv_missing(&need, known) {
        return wait(
            WaitReason::Causal,
            format!("it builds on operation {seq} of {missing}, not applied here yet"),
        );
    }
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
    fetch_blobs(reader, &segment.ops)?;
    Ok(Next::Apply(segment))
}

fn write_ack(round: &mut Round) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let ack = AckFile {
        device_id: device.clone(),
        applied: round.catalog.version_vector()?,
        written_at: String::new(),
    };
    let bytes = serde_json::to_vec_pretty(&ack).unwrap_or_default();
    let path = round.path(&format!("acks/{device}.json"));
    match round.folder.read(&path) {
        Ok(existing) if existing == bytes => Ok(()),
        _ => round.folder.replace(&path, &bytes).map_err(|e| round.io(e)),
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
    for name in round.list("devices")? {
        let Some(device) = name
            .to_ascii_lowercase()
            .strip_suffix(".json")
            .map(String::from)
        else {
            continue;
        };
        if !crate::folder::is_plain_name(&device) {
            continue;
        }
        if let Ok(bytes) = round.folder.read(&round.path(&format!("devices/{name}"))) {
            if let Ok(card) = serde_json::from_slice::<DeviceFile>(&bytes) {
                retired.extend(card.previous_device_ids);
            }
        }
        waiting.insert(device);
    }
    let own_previous: Vec<String> = round
        .catalog
        .sync_value("previous_device_ids")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    retired.extend(own_previous);
    let mut acked = u64::MAX;
    let mut devices = 0;
    for device in waiting {
        if device == me || retired.contains(&device) {
            continue;
        }
        devices += 1;
        let ack = match round
            .folder
            .read(&round.path(&format!("acks/{device}.json")))
        {
            Ok(bytes) => serde_json::from_slice::<AckFile>(&bytes).ok(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => None,
            Err(e) => return Err(round.io(e)),
        };
        acked = acked.min(ack.and_then(|a| a.applied.get(&me).copied()).unwrap_or(0));
    }
    if devices == 0 || acked == 0 || acked == u64::MAX {
        return Ok(());
    }
    let mut candidates = Vec::new();
    let firsts = own_segments(round, &me)?;
    for (index, &first) in firsts.iter().enumerate() {
        let next_first = firsts.get(index + 1).copied();
        // A segment ends where the next begins; the last one is never removed (it shows how
        // far this PC has published).
        let Some(next_first) = next_first else { break };
        if next_first - 1 > acked {
            break;
        }
        let path = round.path(&format!("ops/{me}/{}", format::segment_name(first)));
        let Ok(bytes) = round.folder.read(&path) else {
            break;
        };
        let Ok(segment) = format::decode_segment(&bytes) else {
            break;
        };
        if segment.header.clock_max.wall_ms + round.options.retention_ms > round.now {
            break;
        }
        candidates.push((path, segment.header.last_seq));
    }
    let Some(&(_, through)) = candidates.last() else {
        return Ok(());
    };
    let covered = round
        .list("snapshots")?
        .iter()
        .filter_map(|n| format::parse_snapshot_name(n).map(|s| (s, n.clone())))
        .any(|((device, _), name)| {
            device == me
                && round
                    .folder
                    .read(&round.path(&format!("snapshots/{name}")))
                    .ok()
                    .and_then(|b| format::decode_segment(&b).ok())
                    .is_some_and(|s| {
                        s.header.version_vector.get(&me).copied().unwrap_or(0) >= through
                    })
        });
    if !covered {
        write_snapshot(round)?;
    }
    round
        .catalog
        .set_sync_value("compacted_through", &through.to_string())?;
    for (path, _) in candidates {
        round.folder.remove(&path).map_err(|e| round.io(e))?;
        round.report.segments_compacted += 1;
    }
    Ok(())
}

/// Writes a snapshot: every operation this PC holds, in clock order, with its version vector.
fn write_snapshot(round: &mut Round) -> Result<(), SyncError> {
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
    let path = round.path(&format!("snapshots/{}", format::snapshot_name(&me, clock)));
    match round.folder.create_new(&path, &bytes) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(round.io(e)),
    }
    round.report.snapshot_written = true;
    Ok(())
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
        progress: SyncProgress::default(),
        on_progress: &mut |_| {},
    };
    write_snapshot(&mut round)
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
        clock_warnings: parse("clock_warnings")?
            .and_then(|s| serde_json::from_str(&s).ok())
            .unwrap_or_default(),
        waiting: parse("waiting")?
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
