//! Who this PC is in the folder: its device card, its own segment files and their copies, and a
//! new device id when it finds itself cloned or restored from a backup.

use super::publish::{ATTEMPT_KEY, UNREADABLE_KEY};
use super::*;
use crate::heal::Reports;

pub(super) fn write_device_card(round: &mut Round) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let previous = previous_ids(round.catalog)?;
    let device_key = round.signing_key()?.map(|key| key.public_key());
    let card = DeviceFile {
        device_id: device.clone(),
        catalog_id: round.catalog_id.clone(),
        person: round.catalog.current_person()?.map(|p| p.name),
        app_version: round.options.app_version.clone(),
        previous_device_ids: previous,
        device_key,
        reissued: super::clash::own_reissued(round.catalog)?
            .remove(&device)
            .unwrap_or_default(),
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
pub(super) fn replace_own(round: &mut Round, path: &str, bytes: &[u8]) -> Result<(), SyncError> {
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
pub(super) fn own_segments(round: &mut Round, device: &str) -> Result<Vec<u64>, SyncError> {
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
            if fits_place(&segment.header, catalog_id, device, first) {
                return Ok(Some((name.clone(), segment)));
            }
        }
    }
    Ok(None)
}

/// Whether a segment's header is what its place in the folder says: operations of `device`,
/// of this catalog, starting at `first`. A copy that is not (another file put there) is damage.
pub(crate) fn fits_place(
    header: &SegmentHeader,
    catalog_id: &str,
    device: &str,
    first: u64,
) -> bool {
    header.kind == SegmentKind::Ops
        && header.device_id == device
        && header.catalog_id == catalog_id
        && header.first_seq == first
}

/// Whether the folder's segment holds exactly this PC's operations of the same numbers.
pub(crate) fn segment_is_ours(round: &Round, segment: &Segment) -> Result<bool, SyncError> {
    let ours = round
        .catalog
        .own_operations(segment.header.first_seq, segment.header.last_seq)?;
    Ok(ours == segment.ops)
}

/// Whether a segment under this PC's id could be a twin's (a clone's, or this PC's before it
/// was restored): anything, where PCs do not sign; else only what this PC's device key signed.
pub(crate) fn signed_by_own_key(round: &mut Round, segment: &Segment) -> Result<bool, SyncError> {
    let Some(key) = round.signing_key()? else {
        return Ok(true);
    };
    Ok(segment.header.proof.as_ref().is_some_and(|proof| {
        proof.public_key == key.public_key()
            && proof.verify(&segment.header.claim(&segment.digest)).is_ok()
    }))
}

/// A segment of this PC's id beyond what it published means another PC runs under the same id
/// (a clone, or this PC restored from an older backup): this PC takes a new id. So does another
/// PC's acknowledgement of operations of this id beyond the last this PC made: they were made
/// before this PC's backup was restored, and their segments may be gone with a share rolled back
/// too; numbering on from the backup would give other operations the same numbers (and ids).
pub(super) fn check_identity(round: &mut Round, reports: &Reports) -> Result<(), SyncError> {
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
                let decoded = format::decode_segment(&bytes);
                if let Ok(segment) = &decoded {
                    if !fits_place(&segment.header, &round.catalog_id, &device, first) {
                        // Another file put in its place (a restore mixing files up): not a
                        // segment of this id at all, so it proves nothing about a clone.
                        log::warn!("sync: {name} holds another segment than its name says");
                        continue;
                    }
                }
                match decoded {
                    Ok(segment) if segment_is_ours(round, &segment)? => {
                        // Published before a crash, not yet marked: mark it now, and remember its
                        // cut so that an emptied folder gets it back.
                        round.catalog.record_published_segment(
                            segment.header.first_seq,
                            segment.header.last_seq,
                            &segment.header.version_vector,
                            segment.header.proof.as_ref(),
                        )?;
                        let at = time_text(round.now);
                        round.catalog.mark_published(segment.header.last_seq, &at)?;
                        break;
                    }
                    Ok(segment) if !signed_by_own_key(round, &segment)? => {
                        // Where PCs sign, a twin under this id signs with this PC's key (a
                        // clone copies it); anything else is a file forged under its name.
                        log::warn!("sync: {name} is under this PC's id but not signed by its key: not taken for a clone");
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
        if cloned.is_none() {
            // After the folder's own segments were marked: what is there was published here.
            // So was the segment of an attempt still in flight (written, but its read-back
            // failed, and its copy may be damaged since): another PC may have read it whole.
            let published = round
                .catalog
                .published_seq()?
                .max(attempt_in_flight(round.catalog, &device)?.unwrap_or(0));
            let acknowledged = reports
                .acks
                .values()
                .filter_map(|ack| ack.applied.get(&device).copied())
                .max()
                .unwrap_or(0);
            if acknowledged > published {
                cloned = Some(format!(
                    "other PCs hold operations up to {acknowledged} of this PC's id, which published only {published}: it was restored from a backup or cloned"
                ));
            }
        }
        match cloned {
            Some(reason) => change_device(round, reason, None)?,
            None => return Ok(()),
        }
    }
}

/// The last operation of the own segment this PC is publishing (written, not yet read back
/// whole), when it follows what is marked published. Its operations are this PC's own: a
/// backup or a clone holding the attempt holds the very operations it wrote.
fn attempt_in_flight(catalog: &Catalog, device: &str) -> Result<Option<u64>, SyncError> {
    let published = catalog.published_seq()?;
    Ok(catalog
        .sync_value(ATTEMPT_KEY)?
        .and_then(|s| serde_json::from_str::<(String, u64, u64, VersionVector)>(&s).ok())
        .filter(|(owner, first, last, _)| {
            owner == device && *first == published + 1 && last >= first
        })
        .map(|(_, _, last, _)| last))
}

/// Takes a new device id, moving to it the operations not published yet, or with `reissue`
/// every own operation from its first number on (an id clash, see `clash`), listed on the card.
pub(super) fn change_device(
    round: &mut Round,
    reason: String,
    reissue: Option<(u64, Vec<crate::format::Reissued>)>,
) -> Result<(), SyncError> {
    let old = round.catalog.device_id().to_string();
    let published = round.catalog.published_seq()?;
    let (new, moved) = match reissue {
        Some((from, entries)) => {
            let (new, moved) = round.catalog.take_new_device_id_from(Some(from))?;
            super::clash::remember_reissued(round.catalog, &new, entries)?;
            super::clash::set_previous_end(
                round.catalog,
                &old,
                published.min(from.saturating_sub(1)),
            )?;
            (new, moved)
        }
        None => {
            let changed = round.catalog.take_new_device_id()?;
            super::clash::set_previous_end(round.catalog, &old, published)?;
            changed
        }
    };
    super::clash::forget_chains(round.catalog)?;
    // The old id's acknowledgement would speak for operations this PC no longer holds under it
    // (moved, or read again from another PC): it is removed, and a twin still under that id
    // writes its own there again.
    let old_ack = round.path(&format!("acks/{old}.json"));
    if let Err(e) = round.folder.remove(&old_ack) {
        if e.kind() != io::ErrorKind::NotFound {
            log::warn!("sync: {old_ack} could not be removed ({e})");
        }
    }
    // The attempt in flight and an unreadable file waited on were the old id's.
    round.catalog.set_sync_value(ATTEMPT_KEY, "")?;
    round.catalog.set_sync_value(UNREADABLE_KEY, "")?;
    log::warn!("sync: device {old} is now {new}: {reason}");
    round.report.device_changes.push(DeviceChange {
        old_device_id: old,
        new_device_id: new,
        ops_rekeyed: moved,
        reason,
    });
    write_device_card(round)
}

/// The ids this PC had before it was found cloned or restored.
pub(crate) fn previous_ids(catalog: &Catalog) -> Result<Vec<String>, SyncError> {
    Ok(catalog
        .sync_value("previous_device_ids")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Remembers the device keys other PCs announce on their cards, for the office to enrol (only
/// where signing is set up: elsewhere nobody can enrol them).
pub(super) fn note_device_keys(round: &mut Round) -> Result<(), SyncError> {
    if round.catalog.office_fingerprint()?.is_none() {
        return Ok(());
    }
    let me = round.catalog.device_id().to_string();
    for name in round.names("devices", |n| format::parse_device_file_name(n).is_some())? {
        if format::parse_device_file_name(&name) == Some(me.as_str()) {
            continue;
        }
        let Ok(bytes) = round
            .folder
            .read(&round.path(&format!("devices/{name}")), MAX_CARD_BYTES)
        else {
            continue;
        };
        let Ok(card) = serde_json::from_slice::<DeviceFile>(&bytes) else {
            continue;
        };
        if format::parse_device_file_name(&name) != Some(card.device_id.as_str()) {
            continue;
        }
        if let Some(key) = &card.device_key {
            round
                .catalog
                .note_device_key(&card.device_id, key, card.person.as_deref())?;
        }
    }
    Ok(())
}

/// The ids PCs left behind when they found themselves cloned or restored: listed on their device
/// cards, and this PC's own. Nobody writes under them any more.
pub(crate) fn abandoned_ids(round: &mut Round) -> Result<BTreeSet<String>, SyncError> {
    let mut abandoned: BTreeSet<String> = previous_ids(round.catalog)?.into_iter().collect();
    for name in round.names("devices", |n| format::parse_device_file_name(n).is_some())? {
        if let Ok(bytes) = round
            .folder
            .read(&round.path(&format!("devices/{name}")), MAX_CARD_BYTES)
        {
            if let Ok(card) = serde_json::from_slice::<DeviceFile>(&bytes) {
                abandoned.extend(card.previous_device_ids);
            }
        }
    }
    Ok(abandoned)
}

/// Operation ids another PC holds with other content than this PC (compared by content hash,
/// from the hashes acknowledgements carry: of the last operation held of each PC, and the runs
/// of hashes a PC that met a clash carries): two PCs under one device id (a clone, or a PC
/// restored from a backup) numbered different changes alike before either saw the other's
/// file. Each is shown in the status as waiting (`id_clash`), naming the id and the PC, until
/// the side that moves was issued again under a new id (see `clash`); this PC's acknowledgement
/// then carries the hashes of that device's last operations, so that the PC holding the id
/// finds where the two sides part.
pub(super) fn note_clashes(round: &mut Round, reports: &Reports) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let own_before: BTreeSet<String> = previous_ids(round.catalog)?.into_iter().collect();
    let mut seen: BTreeSet<String> = BTreeSet::new();
    let applied = round.catalog.version_vector()?;
    let chains = super::clash::applied_chains(round.catalog, &applied)?;
    for (holder, ack) in &reports.acks {
        if own_before.contains(holder) || *holder == me {
            continue;
        }
        // Applied as far as each other, with other operations somewhere under those numbers:
        // where, the runs of hashes tell (this PC's acknowledgement carries its run from now).
        for (device, chain) in &ack.applied_chains {
            let (Some(theirs), Some(ours)) = (ack.applied.get(device), applied.get(device)) else {
                continue;
            };
            if theirs != ours || chains.get(device).is_none_or(|c| c == chain) {
                continue;
            }
            round.clash_devices.insert(device.clone());
            if !seen.insert(format!("{device}/{holder}")) {
                continue;
            }
            let detail = format!(
                "PC {holder} holds other changes than this PC among operations 1…{ours} of {device}: two PCs used one id (a cloned PC, or one restored from a backup) and numbered different changes alike"
            );
            log::warn!("sync: {detail}");
            round.report.waiting.push(WaitingSegment {
                device_id: device.clone(),
                file: format!("{device}:{ours}"),
                reason: WaitReason::IdClash,
                detail,
            });
        }
        // What the holder holds, number by number, as far as it says.
        let mut theirs: Vec<(String, u64, String)> = Vec::new();
        for (device, hash) in &ack.applied_hashes {
            if let Some(&seq) = ack.applied.get(device) {
                theirs.push((device.clone(), seq, hash.clone()));
            }
        }
        for (device, run) in &ack.clash_hashes {
            if run.hashes.len() > crate::format::MAX_HASH_RUN || !format::is_device_id(device) {
                continue;
            }
            for (i, hash) in run.hashes.iter().enumerate() {
                theirs.push((
                    device.clone(),
                    run.first.saturating_add(i as u64),
                    hash.clone(),
                ));
            }
        }
        let mut by_device: BTreeMap<String, Vec<(u64, String)>> = BTreeMap::new();
        for (device, seq, hash) in theirs {
            if seq > 0 {
                by_device.entry(device).or_default().push((seq, hash));
            }
        }
        for (device, numbered) in by_device {
            // Read number by number where the numbers are few or far apart (an acknowledgement
            // names what it likes), else as one run (a run of hashes is at most 1,000 long).
            let (Some(low), Some(high)) = (
                numbered.iter().map(|n| n.0).min(),
                numbered.iter().map(|n| n.0).max(),
            ) else {
                continue;
            };
            let mut held: BTreeMap<u64, Operation> = BTreeMap::new();
            if high - low < 2 * crate::format::MAX_HASH_RUN as u64 {
                for op in round.catalog.device_operations(&device, low, high)? {
                    held.insert(op.seq, op);
                }
            } else {
                for (seq, _) in &numbered {
                    for op in round.catalog.device_operations(&device, *seq, *seq)? {
                        held.insert(op.seq, op);
                    }
                }
            }
            let mut first: Option<u64> = None;
            for (seq, hash) in &numbered {
                let Some(op) = held.get(seq) else {
                    continue;
                };
                // The holder holds a side issued again under another id: it moves it soon.
                if round
                    .superseded
                    .get(&op.id)
                    .is_some_and(|moved| moved.contains(hash))
                    || &format::op_content_hash(op) == hash
                {
                    continue;
                }
                first = Some(first.map_or(*seq, |f| f.min(*seq)));
            }
            let Some(seq) = first else {
                continue;
            };
            round.clash_devices.insert(device.clone());
            let id = format!("{device}:{seq}");
            if !seen.insert(format!("{device}/{holder}")) {
                continue;
            }
            let whose = if device == me {
                "this PC's id"
            } else {
                "that PC's id"
            };
            let detail = format!(
                "PC {holder} holds another change than this PC under operation {id}: two PCs used {whose} (a cloned PC, or one restored from a backup) and numbered different changes alike"
            );
            log::warn!("sync: {detail}");
            round.report.waiting.push(WaitingSegment {
                device_id: device.clone(),
                file: id,
                reason: WaitReason::IdClash,
                detail,
            });
        }
    }
    Ok(())
}
