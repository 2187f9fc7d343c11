//! Healing the shared folder: no damaged or missing file stops the office while one copy of what
//! it carried survives, on any PC.
//!
//! Files are written once and never overwritten, so a damaged segment is never repaired in
//! place: it is written again whole under the next name of its generation
//! (`<first>-r<n>.seg`), and readers take any copy that reads whole and fits its place. Who
//! writes it again:
//! - its writer, at once when it finds its own copy damaged (every own segment is read back
//!   whole on a schedule, `SyncOptions::full_check_ms`) or another PC reports it damaged;
//! - when the writer does not (retired, reinstalled, away), after `SyncOptions::relay_after_ms`,
//!   any PC that applied those operations, from its own log and the cut and version vector it
//!   recorded when it applied them (a relay). A relay restores what its writer published; the
//!   operations keep their writer's ids, sequence numbers and clocks, and readers check the copy
//!   exactly as they check the writer's.
//!
//! A PC reports the damaged and missing files it meets in its acknowledgements
//! (`acks/<device>.json`), with the time it first met them; that is how writers and relays learn
//! of them. Attachments are named by their content's hash, so any PC holding one may put a whole
//! copy in place of a damaged one.

use crate::engine::{
    newest_generation, segment_files, segment_is_ours, whole_copy, write_segment, write_snapshot,
    Round, Written,
};
use crate::error::SyncError;
use crate::format::{self, AckFile, DamageReport};
use desk_core::sync::WaitReason;
use std::collections::{BTreeMap, BTreeSet};
use std::io;

/// What other PCs' acknowledgements say: the files reported damaged or missing (each with the
/// earliest time any PC met it so) and how far each PC has applied every other.
#[derive(Default)]
pub(crate) struct Reports {
    pub damaged: BTreeMap<String, Reported>,
    pub acks: BTreeMap<String, AckFile>,
}

#[derive(Debug, Clone, Copy)]
pub(crate) struct Reported {
    pub since_ms: i64,
    pub missing: bool,
}

pub(crate) fn read_reports(round: &mut Round) -> Result<Reports, SyncError> {
    let me = round.catalog.device_id().to_string();
    let mut reports = Reports::default();
    // This PC's own earlier ids never write their acknowledgements again: what they reported
    // back then would be relayed for ever. (Another PC's earlier id may be a clone's, still in
    // use by the PC it was cloned from: its reports count.)
    let own_before: BTreeSet<String> = crate::engine::previous_ids(round.catalog)?
        .into_iter()
        .collect();
    // Where this PC's own segments end: a report of one is stale only once its reporter has
    // applied the whole segment, not just its first operations (got from a snapshot, or from a
    // copy cut shorter by a relay).
    let own_ends: BTreeMap<u64, u64> = round
        .catalog
        .published_segments()?
        .into_iter()
        .map(|(first, last, _)| (first, last))
        .collect();
    for name in round.names("acks", |n| format::parse_device_file_name(n).is_some())? {
        let Some(device) = format::parse_device_file_name(&name).map(String::from) else {
            continue;
        };
        if device == me {
            continue;
        }
        let ack = match round
            .folder
            .read(&round.path(&format!("acks/{name}")), format::MAX_ACK_BYTES)
        {
            Ok(bytes) => match serde_json::from_slice::<AckFile>(&bytes) {
                Ok(ack) => ack,
                // Its PC writes it again every round it changes.
                Err(e) => {
                    log::warn!("sync: the acknowledgements of {device} do not read ({e})");
                    continue;
                }
            },
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(e) if crate::folder::refusal(&e).is_some() => continue,
            Err(e) => return Err(round.io(e)),
        };
        let current = |report: &&DamageReport| {
            !own_before.contains(&device) && !stale(&ack, report, &me, &own_ends)
        };
        for report in ack.damaged.iter().filter(current) {
            let entry = reports
                .damaged
                .entry(report.file.clone())
                .or_insert(Reported {
                    since_ms: report.since_ms,
                    missing: report.missing,
                });
            entry.since_ms = entry.since_ms.min(report.since_ms);
            entry.missing &= report.missing;
        }
        reports.acks.insert(device, ack);
    }
    Ok(reports)
}

/// The own segments to read back whole: those reported, and all of them when the scheduled
/// check is due. A copy that does not read whole or is not this PC's operations is written
/// again under a new name; so is one another PC could not read though it reads whole here (a
/// torn read or a stale cache on that PC: a new name gets past both).
pub(crate) fn repair_own(round: &mut Round, reports: &Reports) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let prefix = format!("ops/{me}/");
    let files = segment_files(round, &me)?;
    let mut reported: BTreeMap<u64, BTreeSet<String>> = BTreeMap::new();
    let mut missing: BTreeSet<u64> = BTreeSet::new();
    for (file, report) in &reports.damaged {
        let Some(name) = file.strip_prefix(&prefix) else {
            continue;
        };
        // A missing own segment is published again by `republish_own` every round; one that
        // starts inside a segment of this PC is published below.
        if report.missing {
            missing.extend(format::parse_segment_name(name));
            continue;
        }
        if let Some(first) = format::parse_segment_name(name) {
            reported
                .entry(first)
                .or_default()
                .insert(name.to_ascii_lowercase());
        }
    }
    let last_check: i64 = round
        .catalog
        .sync_value("full_check_at")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let due = round.now - last_check >= round.options.full_check_ms;
    let mut to_check: BTreeSet<u64> = reported.keys().copied().collect();
    if due {
        to_check.extend(files.keys().copied());
    }
    let published: BTreeMap<u64, (u64, desk_core::merge::VersionVector)> = round
        .catalog
        .published_segments()?
        .into_iter()
        .map(|(first, last, vv)| (first, (last, vv)))
        .collect();
    let dir = round.path(&format!("ops/{me}"));
    for first in to_check {
        let (Some(names), Some((last, vv))) = (files.get(&first), published.get(&first)) else {
            continue;
        };
        let best = whole_copy(round.folder, &dir, &round.catalog_id, &me, first, names)
            .map_err(|e| round.io(e))?;
        let stale = match &best {
            None => true,
            Some((name, segment)) => {
                !segment_is_ours(round, segment)?
                    || (names.first() == Some(name)
                        && reported
                            .get(&first)
                            .is_some_and(|r| r.contains(&name.to_ascii_lowercase())))
            }
        };
        if !stale {
            continue;
        }
        let generation = newest_generation(names) + 1;
        if generation > format::MAX_GENERATION {
            round.problem(
                "repair_exhausted",
                format!(
                    "segment {first} of this PC was written again too often; it is left as it is"
                ),
            );
            continue;
        }
        match write_segment(round, first, *last, vv, generation)? {
            Written::Yes(..) | Written::Earlier(_) => {
                let file = format!("{prefix}{}", format::segment_file_name(first, generation));
                log::warn!("sync: own segment {first} did not read whole: written again as {file}");
                round.report.repaired.push(file);
            }
            Written::NameTaken | Written::Unreadable(_) | Written::Blocked => {
                log::warn!("sync: own segment {first} could not be written again as a new copy")
            }
        }
    }
    if due {
        round
            .catalog
            .set_sync_value("full_check_at", &round.now.to_string())?;
    }
    publish_from_within(round, &missing, &published)?;
    // An own snapshot reported damaged goes, and a new one takes its place.
    let mut snapshot_again = false;
    for file in reports.damaged.keys() {
        let Some(name) = file.strip_prefix("snapshots/") else {
            continue;
        };
        if format::parse_snapshot_name(name).is_none_or(|(device, _)| device != me) {
            continue;
        }
        // Only while it is there and does not read whole here: a report its reporter never
        // takes back (a PC gone for good) must not have a snapshot written every round.
        let path = round.path(file);
        let whole = match round.folder.open(&path, format::MAX_SNAPSHOT_BYTES) {
            Ok(input) => format::check_stream(input).is_ok(),
            Err(e) if e.kind() == io::ErrorKind::NotFound => continue,
            Err(_) => false,
        };
        if !whole {
            round.folder.remove(&path).map_err(|e| round.io(e))?;
            snapshot_again = true;
        }
    }
    if snapshot_again && write_snapshot(round)? {
        round.report.repaired.push("snapshots/".into());
    }
    Ok(())
}

/// Own operations another PC reports missing from a number where none of this PC's segments
/// starts, but inside one: that PC applied an earlier cut of them, which went with a share rolled
/// back while this PC was restored from a backup that had not yet marked it published, so this
/// PC cut them again differently. That PC reads on from its cursor, so the rest of the segment
/// is published from the reported number on (same operations, same version vector) and kept as
/// published, so that it is checked and written again like any other.
fn publish_from_within(
    round: &mut Round,
    missing: &BTreeSet<u64>,
    published: &BTreeMap<u64, (u64, desk_core::merge::VersionVector)>,
) -> Result<(), SyncError> {
    if missing.iter().all(|at| published.contains_key(at)) {
        return Ok(());
    }
    let me = round.catalog.device_id().to_string();
    // Compacted operations come from the snapshot that covers them, as in `republish_own`.
    let compacted: u64 = round
        .catalog
        .sync_value("compacted_through")?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let files = segment_files(round, &me)?;
    let dir = round.path(&format!("ops/{me}"));
    for &at in missing {
        if published.contains_key(&at) {
            continue;
        }
        let Some((last, vv)) = published
            .range(..at)
            .rev()
            .map(|(_, cut)| cut)
            .find(|(last, _)| *last >= at)
        else {
            continue;
        };
        if *last <= compacted {
            continue;
        }
        let names = files.get(&at).cloned().unwrap_or_default();
        // Already there (the reporter has not read it yet).
        if whole_copy(round.folder, &dir, &round.catalog_id, &me, at, &names)
            .map_err(|e| round.io(e))?
            .is_some()
        {
            continue;
        }
        let generation = if names.is_empty() {
            0
        } else {
            newest_generation(&names) + 1
        };
        if generation > format::MAX_GENERATION {
            continue;
        }
        let file = format!("ops/{me}/{}", format::segment_file_name(at, generation));
        match write_segment(round, at, *last, vv, generation)? {
            Written::Yes(_, proof) => {
                round
                    .catalog
                    .record_published_segment(at, *last, vv, proof.as_ref())?;
                log::warn!(
                    "sync: own operations {at}…{last} reported missing: published again as {file}"
                );
                round.report.repaired.push(file);
            }
            Written::Earlier(header) => {
                round.catalog.record_published_segment(
                    at,
                    header.last_seq,
                    &header.version_vector,
                    header.proof.as_ref(),
                )?;
                round.report.repaired.push(file);
            }
            Written::NameTaken | Written::Unreadable(_) | Written::Blocked => {
                log::warn!("sync: own operations {at}…{last} could not be published again")
            }
        }
    }
    Ok(())
}

/// A report of a segment its reporter has applied since: the copy it met was damaged, and it got
/// the operations elsewhere. Its acknowledgement must name the segment's last operation where
/// this PC knows it (its own segments), else the first.
fn stale(ack: &AckFile, report: &DamageReport, me: &str, own_ends: &BTreeMap<u64, u64>) -> bool {
    let mut parts = report.file.splitn(3, '/');
    let (Some("ops"), Some(writer), Some(name)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    format::parse_segment_name(name).is_some_and(|first| {
        let last = match own_ends.get(&first) {
            Some(&last) if writer == me => last,
            _ => first,
        };
        ack.applied.get(writer).copied().unwrap_or(0) >= last
    })
}

/// Files reported damaged or missing long enough (`relay_after_ms`) that their writer did not
/// repair: segments whose operations this PC applied are published again as they were applied
/// here; attachments held here are put back whole. How long counts on this PC's clock, from
/// when it first read the report: the reporter's clock may be minutes off.
pub(crate) fn relay(round: &mut Round, reports: &Reports) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let seen_before: BTreeMap<String, i64> = round
        .catalog
        .sync_value(REPORTS_SEEN_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let mut candidates: BTreeMap<String, Reported> = BTreeMap::new();
    let mut seen_now: BTreeMap<String, i64> = BTreeMap::new();
    for (file, reported) in &reports.damaged {
        // A clock set back since (by hand, or by minutes of correction) counts from now.
        let first_read = seen_before
            .get(file)
            .copied()
            .unwrap_or(round.now)
            .min(round.now);
        seen_now.insert(file.clone(), first_read);
        candidates.insert(
            file.clone(),
            Reported {
                since_ms: first_read,
                missing: reported.missing,
            },
        );
    }
    if seen_now != seen_before {
        round.catalog.set_sync_value(
            REPORTS_SEEN_KEY,
            &serde_json::to_string(&seen_now).unwrap_or_default(),
        )?;
    }
    for (file, reported) in stored_since(round)? {
        let entry = candidates.entry(file).or_insert(reported);
        entry.since_ms = entry.since_ms.min(reported.since_ms);
    }
    // Ids this PC had before it was found cloned or restored: their segments are its own, and
    // it writes them again at once.
    let previous: BTreeSet<String> = crate::engine::previous_ids(round.catalog)?
        .into_iter()
        .collect();
    let mut covered: BTreeMap<String, u64> = BTreeMap::new();
    for (file, reported) in candidates {
        let own_before = file
            .split('/')
            .nth(1)
            .is_some_and(|device| previous.contains(device));
        if !own_before && round.now - reported.since_ms < round.options.relay_after_ms {
            continue;
        }
        if file.starts_with("blobs/") {
            put_back_blob(round, &file)?;
            continue;
        }
        let mut parts = file.splitn(3, '/');
        let (Some("ops"), Some(device), Some(name)) = (parts.next(), parts.next(), parts.next())
        else {
            continue;
        };
        let Some(first) = format::parse_segment_name(name) else {
            continue;
        };
        if device == me || !crate::folder::is_plain_name(device) {
            continue;
        }
        let device = device.to_string();
        let files = segment_files(round, &device)?;
        // The reported segment, and those after it that are not in the folder whole either: a
        // writer gone for good often left several, and one relay round brings them all back.
        let held = round
            .catalog
            .sync_cursors()?
            .get(&device)
            .copied()
            .unwrap_or(0);
        // A segment its writer compacted away (no copy left, a snapshot of its covers it): a PC
        // behind starts from the snapshot, and a relay would only be removed again by the
        // writer's next compaction. A damaged copy still there was not compacted: it is relayed.
        let mut next = first;
        if !files.contains_key(&first) {
            let compacted = match covered.get(&device) {
                Some(&seq) => seq,
                None => {
                    let mut seq = snapshot_covers(round, &device)?;
                    // A snapshot the writer made before an id clash healed holds the side that
                    // moved under the numbers from the first moved one on: the other side's
                    // operations there were never compacted.
                    if let Some(first) = crate::engine::moved_from(&round.superseded).get(&device) {
                        seq = seq.min(first.saturating_sub(1));
                    }
                    covered.insert(device.clone(), seq);
                    seq
                }
            };
            next = first.max(compacted + 1);
        }
        while next <= held {
            match relay_segment(round, &device, next, &files)? {
                Some(last) => next = last + 1,
                None => break,
            }
        }
    }
    Ok(())
}

/// How far `device`'s own snapshots in the folder cover its operations (0 when none reads).
fn snapshot_covers(round: &mut Round, device: &str) -> Result<u64, SyncError> {
    let mut covered = 0;
    for name in round.names("snapshots", crate::engine::is_snapshot_name)? {
        if format::parse_snapshot_name(&name).is_none_or(|(writer, _)| writer != device) {
            continue;
        }
        let header = round
            .folder
            .open(
                &round.path(&format!("snapshots/{name}")),
                format::MAX_SNAPSHOT_BYTES,
            )
            .ok()
            .and_then(|input| format::check_stream(input).ok());
        if let Some(header) = header {
            covered = covered.max(header.version_vector.get(device).copied().unwrap_or(0));
        }
    }
    Ok(covered)
}

/// Publishes `device`'s segment starting at `first` again from this PC, unless a whole copy is
/// in the folder; returns the last operation the segment holds (in the folder or relayed), or
/// `None` when this PC cannot give it.
fn relay_segment(
    round: &mut Round,
    device: &str,
    first: u64,
    files: &crate::engine::SegmentFiles,
) -> Result<Option<u64>, SyncError> {
    let names = files.get(&first).cloned().unwrap_or_default();
    let dir = round.path(&format!("ops/{device}"));
    // A whole copy holding a side of an id clash issued again under another id does not count:
    // the side this PC holds goes in its place.
    for name in &names {
        if let Some((_, segment)) = whole_copy(
            round.folder,
            &dir,
            &round.catalog_id,
            device,
            first,
            std::slice::from_ref(name),
        )
        .map_err(|e| round.io(e))?
        {
            if !crate::engine::holds_superseded(&round.superseded, &segment.ops) {
                return Ok(Some(segment.header.last_seq));
            }
        }
    }
    let (ops, vv, proof) = match round.catalog.applied_segment(device, first)? {
        // The writer's proof goes with the copy: readers check it as they check the writer's.
        Some(cut) => {
            let ops = round
                .catalog
                .device_operations(device, first, cut.last_seq)?;
            // A proof kept from a snapshot comes without the writer's version vector.
            let vv = if cut.version_vector.is_empty() {
                needed_by(&ops, device)
            } else {
                cut.version_vector
            };
            (ops, vv, cut.proof)
        }
        // Applied here from a snapshot, so without the writer's cut: the operations this PC
        // holds from `first` on, with what they build on as the version vector.
        None => {
            let held = round
                .catalog
                .sync_cursors()?
                .get(device)
                .copied()
                .unwrap_or(0);
            if held < first {
                return Ok(None);
            }
            let last = held.min(first + round.options.segment_max_ops.max(1) as u64 - 1);
            let ops = round.catalog.device_operations(device, first, last)?;
            let vv = needed_by(&ops, device);
            // No writer's proof came with a snapshot: where the office signs, readers let such
            // a copy wait (see docs/sync-format.md).
            (ops, vv, None)
        }
    };
    let Some(last) = ops.last().map(|o| o.seq) else {
        return Ok(None);
    };
    if ops.len() as u64 != last - first + 1 || ops.first().map(|o| o.seq) != Some(first) {
        return Ok(None);
    }
    let generation = newest_generation(&names) + 1;
    if generation > format::MAX_GENERATION {
        return Ok(None);
    }
    let mut header = format::ops_header(
        &round.catalog_id,
        device,
        &ops,
        vv,
        &crate::engine::time_text(round.now),
    );
    header.proof = proof;
    let bytes = format::encode_segment(&header, &ops)
        .map_err(|e| SyncError::Store(desk_store::StoreError::Decode(e.to_string())))?;
    let target = format!(
        "ops/{device}/{}",
        format::segment_file_name(first, generation)
    );
    match round.folder.create_new(&round.path(&target), &bytes) {
        Ok(()) => {
            log::warn!(
                "sync: segment {first} of {device} stayed damaged or missing: published again from this PC as {target}"
            );
            round.report.repaired.push(target);
        }
        // Another PC relayed it at the same moment.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(round.io(e)),
    }
    Ok(Some(last))
}

/// When this PC first read each file other PCs report damaged or missing (its own clock).
const REPORTS_SEEN_KEY: &str = "reports_seen";

/// A version vector for operations relayed without their writer's: what they name (their bases,
/// what a delete covers) and the writer's own operations before them. It asks readers for no
/// more than the operations themselves need, so it can never make PCs wait on each other in a
/// circle.
fn needed_by(ops: &[desk_core::ops::Operation], device: &str) -> desk_core::merge::VersionVector {
    let mut vv = desk_core::merge::VersionVector::new();
    let mut raise = |device: &str, seq: u64| {
        let entry = vv.entry(device.to_string()).or_insert(0);
        *entry = (*entry).max(seq);
    };
    for op in ops {
        for base in &op.base {
            if let Some((base_device, seq)) = base.rsplit_once(':') {
                if let Ok(seq) = seq.parse::<u64>() {
                    raise(base_device, seq);
                }
            }
        }
        for (covered, &seq) in op.covers.iter().flatten() {
            raise(covered, seq);
        }
    }
    if let Some(last) = ops.last() {
        raise(device, last.seq);
    }
    vv
}

/// Puts a whole copy of an attachment held here in place of a damaged or missing one (its name
/// is its content's hash, so nothing else can pass for it).
fn put_back_blob(round: &mut Round, file: &str) -> Result<(), SyncError> {
    let Some(hash) = file.rsplit('/').next() else {
        return Ok(());
    };
    if format::blob_path(hash).as_deref() != Some(file) {
        return Ok(());
    }
    let Some(local) = round.catalog.attachment_blob_present(hash) else {
        return Ok(());
    };
    let path = round.path(file);
    match round.folder.read(&path, format::MAX_BLOB_BYTES) {
        Ok(bytes) if sha256_hex(&bytes) == hash => return Ok(()),
        Ok(_) => round.folder.remove(&path).map_err(|e| round.io(e))?,
        // Not a file this PC wrote or could remove (a folder, a link): left as it is.
        Err(e) if crate::folder::refusal(&e).is_some() => return Ok(()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => {}
        Err(e) => return Err(round.io(e)),
    }
    let bytes = match std::fs::read(&local) {
        Ok(bytes) => bytes,
        Err(e) => {
            log::warn!("sync: attachment {hash} not readable here ({e})");
            return Ok(());
        }
    };
    match round.folder.create_new(&path, &bytes) {
        Ok(()) => round.report.repaired.push(file.to_string()),
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {}
        Err(e) => return Err(round.io(e)),
    }
    Ok(())
}

fn sha256_hex(bytes: &[u8]) -> String {
    use sha2::{Digest, Sha256};
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// The damaged and missing files this PC met in earlier rounds, with when it first met them.
fn stored_since(round: &Round) -> Result<BTreeMap<String, Reported>, SyncError> {
    Ok(round
        .catalog
        .sync_value("damaged_since")?
        .and_then(|s| serde_json::from_str::<Vec<DamageReport>>(&s).ok())
        .unwrap_or_default()
        .into_iter()
        .map(|r| {
            (
                r.file,
                Reported {
                    since_ms: r.since_ms,
                    missing: r.missing,
                },
            )
        })
        .collect())
}

/// What this round met damaged (and missing, once a segment stays missing past a round), kept
/// with the time it was first met, and returned for this PC's acknowledgements. The report's
/// damaged files get their time and the PCs known to hold what they carry.
pub(crate) fn remember_damage(
    round: &mut Round,
    reports: &Reports,
) -> Result<Vec<DamageReport>, SyncError> {
    let before = stored_since(round)?;
    let mut now: BTreeMap<String, Reported> = BTreeMap::new();
    for damaged in &round.report.damaged {
        now.insert(
            damaged.file.clone(),
            Reported {
                since_ms: round.now,
                missing: false,
            },
        );
    }
    // A gap is often a copy still on its way: it counts as missing from the second round on.
    for waiting in &round.report.waiting {
        if waiting.reason != WaitReason::Gap || waiting.device_id.is_empty() {
            continue;
        }
        now.insert(
            format!("ops/{}/{}", waiting.device_id, waiting.file),
            Reported {
                since_ms: round.now,
                missing: true,
            },
        );
    }
    for (file, reported) in now.iter_mut() {
        if let Some(earlier) = before.get(file) {
            // Kept from the round that first met it, unless this PC's clock was set back since.
            reported.since_ms = earlier.since_ms.min(round.now);
        }
    }
    let list: Vec<DamageReport> = now
        .iter()
        .map(|(file, r)| DamageReport {
            file: file.clone(),
            since_ms: r.since_ms,
            missing: r.missing,
        })
        .collect();
    round.catalog.set_sync_value(
        "damaged_since",
        &serde_json::to_string(&list).unwrap_or_default(),
    )?;
    let me = round.catalog.device_id().to_string();
    for damaged in &mut round.report.damaged {
        if let Some(r) = now.get(&damaged.file) {
            damaged.since = crate::engine::time_text(r.since_ms);
        }
        damaged.holders = holders(reports, &me, &damaged.device_id, &damaged.file);
    }
    // Acknowledgements carry what stayed past one round, so that a copy on its way is not
    // reported as missing.
    Ok(list
        .into_iter()
        .filter(|r| !r.missing || before.contains_key(&r.file))
        .collect())
}

/// The PCs known to hold the operations of a damaged segment: its writer, and every PC whose
/// acknowledgement shows it applied them.
fn holders(reports: &Reports, me: &str, writer: &str, file: &str) -> Vec<String> {
    if writer.is_empty() {
        return Vec::new();
    }
    let first = file
        .rsplit('/')
        .next()
        .and_then(format::parse_segment_name)
        .unwrap_or(0);
    let mut holders = vec![writer.to_string()];
    for (device, ack) in &reports.acks {
        if device != me
            && device != writer
            && first > 0
            && ack.applied.get(writer).copied().unwrap_or(0) >= first
        {
            holders.push(device.clone());
        }
    }
    holders
}
