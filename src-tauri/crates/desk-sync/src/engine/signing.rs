//! Segments and snapshots checked against the roster before anything in them is applied, once
//! this PC pinned an office key: the proof in the header must be a signature over the records
//! as they were read, by a device key the office enrolled for the device the file claims, not
//! revoked when its operations were made. A PC not enrolled yet, or not signing yet, has its
//! segments wait (its changes are not lost, and count once the office enrols it and it signs
//! them); a bad signature or a revoked key is refused and reported.
//!
//! A roster version is self-proving (the office key signed it), so the rosters a segment itself
//! carries count for that segment: the coordinator's first signed segment brings the roster that
//! enrols its PC.

use crate::format::{CarriedProof, SegmentHeader};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_store::{Catalog, SegmentTrust};
use desk_trust::roster::{DeviceVerdict, Roster, SignedRoster};
use desk_trust::segment::RecordDigest;
use std::collections::BTreeMap;

pub(crate) enum Verdict {
    Accept,
    /// Not applied yet, retried every round.
    Wait(String),
    /// Never applied in this form: a forged or altered file, or a revoked PC's.
    Refuse {
        code: &'static str,
        detail: String,
    },
}

/// What this PC trusts for checking arrivals, learning rosters as they arrive within a round.
pub(crate) struct SegmentCheck {
    trust: Option<SegmentTrust>,
    set_up_ms: Option<i64>,
}

impl SegmentCheck {
    pub(crate) fn of(catalog: &Catalog) -> desk_store::Result<SegmentCheck> {
        let trust = catalog.segment_trust()?;
        let set_up_ms = trust
            .as_ref()
            .and_then(|t| t.set_up_at.as_deref())
            .and_then(time_ms);
        Ok(SegmentCheck { trust, set_up_ms })
    }

    /// When the office set signing up, once a roster says so.
    pub(crate) fn set_up_ms(&self) -> Option<i64> {
        self.set_up_ms
    }

    /// Whether `header`'s file, whose records read to `digest` and hold `contents`, may be
    /// applied here.
    pub(crate) fn check(
        &self,
        header: &SegmentHeader,
        digest: &str,
        contents: &Contents,
    ) -> Verdict {
        let Some(trust) = &self.trust else {
            return Verdict::Accept;
        };
        let carried = contents.rosters(trust);
        let set_up_ms = self.set_up_ms.or_else(|| {
            carried
                .iter()
                .find(|r| r.version == 1)
                .and_then(|r| time_ms(&r.issued_at))
        });
        let Some(proof) = &header.proof else {
            return match set_up_ms {
                // A PC that has not pinned the office key yet signs nothing; once it has, it
                // publishes its segments again signed. Until then they wait, as a forged file
                // under its name does for good.
                Some(set_up) if contents.newest_ms > set_up => Verdict::Wait(format!(
                    "it is not signed, yet holds changes made after the office set signing up: PC {} signs them once it has pinned the office key",
                    header.device_id
                )),
                // Written before signing existed, or no roster is here yet to tell.
                _ => Verdict::Accept,
            };
        };
        if proof.verify(&header.claim(digest)).is_err() {
            return Verdict::Refuse {
                code: "segment_signature_invalid",
                detail: format!(
                    "its signature does not match its operations (key {}): changed after it was signed, or forged",
                    proof.public_key.fingerprint()
                ),
            };
        }
        let newest = carried
            .into_iter()
            .chain(trust.roster.clone())
            .max_by_key(|r| r.version);
        let Some(roster) = newest else {
            return Verdict::Wait(
                "no roster signed by the office key is here yet to check the PC's key against"
                    .into(),
            );
        };
        let at = crate::engine::time_text(header.clock_max.wall_ms);
        match roster.device_verdict(&header.device_id, &proof.public_key, &at) {
            DeviceVerdict::Valid => Verdict::Accept,
            DeviceVerdict::NotEnrolled => Verdict::Wait(format!(
                "PC {} is not enrolled in the office's roster: the coordinator enrols it (desk roster enrol-device {}) after comparing its device key {}",
                header.device_id,
                header.device_id,
                proof.public_key.fingerprint()
            )),
            DeviceVerdict::Revoked { at } => Verdict::Refuse {
                code: "device_revoked",
                detail: format!(
                    "PC {}'s device key {} was revoked at {at}, before these changes",
                    header.device_id,
                    proof.public_key.fingerprint()
                ),
            },
        }
    }

    /// Takes in the rosters an applied segment carried, for the segments after it.
    pub(crate) fn learn(&mut self, contents: &Contents) {
        let Some(trust) = &mut self.trust else {
            return;
        };
        for roster in contents.rosters(trust) {
            if roster.version == 1 && self.set_up_ms.is_none() {
                self.set_up_ms = time_ms(&roster.issued_at);
            }
            if trust
                .roster
                .as_ref()
                .is_none_or(|r| r.version < roster.version)
            {
                trust.roster = Some(roster);
            }
        }
    }
}

/// What the check needs of a file's operations, gathered as they are read (a snapshot is never
/// held whole): the roster versions it carries and its newest operation's time.
#[derive(Default)]
pub(crate) struct Contents {
    rosters: Vec<SignedRoster>,
    newest_ms: i64,
}

impl Contents {
    pub(crate) fn of(ops: &[Operation]) -> Contents {
        let mut contents = Contents::default();
        for op in ops {
            contents.add(op);
        }
        contents
    }

    pub(crate) fn add(&mut self, op: &Operation) {
        self.newest_ms = self.newest_ms.max(op.clock.wall_ms);
        if op.entity == EntityKind::Roster && op.kind == OpKind::Create {
            if let Ok(signed) = serde_json::from_value::<SignedRoster>(op.new_value.clone()) {
                self.rosters.push(signed);
            }
        }
    }

    /// The roster versions carried that the pinned office key signed.
    fn rosters(&self, trust: &SegmentTrust) -> Vec<Roster> {
        self.rosters
            .iter()
            .filter_map(|signed| signed.open(&trust.pinned, &trust.catalog_id).ok())
            .collect()
    }
}

fn time_ms(text: &str) -> Option<i64> {
    chrono::DateTime::parse_from_rfc3339(text)
        .ok()
        .map(|t| t.timestamp_millis())
}

/// The proofs a snapshot carries, checked against its operations as they stream by: each
/// writer's run of operations must read to the digest its own writer signed.
pub(crate) struct CarriedCheck {
    /// Per device, its runs by first sequence.
    runs: BTreeMap<String, Vec<Run>>,
    /// Per device, the newest time of an operation no carried proof covers.
    unproven: BTreeMap<String, i64>,
}

struct Run {
    carried: CarriedProof,
    digest: Option<RecordDigest>,
    /// The next sequence the run expects; past `last_seq` once complete.
    next: u64,
    newest_ms: i64,
    state: RunState,
}

#[derive(PartialEq)]
enum RunState {
    Open,
    Proven,
    Altered,
}

/// What the carried proofs showed once the snapshot was read through.
pub(crate) struct Carried {
    /// Runs whose records do not read to what their writer signed.
    pub altered: Vec<String>,
    /// Runs that check: the device, the key and the time of their newest operation.
    pub proven: Vec<(String, desk_trust::PublicKey, i64)>,
    /// Per device, the newest time of an operation no checking proof covers.
    pub unproven: BTreeMap<String, i64>,
    /// The proofs that checked, for this PC to keep and carry on.
    pub kept: Vec<CarriedProof>,
}

impl CarriedCheck {
    pub(crate) fn new(proofs: &[CarriedProof]) -> CarriedCheck {
        let mut runs: BTreeMap<String, Vec<Run>> = BTreeMap::new();
        for carried in proofs {
            if carried.last_seq < carried.first_seq {
                continue;
            }
            runs.entry(carried.device_id.clone())
                .or_default()
                .push(Run {
                    carried: carried.clone(),
                    digest: Some(RecordDigest::new()),
                    next: carried.first_seq,
                    newest_ms: 0,
                    state: RunState::Open,
                });
        }
        for list in runs.values_mut() {
            list.sort_by_key(|r| r.carried.first_seq);
            // Overlapping runs cannot both cover an operation: the later ones are dropped.
            let mut end = 0u64;
            list.retain(|r| {
                let keep = r.carried.first_seq > end;
                if keep {
                    end = r.carried.last_seq;
                }
                keep
            });
        }
        CarriedCheck {
            runs,
            unproven: BTreeMap::new(),
        }
    }

    /// Takes in one operation as the snapshot holds it (`record`, exactly as read).
    pub(crate) fn add(&mut self, op: &Operation, record: &[u8]) {
        let run = self.runs.get_mut(&op.device_id).and_then(|list| {
            let at = list.partition_point(|r| r.carried.last_seq < op.seq);
            list.get_mut(at)
                .filter(|r| r.carried.first_seq <= op.seq && op.seq <= r.carried.last_seq)
        });
        match run {
            Some(run) if run.state == RunState::Open && run.next == op.seq => {
                if let Some(digest) = &mut run.digest {
                    digest.add(record);
                }
                run.next += 1;
                run.newest_ms = run.newest_ms.max(op.clock.wall_ms);
            }
            // Out of order or repeated: the run cannot be what its writer signed.
            Some(run) => {
                run.state = RunState::Altered;
                let newest = self.unproven.entry(op.device_id.clone()).or_insert(0);
                *newest = (*newest).max(op.clock.wall_ms);
            }
            None => {
                let newest = self.unproven.entry(op.device_id.clone()).or_insert(0);
                *newest = (*newest).max(op.clock.wall_ms);
            }
        }
    }

    pub(crate) fn finish(self, catalog_id: &str) -> Carried {
        let mut carried = Carried {
            altered: Vec::new(),
            proven: Vec::new(),
            unproven: self.unproven,
            kept: Vec::new(),
        };
        for (device, list) in self.runs {
            for mut run in list {
                let name = format!(
                    "{device} {}…{}",
                    run.carried.first_seq, run.carried.last_seq
                );
                let complete = run.next == run.carried.last_seq + 1;
                if run.state == RunState::Open && complete {
                    let digest = run
                        .digest
                        .take()
                        .map(RecordDigest::finish)
                        .unwrap_or_default();
                    let claim = run.carried.claim(catalog_id, &digest);
                    run.state = if run.carried.proof.verify(&claim).is_ok() {
                        RunState::Proven
                    } else {
                        RunState::Altered
                    };
                }
                match run.state {
                    RunState::Proven => {
                        carried.proven.push((
                            device.clone(),
                            run.carried.proof.public_key.clone(),
                            run.newest_ms,
                        ));
                        carried.kept.push(run.carried);
                    }
                    RunState::Altered => carried.altered.push(name),
                    // Not all of its operations are in the snapshot: it proves none of them.
                    RunState::Open => {
                        if run.next > run.carried.first_seq {
                            let newest = carried.unproven.entry(device.clone()).or_insert(0);
                            *newest = (*newest).max(run.newest_ms);
                        }
                    }
                }
            }
        }
        carried
    }
}

impl SegmentCheck {
    /// Whether the operations of other PCs a snapshot carries are each proven by their own
    /// writer: a run that does not read to what its writer signed is refused; one signed by a
    /// key the roster does not hold for that PC, or operations after set-up no proof covers,
    /// wait (another snapshot, or the segments themselves, may bring them proven).
    pub(crate) fn check_carried(
        &self,
        header: &SegmentHeader,
        carried: &Carried,
        contents: &Contents,
    ) -> Verdict {
        let Some(trust) = &self.trust else {
            return Verdict::Accept;
        };
        if let Some(run) = carried.altered.first() {
            return Verdict::Refuse {
                code: "segment_signature_invalid",
                detail: format!(
                    "the operations of PC {run} it carries do not match what their writer signed: changed, or forged"
                ),
            };
        }
        let roster = contents
            .rosters(trust)
            .into_iter()
            .chain(trust.roster.clone())
            .max_by_key(|r| r.version);
        for (device, key, newest_ms) in &carried.proven {
            let Some(roster) = &roster else {
                break;
            };
            let at = crate::engine::time_text(*newest_ms);
            match roster.device_verdict(device, key, &at) {
                DeviceVerdict::Valid => {}
                DeviceVerdict::NotEnrolled => {
                    return Verdict::Wait(format!(
                        "it carries operations of PC {device}, whose key the office's roster does not hold"
                    ))
                }
                DeviceVerdict::Revoked { at } => {
                    return Verdict::Refuse {
                        code: "device_revoked",
                        detail: format!(
                            "it carries operations of PC {device} signed after its key was revoked at {at}"
                        ),
                    }
                }
            }
        }
        let set_up = self.set_up_ms.or_else(|| {
            contents
                .rosters(trust)
                .iter()
                .find(|r| r.version == 1)
                .and_then(|r| time_ms(&r.issued_at))
        });
        if let Some(set_up) = set_up {
            let unproven = carried
                .unproven
                .iter()
                .find(|(device, newest)| **device != header.device_id && **newest > set_up);
            if let Some((device, _)) = unproven {
                return Verdict::Wait(format!(
                    "it holds changes of PC {device} made after the office set signing up that no signature of that PC covers"
                ));
            }
        }
        Verdict::Accept
    }
}
