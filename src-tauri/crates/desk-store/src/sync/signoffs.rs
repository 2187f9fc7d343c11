//! Sign-offs made stale by operations that arrived: voided on every PC alike.

use super::context::ApplyContext;
use super::SYNC_AUTHOR;
use crate::catalog::{items, review};
use crate::error::Result;
use crate::oplog::Recorder;
use rusqlite::{params, OptionalExtension, Transaction};
use serde_json::Value;
use std::collections::BTreeSet;

/// Past this many items a batch stops naming what it touched and has every item checked
/// (a new PC taking in a whole catalog), so what it keeps does not grow with the catalog.
pub(crate) const TOUCHED_CAP: usize = 10_000;

/// The items a batch changed, whose sign-offs may have gone stale.
#[derive(Debug, Default)]
pub(crate) enum Touched {
    Some(BTreeSet<String>),
    /// More than [`TOUCHED_CAP`]: every item is checked.
    #[default]
    None,
    All,
}

impl Touched {
    pub(crate) fn touch(&mut self, id: &str) {
        match self {
            Touched::All => {}
            Touched::None => *self = Touched::Some(BTreeSet::from([id.to_string()])),
            Touched::Some(ids) if ids.contains(id) => {}
            Touched::Some(ids) if ids.len() >= TOUCHED_CAP => *self = Touched::All,
            Touched::Some(ids) => {
                ids.insert(id.to_string());
            }
        }
    }
}

/// Items are checked this many at a time when every one is.
const PAGE: i64 = 500;

/// A signed item whose content no longer matches its newest sign-off (an edit arrived that the
/// signer had not seen), or whose signed checklist has required checks open (the gate was never
/// passed), goes back to review on this PC, recorded as this PC's operations. Every PC that does
/// the same writes the same values, so they do not conflict.
pub(crate) fn void_stale_signoffs(
    tx: &Transaction,
    ctx: &ApplyContext,
    touched: &Touched,
) -> Result<u32> {
    let mut recorder: Option<Recorder> = None;
    let mut voided = 0;
    match touched {
        Touched::None => {}
        Touched::Some(ids) => {
            for id in ids {
                void_if_stale(tx, ctx, id, &mut recorder, &mut voided)?;
            }
        }
        Touched::All => {
            let mut after = String::new();
            loop {
                let page: Vec<String> = tx
                    .prepare_cached("SELECT id FROM items WHERE id > ?1 ORDER BY id LIMIT ?2")?
                    .query_map(params![after, PAGE], |r| r.get(0))?
                    .collect::<std::result::Result<_, _>>()?;
                let Some(last) = page.last() else {
                    break;
                };
                after = last.clone();
                for id in &page {
                    void_if_stale(tx, ctx, id, &mut recorder, &mut voided)?;
                }
            }
        }
    }
    if let Some(rec) = recorder {
        rec.finish(tx)?;
    }
    Ok(voided)
}

/// Voids the item's sign-off when an edit it had not seen arrived.
fn void_if_stale(
    tx: &Transaction,
    ctx: &ApplyContext,
    id: &str,
    recorder: &mut Option<Recorder>,
    voided: &mut u32,
) -> Result<()> {
    let signed = tx
        .prepare_cached("SELECT status FROM items WHERE id = ?1")?
        .query_row(params![id], |r| r.get::<_, String>(0))
        .optional()?
        .and_then(|s| serde_json::from_value::<desk_core::model::Status>(Value::String(s)).ok())
        .is_some_and(|s| s.is_signed());
    if !signed {
        return Ok(());
    }
    let Some(mut item) = items::load_optional(tx, id)? else {
        return Ok(());
    };
    let Some(latest) = review::signoffs(tx, id)?.into_iter().next() else {
        return Ok(());
    };
    let checklist = review::checklist(tx, &item, ctx.store, false)?;
    let changed =
        if desk_core::signoff::content_hash(&item, &checklist.checks) != latest.content_hash {
            review::fields_changed_since(tx, &item, &checklist.checks, &latest)?
        } else if !checklist.signoff_blockers(item.disclosure).is_empty() {
            // Signed with required checks open: no PC of the office signs that (the gate refuses
            // it), so it arrived from a forged or broken writer; the checklist is what is missing.
            log::warn!("item {id} arrived signed off with required checks open: back to review");
            vec![desk_core::workflow::CHECKLIST_FIELD.to_string()]
        } else {
            return Ok(());
        };
    if recorder.is_none() {
        *recorder = Some(Recorder::begin(tx, ctx.device_id, SYNC_AUTHOR)?);
    }
    let Some(rec) = recorder.as_mut() else {
        return Ok(());
    };
    review::void_if_signed(tx, rec, &mut item, changed)?;
    *voided += 1;
    Ok(())
}
