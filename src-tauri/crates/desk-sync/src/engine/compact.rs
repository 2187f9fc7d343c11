//! Acknowledging what this PC applied, and removing its own segments every PC has.

use super::identity::replace_own;
use super::*;

pub(super) fn write_ack(round: &mut Round, damaged: Vec<DamageReport>) -> Result<(), SyncError> {
    let device = round.catalog.device_id().to_string();
    let applied = round.catalog.version_vector()?;
    let mut applied_hashes = BTreeMap::new();
    for (of, &seq) in &applied {
        if let Some(op) = round.catalog.device_operations(of, seq, seq)?.first() {
            applied_hashes.insert(of.clone(), format::op_content_hash(op));
        }
    }
    let clash_hashes = super::clash::hash_runs(round.catalog, &round.clash_devices, &applied)?;
    let applied_chains = super::clash::applied_chains(round.catalog, &applied)?;
    let ack = AckFile {
        device_id: device.clone(),
        applied,
        written_at: String::new(),
        damaged,
        applied_hashes,
        clash_hashes,
        applied_chains,
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
pub(super) fn compact(round: &mut Round) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let mut waiting: BTreeSet<String> = round.catalog.sync_cursors()?.into_keys().collect();
    waiting.extend(
        round
            .names("devices", |n| format::parse_device_file_name(n).is_some())?
            .iter()
            .filter_map(|name| format::parse_device_file_name(name).map(String::from)),
    );
    let retired = abandoned_ids(round)?;
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
