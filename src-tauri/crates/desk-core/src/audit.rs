//! The catalog-wide log as a CSV file that opens in Excel and WPS.

use crate::fields::ItemField;
use crate::ops::{EntityKind, OpKind};
use crate::query::AuditEntry;
use serde_json::Value;

const HEADER: [&str; 11] = [
    "时间(UTC)",
    "操作人",
    "操作人ID",
    "电脑",
    "对象类型",
    "对象",
    "对象ID",
    "操作",
    "字段",
    "原值",
    "新值",
];

/// CSV with a byte-order mark (so Excel reads UTF-8) and CRLF line ends.
pub fn audit_csv(entries: &[AuditEntry]) -> String {
    let mut out = String::from("\u{feff}");
    push_row(&mut out, HEADER.iter().map(|h| h.to_string()));
    for e in entries {
        let h = &e.entry;
        push_row(
            &mut out,
            [
                h.at.clone(),
                h.author_name.clone(),
                h.author_id.clone(),
                h.device_id.clone(),
                entity_label_zh(e.entity).to_string(),
                e.entity_label.clone().unwrap_or_default(),
                e.entity_id.clone(),
                kind_label_zh(h.kind).to_string(),
                h.field.as_deref().map(field_label).unwrap_or_default(),
                value_text(&h.old_value),
                // A key event says what it did; the roster's signed text would say nothing.
                if e.key_events.is_empty() {
                    value_text(&h.new_value)
                } else {
                    e.key_events
                        .iter()
                        .map(|k| k.text_zh())
                        .collect::<Vec<_>>()
                        .join("；")
                },
            ]
            .into_iter(),
        );
    }
    out
}

/// A field key as people read it: 文号 for `doc_no`, 检查项 for `check:<key>`.
pub fn field_label(key: &str) -> String {
    if let Some(check) = key.strip_prefix("check:") {
        return format!("检查项:{check}");
    }
    ItemField::parse(key)
        .map(|f| f.label_zh().to_string())
        .unwrap_or_else(|| key.to_string())
}

/// What kind of thing an operation is about, as people call it.
pub fn entity_label_zh(entity: EntityKind) -> &'static str {
    match entity {
        EntityKind::Item => "事项",
        EntityKind::Department => "部门",
        EntityKind::Person => "人员",
        EntityKind::Category => "类别",
        EntityKind::Setting => "设置",
        EntityKind::Template => "审查清单模板",
        EntityKind::Signoff => "签批",
        EntityKind::Bundle => "导出包",
        EntityKind::Roster => "人员名册（办公室签名）",
        EntityKind::KeyRequest => "个人密钥申请",
        EntityKind::Unknown => "新版本的内容",
    }
}

fn kind_label_zh(kind: OpKind) -> &'static str {
    match kind {
        OpKind::Create => "创建",
        OpKind::Set => "修改",
        OpKind::Add => "添加",
        OpKind::Remove => "移除",
        OpKind::Delete => "删除",
        OpKind::Unknown => "新版本的修改",
    }
}

fn value_text(value: &Value) -> String {
    match value {
        Value::Null => String::new(),
        Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

fn push_row(out: &mut String, cells: impl Iterator<Item = String>) {
    for (i, cell) in cells.enumerate() {
        if i > 0 {
            out.push(',');
        }
        out.push_str(&csv_cell(&cell));
    }
    out.push_str("\r\n");
}

/// Quotes when needed, and defuses text a spreadsheet would run as a formula.
fn csv_cell(text: &str) -> String {
    let text = if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    };
    if text.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", text.replace('"', "\"\""))
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::ops::HistoryEntry;

    fn entry(field: &str, old: Value, new: Value) -> AuditEntry {
        AuditEntry {
            entry: HistoryEntry {
                op_id: "d:1".into(),
                at: "2026-11-25T02:00:00Z".into(),
                author_id: "p1".into(),
                author_name: "王芳".into(),
                device_id: "d".into(),
                kind: OpKind::Set,
                field: Some(field.into()),
                old_value: old,
                new_value: new,
            },
            entity: EntityKind::Item,
            entity_id: "i1".into(),
            entity_label: Some("关于\"招生\"的通知, 2019".into()),
            key_events: Vec::new(),
        }
    }

    #[test]
    fn quotes_commas_quotes_and_line_breaks() {
        let csv = audit_csv(&[entry(
            "summary",
            Value::String("第一行\n第二行".into()),
            Value::String("=HYPERLINK(\"x\")".into()),
        )]);
        assert!(csv.starts_with('\u{feff}'));
        let lines: Vec<&str> = csv.trim_start_matches('\u{feff}').split("\r\n").collect();
        assert_eq!(lines[0], HEADER.join(","));
        assert!(
            lines[1].contains("\"关于\"\"招生\"\"的通知, 2019\""),
            "{}",
            lines[1]
        );
        assert!(lines[1].contains("内容概述"));
        assert!(lines[1].contains("\"第一行\n第二行\""));
        assert!(
            lines[1].ends_with("\"'=HYPERLINK(\"\"x\"\")\""),
            "{}",
            lines[1]
        );
    }

    #[test]
    fn field_labels() {
        assert_eq!(field_label("doc_no"), "文号");
        assert_eq!(field_label("check:secrecy_review"), "检查项:secrecy_review");
        assert_eq!(field_label("unknown"), "unknown");
    }
}
