//! Sign-offs made stale by operations that arrived: voided on every PC alike.

use super::context::ApplyContext;
use super::SYNC_AUTHOR;
use crate::catalog::{items, review};
use crate::error::Result;
use crate::oplog::Recorder;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use std::collections::BTreeSet;

/// A signed item whose content no longer matches its newest sign-off (an edit arrived that the
/// signer had not seen) goes back to review on this PC, recorded as this PC's operations. Every
/// PC that does the same writes the same values, so they do not conflict.
pub(crate) fn void_stale_signoffs(
    tx: &Transaction,
    ctx: &ApplyContext,
    touched: &BTreeSet<String>,
) -> Result<u32> {
    let mut recorder: Option<Recorder> = None;
    let mut voided = 0;
    let mut status = tx.prepare_cached("SELECT status FROM items WHERE id = ?1")?;
    for id in touched {
        let signed = status
            .query_row(params![id], |r| r.get::<_, String>(0))
            .optional()?
            .and_then(|s| serde_json::from_value::<desk_core::model::Status>(Value::String(s)).ok())
            .is_some_and(|s| s.is_signed());
        if !signed {
            continue;
        }
        let Some(mut item) = items::load_optional(tx, id)? else {
            continue;
        };
        let Some(latest) = review::signoffs(tx, id)?.into_iter().next() else {
            continue;
        };
        let checklist = review::checklist(tx, &item, ctx.store, false)?;
        if desk_core::signoff::content_hash(&item, &checklist.checks) == latest.content_hash {
            continue;
        }
        if recorder.is_none() {
            recorder = Some(Recorder::begin(tx, ctx.device_id, SYNC_AUTHOR)?);
        }
        let Some(rec) = recorder.as_mut() else {
            continue;
        };
        let changed = review::fields_changed_since(tx, &item, &checklist.checks, &latest)?;
        review::void_if_signed(tx, rec, &mut item, changed)?;
        voided += 1;
    }
    if let Some(rec) = recorder {
        rec.finish(tx)?;
    }
    Ok(voided)
}
