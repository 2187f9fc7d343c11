//! Review checklists: versioned templates per category, the marks people put on an item's
//! checks, and the automatic checks the catalog can decide by itself.
//!
//! A template is data the office coordinator edits; every edit makes a new version and items keep
//! the version they were worked under until someone upgrades them, so a template change never
//! rewrites a checklist behind its reviewers' backs. [`evaluate`] turns a template, an item's
//! marks and facts about the item into what the checklist screen shows and what gates sign-off.

use crate::model::{Disclosure, Item, LinkKind, Status};
use crate::pii::PiiHit;
use crate::problem::Code;
use crate::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// Where a check stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum CheckState {
    Pending,
    Passed,
    Failed,
    NotApplicable,
}

impl CheckState {
    pub const ALL: [CheckState; 4] = [
        CheckState::Pending,
        CheckState::Passed,
        CheckState::Failed,
        CheckState::NotApplicable,
    ];

    pub fn key(self) -> &'static str {
        match self {
            CheckState::Pending => "pending",
            CheckState::Passed => "passed",
            CheckState::Failed => "failed",
            CheckState::NotApplicable => "not_applicable",
        }
    }

    /// Accepts the key, the Chinese word and short CLI forms (pass, fail, na).
    pub fn parse(text: &str) -> Option<CheckState> {
        match crate::text::fold(text.trim()).as_str() {
            "pending" | "待查" | "待审查" => Some(CheckState::Pending),
            "passed" | "pass" | "ok" | "通过" => Some(CheckState::Passed),
            "failed" | "fail" | "不通过" | "未通过" => Some(CheckState::Failed),
            "not_applicable" | "na" | "n/a" | "不适用" => Some(CheckState::NotApplicable),
            _ => None,
        }
    }

    pub fn label_zh(self) -> &'static str {
        match self {
            CheckState::Pending => "待查",
            CheckState::Passed => "通过",
            CheckState::Failed => "不通过",
            CheckState::NotApplicable => "不适用",
        }
    }
}

/// What decides a check: a person, or a rule the catalog evaluates on the item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "type")]
pub enum CheckRule {
    /// A person marks it.
    Manual,
    /// 公开属性已确定: 主动公开, or a legal reason and a written explanation.
    DisclosureDecided,
    /// No unmasked ID, mobile or bank card number in the item's text or text attachments.
    PersonalData,
    /// 政策解读同步: a linked interpretation item that goes out together with this one.
    InterpretationLinked,
    /// 征求意见: the comment period lasted at least `min_days` calendar days and the summary of
    /// the feedback is linked.
    CommentPeriod { min_days: u32 },
    /// Every attachment is present and intact, every linked item exists, every web address in
    /// the text is well formed.
    AttachmentsAndLinks,
}

impl CheckRule {
    pub fn is_automatic(&self) -> bool {
        !matches!(self, CheckRule::Manual)
    }
}

/// One check of a template.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckDef {
    /// Stable within the template's lineage: marks are kept by key across versions.
    pub key: String,
    /// Groups checks on screen (保密审查, 五关 …); empty for a check of its own.
    pub group: String,
    pub label: String,
    /// What the reviewer looks at, and what to fix when it fails.
    pub guidance: String,
    /// Required checks must be passed (or not applicable) before sign-off.
    pub required: bool,
    /// Whether a person may declare the check not applicable (with a written reason).
    pub allow_not_applicable: bool,
    pub rule: CheckRule,
    /// Asked only of items of these 公开属性 (the checks of a redaction, say); empty: of every
    /// item. Absent in templates written before it existed.
    #[serde(default)]
    pub disclosures: Vec<Disclosure>,
}

impl CheckDef {
    /// Whether an item of this 公开属性 is asked this check at all.
    pub fn asks(&self, disclosure: Disclosure) -> bool {
        self.disclosures.is_empty() || self.disclosures.contains(&disclosure)
    }
}

/// A versioned checklist template for some categories (and everything below them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ChecklistTemplate {
    pub id: String,
    pub name: String,
    /// The categories it serves, with their sub-categories; empty for the catalog's default.
    pub category_ids: Vec<String>,
    pub version: u32,
    pub checks: Vec<CheckDef>,
    /// RFC 3339, UTC, of this version.
    pub created_at: String,
    pub created_by: String,
}

/// A person's mark on one check of one item.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckMark {
    pub key: String,
    pub state: CheckState,
    /// Person id (or "os:<user>").
    pub by: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub note: String,
    /// For a personal-data check passed with a note: the numbers (as written) the note speaks
    /// for. A number not among them makes the check fail again.
    #[serde(default)]
    pub covers: Vec<String>,
}

/// The numbers a personal-data waiver put on `view` now would speak for.
pub fn waiver_covers(view: &CheckView) -> Vec<String> {
    view.findings
        .iter()
        .flat_map(|f| match f {
            Finding::PersonalData { hits } => hits.iter().map(|h| h.text.clone()).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Why an automatic check does not hold, with the figures the message needs.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case", tag = "code")]
pub enum Finding {
    /// Not 主动公开 and the legal reason or its written explanation is missing.
    DisclosureReasonMissing,
    PersonalData {
        hits: Vec<PiiHit>,
    },
    InterpretationMissing,
    /// The linked interpretation will not go out (withdrawn, not disclosed, not 主动公开).
    InterpretationNotGoingOut {
        title: String,
    },
    CommentPeriodMissing,
    CommentPeriodTooShort {
        days: u32,
        min_days: u32,
    },
    CommentFeedbackMissing,
    AttachmentMissing {
        name: String,
    },
    AttachmentDamaged {
        name: String,
    },
    LinkBroken {
        target_id: String,
    },
    UrlMalformed {
        url: String,
    },
}

impl Finding {
    pub fn code(&self) -> &'static str {
        match self {
            Finding::DisclosureReasonMissing => "disclosure_reason_missing",
            Finding::PersonalData { .. } => "personal_data",
            Finding::InterpretationMissing => "interpretation_missing",
            Finding::InterpretationNotGoingOut { .. } => "interpretation_not_going_out",
            Finding::CommentPeriodMissing => "comment_period_missing",
            Finding::CommentPeriodTooShort { .. } => "comment_period_too_short",
            Finding::CommentFeedbackMissing => "comment_feedback_missing",
            Finding::AttachmentMissing { .. } => "attachment_missing",
            Finding::AttachmentDamaged { .. } => "attachment_damaged",
            Finding::LinkBroken { .. } => "link_broken",
            Finding::UrlMalformed { .. } => "url_malformed",
        }
    }

    /// What is wrong and what to do, in English (the CLI's words; the UI translates the code).
    pub fn message(&self) -> String {
        match self {
            Finding::DisclosureReasonMissing => "not 主动公开: choose the legal reason (条例 第十四至十六条) and write why".into(),
            Finding::PersonalData { hits } => format!(
                "{} unmasked personal number(s) in the text, e.g. {} → {}: mask them",
                hits.len(),
                hits.first().map(|h| h.text.as_str()).unwrap_or(""),
                hits.first().map(|h| h.masked.as_str()).unwrap_or("")
            ),
            Finding::InterpretationMissing => "a policy document goes out with its interpretation (政策解读): link the interpretation item".into(),
            Finding::InterpretationNotGoingOut { title } => format!("the linked interpretation \"{title}\" will not be published with it: link one that will"),
            Finding::CommentPeriodMissing => "enter the first and last day of the 征求意见 period".into(),
            Finding::CommentPeriodTooShort { days, min_days } => format!("the comment period was {days} days; the minimum is {min_days}"),
            Finding::CommentFeedbackMissing => "link the published summary of the feedback (征求意见反馈)".into(),
            Finding::AttachmentMissing { name } => format!("the attachment {name} is missing from the attachment store: attach the file again"),
            Finding::AttachmentDamaged { name } => format!("the attachment {name} is damaged (its content changed): attach the file again"),
            Finding::LinkBroken { target_id } => format!("the linked item {target_id} no longer exists: remove the link"),
            Finding::UrlMalformed { url } => format!("the web address {url} is not valid: correct it"),
        }
    }
}

/// One check as the checklist screen shows it and the gate judges it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CheckView {
    pub def: CheckDef,
    pub mark: Option<CheckMark>,
    /// Problems an automatic rule found now.
    pub findings: Vec<Finding>,
    /// The state that counts: the rule's verdict where there is one, else the mark.
    pub state: CheckState,
}

impl CheckView {
    /// Whether this check stops sign-off.
    pub fn blocks_signoff(&self) -> bool {
        self.def.required && !matches!(self.state, CheckState::Passed | CheckState::NotApplicable)
    }
}

/// An item's checklist: the template version it is worked under, and every check.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ItemChecklist {
    pub template_id: String,
    pub template_name: String,
    pub template_version: u32,
    /// The newest version of the template that would apply to the item now, when it differs.
    pub upgrade_to: Option<TemplateRef>,
    pub checks: Vec<CheckView>,
}

/// What stops the sign-off of a 删减后公开 item worked under a checklist version that asks
/// nothing about the redaction (made before such checks existed, or a template without them).
pub const REDACTION_CHECKS_MISSING: &str =
    "删减后公开的核对事项（此审查清单版本没有：请升级审查清单，或在模板中加入）";

impl ItemChecklist {
    pub fn blocking(&self) -> impl Iterator<Item = &CheckView> {
        self.checks.iter().filter(|c| c.blocks_signoff())
    }

    /// The labels of what stops sign-off for an item with `disclosure`: required checks not
    /// passed, and for a 删减后公开 item a checklist with no check of the redaction, so that no
    /// redacted file goes out unchecked because its item kept an old checklist.
    pub fn signoff_blockers(&self, disclosure: Disclosure) -> Vec<String> {
        let mut labels: Vec<String> = self.blocking().map(|c| c.def.label.clone()).collect();
        let asks_about_redaction = self
            .checks
            .iter()
            .any(|c| c.def.disclosures.contains(&Disclosure::Redacted));
        if disclosure == Disclosure::Redacted && !asks_about_redaction {
            labels.push(REDACTION_CHECKS_MISSING.to_string());
        }
        labels
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
pub struct TemplateRef {
    pub id: String,
    pub name: String,
    pub version: u32,
}

/// What an automatic rule needs to know about an item linked to this one.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LinkedItem {
    pub id: String,
    pub title: String,
    /// How the link reads from this item (an incoming link is turned around).
    pub kind: LinkKind,
    pub status: Status,
    pub disclosure: Disclosure,
}

/// Facts about the item the store gathers before [`evaluate`].
#[derive(Debug, Clone, Default)]
pub struct CheckFacts {
    /// Items linked either way (outgoing links as written, incoming ones reversed).
    pub linked: Vec<LinkedItem>,
    /// Outgoing link targets that no longer exist.
    pub broken_links: Vec<String>,
    pub pii_hits: Vec<PiiHit>,
    /// Attachment names whose stored file is missing, and whose content no longer matches.
    pub missing_attachments: Vec<String>,
    pub damaged_attachments: Vec<String>,
}

/// The longest check key, in ASCII characters.
pub const CHECK_KEY_MAX_CHARS: usize = 64;
/// Besides ASCII letters and digits, the characters a check key may use.
pub const CHECK_KEY_SYMBOLS: &str = "_-";
/// The shortest and longest minimum comment period a template may ask for, in days.
pub const COMMENT_PERIOD_DAYS_MIN: u32 = 1;
pub const COMMENT_PERIOD_DAYS_MAX: u32 = 365;

/// Whether a check key is 1–64 ASCII letters, digits, '_' or '-' (keys name marks and ops).
pub fn check_key_valid(key: &str) -> bool {
    !key.is_empty()
        && key.len() <= CHECK_KEY_MAX_CHARS
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || CHECK_KEY_SYMBOLS.contains(c))
}

/// Checks a template before it is saved: a name, at least one check, keys present, unique and
/// simple, labels present, comment periods in range. Every problem is reported at once; a
/// check's problems name it as `checks.<index>.<part>`.
pub fn validate_template(template: &ChecklistTemplate) -> Result<(), Vec<FieldProblem>> {
    let mut problems = Vec::new();
    if template.name.trim().is_empty() {
        problems.push(Code::TemplateNameEmpty.problem("name", "the template has no name"));
    }
    if template.checks.is_empty() {
        problems.push(
            Code::TemplateNoChecks
                .problem("checks", "the template has no checks: add at least one"),
        );
    }
    let mut seen = std::collections::HashSet::new();
    for (index, check) in template.checks.iter().enumerate() {
        let field = |part: &str| format!("checks.{index}.{part}");
        if !check_key_valid(&check.key) {
            let code = if check.key.is_empty() {
                Code::CheckKeyEmpty
            } else {
                Code::CheckKeyInvalid
            };
            problems.push(code.problem(
                field("key"),
                format!(
                    "the check key \"{}\" must be 1–{CHECK_KEY_MAX_CHARS} letters, digits, '_' or '-'",
                    check.key
                ),
            ));
        } else if !seen.insert(check.key.as_str()) {
            problems.push(Code::CheckKeyRepeated.problem(
                field("key"),
                format!("the check key \"{}\" is used twice", check.key),
            ));
        }
        if check.label.trim().is_empty() {
            problems.push(Code::CheckLabelEmpty.problem(
                field("label"),
                format!("the check \"{}\" has no label", check.key),
            ));
        }
        if let CheckRule::CommentPeriod { min_days } = check.rule {
            if !(COMMENT_PERIOD_DAYS_MIN..=COMMENT_PERIOD_DAYS_MAX).contains(&min_days) {
                problems.push(Code::CommentPeriodOutOfRange.problem(
                    field("rule"),
                    format!(
                        "the minimum comment period of \"{}\" must be {COMMENT_PERIOD_DAYS_MIN}–{COMMENT_PERIOD_DAYS_MAX} days",
                        check.label
                    ),
                ));
            }
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

/// The other template (of `latest`, the newest version of each) that already serves one of this
/// template's categories, or the other default when this one is the default: two templates for one
/// category would make the choice arbitrary.
pub fn category_clash(
    template: &ChecklistTemplate,
    latest: &[ChecklistTemplate],
) -> Option<FieldProblem> {
    let other = latest
        .iter()
        .filter(|other| other.id != template.id)
        .find(|other| {
            if template.category_ids.is_empty() {
                other.category_ids.is_empty()
            } else {
                other
                    .category_ids
                    .iter()
                    .any(|c| template.category_ids.contains(c))
            }
        })?;
    Some(Code::TemplateCategoryTaken.problem(
        "category_ids",
        format!(
            "the template \"{}\" already serves this category: edit that one instead",
            other.name
        ),
    ))
}

/// The template for a category: the most specific one that names the category or one of its
/// ancestors (`ancestry` lists the item's category first, then its parents), else the default.
pub fn template_for<'a>(
    templates: &'a [ChecklistTemplate],
    ancestry: &[String],
) -> Option<&'a ChecklistTemplate> {
    ancestry
        .iter()
        .find_map(|category| {
            templates
                .iter()
                .find(|t| t.category_ids.iter().any(|c| c == category))
        })
        .or_else(|| templates.iter().find(|t| t.category_ids.is_empty()))
}

fn days_inclusive(start: chrono::NaiveDate, end: chrono::NaiveDate) -> u32 {
    (end - start).num_days().max(-1) as u32 + 1
}

fn rule_findings(rule: &CheckRule, item: &Item, facts: &CheckFacts) -> Vec<Finding> {
    match rule {
        CheckRule::Manual => Vec::new(),
        CheckRule::DisclosureDecided => {
            let decided = item.disclosure == Disclosure::Proactive
                || crate::validate::check_disclosure(item).is_empty();
            if decided {
                Vec::new()
            } else {
                vec![Finding::DisclosureReasonMissing]
            }
        }
        CheckRule::PersonalData => {
            if facts.pii_hits.is_empty() {
                Vec::new()
            } else {
                vec![Finding::PersonalData {
                    hits: facts.pii_hits.clone(),
                }]
            }
        }
        CheckRule::InterpretationLinked => {
            let interpretations: Vec<&LinkedItem> = facts
                .linked
                .iter()
                .filter(|l| l.kind == LinkKind::Interpretation)
                .collect();
            let going_out = |l: &&LinkedItem| {
                l.disclosure.goes_out()
                    && !matches!(l.status, Status::Withdrawn | Status::NotDisclosed)
            };
            match interpretations.first() {
                None => vec![Finding::InterpretationMissing],
                Some(_) if interpretations.iter().any(going_out) => Vec::new(),
                Some(first) => vec![Finding::InterpretationNotGoingOut {
                    title: first.title.clone(),
                }],
            }
        }
        CheckRule::CommentPeriod { min_days } => {
            let mut found = Vec::new();
            match (item.comment_start, item.comment_end) {
                (Some(start), Some(end)) => {
                    let days = if end < start {
                        0
                    } else {
                        days_inclusive(start, end)
                    };
                    if days < *min_days {
                        found.push(Finding::CommentPeriodTooShort {
                            days,
                            min_days: *min_days,
                        });
                    }
                }
                _ => found.push(Finding::CommentPeriodMissing),
            }
            let feedback = facts.linked.iter().any(|l| {
                l.kind == LinkKind::FeedbackSummary
                    && !matches!(l.status, Status::Withdrawn | Status::NotDisclosed)
            });
            if !feedback {
                found.push(Finding::CommentFeedbackMissing);
            }
            found
        }
        CheckRule::AttachmentsAndLinks => {
            let mut found: Vec<Finding> = facts
                .missing_attachments
                .iter()
                .map(|name| Finding::AttachmentMissing { name: name.clone() })
                .collect();
            found.extend(
                facts
                    .damaged_attachments
                    .iter()
                    .map(|name| Finding::AttachmentDamaged { name: name.clone() }),
            );
            found.extend(facts.broken_links.iter().map(|id| Finding::LinkBroken {
                target_id: id.clone(),
            }));
            for text in [&item.summary, &item.elements, &item.legal_basis] {
                found.extend(
                    malformed_urls(text)
                        .into_iter()
                        .map(|url| Finding::UrlMalformed { url }),
                );
            }
            found
        }
    }
}

/// Web addresses in `text` that could not work: a scheme with no host, a space-broken host, a
/// host without a dot. (Offline, the catalog cannot fetch them; it can catch the typing slips.)
pub fn malformed_urls(text: &str) -> Vec<String> {
    let mut bad = Vec::new();
    for (start, _) in text.match_indices("http") {
        let rest = &text[start..];
        let Some(after) = rest
            .strip_prefix("https://")
            .or_else(|| rest.strip_prefix("http://"))
        else {
            if rest.starts_with("http:/")
                || rest.starts_with("https:/")
                || rest.starts_with("http//")
            {
                let shown: String = rest
                    .chars()
                    .take_while(|c| !c.is_whitespace())
                    .take(80)
                    .collect();
                bad.push(shown);
            }
            continue;
        };
        let end = after
            .find(|c: char| c.is_whitespace() || !c.is_ascii() || "<>\"'）)，。；".contains(c))
            .unwrap_or(after.len());
        let address = &after[..end];
        let host = address.split(['/', '?', '#']).next().unwrap_or("");
        let host = host.rsplit('@').next().unwrap_or(host);
        let host = host.split(':').next().unwrap_or(host);
        let host_ok = host.contains('.')
            && !host.starts_with('.')
            && !host.ends_with('.')
            && !host.contains("..")
            && host
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
        if !host_ok {
            bad.push(rest[..rest.len() - after.len() + end].to_string());
        }
    }
    bad
}

/// What the checklist shows and the gate judges, from the template, the item's marks and facts.
/// A check the item's 公开属性 is not asked ([`CheckDef::asks`]) is left out: it neither shows
/// nor gates, and the sealed checklist of a sign-off does not hold it.
///
/// Automatic rules speak first: a problem they find makes the check fail whatever was marked,
/// except that unmasked personal data may be passed by a person who writes why it may be public
/// (a published service hotline, say). A person may always fail an automatic check, and may
/// declare any check that allows it not applicable; manual checks are what their mark says.
pub fn evaluate(
    template: &ChecklistTemplate,
    marks: &[CheckMark],
    item: &Item,
    facts: &CheckFacts,
) -> Vec<CheckView> {
    template
        .checks
        .iter()
        .filter(|def| def.asks(item.disclosure))
        .map(|def| {
            let mark = marks.iter().find(|m| m.key == def.key).cloned();
            let marked = mark.as_ref().map(|m| m.state);
            let findings = rule_findings(&def.rule, item, facts);
            let state = if marked == Some(CheckState::NotApplicable) && def.allow_not_applicable {
                CheckState::NotApplicable
            } else if def.rule.is_automatic() {
                let waived = def.rule == CheckRule::PersonalData
                    && marked == Some(CheckState::Passed)
                    && mark.as_ref().is_some_and(|m| {
                        !m.note.trim().is_empty()
                            && facts.pii_hits.iter().all(|h| m.covers.contains(&h.text))
                    });
                if marked == Some(CheckState::Failed) || (!findings.is_empty() && !waived) {
                    CheckState::Failed
                } else {
                    CheckState::Passed
                }
            } else {
                match marked {
                    Some(CheckState::NotApplicable) | None => CheckState::Pending,
                    Some(state) => state,
                }
            };
            CheckView {
                def: def.clone(),
                mark,
                findings,
                state,
            }
        })
        .collect()
}

/// Why a mark cannot be put on a check.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MarkError {
    #[error("the checklist has no check \"{0}\"")]
    UnknownCheck(String),
    #[error("\"{0}\" cannot be declared not applicable")]
    NotApplicableRefused(String),
    #[error("write a note for \"{0}\": say what to fix (failed) or why it does not apply")]
    NoteRequired(String),
    #[error("\"{label}\" cannot pass: {reason}")]
    RuleNotMet { label: String, reason: String },
}

impl MarkError {
    pub fn code(&self) -> &'static str {
        match self {
            MarkError::UnknownCheck(_) => "check_unknown",
            MarkError::NotApplicableRefused(_) => "check_not_applicable_refused",
            MarkError::NoteRequired(_) => "check_note_required",
            MarkError::RuleNotMet { .. } => "check_rule_not_met",
        }
    }
}

/// The checks a reviewer may pass in one confirmed step: still pending, with no problem an
/// automatic rule found (a rule's verdict is never overridden in bulk, and a check someone
/// failed or set aside stays as they left it).
pub fn passable_in_bulk(checklist: &[CheckView]) -> Vec<&CheckView> {
    checklist
        .iter()
        .filter(|c| c.state == CheckState::Pending && c.findings.is_empty())
        .filter(|c| check_mark(checklist, &c.def.key, CheckState::Passed, "").is_ok())
        .collect()
}

/// Whether a person may put `state` with `note` on the check `key`, given what the rules find
/// now: a failure or a "not applicable" needs a written note; an automatic check whose rule
/// finds a problem cannot be passed (personal data excepted, with a note saying why).
pub fn check_mark(
    checklist: &[CheckView],
    key: &str,
    state: CheckState,
    note: &str,
) -> Result<(), MarkError> {
    let view = checklist
        .iter()
        .find(|c| c.def.key == key)
        .ok_or_else(|| MarkError::UnknownCheck(key.to_string()))?;
    let label = view.def.label.clone();
    let has_note = !note.trim().is_empty();
    match state {
        CheckState::NotApplicable if !view.def.allow_not_applicable => {
            Err(MarkError::NotApplicableRefused(label))
        }
        CheckState::NotApplicable | CheckState::Failed if !has_note => {
            Err(MarkError::NoteRequired(label))
        }
        CheckState::Passed if !view.findings.is_empty() => {
            if view.def.rule == CheckRule::PersonalData && has_note {
                Ok(())
            } else {
                Err(MarkError::RuleNotMet {
                    label,
                    reason: view
                        .findings
                        .iter()
                        .map(Finding::message)
                        .collect::<Vec<_>>()
                        .join("; "),
                })
            }
        }
        _ => Ok(()),
    }
}

fn manual(group: &str, key: &str, label: &str, guidance: &str, allow_na: bool) -> CheckDef {
    CheckDef {
        key: key.into(),
        group: group.into(),
        label: label.into(),
        guidance: guidance.into(),
        required: true,
        allow_not_applicable: allow_na,
        rule: CheckRule::Manual,
        disclosures: Vec::new(),
    }
}

fn automatic(group: &str, key: &str, label: &str, guidance: &str, rule: CheckRule) -> CheckDef {
    CheckDef {
        key: key.into(),
        group: group.into(),
        label: label.into(),
        guidance: guidance.into(),
        required: true,
        allow_not_applicable: false,
        rule,
        disclosures: Vec::new(),
    }
}

/// The checks every item gets (政府信息公开条例 2019 and the sample plan's review rules).
fn base_checks() -> Vec<CheckDef> {
    const SECRECY: &str = "保密审查";
    const FIVE: &str = "内容审查(五关)";
    const PRIVACY: &str = "个人信息与商业秘密";
    vec![
        automatic("", "disclosure_decided", "公开属性已确定", "主动公开，或写明依申请公开/不予公开的法定理由（条例第十四、十五、十六条）", CheckRule::DisclosureDecided),
        manual(SECRECY, "secrecy_review", "已完成保密审查", "一事一审，先审查后公开；审查记录留存", false),
        manual(SECRECY, "secrecy_unmarked", "未标注密级", "标有密级的文件不得公开", false),
        manual(SECRECY, "secrecy_content", "未标密级的内容不涉及国家秘密", "未标密级但内容涉密的，按涉密处理，不得公开", false),
        manual(SECRECY, "secrecy_declassified", "曾定密的已依法解密", "曾经定密的文件，须先解密后公开", true),
        manual(SECRECY, "secrecy_partial", "部分涉密的已作区分处理", "能够作区分处理的，删除涉密内容后公开", true),
        manual(SECRECY, "secrecy_joint", "联合发文已征得其他发文机关同意", "联合发文须征得各发文机关同意后公开", true),
        manual(FIVE, "check_political", "政治关", "政治立场、导向正确", false),
        manual(FIVE, "check_legal", "法律关", "内容合法，依据充分", false),
        manual(FIVE, "check_policy", "政策关", "与现行政策一致，表述准确", false),
        manual(FIVE, "check_secrecy", "保密关", "不含国家秘密、工作秘密", false),
        manual(FIVE, "check_text", "文字关", "文字、数字、标点准确规范", false),
        manual(PRIVACY, "privacy_review", "不含个人隐私和商业秘密", "电话、身份证号已遮蔽（如138****1234），地址不细于乡镇；涉及商业秘密的已征求第三方意见", false),
        automatic(PRIVACY, "privacy_scan", "未发现未遮蔽的个人信息", "自动扫描正文和文本附件中的身份证号、手机号、银行卡号；确属公开号码的，写明理由后可通过", CheckRule::PersonalData),
        automatic("", "attachments_links", "附件可读、链接有效", "附件完整可打开，关联事项存在，网址格式正确", CheckRule::AttachmentsAndLinks),
    ]
}

/// What a 删减后公开 item is asked besides: that the file going out is the redacted one, and
/// that someone compared what was removed with the reason (migration 12 added them, version 2).
fn redaction_checks() -> Vec<CheckDef> {
    const REDACTION: &str = "删减后公开";
    let redacted = |key, label, guidance| CheckDef {
        disclosures: vec![Disclosure::Redacted],
        ..manual(REDACTION, key, label, guidance, false)
    };
    vec![
        redacted("redacted_attachment", "附件为删减后的版本", "公开的附件是删去不予公开内容后的文件，不是原件"),
        redacted("redaction_checked", "删减内容已核对", "逐处核对删去的内容与删减依据相符，未多删、未漏删，删去的文字无法恢复（不是遮盖或隐藏）"),
    ]
}

fn general_checks() -> Vec<CheckDef> {
    let mut checks = base_checks();
    checks.extend(redaction_checks());
    checks
}

fn policy_checks(min_days: u32) -> Vec<CheckDef> {
    let mut checks = base_checks();
    checks.push(automatic(
        "",
        "interpretation",
        "政策解读同步",
        "谁起草、谁解读：解读材料与政策文件同步审签、同步发布",
        CheckRule::InterpretationLinked,
    ));
    let mut comment = automatic(
        "",
        "comment_period",
        "征求意见期满且反馈已公开",
        "征求意见期限不少于规定天数；意见收集和采纳情况已公开",
        CheckRule::CommentPeriod { min_days },
    );
    comment.allow_not_applicable = true;
    checks.push(comment);
    checks.extend(redaction_checks());
    checks
}

/// The templates a new catalog starts with: a general one, and one each for 行政规范性文件
/// (comment period at least 15 days, as the sample plan asks) and 规章 (30 days). Version 2:
/// the migrations write version 1 and then the redaction checks as version 2.
pub fn default_templates(created_at: &str) -> Vec<ChecklistTemplate> {
    let template = |id: &str, name: &str, categories: &[&str], checks| ChecklistTemplate {
        id: id.into(),
        name: name.into(),
        category_ids: categories.iter().map(|c| c.to_string()).collect(),
        version: 2,
        checks,
        created_at: created_at.into(),
        created_by: "system".into(),
    };
    vec![
        template("general", "通用审查清单", &[], general_checks()),
        template(
            "normative",
            "行政规范性文件审查清单",
            &["cat-normative"],
            policy_checks(15),
        ),
        template("rules", "规章审查清单", &["cat-rules"], policy_checks(30)),
    ]
}

#[cfg(test)]
mod tests;
