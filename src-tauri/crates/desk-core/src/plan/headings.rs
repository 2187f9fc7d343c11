//! Heading numbers and the outline of a plan.
//!
//! Chinese official documents number their levels with styles (`一、`, `(一)`, `1.`, `(1)`,
//! `①`), and the order of the styles is a convention, not a rule. So the level of a heading is
//! not fixed by its style: the outline keeps a stack of open headings, and a heading whose style
//! is already open closes that heading (and everything under it) and becomes its next sibling,
//! while a new style opens a child of the innermost heading. Each style is open at most once, so
//! the stack stays tiny and the whole pass is linear.
//!
//! A number only starts a heading at the start of a line, or inside a line when the text before
//! it ends a paragraph (`。`, a closing parenthesis, a wide gap) *and* it is the number the
//! outline expects next: this splits paragraphs that lost their line breaks without taking
//! `(國務院令第713號)`, dates like `2019.5` or an inline `1、2号文件` for headings.

use std::ops::Range;

use super::chars::{is_ideograph, is_line_break, is_sentence_end, is_space, trim};
use super::departments;

/// A numbering style; one style is one outline level wherever it appears.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Style {
    /// `一、`
    Chinese,
    /// `(一)`, `（一）`, `㈠`
    ChineseParen,
    /// `1.`, `1．`, `1、`, `⒈`
    Arabic,
    /// `(1)`, `（1）`, `⑴`
    ArabicParen,
    /// `1)`, `1）`
    ArabicHalfParen,
    /// `①`
    Circled,
}

impl Style {
    /// Styles that are enclosed, hence unambiguous even right after a heading title.
    fn is_enclosed(self) -> bool {
        matches!(
            self,
            Style::ChineseParen | Style::ArabicParen | Style::Circled
        )
    }
}

/// A heading number found at some position of the folded text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Marker {
    pub style: Style,
    pub number: u32,
    /// End (exclusive) of the number as written, e.g. after `、` or `)`.
    pub end: usize,
    /// Where the heading's own text starts (after the number and any spaces).
    pub content: usize,
}

/// Parses a heading number at `f[at]`, not looking at or past `end` (the line end).
pub(crate) fn parse_marker(f: &[char], at: usize, end: usize) -> Option<Marker> {
    let end = end.min(f.len());
    let first = *f.get(at).filter(|_| at < end)?;
    let at_is = |i: usize, c: char| i < end && f[i] == c;
    let (style, number, label_end) = match first {
        '(' => {
            let (style, number, close) = if let Some((n, k)) = chinese_numeral(f, at + 1, end) {
                (Style::ChineseParen, n, k)
            } else {
                let (n, k) = arabic_numeral(f, at + 1, end)?;
                (Style::ArabicParen, n, k)
            };
            if !at_is(close, ')') {
                return None;
            }
            (style, number, close + 1)
        }
        '\u{2460}'..='\u{2473}' => (Style::Circled, first as u32 - 0x2460 + 1, at + 1),
        '\u{3251}'..='\u{325F}' => (Style::Circled, first as u32 - 0x3251 + 21, at + 1),
        '\u{2474}'..='\u{2487}' => (Style::ArabicParen, first as u32 - 0x2474 + 1, at + 1),
        '\u{2488}'..='\u{249B}' => (Style::Arabic, first as u32 - 0x2488 + 1, at + 1),
        '\u{3220}'..='\u{3229}' => (Style::ChineseParen, first as u32 - 0x3220 + 1, at + 1),
        '0'..='9' => {
            let (number, k) = arabic_numeral(f, at, end)?;
            let after_digit = |i: usize| i < end && f[i].is_ascii_digit();
            match f.get(k).filter(|_| k < end) {
                Some('.') if !after_digit(k + 1) => (Style::Arabic, number, k + 1),
                Some('、' | '､') => (Style::Arabic, number, k + 1),
                Some(')') => (Style::ArabicHalfParen, number, k + 1),
                _ => return None,
            }
        }
        _ => {
            let (number, k) = chinese_numeral(f, at, end)?;
            match f.get(k).filter(|_| k < end) {
                Some('、' | '､') => (Style::Chinese, number, k + 1),
                Some('.') if !(k + 1 < end && f[k + 1].is_ascii_digit()) => {
                    (Style::Chinese, number, k + 1)
                }
                _ => return None,
            }
        }
    };
    let mut content = label_end;
    // `(一)、` and `①.` occur; the extra mark belongs to the number.
    if style != Style::Chinese
        && style != Style::Arabic
        && style != Style::ArabicHalfParen
        && content < end
        && matches!(f[content], '、' | '.')
    {
        content += 1;
    }
    let label_end = content;
    while content < end && is_space(f[content]) {
        content += 1;
    }
    Some(Marker {
        style,
        number,
        end: label_end,
        content,
    })
}

/// `1`..`999` in ASCII digits (full-width digits are folded already).
fn arabic_numeral(f: &[char], at: usize, end: usize) -> Option<(u32, usize)> {
    let mut k = at;
    let mut value = 0u32;
    while k < end && f[k].is_ascii_digit() {
        if k - at == 3 {
            return None;
        }
        value = value * 10 + f[k].to_digit(10)?;
        k += 1;
    }
    (k > at && value > 0).then_some((value, k))
}

/// A Chinese numeral such as `三`, `十二`, `二十`, `一百零五`; returns its value and end.
pub(crate) fn chinese_numeral(f: &[char], at: usize, end: usize) -> Option<(u32, usize)> {
    let mut k = at;
    let mut total = 0u32;
    let mut digit: Option<u32> = None;
    let mut last_unit = u32::MAX;
    while k < end && k - at < 8 {
        let c = f[k];
        let d = match c {
            '〇' | '零' => Some(0),
            '一' => Some(1),
            '二' => Some(2),
            '三' => Some(3),
            '四' => Some(4),
            '五' => Some(5),
            '六' => Some(6),
            '七' => Some(7),
            '八' => Some(8),
            '九' => Some(9),
            _ => None,
        };
        if let Some(d) = d {
            if digit.is_some_and(|old| old != 0) {
                return None;
            }
            digit = Some(d);
        } else {
            let unit = match c {
                '十' => 10,
                '百' => 100,
                _ => break,
            };
            if unit >= last_unit {
                return None;
            }
            let multiplier = digit.take().unwrap_or(1);
            if multiplier == 0 {
                return None;
            }
            total += multiplier * unit;
            last_unit = unit;
        }
        k += 1;
    }
    total += digit.unwrap_or(0);
    (k > at && total > 0).then_some((total, k))
}

/// A numbered heading and the text that belongs to it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Heading {
    pub style: Style,
    pub number: u32,
    /// The number as written (`三、`, `（二）`).
    pub label: Range<usize>,
    pub parent: Option<usize>,
    /// Trimmed, non-empty pieces of text: the rest of the heading line, then continuation lines.
    pub segments: Vec<Range<usize>>,
    pub has_children: bool,
    /// Whether the text so far has a full stop, i.e. is more than a bare title.
    pub has_sentence: bool,
}

/// Something the outline noticed; `mod.rs` turns these into warnings.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Issue {
    /// Heading `heading` has `found` where `expected` was the next number at its level.
    Numbering {
        heading: usize,
        expected: u32,
        found: u32,
    },
    /// Unnumbered text after heading `after`, which had already ended with its department list.
    Unattached { after: usize, range: Range<usize> },
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Outline {
    /// In document order; a parent always comes before its children.
    pub headings: Vec<Heading>,
    /// Trimmed lines of text before the first heading.
    pub preamble: Vec<Range<usize>>,
    pub issues: Vec<Issue>,
}

/// Where unnumbered text currently goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Target {
    Preamble,
    Heading(usize),
    /// Index into `issues` of the `Unattached` issue being extended.
    Unattached(usize),
}

struct Builder<'a> {
    f: &'a [char],
    out: Outline,
    stack: Vec<usize>,
    target: Target,
}

/// Builds the outline of the folded text `f` in one pass over its lines.
pub(crate) fn build_outline(f: &[char]) -> Outline {
    let mut builder = Builder {
        f,
        out: Outline::default(),
        stack: Vec::new(),
        target: Target::Preamble,
    };
    let mut start = 0;
    while start <= f.len() {
        let mut end = start;
        while end < f.len() && !is_line_break(f[end]) {
            end += 1;
        }
        builder.line(start, end);
        if end < f.len() && f[end] == '\r' && f.get(end + 1) == Some(&'\n') {
            end += 1;
        }
        start = end + 1;
    }
    builder.out
}

impl Builder<'_> {
    fn line(&mut self, start: usize, end: usize) {
        let f = self.f;
        let mut first = start;
        while first < end && is_space(f[first]) {
            first += 1;
        }
        if first == end {
            return;
        }
        let mut seg_start;
        let mut fresh;
        let mut j;
        if let Some(marker) = parse_marker(f, first, end) {
            self.open(first, marker);
            seg_start = marker.content;
            fresh = true;
            j = seg_start;
        } else {
            self.continuation(start, end);
            seg_start = first;
            fresh = false;
            j = first + 1;
        }
        while j < end {
            if could_start_marker(f[j]) {
                if let Some(marker) = parse_marker(f, j, end) {
                    if self.is_expected(marker) && self.is_boundary(seg_start, j, fresh, marker) {
                        self.add_text(seg_start..j);
                        self.open(j, marker);
                        seg_start = marker.content;
                        fresh = true;
                        j = seg_start;
                        continue;
                    }
                }
            }
            j += 1;
        }
        self.add_text(seg_start..end);
    }

    /// Decides where an unnumbered line goes.
    ///
    /// Text after a task that ended with its departments is unattached (a signature, a date, a
    /// lost number), unless it too ends with a department clause: then it is one more sentence
    /// group of the same task, closed by its own marker (`…。（牵头单位：X）` then
    /// `…。（责任单位：Y）`), and it belongs to the task with the lines before it.
    fn continuation(&mut self, start: usize, end: usize) {
        let line = trim(self.f, start..end);
        let closes_group = departments::ends_with_clause(&self.f[line.clone()]);
        self.target = match self.target {
            Target::Preamble => Target::Preamble,
            Target::Unattached(issue) if closes_group && issue + 1 == self.out.issues.len() => {
                match self.out.issues.pop() {
                    Some(Issue::Unattached { after, range }) => {
                        self.add_segment(after, range);
                        Target::Heading(after)
                    }
                    Some(other) => {
                        self.out.issues.push(other);
                        Target::Unattached(issue)
                    }
                    None => Target::Unattached(issue),
                }
            }
            Target::Unattached(issue) => {
                if let Some(Issue::Unattached { range, .. }) = self.out.issues.get_mut(issue) {
                    range.end = line.end;
                }
                Target::Unattached(issue)
            }
            Target::Heading(h) => {
                let heading = &self.out.headings[h];
                let closed = !closes_group
                    && heading.has_sentence
                    && heading
                        .segments
                        .last()
                        .is_some_and(|last| departments::ends_with_clause(&self.f[last.clone()]));
                if closed {
                    let range = trim(self.f, start..end);
                    self.out.issues.push(Issue::Unattached { after: h, range });
                    Target::Unattached(self.out.issues.len() - 1)
                } else {
                    Target::Heading(h)
                }
            }
        };
    }

    fn add_text(&mut self, range: Range<usize>) {
        let range = trim(self.f, range);
        if range.is_empty() {
            return;
        }
        match self.target {
            Target::Preamble => self.out.preamble.push(range),
            Target::Heading(h) => self.add_segment(h, range),
            Target::Unattached(_) => {}
        }
    }

    fn add_segment(&mut self, h: usize, range: Range<usize>) {
        let has_sentence = self.f[range.clone()].iter().any(|&c| is_sentence_end(c));
        let heading = &mut self.out.headings[h];
        heading.has_sentence |= has_sentence;
        heading.segments.push(range);
    }

    /// The stack position of the open heading with this style, if any.
    fn open_with_style(&self, style: Style) -> Option<usize> {
        self.stack
            .iter()
            .position(|&h| self.out.headings[h].style == style)
    }

    fn expected_number(&self, style: Style) -> u32 {
        self.open_with_style(style)
            .map_or(1, |s| self.out.headings[self.stack[s]].number + 1)
    }

    fn is_expected(&self, marker: Marker) -> bool {
        marker.number == self.expected_number(marker.style)
    }

    /// Whether the text before a mid-line number at `at` ends a paragraph.
    fn is_boundary(&self, seg_start: usize, at: usize, fresh: bool, marker: Marker) -> bool {
        let f = self.f;
        let mut k = at;
        while k > seg_start && is_space(f[k - 1]) {
            k -= 1;
        }
        let gap = &f[k..at];
        if k == seg_start {
            // Nothing since the previous number on this line: `一、(一)推进…`.
            return fresh && marker.style.is_enclosed();
        }
        let wide_gap = gap.len() >= 2 || gap.contains(&'\t');
        let arabic = matches!(marker.style, Style::Arabic | Style::ArabicHalfParen);
        if wide_gap || (!gap.is_empty() && !arabic) {
            return true;
        }
        match f[k - 1] {
            '。' | '!' | '?' | ')' | '」' | '』' | '】' => true,
            ':' => self.stack.is_empty(),
            _ => {
                // `一、深入推进决策和执行公开(一)推进决策公开。`: a first enclosed sub-number
                // straight after a short title (words, commas, quotes) on the same line.
                fresh
                    && marker.style.is_enclosed()
                    && marker.number == 1
                    && k - seg_start <= 40
                    && f[seg_start..k].iter().all(|&c| {
                        is_ideograph(c)
                            || c.is_alphanumeric()
                            || matches!(c, ',' | '、' | '“' | '”' | '《' | '》')
                    })
            }
        }
    }

    fn open(&mut self, at: usize, marker: Marker) {
        let previous = match self.open_with_style(marker.style) {
            Some(s) => {
                let previous = self.out.headings[self.stack[s]].number;
                self.stack.truncate(s);
                Some(previous)
            }
            None => None,
        };
        let expected = previous.map_or(1, |n| n + 1);
        let parent = self.stack.last().copied();
        if let Some(p) = parent {
            self.out.headings[p].has_children = true;
        }
        let index = self.out.headings.len();
        if marker.number != expected {
            self.out.issues.push(Issue::Numbering {
                heading: index,
                expected,
                found: marker.number,
            });
        }
        self.out.headings.push(Heading {
            style: marker.style,
            number: marker.number,
            label: at..marker.end,
            parent,
            segments: Vec::new(),
            has_children: false,
            has_sentence: false,
        });
        self.stack.push(index);
        self.target = Target::Heading(index);
    }
}

fn could_start_marker(c: char) -> bool {
    matches!(
        c,
        '(' | '0'..='9'
            | '一'
            | '二'
            | '三'
            | '四'
            | '五'
            | '六'
            | '七'
            | '八'
            | '九'
            | '十'
            | '\u{2460}'..='\u{249B}'
            | '\u{3220}'..='\u{3229}'
            | '\u{3251}'..='\u{325F}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn chars(text: &str) -> Vec<char> {
        fold(text).chars().collect()
    }

    /// (style, number, label as folded, content start).
    type Expected = Option<(Style, u32, &'static str, usize)>;

    fn check_marker(input: &str, expected: Expected) {
        let f = chars(input);
        let got = parse_marker(&f, 0, f.len()).map(|m| {
            (
                m.style,
                m.number,
                f[..m.end].iter().collect::<String>(),
                m.content,
            )
        });
        let expected = expected.map(|(s, n, l, c)| (s, n, l.to_owned(), c));
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn markers() {
        use Style::*;
        let cases: &[(&str, Expected)] = &[
            ("一、总体要求", Some((Chinese, 1, "一、", 2))),
            ("十、", Some((Chinese, 10, "十、", 2))),
            ("十二、x", Some((Chinese, 12, "十二、", 3))),
            ("二十、x", Some((Chinese, 20, "二十、", 3))),
            ("三十、x", Some((Chinese, 30, "三十、", 3))),
            ("二十九、x", Some((Chinese, 29, "二十九、", 4))),
            ("一百零五、x", Some((Chinese, 105, "一百零五、", 5))),
            ("四.加强", Some((Chinese, 4, "四.", 2))),
            ("(一)推进", Some((ChineseParen, 1, "(一)", 3))),
            ("（三）推进", Some((ChineseParen, 3, "(三)", 3))),
            ("（十一） 推进", Some((ChineseParen, 11, "(十一)", 5))),
            ("(一)、推进", Some((ChineseParen, 1, "(一)、", 4))),
            ("㈡推进", Some((ChineseParen, 2, "㈡", 1))),
            ("1.推进", Some((Arabic, 1, "1.", 2))),
            ("1．推进", Some((Arabic, 1, "1.", 2))),
            ("１２、推进", Some((Arabic, 12, "12、", 3))),
            ("3、 推进", Some((Arabic, 3, "3、", 3))),
            ("⒊推进", Some((Arabic, 3, "⒊", 1))),
            ("(1)推进", Some((ArabicParen, 1, "(1)", 3))),
            ("（12）推进", Some((ArabicParen, 12, "(12)", 4))),
            ("⑵推进", Some((ArabicParen, 2, "⑵", 1))),
            ("1)推进", Some((ArabicHalfParen, 1, "1)", 2))),
            ("2）推进", Some((ArabicHalfParen, 2, "2)", 2))),
            ("①推进", Some((Circled, 1, "①", 1))),
            ("⑳推进", Some((Circled, 20, "⑳", 1))),
            ("㉑推进", Some((Circled, 21, "㉑", 1))),
            ("1.", Some((Arabic, 1, "1.", 2))),
            // Not numbers.
            ("2019.5完成", None),
            ("1.5倍", None),
            ("2019年", None),
            ("1234.推进", None),
            ("0.推进", None),
            ("十分重要", None),
            ("一一、", None),
            ("十十、", None),
            ("一是", None),
            ("(國務院令第713號)", None),
            ("(一", None),
            ("(一推进)", None),
            ("()", None),
            ("(2019)", None),
            ("《条例》", None),
            ("", None),
        ];
        for (input, expected) in cases {
            check_marker(input, *expected);
        }
    }

    /// Renders the outline as one line per heading: depth-indented label, then segments joined
    /// by "|"; the preamble as "preamble: …" and issues at the end.
    fn render(text: &str) -> Vec<String> {
        let f = chars(text);
        let outline = build_outline(&f);
        let mut out = Vec::new();
        for range in &outline.preamble {
            out.push(format!(
                "preamble: {}",
                f[range.clone()].iter().collect::<String>()
            ));
        }
        for h in &outline.headings {
            let mut depth = 0;
            let mut p = h.parent;
            while let Some(i) = p {
                depth += 1;
                p = outline.headings[i].parent;
            }
            let segments: Vec<String> = h
                .segments
                .iter()
                .map(|r| f[r.clone()].iter().collect())
                .collect();
            out.push(format!(
                "{}{} {}",
                "  ".repeat(depth),
                f[h.label.clone()].iter().collect::<String>(),
                segments.join("|")
            ));
        }
        for issue in &outline.issues {
            out.push(match issue {
                Issue::Numbering {
                    heading,
                    expected,
                    found,
                } => format!("numbering #{heading}: expected {expected}, found {found}"),
                Issue::Unattached { after, range } => format!(
                    "unattached after #{after}: {}",
                    f[range.clone()].iter().collect::<String>()
                ),
            });
        }
        out
    }

    fn check(input: &str, expected: &[&str]) {
        assert_eq!(render(input), expected, "input {input:?}");
    }

    #[test]
    fn outlines() {
        let cases: &[(&str, &[&str])] = &[
            (
                "一、甲\n(一)乙。丙\n(二)丁\n二、戊",
                &["一、 甲", "  (一) 乙。丙", "  (二) 丁", "二、 戊"],
            ),
            // Styles nest in the order they appear, three levels and back.
            (
                "一、甲\n(一)乙\n1.丙\n2.丁\n(二)戊\n1.己",
                &[
                    "一、 甲",
                    "  (一) 乙",
                    "    1. 丙",
                    "    2. 丁",
                    "  (二) 戊",
                    "    1. 己",
                ],
            ),
            (
                "1.甲\n(1)乙\n(2)丙\n2.丁",
                &["1. 甲", "  (1) 乙", "  (2) 丙", "2. 丁"],
            ),
            // Continuation lines, blank lines, CRLF and CR.
            (
                "(一)乙。丙\r\n丁\r\n\r\n戊\r(二)己",
                &["(一) 乙。丙|丁|戊", "(二) 己"],
            ),
            // Preamble and indentation.
            (
                "根据要求，制定方案如下：\n\u{3000}\u{3000}一、甲\n  （一）乙",
                &["preamble: 根据要求,制定方案如下:", "一、 甲", "  (一) 乙"],
            ),
            // Paragraphs joined on one line.
            (
                "如下:一、甲(一)乙。丙。(责任部门:办公室)(二)丁。戊。二、己",
                &[
                    "preamble: 如下:",
                    "一、 甲",
                    "  (一) 乙。丙。(责任部门:办公室)",
                    "  (二) 丁。戊。",
                    "二、 己",
                ],
            ),
            (
                "一、甲 (一)乙。1.丙。2.丁",
                &["一、 甲", "  (一) 乙。", "    1. 丙。", "    2. 丁"],
            ),
            ("一、(一)乙", &["一、 ", "  (一) 乙"]),
            // Inline numbers that are not headings.
            (
                "(一)落实《规定》(國務院令第713號)，于2019.5完成。(二)为第2项",
                &[
                    "(一) 落实《规定》(国务院令第713号),于2019.5完成。",
                    "(二) 为第2项",
                ],
            ),
            (
                "(一)落实1、2号文件，按第(一)项和(二)项执行。",
                &["(一) 落实1、2号文件,按第(一)项和(二)项执行。"],
            ),
            ("(一)甲。(三)乙", &["(一) 甲。(三)乙"]),
            (
                "(一)重点公开：(1)制度；(2)平台。",
                &["(一) 重点公开:(1)制度;(2)平台。"],
            ),
            // Numbering problems are reported, the heading is still taken.
            (
                "一、甲\n三、乙\n三、丙\n(二)丁",
                &[
                    "一、 甲",
                    "三、 乙",
                    "三、 丙",
                    "  (二) 丁",
                    "numbering #1: expected 2, found 3",
                    "numbering #2: expected 4, found 3",
                    "numbering #3: expected 1, found 2",
                ],
            ),
            // Text after a finished task is not glued onto it.
            (
                "(一)甲。(责任部门:办公室)\n大连市教育局\n2019年3月1日\n(二)乙",
                &[
                    "(一) 甲。(责任部门:办公室)",
                    "(二) 乙",
                    "unattached after #0: 大连市教育局\n2019年3月1日",
                ],
            ),
            // ... but a department list on the heading line is followed by the body.
            (
                "(一)推进决策公开(牵头单位:办公室)\n严格落实。",
                &["(一) 推进决策公开(牵头单位:办公室)|严格落实。"],
            ),
            ("", &[]),
            ("\n\n  \n", &[]),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }
}
