//! A 索引号 held by two items after sync, settled by one rule every PC computes alike.
//!
//! Why numbers can meet at all: there is no server, and PCs number items while offline, so two
//! PCs that have not seen each other's items hand out the same next serial under the office's
//! rule (`{org}-{cat}-{year}-{seq:4}`). A per-PC block of serials or a per-PC part in the number
//! would avoid that, but the rule is the office's own official format (no room for a PC's
//! mark), blocks need a number of PCs agreed in advance (no server to agree it) and leave large
//! gaps in official numbers. So a number handed out is a claim, and a claim that meets another
//! is settled here, when the other item arrives:
//!
//! - the item whose number was given first keeps it: the operation that gave the item its
//!   current number (the winner of its `index_no` register, or its creation when the field was
//!   never edited), by clock, then device id, then item id;
//! - every other holder is renumbered by the PC that gave it the number, and only by that PC,
//!   (or that left that id behind when it was cloned or restored), as its own ordinary
//!   operation: two PCs never renumber one item differently (two clones of one disk both
//!   answer for their old id; their two numbers are then an ordinary conflict, each number
//!   free), and a losing claim stays losing whatever arrives later, so no renumbering is
//!   ever undone;
//! - until then the duplicate is listed ([`duplicates`]) with the PC that will renumber it;
//!   when that PC is gone, a person gives the item another number on any PC.
//!
//! What must never happen here: a save or an apply refused because of a duplicate, or two PCs
//! renumbering the same item.

use super::context::ApplyContext;
use super::SYNC_AUTHOR;
use crate::catalog::save::renumber_in;
use crate::db::meta::meta_get;
use crate::error::Result;
use crate::oplog::heads::{load_heads, parse_clock};
use crate::oplog::Recorder;
use desk_core::hlc::Hlc;
use desk_core::index_rule::IndexRule;
use desk_core::merge;
use desk_core::ops::EntityKind;
use desk_core::sync::{DuplicateIndexNo, PendingRenumber};
use rusqlite::{params, Connection, OptionalExtension, Transaction};

/// The operation that gave an item its current number: its rank decides who keeps a number.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Claim {
    clock: Hlc,
    device_id: String,
    item_id: String,
}

/// An item holding a number another item holds too.
struct Holder {
    item_id: String,
    title: String,
    /// `None` when nothing records who numbered it (an operation log pruned by hand): such an
    /// item never keeps the number and only a person renumbers it.
    claim: Option<Claim>,
}

fn claim_of(conn: &Connection, item_id: &str) -> Result<Option<Claim>> {
    let heads = load_heads(conn, EntityKind::Item, item_id, "index_no", "")?;
    if let Some(state) = merge::register_state(&heads) {
        return Ok(Some(Claim {
            clock: state.winner.clock,
            device_id: state.winner.device_id.clone(),
            item_id: item_id.to_string(),
        }));
    }
    let created: Option<(String, String)> = conn
        .prepare_cached(
            "SELECT clock, device_id FROM ops WHERE entity = 'item' AND entity_id = ?1 AND kind = 'create' ORDER BY clock, device_id LIMIT 1",
        )?
        .query_row(params![item_id], |r| Ok((r.get(0)?, r.get(1)?)))
        .optional()?;
    created
        .map(|(clock, device_id)| {
            Ok(Claim {
                clock: parse_clock(&clock)?,
                device_id,
                item_id: item_id.to_string(),
            })
        })
        .transpose()
}

/// Every number held by more than one item, its holders first-claim first. One pass over the
/// items' 索引号 index, then one lookup per holder.
fn holder_groups(conn: &Connection) -> Result<Vec<(String, Vec<Holder>)>> {
    let rows: Vec<(String, String, String)> = {
        let mut stmt = conn.prepare_cached(
            "SELECT index_no, id, title FROM items WHERE index_no IN
               (SELECT index_no FROM items WHERE index_no <> '' GROUP BY index_no HAVING count(*) > 1)
             ORDER BY index_no, id",
        )?;
        let mapped = stmt.query_map([], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?;
        mapped.collect::<rusqlite::Result<_>>()?
    };
    let mut groups: Vec<(String, Vec<Holder>)> = Vec::new();
    for (index_no, item_id, title) in rows {
        let holder = Holder {
            claim: claim_of(conn, &item_id)?,
            item_id,
            title,
        };
        match groups.last_mut() {
            Some((number, holders)) if *number == index_no => holders.push(holder),
            _ => groups.push((index_no, vec![holder])),
        }
    }
    for (_, holders) in &mut groups {
        // Claims first, by rank; holders without one after them, by id.
        holders.sort_by(|a, b| match (&a.claim, &b.claim) {
            (Some(x), Some(y)) => x.cmp(y),
            (Some(_), None) => std::cmp::Ordering::Less,
            (None, Some(_)) => std::cmp::Ordering::Greater,
            (None, None) => a.item_id.cmp(&b.item_id),
        });
    }
    Ok(groups)
}

/// Renumbers, as this PC's operations, every item that lost its number and that this PC had
/// numbered. Returns how many were renumbered. Called when a batch of other PCs' operations
/// ends, inside its transaction (the holders are then written).
pub(crate) fn settle_duplicates(tx: &Transaction, ctx: &ApplyContext) -> Result<u32> {
    if let Err(e) = IndexRule::parse(&ctx.settings.index_rule) {
        // A rule this version cannot read (it came from another PC): the duplicates stay
        // listed until the rule is fixed, and the batch still applies.
        log::warn!("duplicate 索引号 left as they are: the 索引号 rule does not read ({e})");
        return Ok(0);
    }
    // A PC also answers for the ids it left behind (cloned or restored): no other PC will.
    let mut own: Vec<String> = meta_get(tx, "sync:previous_device_ids")?
        .and_then(|s| serde_json::from_str(&s).ok())
        .unwrap_or_default();
    own.push(ctx.device_id.to_string());
    let mut mine = Vec::new();
    for (_, holders) in holder_groups(tx)? {
        let Some((keeper, others)) = holders.split_first() else {
            continue;
        };
        if keeper.claim.is_none() {
            continue;
        }
        for holder in others {
            if holder
                .claim
                .as_ref()
                .is_some_and(|c| own.contains(&c.device_id))
            {
                mine.push(holder.item_id.clone());
            }
        }
    }
    if mine.is_empty() {
        return Ok(0);
    }
    let mut recorder = Recorder::begin(tx, ctx.device_id, SYNC_AUTHOR)?;
    let mut renumbered = 0;
    for id in &mine {
        if renumber_in(tx, &mut recorder, ctx.settings, ctx.calendar, id)?.is_some() {
            renumbered += 1;
        }
    }
    recorder.finish(tx)?;
    Ok(renumbered)
}

/// Every 索引号 more than one item holds, with the item that keeps it and the PC that will
/// renumber each other holder (what the person sees while a duplicate is unsettled).
pub(crate) fn duplicates(conn: &Connection) -> Result<Vec<DuplicateIndexNo>> {
    let mut out = Vec::new();
    for (index_no, holders) in holder_groups(conn)? {
        let mut holders = holders.into_iter();
        let Some(keeper) = holders.next() else {
            continue;
        };
        let keeps = keeper.claim.is_some();
        let mut pending: Vec<PendingRenumber> = holders
            .map(|h| PendingRenumber {
                item_id: h.item_id,
                title: h.title,
                device_id: h.claim.map(|c| c.device_id),
            })
            .collect();
        let kept_by = if keeps {
            Some(keeper.item_id)
        } else {
            pending.insert(
                0,
                PendingRenumber {
                    item_id: keeper.item_id,
                    title: keeper.title,
                    device_id: None,
                },
            );
            None
        };
        out.push(DuplicateIndexNo {
            index_no,
            kept_by,
            to_renumber: pending,
        });
    }
    Ok(out)
}
