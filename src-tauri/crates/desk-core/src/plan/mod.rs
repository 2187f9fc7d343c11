//! Reading a government-information-disclosure work plan (工作方案/实施方案/工作要点) into tasks.
//!
//! A plan is a numbered outline (`一、` sections, `(一)` tasks, sometimes `1.`/`(1)` below)
//! whose leaf paragraphs each end with the departments responsible. The parser is deliberately
//! forgiving: it never fails on text, and everything doubtful (garbled headings, numbering gaps,
//! tasks without departments) becomes a [`PlanWarning`] the person sees in the import preview.
//!
//! The work is split by concern: `decode` turns file bytes into text, `headings` builds the
//! outline, `departments` reads responsibility clauses, `garbled` spots damaged text, and this
//! module assembles tasks. All of it runs on the text folded by [`crate::text::fold`] (so
//! traditional and simplified, full- and half-width forms match the same rules) and reports
//! names and titles from the original text at the same char positions.
//!
//! Warning codes ([`PlanWarning::code`]):
//! - `garbled_heading`: a heading's title contains damaged text (replacement or private-use
//!   characters, control characters, mojibake, ASCII fragments like `;A` wedged between Chinese
//!   characters). The task is still produced, title as written. The excerpt is the damaged part
//!   without its invisible characters (the sample's `日;\u{E2A6}A工` gives `;A`); those are
//!   named by code point in the message, or form the excerpt (`U+E2A6`) when nothing else is
//!   left. Section headings get this warning too, with no task.
//! - `garbled_text`: the same in a task's body (with the looser body rules).
//! - `no_departments`: a task names no department, and no enclosing section does either.
//! - `numbering_gap`: a heading number skips ahead (`一、` then `三、`, or a first `(二)`).
//! - `numbering_out_of_order`: a heading number repeats or goes back.
//! - `text_before_first_heading`: the preamble names departments, which belong to no task.
//! - `unattached_text`: unnumbered text after a task that had already ended with its
//!   department list (a signature, a date, a lost number); it is left out of every task and the
//!   warning points at the task before it. Text that itself ends with a department clause is
//!   another sentence group of the task, not unattached.
//! - `deadline_not_understood`: a 完成时限 (a table plan's column, or `完成时限：…` in a task's
//!   paragraph or an enclosing one) that names no day the reader knows (`按要求`); kept as text.
//! - `deadline_without_year`: a 完成时限 such as `6月底前` in a plan whose year was not found;
//!   kept as text.
//!
//! Plan files other than text (.docx, .xlsx, .csv) are read by `documents` into paragraphs and
//! tables; [`parse_plan_document`] reads the paragraphs as above and plan tables a task per row
//! (`table`).

mod chars;
mod deadline;
mod decode;
mod departments;
mod documents;
mod error;
mod garbled;
mod headings;
mod table;

#[cfg(test)]
mod tests;

use std::collections::HashSet;
use std::ops::Range;

use serde::{Deserialize, Serialize};
use ts_rs::TS;

pub use deadline::PlanDeadline;
pub use decode::{decode_plan_bytes, DecodedPlan, MAX_PLAN_BYTES};
pub use documents::{
    read_plan_document, read_plan_text, read_table_document, Block, DocumentFormat, PlanDocument,
    MAX_PLAN_FILE_BYTES,
};
pub use error::PlanError;

use crate::text::{fold, fold_char};
use chars::{collect, excerpt, is_sentence_end, is_space, trim};
use headings::{Heading, Issue, Outline};

/// The tasks of a plan and what looked wrong while reading it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanParse {
    pub tasks: Vec<PlanTask>,
    pub warnings: Vec<PlanWarning>,
    /// The plan's year (its first `20xx年`): its tasks are numbered in that year.
    #[serde(default)]
    pub year: Option<i32>,
}

/// One task: a numbered paragraph with no numbered paragraphs under it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanTask {
    /// Heading numbers from the top: `三、(二)` is `[3, 2]`.
    pub path: Vec<u32>,
    /// The numbers as written, joined: `三、(二)`.
    pub number: String,
    /// Titles of the enclosing headings, joined with " / ".
    pub section: String,
    /// The task's own heading text, as written: after its number, up to the first full stop (or
    /// the whole first line), without a department clause.
    pub title: String,
    /// The whole paragraph without the number, as written; lines joined with "\n".
    pub text: String,
    /// The task's departments in order of appearance; if it names none, those of the nearest
    /// enclosing section that does (`一、加强领导（牵头单位：办公室）` above its sub-items).
    pub departments: Vec<PlanDepartment>,
    /// Hex FNV-1a 64 of `fold(title) + "\n" + fold(text without whitespace)`: the same task
    /// gets the same key whatever the file encoding, character form or line wrapping.
    pub key: String,
    /// The 完成时限 of a table plan's row, or one labelled in the task's paragraph (or an
    /// enclosing one): as written, and as a date when it names one.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub deadline: Option<PlanDeadline>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanDepartment {
    /// As written, trimmed: "規法處".
    pub name: String,
    pub role: DepartmentRole,
    /// A collective rather than one department: the name contains 各, 相关 or 有关, or ends in 等.
    pub group: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum DepartmentRole {
    /// 牵头
    Lead,
    /// 配合, 协办
    Co,
    /// 责任, 主责, 负责
    Responsible,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanWarning {
    /// Index into `tasks`, when the warning is about one task.
    pub task: Option<usize>,
    /// Stable key, see the module documentation.
    pub code: String,
    /// English sentence for the CLI; the UI translates by code.
    pub message: String,
    /// The offending text.
    pub excerpt: String,
}

/// Longest excerpt for warnings quoting a heading line or stray text.
const EXCERPT_CHARS: usize = 60;

/// Parses plan text (already decoded). Never fails: problems become warnings.
pub fn parse_plan(text: &str) -> PlanParse {
    let orig: Vec<char> = text.chars().collect();
    let mut folded: Vec<char> = fold(text).chars().collect();
    if folded.len() != orig.len() {
        // fold is char-for-char; keep the positions aligned even if that ever changed.
        folded = orig.iter().map(|&c| fold_char(c)).collect();
    }
    let outline = headings::build_outline(&folded);
    Assembler::new(&orig, &folded, &outline).run()
}

/// Reads a plan document's tasks: its paragraphs (and tables that are not plan tables, a row
/// per line) as text through [`parse_plan`], then each plan table a task per row
/// ([`table`]). Deadlines are read against the plan's year, the first `20xx年` of its text or
/// of the rows above a table's header.
pub fn parse_plan_document(document: &PlanDocument) -> PlanParse {
    let mut text = String::new();
    let mut plan_tables = Vec::new();
    let mut year_text = String::new();
    let push_line = |text: &mut String, line: &str| {
        if !text.is_empty() {
            text.push('\n');
        }
        text.push_str(line);
    };
    for block in &document.blocks {
        match block {
            Block::Paragraph(paragraph) => push_line(&mut text, paragraph),
            Block::Table(rows) => match table::Columns::locate(rows) {
                Some((header, columns)) => {
                    for row in &rows[..header] {
                        year_text.push_str(&row.join(" "));
                    }
                    plan_tables.push((rows, header, columns));
                }
                None => {
                    for row in rows {
                        let cells: Vec<&str> = row
                            .iter()
                            .map(|c| c.trim())
                            .filter(|c| !c.is_empty())
                            .collect();
                        push_line(&mut text, &cells.join(" "));
                    }
                }
            },
        }
    }
    let year = deadline::plan_year(&text).or_else(|| deadline::plan_year(&year_text));
    let mut parse = parse_plan(&text);
    parse.year = year;
    for (rows, header, columns) in plan_tables {
        let offset = parse.tasks.len();
        let read = table::read_table(rows, header, &columns, year);
        parse.tasks.extend(read.tasks);
        parse
            .warnings
            .extend(read.warnings.into_iter().map(|mut warning| {
                warning.task = warning.task.map(|t| t + offset);
                warning
            }));
    }
    parse
}

/// One heading's paragraph: its segments joined with "\n", original and folded.
struct Paragraph {
    orig: Vec<char>,
    folded: Vec<char>,
    /// Title range within the paragraph.
    title: Range<usize>,
    departments: Vec<PlanDepartment>,
    /// A labelled 完成时限 as written, one line.
    deadline: Option<String>,
}

impl Paragraph {
    fn new(orig: &[char], folded: &[char], segments: &[Range<usize>]) -> Self {
        let mut p_orig = Vec::new();
        let mut p_folded = Vec::new();
        for (i, segment) in segments.iter().enumerate() {
            if i > 0 {
                p_orig.push('\n');
                p_folded.push('\n');
            }
            p_orig.extend_from_slice(&orig[segment.clone()]);
            p_folded.extend_from_slice(&folded[segment.clone()]);
        }
        let extraction = departments::extract(&p_folded);
        let first_len = segments.first().map_or(0, |s| s.len());
        let mut title_end = p_folded[..first_len]
            .iter()
            .position(|&c| is_sentence_end(c))
            .unwrap_or(first_len);
        let labelled_deadline = deadline::labelled(&p_folded);
        let clauses = extraction
            .clauses
            .iter()
            .chain(labelled_deadline.as_ref().map(|(clause, _)| clause));
        for clause in clauses {
            if clause.start < title_end {
                title_end = clause.start;
            }
        }
        let title = trim(&p_folded, 0..title_end);
        let deadline = labelled_deadline.map(|(_, value)| one_line(&p_orig[value]));
        let mut seen = HashSet::new();
        let mut departments = Vec::new();
        for found in extraction.found {
            let key = (one_line(&p_folded[found.name.clone()]), found.role);
            if seen.insert(key) {
                departments.push(PlanDepartment {
                    name: one_line(&p_orig[found.name.clone()]),
                    role: found.role,
                    group: departments::is_group(&p_folded[found.name]),
                });
            }
        }
        Paragraph {
            orig: p_orig,
            folded: p_folded,
            title,
            departments,
            deadline,
        }
    }
}

/// A name as written, with the line breaks of a wrapped paragraph (and the indentation around
/// them) taken out: `办公\n  室` is `办公室`.
fn one_line(chars: &[char]) -> String {
    let text: String = chars.iter().collect();
    text.split('\n')
        .map(|part| part.trim_matches(is_space))
        .collect()
}

struct Assembler<'a> {
    orig: &'a [char],
    folded: &'a [char],
    outline: &'a Outline,
    paragraphs: Vec<Paragraph>,
    /// For each heading, its task index if it is a task.
    task_of: Vec<Option<usize>>,
    /// Warnings with the char position they are about, sorted at the end.
    warnings: Vec<(usize, PlanWarning)>,
    /// The plan's year, for deadlines such as `6月底前`.
    year: Option<i32>,
}

impl<'a> Assembler<'a> {
    fn new(orig: &'a [char], folded: &'a [char], outline: &'a Outline) -> Self {
        let paragraphs = outline
            .headings
            .iter()
            .map(|h| Paragraph::new(orig, folded, &h.segments))
            .collect();
        let mut next = 0;
        let task_of = outline
            .headings
            .iter()
            .map(|h| {
                (!h.has_children).then(|| {
                    next += 1;
                    next - 1
                })
            })
            .collect();
        Assembler {
            orig,
            folded,
            outline,
            paragraphs,
            task_of,
            warnings: Vec::new(),
            year: deadline::plan_year(&orig.iter().collect::<String>()),
        }
    }

    fn run(mut self) -> PlanParse {
        self.preamble_warning();
        self.issue_warnings();
        let mut tasks = Vec::new();
        for (index, heading) in self.outline.headings.iter().enumerate() {
            self.heading_warnings(index, heading);
            if let Some(task_index) = self.task_of[index] {
                let mut task = self.task(index, heading);
                let mut problems = Vec::new();
                task.deadline = self.deadline_of(index).and_then(|text| {
                    deadline::deadline(text, self.year, task_index, &task.number, &mut problems)
                });
                let position = heading.label.start;
                self.warnings
                    .extend(problems.into_iter().map(|w| (position, w)));
                tasks.push(task);
            }
        }
        let mut warnings = self.warnings;
        warnings.sort_by_key(|(position, _)| *position);
        PlanParse {
            tasks,
            warnings: warnings.into_iter().map(|(_, w)| w).collect(),
            year: self.year,
        }
    }

    fn warn(
        &mut self,
        position: usize,
        task: Option<usize>,
        code: &str,
        message: String,
        excerpt: String,
    ) {
        self.warnings.push((
            position,
            PlanWarning {
                task,
                code: code.to_owned(),
                message,
                excerpt,
            },
        ));
    }

    /// `三、(二)` for a heading.
    fn number(&self, index: usize) -> String {
        let mut labels = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            let heading = &self.outline.headings[i];
            labels.push(collect(self.orig, heading.label.clone()));
            at = heading.parent;
        }
        labels.reverse();
        labels.concat()
    }

    /// The heading's number and first line, for excerpts.
    fn heading_line(&self, heading: &Heading) -> String {
        let end = heading
            .segments
            .first()
            .map_or(heading.label.end, |s| s.end);
        excerpt(self.orig, heading.label.start..end, EXCERPT_CHARS)
    }

    fn preamble_warning(&mut self) {
        let preamble = Paragraph::new(self.orig, self.folded, &self.outline.preamble);
        if !preamble.departments.is_empty() {
            let names: Vec<&str> = preamble
                .departments
                .iter()
                .map(|d| d.name.as_str())
                .collect();
            let message = format!(
                "The text before the first numbered heading names departments ({}), but it is not part of any task.",
                names.join(", ")
            );
            let text = excerpt(&preamble.orig, 0..preamble.orig.len(), EXCERPT_CHARS);
            self.warn(0, None, "text_before_first_heading", message, text);
        }
    }

    fn issue_warnings(&mut self) {
        for issue in &self.outline.issues {
            match issue {
                Issue::Numbering {
                    heading,
                    expected,
                    found,
                } => {
                    let h = &self.outline.headings[*heading];
                    let number = self.number(*heading);
                    let (code, message) = if found > expected {
                        (
                            "numbering_gap",
                            format!("Heading {number} is number {found} where {expected} was expected: a heading may be missing or mis-numbered."),
                        )
                    } else {
                        (
                            "numbering_out_of_order",
                            format!("Heading {number} is number {found} where {expected} was expected: the numbering repeats or goes back."),
                        )
                    };
                    let line = self.heading_line(h);
                    self.warn(h.label.start, self.task_of[*heading], code, message, line);
                }
                Issue::Unattached { after, range } => {
                    let number = self.number(*after);
                    let message = format!(
                        "Unnumbered text after {number}, which already ended with its departments, is not part of any task."
                    );
                    let text = excerpt(self.orig, range.clone(), EXCERPT_CHARS);
                    self.warn(
                        range.start,
                        self.task_of[*after],
                        "unattached_text",
                        message,
                        text,
                    );
                }
            }
        }
    }

    fn heading_warnings(&mut self, index: usize, heading: &Heading) {
        let paragraph = &self.paragraphs[index];
        let task = self.task_of[index];
        let title = paragraph.title.clone();
        let find = |range: Range<usize>, strict: bool| {
            let (orig, folded) = (&paragraph.orig[range.clone()], &paragraph.folded[range]);
            garbled::garbled_span(orig, folded, strict).map(|span| garbled::describe(&orig[span]))
        };
        let title_garbled = find(title.clone(), true);
        let body_garbled = task.and(find(title.end..paragraph.orig.len(), false));
        let no_departments = task.is_some() && self.departments_of(index).is_empty();
        let number = self.number(index);
        let position = heading.label.start;
        for (code, part, found) in [
            ("garbled_heading", "heading", title_garbled),
            ("garbled_text", "text", body_garbled),
        ] {
            let Some((visible, hidden)) = found else {
                continue;
            };
            let codes: Vec<String> = hidden
                .iter()
                .map(|&c| format!("U+{:04X}", c as u32))
                .collect();
            let (excerpt, note) = match (visible.is_empty(), codes.is_empty()) {
                (_, true) => (visible, String::new()),
                (true, false) => (codes.join(" "), String::new()),
                (false, false) => (
                    visible,
                    format!(" (with the invisible character {} in it)", codes.join(" ")),
                ),
            };
            let message = format!(
                "The {part} of {number} looks garbled at \"{excerpt}\"{note}: compare it with the original document and correct it."
            );
            self.warn(position, task, code, message, excerpt);
        }
        if no_departments {
            let message = format!("Task {number} names no responsible department.");
            let line = self.heading_line(heading);
            self.warn(position, task, "no_departments", message, line);
        }
    }

    /// The task's own labelled deadline, else that of the nearest enclosing heading with one.
    fn deadline_of(&self, index: usize) -> Option<&str> {
        let mut at = Some(index);
        while let Some(i) = at {
            if let Some(deadline) = &self.paragraphs[i].deadline {
                return Some(deadline);
            }
            at = self.outline.headings[i].parent;
        }
        None
    }

    /// The task's own departments, else those of the nearest enclosing heading with some.
    fn departments_of(&self, index: usize) -> &[PlanDepartment] {
        let mut at = Some(index);
        while let Some(i) = at {
            let own = &self.paragraphs[i].departments;
            if !own.is_empty() {
                return own;
            }
            at = self.outline.headings[i].parent;
        }
        &[]
    }

    fn task(&self, index: usize, heading: &Heading) -> PlanTask {
        let paragraph = &self.paragraphs[index];
        let mut path = Vec::new();
        let mut sections = Vec::new();
        let mut at = Some(index);
        while let Some(i) = at {
            let h = &self.outline.headings[i];
            path.push(h.number);
            if i != index {
                let p = &self.paragraphs[i];
                sections.push(collect(&p.orig, p.title.clone()));
            }
            at = h.parent;
        }
        path.reverse();
        sections.reverse();
        debug_assert_eq!(heading.number, path.last().copied().unwrap_or(0));
        let title = collect(&paragraph.orig, paragraph.title.clone());
        let text: String = paragraph.orig.iter().collect();
        PlanTask {
            path,
            number: self.number(index),
            section: sections.join(" / "),
            key: task_key(&title, &text),
            title,
            text,
            departments: self.departments_of(index).to_vec(),
            deadline: None,
        }
    }
}

/// A task's key from its title and text as written (see [`PlanTask::key`]).
fn task_key(title: &str, text: &str) -> String {
    let mut keyed = fold(title);
    keyed.push('\n');
    keyed.extend(fold(text).chars().filter(|&c| !is_space(c)));
    format!("{:016x}", fnv1a64(keyed.as_bytes()))
}

/// FNV-1a, 64 bits: tiny, stable across versions and platforms, good enough for identity.
fn fnv1a64(bytes: &[u8]) -> u64 {
    let mut hash = 0xcbf2_9ce4_8422_2325u64;
    for &b in bytes {
        hash ^= u64::from(b);
        hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
    }
    hash
}
