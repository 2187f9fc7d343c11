//! Readable text for the terminal: names instead of ids, Chinese labels with their keys, and
//! columns that line up when they hold Chinese.

use crate::{Failure, Outcome};
use desk_core::checklist::CheckState;
use desk_core::model::{Category, Department, Person, Role, Status};
use desk_core::ops::{HistoryEntry, OpKind};
use serde::Serialize;
use serde_json::Value;
use std::collections::HashMap;

/// The serialized key of an enum value (`in_review`, `section_head` …).
pub fn key_of<T: Serialize>(value: &T) -> String {
    match serde_json::to_value(value) {
        Ok(Value::String(key)) => key,
        _ => String::new(),
    }
}

/// `审查中 (in_review)`.
pub fn status_text(status: Status) -> String {
    format!(
        "{} ({})",
        desk_core::fields::status_label_zh(status),
        key_of(&status)
    )
}

pub fn state_text(state: CheckState) -> String {
    format!("{} ({})", state.label_zh(), state.key())
}

pub fn role_label_zh(role: Role) -> &'static str {
    match role {
        Role::Clerk => "信息员",
        Role::SectionHead => "处室负责人",
        Role::Coordinator => "政务公开办",
        Role::WebTeam => "网站管理员",
    }
}

/// A role as people type it: the key (`section_head`, `section-head`) or the Chinese name.
pub fn parse_role(text: &str) -> Option<Role> {
    let folded = desk_core::text::fold(text.trim()).replace('-', "_");
    match folded.as_str() {
        "clerk" | "信息员" | "经办人" => Some(Role::Clerk),
        "section_head" | "head" | "处室负责人" | "负责人" => Some(Role::SectionHead),
        "coordinator" | "office" | "政务公开办" | "公开办" | "协调员" => {
            Some(Role::Coordinator)
        }
        "web_team" | "web" | "网站管理员" | "网站" => Some(Role::WebTeam),
        _ => None,
    }
}

/// Columns a terminal gives the text: CJK and full-width characters take two.
pub fn width(text: &str) -> usize {
    text.chars()
        .map(|c| {
            let wide = matches!(c as u32,
                0x1100..=0x115F | 0x2E80..=0x303E | 0x3040..=0xA4CF | 0xAC00..=0xD7A3
                | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60 | 0xFFE0..=0xFFE6
                | 0x20000..=0x3FFFD);
            if wide {
                2
            } else {
                1
            }
        })
        .sum()
}

/// Pads with spaces to `columns` (left-aligned).
pub fn pad(text: &str, columns: usize) -> String {
    let mut out = text.to_string();
    out.push_str(&" ".repeat(columns.saturating_sub(width(text))));
    out
}

/// Pads on the left (right-aligned numbers).
pub fn pad_left(text: &str, columns: usize) -> String {
    format!("{}{text}", " ".repeat(columns.saturating_sub(width(text))))
}

/// At most `max` characters, with an ellipsis when cut; line breaks shown as ⏎.
pub fn short(text: &str, max: usize) -> String {
    let flat = text.replace("\r\n", "⏎").replace('\n', "⏎");
    if flat.chars().count() <= max {
        flat
    } else {
        let cut: String = flat.chars().take(max).collect();
        format!("{cut}…")
    }
}

/// The registry, to show names where the data holds ids.
pub struct Registry {
    pub people: Vec<Person>,
    pub departments: Vec<Department>,
    pub categories: Vec<Category>,
}

impl Registry {
    pub fn load(catalog: &desk_store::Catalog) -> Result<Registry, Failure> {
        Ok(Registry {
            people: catalog.people()?,
            departments: catalog.departments()?,
            categories: catalog.categories()?,
        })
    }

    /// A person's name for a person id or author id (`os:<user>` shows the user).
    pub fn person_name(&self, id: &str) -> String {
        self.people
            .iter()
            .find(|p| p.id == id)
            .map(|p| p.name.clone())
            .unwrap_or_else(|| id.strip_prefix("os:").unwrap_or(id).to_string())
    }

    pub fn department_name(&self, id: &str) -> String {
        self.departments
            .iter()
            .find(|d| d.id == id)
            .map(|d| d.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    pub fn category_name(&self, id: &str) -> String {
        self.categories
            .iter()
            .find(|c| c.id == id)
            .map(|c| c.name.clone())
            .unwrap_or_else(|| id.to_string())
    }

    /// `王芳 (规法处) 信息员, 处室负责人`.
    pub fn person_line(&self, person: &Person) -> String {
        let department = person
            .department_id
            .as_deref()
            .map(|d| format!(" ({})", self.department_name(d)))
            .unwrap_or_default();
        let roles: Vec<String> = person
            .roles
            .iter()
            .map(|r| format!("{} {}", role_label_zh(*r), key_of(r)))
            .collect();
        format!("{}{department}  {}", person.name, roles.join(", "))
    }
}

pub use desk_core::audit::entity_label_zh;

/// Check keys to their labels, for history lines about `check:<key>`.
pub type CheckLabels = HashMap<String, String>;

/// A field's name as people read it: 文号, 检查项 政治关 (check_political).
pub fn field_text(field: &str, checks: &CheckLabels) -> String {
    if let Some(key) = field.strip_prefix("check:") {
        return match checks.get(key) {
            Some(label) => format!("检查项 {label} ({key})"),
            None => format!("检查项 {key}"),
        };
    }
    if field == desk_core::workflow::CHECKLIST_FIELD {
        return "审查清单".into();
    }
    desk_core::audit::field_label(field)
}

/// One value of one field as people read it: names for ids, labels for keys, a check mark as
/// its state and note.
pub fn value_text(field: Option<&str>, value: &Value, registry: &Registry) -> String {
    let field = field.unwrap_or("");
    let strings = |value: &Value| -> Vec<String> {
        match value {
            Value::Array(list) => list
                .iter()
                .map(|v| {
                    v.as_str()
                        .map(String::from)
                        .unwrap_or_else(|| v.to_string())
                })
                .collect(),
            Value::String(s) => vec![s.clone()],
            _ => Vec::new(),
        }
    };
    match (field, value) {
        (_, Value::Null) => "—".into(),
        ("status", Value::String(key)) => Status::ALL
            .into_iter()
            .find(|s| key_of(s) == *key)
            .map(status_text)
            .unwrap_or_else(|| key.clone()),
        ("clerk_id" | "reviewer_id" | "signer_id", Value::String(id)) => registry.person_name(id),
        ("lead_department_id" | "co_department_ids", _) => strings(value)
            .iter()
            .map(|id| registry.department_name(id))
            .collect::<Vec<_>>()
            .join("、"),
        ("category_id", Value::String(id)) => registry.category_name(id),
        ("disclosure", Value::String(key)) => desk_core::model::Disclosure::ALL
            .into_iter()
            .find(|d| key_of(d) == *key)
            .map(|d| format!("{} ({key})", desk_core::fields::disclosure_label_zh(d)))
            .unwrap_or_else(|| key.clone()),
        ("validity" | "audience" | "withheld_reason", Value::String(key)) => {
            let label = match key.as_str() {
                "valid" => "有效",
                "expired" => "失效",
                "repealed" => "废止",
                "public" => "全社会",
                "specific_group" => "特定群体",
                _ => desk_core::model::WithheldReason::ALL
                    .into_iter()
                    .find(|r| key_of(r) == *key)
                    .map(desk_core::fields::withheld_reason_label_zh)
                    .unwrap_or(""),
            };
            if label.is_empty() {
                key.clone()
            } else {
                format!("{label} ({key})")
            }
        }
        ("changed_after_signoff", _) => {
            let fields: Vec<String> = strings(value)
                .iter()
                .map(|f| field_text(f, &CheckLabels::new()))
                .collect();
            if fields.is_empty() {
                "—".into()
            } else {
                fields.join("、")
            }
        }
        ("attachments", Value::Object(attachment)) => format!(
            "{} ({})",
            attachment.get("name").and_then(Value::as_str).unwrap_or(""),
            short(
                attachment
                    .get("sha256")
                    .and_then(Value::as_str)
                    .unwrap_or(""),
                12
            )
        ),
        ("links", Value::Object(link)) => format!(
            "{} ({})",
            link.get("target_id").and_then(Value::as_str).unwrap_or(""),
            link.get("kind").and_then(Value::as_str).unwrap_or("")
        ),
        ("checklist", Value::Object(template)) => format!(
            "{} v{}",
            template
                .get("template_id")
                .and_then(Value::as_str)
                .unwrap_or(""),
            template.get("version").and_then(Value::as_u64).unwrap_or(0)
        ),
        (f, Value::Object(mark)) if f.starts_with("check:") => {
            let state = mark
                .get("state")
                .and_then(Value::as_str)
                .and_then(CheckState::parse)
                .map(state_text)
                .unwrap_or_default();
            let note = mark.get("note").and_then(Value::as_str).unwrap_or("");
            if note.is_empty() {
                state
            } else {
                format!("{state}「{}」", short(note, 60))
            }
        }
        (_, Value::String(s)) if s.is_empty() => "\"\"".into(),
        (_, Value::String(s)) => short(s, 60),
        (_, Value::Array(_)) => short(&strings(value).join("、"), 60),
        (_, other) => short(&other.to_string(), 60),
    }
}

/// One change as a line: `文号: "" → 大教发〔2019〕12号`.
pub fn change_text(entry: &HistoryEntry, registry: &Registry, checks: &CheckLabels) -> String {
    let field = entry.field.as_deref();
    let label = field.map(|f| field_text(f, checks)).unwrap_or_default();
    let old = value_text(field, &entry.old_value, registry);
    let new = value_text(field, &entry.new_value, registry);
    match entry.kind {
        OpKind::Create => {
            let name = entry
                .new_value
                .get("title")
                .or_else(|| entry.new_value.get("name"))
                .and_then(Value::as_str)
                .unwrap_or("");
            format!("创建 (created) {}", short(name, 60))
        }
        OpKind::Set => format!("{label}: {old} → {new}"),
        OpKind::Add => format!("{label} + {new}"),
        OpKind::Remove => format!("{label} − {old}"),
        OpKind::Delete => "删除 (deleted)".into(),
        OpKind::Unknown => "较新版本的修改 (a newer version's change, kept aside)".into(),
    }
}

/// Prints lines, or nothing but a note when there are none.
pub fn print_lines(lines: &[String], when_empty: &str) -> Outcome {
    if lines.is_empty() {
        outln!("{when_empty}");
    }
    for line in lines {
        outln!("{line}");
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn widths_and_padding() {
        assert_eq!(width("规法处"), 6);
        assert_eq!(width("abc"), 3);
        assert_eq!(pad("规法处", 8), "规法处  ");
        assert_eq!(pad_left("7", 3), "  7");
        assert_eq!(short("一二三四", 2), "一二…");
    }

    #[test]
    fn roles_in_either_language() {
        assert_eq!(parse_role("section-head"), Some(Role::SectionHead));
        assert_eq!(parse_role("處室負責人"), Some(Role::SectionHead));
        assert_eq!(parse_role(" Clerk "), Some(Role::Clerk));
        assert_eq!(parse_role("web_team"), Some(Role::WebTeam));
        assert_eq!(parse_role("boss"), None);
    }
}
