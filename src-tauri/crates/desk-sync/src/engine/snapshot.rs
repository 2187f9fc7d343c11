//! Snapshots: a new PC starting from one (read as a stream, checked whole first), and writing
//! one when this PC compacts.

use super::apply::{acknowledged_elsewhere, add_applied, fetch_blobs, have};
use super::publish::add_attachment_hashes;
use super::signing::{Carried, CarriedCheck, Contents, Verdict};
use super::*;
use crate::heal::Reports;

/// A new PC (or one whose next segments were compacted away) starts from the newest snapshot.
pub(super) fn bootstrap_from_snapshot(
    round: &mut Round,
    reports: &Reports,
) -> Result<(), SyncError> {
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
    // Operations other PCs acknowledge that no segment in the folder holds any more (a writer
    // that compacted them away before it was restored or retired): a snapshot may have them.
    for (device, acked) in acknowledged_elsewhere(reports, round.catalog.device_id()) {
        let cursor = known.get(&device).copied().unwrap_or(0);
        if acked <= cursor || device == round.catalog.device_id() || !format::is_device_id(&device)
        {
            continue;
        }
        let files = segment_files(round, &device)?;
        if files.range(cursor + 1..).next().is_none() {
            needed = true;
            compacted.insert(device);
        }
    }
    if !needed {
        return Ok(());
    }
    // The newest snapshot of a PC whose segments are gone first: compaction wrote it to cover
    // them (the newest of all may be one that does not, such as this PC's own). When it does
    // not read whole (damaged, and its writer maybe gone for good) or brings nothing new, the
    // next is tried: any whole snapshot holding the operations will do, and another PC's may
    // be the only copy left in the folder.
    let mut candidates: Vec<String> = snapshots
        .iter()
        .rev()
        .filter(|(_, device, _)| compacted.contains(device))
        .map(|(_, _, name)| name.clone())
        .collect();
    for (_, _, name) in snapshots.iter().rev() {
        if !candidates.contains(name) {
            candidates.push(name.clone());
        }
    }
    // Each is read twice as a stream, never held whole: first only to check it and learn the
    // attachments it names (fetched before the items that name them, as for segments), then to
    // apply it in one transaction, which the second read's own check at the end can still undo
    // (the file may change in between). A damaged snapshot thus never touches the catalog.
    for name in candidates {
        let path = format!("snapshots/{name}");
        // Its header first: one that brings nothing new is not read through (a PC behind
        // for good would otherwise read every snapshot in the folder every round).
        match open_snapshot(round, &path)? {
            Ok(reader) if merge::vv_missing(&reader.header().version_vector, &known).is_none() => {
                continue
            }
            Ok(_) => {}
            Err(unread) => {
                snapshot_unread(round, &name, unread);
                continue;
            }
        }
        let CheckedSnapshot {
            header,
            hashes,
            digest,
            contents,
            carried,
        } = match check_snapshot(round, &path)? {
            Ok(checked) => checked,
            Err(unread) => {
                snapshot_unread(round, &name, unread);
                continue;
            }
        };
        if header.kind != SegmentKind::Snapshot || header.catalog_id != round.catalog_id {
            round.problem(
                "foreign_snapshot",
                format!("the snapshot {name} is not of this catalog"),
            );
            continue;
        }
        if merge::vv_missing(&header.version_vector, &known).is_none() {
            continue;
        }
        // Only what an enrolled PC signed, and each other PC's operations as their own writer
        // signed them, where this PC pinned the office key.
        let verdict = match round.check.check(&header, &digest, &contents) {
            Verdict::Accept => round.check.check_carried(&header, &carried, &contents),
            other => other,
        };
        match verdict {
            Verdict::Accept => {}
            Verdict::Wait(detail) => {
                round.report.waiting.push(WaitingSegment {
                    device_id: header.device_id.clone(),
                    file: path,
                    reason: WaitReason::Unenrolled,
                    detail,
                });
                continue;
            }
            Verdict::Refuse { code, detail } => {
                round.problem(code, format!("{path}: {detail}"));
                snapshot_damaged(round, &name, detail);
                continue;
            }
        }
        let checked = CheckedSnapshot {
            header,
            hashes,
            digest,
            contents,
            carried,
        };
        return apply_snapshot_file(round, &name, &path, checked);
    }
    Ok(())
}

/// Applies a snapshot already checked whole once, reading it again as a stream in one
/// transaction that a damaged end, or records other than those checked, still undoes.
fn apply_snapshot_file(
    round: &mut Round,
    name: &str,
    path: &str,
    checked: CheckedSnapshot,
) -> Result<(), SyncError> {
    let CheckedSnapshot {
        header,
        hashes,
        digest,
        contents,
        carried,
    } = checked;
    round.progress.segments_total += 1;
    (round.on_progress)(&round.progress);
    fetch_blobs(&mut Reader::of(round), hashes)?;
    let reader = match open_snapshot(round, path)? {
        Ok(reader) if reader.header() == &header => reader,
        Ok(_) => {
            snapshot_damaged(round, name, "the snapshot changed while it was read".into());
            return Ok(());
        }
        Err(unread) => {
            snapshot_unread(round, name, unread);
            return Ok(());
        }
    };
    let mut damage: Option<format::SegmentError> = None;
    let ops = Checked {
        reader,
        digest: &digest,
    }
    .map(|op| {
        op.inspect_err(|e| {
            damage = Some(e.clone());
        })
    });
    let applied = round
        .catalog
        .apply_snapshot_stream(ops, &header.version_vector, round.now);
    if let Some(e) = damage {
        // Rolled back: nothing of it stays applied.
        snapshot_damaged(round, name, e.to_string());
        return Ok(());
    }
    let applied = applied?;
    round.check.learn(&contents);
    // Kept, so that this PC can publish those operations again with their writer's proof and
    // carry it in its own snapshots.
    for proof in &carried.kept {
        round.catalog.record_carried_proof(
            &proof.device_id,
            proof.first_seq,
            proof.last_seq,
            &proof.proof,
        )?;
    }
    add_applied(&mut round.report, "snapshot", applied);
    round.advance(applied);
    Ok(())
}

/// A snapshot's operations as read the second time, to be applied: ending with an error (so
/// that nothing of it stays) when its records are not the ones checked the first time.
struct Checked<'d, R> {
    reader: format::SegmentReader<R>,
    digest: &'d str,
}

impl<R: io::Read> Iterator for Checked<'_, R> {
    type Item = Result<Operation, format::SegmentError>;

    fn next(&mut self) -> Option<Self::Item> {
        match self.reader.next() {
            None if self.reader.digest() != self.digest => Some(Err(SegmentError::Malformed(
                "the snapshot changed while it was read".into(),
            ))),
            other => other,
        }
    }
}

/// The stream of a snapshot, its header read; `Err` with why when it cannot be read (the
/// outer error is a fault of the share, not of the file).
#[allow(clippy::type_complexity)]
pub(super) fn open_snapshot(
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
pub(super) fn check_snapshot(
    round: &mut Round,
    path: &str,
) -> Result<Result<CheckedSnapshot, Unread>, SyncError> {
    let mut reader = match open_snapshot(round, path)? {
        Ok(reader) => reader,
        Err(detail) => return Ok(Err(detail)),
    };
    let mut hashes = BTreeSet::new();
    let mut contents = Contents::default();
    let mut carried = CarriedCheck::new(&reader.header().proofs);
    while let Some(op) = reader.next() {
        match op {
            Ok(op) => {
                add_attachment_hashes(&op, &mut hashes);
                contents.add(&op);
                carried.add(&op, reader.last_record());
            }
            Err(e) => return Ok(Err(Unread::Damaged(e.to_string()))),
        }
    }
    let carried = carried.finish(&round.catalog_id);
    Ok(Ok(CheckedSnapshot {
        header: reader.header().clone(),
        hashes,
        digest: reader.digest(),
        contents,
        carried,
    }))
}

/// A snapshot read through whole: its header, the attachments it names, its records' digest
/// and what its signature checks need.
pub(super) struct CheckedSnapshot {
    header: format::SegmentHeader,
    hashes: BTreeSet<String>,
    digest: String,
    contents: Contents,
    /// What the proofs it carries showed.
    carried: Carried,
}

/// Why a snapshot was not read.
pub(super) enum Unread {
    /// Not a file sync reads (too large, a link, unreadable): waited for.
    Refused(String),
    /// Not whole: waited for, and reported so that its writer writes it again.
    Damaged(String),
}

pub(super) fn snapshot_unread(round: &mut Round, name: &str, unread: Unread) {
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
pub(super) fn snapshot_damaged(round: &mut Round, name: &str, detail: String) {
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

/// Writes a snapshot: every operation this PC holds, in clock order, with its version vector.
/// Returns whether the folder holds it.
pub(crate) fn write_snapshot(round: &mut Round) -> Result<bool, SyncError> {
    let me = round.catalog.device_id().to_string();
    // Only own operations already published: one still in the outbox (an index number settled
    // after this round published) that reached other PCs through the snapshot would make this
    // PC look cloned at its next round (others acknowledge more of its id than it published),
    // and it would take a new id and send those operations again under it.
    let published = round.catalog.published_seq()?;
    let mut ops = round.catalog.operations_in_clock_order()?;
    ops.retain(|op| op.device_id != me || op.seq <= published);
    let mut vv = round.catalog.version_vector()?;
    vv.insert(me.clone(), published);
    let clock = ops.iter().map(|o| o.clock).max().unwrap_or(Hlc::ZERO);
    let mut header = format::ops_header(&round.catalog_id, &me, &ops, vv, &time_text(round.now));
    header.kind = SegmentKind::Snapshot;
    header.first_seq = 0;
    header.last_seq = 0;
    header.proofs = round
        .catalog
        .segment_proofs()?
        .into_iter()
        .filter(|(device, _, last, _)| {
            header
                .version_vector
                .get(device)
                .is_some_and(|held| last <= held)
        })
        .map(
            |(device_id, first_seq, last_seq, proof)| format::CarriedProof {
                device_id,
                first_seq,
                last_seq,
                proof,
            },
        )
        .collect();
    round.sign(&mut header, &ops)?;
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
    let mut quiet = |_: &SyncProgress| {};
    let options = SyncOptions {
        pc_secret: options
            .pc_secret
            .clone()
            .or_else(|| crate::configured::own_pc_secret(catalog)),
        ..options.clone()
    };
    let mut round = Round::begin(catalog, folder, &options, &mut quiet)?;
    write_snapshot(&mut round).map(|_| ())
}
