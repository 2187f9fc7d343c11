//! A plan that is a table: one task per row.
//!
//! Plans from the OA system are often task breakdowns (任务分解表): `序号 | 工作任务 | 具体要求 |
//! 牵头单位 | 配合单位 | 完成时限`. The header is matched loosely (`牵头部门`, `责任处室`,
//! `协办单位`, `完成时间`, `时限要求` …) and may sit below a title row; a header repeated on
//! a later page is skipped. A row with one text across it (`一、公开平台建设`) is a section for
//! the rows below; so is a 类别 column. Departments come from their columns (lead, co, or
//! responsible for a 责任单位 column), the deadline from the 完成时限 column, read against the
//! plan's year.

use std::collections::HashSet;
use std::ops::Range;

use super::chars::{is_sentence_end, is_space};
use super::deadline::deadline;
use super::departments::{is_group, split_cell};
use super::headings::{parse_marker, Style};
use super::{task_key, DepartmentRole, PlanDepartment, PlanTask, PlanWarning};
use crate::text::fold;

/// Which column holds what.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Columns {
    number: Option<usize>,
    category: Option<usize>,
    task: usize,
    detail: Option<usize>,
    /// Department columns with the role their names get.
    departments: Vec<(usize, DepartmentRole)>,
    deadline: Option<usize>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Number,
    Category,
    Task,
    Detail,
    Department(DepartmentRole),
    Deadline,
}

/// What a header cell names, from its folded text without spaces.
fn kind(header: &str) -> Option<Kind> {
    let h: String = fold(header).chars().filter(|c| !is_space(*c)).collect();
    let has = |words: &[&str]| words.iter().any(|w| h.contains(w));
    if h.is_empty() || h.chars().count() > 12 {
        return None;
    }
    Some(
        if matches!(h.as_str(), "序号" | "编号" | "序" | "no" | "no.") {
            Kind::Number
        } else if has(&["时限", "期限", "时间", "时间节点", "进度安排"]) {
            Kind::Deadline
        } else if has(&["配合", "协办", "协助", "参与"]) {
            Kind::Department(DepartmentRole::Co)
        } else if has(&["牵头", "主办"]) {
            Kind::Department(DepartmentRole::Lead)
        } else if has(&["责任", "负责", "主责", "承办", "落实"])
            && has(&["单位", "部门", "处室", "科室", "机构", "主体"])
        {
            Kind::Department(DepartmentRole::Responsible)
        } else if has(&["类别", "分类", "板块", "领域", "方面"]) {
            Kind::Category
        } else if has(&["任务", "事项", "项目"])
            || h.ends_with("工作")
            || matches!(h.as_str(), "工作内容" | "内容")
        {
            Kind::Task
        } else if has(&["要求", "措施", "内容", "目标", "举措"]) {
            Kind::Detail
        } else {
            return None;
        },
    )
}

impl Columns {
    /// The columns of a header row: it needs a task column and a department or deadline column.
    pub(crate) fn find(row: &[String]) -> Option<Columns> {
        let mut columns = Columns::default();
        let mut task = None;
        for (i, cell) in row.iter().enumerate() {
            match kind(cell) {
                Some(Kind::Number) if columns.number.is_none() => columns.number = Some(i),
                Some(Kind::Category) if columns.category.is_none() => columns.category = Some(i),
                Some(Kind::Task) if task.is_none() => task = Some(i),
                Some(Kind::Task | Kind::Detail) if columns.detail.is_none() => {
                    columns.detail = Some(i)
                }
                Some(Kind::Department(role)) => columns.departments.push((i, role)),
                Some(Kind::Deadline) if columns.deadline.is_none() => columns.deadline = Some(i),
                _ => {}
            }
        }
        // `工作内容 | 具体要求`: without a 任务 column the first text column is the task.
        let task = task.or_else(|| columns.detail.take())?;
        if columns.departments.is_empty() && columns.deadline.is_none() {
            return None;
        }
        columns.task = task;
        Some(columns)
    }

    /// The header row of a table and its columns, among its first rows. A header over two rows
    /// (`责任单位` above `牵头 | 配合`) ends at its second row, whose department words give
    /// their columns' roles.
    pub(crate) fn locate(rows: &[Vec<String>]) -> Option<(usize, Columns)> {
        let (mut header, mut columns) = rows
            .iter()
            .take(10)
            .enumerate()
            .find_map(|(i, row)| Columns::find(row).map(|c| (i, c)))?;
        if let Some(next) = rows.get(header + 1) {
            let all_headers = next
                .iter()
                .all(|c| c.trim().is_empty() || kind(c).is_some());
            let below: Vec<(usize, DepartmentRole)> = next
                .iter()
                .enumerate()
                .filter_map(|(i, c)| match kind(c) {
                    Some(Kind::Department(role)) => Some((i, role)),
                    _ => None,
                })
                .collect();
            if all_headers && !below.is_empty() {
                for (column, role) in below {
                    match columns.departments.iter_mut().find(|(c, _)| *c == column) {
                        Some(slot) => slot.1 = role,
                        None => columns.departments.push((column, role)),
                    }
                }
                columns.departments.sort_by_key(|&(c, _)| c);
                header += 1;
            }
        }
        Some((header, columns))
    }
}

/// What reading a table gives: its tasks, and warnings whose `task` is an index into them.
pub(crate) struct TableTasks {
    pub tasks: Vec<PlanTask>,
    pub warnings: Vec<PlanWarning>,
}

fn cell(row: &[String], column: Option<usize>) -> &str {
    column.and_then(|c| row.get(c)).map_or("", |s| s.trim())
}

/// Text on one line: line breaks and runs of spaces inside a cell become one space.
fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The rows after the header as tasks.
pub(crate) fn read_table(
    rows: &[Vec<String>],
    header: usize,
    columns: &Columns,
    plan_year: Option<i32>,
) -> TableTasks {
    let mut out = TableTasks {
        tasks: Vec::new(),
        warnings: Vec::new(),
    };
    let mut section = String::new();
    // The 工作任务 cell over the current rows, when one spans them; it ends at a row with its own.
    let mut group: Option<String> = None;
    let mut sections = 0u32;
    let mut in_section = 0u32;
    let data: Vec<&Vec<String>> = rows
        .iter()
        .skip(header + 1)
        .filter(|row| row.iter().any(|c| !c.trim().is_empty()) && Columns::find(row).is_none())
        .collect();
    for (position, row) in data.iter().enumerate() {
        let filled: HashSet<&str> = row
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        let mut task_cell = cell(row, Some(columns.task));
        let detail = cell(row, columns.detail);
        // A 工作任务 cell merged over several rows of 具体要求 (the rows below leave it empty), or
        // numbered as a section (`一、`) above numbered requirements (`1.`): it names a group, and
        // each requirement is a task of it.
        if !task_cell.is_empty() && !detail.is_empty() {
            let continued = data.get(position + 1).is_some_and(|next| {
                cell(next, Some(columns.task)).is_empty() && !cell(next, columns.detail).is_empty()
            });
            let numbered_as_section = matches!(
                marker_of(task_cell).map(|(style, _)| style),
                Some(Style::Chinese | Style::ChineseParen)
            ) && marker_of(detail).is_some();
            if continued || numbered_as_section {
                group = Some(one_line(task_cell));
                sections += 1;
                in_section = 0;
                task_cell = "";
            }
        }
        if !task_cell.is_empty() {
            group = None;
        }
        let has_departments = columns
            .departments
            .iter()
            .any(|&(c, _)| !cell(row, Some(c)).is_empty());
        let numbered_title = |text: &str| {
            let f: Vec<char> = fold(text).chars().collect();
            parse_marker(&f, 0, f.len()).is_some() || f.first() == Some(&'第')
        };
        if filled.len() == 1
            && !has_departments
            && (task_cell.is_empty() || numbered_title(task_cell))
        {
            // One text across the row: a section title.
            if let Some(title) = filled.iter().next() {
                section = one_line(title);
                group = None;
                sections += 1;
                in_section = 0;
            }
            continue;
        }
        let (mut head, body) = if task_cell.is_empty() {
            (detail, "")
        } else {
            (task_cell, detail)
        };
        if head.is_empty() {
            continue;
        }
        in_section += 1;
        let index = out.tasks.len();
        let mut written_number = cell(row, columns.number);
        // A requirement numbered in its own text (`3.及时反馈…`) without a 序号 column: the
        // number is its number, the rest its title.
        if written_number.is_empty() {
            if let Some((_, content)) = marker_of(head) {
                let split = head
                    .char_indices()
                    .nth(content)
                    .map_or(head.len(), |(i, _)| i);
                written_number = head[..split].trim();
                head = head[split..].trim_start();
            }
        }
        let number = if written_number.is_empty() {
            in_section.to_string()
        } else {
            one_line(written_number)
        };
        let own = written_number
            .trim_end_matches(['.', '、', '．'])
            .parse::<u32>()
            .unwrap_or(in_section);
        let path = if sections > 0 {
            vec![sections, own]
        } else {
            vec![own]
        };
        let category = cell(row, columns.category);
        let task_section = if !category.is_empty() {
            one_line(category)
        } else {
            group.clone().unwrap_or_else(|| section.clone())
        };
        let title = title_of(head);
        let text = if body.is_empty() {
            head.to_owned()
        } else {
            format!("{head}\n{body}")
        };
        let mut departments = Vec::new();
        for &(column, role) in &columns.departments {
            departments_in(cell(row, Some(column)), role, &mut departments);
        }
        if departments.is_empty() {
            out.warnings.push(PlanWarning {
                task: Some(index),
                code: "no_departments".to_owned(),
                message: format!("Task {number} names no responsible department."),
                excerpt: excerpt(&title),
            });
        }
        let deadline = deadline(
            cell(row, columns.deadline),
            plan_year,
            index,
            &number,
            &mut out.warnings,
        );
        out.tasks.push(PlanTask {
            path,
            number,
            section: task_section,
            key: task_key(&title, &text),
            title,
            text,
            departments,
            deadline,
        });
    }
    out
}

/// The numbering style a cell starts with, and where its text starts (in chars).
fn marker_of(text: &str) -> Option<(Style, usize)> {
    let folded: Vec<char> = fold(text).chars().collect();
    let end = folded
        .iter()
        .position(|&c| c == '\n')
        .unwrap_or(folded.len());
    parse_marker(&folded, 0, end).map(|m| (m.style, m.content))
}

/// The task's heading: the first line of its cell, up to the first full stop.
fn title_of(head: &str) -> String {
    let first = head.lines().next().unwrap_or(head);
    let end = first
        .char_indices()
        .find(|&(_, c)| is_sentence_end(c))
        .map_or(first.len(), |(i, _)| i);
    first[..end].trim().to_owned()
}

fn excerpt(text: &str) -> String {
    text.chars().take(60).collect()
}

/// The names in a department cell, added once each (by folded name and role).
fn departments_in(text: &str, role: DepartmentRole, out: &mut Vec<PlanDepartment>) {
    let original: Vec<char> = text
        .chars()
        .map(|c| {
            if matches!(c, '\n' | '\r' | '/') {
                '、'
            } else {
                c
            }
        })
        .collect();
    let folded: Vec<char> = fold(&original.iter().collect::<String>()).chars().collect();
    if folded.len() != original.len() {
        return;
    }
    let names: Vec<Range<usize>> = split_cell(&folded);
    for range in names {
        let mut range = range;
        let mut role = role;
        // `办公室牵头，各科室配合` in one 责任单位 cell: the words say each one's part.
        let mut end = range.end;
        while end > range.start && folded[end - 1].is_whitespace() {
            end -= 1;
        }
        let said = &folded[range.start..end];
        for (suffix, part) in ROLE_WORDS {
            let suffix: Vec<char> = suffix.chars().collect();
            if said.len() > suffix.len() && said.ends_with(&suffix) {
                range = range.start..end - suffix.len();
                if role == DepartmentRole::Responsible {
                    role = part;
                }
                break;
            }
        }
        let name: String = original[range.clone()]
            .iter()
            .collect::<String>()
            .trim()
            .to_owned();
        if name.is_empty() {
            continue;
        }
        let key: String = folded[range.clone()].iter().collect();
        let seen = out
            .iter()
            .any(|d| d.role == role && fold(&d.name) == key.trim());
        if !seen {
            out.push(PlanDepartment {
                name,
                role,
                group: is_group(&folded[range]),
            });
        }
    }
}

/// Words after a name in a 责任单位 cell that say its part, longest first.
const ROLE_WORDS: [(&str, DepartmentRole); 9] = [
    ("牵头落实", DepartmentRole::Lead),
    ("牵头负责", DepartmentRole::Lead),
    ("配合落实", DepartmentRole::Co),
    ("牵头", DepartmentRole::Lead),
    ("主办", DepartmentRole::Lead),
    ("负责", DepartmentRole::Lead),
    ("配合", DepartmentRole::Co),
    ("协助", DepartmentRole::Co),
    ("参与", DepartmentRole::Co),
];

#[cfg(test)]
mod tests {
    use super::*;
    use DepartmentRole::{Co, Lead, Responsible};

    type Found<'a> = (
        usize,
        Option<usize>,
        &'a [(usize, DepartmentRole)],
        Option<usize>,
    );

    /// A header row and what is found in it: the task, detail, department and deadline
    /// columns; `None` when the row is not a plan table's header.
    fn check(header: &[&str], expected: Option<Found<'_>>) {
        let row: Vec<String> = header.iter().map(|c| c.to_string()).collect();
        let got = Columns::find(&row).map(|c| (c.task, c.detail, c.departments, c.deadline));
        let expected = expected.map(|(t, d, deps, dl)| (t, d, deps.to_vec(), dl));
        assert_eq!(got, expected, "{header:?}");
    }

    #[test]
    fn headers() {
        check(
            &[
                "序号",
                "工作任务",
                "具体要求",
                "牵头单位",
                "配合单位",
                "完成时限",
            ],
            Some((1, Some(2), &[(3, Lead), (4, Co)], Some(5))),
        );
        check(
            &[
                "序 号",
                "重点工作",
                "工作措施",
                "责任处室",
                "协办单位",
                "时限要求",
            ],
            Some((1, Some(2), &[(3, Responsible), (4, Co)], Some(5))),
        );
        check(
            &["類別", "工作內容", "牽頭部門", "完成時間"],
            Some((1, None, &[(2, Lead)], Some(3))),
        );
        check(
            &["主要内容", "责任单位"],
            Some((0, None, &[(1, Responsible)], None)),
        );
        // A task column alone, or department words in a sentence, are not a header.
        check(&["序号", "工作任务", "备注"], None);
        check(&["办公室负责落实各项任务，牵头单位要加强统筹协调"], None);
        check(&["姓名", "责任领导", "电话"], None);
    }

    /// Reads a table given as rows of cells (the first row the header).
    fn read(rows: &[&[&str]]) -> Vec<PlanTask> {
        let rows: Vec<Vec<String>> = rows
            .iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        let columns = Columns::find(&rows[0]).unwrap_or_else(|| panic!("header {:?}", rows[0]));
        read_table(&rows, 0, &columns, Some(2023)).tasks
    }

    fn departments(task: &PlanTask) -> Vec<(&str, DepartmentRole)> {
        task.departments
            .iter()
            .map(|d| (d.name.as_str(), d.role))
            .collect()
    }

    #[test]
    fn the_words_in_a_responsible_cell_say_who_leads_and_who_helps() {
        let cases: [(&str, &[(&str, DepartmentRole)]); 5] = [
            (
                "办公室牵头，各科室配合",
                &[("办公室", Lead), ("各科室", Co)],
            ),
            ("市发改委牵头落实", &[("市发改委", Lead)]),
            (
                "财务科负责、办公室协助",
                &[("财务科", Lead), ("办公室", Co)],
            ),
            ("各科室", &[("各科室", Responsible)]),
            // A name that merely ends like a role word keeps its whole name.
            ("牵头", &[("牵头", Responsible)]),
        ];
        for (cell, expected) in cases {
            let tasks = read(&[&["工作任务", "责任部门"], &["做好财政信息公开", cell]]);
            assert_eq!(departments(&tasks[0]), expected.to_vec(), "{cell}");
        }
        // In a 配合单位 column the column says the part; the words are only taken off.
        let tasks = read(&[
            &["工作任务", "牵头单位", "配合单位"],
            &["做好公开", "办公室", "规法处配合"],
        ]);
        assert_eq!(
            departments(&tasks[0]),
            vec![("办公室", Lead), ("规法处", Co)]
        );
    }

    #[test]
    fn a_task_cell_over_several_requirements_or_numbered_as_a_section_groups_them() {
        let tasks = read(&[
            &["工作任务", "具体要求", "责任部门"],
            &[
                "一、做好财政信息公开。",
                "1.积极推进本中心预算、决算公开。",
                "财务科",
            ],
            &[
                "二、做好网站专栏公开。",
                "2.及时更新网站频道信息。",
                "办公室",
            ],
            &["", "3.及时反馈网民意见。", "各科室"],
            &[
                "做好主动公开基础工作",
                "严格规范政府信息公开专栏。完善保密审查。",
                "各科室",
            ],
            &["", "规范做好年度报告编制发布工作。", "办公室"],
            &["加强宣传", "积极参加约稿活动。", "各科室"],
        ]);
        let got: Vec<(&str, &str, &str)> = tasks
            .iter()
            .map(|t| (t.number.as_str(), t.title.as_str(), t.section.as_str()))
            .collect();
        assert_eq!(
            got,
            vec![
                (
                    "1.",
                    "积极推进本中心预算、决算公开",
                    "一、做好财政信息公开。"
                ),
                ("2.", "及时更新网站频道信息", "二、做好网站专栏公开。"),
                ("3.", "及时反馈网民意见", "二、做好网站专栏公开。"),
                ("1", "严格规范政府信息公开专栏", "做好主动公开基础工作"),
                ("2", "规范做好年度报告编制发布工作", "做好主动公开基础工作"),
                ("3", "加强宣传", ""),
            ]
        );
        // Each task is still one row: its own departments.
        assert_eq!(departments(&tasks[2]), vec![("各科室", Responsible)]);
    }
}
