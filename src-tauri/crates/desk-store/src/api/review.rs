//! Review: checklists, workflow actions, sign-off records, templates, masking, progress and the
//! catalog-wide log.

use crate::catalog::{audit, items, registry, review};
use crate::error::{Result, StoreError};
use crate::Catalog;
use chrono::NaiveDate;
use desk_core::checklist::{CheckState, ChecklistTemplate};
use desk_core::due::DueInfo;
use desk_core::model::Item;
use desk_core::pii::PiiHit;
use desk_core::query::{AuditPage, AuditQuery, DepartmentProgress};
use desk_core::review::{ActionState, ItemReview};
use desk_core::signoff::Signoff;
use desk_core::workflow::{self, Action, Policy};

impl Catalog {
    pub(crate) fn policy(&self) -> Policy {
        Policy {
            office_signs: self.settings.office_signs,
        }
    }

    pub fn due_info(&self, item: &Item, today: NaiveDate) -> Result<DueInfo> {
        let ancestry = registry::category_ancestry(&self.conn, item.category_id.as_deref())?;
        Ok(desk_core::due::due_info(
            item,
            &self.settings,
            &ancestry,
            &self.calendar,
            today,
        ))
    }

    /// The item's checklist, due date, sign-offs and the actions the current person may take.
    pub fn item_review(&self, id: &str, today: NaiveDate) -> Result<ItemReview> {
        let item = self.item(id)?;
        let store = self.attachment_store();
        // The section head sees what the sign-off will check: every attachment re-read.
        let verify = item.status == desk_core::model::Status::AwaitingSignoff;
        let checklist = review::checklist(&self.conn, &item, &store, verify)?;
        let person = self.current_person()?;
        let subject = review::subject(&item, &checklist);
        let actor = review::actor(person.as_ref());
        let signing_required =
            self.office_fingerprint()?.is_some() || crate::catalog::trust::any_roster(&self.conn)?;
        // Where signing is set up, the roster says who may sign, not the registry on this PC.
        // The roster is opened (its office signature checked) once for the whole review.
        let roster = if signing_required {
            self.roster()?
        } else {
            None
        };
        let roster_signer = if signing_required {
            Some(
                self.roster_signer(roster.as_ref())?
                    .map_err(|why| (why.code().to_string(), why.to_string())),
            )
        } else {
            None
        };
        let refusal = |e: workflow::WorkflowError| (e.code().to_string(), e.to_string());
        let own_roles: &[desk_core::model::Role] = person.as_ref().map_or(&[], |p| &p.roles);
        let actions = workflow::available(&subject, actor.as_ref(), self.policy())
            .into_iter()
            .map(|(action, verdict)| {
                let verdict = match (&roster_signer, action) {
                    (Some(Ok(signer)), Action::SignOff) => workflow::decide(
                        &subject,
                        review::actor(Some(signer)).as_ref(),
                        action,
                        "",
                        self.policy(),
                    )
                    .map(|t| t.to)
                    .map_err(refusal),
                    (Some(Err(why)), Action::SignOff) if verdict.is_ok() => Err(why.clone()),
                    _ => verdict.map_err(refusal),
                };
                ActionState {
                    action,
                    allowed: verdict.is_ok(),
                    to: verdict.as_ref().ok().copied(),
                    refusal_code: verdict.as_ref().err().map(|e| e.0.clone()),
                    refusal: verdict.as_ref().err().map(|e| e.1.clone()),
                    asks_text: action.needs_reason() || action == Action::MarkPublished,
                    own_work: action.is_own_work(own_roles),
                }
            })
            .collect();
        let signoffs = review::signoffs(&self.conn, id)?;
        let verdicts = signoffs
            .iter()
            .map(|s| self.signature_verdict(s))
            .collect::<Result<Vec<_>>>()?;
        let content_hash = desk_core::signoff::content_hash(&item, &checklist.checks);
        let signoff_matches = signoffs
            .first()
            .map(|s| desk_core::signoff::record_matches(s, &item, &checklist.checks));
        Ok(ItemReview {
            item_id: item.id.clone(),
            status: item.status,
            due: self.due_info(&item, today)?,
            checklist,
            signoffs,
            content_hash,
            signoff_matches,
            actions,
            verdicts,
            signing_required,
            signers: self.signers_of(&item, signing_required, roster.as_ref())?,
            office_key_here: self.office_key_here()?,
        })
    }

    /// Passes, in one change, every check of the item's checklist still pending that no
    /// automatic rule finds a problem with (see `checklist::passable_in_bulk`); each is recorded
    /// with who and when, as one by one. Returns the keys passed.
    pub fn pass_pending_checks(&mut self, id: &str) -> Result<Vec<String>> {
        let store = self.attachment_store();
        self.change(|tx, recorder, _, _| {
            let item = crate::catalog::items::load(tx, id)?;
            let current = review::checklist(tx, &item, &store, false)?;
            let keys: Vec<String> = desk_core::checklist::passable_in_bulk(&current.checks)
                .into_iter()
                .map(|c| c.def.key.clone())
                .collect();
            for key in &keys {
                review::mark_check_in(tx, recorder, &store, id, key, CheckState::Passed, "")?;
            }
            Ok(keys)
        })
    }

    /// Marks one check of an item's checklist (as the current person).
    pub fn mark_check(&mut self, id: &str, key: &str, state: CheckState, note: &str) -> Result<()> {
        let store = self.attachment_store();
        self.change(|tx, recorder, _, _| {
            review::mark_check_in(tx, recorder, &store, id, key, state, note)
        })
    }

    /// Who may sign `item` off: people the roster enrols with a valid key and a role for its
    /// lead department where signing is set up, else people the registry gives such a role.
    fn signers_of(
        &self,
        item: &Item,
        signing_required: bool,
        roster: Option<&desk_trust::roster::Roster>,
    ) -> Result<Vec<String>> {
        let lead = item.lead_department_id.as_deref();
        let policy = self.policy();
        if signing_required {
            let now = crate::clock::now_text();
            return Ok(roster
                .map(|roster| {
                    roster
                        .people
                        .iter()
                        .filter(|p| p.keys.iter().any(|k| k.valid_at(&now)))
                        .filter(|p| {
                            roster
                                .actor(&p.person_id)
                                .is_some_and(|a| workflow::can_sign(&a, lead, policy))
                        })
                        .map(|p| p.name.clone())
                        .collect()
                })
                .unwrap_or_default());
        }
        Ok(self
            .people()?
            .into_iter()
            .filter(|p| {
                review::actor(Some(p)).is_some_and(|a| workflow::can_sign(&a, lead, policy))
            })
            .map(|p| p.name)
            .collect())
    }

    /// Takes a workflow action as the current person; `text` is the reason or the address.
    pub fn act(&mut self, id: &str, action: Action, text: &str) -> Result<Item> {
        // Signing set up anywhere in the office (a roster arrived) is enough: a plain sign-off
        // would be refused by every PC that pinned the office key.
        if action == Action::SignOff && self.signing_required()? {
            return Err(StoreError::TrustStep {
                code: "signing_required",
                message: "signing is set up for this catalog: a sign-off is made with your personal key and its password".into(),
            });
        }
        let store = self.attachment_store();
        let person = self.current_person()?;
        let policy = self.policy();
        let device_id = self.device_id.clone();
        self.change(|tx, recorder, _, _| {
            review::act_in(
                tx,
                recorder,
                &store,
                policy,
                person.as_ref(),
                &device_id,
                id,
                action,
                text,
                None,
            )
        })
    }

    /// Moves the item's checklist to the newest template for its category.
    pub fn upgrade_checklist(&mut self, id: &str) -> Result<()> {
        self.change(|tx, recorder, _, _| {
            let mut item = items::load(tx, id)?;
            review::upgrade_checklist_in(tx, recorder, &mut item)
        })
    }

    pub fn signoffs(&self, id: &str) -> Result<Vec<Signoff>> {
        review::signoffs(&self.conn, id)
    }

    /// The newest version of every checklist template.
    pub fn templates(&self) -> Result<Vec<ChecklistTemplate>> {
        review::latest_templates(&self.conn)
    }

    pub fn template_versions(&self, id: &str) -> Result<Vec<ChecklistTemplate>> {
        review::template_versions(&self.conn, id)
    }

    /// Saves a template as a new version; items keep the version they are worked under.
    pub fn save_template(&mut self, template: ChecklistTemplate) -> Result<ChecklistTemplate> {
        self.change(|tx, recorder, _, _| review::save_template_in(tx, recorder, template))
    }

    /// Replaces the personal numbers found in the item's text with their masked forms.
    pub fn apply_masks(&mut self, id: &str, hits: &[PiiHit]) -> Result<Item> {
        let item = desk_core::pii::mask_item(&self.item(id)?, hits)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        self.save_item(item)
    }

    /// Per department: items in each status, overdue, due within the week.
    pub fn department_progress(&self, today: NaiveDate) -> Result<Vec<DepartmentProgress>> {
        audit::department_progress(&self.conn, today)
    }

    /// The catalog-wide log, newest first, filtered by person and dates.
    pub fn audit_log(&self, query: &AuditQuery) -> Result<AuditPage> {
        audit::audit_log(&self.conn, query)
    }

    /// Every entry the query matches (all pages) as CSV.
    pub fn audit_csv(&self, query: &AuditQuery) -> Result<String> {
        audit::audit_csv(&self.conn, query)
    }
}
