//! The `sync_kept_aside` table: operations stored in the log whose effect could not be applied,
//! with the reason and the app version that decided it (see `admit`). Only rows here; the
//! retrying is `apply`'s.

use crate::error::Result;
use desk_core::ops::Operation;
use desk_core::sync::{KeptAsideOp, KeptAsideReason};
use rusqlite::{params, Connection};

/// Why an operation's effect is kept aside.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Refusal {
    pub(crate) reason: KeptAsideReason,
    pub(crate) message: String,
}

pub(crate) fn refuse(reason: KeptAsideReason, message: impl Into<String>) -> Option<Refusal> {
    Some(Refusal {
        reason,
        message: message.into(),
    })
}

/// Records (or records again, after a retry that still failed) why `op`'s effect is kept aside.
pub(crate) fn keep(
    conn: &Connection,
    op: &Operation,
    refusal: &Refusal,
    app_version: &str,
    at: &str,
) -> Result<()> {
    conn.prepare_cached(
        "INSERT INTO sync_kept_aside (op_id, device_id, reason, message, app_version, kept_at)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (op_id) DO UPDATE SET reason = excluded.reason, message = excluded.message,
         app_version = excluded.app_version",
    )?
    .execute(params![
        op.id,
        op.device_id,
        refusal.reason.key(),
        refusal.message,
        app_version,
        at
    ])?;
    Ok(())
}

pub(crate) fn release(conn: &Connection, op_id: &str) -> Result<()> {
    conn.prepare_cached("DELETE FROM sync_kept_aside WHERE op_id = ?1")?
        .execute(params![op_id])?;
    Ok(())
}

/// Which kept-aside operations to try again.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Retry<'a> {
    /// Those that name something absent (run when what they may name has arrived).
    UnknownReferences,
    /// Those decided by another app version than this one.
    DecidedByOtherVersion(&'a str),
}

/// The ids of the operations to try again (an indexed scan of the reason, or of the table: it
/// holds only what could not be applied).
pub(crate) fn to_retry(conn: &Connection, which: Retry) -> Result<Vec<String>> {
    let (sql, arg) = match which {
        Retry::UnknownReferences => (
            "SELECT op_id FROM sync_kept_aside WHERE reason = ?1",
            KeptAsideReason::UnknownReference.key(),
        ),
        Retry::DecidedByOtherVersion(version) => (
            "SELECT op_id FROM sync_kept_aside WHERE app_version <> ?1",
            version,
        ),
    };
    let mut stmt = conn.prepare_cached(sql)?;
    let rows = stmt.query_map(params![arg], |r| r.get::<_, String>(0))?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

/// Whether any operation is kept aside (a cheap test before a retry).
pub(crate) fn any(conn: &Connection) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM sync_kept_aside)")?
        .query_row([], |r| r.get(0))?)
}

/// Every kept-aside operation, oldest first, for the status.
pub(crate) fn list(conn: &Connection) -> Result<Vec<KeptAsideOp>> {
    let mut stmt = conn.prepare(
        "SELECT k.device_id, k.op_id, k.reason, k.message, k.app_version, coalesce(o.author_id, '')
         FROM sync_kept_aside k LEFT JOIN ops o ON o.id = k.op_id
         ORDER BY o.clock, k.device_id, o.seq",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
            r.get::<_, String>(4)?,
            r.get::<_, String>(5)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (device_id, op_id, reason, message, app_version, author_id) = row?;
        // A reason written by a later version this one does not know reads as a kind it does
        // not know: it is tried again under this version anyway.
        let reason = KeptAsideReason::parse(&reason).unwrap_or(KeptAsideReason::UnknownKind);
        out.push(KeptAsideOp {
            device_id,
            op_id,
            author_id,
            reason,
            message,
            app_version,
        });
    }
    Ok(out)
}
