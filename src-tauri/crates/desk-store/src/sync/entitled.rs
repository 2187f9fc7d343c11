//! Whether an arriving status change or sign-off is one the workflow and the office's roster
//! allow, checked as if it were made here (DESIGN 6): write access to the share is not enough
//! to move an item, let alone to sign it off.
//!
//! What is checked, and why it is the same on every PC that pinned the office key:
//! - a new item starts as a draft with nothing of the workflow's own (no status note, no void
//!   marker, no address);
//! - a status change follows an edge of the workflow from the state it claims to leave
//!   (`workflow::possible_move`), or is a person settling a status conflict to one of the values
//!   that competed;
//! - the move to 已签批 has behind it a sign-off by the person who made it, already admitted;
//! - a sign-off, where this PC pinned the office key, carries a signature that checks against the
//!   roster version it names (signed by that key), by a key valid then, of a person with the role
//!   for the item's lead department; a sign-off with no signature counts only when made before
//!   the office set signing up (it stays "unsigned").
//!
//! These depend on the operation and on what every PC holding the same operations holds (the
//! roster versions, the sign-off records, the item's lead department), since a segment is applied
//! only after everything its writer had applied. What needs the whole item (the checklist a
//! sign-off requires) is judged after the batch, with the content the sign-off covers (see
//! `signoffs`).

use super::context::decode_value;
use super::kept_aside::{refuse, Refusal};
use crate::catalog::{items, registry, trust};
use crate::error::Result;
use desk_core::fields::ItemField;
use desk_core::model::{Item, Status};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::{SignatureVerdict, Signoff};
use desk_core::sync::KeptAsideReason;
use desk_core::workflow::{possible_move, Action, Move, Policy};
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// Whether the check of `op` reads the item's current row (its lead department, its sign-offs):
/// the batch writes the items it changed before such an operation is checked.
pub(crate) fn reads_items(op: &Operation) -> bool {
    match (op.entity, op.kind) {
        (EntityKind::Signoff, OpKind::Create) => true,
        (EntityKind::Item, OpKind::Set) => op.field.as_deref() == Some(ItemField::Status.key()),
        _ => false,
    }
}

/// A new item begins as a draft: the workflow's own fields as a blank item has them.
pub(crate) fn check_new_item(item: &Item) -> Option<Refusal> {
    let blank = Item::blank(item.id.clone());
    let claimed: Vec<&str> = ItemField::ALL
        .into_iter()
        .filter(|f| f.is_workflow_managed() && item.get(*f) != blank.get(*f))
        .map(|f| f.key())
        .collect();
    if claimed.is_empty() {
        return None;
    }
    refuse(
        KeptAsideReason::RefusedTransition,
        format!(
            "a new item arrived already past 草稿 ({}): items begin as drafts",
            claimed.join(", ")
        ),
    )
}

fn status_of(value: &Value) -> Option<Status> {
    serde_json::from_value(value.clone()).ok()
}

fn label(status: Status) -> &'static str {
    desk_core::fields::status_label_zh(status)
}

/// A change of an item's status: a move the workflow makes, by someone entitled to it.
pub(crate) fn check_status_change(conn: &Connection, op: &Operation) -> Result<Option<Refusal>> {
    let (Some(from), Some(to)) = (status_of(&op.old_value), status_of(&op.new_value)) else {
        return Ok(refuse(
            KeptAsideReason::InvalidShape,
            "a status change names no status it leaves or reaches",
        ));
    };
    if from == to || settles_to_a_competing_value(conn, op)? {
        return Ok(None);
    }
    Ok(match possible_move(from, to) {
        None => refuse(
            KeptAsideReason::RefusedTransition,
            format!(
                "{} → {}: the workflow makes no such change",
                label(from),
                label(to)
            ),
        ),
        Some(Move::Action(Action::SignOff)) if !signed_by_author(conn, op)? => refuse(
            KeptAsideReason::RefusedTransition,
            format!(
                "{} → {} with no valid sign-off by {} behind it",
                label(from),
                label(to),
                op.author_id
            ),
        ),
        Some(_) => None,
    })
}

/// A person settling a status conflict picks one of the values that competed (the operations
/// the settlement overwrites): each of those was itself checked when it arrived.
fn settles_to_a_competing_value(conn: &Connection, op: &Operation) -> Result<bool> {
    if op.base.len() < 2 {
        return Ok(false);
    }
    let mut stmt = conn.prepare_cached(
        "SELECT new_value FROM ops WHERE id = ?1 AND entity = 'item' AND entity_id = ?2 AND field = ?3
         AND NOT EXISTS (SELECT 1 FROM sync_kept_aside WHERE op_id = ?1)",
    )?;
    for base in &op.base {
        let value: Option<String> = stmt
            .query_row(params![base, op.entity_id, op.field], |r| r.get(0))
            .optional()?;
        if value
            .is_some_and(|v| serde_json::from_str::<Value>(&v).ok().as_ref() == Some(&op.new_value))
        {
            return Ok(true);
        }
    }
    Ok(false)
}

/// Whether a sign-off of the item by the operation's author was admitted here (a refused one
/// was never written to the table).
fn signed_by_author(conn: &Connection, op: &Operation) -> Result<bool> {
    Ok(conn
        .prepare_cached(
            "SELECT EXISTS (SELECT 1 FROM signoffs WHERE item_id = ?1 AND signer_id = ?2)",
        )?
        .query_row(params![op.entity_id, op.author_id], |r| r.get(0))?)
}

/// A sign-off, where this PC pinned the office key: signed by a key the roster holds for a
/// person with the role, or made before the office set signing up.
pub(crate) fn check_signoff(
    conn: &Connection,
    op: &Operation,
    policy: Policy,
) -> Result<Option<Refusal>> {
    let Ok(signoff) = decode_value::<Signoff>("sign-off", &op.new_value) else {
        return Ok(None);
    };
    let Some(pinned) = trust::pinned(conn)? else {
        // Without an office key nothing proves who signed; a signer this PC does not know is
        // still not taken (a person arrives before anything they do: a PC of the office never
        // writes this, unless the person was kept aside here).
        return Ok((!registry::person_exists(conn, &signoff.signer_id)?)
            .then(|| {
                refuse(
                    KeptAsideReason::UnknownReference,
                    format!(
                        "a sign-off by {}, whom this PC does not know",
                        signoff.signer_id
                    ),
                )
            })
            .flatten());
    };
    if signoff.signer_id != op.author_id {
        return Ok(refuse(
            KeptAsideReason::SignatureInvalid,
            format!(
                "a sign-off in the name of {} recorded by {}",
                signoff.signer_id, op.author_id
            ),
        ));
    }
    if signoff.signature.is_none() {
        return Ok(match trust::set_up_at(conn, &pinned)? {
            Some(set_up) if trust::made_after_set_up(&signoff.at, &set_up) => refuse(
                KeptAsideReason::SignatureInvalid,
                format!(
                    "a sign-off without a signature, made at {} after the office set up signing ({set_up})",
                    signoff.at
                ),
            ),
            _ => None,
        });
    }
    let lead = items::load_optional(conn, &signoff.item_id)?.and_then(|i| i.lead_department_id);
    Ok(
        match trust::signoff_verdict(conn, &signoff, lead.as_deref(), policy)? {
            SignatureVerdict::Invalid { code, .. } if code == trust::ROSTER_VERSION_MISSING => {
                refuse(
                    KeptAsideReason::UnknownReference,
                    format!(
                        "the sign-off names a roster version not on this PC yet ({})",
                        signoff.id
                    ),
                )
            }
            SignatureVerdict::Invalid { code, message } => refuse(
                KeptAsideReason::SignatureInvalid,
                format!("{message} ({code})"),
            ),
            _ => None,
        },
    )
}
