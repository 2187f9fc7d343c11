//! Items as named fields.
//!
//! The operation log, sync, the CLI's `FIELD=VALUE` arguments and the history screen all speak of
//! "the field `doc_no` went from A to B". This module is the one place that maps field names to the
//! struct, so adding a field means adding it here and nowhere else.

use crate::model::{Disclosure, Item, ItemLink, Status, WithheldReason};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// Every field of an item that a person can change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ItemField {
    IndexNo,
    Title,
    CategoryId,
    Summary,
    Elements,
    LegalBasis,
    IssuingBody,
    DocNo,
    SubjectCategory,
    Keywords,
    DateWritten,
    DateFormed,
    DatePublished,
    DueDate,
    Validity,
    Disclosure,
    WithheldReason,
    WithheldNote,
    Audience,
    Channels,
    Level,
    LeadDepartmentId,
    CoDepartmentIds,
    OtherResponsible,
    ClerkId,
    ReviewerId,
    SignerId,
    CommentStart,
    CommentEnd,
    Attachments,
    Links,
    Status,
    StatusNote,
    ChangedAfterSignoff,
    PublishedUrl,
    Notes,
    Source,
}

/// How a field merges: a register holds one value, a set adds and removes elements.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldShape {
    Register,
    Set,
}

impl ItemField {
    pub const ALL: [ItemField; 37] = [
        ItemField::IndexNo,
        ItemField::Title,
        ItemField::CategoryId,
        ItemField::Summary,
        ItemField::Elements,
        ItemField::LegalBasis,
        ItemField::IssuingBody,
        ItemField::DocNo,
        ItemField::SubjectCategory,
        ItemField::Keywords,
        ItemField::DateWritten,
        ItemField::DateFormed,
        ItemField::DatePublished,
        ItemField::DueDate,
        ItemField::Validity,
        ItemField::Disclosure,
        ItemField::WithheldReason,
        ItemField::WithheldNote,
        ItemField::Audience,
        ItemField::Channels,
        ItemField::Level,
        ItemField::LeadDepartmentId,
        ItemField::CoDepartmentIds,
        ItemField::OtherResponsible,
        ItemField::ClerkId,
        ItemField::ReviewerId,
        ItemField::SignerId,
        ItemField::CommentStart,
        ItemField::CommentEnd,
        ItemField::Attachments,
        ItemField::Links,
        ItemField::Status,
        ItemField::StatusNote,
        ItemField::ChangedAfterSignoff,
        ItemField::PublishedUrl,
        ItemField::Notes,
        ItemField::Source,
    ];

    /// The stable key used in the operation log, the CLI and the UI.
    pub fn key(self) -> &'static str {
        match self {
            ItemField::IndexNo => "index_no",
            ItemField::Title => "title",
            ItemField::CategoryId => "category_id",
            ItemField::Summary => "summary",
            ItemField::Elements => "elements",
            ItemField::LegalBasis => "legal_basis",
            ItemField::IssuingBody => "issuing_body",
            ItemField::DocNo => "doc_no",
            ItemField::SubjectCategory => "subject_category",
            ItemField::Keywords => "keywords",
            ItemField::DateWritten => "date_written",
            ItemField::DateFormed => "date_formed",
            ItemField::DatePublished => "date_published",
            ItemField::DueDate => "due_date",
            ItemField::Validity => "validity",
            ItemField::Disclosure => "disclosure",
            ItemField::WithheldReason => "withheld_reason",
            ItemField::WithheldNote => "withheld_note",
            ItemField::Audience => "audience",
            ItemField::Channels => "channels",
            ItemField::Level => "level",
            ItemField::LeadDepartmentId => "lead_department_id",
            ItemField::CoDepartmentIds => "co_department_ids",
            ItemField::OtherResponsible => "other_responsible",
            ItemField::ClerkId => "clerk_id",
            ItemField::ReviewerId => "reviewer_id",
            ItemField::SignerId => "signer_id",
            ItemField::CommentStart => "comment_start",
            ItemField::CommentEnd => "comment_end",
            ItemField::Attachments => "attachments",
            ItemField::Links => "links",
            ItemField::Status => "status",
            ItemField::StatusNote => "status_note",
            ItemField::ChangedAfterSignoff => "changed_after_signoff",
            ItemField::PublishedUrl => "published_url",
            ItemField::Notes => "notes",
            ItemField::Source => "source",
        }
    }

    /// The Chinese name a clerk knows the field by.
    pub fn label_zh(self) -> &'static str {
        match self {
            ItemField::IndexNo => "索引号",
            ItemField::Title => "名称",
            ItemField::CategoryId => "类别",
            ItemField::Summary => "内容概述",
            ItemField::Elements => "公开内容",
            ItemField::LegalBasis => "公开依据",
            ItemField::IssuingBody => "发布机构",
            ItemField::DocNo => "文号",
            ItemField::SubjectCategory => "主题分类",
            ItemField::Keywords => "关键词",
            ItemField::DateWritten => "成文日期",
            ItemField::DateFormed => "形成日期",
            ItemField::DatePublished => "发布日期",
            ItemField::DueDate => "办理期限",
            ItemField::Validity => "有效性",
            ItemField::Disclosure => "公开属性",
            ItemField::WithheldReason => "不公开依据",
            ItemField::WithheldNote => "不公开理由",
            ItemField::Audience => "公开对象",
            ItemField::Channels => "公开渠道",
            ItemField::Level => "公开层级",
            ItemField::LeadDepartmentId => "牵头部门",
            ItemField::CoDepartmentIds => "配合部门",
            ItemField::OtherResponsible => "其他责任主体",
            ItemField::ClerkId => "经办人",
            ItemField::ReviewerId => "审核人",
            ItemField::SignerId => "签批人",
            ItemField::CommentStart => "征求意见开始日期",
            ItemField::CommentEnd => "征求意见截止日期",
            ItemField::Attachments => "附件",
            ItemField::Links => "关联事项",
            ItemField::Status => "状态",
            ItemField::StatusNote => "状态说明",
            ItemField::ChangedAfterSignoff => "签批后修改",
            ItemField::PublishedUrl => "发布网址",
            ItemField::Notes => "内部备注",
            ItemField::Source => "来源",
        }
    }

    /// Accepts the key, the Chinese label, and the short CLI forms (`category`, `lead`, `co`).
    pub fn parse(name: &str) -> Option<ItemField> {
        let name = name.trim();
        let alias = match name {
            "category" => Some(ItemField::CategoryId),
            "lead" | "lead_department" | "department" => Some(ItemField::LeadDepartmentId),
            "co" | "co_departments" => Some(ItemField::CoDepartmentIds),
            "due" => Some(ItemField::DueDate),
            "clerk" => Some(ItemField::ClerkId),
            "reviewer" => Some(ItemField::ReviewerId),
            "signer" => Some(ItemField::SignerId),
            "url" => Some(ItemField::PublishedUrl),
            _ => None,
        };
        alias.or_else(|| {
            ItemField::ALL
                .into_iter()
                .find(|f| f.key() == name || f.label_zh() == name)
        })
    }

    /// Fields that only the workflow changes (transitions, sign-off, publication); a save
    /// keeps their stored values.
    pub fn is_workflow_managed(self) -> bool {
        matches!(
            self,
            ItemField::Status
                | ItemField::StatusNote
                | ItemField::ChangedAfterSignoff
                | ItemField::PublishedUrl
        )
    }

    /// Fields a sign-off covers: what is published and what it is judged on. Left out are the
    /// workflow's own fields, internal notes and tracking (assignments, due date, source), and
    /// facts recorded after publication (发布日期, 有效性), which do not change what was signed.
    pub fn is_signed_content(self) -> bool {
        !self.is_workflow_managed()
            && !matches!(
                self,
                ItemField::Notes
                    | ItemField::Source
                    | ItemField::DueDate
                    | ItemField::ClerkId
                    | ItemField::ReviewerId
                    | ItemField::SignerId
                    | ItemField::DatePublished
                    | ItemField::Validity
            )
    }

    pub fn shape(self) -> FieldShape {
        match self {
            ItemField::Keywords
            | ItemField::Channels
            | ItemField::CoDepartmentIds
            | ItemField::OtherResponsible
            | ItemField::Attachments
            | ItemField::Links => FieldShape::Set,
            _ => FieldShape::Register,
        }
    }
}

/// A field's value could not be taken.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{field}: {message}")]
pub struct FieldValueError {
    pub field: &'static str,
    pub code: &'static str,
    pub message: String,
}

fn to_json<T: Serialize>(value: &T) -> Value {
    serde_json::to_value(value).unwrap_or(Value::Null)
}

impl Item {
    /// The field's value as JSON (strings, dates as "YYYY-MM-DD", enums as their keys, sets as arrays).
    pub fn get(&self, field: ItemField) -> Value {
        match field {
            ItemField::IndexNo => to_json(&self.index_no),
            ItemField::Title => to_json(&self.title),
            ItemField::CategoryId => to_json(&self.category_id),
            ItemField::Summary => to_json(&self.summary),
            ItemField::Elements => to_json(&self.elements),
            ItemField::LegalBasis => to_json(&self.legal_basis),
            ItemField::IssuingBody => to_json(&self.issuing_body),
            ItemField::DocNo => to_json(&self.doc_no),
            ItemField::SubjectCategory => to_json(&self.subject_category),
            ItemField::Keywords => to_json(&self.keywords),
            ItemField::DateWritten => to_json(&self.date_written),
            ItemField::DateFormed => to_json(&self.date_formed),
            ItemField::DatePublished => to_json(&self.date_published),
            ItemField::DueDate => to_json(&self.due_date),
            ItemField::Validity => to_json(&self.validity),
            ItemField::Disclosure => to_json(&self.disclosure),
            ItemField::WithheldReason => to_json(&self.withheld_reason),
            ItemField::WithheldNote => to_json(&self.withheld_note),
            ItemField::Audience => to_json(&self.audience),
            ItemField::Channels => to_json(&self.channels),
            ItemField::Level => to_json(&self.level),
            ItemField::LeadDepartmentId => to_json(&self.lead_department_id),
            ItemField::CoDepartmentIds => to_json(&self.co_department_ids),
            ItemField::OtherResponsible => to_json(&self.other_responsible),
            ItemField::ClerkId => to_json(&self.clerk_id),
            ItemField::ReviewerId => to_json(&self.reviewer_id),
            ItemField::SignerId => to_json(&self.signer_id),
            ItemField::CommentStart => to_json(&self.comment_start),
            ItemField::CommentEnd => to_json(&self.comment_end),
            ItemField::Attachments => to_json(&self.attachments),
            ItemField::Links => to_json(&self.links),
            ItemField::Status => to_json(&self.status),
            ItemField::StatusNote => to_json(&self.status_note),
            ItemField::ChangedAfterSignoff => to_json(&self.changed_after_signoff),
            ItemField::PublishedUrl => to_json(&self.published_url),
            ItemField::Notes => to_json(&self.notes),
            ItemField::Source => to_json(&self.source),
        }
    }

    /// Sets a field from its JSON form (as produced by [`Item::get`]).
    pub fn set(&mut self, field: ItemField, value: Value) -> Result<(), FieldValueError> {
        fn take<T: for<'de> Deserialize<'de>>(
            field: ItemField,
            value: Value,
        ) -> Result<T, FieldValueError> {
            serde_json::from_value(value).map_err(|e| FieldValueError {
                field: field.key(),
                code: "invalid_value",
                message: format!("not a valid value for {}: {e}", field.label_zh()),
            })
        }
        match field {
            ItemField::IndexNo => self.index_no = take(field, value)?,
            ItemField::Title => self.title = take(field, value)?,
            ItemField::CategoryId => self.category_id = take(field, value)?,
            ItemField::Summary => self.summary = take(field, value)?,
            ItemField::Elements => self.elements = take(field, value)?,
            ItemField::LegalBasis => self.legal_basis = take(field, value)?,
            ItemField::IssuingBody => self.issuing_body = take(field, value)?,
            ItemField::DocNo => self.doc_no = take(field, value)?,
            ItemField::SubjectCategory => self.subject_category = take(field, value)?,
            ItemField::Keywords => self.keywords = take(field, value)?,
            ItemField::DateWritten => self.date_written = take(field, value)?,
            ItemField::DateFormed => self.date_formed = take(field, value)?,
            ItemField::DatePublished => self.date_published = take(field, value)?,
            ItemField::DueDate => self.due_date = take(field, value)?,
            ItemField::Validity => self.validity = take(field, value)?,
            ItemField::Disclosure => self.disclosure = take(field, value)?,
            ItemField::WithheldReason => self.withheld_reason = take(field, value)?,
            ItemField::WithheldNote => self.withheld_note = take(field, value)?,
            ItemField::Audience => self.audience = take(field, value)?,
            ItemField::Channels => self.channels = take(field, value)?,
            ItemField::Level => self.level = take(field, value)?,
            ItemField::LeadDepartmentId => self.lead_department_id = take(field, value)?,
            ItemField::CoDepartmentIds => self.co_department_ids = take(field, value)?,
            ItemField::OtherResponsible => self.other_responsible = take(field, value)?,
            ItemField::ClerkId => self.clerk_id = take(field, value)?,
            ItemField::ReviewerId => self.reviewer_id = take(field, value)?,
            ItemField::SignerId => self.signer_id = take(field, value)?,
            ItemField::CommentStart => self.comment_start = take(field, value)?,
            ItemField::CommentEnd => self.comment_end = take(field, value)?,
            ItemField::Attachments => self.attachments = take(field, value)?,
            ItemField::Links => self.links = take::<Vec<ItemLink>>(field, value)?,
            ItemField::Status => self.status = take(field, value)?,
            ItemField::StatusNote => self.status_note = take(field, value)?,
            ItemField::ChangedAfterSignoff => self.changed_after_signoff = take(field, value)?,
            ItemField::PublishedUrl => self.published_url = take(field, value)?,
            ItemField::Notes => self.notes = take(field, value)?,
            ItemField::Source => self.source = take(field, value)?,
        }
        Ok(())
    }
}

/// One change of one field, as the operation log records it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FieldChange {
    Set {
        field: ItemField,
        old: Value,
        new: Value,
    },
    Add {
        field: ItemField,
        element: Value,
    },
    Remove {
        field: ItemField,
        element: Value,
    },
}

impl FieldChange {
    pub fn field(&self) -> ItemField {
        match self {
            FieldChange::Set { field, .. }
            | FieldChange::Add { field, .. }
            | FieldChange::Remove { field, .. } => *field,
        }
    }
}

/// The changes that turn `old` into `new`, field by field, sets element by element.
pub fn diff(old: &Item, new: &Item) -> Vec<FieldChange> {
    let mut changes = Vec::new();
    for field in ItemField::ALL {
        let (before, after) = (old.get(field), new.get(field));
        if before == after {
            continue;
        }
        match field.shape() {
            FieldShape::Register => changes.push(FieldChange::Set {
                field,
                old: before,
                new: after,
            }),
            FieldShape::Set => {
                let empty = Vec::new();
                let before = before.as_array().unwrap_or(&empty);
                let after = after.as_array().unwrap_or(&empty);
                for element in before.iter().filter(|e| !after.contains(e)) {
                    changes.push(FieldChange::Remove {
                        field,
                        element: element.clone(),
                    });
                }
                for element in after.iter().filter(|e| !before.contains(e)) {
                    changes.push(FieldChange::Add {
                        field,
                        element: element.clone(),
                    });
                }
            }
        }
    }
    changes
}

/// Parses a date as people write it: 2019-03-05, 2019/3/5, 2019.3.5, 20190305, 2019年3月5日.
/// A date that does not exist (2019-02-30) is refused with a message saying so.
pub fn parse_date(text: &str) -> Result<NaiveDate, String> {
    let t = crate::text::fold(text.trim());
    if t.is_empty() {
        return Err("empty date".into());
    }
    let parts: Vec<&str> = if t.len() == 8 && t.chars().all(|c| c.is_ascii_digit()) {
        vec![&t[0..4], &t[4..6], &t[6..8]]
    } else {
        t.split(['-', '/', '.', '年', '月', '日'])
            .filter(|p| !p.is_empty())
            .collect()
    };
    let numbers: Option<Vec<u32>> = parts.iter().map(|p| p.trim().parse().ok()).collect();
    match numbers.as_deref() {
        Some([y, m, d]) if (1900..=2200).contains(y) => NaiveDate::from_ymd_opt(*y as i32, *m, *d)
            .ok_or_else(|| {
                format!("{text} is not a date that exists (check the month and the day)")
            }),
        _ => Err(format!(
            "{text} is not a date: write it as YYYY-MM-DD, e.g. 2019-03-05"
        )),
    }
}

/// Splits a list typed by a person: 、 ， , ； ; and line breaks all separate.
pub fn split_list(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for part in text.split(['、', '，', ',', '；', ';', '\n']) {
        let part = part.trim();
        if !part.is_empty() && !out.iter().any(|p| p == part) {
            out.push(part.to_string());
        }
    }
    out
}

/// Parses an enum value from its key or its Chinese name.
pub fn parse_enum_value(field: ItemField, text: &str) -> Option<Value> {
    let t = crate::text::fold(text.trim());
    let key = match field {
        ItemField::Validity => match t.as_str() {
            "有效" | "valid" => "valid",
            "失效" | "expired" => "expired",
            "废止" | "repealed" => "repealed",
            _ => return None,
        },
        ItemField::Disclosure => {
            let disclosure = Disclosure::ALL
                .into_iter()
                .find(|d| {
                    let key = to_json(d);
                    key.as_str() == Some(t.as_str()) || disclosure_label_zh(*d) == t
                })
                // Ledgers often say 部分公开 for a document published in part.
                .or((t == "部分公开").then_some(Disclosure::Redacted))?;
            return Some(to_json(&disclosure));
        }
        ItemField::Audience => match t.as_str() {
            "全社会" | "public" => "public",
            "特定群体" | "specific_group" => "specific_group",
            _ => return None,
        },
        ItemField::Status => {
            let status = Status::ALL
                .into_iter()
                .find(|s| {
                    let key = to_json(s);
                    key.as_str() == Some(t.as_str()) || status_label_zh(*s) == t
                })
                // Ledgers written before the word changed.
                .or((t == "已撤回").then_some(Status::Withdrawn))?;
            return Some(to_json(&status));
        }
        ItemField::WithheldReason => {
            let reason = WithheldReason::ALL.into_iter().find(|r| {
                let key = to_json(r);
                key.as_str() == Some(t.as_str()) || withheld_reason_label_zh(*r) == t
            })?;
            return Some(to_json(&reason));
        }
        _ => return None,
    };
    Some(Value::String(key.to_string()))
}

/// 公开属性 as offices write it (the ledger's column, the CLI's table).
pub fn disclosure_label_zh(disclosure: Disclosure) -> &'static str {
    match disclosure {
        Disclosure::Proactive => "主动公开",
        Disclosure::OnRequest => "依申请公开",
        Disclosure::Withheld => "不予公开",
        Disclosure::Redacted => "删减后公开",
    }
}

pub fn status_label_zh(status: Status) -> &'static str {
    match status {
        Status::Draft => "草稿",
        Status::InReview => "审查中",
        Status::AwaitingSignoff => "待签批",
        Status::SignedOff => "已签批",
        Status::Exported => "已导出",
        Status::Published => "已发布",
        // Not 撤回: OA users read that as recalling their own submission.
        Status::Withdrawn => "已撤销公开",
        Status::NotDisclosed => "不予公开",
    }
}

impl WithheldReason {
    pub const ALL: [WithheldReason; 9] = [
        WithheldReason::StateSecret,
        WithheldReason::LawForbids,
        WithheldReason::SecurityStability,
        WithheldReason::TradeSecret,
        WithheldReason::Privacy,
        WithheldReason::InternalAffairs,
        WithheldReason::ProcessInformation,
        WithheldReason::EnforcementCaseFile,
        WithheldReason::OnRequestOnly,
    ];
}

pub fn withheld_reason_label_zh(reason: WithheldReason) -> &'static str {
    match reason {
        WithheldReason::StateSecret => "国家秘密",
        WithheldReason::LawForbids => "法律行政法规禁止公开",
        WithheldReason::SecurityStability => "危及三安全一稳定",
        WithheldReason::TradeSecret => "商业秘密",
        WithheldReason::Privacy => "个人隐私",
        WithheldReason::InternalAffairs => "内部事务信息",
        WithheldReason::ProcessInformation => "过程性信息",
        WithheldReason::EnforcementCaseFile => "行政执法案卷",
        WithheldReason::OnRequestOnly => "依申请公开",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_date(input: &str, expected: Result<&str, &str>) {
        let got = parse_date(input).map(|d| d.to_string());
        match expected {
            Ok(date) => assert_eq!(got.as_deref(), Ok(date), "{input}"),
            Err(fragment) => {
                let message = got.expect_err(input);
                assert!(message.contains(fragment), "{input}: {message}");
            }
        }
    }

    #[test]
    fn dates() {
        check_date("2019-03-05", Ok("2019-03-05"));
        check_date("2019/3/5", Ok("2019-03-05"));
        check_date("2019.3.5", Ok("2019-03-05"));
        check_date("20190305", Ok("2019-03-05"));
        check_date("2019年3月5日", Ok("2019-03-05"));
        check_date("２０１９－０３－０５", Ok("2019-03-05"));
        check_date("2020-02-29", Ok("2020-02-29"));
        check_date("2019-02-29", Err("not a date that exists"));
        check_date("2019-02-30", Err("not a date that exists"));
        check_date("2019-13-01", Err("not a date that exists"));
        check_date("next week", Err("YYYY-MM-DD"));
        check_date("19-3-5", Err("YYYY-MM-DD"));
        check_date("", Err("empty"));
    }

    #[test]
    fn field_names_round_trip() {
        for field in ItemField::ALL {
            assert_eq!(ItemField::parse(field.key()), Some(field));
            assert_eq!(ItemField::parse(field.label_zh()), Some(field));
            let json = serde_json::to_value(field).unwrap_or_default();
            assert_eq!(json.as_str(), Some(field.key()));
        }
        assert_eq!(ItemField::parse("lead"), Some(ItemField::LeadDepartmentId));
        assert_eq!(ItemField::parse("nonsense"), None);
    }

    #[test]
    fn get_set_round_trip_every_field() {
        let mut item = Item::blank("a".into());
        item.title = "标题".into();
        item.keywords = vec!["招生".into()];
        item.date_written = NaiveDate::from_ymd_opt(2019, 3, 5);
        item.links = vec![ItemLink {
            target_id: "b".into(),
            kind: crate::model::LinkKind::Interpretation,
        }];
        let mut copy = Item::blank("a".into());
        for field in ItemField::ALL {
            copy.set(field, item.get(field))
                .unwrap_or_else(|e| panic!("{e}"));
        }
        assert_eq!(copy, item);
    }

    #[test]
    fn diff_reports_registers_and_set_elements() {
        let old = Item::blank("a".into());
        let mut new = old.clone();
        new.doc_no = "大教发〔2019〕1号".into();
        new.channels = vec!["政府网站".into()];
        let changes = diff(&old, &new);
        assert_eq!(
            changes,
            vec![
                FieldChange::Set {
                    field: ItemField::DocNo,
                    old: Value::String(String::new()),
                    new: Value::String("大教发〔2019〕1号".into())
                },
                FieldChange::Add {
                    field: ItemField::Channels,
                    element: Value::String("政府网站".into())
                },
            ]
        );
        assert!(diff(&new, &new).is_empty());
    }

    #[test]
    fn enum_values_from_chinese() {
        let check = |field, text: &str, key: Option<&str>| {
            assert_eq!(
                parse_enum_value(field, text),
                key.map(|k| Value::String(k.into())),
                "{text}"
            )
        };
        check(ItemField::Disclosure, "不予公开", Some("withheld"));
        check(ItemField::Disclosure, "依申請公開", Some("on_request"));
        check(ItemField::Disclosure, "删减后公开", Some("redacted"));
        check(ItemField::Disclosure, "刪減後公開", Some("redacted"));
        check(ItemField::Disclosure, " 部分公开 ", Some("redacted"));
        check(ItemField::Disclosure, "Redacted", Some("redacted"));
        check(ItemField::Disclosure, "删减公开", None);
        check(ItemField::Validity, "废止", Some("repealed"));
        check(ItemField::Status, "待签批", Some("awaiting_signoff"));
        check(ItemField::Status, "in_review", Some("in_review"));
        check(
            ItemField::WithheldReason,
            "过程性信息",
            Some("process_information"),
        );
        check(ItemField::Status, "finished", None);
    }

    #[test]
    fn lists_split_on_every_separator() {
        assert_eq!(
            split_list("政府网站、政务微信，公开查阅点;政府网站"),
            vec!["政府网站", "政务微信", "公开查阅点"]
        );
    }
}
