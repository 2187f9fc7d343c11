//! Applying what the other PCs published: each device's segments in order, once everything
//! their writer had seen is here, with the attachments they name.

use super::identity::SegmentFiles;
use super::publish::attachment_hashes;
use super::signing::{Contents, Verdict};
use super::*;
use crate::heal::Reports;
use desk_trust::segment::SegmentProof;

pub(super) fn fetch_blobs(reader: &mut Reader, hashes: BTreeSet<String>) -> Result<(), SyncError> {
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
pub(super) fn have(round: &Round) -> Result<VersionVector, SyncError> {
    Ok(round.catalog.version_vector()?)
}

/// One more segment applied, with its operations: counted, and the caller told.
pub(super) fn segment_done(
    progress: &mut SyncProgress,
    on_progress: &mut dyn FnMut(&SyncProgress),
    ops: u32,
) {
    progress.segments_done += 1;
    progress.ops_applied += ops;
    on_progress(progress);
}

pub(super) fn add_applied(report: &mut SyncReport, device: &str, ops: u32) {
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
pub(super) enum Next {
    Apply(Segment),
    Waiting(WaitingSegment),
    Nothing,
}

pub(super) fn apply_all(round: &mut Round, reports: &Reports) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let mut listings: BTreeMap<String, SegmentFiles> = BTreeMap::new();
    for device in round.names("ops", format::is_device_id)? {
        if device == me {
            continue;
        }
        let files = segment_files(round, &device)?;
        listings.insert(device, files);
    }
    // How far a segment waits on an id a clash's side was moved from: to the numbers before
    // the moved ones, or as far as other PCs acknowledge that id (the other side's length, once
    // every PC moved the side it held).
    let acknowledged = acknowledged_elsewhere(reports, &me);
    round.clash_caps = super::clash::moved_from(&round.superseded)
        .into_iter()
        .map(|(old, first)| {
            let cap = first
                .saturating_sub(1)
                .max(acknowledged.get(&old).copied().unwrap_or(0));
            (old, cap)
        })
        .collect();
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
    // Operations other PCs acknowledge and no segment in the folder holds (the last segments of
    // a PC gone for good, lost with a share rolled back): waited on as a gap, so that this PC
    // reports them missing and a PC holding them relays them.
    let cursors = round.catalog.sync_cursors()?;
    for (device, seq) in acknowledged_elsewhere(reports, &me) {
        let cursor = cursors.get(&device).copied().unwrap_or(0);
        if seq > cursor && !waiting.contains_key(&device) && format::is_device_id(&device) {
            let next = cursor + 1;
            let wait = WaitingSegment {
                device_id: device.clone(),
                file: format::segment_name(next),
                reason: WaitReason::Gap,
                detail: format!(
                    "operations {next}…{seq} are acknowledged by other PCs but not in the folder"
                ),
            };
            waiting.insert(device, wait);
        }
    }
    round.report.waiting.extend(waiting.into_values());
    Ok(())
}

/// For every device but `me`, the highest of its sequences another PC's acknowledgement names.
/// A writer's own acknowledgement does not count: it repairs its own files, and a segment it
/// has only just written may not be listed here yet.
pub(super) fn acknowledged_elsewhere(reports: &Reports, me: &str) -> BTreeMap<String, u64> {
    let mut highest: BTreeMap<String, u64> = BTreeMap::new();
    for (holder, ack) in &reports.acks {
        for (device, &seq) in &ack.applied {
            if device != me && device != holder {
                let entry = highest.entry(device.clone()).or_insert(0);
                *entry = (*entry).max(seq);
            }
        }
    }
    highest
}

/// Applies the device's segments that follow its cursor, read one at a time while the catalog
/// applies them in as few transactions as it may (each moves the cursor with what it applied).
/// Returns whether any segment was applied and what the device waits on, if anything.
pub(super) fn apply_device(
    round: &mut Round,
    device: &str,
    files: &SegmentFiles,
) -> Result<(bool, Option<WaitingSegment>), SyncError> {
    let known = have(round)?;
    // Where the segment that holds the cursor ends, as applied here: a copy of it that does not
    // read whole any more cannot bring what follows (copies hold the same operations).
    let cursor = known.get(device).copied().unwrap_or(0);
    let applied_end = match files.range(..=cursor).next_back() {
        Some((&first, _)) => round
            .catalog
            .applied_segment(device, first)?
            .map(|cut| (first, cut.last_seq)),
        None => None,
    };
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
        check,
        superseded,
        clash_caps,
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
        check,
        superseded,
        clash_caps,
    };
    let mut segments = 0u32;
    let mut waiting = None;
    // What was applied, remembered so that this PC can publish it again as it was (a relay).
    let mut applied_cuts: Vec<(u64, u64, VersionVector, Option<SegmentProof>)> = Vec::new();
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
        match next_segment(&mut reader, device, files, cursor, &known, applied_end)? {
            Next::Apply(segment) => {
                segments += 1;
                applied_cuts.push((
                    segment.header.first_seq,
                    segment.header.last_seq,
                    segment.header.version_vector.clone(),
                    segment.header.proof.clone(),
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
    for (first, last, vv, proof) in &applied_cuts {
        catalog.record_applied_segment(device, *first, *last, vv, proof.as_ref())?;
    }
    let outcome = outcome?;
    count_done(&mut in_hand);
    add_applied(reader.report, device, outcome.applied);
    reader.report.signoffs_voided += outcome.signoffs_voided;
    reader.report.index_nos_renumbered += outcome.index_nos_renumbered;
    Ok((segments > 0, waiting))
}

/// The device's next segment after `cursor` when it is whole, of its place, and everything it
/// builds on (`known`: what this PC has applied) is here; else why it waits. `applied_end` is
/// the first and last operation of a segment of the device applied here whole.
pub(super) fn next_segment(
    reader: &mut Reader,
    device: &str,
    files: &SegmentFiles,
    cursor: u64,
    known: &VersionVector,
    applied_end: Option<(u64, u64)>,
) -> Result<Next, SyncError> {
    let next = cursor + 1;
    // A segment this PC applied whole ends before `next`: its copies, damaged or not, hold
    // nothing more, and waiting on them (and reporting them, which every PC that applied them
    // takes for stale) would hide the gap that is really there, so that nobody relays it.
    let before = files
        .range(..=next)
        .next_back()
        .filter(|(&first, _)| applied_end.is_none_or(|(at, last)| at != first || last >= next));
    let Some((&first, names)) = before else {
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
    let mut unsigned: Option<String> = None;
    let mut whole: Vec<Segment> = Vec::new();
    let mut superseded = 0;
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
                    // A side of an id clash issued again under another id: not this id's
                    // operations any more, so this copy is passed over (a PC holding the other
                    // side relays that side's copy in its place).
                    if super::clash::holds_superseded(reader.superseded, &segment.ops) {
                        superseded += 1;
                        continue;
                    }
                    match reader
                        .check
                        .check(header, &segment.digest, &Contents::of(&segment.ops))
                    {
                        Verdict::Accept => whole.push(segment),
                        Verdict::Wait(detail) => {
                            unsigned.get_or_insert(detail);
                        }
                        // Refused as this copy: its writer (or a PC holding the operations)
                        // publishes a true one, as for any damaged copy.
                        Verdict::Refuse { code, detail } => {
                            let message = format!("ops/{device}/{candidate}: {detail}");
                            if !reader
                                .report
                                .folder_problems
                                .iter()
                                .any(|p| p.message == message)
                            {
                                reader.problem(code, message);
                            }
                            damage.get_or_insert(detail);
                        }
                    }
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
        if let Some(detail) = unsigned {
            return wait(WaitReason::Unenrolled, detail);
        }
        return match damage {
            Some(detail) => {
                reader.damaged(device, &format!("ops/{device}/{name}"));
                wait(WaitReason::Damaged, detail)
            }
            None if missing > 0 => wait(WaitReason::Gap, "listed but not readable yet".into()),
            // Only the side of an id clash that was issued again under another id: the other
            // side's operations under these numbers, where other PCs acknowledge them, are
            // waited on as a gap (and relayed by a PC holding them).
            None if superseded > 0 => Ok(Next::Nothing),
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
        // Under the numbers of an id clash's moved side, a writer may have held that side,
        // longer than the other: it is waited for only as far as other PCs acknowledge the old
        // id (see `clash_caps`).
        for (old, cap) in reader.clash_caps {
            if let Some(seq) = need.get_mut(old) {
                *seq = (*seq).min(*cap);
            }
        }
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
    reader.check.learn(&Contents::of(&segment.ops));
    Ok(Next::Apply(segment))
}
