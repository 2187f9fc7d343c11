//! Publishing this PC's outbox: segments written, read back whole, then marked sent; the
//! attachments they name; its segments published again when the folder lost them.

use super::identity::{change_device, own_segments};
use super::*;
use desk_trust::segment::SegmentProof;

/// The own segment being published: its first sequence, cut and version vector (see
/// `write_segments`).
pub(super) const ATTEMPT_KEY: &str = "publish_attempt";
/// An own segment found unreadable where it should go, and since when.
pub(super) const UNREADABLE_KEY: &str = "own_unreadable";

pub(crate) enum Written {
    Yes(u32, Option<SegmentProof>),
    /// A file of that name is there and does not read whole (torn for now, or damaged).
    Unreadable(String),
    /// This PC's own segment of the same first operation but another cut is already there.
    Earlier(SegmentHeader),
    /// Another PC's segment has the name (a clone).
    NameTaken,
    /// Something that is not a folder stands where the segment's folder should be.
    Blocked,
}

/// Writes own operations `from..=to` as new segments and moves them out of the outbox.
pub(super) fn write_segments(round: &mut Round, from: u64, to: u64) -> Result<(), SyncError> {
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
        // It names its device: an attempt made under an id this PC has since left is not its.
        let earlier: Option<(String, u64, u64, VersionVector)> = round
            .catalog
            .sync_value(ATTEMPT_KEY)?
            .and_then(|s| serde_json::from_str(&s).ok())
            .filter(|(d, f, l, _): &(String, u64, u64, VersionVector)| {
                *d == device && *f == next && *l >= next && *l <= to
            });
        let (last, vv) = match earlier {
            Some((_, _, last, vv)) => (last, vv),
            None => {
                let mut vv = round.catalog.sync_cursors()?;
                vv.insert(device.clone(), last);
                round.catalog.set_sync_value(
                    ATTEMPT_KEY,
                    &serde_json::to_string(&(&device, next, last, &vv)).unwrap_or_default(),
                )?;
                (last, vv)
            }
        };
        let mut written = write_segment(round, next, last, &vv, 0)?;
        if let Written::Unreadable(detail) = &written {
            // It may be a read torn for now: wait a while; a file that stays so for good is
            // damaged, and the segment is written under its next name.
            // A clock set back since the file was first found so (by hand, or a skewed clock
            // corrected) counts from now: otherwise the wait would last as long as the clock
            // was set back, with this PC's next operations held back all that time.
            let since: i64 = match round
                .catalog
                .sync_value(UNREADABLE_KEY)?
                .and_then(|s| serde_json::from_str::<(u64, i64)>(&s).ok())
                .filter(|(first, since)| *first == next && *since <= round.now)
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
            Written::Yes(..) | Written::Earlier(_) | Written::NameTaken
        ) {
            round.catalog.set_sync_value(ATTEMPT_KEY, "")?;
        }
        match written {
            Written::Unreadable(_) => return Ok(()),
            Written::Yes(count, proof) => {
                round
                    .catalog
                    .record_published_segment(next, last, &vv, proof.as_ref())?;
                round.catalog.mark_published(last, &time_text(round.now))?;
                round.report.ops_published += count;
                round.report.segments_published += 1;
            }
            Written::Earlier(header) => {
                // An earlier attempt (not read back then) holds its own cut: that is what went out.
                let last = header.last_seq;
                round.catalog.record_published_segment(
                    next,
                    last,
                    &header.version_vector,
                    header.proof.as_ref(),
                )?;
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
                    None,
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
    let mut header = format::ops_header(
        &round.catalog_id,
        &device,
        &ops,
        vv.clone(),
        &time_text(round.now),
    );
    round.sign(&mut header, &ops)?;
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
            let decoded = format::decode_segment(&existing);
            if let Ok(segment) = &decoded {
                if !super::identity::fits_place(&segment.header, &round.catalog_id, &device, first)
                {
                    // Another file in its place (an older cut of ours copied over it, another
                    // PC's): damage at this name, never what was published here.
                    return Ok(Written::Unreadable(format!(
                        "{} holds another segment than its name says",
                        format::segment_file_name(first, generation)
                    )));
                }
            }
            return match decoded {
                Ok(segment) if segment_is_ours(round, &segment)? => {
                    if segment.header.last_seq == last {
                        Ok(Written::Yes(ops.len() as u32, segment.header.proof))
                    } else {
                        Ok(Written::Earlier(segment.header))
                    }
                }
                Ok(segment) if !super::identity::signed_by_own_key(round, &segment)? => {
                    Ok(Written::Unreadable(format!(
                        "{} holds a segment this PC's key did not sign",
                        format::segment_file_name(first, generation)
                    )))
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
    Ok(Written::Yes(ops.len() as u32, header.proof))
}

pub(super) fn publish(round: &mut Round) -> Result<(), SyncError> {
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
pub(super) fn republish_own(round: &mut Round, emptied: bool) -> Result<(), SyncError> {
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
            Written::Yes(..) | Written::Earlier(_) => again += 1,
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

/// Once this PC signs (it pinned the office key), its segments published unsigned that hold
/// changes made after the office set signing up are published again, signed: readers let the
/// unsigned copies wait. Each is signed once; those with only earlier changes keep their
/// unsigned copy, which readers take as it is.
pub(super) fn sign_earlier(round: &mut Round) -> Result<(), SyncError> {
    let Some(set_up) = round.check.set_up_ms() else {
        return Ok(());
    };
    if round.signing_key()?.is_none() {
        return Ok(());
    }
    let device = round.catalog.device_id().to_string();
    let listed = segment_files(round, &device)?;
    for (first, last, vv) in round.catalog.unsigned_published_segments()? {
        let ops = round.catalog.own_operations(first, last)?;
        let mut header = format::ops_header(&round.catalog_id, &device, &ops, vv.clone(), "");
        round.sign(&mut header, &ops)?;
        let after_set_up = ops.iter().any(|o| o.clock.wall_ms > set_up);
        if after_set_up && ops.len() as u64 == last + 1 - first {
            if let Some(names) = listed.get(&first) {
                let generation = newest_generation(names) + 1;
                if generation <= format::MAX_GENERATION {
                    match write_segment(round, first, last, &vv, generation)? {
                        Written::Yes(..) | Written::Earlier(_) => {}
                        // Tried again next round.
                        _ => continue,
                    }
                }
            }
        }
        round
            .catalog
            .record_published_segment(first, last, &vv, header.proof.as_ref())?;
    }
    Ok(())
}

pub(super) fn attachment_hashes(ops: &[Operation]) -> BTreeSet<String> {
    let mut hashes = BTreeSet::new();
    for op in ops {
        add_attachment_hashes(op, &mut hashes);
    }
    hashes
}

/// The attachments (sha256) an operation names.
pub(super) fn add_attachment_hashes(op: &Operation, hashes: &mut BTreeSet<String>) {
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
pub(super) fn publish_blobs(round: &mut Round, ops: &[Operation]) -> Result<(), SyncError> {
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
