//! The rules an item must satisfy before it is saved.
//!
//! Validation needs a few facts from the catalog (does this department exist, is this 索引号
//! taken); they come through [`CatalogFacts`] so that the rules stay here, testable without a
//! database. Every problem is reported at once, each with its field, a stable code the UI
//! translates, and an English message for the CLI.

use crate::fields::ItemField;
use crate::model::{Disclosure, Item};
use crate::problem::Code;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub const MAX_TITLE_CHARS: usize = 300;
pub const MAX_TEXT_CHARS: usize = 50_000;
pub const MAX_SHORT_CHARS: usize = 200;

/// What validation needs to know about the rest of the catalog.
pub trait CatalogFacts {
    fn department_exists(&self, id: &str) -> bool;
    fn category_exists(&self, id: &str) -> bool;
    fn item_exists(&self, id: &str) -> bool;
    /// Whether another item (not `item_id`) already uses this 索引号.
    fn index_no_taken(&self, index_no: &str, item_id: &str) -> bool;
    fn channels(&self) -> &[String];
    fn levels(&self) -> &[String];
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FieldProblem {
    pub field: String,
    pub code: String,
    pub message: String,
}

fn problem(field: &str, code: Code, message: String) -> FieldProblem {
    code.problem(field, message)
}

/// The rules a field's value breaks by itself, whatever the rest of the catalog holds (length,
/// characters, keywords): what an operation arriving by sync is checked against, since every PC
/// decides them alike from the operation alone.
pub fn check_own_values(item: &Item) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let title_chars = item.title.chars().count();
    if item.title.trim().is_empty() {
        problems.push(problem(
            "title",
            Code::TitleEmpty,
            "the title (名称) is empty: give the item a title".into(),
        ));
    } else if title_chars > MAX_TITLE_CHARS {
        problems.push(problem(
            "title",
            Code::TitleTooLong,
            format!("the title has {title_chars} characters; at most {MAX_TITLE_CHARS} are allowed: put the rest in the summary"),
        ));
    }
    if item.title.chars().any(|c| c.is_control()) {
        problems.push(problem(
            "title",
            Code::TitleControlChars,
            "the title contains line breaks or control characters: keep it on one line".into(),
        ));
    }
    for (field, value, max) in [
        ("index_no", &item.index_no, MAX_SHORT_CHARS),
        ("doc_no", &item.doc_no, MAX_SHORT_CHARS),
        ("issuing_body", &item.issuing_body, MAX_SHORT_CHARS),
        ("subject_category", &item.subject_category, MAX_SHORT_CHARS),
        ("summary", &item.summary, MAX_TEXT_CHARS),
        ("elements", &item.elements, MAX_TEXT_CHARS),
        ("legal_basis", &item.legal_basis, MAX_TEXT_CHARS),
        ("withheld_note", &item.withheld_note, MAX_TEXT_CHARS),
        ("notes", &item.notes, MAX_TEXT_CHARS),
    ] {
        let count = value.chars().count();
        if count > max {
            problems.push(problem(
                field,
                Code::TextTooLong,
                format!("{field} has {count} characters; at most {max} are allowed"),
            ));
        }
    }
    for keyword in &item.keywords {
        if keyword.trim().is_empty() || keyword.chars().count() > 50 {
            problems.push(problem(
                "keywords",
                Code::KeywordInvalid,
                format!("the keyword \"{keyword}\" is empty or longer than 50 characters"),
            ));
        }
    }
    problems
}

/// The problems of [`check_own_values`] that concern one field.
pub fn check_own_value(item: &Item, field: ItemField) -> Vec<FieldProblem> {
    let mut problems = check_own_values(item);
    problems.retain(|p| p.field == field.key());
    problems
}

/// What 公开属性 asks of the reason fields: none for 主动公开; for the others the legal reason
/// and its written explanation. A redaction must cite a ground of 条例 第十四、十五、十六条 for
/// what it removed. It looks at the item alone, so an item created on another PC is checked by
/// it as it arrives (see desk-store's `sync::admit`).
pub fn check_disclosure(item: &Item) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    let (name, reason_code, note_code) = match item.disclosure {
        Disclosure::Proactive => {
            if item.withheld_reason.is_some() {
                problems.push(problem("withheld_reason", Code::ReasonOnProactive, "a 主动公开 item has no reason for not disclosing: clear the reason or change 公开属性".into()));
            }
            return problems;
        }
        Disclosure::OnRequest => ("依申请公开", Code::ReasonRequired, Code::ReasonNoteRequired),
        Disclosure::Withheld => ("不予公开", Code::ReasonRequired, Code::ReasonNoteRequired),
        Disclosure::Redacted => (
            "删减后公开",
            Code::RedactionReasonRequired,
            Code::RedactionNoteRequired,
        ),
    };
    match item.withheld_reason {
        None => problems.push(problem(
            "withheld_reason",
            reason_code,
            format!("{name} needs its legal reason (条例 第十四、十五、十六条): choose one"),
        )),
        Some(reason) if item.disclosure == Disclosure::Redacted && !reason.withholds() => {
            problems.push(problem(
                "withheld_reason",
                Code::RedactionReasonNotWithholding,
                "依申请公开 is no ground for removing part of a document: choose the ground of 条例 第十四、十五、十六条 the removed part falls under".into(),
            ))
        }
        Some(_) => {}
    }
    if item.withheld_note.trim().is_empty() {
        problems.push(problem(
            "withheld_note",
            note_code,
            format!("{name} needs a written explanation of the reason"),
        ));
    }
    problems
}

/// Every rule an item breaks; empty when it can be saved.
pub fn check_item(item: &Item, facts: &dyn CatalogFacts) -> Vec<FieldProblem> {
    let mut problems = check_own_values(item);
    if !item.index_no.is_empty() && facts.index_no_taken(&item.index_no, &item.id) {
        problems.push(problem(
            "index_no",
            Code::IndexNoTaken,
            format!("the 索引号 {} is already used by another item: leave it empty to have the next free one generated", item.index_no),
        ));
    }
    problems.extend(check_disclosure(item));
    if let (Some(written), Some(published)) = (item.date_written, item.date_published) {
        if published < written {
            problems.push(problem(
                "date_published",
                Code::PublishedBeforeWritten,
                format!(
                    "the 发布日期 {published} is before the 成文日期 {written}: check both dates"
                ),
            ));
        }
    }
    if let Some(category) = &item.category_id {
        if !facts.category_exists(category) {
            problems.push(problem(
                "category_id",
                Code::UnknownCategory,
                format!(
                    "the category {category} does not exist: choose one from the category tree"
                ),
            ));
        }
    }
    if let Some(lead) = &item.lead_department_id {
        if !facts.department_exists(lead) {
            problems.push(problem("lead_department_id", Code::UnknownDepartment, format!("the lead department {lead} does not exist: choose one from the department list or add it there first")));
        }
    }
    for co in &item.co_department_ids {
        if !facts.department_exists(co) {
            problems.push(problem("co_department_ids", Code::UnknownDepartment, format!("the co-department {co} does not exist: choose one from the department list or add it there first")));
        } else if item.lead_department_id.as_deref() == Some(co.as_str()) {
            problems.push(problem(
                "co_department_ids",
                Code::CoIsLead,
                "the lead department cannot also be a co-department".into(),
            ));
        }
    }
    for channel in &item.channels {
        if !facts.channels().contains(channel) {
            problems.push(problem(
                "channels",
                Code::UnknownChannel,
                format!(
                    "the channel \"{channel}\" is not in the catalog's list: choose one of {}",
                    facts.channels().join("、")
                ),
            ));
        }
    }
    if !item.level.is_empty() && !facts.levels().contains(&item.level) {
        problems.push(problem(
            "level",
            Code::UnknownLevel,
            format!(
                "the level \"{}\" is not in the catalog's list: choose one of {}",
                item.level,
                facts.levels().join("、")
            ),
        ));
    }
    for link in &item.links {
        if link.target_id == item.id {
            problems.push(problem(
                "links",
                Code::LinkToSelf,
                "an item cannot be linked to itself".into(),
            ));
        } else if !facts.item_exists(&link.target_id) {
            problems.push(problem(
                "links",
                Code::UnknownLinkTarget,
                format!("the linked item {} does not exist", link.target_id),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{ItemLink, LinkKind, WithheldReason};

    struct Facts {
        channels: Vec<String>,
        levels: Vec<String>,
    }

    impl CatalogFacts for Facts {
        fn department_exists(&self, id: &str) -> bool {
            id == "dept-gfc" || id == "dept-bgs"
        }
        fn category_exists(&self, id: &str) -> bool {
            id == "cat-1"
        }
        fn item_exists(&self, id: &str) -> bool {
            id == "item-2"
        }
        fn index_no_taken(&self, index_no: &str, item_id: &str) -> bool {
            index_no == "TAKEN-1" && item_id != "owner"
        }
        fn channels(&self) -> &[String] {
            &self.channels
        }
        fn levels(&self) -> &[String] {
            &self.levels
        }
    }

    fn facts() -> Facts {
        Facts {
            channels: vec!["政府网站".into(), "两微一端".into()],
            levels: vec!["市级".into()],
        }
    }

    fn valid() -> Item {
        let mut item = Item::blank("item-1".into());
        item.title = "关于做好2019年义务教育招生工作的通知".into();
        item
    }

    /// Applies `edit` to a valid item and checks the codes of the problems found.
    fn check(edit: impl FnOnce(&mut Item), expected_codes: &[&str]) {
        let mut item = valid();
        edit(&mut item);
        let codes: Vec<String> = check_item(&item, &facts())
            .into_iter()
            .map(|p| p.code)
            .collect();
        assert_eq!(codes, expected_codes);
    }

    #[test]
    fn rules() {
        check(|_| {}, &[]);
        check(|i| i.title = "  ".into(), &["title_empty"]);
        check(|i| i.title = "长".repeat(100_000), &["title_too_long"]);
        check(|i| i.title = "a\nb".into(), &["title_control_chars"]);
        check(
            |i| i.summary = "x".repeat(MAX_TEXT_CHARS + 1),
            &["text_too_long"],
        );
        check(
            |i| i.disclosure = Disclosure::Withheld,
            &["reason_required", "reason_note_required"],
        );
        check(
            |i| {
                i.disclosure = Disclosure::Withheld;
                i.withheld_reason = Some(WithheldReason::ProcessInformation);
                i.withheld_note = "内部研究稿".into();
            },
            &[],
        );
        check(
            |i| i.withheld_reason = Some(WithheldReason::Privacy),
            &["reason_on_proactive"],
        );
        check(
            |i| i.disclosure = Disclosure::Redacted,
            &["redaction_reason_required", "redaction_note_required"],
        );
        check(
            |i| {
                i.disclosure = Disclosure::Redacted;
                i.withheld_note = "删去了申请人的住址".into();
            },
            &["redaction_reason_required"],
        );
        check(
            |i| {
                i.disclosure = Disclosure::Redacted;
                i.withheld_reason = Some(WithheldReason::Privacy);
            },
            &["redaction_note_required"],
        );
        check(
            |i| {
                i.disclosure = Disclosure::Redacted;
                i.withheld_reason = Some(WithheldReason::OnRequestOnly);
                i.withheld_note = "删去了附件二".into();
            },
            &["redaction_reason_not_withholding"],
        );
        check(
            |i| {
                i.disclosure = Disclosure::Redacted;
                i.withheld_reason = Some(WithheldReason::Privacy);
                i.withheld_note = "  ".into();
            },
            &["redaction_note_required"],
        );
        for reason in WithheldReason::ALL.into_iter().filter(|r| r.withholds()) {
            check(
                |i| {
                    i.disclosure = Disclosure::Redacted;
                    i.withheld_reason = Some(reason);
                    i.withheld_note = "删去了第三方的商业信息".into();
                },
                &[],
            );
        }
        check(
            |i| i.lead_department_id = Some("dept-none".into()),
            &["unknown_department"],
        );
        check(
            |i| {
                i.lead_department_id = Some("dept-gfc".into());
                i.co_department_ids = vec!["dept-gfc".into(), "dept-x".into()];
            },
            &["co_is_lead", "unknown_department"],
        );
        check(|i| i.index_no = "TAKEN-1".into(), &["index_no_taken"]);
        check(
            |i| {
                i.id = "owner".into();
                i.index_no = "TAKEN-1".into();
            },
            &[],
        );
        check(|i| i.channels = vec!["广播".into()], &["unknown_channel"]);
        check(|i| i.level = "省级".into(), &["unknown_level"]);
        check(
            |i| i.category_id = Some("cat-9".into()),
            &["unknown_category"],
        );
        check(
            |i| {
                i.date_written = chrono::NaiveDate::from_ymd_opt(2019, 5, 2);
                i.date_published = chrono::NaiveDate::from_ymd_opt(2019, 5, 1);
            },
            &["published_before_written"],
        );
        check(
            |i| {
                i.links = vec![ItemLink {
                    target_id: "item-1".into(),
                    kind: LinkKind::Related,
                }]
            },
            &["link_to_self"],
        );
        check(
            |i| {
                i.links = vec![ItemLink {
                    target_id: "item-9".into(),
                    kind: LinkKind::Interpretation,
                }]
            },
            &["unknown_link_target"],
        );
        check(|i| i.keywords = vec!["".into()], &["keyword_invalid"]);
    }
}
