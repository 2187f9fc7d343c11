//! Turning a parsed work plan into a preview a person can check before anything is saved.
//!
//! Matching is by folded name (traditional and simplified forms, full- and half-width
//! punctuation are the same department), so 規法處 in the plan finds 规法处 in the registry.
//! Names that match nothing are listed as unknown: they become departments only when the person
//! confirms them. Tasks whose key was imported before are marked, so a re-import adds nothing.

use crate::model::Department;
use crate::plan::{DepartmentRole, PlanParse, PlanTask};
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanPreview {
    pub parse: PlanParse,
    /// How the text was decoded ("UTF-8", "GB18030" …), or "text" when pasted.
    pub encoding: String,
    /// One entry per task, in order.
    pub tasks: Vec<TaskPreview>,
    /// Department names (as first written) that are not in the registry, in order of appearance.
    pub unknown_departments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct TaskPreview {
    pub already_imported: bool,
    pub departments: Vec<DepartmentMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DepartmentMatch {
    pub name: String,
    pub role: DepartmentRole,
    pub group: bool,
    /// The registry's department when the name matched one.
    pub department_id: Option<String>,
}

/// What the person confirmed in the preview.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanImportRequest {
    /// The tasks as corrected in the preview.
    pub tasks: Vec<PlanTask>,
    /// Unknown department names the person agreed to create.
    pub create_departments: Vec<String>,
    /// The plan's year, from the preview: the items' 索引号 are numbered in it.
    #[serde(default)]
    pub plan_year: Option<i32>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanImportReport {
    pub items_created: u32,
    pub tasks_already_imported: u32,
    pub departments_created: u32,
    pub item_ids: Vec<String>,
    /// Departments that were named but not confirmed, so tasks kept them only as text.
    pub departments_not_created: Vec<String>,
}

/// The registry department a name written in a plan refers to.
pub fn match_department<'a>(name: &str, registry: &'a [Department]) -> Option<&'a Department> {
    let wanted = fold_name(name);
    registry.iter().find(|d| fold_name(&d.name) == wanted)
}

/// Folds a department name for comparison: script, width, case, and spaces do not matter.
pub fn fold_name(name: &str) -> String {
    fold(name).chars().filter(|c| !c.is_whitespace()).collect()
}

pub fn preview(
    parse: PlanParse,
    encoding: &str,
    registry: &[Department],
    imported_keys: &HashSet<String>,
) -> PlanPreview {
    let mut unknown: Vec<String> = Vec::new();
    let tasks = parse
        .tasks
        .iter()
        .map(|task| TaskPreview {
            already_imported: imported_keys.contains(&task.key),
            departments: task
                .departments
                .iter()
                .map(|d| {
                    let department_id = match_department(&d.name, registry).map(|m| m.id.clone());
                    if department_id.is_none()
                        && !d.group
                        && !unknown.iter().any(|u| fold_name(u) == fold_name(&d.name))
                    {
                        unknown.push(d.name.clone());
                    }
                    DepartmentMatch {
                        name: d.name.clone(),
                        role: d.role,
                        group: d.group,
                        department_id,
                    }
                })
                .collect(),
        })
        .collect();
    PlanPreview {
        parse,
        encoding: encoding.to_string(),
        tasks,
        unknown_departments: unknown,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DepartmentKind;

    fn dept(id: &str, name: &str) -> Department {
        Department {
            id: id.into(),
            name: name.into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        }
    }

    #[test]
    fn traditional_and_simplified_names_are_one_department() {
        let registry = vec![dept("a", "规法处"), dept("b", "机关党办")];
        let check = |name: &str, id: Option<&str>| {
            assert_eq!(
                match_department(name, &registry).map(|d| d.id.as_str()),
                id,
                "{name}"
            )
        };
        check("規法處", Some("a"));
        check("规法处", Some("a"));
        check(" 機關黨辦 ", Some("b"));
        check("学前处", None);
    }
}
