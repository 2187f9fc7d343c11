//! The roster versions and key requests as stored; what they prove is decided in `api::trust`
//! against the pinned office key, never here.

use crate::error::Result;
use desk_trust::roster::{KeyRequest, SignedRoster};
use rusqlite::{params, OptionalExtension, Transaction};

/// Stores a roster version as it arrived (once per operation).
pub fn write_roster(
    tx: &Transaction,
    op_id: &str,
    version: u64,
    office_fingerprint: &str,
    signed: &SignedRoster,
) -> Result<()> {
    tx.execute(
        "INSERT OR IGNORE INTO rosters (op_id, version, office_fingerprint, body, signature)
         VALUES (?1, ?2, ?3, ?4, ?5)",
        params![
            op_id,
            i64::try_from(version).unwrap_or(i64::MAX),
            office_fingerprint,
            signed.body,
            signed.signature.to_hex()
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
        "SELECT body, signature FROM rosters WHERE office_fingerprint = ?1 AND (?2 IS NULL OR version = ?2)
         ORDER BY version DESC, op_id",
    )?;
    let version = version.map(|v| i64::try_from(v).unwrap_or(i64::MAX));
    let rows = stmt.query_map(params![office_fingerprint, version], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (body, signature) = row?;
        // A signature that does not even read is no roster; the rest is checked when used.
        if let Ok(signature) = desk_trust::Signature::from_hex(&signature) {
            out.push(SignedRoster { body, signature });
        }
    }
    Ok(out)
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
