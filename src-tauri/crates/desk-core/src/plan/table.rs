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
use super::headings::parse_marker;
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
    let mut sections = 0u32;
    let mut in_section = 0u32;
    for row in rows.iter().skip(header + 1) {
        let filled: HashSet<&str> = row
            .iter()
            .map(|c| c.trim())
            .filter(|c| !c.is_empty())
            .collect();
        if filled.is_empty() || Columns::find(row).is_some() {
            continue;
        }
        let task_cell = cell(row, Some(columns.task));
        let detail = cell(row, columns.detail);
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
                sections += 1;
                in_section = 0;
            }
            continue;
        }
        let (head, body) = if task_cell.is_empty() {
            (detail, "")
        } else {
            (task_cell, detail)
        };
        if head.is_empty() {
            continue;
        }
        in_section += 1;
        let index = out.tasks.len();
        let written_number = cell(row, columns.number);
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
        let task_section = if category.is_empty() {
            section.clone()
        } else {
            one_line(category)
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
}
