//! The sign-offs' signatures in a bundle, checked offline with nothing but the office key's
//! fingerprint the web team was given (DESIGN 6): roster signed by that key → signer's key in
//! the roster version the sign-off names, not revoked by the newest roster carried → the
//! signer's role → the signature over the sign-off's claim. The content hash the claim names is
//! checked against the item by `verify` itself.
//!
//! Everything here comes from the bundle and is hostile: the office key the bundle names is a
//! claim, compared with the pinned fingerprint when there is one; without one the signatures
//! are checked against the claimed key, which catches a changed bundle but proves nothing about
//! who made it, and the report says so.

use crate::findings::Findings;
use desk_core::export::{field_text, ManifestItem, ManifestSigning, SignatureCheck};
use desk_core::workflow::Policy;
use desk_trust::roster::{Roster, SignedRoster};
use desk_trust::signoff::{Expected, SignoffClaim};
use desk_trust::{Fingerprint, PublicKey, Signature, TrustError};
use std::collections::BTreeMap;

/// The rosters a bundle proves, and how its sign-offs are to be judged.
pub(crate) struct Signatures {
    /// Each roster version whose signature checks against the anchor key.
    rosters: BTreeMap<u64, Roster>,
    /// Whether the web team gave an office key: an unsigned sign-off then fails the bundle.
    pinned: bool,
    office_signs: bool,
    catalog_id: String,
}

/// What the bundle claims of its office key.
pub(crate) struct Claimed {
    pub fingerprint: Option<String>,
    /// The claimed key is the one the web team gave.
    pub pinned: bool,
}

impl Signatures {
    /// Opens the bundle's rosters against `pinned` (or, without it, the office key the bundle
    /// names), listing every roster that does not check.
    pub fn read(
        signing: Option<&ManifestSigning>,
        catalog_id: &str,
        pinned: Option<&Fingerprint>,
        max_rosters: usize,
        found: &mut Findings,
    ) -> (Signatures, Claimed) {
        let mut signatures = Signatures {
            rosters: BTreeMap::new(),
            pinned: pinned.is_some(),
            office_signs: signing.is_some_and(|s| s.office_signs),
            catalog_id: catalog_id.to_string(),
        };
        let mut claimed = Claimed {
            fingerprint: None,
            pinned: false,
        };
        let Some(signing) = signing else {
            if let Some(pinned) = pinned {
                found.add(
                    "bundle_roster_missing",
                    "",
                    format!("the bundle carries no roster signed by an office key: none of its sign-offs can be checked against the office key {pinned}"),
                );
            }
            return (signatures, claimed);
        };
        let claimed_key = match PublicKey::from_hex(&signing.office_key) {
            Ok(key) => Some(key.fingerprint()),
            Err(_) => {
                found.add(
                    "manifest_invalid",
                    crate::bundle::MANIFEST,
                    "signing.office_key is not an SM2 public key",
                );
                None
            }
        };
        claimed.fingerprint = claimed_key.as_ref().map(|f| f.to_string());
        let mut other_office_reported = false;
        let rotated = pinned.is_some_and(|p| rotated_from(signing, p, catalog_id));
        match (pinned, &claimed_key) {
            (Some(pinned), Some(key)) if pinned == key => claimed.pinned = true,
            (Some(pinned), Some(key)) if rotated => {
                claimed.pinned = true;
                found.warn(
                    "office_key_rotated",
                    "",
                    format!("the office handed its key {pinned} over to {key}, endorsed by the old key: the bundle is checked against the new one; pin it from now on"),
                );
            }
            (Some(pinned), Some(key)) => {
                found.add(
                    "bundle_roster_other_office",
                    "",
                    format!("the bundle names the office key {key}, not the one given ({pinned}): its rosters and signatures are not that office's"),
                );
                other_office_reported = true;
            }
            (Some(_), None) => {}
            (None, Some(key)) => found.warn(
                "office_key_not_pinned",
                "",
                format!("the bundle names the office key {key}; it was not compared with the office's fingerprint: the signatures show the bundle is as that key's holder signed it, not that the office made it (verify with --office-key)"),
            ),
            (None, None) => {}
        }
        let anchor = if rotated {
            claimed_key
        } else {
            pinned.cloned().or(claimed_key)
        };
        let Some(anchor) = anchor else {
            return (signatures, claimed);
        };
        if signing.rosters.len() > max_rosters {
            found.add(
                "bundle_roster_invalid",
                "",
                format!(
                    "{} roster versions; a bundle carries at most {max_rosters}",
                    signing.rosters.len()
                ),
            );
            return (signatures, claimed);
        }
        for (n, carried) in signing.rosters.iter().enumerate() {
            let subject = format!("roster #{}", n + 1);
            let Ok(signature) = Signature::from_hex(&carried.signature) else {
                found.add(
                    "bundle_roster_bad_signature",
                    &subject,
                    "the office key's signature does not read",
                );
                continue;
            };
            let signed = SignedRoster {
                body: carried.body.clone(),
                signature,
                endorsement: None,
            };
            match signed.open(&anchor, catalog_id) {
                Ok(roster) => {
                    let version = roster.version;
                    match signatures.rosters.get(&version) {
                        Some(known) if known != &roster => found.add(
                            "bundle_roster_invalid",
                            &subject,
                            format!("two different rosters of version {version}: which one counts cannot be told"),
                        ),
                        _ => {
                            signatures.rosters.insert(version, roster);
                        }
                    }
                }
                Err(TrustError::RosterNotByOfficeKey { found: by, .. }) => {
                    if !other_office_reported {
                        found.add(
                            "bundle_roster_other_office",
                            &subject,
                            format!("signed for the office key {by}, not {anchor}"),
                        );
                    }
                }
                Err(TrustError::BadSignature | TrustError::BadPublicKey(_)) => found.add(
                    "bundle_roster_bad_signature",
                    &subject,
                    format!("the signature does not check against the office key {anchor}: the roster was changed or forged"),
                ),
                Err(e) => found.add("bundle_roster_invalid", &subject, e.to_string()),
            }
        }
        (signatures, claimed)
    }

    /// Checks the signature of the item's newest sign-off (the one covering its content).
    pub fn check(
        &self,
        item: &ManifestItem,
        subject: &str,
        found: &mut Findings,
    ) -> SignatureCheck {
        let Some(signoff) = item.signoffs.first() else {
            return SignatureCheck::Unsigned;
        };
        let Some(sealed) = &signoff.signature else {
            let message = "signed off without a signature (before the office set up signing): nothing proves who signed it off";
            if self.pinned {
                found.add("signoff_unsigned", subject, message);
            } else {
                found.warn("signoff_unsigned", subject, message);
            }
            return SignatureCheck::Unsigned;
        };
        let (Ok(public_key), Ok(signature)) = (
            PublicKey::from_hex(&sealed.public_key),
            Signature::from_hex(&sealed.signature),
        ) else {
            found.add(
                "signoff_bad_signature",
                subject,
                "the signature or the signer's key does not read",
            );
            return SignatureCheck::Invalid;
        };
        let Some(at_version) = self.rosters.get(&sealed.roster_version) else {
            found.add(
                "signoff_roster_version",
                subject,
                format!(
                    "it names roster version {}, and the bundle carries no such version signed by the office key",
                    sealed.roster_version
                ),
            );
            return SignatureCheck::Invalid;
        };
        let latest = self.rosters.values().next_back().unwrap_or(at_version);
        let claim = SignoffClaim {
            catalog_id: self.catalog_id.clone(),
            item_id: item.id.clone(),
            content_hash: signoff.content_hash.clone(),
            basis: signoff.basis,
            roster_version: sealed.roster_version,
            at: signoff.at.clone(),
            signer_id: signoff.signer_id.clone(),
            public_key,
        };
        let lead_department =
            Some(field_text(item, "lead_department_id")).filter(|d| !d.is_empty());
        let expected = Expected {
            catalog_id: &self.catalog_id,
            lead_department,
            policy: Policy {
                office_signs: self.office_signs,
            },
        };
        match desk_trust::signoff::verify(&claim, &signature, at_version, latest, &expected) {
            Ok(()) => SignatureCheck::Valid,
            Err(problem) => {
                found.add(problem.code(), subject, problem.to_string());
                SignatureCheck::Invalid
            }
        }
    }
}

/// Whether the bundle's office key was endorsed by the office key `pinned` names (the office
/// rotated its key since the web team pinned it).
fn rotated_from(signing: &ManifestSigning, pinned: &Fingerprint, catalog_id: &str) -> bool {
    let Some(rotation) = &signing.rotation else {
        return false;
    };
    let (Ok(previous_key), Ok(signature), Ok(office_key)) = (
        PublicKey::from_hex(&rotation.previous_key),
        Signature::from_hex(&rotation.signature),
        PublicKey::from_hex(&signing.office_key),
    ) else {
        return false;
    };
    &previous_key.fingerprint() == pinned
        && desk_trust::roster::Endorsement {
            previous_key,
            signature,
        }
        .holds(catalog_id, &office_key)
}
