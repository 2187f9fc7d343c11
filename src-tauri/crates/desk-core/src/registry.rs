//! What a department or a person must be before the registry keeps it.
//!
//! Names are compared folded (script, width, case and spaces do not matter), the way a work plan's
//! departments are matched to the registry, so two spellings of one office never become two
//! departments.

use crate::model::{Department, Person};
use crate::plan_import::fold_name;
use crate::problem::Code;
use crate::validate::FieldProblem;

/// Every reason `department` (its name and code already trimmed) cannot be saved beside
/// `existing`, the registry's departments (its own stored version among them).
pub fn check_department(department: &Department, existing: &[Department]) -> Vec<FieldProblem> {
    if department.name.is_empty() {
        return vec![Code::DepartmentNameEmpty.problem("name", "the department's name is empty")];
    }
    let folded = fold_name(&department.name);
    existing
        .iter()
        .find(|d| d.id != department.id && fold_name(&d.name) == folded)
        .map(|other| {
            Code::DepartmentNameTaken.problem(
                "name",
                format!("a department named {} already exists", other.name),
            )
        })
        .into_iter()
        .collect()
}

/// Every reason `person` (its name already trimmed) cannot be saved; `department_exists`
/// answers for the department it names.
pub fn check_person(
    person: &Person,
    department_exists: impl Fn(&str) -> bool,
) -> Vec<FieldProblem> {
    let mut problems = Vec::new();
    if person.name.is_empty() {
        problems.push(Code::PersonNameEmpty.problem("name", "the person's name is empty"));
    }
    if let Some(department) = &person.department_id {
        if !department_exists(department) {
            problems.push(Code::UnknownDepartment.problem(
                "department_id",
                format!("the department {department} does not exist: add it first"),
            ));
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::DepartmentKind;

    fn department(id: &str, name: &str) -> Department {
        Department {
            id: id.into(),
            name: name.into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        }
    }

    fn codes(problems: Vec<FieldProblem>) -> Vec<String> {
        problems.into_iter().map(|p| p.code).collect()
    }

    #[test]
    fn department_names_are_present_and_unique_folded() {
        let existing = [department("a", "规划和法规处"), department("b", "办公室")];
        let check = |d: Department| codes(check_department(&d, &existing));
        assert!(check(department("", "信息中心")).is_empty());
        assert!(check(department("a", "规划和法规处")).is_empty());
        assert_eq!(check(department("", "")), ["department_name_empty"]);
        assert_eq!(
            check(department("", "規劃和法規處")),
            ["department_name_taken"]
        );
        assert_eq!(
            check(department("b", "规划 和法规处")),
            ["department_name_taken"]
        );
    }

    #[test]
    fn people_have_a_name_and_a_known_department() {
        let person = |name: &str, department: Option<&str>| Person {
            id: String::new(),
            name: name.into(),
            department_id: department.map(String::from),
            roles: Vec::new(),
        };
        let check = |p: Person| codes(check_person(&p, |d| d == "dept-bgs"));
        assert!(check(person("王芳", Some("dept-bgs"))).is_empty());
        assert!(check(person("王芳", None)).is_empty());
        assert_eq!(
            check(person("", Some("dept-x"))),
            ["person_name_empty", "unknown_department"]
        );
    }
}
