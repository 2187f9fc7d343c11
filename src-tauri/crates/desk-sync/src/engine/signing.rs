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

use crate::format::SegmentHeader;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_store::{Catalog, SegmentTrust};
use desk_trust::roster::{DeviceVerdict, Roster, SignedRoster};

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
