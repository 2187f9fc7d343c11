//! Publication feedback: the web team's rows (item id or 索引号, address, date published),
//! from CSV or JSON, applied to the catalog.
//!
//! Good rows are applied, bad rows are listed with why, and applying the same file again
//! changes nothing (a row that matches what is recorded is `unchanged`). The file is read whole
//! but bounded; CSV comes from Excel and WPS as often as from scripts, so a byte-order mark,
//! GB18030, CRLF and quoted fields are all expected, and columns are found by their header in
//! English or Chinese.

use crate::error::{ExportError, Result};
use chrono::NaiveDate;
use desk_core::export::{FeedbackOutcome, FeedbackReport, FeedbackResult, FeedbackRow};
use desk_store::Catalog;
use serde_json::Value;
use std::collections::HashMap;
use std::path::Path;

const MAX_FEEDBACK_BYTES: u64 = 32 << 20;

const ITEM_HEADERS: &[&str] = &[
    "item",
    "item_id",
    "id",
    "index_no",
    "索引号",
    "事项",
    "事项编号",
];
const URL_HEADERS: &[&str] = &["url", "address", "link", "网址", "链接", "发布网址", "地址"];
const DATE_HEADERS: &[&str] = &[
    "published_at",
    "published",
    "date",
    "发布日期",
    "发布时间",
    "日期",
];

/// Reads the rows of a feedback file (CSV, or JSON when it starts with `[` or `{`).
pub fn read_rows(path: &Path) -> Result<Vec<FeedbackRow>> {
    let unreadable = |detail: String| ExportError::Unreadable {
        path: path.to_path_buf(),
        detail,
    };
    let size = std::fs::metadata(path)
        .map_err(|e| unreadable(e.to_string()))?
        .len();
    if size > MAX_FEEDBACK_BYTES {
        return Err(unreadable(format!(
            "{size} bytes; a feedback file holds at most {MAX_FEEDBACK_BYTES}"
        )));
    }
    let bytes = std::fs::read(path).map_err(|e| unreadable(e.to_string()))?;
    parse_rows(&bytes)
}

/// The rows of a feedback file's bytes.
pub fn parse_rows(bytes: &[u8]) -> Result<Vec<FeedbackRow>> {
    let text = decode(bytes);
    let trimmed = text.trim_start();
    if trimmed.starts_with('[') || trimmed.starts_with('{') {
        json_rows(trimmed)
    } else {
        csv_rows(&text)
    }
}

fn decode(bytes: &[u8]) -> String {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    match std::str::from_utf8(bytes) {
        Ok(text) => text.to_string(),
        Err(_) => encoding_rs::GB18030.decode(bytes).0.into_owned(),
    }
}

fn header_index(headers: &[String], names: &[&str]) -> Option<usize> {
    headers.iter().position(|h| {
        let h = h.trim().to_lowercase();
        names.iter().any(|n| *n == h)
    })
}

fn csv_rows(text: &str) -> Result<Vec<FeedbackRow>> {
    let records = parse_csv(text)?;
    let mut records = records.into_iter();
    let Some((_, headers)) = records.next() else {
        return Err(ExportError::FeedbackFormat(
            "the file is empty: expect a header row (索引号,网址,发布日期) and one row per item"
                .into(),
        ));
    };
    let columns = (
        header_index(&headers, ITEM_HEADERS),
        header_index(&headers, URL_HEADERS),
        header_index(&headers, DATE_HEADERS),
    );
    let (Some(item), Some(url), Some(date)) = columns else {
        return Err(ExportError::FeedbackFormat(format!(
            "the header row {headers:?} does not name the three columns: an item (id or 索引号), its address (url or 网址) and the date published (published_at or 发布日期)"
        )));
    };
    let cell = |record: &[String], i: usize| {
        record
            .get(i)
            .map(|c| c.trim().to_string())
            .unwrap_or_default()
    };
    Ok(records
        .filter(|(_, r)| r.iter().any(|c| !c.trim().is_empty()))
        .map(|(line, r)| FeedbackRow {
            line,
            item: cell(&r, item),
            url: cell(&r, url),
            published_at: cell(&r, date),
        })
        .collect())
}

/// RFC 4180 records with the line each starts on: quoted fields may hold commas, quotes (as
/// `""`) and line breaks.
fn parse_csv(text: &str) -> Result<Vec<(u32, Vec<String>)>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut line = 1u32;
    let mut start = 1u32;
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                '\n' => {
                    line += 1;
                    field.push(c);
                }
                _ => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => quoted = true,
            ',' => record.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                record.push(std::mem::take(&mut field));
                records.push((start, std::mem::take(&mut record)));
                line += 1;
                start = line;
            }
            _ => field.push(c),
        }
    }
    if quoted {
        return Err(ExportError::FeedbackFormat(format!(
            "a quoted field opened on line {start} is never closed"
        )));
    }
    if !field.is_empty() || !record.is_empty() {
        record.push(field);
        records.push((start, record));
    }
    Ok(records)
}

fn json_rows(text: &str) -> Result<Vec<FeedbackRow>> {
    let value: Value = serde_json::from_str(text)
        .map_err(|e| ExportError::FeedbackFormat(format!("not JSON: {e}")))?;
    let rows = match &value {
        Value::Array(rows) => Some(rows),
        Value::Object(map) => match map.get("rows").or_else(|| map.get("items")) {
            Some(Value::Array(rows)) => Some(rows),
            _ => None,
        },
        _ => None,
    }
    .ok_or_else(|| {
        ExportError::FeedbackFormat("expect an array of rows, or {\"rows\": [...]}".into())
    })?;
    let text_of = |row: &Value, names: &[&str]| {
        names
            .iter()
            .find_map(|n| row.get(*n))
            .map(|v| match v {
                Value::String(s) => s.trim().to_string(),
                Value::Null => String::new(),
                other => other.to_string(),
            })
            .unwrap_or_default()
    };
    Ok(rows
        .iter()
        .enumerate()
        .map(|(i, row)| FeedbackRow {
            line: i as u32 + 1,
            item: text_of(row, ITEM_HEADERS),
            url: text_of(row, URL_HEADERS),
            published_at: text_of(row, DATE_HEADERS),
        })
        .collect())
}

/// The date of `published_at`: a date as people write it, or an RFC 3339 time (its own date).
fn parse_published(text: &str) -> Option<NaiveDate> {
    if let Ok(time) = chrono::DateTime::parse_from_rfc3339(text) {
        return Some(time.date_naive());
    }
    let date_part = text.split([' ', 'T']).next().unwrap_or(text);
    desk_core::fields::parse_date(date_part).ok()
}

/// Applies the rows: each good row marks its item published; bad rows are returned with why.
pub fn apply(catalog: &mut Catalog, rows: Vec<FeedbackRow>) -> Result<FeedbackReport> {
    let mut report = FeedbackReport {
        applied: 0,
        unchanged: 0,
        refused: 0,
        rows: Vec::new(),
    };
    // The same item twice in one file with different values cannot both be right.
    let mut seen: HashMap<String, (String, String)> = HashMap::new();
    for row in rows {
        let refuse = |code: &str, message: String, item_id: Option<String>, row: FeedbackRow| {
            FeedbackResult {
                row,
                outcome: FeedbackOutcome::Refused,
                item_id,
                code: code.to_string(),
                message,
            }
        };
        let result = if row.item.is_empty() {
            refuse(
                "feedback_item_missing",
                "no item id or 索引号".into(),
                None,
                row,
            )
        } else if let Some(item_id) = catalog.item_id_for(&row.item)? {
            let key = (row.url.clone(), row.published_at.clone());
            match seen.get(&item_id) {
                Some(previous) if *previous != key => refuse(
                    "feedback_duplicate_row",
                    "the item is in the file twice with different values".into(),
                    Some(item_id),
                    row,
                ),
                _ => {
                    let result = match parse_published(&row.published_at) {
                        None => refuse(
                            "feedback_bad_date",
                            format!(
                                "{:?} is not a date (2026-11-20, 2026/11/20 or 2026年11月20日)",
                                row.published_at
                            ),
                            Some(item_id),
                            row,
                        ),
                        Some(date) => match catalog.apply_publication(&item_id, &row.url, date)? {
                            Ok(outcome) => FeedbackResult {
                                row,
                                outcome,
                                item_id: Some(item_id),
                                code: String::new(),
                                message: String::new(),
                            },
                            Err(refusal) => {
                                refuse(refusal.code, refusal.message, Some(item_id), row)
                            }
                        },
                    };
                    // Only a row that took effect stands against a later one for the item.
                    if result.outcome != FeedbackOutcome::Refused {
                        if let Some(id) = &result.item_id {
                            seen.insert(id.clone(), key);
                        }
                    }
                    result
                }
            }
        } else {
            let message = format!("no item has the id or 索引号 {:?}", row.item);
            refuse("feedback_unknown_item", message, None, row)
        };
        match result.outcome {
            FeedbackOutcome::Applied => report.applied += 1,
            FeedbackOutcome::Unchanged => report.unchanged += 1,
            FeedbackOutcome::Refused => report.refused += 1,
        }
        report.rows.push(result);
    }
    Ok(report)
}

/// Reads and applies a feedback file.
pub fn import(catalog: &mut Catalog, path: &Path) -> Result<FeedbackReport> {
    let rows = read_rows(path)?;
    apply(catalog, rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_csv(text: &str, expected: &[(&str, &str, &str)]) {
        let rows = parse_rows(text.as_bytes()).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        let got: Vec<(&str, &str, &str)> = rows
            .iter()
            .map(|r| (r.item.as_str(), r.url.as_str(), r.published_at.as_str()))
            .collect();
        assert_eq!(got, expected, "{text:?}");
    }

    #[test]
    fn csv_as_offices_write_it() {
        check_csv(
            "索引号,网址,发布日期\r\nA-1,https://x/1,2026-11-20\r\n",
            &[("A-1", "https://x/1", "2026-11-20")],
        );
        check_csv(
            "\u{feff}url,item,published_at\nhttps://x/1,A-1,2026/11/20\n\n",
            &[("A-1", "https://x/1", "2026/11/20")],
        );
        check_csv(
            "id,url,date,note\n\"A,1\",\"https://x/?a=\"\"b\"\"\", 2026年11月20日 ,\"多\n行\"\n",
            &[("A,1", "https://x/?a=\"b\"", "2026年11月20日")],
        );
        check_csv(
            "ID,URL,Published_At\nA-1,https://x/1,2026-11-20",
            &[("A-1", "https://x/1", "2026-11-20")],
        );
        check_csv(
            r#"[{"index_no": "A-1", "url": "https://x/1", "published_at": "2026-11-20T09:30:00+08:00"}]"#,
            &[("A-1", "https://x/1", "2026-11-20T09:30:00+08:00")],
        );
        check_csv(
            r#"{"rows": [{"item": "A-1", "url": "https://x/1", "published_at": null}]}"#,
            &[("A-1", "https://x/1", "")],
        );
    }

    #[test]
    fn gb18030_csv_from_excel() {
        let (bytes, _, _) =
            encoding_rs::GB18030.encode("索引号,网址,发布日期\r\n甲-1,https://x/1,2026-11-20\r\n");
        let rows = parse_rows(&bytes).unwrap_or_default();
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].item, "甲-1");
    }

    #[test]
    fn files_that_are_not_feedback() {
        for bad in [
            "",
            "名称,备注\n关于…,x\n",
            "索引号,网址,发布日期\n\"A-1,https://x\n",
            "[1, 2",
            "{\"other\": 1}",
        ] {
            let result = parse_rows(bad.as_bytes());
            assert!(
                matches!(result, Err(ExportError::FeedbackFormat(_))),
                "{bad:?}: {result:?}"
            );
        }
    }

    #[test]
    fn published_dates() {
        for (text, expected) in [
            ("2026-11-20", Some("2026-11-20")),
            ("2026/11/2", Some("2026-11-02")),
            ("2026年11月20日", Some("2026-11-20")),
            ("2026-11-20 09:30", Some("2026-11-20")),
            ("2026-11-20T23:30:00+08:00", Some("2026-11-20")),
            ("", None),
            ("昨天", None),
            ("2026-13-01", None),
        ] {
            assert_eq!(
                parse_published(text).map(|d| d.to_string()).as_deref(),
                expected,
                "{text}"
            );
        }
    }
}
