//! The review workflow (DESIGN 2.4) as a state machine.
//!
//! Draft → in review → awaiting sign-off → signed off → exported → published; or withdrawn; or
//! not disclosed. [`decide`] is the only place that says whether an action may happen, so the
//! app, the CLI and sync all refuse the same things with the same reasons. A change to signed
//! content after sign-off is not an action a person takes: [`after_content_change`] says which
//! changes do it and [`void_signoff`] is the one way the item returns to review (a save, a check
//! mark and an edit arriving by sync alike).

use crate::fields::ItemField;
use crate::model::{Disclosure, Item, Role, Status};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Draft → in review.
    Submit,
    /// In review → awaiting sign-off, once every required check is passed or not applicable.
    RequestSignoff,
    /// Awaiting sign-off → signed off, by a section head of the lead department (or the office).
    SignOff,
    /// Awaiting sign-off → in review, or in review → draft, with a reason.
    SendBack,
    /// Any state but withdrawn → withdrawn, with a reason.
    Withdraw,
    /// Withdrawn or not disclosed → draft.
    Reopen,
    /// Draft, in review or awaiting sign-off → not disclosed, with a reason.
    DecideNotDisclose,
    /// Signed off → exported (the export for the web team does this).
    MarkExported,
    /// Signed off or exported → published, with the address it was published at.
    MarkPublished,
}

impl Action {
    pub const ALL: [Action; 9] = [
        Action::Submit,
        Action::RequestSignoff,
        Action::SignOff,
        Action::SendBack,
        Action::Withdraw,
        Action::Reopen,
        Action::DecideNotDisclose,
        Action::MarkExported,
        Action::MarkPublished,
    ];

    pub fn key(self) -> &'static str {
        match self {
            Action::Submit => "submit",
            Action::RequestSignoff => "request_signoff",
            Action::SignOff => "sign_off",
            Action::SendBack => "send_back",
            Action::Withdraw => "withdraw",
            Action::Reopen => "reopen",
            Action::DecideNotDisclose => "decide_not_disclose",
            Action::MarkExported => "mark_exported",
            Action::MarkPublished => "mark_published",
        }
    }

    pub fn parse(key: &str) -> Option<Action> {
        let key = key.trim().replace('-', "_");
        Action::ALL.into_iter().find(|a| a.key() == key)
    }

    pub fn needs_reason(self) -> bool {
        matches!(
            self,
            Action::SendBack | Action::Withdraw | Action::DecideNotDisclose
        )
    }

    /// The roles whose daily work this action is (先审查、后公开；谁公开、谁负责): a clerk
    /// submits, a section head signs off or sends back, the office exports, withdraws and
    /// decides, the web team records where it was published. Others may be allowed it too, but
    /// it is not what they came to do, so the screen offers it after their own.
    pub fn belongs_to(self) -> &'static [Role] {
        use Role::*;
        match self {
            Action::Submit | Action::RequestSignoff => &[Clerk, Coordinator],
            Action::SignOff | Action::SendBack => &[SectionHead, Coordinator],
            Action::DecideNotDisclose => &[SectionHead, Coordinator],
            Action::Withdraw | Action::Reopen | Action::MarkExported => &[Coordinator],
            Action::MarkPublished => &[WebTeam, Coordinator],
        }
    }

    /// Whether a person with `roles` does this action as part of their own work; a person with
    /// no role yet is treated as a clerk.
    pub fn is_own_work(self, roles: &[Role]) -> bool {
        let roles: &[Role] = if roles.is_empty() {
            &[Role::Clerk]
        } else {
            roles
        };
        self.belongs_to().iter().any(|role| roles.contains(role))
    }
}

/// Who acts: the current person of this PC.
#[derive(Debug, Clone, Copy)]
pub struct Actor<'a> {
    pub person_id: &'a str,
    pub department_id: Option<&'a str>,
    pub roles: &'a [Role],
}

/// What the workflow needs to know about the item.
#[derive(Debug, Clone)]
pub struct Subject<'a> {
    pub status: Status,
    pub disclosure: Disclosure,
    pub lead_department_id: Option<&'a str>,
    pub reviewer_id: Option<&'a str>,
    /// Labels of the required checks not yet passed or not applicable.
    pub blocking_checks: Vec<String>,
}

/// Catalog-wide rules of the workflow.
#[derive(Debug, Clone, Copy, Default)]
pub struct Policy {
    /// Whether the office coordinator may sign off items of any department.
    pub office_signs: bool,
}

/// A transition that may happen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Transition {
    pub from: Status,
    pub to: Status,
    /// Goes into the item's `status_note` (the written reason, or empty).
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WorkflowError {
    #[error("this cannot be done ({}) to an item that is {} ({})", action.key(), crate::fields::status_label_zh(*from), serde_json::to_value(from).ok().and_then(|v| v.as_str().map(String::from)).unwrap_or_default())]
    NotFrom { action: Action, from: Status },
    #[error("write a reason: sending back, withdrawing and not disclosing each need one")]
    ReasonRequired,
    #[error("required checks are not passed yet: {}", checks.join("、"))]
    ChecksBlocking { checks: Vec<String> },
    #[error("choose who you are first (a person with a role): actions are recorded under a name")]
    NoPerson,
    #[error("only a section head of the item's lead department can do this{}", if *office_signs { " (or the disclosure office)" } else { "" })]
    NotEntitled { office_signs: bool },
    #[error("the item has no lead department: set 牵头部门 so that someone can sign it off")]
    NoLeadDepartment,
    #[error("only 主动公开 and 删减后公开 items are exported and published")]
    NotProactive,
    #[error("set 公开属性 to 不予公开 or 依申请公开 with its legal reason first (a 删减后公开 item is published)")]
    DisclosureStillProactive,
    #[error("give the address it was published at, starting with http:// or https://")]
    UrlRequired,
}

impl WorkflowError {
    pub fn code(&self) -> &'static str {
        match self {
            WorkflowError::NotFrom { .. } => "workflow_not_from_status",
            WorkflowError::ReasonRequired => "workflow_reason_required",
            WorkflowError::ChecksBlocking { .. } => "workflow_checks_blocking",
            WorkflowError::NoPerson => "workflow_no_person",
            WorkflowError::NotEntitled { .. } => "workflow_not_entitled",
            WorkflowError::NoLeadDepartment => "workflow_no_lead_department",
            WorkflowError::NotProactive => "workflow_not_proactive",
            WorkflowError::DisclosureStillProactive => "workflow_disclosure_proactive",
            WorkflowError::UrlRequired => "workflow_url_required",
        }
    }
}

/// Whether `actor` may sign off an item of `lead_department`.
pub fn can_sign(actor: &Actor, lead_department: Option<&str>, policy: Policy) -> bool {
    let head_of_lead = actor.roles.contains(&Role::SectionHead)
        && lead_department.is_some()
        && actor.department_id == lead_department;
    head_of_lead || (policy.office_signs && actor.roles.contains(&Role::Coordinator))
}

/// Says whether `action` may happen to `subject` now, by `actor`, and to which state.
/// `text` is the written reason (or, for [`Action::MarkPublished`], the address).
pub fn decide(
    subject: &Subject,
    actor: Option<&Actor>,
    action: Action,
    text: &str,
    policy: Policy,
) -> Result<Transition, WorkflowError> {
    use Status::*;
    let from = subject.status;
    let text = text.trim();
    let not_from = || WorkflowError::NotFrom { action, from };
    let to = match (action, from) {
        (Action::Submit, Draft) => InReview,
        (Action::RequestSignoff, InReview) => {
            if subject.lead_department_id.is_none() {
                return Err(WorkflowError::NoLeadDepartment);
            }
            AwaitingSignoff
        }
        (Action::SignOff, AwaitingSignoff) => {
            let actor = actor.ok_or(WorkflowError::NoPerson)?;
            if subject.lead_department_id.is_none() {
                return Err(WorkflowError::NoLeadDepartment);
            }
            if !can_sign(actor, subject.lead_department_id, policy) {
                return Err(WorkflowError::NotEntitled {
                    office_signs: policy.office_signs,
                });
            }
            SignedOff
        }
        (Action::SendBack, AwaitingSignoff) => {
            // Sending back from sign-off is the signer's (or the reviewer's) call.
            let actor = actor.ok_or(WorkflowError::NoPerson)?;
            let is_reviewer = subject.reviewer_id == Some(actor.person_id);
            if !is_reviewer && !can_sign(actor, subject.lead_department_id, policy) {
                return Err(WorkflowError::NotEntitled {
                    office_signs: policy.office_signs,
                });
            }
            InReview
        }
        (Action::SendBack, InReview) => Draft,
        (Action::Withdraw, Withdrawn) => return Err(not_from()),
        (Action::Withdraw, _) => Withdrawn,
        (Action::Reopen, Withdrawn | NotDisclosed) => Draft,
        (Action::DecideNotDisclose, Draft | InReview | AwaitingSignoff) => {
            if subject.disclosure.goes_out() {
                return Err(WorkflowError::DisclosureStillProactive);
            }
            NotDisclosed
        }
        (Action::MarkExported, SignedOff) => {
            if !subject.disclosure.goes_out() {
                return Err(WorkflowError::NotProactive);
            }
            Exported
        }
        (Action::MarkPublished, SignedOff | Exported) => {
            if !subject.disclosure.goes_out() {
                return Err(WorkflowError::NotProactive);
            }
            let well_formed = (text.starts_with("https://") || text.starts_with("http://"))
                && crate::checklist::malformed_urls(text).is_empty()
                && !text.contains(char::is_whitespace);
            if !well_formed {
                return Err(WorkflowError::UrlRequired);
            }
            Published
        }
        _ => return Err(not_from()),
    };
    if action.needs_reason() && text.is_empty() {
        return Err(WorkflowError::ReasonRequired);
    }
    // The gate: nothing reaches sign-off, or is signed off, with a required check open.
    if matches!(action, Action::RequestSignoff | Action::SignOff)
        && !subject.blocking_checks.is_empty()
    {
        return Err(WorkflowError::ChecksBlocking {
            checks: subject.blocking_checks.clone(),
        });
    }
    let note = if action.needs_reason() {
        text.to_string()
    } else {
        String::new()
    };
    Ok(Transition { from, to, note })
}

/// How an item's status may move from one state to another.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Move {
    /// A person's action.
    Action(Action),
    /// The return to review when signed content changed ([`void_signoff`]).
    Void,
}

/// What could have taken an item from `from` to `to`, judged on the two states alone: a status
/// change that arrives from another PC must be one the workflow makes, whatever the rest of
/// the item says here. Who took it, and the sign-off behind it, are checked by the caller.
pub fn possible_move(from: Status, to: Status) -> Option<Move> {
    const ANYONE: Actor<'static> = Actor {
        person_id: "",
        department_id: Some(""),
        roles: &[Role::SectionHead, Role::Coordinator],
    };
    let action = Action::ALL.into_iter().find(|&action| {
        let disclosure = if action == Action::DecideNotDisclose {
            Disclosure::OnRequest
        } else {
            Disclosure::Proactive
        };
        let subject = Subject {
            status: from,
            disclosure,
            lead_department_id: Some(""),
            reviewer_id: Some(""),
            blocking_checks: Vec::new(),
        };
        let text = match action {
            Action::MarkPublished => "https://www.gov.cn/",
            _ => "-",
        };
        let policy = Policy { office_signs: true };
        decide(&subject, Some(&ANYONE), action, text, policy).is_ok_and(|t| t.to == to)
    });
    match action {
        Some(action) => Some(Move::Action(action)),
        None if from.is_signed() && to == Status::InReview => Some(Move::Void),
        None => None,
    }
}

/// Every action with whether it may happen now, for the buttons of the item screen.
pub fn available(
    subject: &Subject,
    actor: Option<&Actor>,
    policy: Policy,
) -> Vec<(Action, Result<Status, WorkflowError>)> {
    Action::ALL
        .into_iter()
        .map(|action| {
            // Reasons and addresses are asked for when the button is pressed.
            let placeholder = match action {
                Action::MarkPublished => "https://www.gov.cn/",
                _ if action.needs_reason() => "-",
                _ => "",
            };
            (
                action,
                decide(subject, actor, action, placeholder, policy).map(|t| t.to),
            )
        })
        .collect()
}

/// When signed content changes on a signed-off, exported or published item, the sign-off no
/// longer covers what would go out: the item returns to review, naming the changed fields.
/// Returns the fields that voided the sign-off, or nothing when it stands.
pub fn after_content_change(status: Status, changed: &[ItemField]) -> Option<Vec<ItemField>> {
    if !status.is_signed() {
        return None;
    }
    let signed: Vec<ItemField> = changed
        .iter()
        .copied()
        .filter(|f| f.is_signed_content())
        .collect();
    (!signed.is_empty()).then_some(signed)
}

/// The void edge: a signed item whose signed content changed returns to review, its status note
/// cleared and the changed fields (or [`CHECKLIST_FIELD`]) named. Returns false, changing
/// nothing, when the item holds no sign-off to void.
pub fn void_signoff(item: &mut Item, mut changed: Vec<String>) -> bool {
    if !item.status.is_signed() {
        return false;
    }
    changed.dedup();
    item.status = Status::InReview;
    item.status_note.clear();
    item.changed_after_signoff = changed;
    true
}

/// The pseudo-field name used when a checklist mark voids a sign-off.
pub const CHECKLIST_FIELD: &str = "checklist";

/// The pseudo-field name used when a sign-off is voided because its signature does not check
/// (found when this PC pinned the office key).
pub const SIGNATURE_FIELD: &str = "signature";

#[cfg(test)]
mod tests;
