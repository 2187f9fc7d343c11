//! Signed sign-offs: the signer's key signs a canonical message naming the catalog, the item,
//! the hash of the signed content, the basis, the roster version and the time, under a purpose
//! tag. A signature copied to another item or another content hash no longer matches; a key the
//! roster does not hold, or holds revoked, or a signer without the role, is refused by name.

use crate::keys::{KeyPair, PublicKey, Signature};
use crate::roster::Roster;
use desk_core::signoff::SignBasis;
use desk_core::workflow::{can_sign, Policy};
use serde::{Deserialize, Serialize};
use thiserror::Error;

pub const SIGNOFF_PURPOSE: &str = "disclosure-desk/signoff/v1";

/// What a sign-off's signature covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignoffClaim {
    pub catalog_id: String,
    pub item_id: String,
    /// `sha256:` and the hex digest of the item's canonical form.
    pub content_hash: String,
    pub basis: SignBasis,
    pub roster_version: u64,
    /// RFC 3339, UTC.
    pub at: String,
    pub signer_id: String,
    pub public_key: PublicKey,
}

impl SignoffClaim {
    /// The exact bytes signed: a JSON array in a fixed order (no field can run into another).
    pub fn message(&self) -> Vec<u8> {
        let basis = match self.basis {
            SignBasis::SectionHead => "section_head",
            SignBasis::Office => "office",
        };
        serde_json::to_vec(&[
            SIGNOFF_PURPOSE,
            &self.catalog_id,
            &self.item_id,
            &self.content_hash,
            basis,
            &self.roster_version.to_string(),
            &self.at,
            &self.signer_id,
            &self.public_key.to_hex(),
        ])
        .unwrap_or_default()
    }

    pub fn sign(&self, pair: &KeyPair) -> Signature {
        pair.sign(&self.message())
    }
}

/// Why a sign-off is not one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignoffProblem {
    #[error("the signature does not match the sign-off (made for another item, other content, or changed)")]
    BadSignature,
    #[error("it names roster version {claimed}, and the roster given is version {given}")]
    RosterVersion { claimed: u64, given: u64 },
    #[error("{signer} is not in the office's roster")]
    SignerUnknown { signer: String },
    #[error("the key {fingerprint} is not one the roster holds for {signer}")]
    KeyNotInRoster { signer: String, fingerprint: String },
    #[error("the key {fingerprint} was not valid at {at} (enrolled later, or revoked)")]
    KeyNotValid { fingerprint: String, at: String },
    #[error("{signer} has no role that may sign off this item for the office")]
    SignerWithoutRole { signer: String },
    #[error("the sign-off is of catalog {found}, not of this one")]
    OtherCatalog { found: String },
}

impl SignoffProblem {
    pub fn code(&self) -> &'static str {
        match self {
            SignoffProblem::BadSignature => "signoff_bad_signature",
            SignoffProblem::RosterVersion { .. } => "signoff_roster_version",
            SignoffProblem::SignerUnknown { .. } => "signoff_signer_unknown",
            SignoffProblem::KeyNotInRoster { .. } => "signoff_key_not_in_roster",
            SignoffProblem::KeyNotValid { .. } => "signoff_key_not_valid",
            SignoffProblem::SignerWithoutRole { .. } => "signoff_signer_without_role",
            SignoffProblem::OtherCatalog { .. } => "signoff_other_catalog",
        }
    }
}

/// What the item says the sign-off must match.
pub struct Expected<'a> {
    pub catalog_id: &'a str,
    pub lead_department: Option<&'a str>,
    pub policy: Policy,
}

/// Whether the office key itself signed the sign-off: the office accepting, as a signed and
/// logged act, a sign-off made before signing was set up (the office key is the root every
/// roster proves from, so it needs no roster entry of its own).
pub fn is_office_acceptance(claim: &SignoffClaim, at_version: &Roster) -> bool {
    claim.basis == SignBasis::Office
        && (claim.public_key == at_version.office_key
            || at_version.previous_office_keys.contains(&claim.public_key))
}

/// Checks a sign-off: its signature, its key in the roster of the version it names (and not
/// revoked, as `latest` knows, at its time), and the signer's right to sign this item.
pub fn verify(
    claim: &SignoffClaim,
    signature: &Signature,
    at_version: &Roster,
    latest: &Roster,
    expected: &Expected,
) -> Result<(), SignoffProblem> {
    if claim.catalog_id != expected.catalog_id {
        return Err(SignoffProblem::OtherCatalog {
            found: claim.catalog_id.clone(),
        });
    }
    if at_version.version != claim.roster_version {
        return Err(SignoffProblem::RosterVersion {
            claimed: claim.roster_version,
            given: at_version.version,
        });
    }
    claim
        .public_key
        .verify(&claim.message(), signature)
        .map_err(|_| SignoffProblem::BadSignature)?;
    let fingerprint = claim.public_key.fingerprint().to_string();
    if is_office_acceptance(claim, at_version) {
        return Ok(());
    }
    if at_version.person(&claim.signer_id).is_none() {
        return Err(SignoffProblem::SignerUnknown {
            signer: claim.signer_id.clone(),
        });
    }
    let enrolled = at_version
        .person_key(&claim.signer_id, &claim.public_key)
        .ok_or_else(|| SignoffProblem::KeyNotInRoster {
            signer: claim.signer_id.clone(),
            fingerprint: fingerprint.clone(),
        })?;
    // A revocation the later roster records counts even against a sign-off naming an earlier one.
    let revoked_since = latest
        .person_key(&claim.signer_id, &claim.public_key)
        .unwrap_or(enrolled);
    if !enrolled.valid_at(&claim.at) || !revoked_since.valid_at(&claim.at) {
        return Err(SignoffProblem::KeyNotValid {
            fingerprint,
            at: claim.at.clone(),
        });
    }
    let entitled = at_version.actor(&claim.signer_id).is_some_and(|actor| {
        let by_basis = match claim.basis {
            SignBasis::SectionHead => actor.roles.contains(&desk_core::model::Role::SectionHead),
            SignBasis::Office => actor.roles.contains(&desk_core::model::Role::Coordinator),
        };
        by_basis && can_sign(&actor, expected.lead_department, expected.policy)
    });
    if !entitled {
        return Err(SignoffProblem::SignerWithoutRole {
            signer: claim.signer_id.clone(),
        });
    }
    Ok(())
}
