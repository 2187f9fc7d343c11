//! Why an item matched a search: the words found in its title, 文号, summary or keywords, with
//! where they are, so the catalog can show and highlight them.
//!
//! The search index matches the folded text (see `text::fold`), one character for one, so a
//! term found in the folded field sits at the same character positions in the field as written.

use crate::text::fold;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum HitField {
    Title,
    DocNo,
    Summary,
    Keywords,
}

/// A stretch of one field holding searched words.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SearchHit {
    pub field: HitField,
    /// The field, or for a long one the part around the first match.
    pub text: String,
    /// Whether `text` starts or ends inside the field (shown as "…").
    pub cut_before: bool,
    pub cut_after: bool,
    /// Each found word as [start, end) in characters of `text`, in order, not overlapping.
    pub marks: Vec<[u32; 2]>,
}

/// Characters kept before the first match: few, as a catalog row has room for little more than
/// the match itself.
const CONTEXT_BEFORE: usize = 6;
/// Characters kept after the first match.
const CONTEXT_AFTER: usize = 40;

/// The search terms of what a person typed, as the index reads them.
fn terms(query: &str) -> Vec<Vec<char>> {
    fold(query)
        .split_whitespace()
        .map(|term| term.chars().filter(|c| !c.is_control()).collect::<Vec<_>>())
        .filter(|term| !term.is_empty())
        .collect()
}

/// Every place a term occurs in `folded`, merged where they touch or overlap.
fn find_all(folded: &[char], terms: &[Vec<char>]) -> Vec<[usize; 2]> {
    let mut found: Vec<[usize; 2]> = Vec::new();
    for term in terms {
        if term.len() > folded.len() {
            continue;
        }
        for start in 0..=folded.len() - term.len() {
            if folded[start..start + term.len()] == term[..] {
                found.push([start, start + term.len()]);
            }
        }
    }
    found.sort_unstable();
    let mut merged: Vec<[usize; 2]> = Vec::with_capacity(found.len());
    for range in found {
        match merged.last_mut() {
            Some(last) if range[0] <= last[1] => last[1] = last[1].max(range[1]),
            _ => merged.push(range),
        }
    }
    merged
}

fn hit(field: HitField, text: &str, terms: &[Vec<char>]) -> Option<SearchHit> {
    let chars: Vec<char> = text.chars().collect();
    let folded: Vec<char> = chars.iter().map(|c| crate::text::fold_char(*c)).collect();
    let found = find_all(&folded, terms);
    let first = found.first()?;
    let from = first[0].saturating_sub(CONTEXT_BEFORE);
    let to = (first[1] + CONTEXT_AFTER).min(chars.len());
    let shown: String = chars[from..to]
        .iter()
        .map(|c| if c.is_whitespace() { ' ' } else { *c })
        .collect();
    let marks = found
        .iter()
        .filter(|range| range[0] >= from && range[1] <= to)
        .map(|range| [(range[0] - from) as u32, (range[1] - from) as u32])
        .collect();
    Some(SearchHit {
        field,
        text: shown,
        cut_before: from > 0,
        cut_after: to < chars.len(),
        marks,
    })
}

/// Where the query's words are in an item's searched fields, title first; fields without any
/// are left out. Keywords are searched one by one, as the index keeps them apart.
pub fn search_hits(
    query: &str,
    title: &str,
    doc_no: &str,
    summary: &str,
    keywords: &[String],
) -> Vec<SearchHit> {
    let terms = terms(query);
    if terms.is_empty() {
        return Vec::new();
    }
    let mut hits: Vec<SearchHit> = [
        (HitField::Title, title),
        (HitField::DocNo, doc_no),
        (HitField::Summary, summary),
    ]
    .into_iter()
    .filter_map(|(field, text)| hit(field, text, &terms))
    .collect();
    let matching: Vec<&str> = keywords
        .iter()
        .filter(|keyword| !find_all(&fold(keyword).chars().collect::<Vec<_>>(), &terms).is_empty())
        .map(String::as_str)
        .collect();
    if !matching.is_empty() {
        hits.extend(hit(HitField::Keywords, &matching.join("、"), &terms));
    }
    hits
}

#[cfg(test)]
mod tests {
    use super::*;

    fn marked(hit: &SearchHit) -> Vec<String> {
        let chars: Vec<char> = hit.text.chars().collect();
        hit.marks
            .iter()
            .map(|[a, b]| chars[*a as usize..*b as usize].iter().collect())
            .collect()
    }

    #[test]
    fn a_word_found_only_in_the_summary_is_shown_there_with_its_context() {
        let summary = "为做好2019年普通高校招生工作，根据教育部有关规定，结合本市实际，现将有关事项通知如下。\
                       各区教育局要按照要求组织报名、体检和志愿填报，并做好宣传解读。";
        let hits = search_hits(
            "招生",
            "关于做好2019年高考工作的通知",
            "大教发〔2019〕3号",
            summary,
            &[],
        );
        assert_eq!(hits.len(), 1);
        let hit = &hits[0];
        assert_eq!(hit.field, HitField::Summary);
        assert_eq!(marked(hit), vec!["招生"]);
        assert!(hit.cut_before && hit.cut_after, "{hit:?}");
        assert!(hit.text.starts_with("9年普通高校招生"), "{hit:?}");
        assert_eq!(hit.text.chars().count(), CONTEXT_BEFORE + 2 + CONTEXT_AFTER);
    }

    #[test]
    fn traditional_full_width_and_upper_case_are_found_and_marked_as_written() {
        let hits = search_hits("招生 ab", "關於做好招生工作的通知（ＡＢ類）", "", "", &[]);
        assert_eq!(hits.len(), 1);
        assert_eq!(marked(&hits[0]), vec!["招生", "ＡＢ"]);
    }

    #[test]
    fn every_field_holding_a_word_is_listed_title_first_and_keywords_one_by_one() {
        let keywords = vec![
            "招生".to_string(),
            "高考".to_string(),
            "考试招生".to_string(),
        ];
        let hits = search_hits(
            "招生 2019",
            "2019年招生简章",
            "招生办〔2019〕1号",
            "",
            &keywords,
        );
        let fields: Vec<HitField> = hits.iter().map(|h| h.field).collect();
        assert_eq!(
            fields,
            vec![HitField::Title, HitField::DocNo, HitField::Keywords]
        );
        assert_eq!(hits[2].text, "招生、考试招生");
        assert_eq!(marked(&hits[1]), vec!["招生", "2019"]);
    }

    #[test]
    fn overlapping_and_repeated_words_are_merged_and_nothing_is_found_in_an_empty_query() {
        let hits = search_hits("公开 开工", "公开工作公开", "", "", &[]);
        assert_eq!(marked(&hits[0]), vec!["公开工", "公开"]);
        assert!(search_hits("  ", "公开", "", "", &[]).is_empty());
        assert!(search_hits("不在", "公开", "", "", &[]).is_empty());
    }

    #[test]
    fn a_match_deep_in_a_long_summary_is_cut_on_both_sides() {
        let summary = format!("{}政策解读{}", "前".repeat(200), "后".repeat(200));
        let hits = search_hits("解读", "", "", &summary, &[]);
        let hit = &hits[0];
        assert!(hit.cut_before && hit.cut_after);
        assert_eq!(marked(hit), vec!["解读"]);
        assert_eq!(hit.text.chars().count(), CONTEXT_BEFORE + 2 + CONTEXT_AFTER);
    }
}
