//! Chinese full-text search with SQLite FTS5.
//!
//! Chinese has no spaces between words and clerks search for two-character words (招生, 解读),
//! which FTS5's trigram tokenizer cannot find. So the index holds overlapping character bigrams
//! of the folded text (traditional → simplified, full-width → half-width, lower case), each
//! written as an ASCII token (`62dbx751f` for 招生) that the plain unicode61 tokenizer keeps
//! whole. A query of n ≥ 2 characters is the phrase of its n−1 bigrams, which matches exactly
//! the texts containing it as a substring; one character is a prefix query on its bigrams. The
//! last character of a field gets an end token, so a single character at the end is found too.

use crate::error::Result;
use desk_core::text::fold;
use rusqlite::{params, Transaction};
use std::fmt::Write;

/// Stands between keywords so that no bigram spans two of them.
const KEYWORD_SEPARATOR: char = '\u{1F}';

fn char_code(c: char) -> String {
    format!("{:x}", c as u32)
}

/// The index tokens of a text, space separated.
pub fn tokens(text: &str) -> String {
    let chars: Vec<char> = normalise(text);
    let mut out = String::with_capacity(chars.len() * 10);
    for (i, c) in chars.iter().enumerate() {
        if *c == KEYWORD_SEPARATOR {
            out.push_str("sep ");
            continue;
        }
        // Written straight into `out`: a string per character was most of indexing's time.
        let _ = write!(out, "{:x}x", *c as u32);
        match chars.get(i + 1) {
            Some(next) if *next != KEYWORD_SEPARATOR => {
                let _ = write!(out, "{:x}", *next as u32);
            }
            _ => out.push('z'),
        }
        out.push(' ');
    }
    out
}

/// Folded characters with whitespace runs collapsed to one space and trimmed.
fn normalise(text: &str) -> Vec<char> {
    let mut chars = Vec::with_capacity(text.len() / 2);
    for c in fold(text).chars() {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && matches!(chars.last(), None | Some(' ')) {
            continue;
        }
        chars.push(c);
    }
    if chars.last() == Some(&' ') {
        chars.pop();
    }
    chars
}

/// The FTS5 MATCH expression for what a person typed; None when there is nothing to search.
/// Space-separated terms must all match.
pub fn match_expression(query: &str) -> Option<String> {
    let terms: Vec<String> = fold(query)
        .split_whitespace()
        .map(|term| {
            let chars: Vec<char> = term.chars().filter(|c| !c.is_control()).collect();
            match chars.as_slice() {
                [] => String::new(),
                [single] => format!("{}x*", char_code(*single)),
                _ => {
                    let bigrams: Vec<String> = chars
                        .windows(2)
                        .map(|pair| format!("{}x{}", char_code(pair[0]), char_code(pair[1])))
                        .collect();
                    format!("\"{}\"", bigrams.join(" "))
                }
            }
        })
        .filter(|t| !t.is_empty())
        .collect();
    (!terms.is_empty()).then(|| terms.join(" AND "))
}

/// The fields an item is found by.
pub struct Searchable<'a> {
    pub title: &'a str,
    pub doc_no: &'a str,
    pub summary: &'a str,
    pub keywords: &'a [String],
}

pub fn index_item(tx: &Transaction, seq: i64, item: &Searchable) -> Result<()> {
    tx.prepare_cached("DELETE FROM item_search WHERE rowid = ?1")?
        .execute(params![seq])?;
    add_entry(tx, seq, item)
}

/// Adds the entry of an item that has none yet (a new row): no delete to look up first.
pub fn add_entry(tx: &Transaction, seq: i64, item: &Searchable) -> Result<()> {
    let keywords = item.keywords.join(&KEYWORD_SEPARATOR.to_string());
    tx.prepare_cached(
        "INSERT INTO item_search (rowid, title, doc_no, summary, keywords) VALUES (?1, ?2, ?3, ?4, ?5)",
    )?
    .execute(params![
        seq,
        tokens(item.title),
        tokens(item.doc_no),
        tokens(item.summary),
        tokens(&keywords)
    ])?;
    Ok(())
}

/// Rebuilds the whole index from the items table (used by the migration that creates it).
pub(crate) fn reindex_all(tx: &Transaction) -> Result<()> {
    tx.execute("DELETE FROM item_search", [])?;
    let rows: Vec<(i64, String, String, String, String)> = {
        let mut stmt = tx.prepare("SELECT seq, id, title, doc_no, summary FROM items")?;
        let rows = stmt.query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?))
        })?;
        rows.collect::<rusqlite::Result<_>>()?
    };
    let mut keywords_stmt = tx.prepare(
        "SELECT value FROM item_sets WHERE item_id = ?1 AND field = 'keywords' ORDER BY position",
    )?;
    for (seq, id, title, doc_no, summary) in rows {
        let keywords: Vec<String> = keywords_stmt
            .query_map(params![id], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?
            .into_iter()
            .map(|json| serde_json::from_str(&json).unwrap_or(json))
            .collect();
        index_item(
            tx,
            seq,
            &Searchable {
                title: &title,
                doc_no: &doc_no,
                summary: &summary,
                keywords: &keywords,
            },
        )?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bigram_tokens_with_end_markers() {
        assert_eq!(tokens("招生"), "62dbx751f 751fxz ");
        assert_eq!(tokens("  招 "), "62dbxz ");
        assert_eq!(tokens(""), "");
    }

    #[test]
    fn traditional_text_and_simplified_queries_meet() {
        assert_eq!(tokens("解讀"), tokens("解读"));
        assert_eq!(match_expression("解讀"), match_expression("解读"));
    }

    #[test]
    fn query_expressions() {
        assert_eq!(match_expression("招生").as_deref(), Some("\"62dbx751f\""));
        assert_eq!(match_expression("招").as_deref(), Some("62dbx*"));
        assert_eq!(
            match_expression("招生 解读").as_deref(),
            Some("\"62dbx751f\" AND \"89e3x8bfb\"")
        );
        assert_eq!(match_expression("   "), None);
        // Quotes typed by a person are characters to find, never FTS5 syntax.
        let quoted = match_expression("\"a\" OR b").unwrap_or_default();
        assert!(!quoted.contains("OR b"), "{quoted}");
    }
}
