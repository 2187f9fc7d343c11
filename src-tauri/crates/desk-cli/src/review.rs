//! An item's review: its checklist, the workflow's actions, the due date, sign-offs, personal
//! data and attachments.

use crate::text::{field_text, pad, short, state_text, status_text, CheckLabels, Registry};
use crate::{fail, open, print_json, today, Cli, Failure, Outcome};
use clap::Subcommand;
use desk_core::checklist::{CheckState, CheckView, Finding, ItemChecklist};
use desk_core::due::DueInfo;
use desk_core::model::{Attachment, Item, Status};
use desk_core::pii::PiiHit;
use desk_core::plan_import::fold_name;
use desk_core::review::ItemReview;
use desk_core::workflow::Action;
use desk_store::Catalog;
use serde_json::Value;
use std::path::Path;

#[derive(Subcommand)]
pub(crate) enum CheckCommand {
    /// Every check: group, key, label, state, who marked it, what the rules found.
    List { item: String },
    /// Mark one check: desk check set ITEM KEY pass|fail|na|pending [--note TEXT]
    Set {
        item: String,
        /// The check's key or label.
        key: String,
        /// pass, fail, na, pending (通过, 不通过, 不适用, 待查).
        state: String,
        /// Why it failed or does not apply (required then).
        #[arg(long, default_value = "", hide_default_value = true)]
        note: String,
    },
    /// Move the item's checklist to the newest template for its category.
    Upgrade { item: String },
}

/// `desk check`: the checklist commands.
pub(crate) fn check(cli: &Cli, command: &CheckCommand) -> Outcome {
    match command {
        CheckCommand::List { item } => check_list(cli, item),
        CheckCommand::Set {
            item,
            key,
            state,
            note,
        } => check_set(cli, item, key, state, note),
        CheckCommand::Upgrade { item } => check_upgrade(cli, item),
    }
}

fn to_value<T: serde::Serialize>(value: &T) -> Result<Value, Failure> {
    serde_json::to_value(value).map_err(|e| fail("internal", e.to_string()))
}

/// A check as JSON, each finding with its English `message` beside its `code`.
fn check_value(view: &CheckView) -> Result<Value, Failure> {
    let mut value = to_value(view)?;
    if let Some(findings) = value.get_mut("findings").and_then(Value::as_array_mut) {
        for (finding, shown) in view.findings.iter().zip(findings.iter_mut()) {
            if let Some(object) = shown.as_object_mut() {
                object.insert("message".into(), Value::String(finding.message()));
            }
        }
    }
    Ok(value)
}

pub fn checklist_value(checklist: &ItemChecklist) -> Result<Value, Failure> {
    let mut value = to_value(checklist)?;
    let checks = checklist
        .checks
        .iter()
        .map(check_value)
        .collect::<Result<Vec<_>, _>>()?;
    if let Some(object) = value.as_object_mut() {
        object.insert("checks".into(), Value::Array(checks));
    }
    Ok(value)
}

fn review_value(review: &ItemReview) -> Result<Value, Failure> {
    let mut value = to_value(review)?;
    if let Some(object) = value.as_object_mut() {
        object.insert("checklist".into(), checklist_value(&review.checklist)?);
    }
    Ok(value)
}

pub fn check_labels(checklist: &ItemChecklist) -> CheckLabels {
    checklist
        .checks
        .iter()
        .map(|c| (c.def.key.clone(), c.def.label.clone()))
        .collect()
}

fn marker(state: CheckState) -> &'static str {
    match state {
        CheckState::Passed => "[x]",
        CheckState::Failed => "[!]",
        CheckState::NotApplicable => "[-]",
        CheckState::Pending => "[ ]",
    }
}

fn print_checklist(item: &Item, checklist: &ItemChecklist, registry: &Registry) {
    let item_id = item.id.as_str();
    outln!(
        "{} ({}) v{}",
        checklist.template_name,
        checklist.template_id,
        checklist.template_version
    );
    if let Some(newer) = &checklist.upgrade_to {
        outln!(
            "  a newer template applies: {} v{} (desk check upgrade {item_id})",
            newer.name,
            newer.version
        );
    }
    let key_width = checklist
        .checks
        .iter()
        .map(|c| c.def.key.len())
        .max()
        .unwrap_or(0);
    let mut group: Option<&str> = None;
    for check in &checklist.checks {
        if group != Some(check.def.group.as_str()) {
            group = Some(check.def.group.as_str());
            outln!(
                "{}",
                if check.def.group.is_empty() {
                    "—"
                } else {
                    &check.def.group
                }
            );
        }
        let mut flags = Vec::new();
        if check.def.required {
            flags.push("required");
        }
        if check.def.rule.is_automatic() {
            flags.push("automatic");
        }
        outln!(
            "  {} {}  {}  {}  [{}]",
            marker(check.state),
            pad(&check.def.key, key_width),
            check.def.label,
            state_text(check.state),
            flags.join(", ")
        );
        if let Some(mark) = &check.mark {
            let note = if mark.note.is_empty() {
                String::new()
            } else {
                format!(": {}", mark.note)
            };
            outln!(
                "      marked {} by {} at {}{note}",
                state_text(mark.state),
                registry.person_name(&mark.by),
                mark.at
            );
        }
        for finding in &check.findings {
            outln!("      ! {}", finding.message());
        }
    }
    let blocking = checklist.signoff_blockers(item.disclosure);
    if blocking.is_empty() {
        outln!("no required check is open");
    } else {
        outln!(
            "{} required check(s) open: {}",
            blocking.len(),
            blocking.join("、")
        );
    }
}

pub fn check_list(cli: &Cli, item: &str) -> Outcome {
    let catalog = open(cli)?;
    let review = catalog.item_review(item, today())?;
    if cli.json {
        return print_json(&checklist_value(&review.checklist)?);
    }
    let registry = Registry::load(&catalog)?;
    print_checklist(&catalog.item(item)?, &review.checklist, &registry);
    Ok(())
}

/// The check a person means: its key, or its label in either script.
fn check_key(checklist: &ItemChecklist, item: &str, typed: &str) -> Result<String, Failure> {
    let typed = typed.trim();
    if let Some(check) = checklist.checks.iter().find(|c| c.def.key == typed) {
        return Ok(check.def.key.clone());
    }
    let wanted = fold_name(typed);
    let by_label: Vec<&CheckView> = checklist
        .checks
        .iter()
        .filter(|c| fold_name(&c.def.label) == wanted || fold_name(&c.def.key) == wanted)
        .collect();
    if let [one] = by_label.as_slice() {
        return Ok(one.def.key.clone());
    }
    let keys: Vec<&str> = checklist
        .checks
        .iter()
        .map(|c| c.def.key.as_str())
        .collect();
    Err(fail(
        "check_unknown",
        format!(
            "the checklist has no check \"{typed}\": use one of {} (see desk check list {item})",
            keys.join(", ")
        ),
    ))
}

pub fn check_set(cli: &Cli, item: &str, key: &str, state: &str, note: &str) -> Outcome {
    let state = CheckState::parse(state).ok_or_else(|| {
        fail(
            "invalid_argument",
            format!("{state} is not a check state: use pass, fail, na or pending (通过, 不通过, 不适用, 待查)"),
        )
    })?;
    let mut catalog = open(cli)?;
    let before = catalog.item_review(item, today())?;
    let key = check_key(&before.checklist, item, key)?;
    catalog.mark_check(item, &key, state, note)?;
    let after = catalog.item_review(item, today())?;
    let view = after
        .checklist
        .checks
        .iter()
        .find(|c| c.def.key == key)
        .ok_or_else(|| {
            fail(
                "check_unknown",
                format!("the checklist has no check \"{key}\""),
            )
        })?;
    if cli.json {
        return print_json(&check_value(view)?);
    }
    outln!(
        "{} {}: {}",
        view.def.key,
        view.def.label,
        state_text(view.state)
    );
    for finding in &view.findings {
        outln!("  ! {}", finding.message());
    }
    if after.status != before.status {
        outln!(
            "the change voids the sign-off: the item is back in review, {}",
            status_text(after.status)
        );
    }
    Ok(())
}

pub fn check_upgrade(cli: &Cli, item: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let before = catalog.item_review(item, today())?;
    catalog.upgrade_checklist(item)?;
    let review = catalog.item_review(item, today())?;
    let (old, new) = (&before.checklist, &review.checklist);
    if cli.json {
        return print_json(&checklist_value(new)?);
    }
    if (&old.template_id, old.template_version) == (&new.template_id, new.template_version) {
        outln!(
            "the checklist is already on the newest template: {} v{}",
            new.template_name,
            new.template_version
        );
        return Ok(());
    }
    outln!(
        "checklist: {} v{} → {} v{}",
        old.template_name,
        old.template_version,
        new.template_name,
        new.template_version
    );
    if review.status != before.status {
        outln!(
            "the change voids the sign-off: the item is back in review, {}",
            status_text(review.status)
        );
    }
    Ok(())
}

/// The command that takes an action (`send-back`, `not-disclose`, `publish` …).
pub fn command_name(action: Action) -> &'static str {
    match action {
        Action::Submit => "submit",
        Action::RequestSignoff => "request-signoff",
        Action::SignOff => "sign-off",
        Action::SendBack => "send-back",
        Action::Withdraw => "withdraw",
        Action::Reopen => "reopen",
        Action::DecideNotDisclose => "not-disclose",
        Action::MarkExported => "mark-exported",
        Action::MarkPublished => "publish",
    }
}

/// A refusal in words for the terminal: the state machine names the status by its key.
fn refusal_text(code: &str, message: &str, status: Status, action: Action) -> String {
    if code == "workflow_not_from_status" {
        format!(
            "{} is not possible for an item that is {}",
            command_name(action),
            status_text(status)
        )
    } else {
        message.to_string()
    }
}

/// Says the refusal in words and adds what to do next.
fn explain_refusal(
    catalog: &Catalog,
    error: desk_store::StoreError,
    item: &str,
    action: Action,
) -> Failure {
    let mut payload = error.payload();
    match payload.code.as_str() {
        "workflow_no_person" => payload.message.push_str(" (desk whoami --set NAME)"),
        "workflow_checks_blocking" => {
            payload
                .message
                .push_str(&format!(" (desk check list {item})"));
        }
        "workflow_not_from_status" => {
            if let Ok(review) = catalog.item_review(item, today()) {
                let possible: Vec<&str> = review
                    .actions
                    .iter()
                    .filter(|a| a.allowed)
                    .map(|a| command_name(a.action))
                    .collect();
                payload.message =
                    refusal_text(&payload.code, &payload.message, review.status, action);
                if !possible.is_empty() {
                    payload
                        .message
                        .push_str(&format!(" (possible now: {})", possible.join(", ")));
                }
            }
        }
        _ => {}
    }
    Failure(payload)
}

pub fn act(cli: &Cli, item: &str, action: Action, text: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let saved = match catalog.act(item, action, text) {
        Ok(saved) => saved,
        Err(e) => return Err(explain_refusal(&catalog, e, item, action)),
    };
    if cli.json {
        return print_json(&saved);
    }
    outln!("{}: {}", short(&saved.title, 40), status_text(saved.status));
    if !saved.status_note.is_empty() {
        outln!("reason: {}", saved.status_note);
    }
    if action == Action::MarkPublished {
        outln!("published at: {}", saved.published_url);
    }
    Ok(())
}

fn due_lines(due: &DueInfo, catalog_days: u32) -> Vec<String> {
    let mut lines = Vec::new();
    match due.due_date {
        None => lines.push(
            "no due date: set 形成日期 (date_formed=YYYY-MM-DD) or 办理期限 (due=YYYY-MM-DD)"
                .into(),
        ),
        Some(date) if due.explicit => lines.push(format!("due: {date} (set by hand)")),
        Some(date) => lines.push(format!(
            "due: {date} ({} working days from 形成日期 {}: {})",
            due.working_days,
            due.counted_from.map(|d| d.to_string()).unwrap_or_default(),
            if due.working_days == catalog_days {
                "the catalog's time limit, 条例 第二十六条"
            } else {
                "the time limit of the item's category"
            }
        )),
    }
    if let Some(left) = due.working_days_left {
        lines.push(match left {
            0 => "due today".into(),
            n => format!("{n} working day(s) left"),
        });
    }
    if let Some(over) = due.overdue_working_days {
        lines.push(format!("overdue by {over} working day(s)"));
    }
    if due.due_date.is_some()
        && due.working_days_left.is_none()
        && due.overdue_working_days.is_none()
    {
        lines.push("the item is no longer open: no deadline runs".into());
    }
    if !due.uncovered_years.is_empty() {
        let years: Vec<String> = due.uncovered_years.iter().map(|y| y.to_string()).collect();
        lines.push(format!(
            "warning: the working-day calendar has no holiday schedule for {}: only weekends were skipped there, so the date may be early; add the year's file to the calendar",
            years.join(", ")
        ));
    }
    lines
}

pub fn due(cli: &Cli, item: &str) -> Outcome {
    let catalog = open(cli)?;
    let loaded = catalog.item(item)?;
    let due = catalog.due_info(&loaded, today())?;
    if cli.json {
        return print_json(&due);
    }
    for line in due_lines(&due, catalog.settings().due_working_days) {
        outln!("{line}");
    }
    Ok(())
}

fn signoff_lines(review: &ItemReview, item: &Item, registry: &Registry) -> Vec<String> {
    let mut lines: Vec<String> = review
        .signoffs
        .iter()
        .map(|s| {
            format!(
                "{}  {}  signed as {}  {}  @{}",
                s.at,
                registry.person_name(&s.signer_id),
                match s.basis {
                    desk_core::signoff::SignBasis::SectionHead => "section head (处室负责人)",
                    desk_core::signoff::SignBasis::Office => "the office (政务公开办)",
                },
                short(&s.content_hash, 23),
                s.device_id
            )
        })
        .collect();
    match review.signoff_matches {
        None => lines.push("never signed off".into()),
        Some(true) => lines.push("the newest sign-off covers the item as it is now".into()),
        Some(false) => {
            let changed: Vec<String> = item
                .changed_after_signoff
                .iter()
                .map(|f| field_text(f, &check_labels(&review.checklist)))
                .collect();
            lines.push(if changed.is_empty() {
                "the newest sign-off no longer matches the item".into()
            } else {
                format!(
                    "the newest sign-off no longer matches the item: changed after sign-off: {}",
                    changed.join("、")
                )
            });
        }
    }
    lines
}

pub fn signoffs(cli: &Cli, item: &str) -> Outcome {
    let catalog = open(cli)?;
    let review = catalog.item_review(item, today())?;
    let mut signatures = Vec::new();
    for signoff in &review.signoffs {
        signatures.push(catalog.signature_verdict(signoff)?);
    }
    if cli.json {
        return print_json(&serde_json::json!({
            "signoffs": review.signoffs,
            "signatures": signatures,
            "content_hash": review.content_hash,
            "signoff_matches": review.signoff_matches,
        }));
    }
    let loaded = catalog.item(item)?;
    let registry = Registry::load(&catalog)?;
    for line in signoff_lines(&review, &loaded, &registry) {
        outln!("{line}");
    }
    for (signoff, verdict) in review.signoffs.iter().zip(&signatures) {
        outln!("{}  {}", signoff.at, crate::trust::verdict_text(verdict));
    }
    Ok(())
}

pub fn review(cli: &Cli, item: &str) -> Outcome {
    let catalog = open(cli)?;
    let review = catalog.item_review(item, today())?;
    if cli.json {
        return print_json(&review_value(&review)?);
    }
    let loaded = catalog.item(item)?;
    let registry = Registry::load(&catalog)?;
    outln!("{}  [{}]", loaded.title, status_text(review.status));
    if !loaded.status_note.is_empty() {
        outln!("reason: {}", loaded.status_note);
    }
    outln!();
    print_checklist(&loaded, &review.checklist, &registry);
    outln!();
    for line in due_lines(&review.due, catalog.settings().due_working_days) {
        outln!("{line}");
    }
    outln!();
    for line in signoff_lines(&review, &loaded, &registry) {
        outln!("{line}");
    }
    outln!();
    outln!("actions:");
    for state in &review.actions {
        let name = command_name(state.action);
        if state.allowed {
            let to = state.to.map(status_text).unwrap_or_default();
            outln!("  {}  → {to}", pad(name, 16));
        } else {
            let refusal = refusal_text(
                state.refusal_code.as_deref().unwrap_or(""),
                state.refusal.as_deref().unwrap_or(""),
                review.status,
                state.action,
            );
            outln!("  {}  refused: {refusal}", pad(name, 16));
        }
    }
    Ok(())
}

/// The personal numbers the review's personal-data check found (text and text attachments).
fn pii_hits(review: &ItemReview) -> Vec<PiiHit> {
    let mut hits: Vec<PiiHit> = Vec::new();
    for check in &review.checklist.checks {
        for finding in &check.findings {
            if let Finding::PersonalData { hits: found } = finding {
                for hit in found {
                    if !hits.contains(hit) {
                        hits.push(hit.clone());
                    }
                }
            }
        }
    }
    hits
}

fn hit_line(hit: &PiiHit) -> String {
    format!(
        "{}  {}  {}  →  {}",
        pad(&hit.field, 12),
        pad(&crate::text::key_of(&hit.kind), 10),
        hit.text,
        hit.masked
    )
}

pub fn scan(cli: &Cli, item: &str) -> Outcome {
    let catalog = open(cli)?;
    let review = catalog.item_review(item, today())?;
    let hits = pii_hits(&review);
    if cli.json {
        return print_json(&serde_json::json!({ "hits": hits }));
    }
    if hits.is_empty() {
        outln!("no unmasked ID, mobile or bank card number found");
    }
    for hit in &hits {
        outln!("{}", hit_line(hit));
    }
    if !hits.is_empty() {
        outln!("mask them with desk item mask {item}");
    }
    Ok(())
}

pub fn mask(cli: &Cli, item: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let review = catalog.item_review(item, today())?;
    let hits = pii_hits(&review);
    let (in_attachments, in_text): (Vec<PiiHit>, Vec<PiiHit>) = hits
        .into_iter()
        .partition(|h| !desk_core::pii::is_maskable(h));
    let saved = if in_text.is_empty() {
        catalog.item(item)?
    } else {
        catalog.apply_masks(item, &in_text)?
    };
    if cli.json {
        return print_json(&saved);
    }
    if in_text.is_empty() {
        outln!("nothing to mask in the item's text");
    } else {
        outln!("masked {} number(s):", in_text.len());
        for hit in &in_text {
            outln!("  {}", hit_line(hit));
        }
    }
    if !in_attachments.is_empty() {
        outln!(
            "{} number(s) in attachments cannot be masked here: replace the file (desk item detach, desk item attach)",
            in_attachments.len()
        );
        for hit in &in_attachments {
            outln!("  {}", hit_line(hit));
        }
    }
    Ok(())
}

fn attachment_lines(item: &Item) -> Vec<String> {
    item.attachments
        .iter()
        .map(|a| {
            format!(
                "{}  {}  {} bytes  {}",
                short(&a.sha256, 12),
                a.name,
                a.size,
                a.media_type
            )
        })
        .collect()
}

pub fn attach(cli: &Cli, item: &str, files: &[std::path::PathBuf]) -> Outcome {
    let mut catalog = open(cli)?;
    let mut saved = catalog.item(item)?;
    for file in files {
        saved = catalog.add_attachment(item, file)?;
    }
    if cli.json {
        return print_json(&saved);
    }
    crate::text::print_lines(&attachment_lines(&saved), "no attachments")
}

/// The attachment a person means: its SHA-256, a unique start of it (six characters or more),
/// or its file name.
fn find_attachment(catalog: &Catalog, item: &str, typed: &str) -> Result<Attachment, Failure> {
    let attachments = catalog.item(item)?.attachments;
    let typed = typed.trim();
    let lower = typed.to_ascii_lowercase();
    if let Some(exact) = attachments.iter().find(|a| a.sha256 == lower) {
        return Ok(exact.clone());
    }
    let by_prefix: Vec<&Attachment> = if lower.len() >= 6 {
        attachments
            .iter()
            .filter(|a| a.sha256.starts_with(&lower))
            .collect()
    } else {
        Vec::new()
    };
    let by_name: Vec<&Attachment> = attachments.iter().filter(|a| a.name == typed).collect();
    match (by_prefix.as_slice(), by_name.as_slice()) {
        ([one], _) | ([], [one]) => Ok((*one).clone()),
        ([], []) => Err(fail(
            "not_found",
            format!("the item has no attachment {typed}: give its SHA-256 (or its first characters) or its file name (see desk item show {item})"),
        )),
        _ => Err(fail(
            "invalid_argument",
            format!("{typed} names more than one attachment: give more of the SHA-256"),
        )),
    }
}

pub fn detach(cli: &Cli, item: &str, attachment: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let attachment = find_attachment(&catalog, item, attachment)?;
    let saved = catalog.remove_attachment(item, &attachment.sha256)?;
    if cli.json {
        return print_json(&saved);
    }
    outln!("removed {}", attachment.name);
    crate::text::print_lines(&attachment_lines(&saved), "no attachments left")
}

pub fn save_attachment(
    cli: &Cli,
    item: &str,
    attachment: &str,
    destination: &Path,
    force: bool,
) -> Outcome {
    let catalog = open(cli)?;
    let attachment = find_attachment(&catalog, item, attachment)?;
    let target = if destination.is_dir() {
        destination.join(desk_store::attachments::safe_file_name(&attachment.name))
    } else {
        destination.to_path_buf()
    };
    if target.exists() && !force {
        return Err(fail(
            "file_exists",
            format!(
                "{} exists: choose another name, or add --force to replace it",
                target.display()
            ),
        ));
    }
    catalog.save_attachment_to(item, &attachment.sha256, &target)?;
    if cli.json {
        return print_json(&serde_json::json!({
            "path": target.display().to_string(),
            "attachment": attachment,
        }));
    }
    outln!("saved {} to {}", attachment.name, target.display());
    Ok(())
}
