//! Two PCs under one device id (a clone, or a PC restored from a backup while the share was
//! rolled back) that numbered different operations alike before either saw the other's file:
//! an id clash. The PC that holds the id moves its own side from the first number the two sides
//! differ at to a new id and issues it again there; its card lists what moved (old id, number
//! and content hash, new number), so that every PC holding that side moves it too, and a copy of
//! it still under the old id is superseded: never applied, relayed or taken for a whole copy.
//! The old id's numbers from there on are the other side's, read by every PC like any other.

use super::identity::{change_device, previous_ids, write_device_card};
use super::*;
use crate::format::{HashRun, Reissued, MAX_HASH_RUN, MAX_REISSUED};
use crate::heal::Reports;

/// Operations issued again under another id: for each old operation id, the content hashes
/// (see [`format::op_content_hash`]) of the side that moved.
pub(crate) type Superseded = BTreeMap<String, BTreeSet<String>>;

/// Whether `op` is a side of a clash that was issued again under another id.
pub(crate) fn is_superseded(superseded: &Superseded, op: &Operation) -> bool {
    superseded
        .get(&op.id)
        .is_some_and(|hashes| hashes.contains(&format::op_content_hash(op)))
}

/// For each id a clash's side was moved from, the first number moved.
pub(crate) fn moved_from(superseded: &Superseded) -> BTreeMap<String, u64> {
    let mut first: BTreeMap<String, u64> = BTreeMap::new();
    for id in superseded.keys() {
        if let Some((device, seq)) = id
            .rsplit_once(':')
            .and_then(|(d, s)| s.parse::<u64>().ok().map(|s| (d, s)))
        {
            let entry = first.entry(device.to_string()).or_insert(seq);
            *entry = (*entry).min(seq);
        }
    }
    first
}

/// Whether any operation of `ops` is superseded.
pub(crate) fn holds_superseded(superseded: &Superseded, ops: &[Operation]) -> bool {
    !superseded.is_empty() && ops.iter().any(|op| is_superseded(superseded, op))
}

const REISSUED_KEY: &str = "reissued";

/// The highest sequence number a card's list may name (the catalog stores them as SQLite
/// integers).
const MAX_SEQ: u64 = i64::MAX as u64;

/// What this PC issued again, by the id it issued it under.
pub(crate) fn own_reissued(
    catalog: &Catalog,
) -> Result<BTreeMap<String, Vec<Reissued>>, SyncError> {
    Ok(catalog
        .sync_value(REISSUED_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

/// Every PC's card's list of operations issued again (this PC's own from its database, where
/// its card may not be written yet), by the id they were issued under.
fn reissued_everywhere(round: &mut Round) -> Result<BTreeMap<String, Vec<Reissued>>, SyncError> {
    let mut all = own_reissued(round.catalog)?;
    for name in round.names("devices", |n| format::parse_device_file_name(n).is_some())? {
        let Ok(bytes) = round
            .folder
            .read(&round.path(&format!("devices/{name}")), MAX_CARD_BYTES)
        else {
            continue;
        };
        let Ok(card) = serde_json::from_slice::<DeviceFile>(&bytes) else {
            continue;
        };
        if format::parse_device_file_name(&name) != Some(card.device_id.as_str())
            || card.reissued.is_empty()
            || card.reissued.len() > MAX_REISSUED
        {
            continue;
        }
        let entries: Vec<Reissued> = card
            .reissued
            .into_iter()
            .filter(|r| {
                format::is_device_id(&r.device_id)
                    && r.device_id != card.device_id
                    && (1..=MAX_SEQ).contains(&r.seq)
                    && (1..=MAX_SEQ).contains(&r.new_seq)
            })
            .collect();
        all.entry(card.device_id).or_insert(entries);
    }
    Ok(all)
}

/// Moves the operations this PC holds of a side another PC issued again under a new id, and
/// returns every superseded operation (for reading, relaying and reporting).
pub(super) fn follow_reissued(round: &mut Round) -> Result<Superseded, SyncError> {
    let me = round.catalog.device_id().to_string();
    let everywhere = reissued_everywhere(round)?;
    let mut superseded = Superseded::new();
    let pairs: Vec<(String, String)> = everywhere
        .iter()
        .flat_map(|(new_id, entries)| {
            entries.iter().map(move |e| {
                (
                    format!("{}:{}", e.device_id, e.seq),
                    format!("{new_id}:{}", e.new_seq),
                )
            })
        })
        .collect();
    if !pairs.is_empty() {
        round.catalog.note_moved(&pairs)?;
    }
    for (new_id, entries) in &everywhere {
        let mut by_old: BTreeMap<&str, Vec<&Reissued>> = BTreeMap::new();
        for entry in entries {
            superseded
                .entry(format!("{}:{}", entry.device_id, entry.seq))
                .or_default()
                .insert(entry.hash.clone());
            by_old
                .entry(entry.device_id.as_str())
                .or_default()
                .push(entry);
        }
        // The twin holding the old id never holds the side that moved (it does not read its
        // own id). This PC's own moves were made when it issued them, but a copy of that side
        // may come back under the old id (in another PC's snapshot): it goes again.
        for (old_id, entries) in by_old {
            if old_id == me {
                continue;
            }
            let (Some(low), Some(high)) = (
                entries.iter().map(|e| e.seq).min(),
                entries.iter().map(|e| e.seq).max(),
            ) else {
                continue;
            };
            // One run where the numbers are close (a side is consecutive), else one by one (a
            // card names what it likes).
            let ops = if high - low <= 2 * MAX_REISSUED as u64 {
                round.catalog.device_operations(old_id, low, high)?
            } else {
                let mut ops = Vec::new();
                for entry in &entries {
                    ops.extend(
                        round
                            .catalog
                            .device_operations(old_id, entry.seq, entry.seq)?,
                    );
                }
                ops
            };
            let held: BTreeMap<u64, String> = ops
                .iter()
                .map(|op| (op.seq, format::op_content_hash(op)))
                .collect();
            let moves: Vec<(u64, u64)> = entries
                .iter()
                .filter(|e| held.get(&e.seq) == Some(&e.hash))
                .map(|e| (e.seq, e.new_seq))
                .collect();
            if moves.is_empty() {
                continue;
            }
            let moved = round.catalog.rename_moved(old_id, new_id, &moves)?;
            forget_chains(round.catalog)?;
            log::warn!(
                "sync: {moved} operations of {old_id} were issued again as {new_id}'s (an id clash): moved here too"
            );
        }
    }
    Ok(superseded)
}

/// The first of `ops` (in number order) whose content differs from what another PC's run of
/// hashes says it holds under that number; a side already moved away counts as the same.
fn first_difference(
    ops: &[desk_core::ops::Operation],
    run: &format::HashRun,
    superseded: &Superseded,
) -> Option<u64> {
    ops.iter()
        .find(|op| {
            let Some(theirs) = usize::try_from(op.seq - run.first)
                .ok()
                .and_then(|i| run.hashes.get(i))
            else {
                return false;
            };
            *theirs != format::op_content_hash(op)
                && !superseded.get(&op.id).is_some_and(|h| h.contains(theirs))
        })
        .map(|op| op.seq)
}

/// The earliest number up to `last` at which the operations this PC holds under `device`
/// differ from what another PC (not this one under any of its ids) reports holding there, and
/// that PC.
fn earliest_split(
    round: &Round,
    reports: &Reports,
    superseded: &Superseded,
    me: &str,
    device: &str,
    last: u64,
) -> Result<Option<(u64, String)>, SyncError> {
    let own_before: BTreeSet<String> = previous_ids(round.catalog)?.into_iter().collect();
    let mut earliest: Option<(u64, String)> = None;
    for (holder, ack) in &reports.acks {
        if holder == me || own_before.contains(holder) {
            continue;
        }
        let Some(run) = ack.clash_hashes.get(device) else {
            continue;
        };
        if run.first == 0 || run.hashes.is_empty() || run.hashes.len() > MAX_HASH_RUN {
            continue;
        }
        let to = run
            .first
            .saturating_add(run.hashes.len() as u64 - 1)
            .min(last);
        if to < run.first {
            continue;
        }
        let ops = round.catalog.device_operations(device, run.first, to)?;
        if let Some(seq) = first_difference(&ops, run, superseded) {
            if earliest.as_ref().is_none_or(|(at, _)| seq < *at) {
                earliest = Some((seq, holder.clone()));
            }
        }
    }
    Ok(earliest)
}

/// Where this PC's own operations first differ from what another PC holds under the same
/// numbers (from the runs of hashes acknowledgements carry), this PC takes a new id and issues
/// its side again there: everything it numbered from that point on.
pub(super) fn reissue_own(
    round: &mut Round,
    reports: &Reports,
    superseded: &Superseded,
) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    let last = round
        .catalog
        .version_vector()?
        .get(&me)
        .copied()
        .unwrap_or(0);
    let first_differing = earliest_split(round, reports, superseded, &me, &me, last)?;
    let Some((from, holder)) = first_differing else {
        return Ok(());
    };
    // Operations not published yet move with the new id whatever their number (as when a PC
    // takes a new id), so they are listed too.
    let from = from.min(round.catalog.published_seq()? + 1);
    let ours = round.catalog.own_operations(from, last)?;
    if ours.len() > MAX_REISSUED {
        log::warn!(
            "sync: {} operations of this PC's id differ from PC {holder}'s: too many to issue again",
            ours.len()
        );
        return Ok(());
    }
    let entries: Vec<Reissued> = ours
        .iter()
        .enumerate()
        .map(|(i, op)| Reissued {
            device_id: me.clone(),
            seq: op.seq,
            hash: format::op_content_hash(op),
            new_seq: i as u64 + 1,
        })
        .collect();
    let reason = format!(
        "PC {holder} holds other operations than this PC under this PC's id from {me}:{from} on (a cloned PC, or one restored from a backup): this PC issues its {} operations from there again under a new id",
        entries.len()
    );
    change_device(round, reason, Some((from, entries)))
}

/// Remembers what this PC issued again under `new_id` (listed on its card).
pub(super) fn remember_reissued(
    catalog: &Catalog,
    new_id: &str,
    entries: Vec<Reissued>,
) -> Result<(), SyncError> {
    let mut all = own_reissued(catalog)?;
    all.insert(new_id.to_string(), entries);
    catalog.set_sync_value(
        REISSUED_KEY,
        &serde_json::to_string(&all).unwrap_or_default(),
    )?;
    Ok(())
}

/// The runs of hashes this PC's acknowledgement carries: for each device it found in a clash,
/// its last operations held here (at most [`MAX_HASH_RUN`]).
pub(super) fn hash_runs(
    catalog: &Catalog,
    devices: &BTreeSet<String>,
    applied: &VersionVector,
) -> Result<BTreeMap<String, HashRun>, SyncError> {
    let mut runs = BTreeMap::new();
    for device in devices {
        let Some(&to) = applied.get(device) else {
            continue;
        };
        if to == 0 {
            continue;
        }
        let from = to.saturating_sub(MAX_HASH_RUN as u64 - 1).max(1);
        let ops = catalog.device_operations(device, from, to)?;
        // Only a run without a gap says what each number holds.
        if ops.len() as u64 != to - from + 1 {
            continue;
        }
        runs.insert(
            device.clone(),
            HashRun {
                first: from,
                hashes: ops.iter().map(format::op_content_hash).collect(),
            },
        );
    }
    Ok(runs)
}

const CHAINS_KEY: &str = "chains";

/// Forgets the chained hashes kept from earlier rounds: operations were moved between ids, so
/// the chains of the ids concerned are computed again from their first operation.
pub(super) fn forget_chains(catalog: &Catalog) -> Result<(), SyncError> {
    catalog.set_sync_value(CHAINS_KEY, "")?;
    Ok(())
}

/// For every device applied here without a gap, the chained hash of its operations up to what
/// is applied (see [`format::chain_hash`]), extended from the chain kept from the last round.
pub(super) fn applied_chains(
    catalog: &Catalog,
    applied: &VersionVector,
) -> Result<BTreeMap<String, String>, SyncError> {
    let kept: BTreeMap<String, (u64, String)> = catalog
        .sync_value(CHAINS_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    let mut next: BTreeMap<String, (u64, String)> = BTreeMap::new();
    let mut chains = BTreeMap::new();
    for (device, &to) in applied {
        if to == 0 {
            continue;
        }
        let (mut at, mut chain) = match kept.get(device) {
            Some((seq, chain)) if *seq <= to => (*seq, chain.clone()),
            _ => (0, String::new()),
        };
        let mut whole = true;
        while at < to {
            let upto = (at + 5000).min(to);
            let ops = catalog.device_operations(device, at + 1, upto)?;
            if ops.len() as u64 != upto - at {
                whole = false;
                break;
            }
            for op in &ops {
                chain = format::chain_hash(&chain, &format::op_content_hash(op));
            }
            at = upto;
        }
        if !whole {
            continue;
        }
        next.insert(device.clone(), (to, chain.clone()));
        chains.insert(device.clone(), chain);
    }
    if next != kept {
        catalog.set_sync_value(
            CHAINS_KEY,
            &serde_json::to_string(&next).unwrap_or_default(),
        )?;
    }
    Ok(chains)
}

const PREVIOUS_ENDS_KEY: &str = "previous_ends";

/// For each id this PC had before, the last operation it wrote under it (its operations after
/// that number went with it to its next id).
pub(super) fn previous_ends(catalog: &Catalog) -> Result<BTreeMap<String, u64>, SyncError> {
    Ok(catalog
        .sync_value(PREVIOUS_ENDS_KEY)?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default())
}

pub(super) fn set_previous_end(catalog: &Catalog, id: &str, end: u64) -> Result<(), SyncError> {
    let mut ends = previous_ends(catalog)?;
    ends.insert(id.to_string(), end);
    catalog.set_sync_value(
        PREVIOUS_ENDS_KEY,
        &serde_json::to_string(&ends).unwrap_or_default(),
    )?;
    Ok(())
}

/// Where this PC's own operations under an id it had before (it left it when it found itself
/// restored or cloned) differ from what another PC holds under the same numbers, it issues
/// them again as its next own operations: the old id's numbers from there on are the other
/// PC's, read again here.
pub(super) fn reissue_earlier(
    round: &mut Round,
    reports: &Reports,
    superseded: &Superseded,
) -> Result<(), SyncError> {
    let me = round.catalog.device_id().to_string();
    for (old, end) in previous_ends(round.catalog)? {
        if end == 0 || old == me {
            continue;
        }
        let first_differing = earliest_split(round, reports, superseded, &me, &old, end)?;
        let Some((from, holder)) = first_differing else {
            continue;
        };
        let ours = round.catalog.device_operations(&old, from, end)?;
        if ours.len() as u64 != end - from + 1 || ours.len() > MAX_REISSUED {
            log::warn!(
                "sync: operations {from}…{end} of {old}, this PC's earlier id, differ from PC {holder}'s but cannot be issued again here"
            );
            continue;
        }
        let hashes: Vec<(u64, String)> = ours
            .iter()
            .map(|op| (op.seq, format::op_content_hash(op)))
            .collect();
        let seqs: Vec<u64> = hashes.iter().map(|(seq, _)| *seq).collect();
        let moves = round.catalog.reissue_into_own(&old, &seqs)?;
        let mut all = own_reissued(round.catalog)?;
        let entries = all.entry(me.clone()).or_default();
        for ((seq, hash), (_, new_seq)) in hashes.into_iter().zip(moves) {
            entries.push(Reissued {
                device_id: old.clone(),
                seq,
                hash,
                new_seq,
            });
        }
        round.catalog.set_sync_value(
            REISSUED_KEY,
            &serde_json::to_string(&all).unwrap_or_default(),
        )?;
        set_previous_end(round.catalog, &old, from.saturating_sub(1))?;
        forget_chains(round.catalog)?;
        let reason = format!(
            "PC {holder} holds other operations than this PC under its earlier id {old} from {old}:{from} on: this PC issues its {} operations from there again as its own",
            seqs.len()
        );
        log::warn!("sync: {reason}");
        round.report.device_changes.push(DeviceChange {
            old_device_id: old.clone(),
            new_device_id: me.clone(),
            ops_rekeyed: seqs.len() as u32,
            reason,
        });
        write_device_card(round)?;
    }
    Ok(())
}
