//! What the item screen shows of an item's review: its checklist, due date, sign-offs and the
//! actions the current person may take now.

use crate::checklist::ItemChecklist;
use crate::due::DueInfo;
use crate::model::Status;
use crate::signoff::Signoff;
use crate::workflow::Action;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemReview {
    pub item_id: String,
    pub status: Status,
    pub checklist: ItemChecklist,
    pub due: DueInfo,
    /// Newest first. Records are never edited; a later change makes them stop matching.
    pub signoffs: Vec<Signoff>,
    /// The hash of what a sign-off would cover now.
    pub content_hash: String,
    /// Whether the newest sign-off covers the item as it is now (`None` when never signed).
    pub signoff_matches: Option<bool>,
    pub actions: Vec<ActionState>,
    /// What this PC makes of each sign-off's signature, in the order of `signoffs`.
    pub verdicts: Vec<crate::signoff::SignatureVerdict>,
    /// Signing is set up in the office: signing off asks for the signer's password.
    pub signing_required: bool,
    /// The names of those who may sign the item off now (the roster's, where signing is set
    /// up): who receives it at 待签批. Empty when nobody may, which the screen says.
    pub signers: Vec<String>,
    /// The office key is on this PC (the coordinator's): it may accept, signed with that key, a
    /// sign-off made before signing was set up.
    pub office_key_here: bool,
}

/// One workflow button: whether it may be pressed now, and if not, why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ActionState {
    pub action: Action,
    pub allowed: bool,
    /// Where the item would go.
    pub to: Option<Status>,
    /// The refusal's code and message when not allowed.
    pub refusal_code: Option<String>,
    pub refusal: Option<String>,
    /// Whether pressing it asks for a written reason (or, to publish, the address).
    pub asks_text: bool,
    /// Whether it is the current person's own work by their roles (`Action::is_own_work`):
    /// those come first, the rest after them.
    pub own_work: bool,
}
