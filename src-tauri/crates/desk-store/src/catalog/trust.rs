//! The roster versions and key requests as stored, and what they prove: a roster only through
//! its signature by the office key this PC pinned, a sign-off only through its signature
//! against such a roster. Used alike by the API (what a screen shows) and by sync (whether an
//! arriving sign-off counts).

use crate::db::meta::{catalog_id, meta_get};
use crate::error::Result;
use desk_core::signoff::{SignatureVerdict, Signoff};
use desk_core::workflow::Policy;
use desk_trust::roster::{KeyRequest, Roster, SignedRoster};
use desk_trust::signoff::{Expected, SignoffClaim};
use desk_trust::Fingerprint;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The `meta` key of the office fingerprint this PC pinned.
pub const PINNED_KEY: &str = "office_fingerprint";
/// The `meta` key of the office fingerprints this PC pinned before a rotation, oldest first.
pub const PREVIOUS_PINS: &str = "office_fingerprints_before";

/// The office key this PC pinned, if any.
pub fn pinned(conn: &Connection) -> Result<Option<Fingerprint>> {
    Ok(meta_get(conn, PINNED_KEY)?.and_then(|text| Fingerprint::parse(&text).ok()))
}

/// Whether any roster version is stored: signing is set up in this office, whether or not this
/// PC pinned its key yet.
pub fn any_roster(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM rosters)")?
        .query_row([], |r| r.get(0))?)
}

/// The newest roster version whose signature checks against `pinned`.
pub fn newest_roster(conn: &Connection, pinned: &Fingerprint) -> Result<Option<Roster>> {
    let catalog_id = catalog_id(conn)?;
    for signed in rosters(conn, pinned.digits(), None)? {
        match signed.open(pinned, &catalog_id) {
            Ok(roster) => return Ok(Some(roster)),
            Err(e) => log::warn!("a roster version does not check: {e}"),
        }
    }
    Ok(None)
}

/// Roster version `version` signed by `pinned`, if it is here.
pub fn roster_at(conn: &Connection, pinned: &Fingerprint, version: u64) -> Result<Option<Roster>> {
    let catalog_id = catalog_id(conn)?;
    for signed in rosters(conn, pinned.digits(), Some(version))? {
        if let Ok(roster) = signed.open(pinned, &catalog_id) {
            if roster.version == version {
                return Ok(Some(roster));
            }
        }
    }
    Ok(None)
}

/// When the office set signing up: the time of the first roster version signed by `pinned`.
/// A sign-off without a signature made after it was made by no PC of this office.
pub fn set_up_at(conn: &Connection, pinned: &Fingerprint) -> Result<Option<String>> {
    Ok(roster_at(conn, pinned, 1)?.map(|roster| roster.issued_at))
}

/// Whether a sign-off made at `at` was made after the office set signing up at `set_up` (both
/// RFC 3339). A time that does not read counts as after: no PC of the office writes one.
pub fn made_after_set_up(at: &str, set_up: &str) -> bool {
    let read = |text: &str| chrono::DateTime::parse_from_rfc3339(text).ok();
    match (read(at), read(set_up)) {
        (Some(at), Some(set_up)) => at > set_up,
        _ => true,
    }
}

/// What this PC makes of a sign-off (see [`SignatureVerdict`]): its signature checked against
/// the roster version it names, signed by the pinned office key, and the newest such version
/// (for a revocation since). `lead_department` is the item's, which the signer must head.
pub fn signoff_verdict(
    conn: &Connection,
    signoff: &Signoff,
    lead_department: Option<&str>,
    policy: Policy,
) -> Result<SignatureVerdict> {
    let Some(pinned) = pinned(conn)? else {
        return Ok(SignatureVerdict::NotSetUp);
    };
    let Some(sealed) = &signoff.signature else {
        return Ok(SignatureVerdict::Unsigned);
    };
    let invalid = |code: &str, message: String| {
        Ok(SignatureVerdict::Invalid {
            code: code.to_string(),
            message,
        })
    };
    let (Ok(public_key), Ok(signature)) = (
        desk_trust::PublicKey::from_hex(&sealed.public_key),
        desk_trust::Signature::from_hex(&sealed.signature),
    ) else {
        return invalid(
            "signoff_bad_signature",
            "the signature or its key does not read".into(),
        );
    };
    let Some(at_version) = roster_at(conn, &pinned, sealed.roster_version)? else {
        return invalid(
            ROSTER_VERSION_MISSING,
            format!(
                "roster version {} signed by the office key is not on this PC",
                sealed.roster_version
            ),
        );
    };
    let latest = newest_roster(conn, &pinned)?.unwrap_or_else(|| at_version.clone());
    let catalog_id = catalog_id(conn)?;
    let claim = SignoffClaim {
        catalog_id: catalog_id.clone(),
        item_id: signoff.item_id.clone(),
        content_hash: signoff.content_hash.clone(),
        basis: signoff.basis,
        roster_version: sealed.roster_version,
        at: signoff.at.clone(),
        signer_id: signoff.signer_id.clone(),
        public_key: public_key.clone(),
    };
    let expected = Expected {
        catalog_id: &catalog_id,
        lead_department,
        policy,
    };
    Ok(
        match desk_trust::signoff::verify(&claim, &signature, &at_version, &latest, &expected) {
            Ok(()) => SignatureVerdict::Valid {
                fingerprint: public_key.fingerprint().to_string(),
                roster_version: sealed.roster_version,
                by_office: desk_trust::signoff::is_office_acceptance(&claim, &at_version),
            },
            Err(problem) => SignatureVerdict::Invalid {
                code: problem.code().to_string(),
                message: problem.to_string(),
            },
        },
    )
}

/// The verdict's code when the roster version a sign-off names is not here (yet).
pub const ROSTER_VERSION_MISSING: &str = "signoff_roster_version";

/// Stores a roster version as it arrived (once per operation).
pub fn write_roster(
    tx: &Transaction,
    op_id: &str,
    version: u64,
    office_fingerprint: &str,
    signed: &SignedRoster,
) -> Result<()> {
    let endorsement = signed
        .endorsement
        .as_ref()
        .and_then(|e| serde_json::to_string(e).ok());
    tx.execute(
        "INSERT OR IGNORE INTO rosters (op_id, version, office_fingerprint, body, signature, endorsement)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            op_id,
            i64::try_from(version).unwrap_or(i64::MAX),
            office_fingerprint,
            signed.body,
            signed.signature.to_hex(),
            endorsement
        ],
    )?;
    Ok(())
}

pub fn write_key_request(tx: &Transaction, op_id: &str, request: &KeyRequest) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO key_requests (op_id, person_id, public_key, fingerprint, device_id, requested_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
        params![
            op_id,
            request.person_id,
            request.public_key.to_hex(),
            request.public_key.fingerprint().to_string(),
            request.device_id,
            request.requested_at
        ],
    )?;
    Ok(())
}

/// Every stored version naming `office_fingerprint` (only `version`, when given), highest
/// first (unchecked).
pub fn rosters(
    conn: &rusqlite::Connection,
    office_fingerprint: &str,
    version: Option<u64>,
) -> Result<Vec<SignedRoster>> {
    let mut stmt = conn.prepare_cached(
        "SELECT body, signature, endorsement FROM rosters WHERE office_fingerprint = ?1 AND (?2 IS NULL OR version = ?2)
         ORDER BY version DESC, op_id",
    )?;
    let version = version.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let rows = stmt.query_map(params![office_fingerprint, version], signed_row)?;
    let mut out = Vec::new();
    for row in rows {
        out.extend(row?);
    }
    Ok(out)
}

/// A stored roster row as it travels; `None` when its signature does not even read (no roster;
/// the rest is checked when used).
fn signed_row(r: &rusqlite::Row) -> rusqlite::Result<Option<SignedRoster>> {
    let (body, signature, endorsement) = (
        r.get::<_, String>(0)?,
        r.get::<_, String>(1)?,
        r.get::<_, Option<String>>(2)?,
    );
    Ok(desk_trust::Signature::from_hex(&signature)
        .ok()
        .map(|signature| SignedRoster {
            body,
            signature,
            endorsement: endorsement.and_then(|e| serde_json::from_str(&e).ok()),
        }))
}

/// The office key a rotation away from `pinned` hands over to, with the roster versions signed
/// again under it that check (signed by it, and it endorsed by `pinned`).
pub fn rotated_from(
    conn: &Connection,
    pinned: &Fingerprint,
) -> Result<Option<(Fingerprint, std::collections::BTreeSet<u64>)>> {
    let catalog_id = catalog_id(conn)?;
    let mut stmt = conn.prepare_cached(
        "SELECT body, signature, endorsement FROM rosters
         WHERE office_fingerprint != ?1 AND endorsement IS NOT NULL ORDER BY version",
    )?;
    let rows = stmt.query_map(params![pinned.digits()], signed_row)?;
    let mut next: Option<(Fingerprint, std::collections::BTreeSet<u64>)> = None;
    for row in rows {
        let Some(signed) = row? else { continue };
        let Ok(roster) = signed.open_rotated(pinned, &catalog_id) else {
            continue;
        };
        let key = roster.office_key.fingerprint();
        match &mut next {
            Some((chosen, versions)) if chosen == &key => {
                versions.insert(roster.version);
            }
            // The old key endorsed two keys: it was used by someone else too. Following either
            // could hand the office to a stranger; the PC stays with the key it pinned.
            Some(_) => {
                log::warn!("the office key {pinned} endorsed two new keys: neither is followed");
                return Ok(None);
            }
            None => next = Some((key, std::iter::once(roster.version).collect())),
        }
    }
    Ok(next)
}

/// The newest key request of a person.
pub fn newest_key_request(
    conn: &rusqlite::Connection,
    person_id: &str,
) -> Result<Option<KeyRequest>> {
    let row = conn
        .query_row(
            "SELECT public_key, device_id, requested_at FROM key_requests WHERE person_id = ?1
             ORDER BY requested_at DESC, op_id DESC LIMIT 1",
            params![person_id],
            |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            },
        )
        .optional()?;
    Ok(row.and_then(|(public_key, device_id, requested_at)| {
        Some(KeyRequest {
            person_id: person_id.to_string(),
            public_key: desk_trust::PublicKey::from_hex(&public_key).ok()?,
            device_id,
            requested_at,
        })
    }))
}

/// What a roster version or a key request did, for the log. A roster counts only when it checks
/// against the office key this PC pinned, or one it pinned before a rotation; a version a
/// rotation signed again says only that the key changed (once, with version 1).
pub fn key_events(
    conn: &Connection,
    entity: desk_core::ops::EntityKind,
    value: &serde_json::Value,
) -> Result<Vec<desk_core::query::KeyEvent>> {
    use desk_core::ops::EntityKind;
    use desk_core::query::KeyEvent;
    match entity {
        EntityKind::KeyRequest => {
            let Ok(request) = serde_json::from_value::<KeyRequest>(value.clone()) else {
                return Ok(Vec::new());
            };
            let name = crate::catalog::registry::person(conn, &request.person_id)?
                .map_or(request.person_id.clone(), |p| p.name);
            Ok(vec![KeyEvent::KeyMade {
                name,
                fingerprint: request.public_key.fingerprint().to_string(),
                device_id: request.device_id,
            }])
        }
        EntityKind::Roster => {
            let Ok(signed) = serde_json::from_value::<SignedRoster>(value.clone()) else {
                return Ok(Vec::new());
            };
            let Ok(claimed) = serde_json::from_str::<Roster>(&signed.body) else {
                return Ok(Vec::new());
            };
            let key = claimed.office_key.fingerprint();
            if !trusted_keys(conn)?.contains(&key) {
                return Ok(Vec::new());
            }
            let catalog_id = catalog_id(conn)?;
            let Ok(roster) = signed.open(&key, &catalog_id) else {
                return Ok(Vec::new());
            };
            if let Some(endorsement) = &signed.endorsement {
                if roster.version != 1 {
                    return Ok(Vec::new());
                }
                return Ok(vec![KeyEvent::OfficeKeyRotated {
                    from: endorsement.previous_key.fingerprint().to_string(),
                    to: key.to_string(),
                }]);
            }
            let prev = match roster.version {
                0 | 1 => None,
                v => roster_at(conn, &key, v - 1)?,
            };
            Ok(desk_trust::roster::changes(prev.as_ref(), &roster))
        }
        _ => Ok(Vec::new()),
    }
}

/// The office key this PC pinned and those it pinned before a rotation.
fn trusted_keys(conn: &Connection) -> Result<Vec<Fingerprint>> {
    let mut keys: Vec<Fingerprint> = meta_get(conn, PREVIOUS_PINS)?
        .and_then(|s| serde_json::from_str::<Vec<String>>(&s).ok())
        .unwrap_or_default()
        .iter()
        .filter_map(|text| Fingerprint::parse(text).ok())
        .collect();
    keys.extend(pinned(conn)?);
    Ok(keys)
}
