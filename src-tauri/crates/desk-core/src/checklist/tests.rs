//! Tests of the checklist: the default templates, template choice and validation, what
//! [`evaluate`] makes of marks and facts for every rule, and which marks [`check_mark`] refuses.

use super::*;
use crate::model::{Disclosure, Item, LinkKind, Status, WithheldReason};
use crate::pii::scan_text;
use chrono::NaiveDate;
use std::collections::HashSet;

const AT: &str = "2026-01-05T08:00:00Z";

/// The five gates of 内容审查 (五关), by label.
const FIVE_GATES: [&str; 5] = ["政治关", "法律关", "政策关", "保密关", "文字关"];

/// The 保密审查 points: (key, whether a person may declare it not applicable).
const SECRECY_POINTS: [(&str, bool); 6] = [
    ("secrecy_review", false),
    ("secrecy_unmarked", false),
    ("secrecy_content", false),
    ("secrecy_declassified", true),
    ("secrecy_partial", true),
    ("secrecy_joint", true),
];

fn default_template(id: &str) -> ChecklistTemplate {
    default_templates(AT)
        .into_iter()
        .find(|t| t.id == id)
        .unwrap_or_else(|| panic!("no default template {id}"))
}

fn item() -> Item {
    let mut item = Item::blank("item-1".into());
    item.title = "关于做好2019年义务教育招生工作的通知".into();
    item.doc_no = "大教发〔2019〕12号".into();
    item.lead_department_id = Some("dept-basic".into());
    item
}

fn mark(key: &str, state: CheckState, note: &str) -> CheckMark {
    CheckMark {
        key: key.into(),
        state,
        by: "person-head".into(),
        at: AT.into(),
        note: note.into(),
        covers: Vec::new(),
    }
}

fn waiver(note: &str, covers: &[PiiHit]) -> CheckMark {
    CheckMark {
        covers: covers.iter().map(|h| h.text.clone()).collect(),
        ..mark("c", CheckState::Passed, note)
    }
}

/// A template with the one check `c`.
fn single(rule: CheckRule, allow_not_applicable: bool) -> ChecklistTemplate {
    ChecklistTemplate {
        id: "t".into(),
        name: "单项".into(),
        category_ids: Vec::new(),
        version: 1,
        checks: vec![CheckDef {
            key: "c".into(),
            group: String::new(),
            label: "单项检查".into(),
            guidance: String::new(),
            required: true,
            allow_not_applicable,
            rule,
            disclosures: Vec::new(),
        }],
        created_at: AT.into(),
        created_by: "test".into(),
    }
}

/// The view of the single check `c`.
fn judge(rule: CheckRule, marks: &[CheckMark], item: &Item, facts: &CheckFacts) -> CheckView {
    let allow_na = matches!(rule, CheckRule::Manual | CheckRule::CommentPeriod { .. });
    let mut views = evaluate(&single(rule, allow_na), marks, item, facts);
    assert_eq!(views.len(), 1);
    views.remove(0)
}

fn view<'a>(views: &'a [CheckView], key: &str) -> &'a CheckView {
    views
        .iter()
        .find(|v| v.def.key == key)
        .unwrap_or_else(|| panic!("no check {key}"))
}

fn linked(kind: LinkKind, status: Status, disclosure: Disclosure) -> LinkedItem {
    LinkedItem {
        id: "item-2".into(),
        title: "《关于做好2019年义务教育招生工作的通知》政策解读".into(),
        kind,
        status,
        disclosure,
    }
}

fn date(text: &str) -> NaiveDate {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_else(|e| panic!("{text}: {e}"))
}

/// Hits for a text holding a valid mobile number, as the store would gather them.
fn mobile_hits() -> Vec<PiiHit> {
    let hits = scan_text("summary", "咨询电话：张老师，手机13812345678。");
    assert!(!hits.is_empty(), "the scanner found no mobile number");
    hits
}

// ---------------------------------------------------------------------------------------------
// Default templates

#[test]
fn default_templates_are_general_normative_and_rules() {
    // (id, categories, minimum comment period if the template has one)
    let expected: [(&str, &[&str], Option<u32>); 3] = [
        ("general", &[], None),
        ("normative", &["cat-normative"], Some(15)),
        ("rules", &["cat-rules"], Some(30)),
    ];
    let templates = default_templates(AT);
    assert_eq!(templates.len(), expected.len());
    for (template, (id, categories, min_days)) in templates.iter().zip(expected) {
        assert_eq!(template.id, id);
        assert_eq!(template.category_ids, categories, "{id}");
        // Version 1 from migration 3, version 2 with the redaction checks from migration 12.
        assert_eq!(template.version, 2, "{id}");
        assert_eq!(template.created_at, AT, "{id}");
        assert!(!template.name.trim().is_empty(), "{id}");
        let periods: Vec<u32> = template
            .checks
            .iter()
            .filter_map(|c| match c.rule {
                CheckRule::CommentPeriod { min_days } => Some(min_days),
                _ => None,
            })
            .collect();
        assert_eq!(periods, min_days.into_iter().collect::<Vec<_>>(), "{id}");
    }
}

#[test]
fn every_default_template_is_valid_and_its_keys_are_unique() {
    for template in default_templates(AT) {
        assert_eq!(validate_template(&template), Ok(()), "{}", template.id);
        let keys: HashSet<&str> = template.checks.iter().map(|c| c.key.as_str()).collect();
        assert_eq!(keys.len(), template.checks.len(), "{}", template.id);
    }
}

#[test]
fn every_default_template_has_the_five_gates_and_the_secrecy_points() {
    for template in default_templates(AT) {
        for gate in FIVE_GATES {
            let check = template
                .checks
                .iter()
                .find(|c| c.label == gate)
                .unwrap_or_else(|| panic!("{}: no {gate}", template.id));
            assert_eq!(check.group, "内容审查(五关)", "{gate}");
            assert_eq!(check.rule, CheckRule::Manual, "{gate}");
            assert!(check.required && !check.allow_not_applicable, "{gate}");
        }
        let secrecy: Vec<(&str, bool)> = template
            .checks
            .iter()
            .filter(|c| c.group == "保密审查")
            .map(|c| (c.key.as_str(), c.allow_not_applicable))
            .collect();
        assert_eq!(secrecy, SECRECY_POINTS, "{}", template.id);
        for check in template.checks.iter().filter(|c| c.group == "保密审查") {
            assert!(check.required, "{}", check.key);
            assert_eq!(check.rule, CheckRule::Manual, "{}", check.key);
        }
    }
}

#[test]
fn every_default_template_scans_personal_data_attachments_and_the_disclosure() {
    for template in default_templates(AT) {
        for rule in [
            CheckRule::DisclosureDecided,
            CheckRule::PersonalData,
            CheckRule::AttachmentsAndLinks,
        ] {
            let check = template.checks.iter().find(|c| c.rule == rule);
            let check = check.unwrap_or_else(|| panic!("{}: no {rule:?}", template.id));
            assert!(check.required && !check.allow_not_applicable, "{rule:?}");
        }
    }
}

#[test]
fn policy_templates_add_interpretation_and_comment_period_to_the_general_checks() {
    let general: Vec<String> = default_template("general")
        .checks
        .into_iter()
        .filter(|c| c.disclosures.is_empty())
        .map(|c| c.key)
        .collect();
    for id in ["normative", "rules"] {
        let template = default_template(id);
        let keys: Vec<&str> = template.checks.iter().map(|c| c.key.as_str()).collect();
        let mut expected: Vec<&str> = general.iter().map(String::as_str).collect();
        // Migration 12 appended the redaction checks to every template.
        expected.extend([
            "interpretation",
            "comment_period",
            "redacted_attachment",
            "redaction_checked",
        ]);
        assert_eq!(keys, expected, "{id}");
        let comment = template.checks.iter().find(|c| c.key == "comment_period");
        assert!(comment.is_some_and(|c| c.allow_not_applicable && c.required));
        let interpretation = template.checks.iter().find(|c| c.key == "interpretation");
        assert!(
            interpretation.is_some_and(|c| c.rule == CheckRule::InterpretationLinked && c.required)
        );
    }
}

#[test]
fn every_default_template_asks_the_redaction_checks_of_redacted_items_only() {
    for template in default_templates(AT) {
        let redaction: Vec<(&str, &str, bool, bool, &[Disclosure])> = template
            .checks
            .iter()
            .filter(|c| !c.disclosures.is_empty())
            .map(|c| {
                (
                    c.key.as_str(),
                    c.label.as_str(),
                    c.required,
                    c.allow_not_applicable,
                    c.disclosures.as_slice(),
                )
            })
            .collect();
        let redacted: &[Disclosure] = &[Disclosure::Redacted];
        assert_eq!(
            redaction,
            [
                (
                    "redacted_attachment",
                    "附件为删减后的版本",
                    true,
                    false,
                    redacted
                ),
                ("redaction_checked", "删减内容已核对", true, false, redacted),
            ],
            "{}",
            template.id
        );
    }
}

/// The keys of the checks `template` asks of an item of `disclosure`, and which of them block
/// sign-off when `passed` are marked passed (and every automatic rule holds).
fn check_redaction(disclosure: Disclosure, passed: &[&str], expected: (bool, &[&str])) {
    let template = default_template("general");
    let mut item = item();
    item.disclosure = disclosure;
    if disclosure != Disclosure::Proactive {
        item.withheld_reason = Some(WithheldReason::Privacy);
        item.withheld_note = "删去了当事人的身份证号和住址".into();
    }
    let marks: Vec<CheckMark> = template
        .checks
        .iter()
        .filter(|c| c.rule == CheckRule::Manual && c.disclosures.is_empty())
        .map(|c| c.key.as_str())
        .chain(passed.iter().copied())
        .map(|key| mark(key, CheckState::Passed, ""))
        .collect();
    let views = evaluate(&template, &marks, &item, &CheckFacts::default());
    let asked = views.iter().any(|v| v.def.key == "redacted_attachment")
        && views.iter().any(|v| v.def.key == "redaction_checked");
    let checklist = ItemChecklist {
        template_id: template.id.clone(),
        template_name: template.name.clone(),
        template_version: template.version,
        upgrade_to: None,
        checks: views,
    };
    let blocking: Vec<&str> = checklist.blocking().map(|c| c.def.key.as_str()).collect();
    assert_eq!(
        (asked, blocking.as_slice()),
        expected,
        "{disclosure:?} passed {passed:?}"
    );
}

#[test]
fn the_redaction_checks_are_asked_of_redacted_items_and_gate_their_sign_off() {
    use Disclosure::*;
    let none: &[&str] = &[];
    check_redaction(Proactive, none, (false, none));
    check_redaction(OnRequest, none, (false, none));
    check_redaction(Withheld, none, (false, none));
    // Marks of checks an item is not asked are not looked at.
    check_redaction(Proactive, &["redaction_checked"], (false, none));
    check_redaction(
        Redacted,
        none,
        (true, &["redacted_attachment", "redaction_checked"]),
    );
    check_redaction(
        Redacted,
        &["redacted_attachment"],
        (true, &["redaction_checked"]),
    );
    check_redaction(
        Redacted,
        &["redaction_checked"],
        (true, &["redacted_attachment"]),
    );
    check_redaction(
        Redacted,
        &["redacted_attachment", "redaction_checked"],
        (true, none),
    );
}

#[test]
fn a_redaction_check_cannot_be_set_aside_and_is_unknown_to_other_items() {
    let template = default_template("general");
    let mut redacted = item();
    redacted.disclosure = Disclosure::Redacted;
    let views = evaluate(&template, &[], &redacted, &CheckFacts::default());
    // (key, state, note, the error's code or None when accepted)
    let cases: [(&str, CheckState, &str, Option<&str>); 4] = [
        ("redacted_attachment", CheckState::Passed, "", None),
        (
            "redacted_attachment",
            CheckState::NotApplicable,
            "没有附件",
            Some("check_not_applicable_refused"),
        ),
        (
            "redaction_checked",
            CheckState::Failed,
            "",
            Some("check_note_required"),
        ),
        (
            "redaction_checked",
            CheckState::Failed,
            "第3页漏删了电话",
            None,
        ),
    ];
    for (key, state, note, expected) in cases {
        let result = check_mark(&views, key, state, note);
        assert_eq!(
            result.as_ref().err().map(MarkError::code),
            expected,
            "{key} {state:?}"
        );
    }
    let views = evaluate(&template, &[], &item(), &CheckFacts::default());
    assert_eq!(
        check_mark(&views, "redaction_checked", CheckState::Passed, "")
            .as_ref()
            .err()
            .map(MarkError::code),
        Some("check_unknown")
    );
}

// ---------------------------------------------------------------------------------------------
// Choosing and validating templates

/// A change made to a template before validating it.
type Change = fn(&mut ChecklistTemplate);

fn named(id: &str, categories: &[&str]) -> ChecklistTemplate {
    let mut template = single(CheckRule::Manual, false);
    template.id = id.into();
    template.category_ids = categories.iter().map(|c| c.to_string()).collect();
    template
}

#[test]
fn template_for_picks_the_most_specific_category_and_falls_back_to_the_default() {
    let templates = vec![
        named("parent", &["cat-edu"]),
        named("default", &[]),
        named("child", &["cat-edu-enrol", "cat-edu-exam"]),
    ];
    let cases: [(&[&str], &str); 7] = [
        (&["cat-edu-enrol", "cat-edu"], "child"),
        (&["cat-edu-exam", "cat-edu"], "child"),
        (
            &["cat-edu-enrol-primary", "cat-edu-enrol", "cat-edu"],
            "child",
        ),
        (&["cat-edu-fees", "cat-edu"], "parent"),
        (&["cat-edu"], "parent"),
        (&["cat-health"], "default"),
        (&[], "default"),
    ];
    for (ancestry, expected) in cases {
        let ancestry: Vec<String> = ancestry.iter().map(|c| c.to_string()).collect();
        let chosen = template_for(&templates, &ancestry).map(|t| t.id.as_str());
        assert_eq!(chosen, Some(expected), "{ancestry:?}");
    }
    let no_default = vec![named("parent", &["cat-edu"])];
    assert_eq!(template_for(&no_default, &["cat-health".to_string()]), None);
}

#[test]
fn template_for_the_default_templates() {
    let templates = default_templates(AT);
    let cases: [(&[&str], &str); 4] = [
        (&["cat-normative-edu", "cat-normative"], "normative"),
        (&["cat-rules"], "rules"),
        (&["cat-plans", "cat-root"], "general"),
        (&[], "general"),
    ];
    for (ancestry, expected) in cases {
        let ancestry: Vec<String> = ancestry.iter().map(|c| c.to_string()).collect();
        let chosen = template_for(&templates, &ancestry).map(|t| t.id.as_str());
        assert_eq!(chosen, Some(expected), "{ancestry:?}");
    }
}

#[test]
fn validate_template_refuses_what_cannot_be_saved() {
    fn period(t: &mut ChecklistTemplate, min_days: u32) {
        t.checks[0].rule = CheckRule::CommentPeriod { min_days };
    }
    let cases: Vec<(&str, Change, &str)> = vec![
        ("empty name", |t| t.name = String::new(), "no name"),
        ("blank name", |t| t.name = " 　".into(), "no name"),
        ("no checks", |t| t.checks.clear(), "no checks"),
        (
            "empty key",
            |t| t.checks[0].key = String::new(),
            "must be 1–64",
        ),
        (
            "key with a space",
            |t| t.checks[0].key = "check legal".into(),
            "must be 1–64",
        ),
        (
            "Chinese key",
            |t| t.checks[0].key = "政治关".into(),
            "must be 1–64",
        ),
        (
            "65-character key",
            |t| t.checks[0].key = "k".repeat(65),
            "must be 1–64",
        ),
        (
            "duplicate key",
            |t| {
                let copy = t.checks[0].clone();
                t.checks.push(copy);
            },
            "used twice",
        ),
        (
            "blank label",
            |t| t.checks[0].label = "  ".into(),
            "no label",
        ),
        ("comment period of 0 days", |t| period(t, 0), "1–365 days"),
        (
            "comment period of 366 days",
            |t| period(t, 366),
            "1–365 days",
        ),
    ];
    for (case, change, fragment) in cases {
        let mut template = single(CheckRule::Manual, false);
        change(&mut template);
        let messages = validate_template(&template).map_err(|problems| {
            let messages: Vec<String> = problems.into_iter().map(|p| p.message).collect();
            messages.join("; ")
        });
        match messages {
            Ok(()) => panic!("{case}: accepted"),
            Err(message) => assert!(message.contains(fragment), "{case}: {message}"),
        }
    }
}

#[test]
fn validate_template_accepts_the_limits() {
    let cases: Vec<(&str, Change)> = vec![
        ("64-character key", |t| t.checks[0].key = "k".repeat(64)),
        ("key with - and _", |t| {
            t.checks[0].key = "check_legal-2".into()
        }),
        ("1-day comment period", |t| {
            t.checks[0].rule = CheckRule::CommentPeriod { min_days: 1 }
        }),
        ("365-day comment period", |t| {
            t.checks[0].rule = CheckRule::CommentPeriod { min_days: 365 }
        }),
    ];
    for (case, change) in cases {
        let mut template = single(CheckRule::Manual, false);
        change(&mut template);
        assert_eq!(validate_template(&template), Ok(()), "{case}");
    }
}

// ---------------------------------------------------------------------------------------------
// evaluate: manual checks

#[test]
fn manual_checks_follow_the_mark() {
    use CheckState::*;
    // (mark, whether the check allows not applicable, the state that counts)
    let cases = [
        (None, true, Pending),
        (Some(Pending), true, Pending),
        (Some(Passed), true, Passed),
        (Some(Failed), true, Failed),
        (Some(NotApplicable), true, NotApplicable),
        (Some(NotApplicable), false, Pending),
        (Some(Passed), false, Passed),
    ];
    for (marked, allow_na, expected) in cases {
        let marks: Vec<CheckMark> = marked.map(|s| mark("c", s, "理由")).into_iter().collect();
        let views = evaluate(
            &single(CheckRule::Manual, allow_na),
            &marks,
            &item(),
            &CheckFacts::default(),
        );
        assert_eq!(views[0].state, expected, "{marked:?} allow_na={allow_na}");
        assert!(views[0].findings.is_empty());
        assert_eq!(views[0].mark, marks.first().cloned());
    }
}

#[test]
fn marks_of_other_checks_do_not_count() {
    let marks = [mark("other", CheckState::Passed, "")];
    let views = evaluate(
        &single(CheckRule::Manual, true),
        &marks,
        &item(),
        &CheckFacts::default(),
    );
    assert_eq!(views[0].state, CheckState::Pending);
    assert_eq!(views[0].mark, None);
}

#[test]
fn a_fresh_general_checklist_blocks_on_every_manual_check_only() {
    let template = default_template("general");
    let views = evaluate(&template, &[], &item(), &CheckFacts::default());
    let blocking: Vec<&str> = views
        .iter()
        .filter(|v| v.blocks_signoff())
        .map(|v| v.def.key.as_str())
        .collect();
    // The redaction checks are not asked of a 主动公开 item.
    let manual: Vec<&str> = template
        .checks
        .iter()
        .filter(|c| c.rule == CheckRule::Manual && c.disclosures.is_empty())
        .map(|c| c.key.as_str())
        .collect();
    assert_eq!(blocking, manual);
    for automatic in views.iter().filter(|v| v.def.rule.is_automatic()) {
        assert_eq!(automatic.state, CheckState::Passed, "{}", automatic.def.key);
    }
}

// ---------------------------------------------------------------------------------------------
// evaluate: automatic rules

#[test]
fn disclosure_decided_needs_a_reason_and_a_note_unless_proactive() {
    // (disclosure, legal reason, written note, passes)
    let cases = [
        (Disclosure::Proactive, None, "", true),
        (Disclosure::Withheld, None, "", false),
        (
            Disclosure::Withheld,
            Some(WithheldReason::ProcessInformation),
            "",
            false,
        ),
        (
            Disclosure::Withheld,
            Some(WithheldReason::ProcessInformation),
            "  ",
            false,
        ),
        (Disclosure::Withheld, None, "属于过程性信息", false),
        (
            Disclosure::Withheld,
            Some(WithheldReason::ProcessInformation),
            "属于过程性信息",
            true,
        ),
        (Disclosure::OnRequest, None, "", false),
        (
            Disclosure::OnRequest,
            Some(WithheldReason::OnRequestOnly),
            "仅涉及申请人",
            true,
        ),
        (Disclosure::Redacted, None, "删去了住址", false),
        (
            Disclosure::Redacted,
            Some(WithheldReason::Privacy),
            "",
            false,
        ),
        (
            Disclosure::Redacted,
            Some(WithheldReason::OnRequestOnly),
            "删去了住址",
            false,
        ),
        (
            Disclosure::Redacted,
            Some(WithheldReason::Privacy),
            "删去了住址",
            true,
        ),
    ];
    for (disclosure, reason, note, passes) in cases {
        let mut item = item();
        item.disclosure = disclosure;
        item.withheld_reason = reason;
        item.withheld_note = note.into();
        let view = judge(
            CheckRule::DisclosureDecided,
            &[],
            &item,
            &CheckFacts::default(),
        );
        let case = format!("{disclosure:?} {reason:?} {note:?}");
        if passes {
            assert_eq!(view.state, CheckState::Passed, "{case}");
            assert!(view.findings.is_empty(), "{case}");
        } else {
            assert_eq!(view.state, CheckState::Failed, "{case}");
            assert_eq!(
                view.findings,
                vec![Finding::DisclosureReasonMissing],
                "{case}"
            );
        }
    }
}

#[test]
fn personal_data_fails_on_hits_unless_passed_with_a_note() {
    let hits = mobile_hits();
    let facts = CheckFacts {
        pii_hits: hits.clone(),
        ..CheckFacts::default()
    };
    let clean = CheckFacts::default();
    let found = vec![Finding::PersonalData { hits: hits.clone() }];
    // (facts, mark, state, findings)
    let cases: Vec<(&CheckFacts, Option<CheckMark>, CheckState, Vec<Finding>)> = vec![
        (&clean, None, CheckState::Passed, vec![]),
        (&facts, None, CheckState::Failed, found.clone()),
        (
            &facts,
            Some(mark("c", CheckState::Pending, "")),
            CheckState::Failed,
            found.clone(),
        ),
        (
            &facts,
            Some(mark("c", CheckState::Passed, "")),
            CheckState::Failed,
            found.clone(),
        ),
        (
            &facts,
            Some(mark("c", CheckState::Passed, " 　")),
            CheckState::Failed,
            found.clone(),
        ),
        (
            &facts,
            Some(waiver("学校公布的招生咨询电话，已公开", &hits)),
            CheckState::Passed,
            found.clone(),
        ),
        // A waiver speaks for the numbers it was written for, not for one pasted later.
        (
            &facts,
            Some(waiver("学校公布的招生咨询电话，已公开", &[])),
            CheckState::Failed,
            found.clone(),
        ),
        (
            &facts,
            Some(mark("c", CheckState::NotApplicable, "不涉及")),
            CheckState::Failed,
            found.clone(),
        ),
    ];
    for (facts, marked, state, findings) in cases {
        let marks: Vec<CheckMark> = marked.clone().into_iter().collect();
        let view = judge(CheckRule::PersonalData, &marks, &item(), facts);
        assert_eq!(view.state, state, "{marked:?}");
        assert_eq!(view.findings, findings, "{marked:?}");
    }
}

#[test]
fn interpretation_must_be_linked_and_going_out() {
    let missing = vec![Finding::InterpretationMissing];
    let not_going_out = vec![Finding::InterpretationNotGoingOut {
        title: linked(
            LinkKind::Interpretation,
            Status::Draft,
            Disclosure::Proactive,
        )
        .title,
    }];
    let good = linked(
        LinkKind::Interpretation,
        Status::InReview,
        Disclosure::Proactive,
    );
    // (linked items, findings)
    let cases: Vec<(Vec<LinkedItem>, Vec<Finding>)> = vec![
        (vec![], missing.clone()),
        (
            vec![linked(
                LinkKind::Related,
                Status::Draft,
                Disclosure::Proactive,
            )],
            missing.clone(),
        ),
        (
            vec![linked(
                LinkKind::Interprets,
                Status::Draft,
                Disclosure::Proactive,
            )],
            missing.clone(),
        ),
        (
            vec![linked(
                LinkKind::Interpretation,
                Status::Withdrawn,
                Disclosure::Proactive,
            )],
            not_going_out.clone(),
        ),
        (
            vec![linked(
                LinkKind::Interpretation,
                Status::NotDisclosed,
                Disclosure::Proactive,
            )],
            not_going_out.clone(),
        ),
        (
            vec![linked(
                LinkKind::Interpretation,
                Status::Draft,
                Disclosure::OnRequest,
            )],
            not_going_out.clone(),
        ),
        (
            vec![linked(
                LinkKind::Interpretation,
                Status::Draft,
                Disclosure::Withheld,
            )],
            not_going_out.clone(),
        ),
        (vec![good.clone()], vec![]),
        (
            // A redacted interpretation is published (its redacted version).
            vec![linked(
                LinkKind::Interpretation,
                Status::InReview,
                Disclosure::Redacted,
            )],
            vec![],
        ),
        (
            vec![
                linked(
                    LinkKind::Interpretation,
                    Status::Withdrawn,
                    Disclosure::Proactive,
                ),
                good.clone(),
            ],
            vec![],
        ),
        (
            // An incoming "interprets" link, turned around by the store.
            vec![linked(
                LinkKind::Interprets.reversed(),
                Status::Published,
                Disclosure::Proactive,
            )],
            vec![],
        ),
    ];
    for (linked, findings) in cases {
        let facts = CheckFacts {
            linked: linked.clone(),
            ..CheckFacts::default()
        };
        let view = judge(CheckRule::InterpretationLinked, &[], &item(), &facts);
        assert_eq!(view.findings, findings, "{linked:?}");
        let state = if findings.is_empty() {
            CheckState::Passed
        } else {
            CheckState::Failed
        };
        assert_eq!(view.state, state, "{linked:?}");
    }
}

#[test]
fn comment_period_counts_both_days_and_needs_the_feedback() {
    let feedback = linked(
        LinkKind::FeedbackSummary,
        Status::Published,
        Disclosure::Proactive,
    );
    let withdrawn_feedback = linked(
        LinkKind::FeedbackSummary,
        Status::Withdrawn,
        Disclosure::Proactive,
    );
    let incoming_feedback = linked(
        LinkKind::CommentFeedback.reversed(),
        Status::Draft,
        Disclosure::Proactive,
    );
    let too_short = |days| Finding::CommentPeriodTooShort { days, min_days: 15 };
    // (start, end, linked items, findings)
    type PeriodCase = (
        Option<&'static str>,
        Option<&'static str>,
        Vec<LinkedItem>,
        Vec<Finding>,
    );
    let cases: Vec<PeriodCase> = vec![
        (
            None,
            None,
            vec![],
            vec![
                Finding::CommentPeriodMissing,
                Finding::CommentFeedbackMissing,
            ],
        ),
        (
            None,
            None,
            vec![feedback.clone()],
            vec![Finding::CommentPeriodMissing],
        ),
        (
            Some("2019-03-01"),
            None,
            vec![feedback.clone()],
            vec![Finding::CommentPeriodMissing],
        ),
        (
            None,
            Some("2019-03-15"),
            vec![feedback.clone()],
            vec![Finding::CommentPeriodMissing],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-12"),
            vec![feedback.clone()],
            vec![too_short(12)],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-14"),
            vec![feedback.clone()],
            vec![too_short(14)],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-15"),
            vec![feedback.clone()],
            vec![],
        ),
        (
            Some("2019-03-01"),
            Some("2019-04-30"),
            vec![feedback.clone()],
            vec![],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-15"),
            vec![],
            vec![Finding::CommentFeedbackMissing],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-15"),
            vec![withdrawn_feedback],
            vec![Finding::CommentFeedbackMissing],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-15"),
            vec![linked(
                LinkKind::Related,
                Status::Published,
                Disclosure::Proactive,
            )],
            vec![Finding::CommentFeedbackMissing],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-15"),
            vec![incoming_feedback],
            vec![],
        ),
        (
            Some("2019-03-12"),
            Some("2019-03-01"),
            vec![feedback.clone()],
            vec![too_short(0)],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-01"),
            vec![feedback.clone()],
            vec![too_short(1)],
        ),
        (
            Some("2019-03-01"),
            Some("2019-03-12"),
            vec![],
            vec![too_short(12), Finding::CommentFeedbackMissing],
        ),
    ];
    for (start, end, linked, findings) in cases {
        let mut item = item();
        item.comment_start = start.map(date);
        item.comment_end = end.map(date);
        let facts = CheckFacts {
            linked,
            ..CheckFacts::default()
        };
        let view = judge(
            CheckRule::CommentPeriod { min_days: 15 },
            &[],
            &item,
            &facts,
        );
        let case = format!("{start:?}..{end:?}");
        assert_eq!(view.findings, findings, "{case}");
        let state = if findings.is_empty() {
            CheckState::Passed
        } else {
            CheckState::Failed
        };
        assert_eq!(view.state, state, "{case}");
    }
}

#[test]
fn comment_period_minimum_comes_from_the_template() {
    let feedback = CheckFacts {
        linked: vec![linked(
            LinkKind::FeedbackSummary,
            Status::Published,
            Disclosure::Proactive,
        )],
        ..CheckFacts::default()
    };
    // (template, last day from 2019-03-01, findings)
    let cases = [
        ("normative", "2019-03-14", Some((14, 15))),
        ("normative", "2019-03-15", None),
        ("rules", "2019-03-15", Some((15, 30))),
        ("rules", "2019-03-29", Some((29, 30))),
        ("rules", "2019-03-30", None),
    ];
    for (id, end, short) in cases {
        let mut item = item();
        item.comment_start = Some(date("2019-03-01"));
        item.comment_end = Some(date(end));
        let views = evaluate(&default_template(id), &[], &item, &feedback);
        let findings = &view(&views, "comment_period").findings;
        let expected: Vec<Finding> = short
            .map(|(days, min_days)| Finding::CommentPeriodTooShort { days, min_days })
            .into_iter()
            .collect();
        assert_eq!(findings, &expected, "{id} to {end}");
    }
}

#[test]
fn comment_period_declared_not_applicable_stands_whatever_the_dates() {
    let marks = [mark(
        "comment_period",
        CheckState::NotApplicable,
        "未公开征求意见（内部管理制度）",
    )];
    let views = evaluate(
        &default_template("normative"),
        &marks,
        &item(),
        &CheckFacts::default(),
    );
    let check = view(&views, "comment_period");
    assert!(!check.findings.is_empty());
    assert_eq!(check.state, CheckState::NotApplicable);
    assert!(!check.blocks_signoff());
}

#[test]
fn attachments_and_links_report_every_problem() {
    // (summary, missing, damaged, broken links, findings)
    type Case = (
        &'static str,
        &'static [&'static str],
        &'static [&'static str],
        &'static [&'static str],
        Vec<Finding>,
    );
    let url = |url: &str| Finding::UrlMalformed { url: url.into() };
    let missing = Finding::AttachmentMissing {
        name: "通知.pdf".into(),
    };
    let damaged = Finding::AttachmentDamaged {
        name: "附件1.docx".into(),
    };
    let broken = Finding::LinkBroken {
        target_id: "item-9".into(),
    };
    let good = "详见 https://www.gov.cn/zhengce/2019-05/15/content_5391815.htm \
                和 http://jyj.dl.gov.cn/info?id=1";
    let cases: Vec<Case> = vec![
        ("", &[], &[], &[], vec![]),
        ("", &["通知.pdf"], &[], &[], vec![missing.clone()]),
        ("", &[], &["附件1.docx"], &[], vec![damaged.clone()]),
        ("", &[], &[], &["item-9"], vec![broken.clone()]),
        ("详见http://www", &[], &[], &[], vec![url("http://www")]),
        (
            "详见 https://exa mple.com 。",
            &[],
            &[],
            &[],
            vec![url("https://exa")],
        ),
        (good, &[], &[], &[], vec![]),
        (
            "见http://www，另见 https://exa mple.com",
            &["通知.pdf"],
            &["附件1.docx"],
            &["item-9"],
            vec![
                missing,
                damaged,
                broken,
                url("http://www"),
                url("https://exa"),
            ],
        ),
    ];
    for (summary, missing, damaged, broken, findings) in cases {
        let mut item = item();
        item.summary = summary.into();
        let facts = CheckFacts {
            missing_attachments: missing.iter().map(|s| s.to_string()).collect(),
            damaged_attachments: damaged.iter().map(|s| s.to_string()).collect(),
            broken_links: broken.iter().map(|s| s.to_string()).collect(),
            ..CheckFacts::default()
        };
        let view = judge(CheckRule::AttachmentsAndLinks, &[], &item, &facts);
        assert_eq!(view.findings, findings, "{summary:?}");
        let state = if findings.is_empty() {
            CheckState::Passed
        } else {
            CheckState::Failed
        };
        assert_eq!(view.state, state, "{summary:?}");
    }
}

#[test]
fn attachments_and_links_read_elements_and_legal_basis_too() {
    let mut item = item();
    item.elements = "招生计划见 http://www".into();
    item.legal_basis = "《中华人民共和国义务教育法》 https://exa mple.com".into();
    let view = judge(
        CheckRule::AttachmentsAndLinks,
        &[],
        &item,
        &CheckFacts::default(),
    );
    assert_eq!(
        view.findings,
        vec![
            Finding::UrlMalformed {
                url: "http://www".into()
            },
            Finding::UrlMalformed {
                url: "https://exa".into()
            },
        ]
    );
}

#[test]
fn malformed_urls_catches_typing_slips_only() {
    let cases: [(&str, &[&str]); 14] = [
        ("", &[]),
        ("没有网址", &[]),
        ("http://www", &["http://www"]),
        ("https://exa mple.com", &["https://exa"]),
        (
            "https://www.gov.cn/zhengce/2019-05/15/content_5391815.htm",
            &[],
        ),
        ("http://jyj.dl.gov.cn/info?id=1", &[]),
        ("网址：https://www.gov.cn/。", &[]),
        ("（https://www.gov.cn）", &[]),
        ("https://user@www.gov.cn:8080/x", &[]),
        ("http:/www.gov.cn", &["http:/www.gov.cn"]),
        ("http//www.gov.cn 见", &["http//www.gov.cn"]),
        ("https://.gov.cn", &["https://.gov.cn"]),
        ("https://www..gov.cn", &["https://www..gov.cn"]),
        ("http协议与https://www.gov.cn", &[]),
    ];
    for (text, expected) in cases {
        assert_eq!(malformed_urls(text), expected, "{text:?}");
    }
}

#[test]
fn a_person_may_fail_an_automatic_check_that_passes() {
    let template = default_template("normative");
    let mut good = item();
    good.comment_start = Some(date("2019-03-01"));
    good.comment_end = Some(date("2019-03-31"));
    let facts = CheckFacts {
        linked: vec![
            linked(
                LinkKind::Interpretation,
                Status::InReview,
                Disclosure::Proactive,
            ),
            linked(
                LinkKind::FeedbackSummary,
                Status::Published,
                Disclosure::Proactive,
            ),
        ],
        ..CheckFacts::default()
    };
    let unmarked = evaluate(&template, &[], &good, &facts);
    for check in template.checks.iter().filter(|c| c.rule.is_automatic()) {
        assert_eq!(
            view(&unmarked, &check.key).state,
            CheckState::Passed,
            "{}",
            check.key
        );
        let marks = [mark(&check.key, CheckState::Failed, "附件扫描件不清晰")];
        let views = evaluate(&template, &marks, &good, &facts);
        let failed = view(&views, &check.key);
        assert_eq!(failed.state, CheckState::Failed, "{}", check.key);
        assert!(failed.findings.is_empty(), "{}", check.key);
        assert!(failed.blocks_signoff(), "{}", check.key);
    }
}

#[test]
fn blocks_signoff_only_for_required_checks_not_passed_or_not_applicable() {
    for required in [true, false] {
        for state in CheckState::ALL {
            let mut check = evaluate(
                &single(CheckRule::Manual, true),
                &[],
                &item(),
                &CheckFacts::default(),
            )
            .remove(0);
            check.def.required = required;
            check.state = state;
            let expected = required && matches!(state, CheckState::Pending | CheckState::Failed);
            assert_eq!(
                check.blocks_signoff(),
                expected,
                "required={required} {state:?}"
            );
            let checklist = ItemChecklist {
                template_id: "t".into(),
                template_name: "单项".into(),
                template_version: 1,
                upgrade_to: None,
                checks: vec![check],
            };
            assert_eq!(checklist.blocking().count(), usize::from(expected));
        }
    }
}

#[test]
fn a_redacted_item_on_a_checklist_that_asks_nothing_of_the_redaction_cannot_be_signed_off() {
    let mut redacted = item();
    redacted.disclosure = Disclosure::Redacted;
    let template = default_template("normative");
    let passed: Vec<CheckMark> = template
        .checks
        .iter()
        .map(|c| mark(&c.key, CheckState::Passed, "已核对"))
        .collect();
    let with_checks = |checks: Vec<CheckView>| ItemChecklist {
        template_id: "t".into(),
        template_name: "默认".into(),
        template_version: 2,
        upgrade_to: None,
        checks,
    };
    let facts = CheckFacts::default();
    // The current template: its redaction checks passed, nothing stops the sign-off.
    let current = with_checks(evaluate(&template, &passed, &redacted, &facts));
    assert!(current
        .checks
        .iter()
        .any(|c| c.def.key == "redaction_checked"));
    let automatic_open: Vec<String> = current.blocking().map(|c| c.def.label.clone()).collect();
    assert_eq!(
        current.signoff_blockers(Disclosure::Redacted),
        automatic_open
    );
    // A version from before redaction had its checks: the item must move to a newer one.
    let mut old = template.clone();
    old.checks.retain(|c| c.disclosures.is_empty());
    let before = with_checks(evaluate(&old, &passed, &redacted, &facts));
    let blockers = before.signoff_blockers(Disclosure::Redacted);
    assert!(
        blockers.contains(&REDACTION_CHECKS_MISSING.to_string()),
        "{blockers:?}"
    );
    // The same old checklist stops nothing more for an item that is not redacted.
    assert!(!before
        .signoff_blockers(Disclosure::Proactive)
        .contains(&REDACTION_CHECKS_MISSING.to_string()));
}

// ---------------------------------------------------------------------------------------------
// check_mark

#[test]
fn check_mark_accepts_and_refuses_as_the_rules_say() {
    use CheckState::*;
    let template = default_template("normative");
    let mut withheld = item();
    withheld.disclosure = Disclosure::Withheld;
    let facts = CheckFacts {
        pii_hits: mobile_hits(),
        missing_attachments: vec!["通知.pdf".into()],
        ..CheckFacts::default()
    };
    let views = evaluate(&template, &[], &withheld, &facts);
    // (key, state, note, the error's code or None when accepted)
    let cases: [(&str, CheckState, &str, Option<&str>); 24] = [
        ("no_such_check", Passed, "", Some("check_unknown")),
        (
            "check_political",
            NotApplicable,
            "不涉及",
            Some("check_not_applicable_refused"),
        ),
        (
            "check_political",
            NotApplicable,
            "",
            Some("check_not_applicable_refused"),
        ),
        (
            "privacy_scan",
            NotApplicable,
            "不涉及",
            Some("check_not_applicable_refused"),
        ),
        (
            "secrecy_joint",
            NotApplicable,
            "",
            Some("check_note_required"),
        ),
        (
            "secrecy_joint",
            NotApplicable,
            " 　",
            Some("check_note_required"),
        ),
        ("secrecy_joint", NotApplicable, "本局单独发文", None),
        ("check_legal", Failed, "", Some("check_note_required")),
        ("check_legal", Failed, "  ", Some("check_note_required")),
        ("check_legal", Failed, "缺少上位法依据", None),
        ("check_legal", Passed, "", None),
        ("check_legal", Pending, "", None),
        ("disclosure_decided", Passed, "", Some("check_rule_not_met")),
        (
            "disclosure_decided",
            Passed,
            "已确定",
            Some("check_rule_not_met"),
        ),
        ("disclosure_decided", Failed, "缺理由", None),
        ("disclosure_decided", Pending, "", None),
        ("attachments_links", Passed, "", Some("check_rule_not_met")),
        (
            "attachments_links",
            Passed,
            "文件已核对",
            Some("check_rule_not_met"),
        ),
        ("privacy_scan", Passed, "", Some("check_rule_not_met")),
        ("privacy_scan", Passed, "  ", Some("check_rule_not_met")),
        ("privacy_scan", Passed, "学校公布的招生咨询电话", None),
        (
            "interpretation",
            Passed,
            "解读随后发",
            Some("check_rule_not_met"),
        ),
        ("comment_period", NotApplicable, "未征求意见", None),
        ("comment_period", Passed, "", Some("check_rule_not_met")),
    ];
    for (key, state, note, expected) in cases {
        let result = check_mark(&views, key, state, note);
        assert_eq!(
            result.as_ref().err().map(MarkError::code),
            expected,
            "{key} {state:?} {note:?}: {result:?}"
        );
    }
}

#[test]
fn check_mark_passes_an_automatic_check_with_no_finding() {
    let views = evaluate(
        &default_template("general"),
        &[],
        &item(),
        &CheckFacts::default(),
    );
    for key in ["disclosure_decided", "privacy_scan", "attachments_links"] {
        assert_eq!(
            check_mark(&views, key, CheckState::Passed, ""),
            Ok(()),
            "{key}"
        );
    }
}

#[test]
fn check_mark_errors_name_the_check_and_the_findings() {
    let mut withheld = item();
    withheld.disclosure = Disclosure::Withheld;
    let hits = mobile_hits();
    let facts = CheckFacts {
        pii_hits: hits.clone(),
        missing_attachments: vec!["通知.pdf".into()],
        broken_links: vec!["item-9".into()],
        ..CheckFacts::default()
    };
    let views = evaluate(&default_template("general"), &[], &withheld, &facts);

    assert_eq!(
        check_mark(&views, "nope", CheckState::Passed, ""),
        Err(MarkError::UnknownCheck("nope".into()))
    );
    assert_eq!(
        check_mark(&views, "check_text", CheckState::NotApplicable, "x"),
        Err(MarkError::NotApplicableRefused("文字关".into()))
    );
    assert_eq!(
        check_mark(&views, "check_text", CheckState::Failed, ""),
        Err(MarkError::NoteRequired("文字关".into()))
    );

    let refusals = [
        ("disclosure_decided", vec![Finding::DisclosureReasonMissing]),
        (
            "attachments_links",
            vec![
                Finding::AttachmentMissing {
                    name: "通知.pdf".into(),
                },
                Finding::LinkBroken {
                    target_id: "item-9".into(),
                },
            ],
        ),
        (
            "privacy_scan",
            vec![Finding::PersonalData { hits: hits.clone() }],
        ),
    ];
    for (key, findings) in refusals {
        let label = view(&views, key).def.label.clone();
        let error = check_mark(&views, key, CheckState::Passed, "");
        let Err(MarkError::RuleNotMet {
            label: named,
            reason,
        }) = &error
        else {
            panic!("{key}: {error:?}");
        };
        assert_eq!(named, &label);
        for finding in &findings {
            assert!(reason.contains(&finding.message()), "{key}: {reason}");
        }
        let shown = error
            .as_ref()
            .err()
            .map(ToString::to_string)
            .unwrap_or_default();
        assert!(
            shown.contains(&label) && shown.contains(reason.as_str()),
            "{shown}"
        );
    }
    let masked = &hits[0].masked;
    let Err(MarkError::RuleNotMet { reason, .. }) =
        check_mark(&views, "privacy_scan", CheckState::Passed, "")
    else {
        panic!("privacy_scan passed");
    };
    assert!(reason.contains(masked.as_str()), "{reason}");
}

#[test]
fn mark_error_codes_are_distinct() {
    let errors = [
        MarkError::UnknownCheck("k".into()),
        MarkError::NotApplicableRefused("k".into()),
        MarkError::NoteRequired("k".into()),
        MarkError::RuleNotMet {
            label: "k".into(),
            reason: "r".into(),
        },
    ];
    let codes: HashSet<&str> = errors.iter().map(MarkError::code).collect();
    assert_eq!(codes.len(), errors.len());
}

#[test]
fn check_states_parse_from_keys_chinese_and_short_forms() {
    for state in CheckState::ALL {
        assert_eq!(CheckState::parse(state.key()), Some(state));
        assert_eq!(CheckState::parse(state.label_zh()), Some(state));
    }
    let cases = [
        ("pass", Some(CheckState::Passed)),
        (" NA ", Some(CheckState::NotApplicable)),
        ("未通过", Some(CheckState::Failed)),
        ("maybe", None),
    ];
    for (text, expected) in cases {
        assert_eq!(CheckState::parse(text), expected, "{text:?}");
    }
}
