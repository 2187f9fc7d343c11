//! Spotting text damaged by a bad conversion, so the person can fix it before import.
//!
//! Plans are copied between Word, WPS, web pages and e-mail, and each hop can damage a few
//! characters: a replacement character, a private-use glyph, a control byte, the classic
//! `锟斤拷` (UTF-8 replacement bytes read as GBK), Latin-1 letter salad (UTF-8 read as
//! Windows-1252), or a stray ASCII fragment wedged into Chinese words (`加強日;A工作`). The checks
//! look for those signatures only; ordinary mixed text (`政务APP`, `2019年`, `5%`, half-width
//! `,;:` used as Chinese punctuation) is not flagged. Headings get one stricter check (an ASCII
//! letter glued to punctuation between ideographs), since a title has no reason to contain one.

use std::ops::Range;

use super::chars::{is_ideograph, starts_with};

/// The first garbled span in `orig` (folded counterpart `folded`, same length), if any.
/// `heading`: apply the stricter heading checks.
///
/// A span is a maximal run of ASCII symbols and damaged characters, so `日;\u{E2A6}A工` (a
/// private-use character hiding between `;` and `A`, as in the Dalian sample) is one span.
pub(crate) fn garbled_span(orig: &[char], folded: &[char], heading: bool) -> Option<Range<usize>> {
    let n = orig.len().min(folded.len());
    let junk = |i: usize| folded[i].is_ascii_graphic() || is_damaged_char(orig[i]);
    let mut i = 0;
    while i < n {
        if junk(i) {
            let mut end = i;
            while end < n && junk(end) {
                end += 1;
            }
            let damaged = orig[i..end].iter().any(|&c| is_damaged_char(c));
            let wedged =
                i > 0 && is_ideograph(folded[i - 1]) && end < n && is_ideograph(folded[end]);
            let question_marks = orig[i..end].windows(2).any(|w| w == ['?', '?']);
            if damaged || question_marks || (wedged && is_garbled_run(&folded[i..end], heading)) {
                return Some(i..end);
            }
            i = end;
            continue;
        }
        if is_latin_letter_salad(orig[i]) {
            let end = run_end(orig, i, n, is_latin_letter_salad);
            if end - i >= 2 {
                return Some(i..end);
            }
            i = end;
            continue;
        }
        if ["锟斤拷", "烫烫烫", "屯屯屯"]
            .iter()
            .any(|word| starts_with(&orig[..n], i, word))
        {
            return Some(i..i + 3);
        }
        i += 1;
    }
    None
}

/// A garbled span for people: the visible characters as written, and the invisible damaged
/// ones (private-use, controls) separately, since they cannot be shown in the excerpt.
pub(crate) fn describe(span: &[char]) -> (String, Vec<char>) {
    let hidden = |c: char| is_damaged_char(c) && c != '\u{FFFD}';
    let visible = span.iter().filter(|&&c| !hidden(c)).collect();
    let invisible = span.iter().copied().filter(|&c| hidden(c)).collect();
    (visible, invisible)
}

fn run_end(chars: &[char], start: usize, n: usize, pred: impl Fn(char) -> bool) -> usize {
    let mut end = start;
    while end < n && pred(chars[end]) {
        end += 1;
    }
    end
}

/// The replacement character, private-use characters and control characters (other than tab
/// and line breaks).
fn is_damaged_char(c: char) -> bool {
    c == '\u{FFFD}'
        || matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF)
        || (c.is_control() && !matches!(c, '\t' | '\n' | '\r'))
}

/// Latin-1 and Latin Extended letters and symbols, which come in runs when UTF-8 is read as
/// Windows-1252 (`å¤§è¿`); `·×÷°±` are ordinary in Chinese text and excluded.
fn is_latin_letter_salad(c: char) -> bool {
    matches!(c as u32, 0xA1..=0x24F) && !matches!(c, '·' | '×' | '÷' | '°' | '±')
}

fn is_garbled_run(run: &[char], heading: bool) -> bool {
    if run.iter().any(|c| "\\`^~|{}<>@$=".contains(*c)) {
        return true;
    }
    heading
        && run.iter().any(|c| c.is_ascii_alphabetic())
        && run.iter().any(|c| ";'\"?!,*#&_".contains(*c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn check(input: &str, heading: bool, expected: Option<&str>) {
        let orig: Vec<char> = input.chars().collect();
        let folded: Vec<char> = fold(input).chars().collect();
        let got = garbled_span(&orig, &folded, heading).map(|r| orig[r].iter().collect::<String>());
        assert_eq!(
            got.as_deref(),
            expected,
            "input {input:?} heading {heading}"
        );
    }

    #[test]
    fn garbled() {
        let cases: &[(&str, bool, Option<&str>)] = &[
            ("加強日;A工作", true, Some(";A")),
            ("加強日;\u{E2A6}A工作", true, Some(";\u{E2A6}A")),
            ("加強日;\u{E2A6}A工作", false, Some(";\u{E2A6}A")),
            ("加強日；Ａ工作", true, Some("；Ａ")),
            ("加强日A;工作", true, Some("A;")),
            ("加强\u{FFFD}\u{FFFD}工作", true, Some("\u{FFFD}\u{FFFD}")),
            ("加强\u{FFFD}工作", false, Some("\u{FFFD}")),
            ("加强\u{E5E5}工作", false, Some("\u{E5E5}")),
            ("加强\u{1}工作", false, Some("\u{1}")),
            ("加强\u{1}\u{2}工作", false, Some("\u{1}\u{2}")),
            ("加强锟斤拷工作", false, Some("锟斤拷")),
            ("加强å¤§è¿工作", false, Some("å¤§è¿")),
            ("加强??工作", false, Some("??")),
            ("加强a|b工作", false, Some("a|b")),
            ("加强<工作", false, Some("<")),
            // Ordinary mixed text.
            ("加強日;A工作", false, None),
            ("推进政务APP建设", true, None),
            ("2019年政务公开", true, None),
            ("提升工作質量,完善公開制度規範", true, None),
            ("有所優化;要進一步", true, None),
            ("《規定》(國務院令第713號),涉及", true, None),
            ("推进3A级景区", true, None),
            ("完成率达5%以上", true, None),
            ("Dàlián教育", true, None),
            ("长度×宽度", true, None),
            ("打造“政务一网通”", true, None),
            ("加强日常工作\n\t做好", false, None),
            ("", true, None),
        ];
        for (input, heading, expected) in cases {
            check(input, *heading, *expected);
        }
    }

    #[test]
    fn descriptions() {
        let cases: &[(&str, &str, &[char])] = &[
            (";\u{E2A6}A", ";A", &['\u{E2A6}']),
            (";A", ";A", &[]),
            ("\u{FFFD}\u{FFFD}", "\u{FFFD}\u{FFFD}", &[]),
            ("\u{1}", "", &['\u{1}']),
        ];
        for (span, visible, hidden) in cases {
            let span: Vec<char> = span.chars().collect();
            assert_eq!(
                describe(&span),
                (visible.to_string(), hidden.to_vec()),
                "{span:?}"
            );
        }
    }
}
