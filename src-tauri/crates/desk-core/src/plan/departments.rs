//! Finding the departments responsible for a task in its paragraph.
//!
//! Plans state responsibility in three ways, tried in this order of reliability:
//! 1. a label with a colon, `(责任部门:X、Y)`, `牵头单位：X；配合单位：Y`: taken anywhere, and
//!    the list after it is taken as written (the label is proof enough);
//! 2. an unlabelled parenthesised list closing the paragraph, `(各相关处室和单位,办公室)`: only
//!    when every element looks like a unit name and nothing in it looks like a citation;
//! 3. phrasing, `由X负责落实`, `X牵头，Y配合`: only with `负责落实`/`负责实施`/`牵头负责`, a
//!    `牵头`/`配合`/`协办` that ends its clause, or a `负责` in the paragraph's last clause, and
//!    only when X looks like a unit name. A `负责` in the middle of a sentence describes the work
//!    rather than assigning it (`办公室负责对政府网站进行统筹规划…(责任部门:办公室)`), and the
//!    assignment proper is nearly always in a label anyway, so it is not taken.
//!
//! Everything works on the folded chars of one paragraph and returns index ranges, which the
//! caller maps back to the text as written. Parentheses are matched once up front, so the
//! nested `大连市教育事务服务中心（市招生考试办公室）` stays one name and the scan stays linear.

use std::ops::Range;

use super::chars::{ends_with, is_ideograph, is_space, starts_with, trim};
use super::DepartmentRole;

/// A department name (index range into the paragraph) and its role.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Found {
    pub name: Range<usize>,
    pub role: DepartmentRole,
}

#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Extraction {
    /// In order of appearance; may repeat a name (the caller de-duplicates).
    pub found: Vec<Found>,
    /// Labelled and unlabelled department clauses (with their parentheses), so a title can stop
    /// before them.
    pub clauses: Vec<Range<usize>>,
    /// End of the last clause or responsibility phrase, 0 if none.
    pub last_end: usize,
}

/// Label words: the prefix, its role, and whether it is a label without a suffix
/// (`牵头：X` yes, `落实：` no).
const LABEL_PREFIXES: &[(&str, DepartmentRole, bool)] = &[
    ("牵头", DepartmentRole::Lead, true),
    ("主办", DepartmentRole::Lead, false),
    ("配合", DepartmentRole::Co, true),
    ("协办", DepartmentRole::Co, true),
    ("协助", DepartmentRole::Co, true),
    ("参与", DepartmentRole::Co, false),
    ("责任", DepartmentRole::Responsible, true),
    ("主责", DepartmentRole::Responsible, true),
    ("负责", DepartmentRole::Responsible, false),
    ("承办", DepartmentRole::Responsible, false),
    ("落实", DepartmentRole::Responsible, false),
    ("实施", DepartmentRole::Responsible, false),
];

const LABEL_SUFFIXES: &[&str] = &["处室", "科室", "部门", "单位", "机构", "主体", "处", "科"];

/// Endings of unit names (folded). Single characters that also end common words (`网站`,
/// `平台`, `发布会`, `学科`) are either left out in favour of longer endings or countered by
/// `NOT_UNIT_ENDINGS`.
const UNIT_ENDINGS: &[&str] = &[
    "处",
    "室",
    "办",
    "科",
    "局",
    "委",
    "厅",
    "部",
    "院",
    "所",
    "馆",
    "队",
    "组",
    "校",
    "府",
    "司",
    "署",
    "联",
    "社",
    "中心",
    "单位",
    "部门",
    "机构",
    "街道",
    "委员会",
    "管委会",
    "工会",
    "协会",
    "学会",
    "商会",
    "联合会",
    "基金会",
    "红十字会",
    "幼儿园",
    "电视台",
    "电台",
    "工作站",
    "服务站",
    "管理站",
    "监测站",
    "检查站",
];

const NOT_UNIT_ENDINGS: &[&str] = &[
    "全部",
    "局部",
    "内部",
    "外部",
    "东部",
    "西部",
    "南部",
    "北部",
    "中部",
    "底部",
    "顶部",
    "好处",
    "之处",
    "出处",
    "到处",
    "益处",
    "难处",
    "长处",
    "短处",
    "学科",
    "本科",
    "专科",
    "理科",
    "文科",
    "工科",
    "内科",
    "外科",
    "分科",
    "场所",
    "住所",
    "处所",
    "承办",
    "主办",
    "协办",
    "举办",
    "创办",
    "督办",
    "交办",
    "开办",
    "兴办",
    "代办",
    "查办",
    "结局",
    "格局",
    "布局",
    "大局",
    "全局",
    "开局",
    "重组",
    "改组",
    "分组",
    "编组",
    "会议室",
];

/// Words that open a parenthetical remark rather than a list of units: `(含幼儿园)`.
const NOT_UNIT_STARTS: &[&str] = &[
    "含",
    "包括",
    "不含",
    "见",
    "详见",
    "即",
    "如",
    "简称",
    "以下简称",
];

/// A name that is only a generic word; never split a name so that one side is just this
/// (`相关处室和单位` stays whole).
const BARE_GENERIC: &[&str] = &[
    "单位", "部门", "处室", "科室", "学校", "机构", "处", "室", "科", "部",
];

fn is_list_separator(c: char) -> bool {
    matches!(c, '、' | '､' | ',' | ';')
}

/// Whether a folded name is a collective rather than one department.
pub(crate) fn is_group(name: &[char]) -> bool {
    let name = &name[trim(name, 0..name.len())];
    name.contains(&'各')
        || name
            .windows(2)
            .any(|w| w == ['相', '关'] || w == ['有', '关'])
        || name.last() == Some(&'等')
}

/// Finds the departments in the folded chars of one paragraph.
pub(crate) fn extract(f: &[char]) -> Extraction {
    Paragraph::new(f).extract()
}

/// The department names of a table cell (a 牵头单位 column): a list as after a label, split on
/// `、，；` and `和/及` between unit names; the caller turns line breaks into separators.
pub(crate) fn split_cell(f: &[char]) -> Vec<Range<usize>> {
    Paragraph::new(f).split_list(0..f.len())
}

/// Whether the folded text ends with a department clause or responsibility phrase (ignoring
/// trailing punctuation), i.e. the task it closes is complete.
pub(crate) fn ends_with_clause(f: &[char]) -> bool {
    let end = trim_tail(f, f.len());
    if end == 0 {
        return false;
    }
    let paragraph = Paragraph::new(f);
    // An unclosed parenthesis means the text goes on: `（责任单位：办公室、` + a new line.
    let unclosed = f
        .iter()
        .zip(&paragraph.partner)
        .any(|(&c, partner)| c == '(' && partner.is_none());
    !unclosed && paragraph.extract().last_end >= end
}

/// `end` moved back over whitespace and closing punctuation.
fn trim_tail(f: &[char], mut end: usize) -> usize {
    while end > 0 && (is_space(f[end - 1]) || matches!(f[end - 1], '。' | '.' | ';' | ',' | '、'))
    {
        end -= 1;
    }
    end
}

struct Paragraph<'a> {
    f: &'a [char],
    /// For a matched `(` the index of its `)` and vice versa.
    partner: Vec<Option<usize>>,
    /// The `)` of the innermost matched pair enclosing each index.
    enclosing: Vec<Option<usize>>,
    /// Inside “”, 《》, 「」, 『』 or "".
    quoted: Vec<bool>,
}

impl<'a> Paragraph<'a> {
    fn new(f: &'a [char]) -> Self {
        let n = f.len();
        let mut partner = vec![None; n];
        let mut open = Vec::new();
        for (i, &c) in f.iter().enumerate() {
            if c == '(' {
                open.push(i);
            } else if c == ')' {
                if let Some(o) = open.pop() {
                    partner[o] = Some(i);
                    partner[i] = Some(o);
                }
            }
        }
        let mut enclosing = vec![None; n];
        let mut stack: Vec<usize> = Vec::new();
        for (i, &c) in f.iter().enumerate() {
            if c == ')' && partner[i].is_some() {
                stack.pop();
            }
            enclosing[i] = stack.last().copied();
            if c == '(' {
                if let Some(close) = partner[i] {
                    stack.push(close);
                }
            }
        }
        // Quotes: match each kind like parentheses, then mark the insides with a running sum.
        let mut depth_change = vec![0i32; n + 1];
        let mut stacks: [Vec<usize>; 4] = Default::default();
        let mut ascii_quote: Option<usize> = None;
        for (i, &c) in f.iter().enumerate() {
            let kind = match c {
                '“' | '”' => 0,
                '《' | '》' => 1,
                '「' | '」' => 2,
                '『' | '』' => 3,
                '"' => {
                    match ascii_quote.take() {
                        Some(o) => {
                            depth_change[o] += 1;
                            depth_change[i] -= 1;
                        }
                        None => ascii_quote = Some(i),
                    }
                    continue;
                }
                _ => continue,
            };
            if matches!(c, '“' | '《' | '「' | '『') {
                stacks[kind].push(i);
            } else if let Some(o) = stacks[kind].pop() {
                depth_change[o] += 1;
                depth_change[i] -= 1;
            }
        }
        let mut quoted = vec![false; n];
        let mut depth = 0;
        for (i, q) in quoted.iter_mut().enumerate() {
            depth += depth_change[i];
            *q = depth > 0;
        }
        Paragraph {
            f,
            partner,
            enclosing,
            quoted,
        }
    }

    fn extract(&self) -> Extraction {
        let mut out = Extraction::default();
        self.labelled(&mut out);
        self.unlabelled_tail(&mut out);
        self.phrases(&mut out);
        out.found.sort_by_key(|found| found.name.start);
        out
    }

    /// `(责任部门:X、Y)`, `牵头单位：X；配合单位：Y`.
    fn labelled(&self, out: &mut Extraction) {
        let f = self.f;
        let mut i = 0;
        while i < f.len() {
            let Some((role, value_start)) = self.label_at(i) else {
                i += 1;
                continue;
            };
            let value_end = self.value_end(value_start);
            for name in self.split_list(value_start..value_end) {
                out.found.push(Found { name, role });
            }
            let mut start = i;
            let mut k = i;
            while k > 0 && is_space(f[k - 1]) {
                k -= 1;
            }
            if k > 0 && f[k - 1] == '(' && self.partner[k - 1].is_some() {
                start = k - 1;
            }
            let mut end = value_end;
            if end < f.len() && f[end] == ')' {
                end += 1;
            }
            out.clauses.push(start..end);
            out.last_end = out.last_end.max(end);
            i = value_end.max(i + 1);
        }
    }

    /// A label at `i` ending in a colon: its role and where the list starts.
    fn label_at(&self, i: usize) -> Option<(DepartmentRole, usize)> {
        let f = self.f;
        if i > 0 && (is_ideograph(f[i - 1]) || f[i - 1].is_alphanumeric()) {
            return None;
        }
        for &(prefix, role, bare) in LABEL_PREFIXES {
            if !starts_with(f, i, prefix) {
                continue;
            }
            let mut k = i + prefix.chars().count();
            match LABEL_SUFFIXES.iter().find(|s| starts_with(f, k, s)) {
                Some(suffix) => k += suffix.chars().count(),
                None if bare => {}
                None => continue,
            }
            while k < f.len() && is_space(f[k]) && f[k] != '\n' {
                k += 1;
            }
            if f.get(k) == Some(&':') {
                return Some((role, k + 1));
            }
        }
        None
    }

    /// Where the list after a label ends: at the enclosing `)`, a full stop, a line break
    /// (outside parentheses), another label, or just before an element with a colon
    /// (`完成时限:6月底`).
    fn value_end(&self, start: usize) -> usize {
        let f = self.f;
        let (limit, in_parens) = match self.enclosing.get(start).copied().flatten() {
            Some(close) => (close, true),
            None => (f.len(), false),
        };
        let mut last_separator = None;
        let mut j = start;
        while j < limit {
            let c = f[j];
            if c == '(' {
                if let Some(close) = self.partner[j] {
                    j = close + 1;
                    continue;
                }
            }
            if c == ')' || c == '。' || c == '!' || c == '?' || (c == '\n' && !in_parens) {
                break;
            }
            if c == ':' {
                return last_separator.unwrap_or(start);
            }
            if j > start && self.label_at(j).is_some() {
                break;
            }
            if is_list_separator(c) {
                last_separator = Some(j);
            }
            j += 1;
        }
        j
    }

    /// Splits a list on `、，,；;` outside parentheses, then on `和/及/与/以及` where that
    /// separates unit names.
    fn split_list(&self, range: Range<usize>) -> Vec<Range<usize>> {
        let f = self.f;
        let mut parts = Vec::new();
        let mut start = range.start;
        let mut j = range.start;
        while j < range.end {
            if f[j] == '(' {
                if let Some(close) = self.partner[j].filter(|&c| c < range.end) {
                    j = close + 1;
                    continue;
                }
            }
            if is_list_separator(f[j]) {
                self.push_conjunction_parts(start..j, &mut parts);
                start = j + 1;
            }
            j += 1;
        }
        self.push_conjunction_parts(start..range.end, &mut parts);
        parts
    }

    fn push_conjunction_parts(&self, range: Range<usize>, parts: &mut Vec<Range<usize>>) {
        let f = self.f;
        let range = trim(f, range);
        if range.is_empty() {
            return;
        }
        // `各相关处室和单位`, `各区市县和先导区教育行政部门`: the conjunction is inside the
        // collective name.
        if f[range.start] != '各' {
            let mut pieces = Vec::new();
            let mut start = range.start;
            let mut j = range.start;
            while j < range.end {
                if f[j] == '(' {
                    if let Some(close) = self.partner[j].filter(|&c| c < range.end) {
                        j = close + 1;
                        continue;
                    }
                }
                let len = if starts_with(f, j, "以及") {
                    2
                } else if matches!(f[j], '和' | '及' | '与') {
                    1
                } else {
                    0
                };
                if len > 0 {
                    pieces.push(trim(f, start..j));
                    start = j + len;
                    j += len;
                } else {
                    j += 1;
                }
            }
            if !pieces.is_empty() {
                pieces.push(trim(f, start..range.end));
                if pieces
                    .iter()
                    .all(|p| self.looks_like_unit(p.clone()) && !self.is_bare_generic(p.clone()))
                {
                    parts.extend(pieces);
                    return;
                }
            }
        }
        parts.push(range);
    }

    fn is_bare_generic(&self, range: Range<usize>) -> bool {
        BARE_GENERIC
            .iter()
            .any(|w| range.len() == w.chars().count() && starts_with(self.f, range.start, w))
    }

    /// Whether `f[range]` looks like the name of a unit or a collective of units.
    fn looks_like_unit(&self, range: Range<usize>) -> bool {
        let f = self.f;
        let range = trim(f, range);
        if range.len() < 2 || range.len() > 40 {
            return false;
        }
        let name = &f[range.clone()];
        if name.iter().any(|&c| {
            matches!(
                c,
                '。' | ':'
                    | '!'
                    | '?'
                    | '《'
                    | '》'
                    | '〔'
                    | '〕'
                    | '['
                    | ']'
                    | '“'
                    | '”'
                    | '"'
                    | '\n'
            ) || is_list_separator(c)
        }) || is_citation(name)
            || NOT_UNIT_STARTS
                .iter()
                .any(|w| starts_with(f, range.start, w))
        {
            return false;
        }
        // The unit proper, without a trailing `(本级)` or `等`.
        let mut end = range.end;
        loop {
            while end > range.start && is_space(f[end - 1]) {
                end -= 1;
            }
            match self.partner[end - 1] {
                Some(open) if f[end - 1] == ')' && open > range.start => end = open,
                _ => break,
            }
        }
        if f[end - 1] == '等' && end - 1 > range.start {
            end -= 1;
        }
        let core = range.start..end;
        if NOT_UNIT_ENDINGS
            .iter()
            .any(|w| ends_with(f, core.clone(), w))
        {
            return false;
        }
        let unit_ending = UNIT_ENDINGS.iter().any(|w| ends_with(f, core.clone(), w));
        // `各区市县`, `各地`: a collective even without a unit word, if short.
        unit_ending || (f[core.start] == '各' && core.len() <= 6)
    }

    /// An unlabelled parenthesised list at the very end: `…。(各相关处室和单位,办公室)`.
    fn unlabelled_tail(&self, out: &mut Extraction) {
        let f = self.f;
        let end = trim_tail(f, f.len());
        if end == 0 || f[end - 1] != ')' {
            return;
        }
        let Some(open) = self.partner[end - 1] else {
            return;
        };
        let inner = open + 1..end - 1;
        if self.quoted[open]
            || f[inner.clone()].contains(&':')
            || is_citation(&f[inner.clone()])
            || out.clauses.iter().any(|c| c.start < end && open < c.end)
        {
            return;
        }
        let names = self.split_list(inner);
        if names.is_empty() || !names.iter().all(|n| self.looks_like_unit(n.clone())) {
            return;
        }
        out.found.extend(names.into_iter().map(|name| Found {
            name,
            role: DepartmentRole::Responsible,
        }));
        out.clauses.push(open..end);
        out.last_end = out.last_end.max(end);
    }

    /// `由X负责落实`, `X牵头，Y配合`, `…，由X负责。`
    fn phrases(&self, out: &mut Extraction) {
        let f = self.f;
        let mut claimed = vec![false; f.len()];
        for clause in &out.clauses {
            for c in &mut claimed[clause.clone()] {
                *c = true;
            }
        }
        // A `负责` is in the last clause when only punctuation, or the clause closing the
        // paragraph, follows it; that clause starts at `tail_start`.
        let end = trim_tail(f, f.len());
        let tail_start = out
            .clauses
            .iter()
            .filter(|c| c.end >= end)
            .map(|c| c.start)
            .min()
            .unwrap_or(end);
        let mut i = 0;
        while i < f.len() {
            let phrase = if claimed[i] || self.quoted[i] {
                None
            } else {
                self.phrase_at(i, tail_start)
            };
            let Some((role, len)) = phrase else {
                i += 1;
                continue;
            };
            if let Some(range) = self.name_before(i) {
                let names = self.split_list(range);
                if !names.is_empty() && names.iter().all(|n| self.looks_like_unit(n.clone())) {
                    out.found
                        .extend(names.into_iter().map(|name| Found { name, role }));
                    out.last_end = out.last_end.max(i + len);
                }
            }
            i += len;
        }
    }

    /// A responsibility keyword at `i`: its role and length.
    fn phrase_at(&self, i: usize, tail_start: usize) -> Option<(DepartmentRole, usize)> {
        let f = self.f;
        let ends_clause = |k: usize| {
            k >= f.len()
                || is_space(f[k])
                || matches!(f[k], ',' | ';' | '。' | '、' | ')' | '!' | '?' | '.')
        };
        let is_last_clause = |mut k: usize| {
            while k < tail_start && (is_space(f[k]) || matches!(f[k], '。' | '.' | ';' | ',')) {
                k += 1;
            }
            k >= tail_start
        };
        if starts_with(f, i, "负责落实") || starts_with(f, i, "负责实施") {
            Some((DepartmentRole::Responsible, 4))
        } else if starts_with(f, i, "牵头负责") {
            Some((DepartmentRole::Lead, 4))
        } else if starts_with(f, i, "牵头") && ends_clause(i + 2) {
            Some((DepartmentRole::Lead, 2))
        } else if (starts_with(f, i, "配合") || starts_with(f, i, "协办")) && ends_clause(i + 2)
        {
            Some((DepartmentRole::Co, 2))
        } else if starts_with(f, i, "负责") && is_last_clause(i + 2) {
            Some((DepartmentRole::Responsible, 2))
        } else {
            None
        }
    }

    /// The unit name just before a keyword at `kw`: back to punctuation or a leading `由`, at
    /// most 40 chars (so the scan is bounded).
    fn name_before(&self, kw: usize) -> Option<Range<usize>> {
        let f = self.f;
        let lower = kw.saturating_sub(40);
        let mut s = kw;
        while s > lower {
            let c = f[s - 1];
            if c == ')' {
                match self.partner[s - 1] {
                    Some(open) if open >= lower => {
                        s = open;
                        continue;
                    }
                    _ => break,
                }
            }
            if self.quoted[s - 1] || !(is_ideograph(c) || c.is_alphanumeric() || c == '、') {
                break;
            }
            s -= 1;
        }
        // `由…`, `并由…`, `统一由…`; `自由贸易区` keeps its 由.
        if let Some(by) = (s..kw.min(s + 3)).find(|&k| f[k] == '由') {
            s = by + 1;
        }
        let range = trim(f, s..kw);
        (!range.is_empty()).then_some(range)
    }
}

/// Document numbers and citations: `〔2019〕7号`, `第713号`, `国务院令第713号`.
fn is_citation(s: &[char]) -> bool {
    s.contains(&'〔')
        || s.windows(2)
            .any(|w| (w[0].is_ascii_digit() && w[1] == '号') || w == ['令', '第'])
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;
    use DepartmentRole::*;

    fn chars(text: &str) -> Vec<char> {
        fold(text).chars().collect()
    }

    /// `expected`: (name as folded, role); names are compared on the folded text, the caller
    /// maps ranges back to the original.
    fn check(input: &str, expected: &[(&str, DepartmentRole)]) {
        let f = chars(input);
        let got: Vec<(String, DepartmentRole)> = extract(&f)
            .found
            .into_iter()
            .map(|found| (f[found.name].iter().collect(), found.role))
            .collect();
        let expected: Vec<(String, DepartmentRole)> = expected
            .iter()
            .map(|(name, role)| (fold(name), *role))
            .collect();
        assert_eq!(got, expected, "input {input:?}");
    }

    #[test]
    fn labels() {
        let cases: &[(&str, &[(&str, DepartmentRole)])] = &[
            ("做好工作。(責任部門:規法處)", &[("规法处", Responsible)]),
            ("做好工作。（责任单位：办公室）", &[("办公室", Responsible)]),
            (
                "做好工作。(责任处室:学前处、义教处)",
                &[("学前处", Responsible), ("义教处", Responsible)],
            ),
            ("做好工作。（主责部门：审批办）", &[("审批办", Responsible)]),
            (
                "做好工作。（牵头单位：规法处；配合单位：办公室、学前处）",
                &[("规法处", Lead), ("办公室", Co), ("学前处", Co)],
            ),
            (
                "做好工作。（牵头部门：规法处）（配合部门：办公室）",
                &[("规法处", Lead), ("办公室", Co)],
            ),
            (
                "做好工作。（牽頭單位：規法處，協辦單位：辦公室）",
                &[("规法处", Lead), ("办公室", Co)],
            ),
            (
                "做好工作。(牵头:规法处;配合:办公室)",
                &[("规法处", Lead), ("办公室", Co)],
            ),
            ("做好工作。（协助单位 ： 办公室）", &[("办公室", Co)]),
            (
                "做好工作。\n牵头单位：规法处\n配合单位：办公室。",
                &[("规法处", Lead), ("办公室", Co)],
            ),
            (
                "做好工作。责任单位：办公室；规法处，学前处",
                &[
                    ("办公室", Responsible),
                    ("规法处", Responsible),
                    ("学前处", Responsible),
                ],
            ),
            (
                "（责任单位：市教育局（本级）、大连市教育事务服务中心（市招生考试办公室））",
                &[
                    ("市教育局（本级）", Responsible),
                    ("大连市教育事务服务中心（市招生考试办公室）", Responsible),
                ],
            ),
            (
                "（责任单位：办公室、\n规法处）",
                &[("办公室", Responsible), ("规法处", Responsible)],
            ),
            (
                "(责任部门:各相关处室和单位、办公室)",
                &[("各相关处室和单位", Responsible), ("办公室", Responsible)],
            ),
            (
                "(责任部门:规法处和学前处)",
                &[("规法处", Responsible), ("学前处", Responsible)],
            ),
            (
                "(责任部门:办公室及各相关处室)",
                &[("办公室", Responsible), ("各相关处室", Responsible)],
            ),
            (
                "(责任部门:人力资源和社会保障局)",
                &[("人力资源和社会保障局", Responsible)],
            ),
            (
                "(责任部门:相关处室和单位)",
                &[("相关处室和单位", Responsible)],
            ),
            (
                "(责任单位:办公室;完成时限:2019年6月底)",
                &[("办公室", Responsible)],
            ),
            ("(责任部门:)", &[]),
            // Not labels: no colon, or a word that merely ends in a label word.
            (
                "牵头部门要对实施推进各阶段可能产生的舆情影响进行预判。",
                &[],
            ),
            ("明确落实责任。", &[]),
            ("落实：加强宣传。", &[]),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn unlabelled_tail() {
        let cases: &[(&str, &[(&str, DepartmentRole)])] = &[
            (
                "做好审查。(各相關處室和單位,辦公室)",
                &[("各相关处室和单位", Responsible), ("办公室", Responsible)],
            ),
            (
                "做好审查。（办公室、规法处）。",
                &[("办公室", Responsible), ("规法处", Responsible)],
            ),
            ("做好审查（局属各单位）", &[("局属各单位", Responsible)]),
            ("做好审查（各区市县）", &[("各区市县", Responsible)]),
            // Citations, remarks and ordinary parentheses are not department lists.
            ("严格落实《规定》(國務院令第713號)", &[]),
            ("依据通知(大政公開辦〔2019〕7號)", &[]),
            ("做好公开(2019年)", &[]),
            ("做好公开(试行)", &[]),
            ("做好公开(含幼儿园)", &[]),
            ("加强建设(市教育局网站)", &[]),
            ("召开(新闻发布会)", &[]),
            ("做好公开(办公室、网站)", &[]),
            ("做好“政务公开(办公室)”", &[]),
            // Only at the end.
            ("(办公室)做好公开工作。", &[]),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn phrasing() {
        let cases: &[(&str, &[(&str, DepartmentRole)])] = &[
            (
                "做好公开工作，由規法處負責落實。",
                &[("规法处", Responsible)],
            ),
            ("由办公室负责实施。", &[("办公室", Responsible)]),
            (
                "由办公室、规法处负责落实。",
                &[("办公室", Responsible), ("规法处", Responsible)],
            ),
            (
                "由办公室和规法处负责落实。",
                &[("办公室", Responsible), ("规法处", Responsible)],
            ),
            (
                "规法处牵头，办公室配合。",
                &[("规法处", Lead), ("办公室", Co)],
            ),
            (
                "规法处牵头负责，各学校配合",
                &[("规法处", Lead), ("各学校", Co)],
            ),
            ("做好公开工作，办公室负责。", &[("办公室", Responsible)]),
            (
                "做好公开工作，由各区市县教育局负责。",
                &[("各区市县教育局", Responsible)],
            ),
            (
                "由自由贸易区管委会负责落实",
                &[("自由贸易区管委会", Responsible)],
            ),
            // Generic uses are not assignments.
            ("辦公室負責對政府網站進行統籌規劃。", &[]),
            ("按照“誰主辦、誰負責”的原則，落实管理责任。", &[]),
            ("坚持“先审查、后公开，谁公开、谁负责”", &[]),
            ("配合相關部門推進政務服務。", &[]),
            ("切实负责落实。", &[]),
            ("由各单位按照职责分工负责。", &[]),
            // A label wins; the phrase inside its clause is not read twice.
            (
                "辦公室負責對政府網站進行統籌規劃。(責任部門:辦公室)",
                &[("办公室", Responsible)],
            ),
        ];
        for (input, expected) in cases {
            check(input, expected);
        }
    }

    #[test]
    fn groups() {
        let cases = [
            ("各相關處室和單位", true),
            ("局屬各單位", true),
            ("各學校", true),
            ("各區市縣和先導區教育行政部門", true),
            ("相关部门", true),
            ("有关单位", true),
            ("办公室等", true),
            ("規法處", false),
            ("辦公室", false),
            ("市教育局（本级）", false),
        ];
        for (name, expected) in cases {
            assert_eq!(is_group(&chars(name)), expected, "{name}");
        }
    }

    #[test]
    fn clause_endings() {
        let cases = [
            ("做好工作。(责任部门:办公室)", true),
            ("做好工作。(责任部门:办公室)。 ", true),
            ("做好工作。(各相关处室和单位,办公室)", true),
            ("做好工作，由办公室负责落实。", true),
            ("责任单位：办公室", true),
            ("(责任部门:办公室)做好工作。", false),
            ("做好工作。（责任单位：办公室、", false),
            ("做好工作。", false),
            ("", false),
        ];
        for (input, expected) in cases {
            assert_eq!(ends_with_clause(&chars(input)), expected, "{input}");
        }
    }
}
