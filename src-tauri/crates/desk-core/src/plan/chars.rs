//! Character classes and small slice helpers shared by the plan parser.
//!
//! The parser works on a `Vec<char>` of the folded text (see [`crate::text::fold`]) next to a
//! `Vec<char>` of the original: fold is char-for-char, so an index range found in the folded
//! chars is the same range in the original chars (byte offsets would not be: `（` is three bytes,
//! its folded `(` one). Because the input is folded, these predicates only list folded forms:
//! half-width punctuation and simplified characters.

use std::ops::Range;

/// Whitespace, including the ideographic space (already folded to ' '), BOM and zero-width space.
pub(crate) fn is_space(c: char) -> bool {
    c.is_whitespace() || matches!(c, '\u{FEFF}' | '\u{200B}')
}

/// A line break of any platform; `\r\n` is handled by the line splitter.
pub(crate) fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{85}' | '\u{2028}' | '\u{2029}'
    )
}

/// A CJK unified or compatibility ideograph.
pub(crate) fn is_ideograph(c: char) -> bool {
    matches!(
        c as u32,
        0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x3134F
    )
}

/// Sentence-ending punctuation (folded: `！？` are already `!?`).
pub(crate) fn is_sentence_end(c: char) -> bool {
    matches!(c, '。' | '!' | '?')
}

/// Whether `f[at..]` starts with `word` (compared char by char).
pub(crate) fn starts_with(f: &[char], at: usize, word: &str) -> bool {
    let mut i = at;
    for w in word.chars() {
        match f.get(i) {
            Some(&c) if c == w => i += 1,
            _ => return false,
        }
    }
    true
}

/// Whether `f[range]` ends with `word`.
pub(crate) fn ends_with(f: &[char], range: Range<usize>, word: &str) -> bool {
    let len = word.chars().count();
    range.len() >= len && starts_with(f, range.end - len, word)
}

/// `range` without leading and trailing whitespace.
pub(crate) fn trim(f: &[char], range: Range<usize>) -> Range<usize> {
    let (mut s, mut e) = (range.start, range.end);
    while s < e && is_space(f[s]) {
        s += 1;
    }
    while e > s && is_space(f[e - 1]) {
        e -= 1;
    }
    s..e
}

/// Collects `chars[range]` into a `String`.
pub(crate) fn collect(chars: &[char], range: Range<usize>) -> String {
    chars[range].iter().collect()
}

/// At most `max` chars of `chars[range]`, with "…" when cut, for warning excerpts.
pub(crate) fn excerpt(chars: &[char], range: Range<usize>, max: usize) -> String {
    if range.len() <= max {
        collect(chars, range)
    } else {
        let mut s = collect(chars, range.start..range.start + max);
        s.push('…');
        s
    }
}
