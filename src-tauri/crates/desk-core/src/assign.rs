//! `FIELD=VALUE` as a person types it (the CLI, scripts): field names in English or Chinese,
//! dates in the usual Chinese forms, enums by key or Chinese name, departments, categories and
//! people by name or id, lists separated by 、，,;. The workflow's own fields (status and its
//! companions) are refused: they move only through the workflow's actions.

use crate::fields::{parse_date, parse_enum_value, split_list, FieldValueError, ItemField};
use crate::model::{Category, Department, Item, ItemLink, LinkKind, Person};
use crate::plan_import::{fold_name, match_department};
use crate::text::fold;
use serde_json::Value;

/// The registry names are resolved against.
pub struct Names<'a> {
    pub departments: &'a [Department],
    pub categories: &'a [Category],
    pub people: &'a [Person],
}

fn error(field: ItemField, code: &'static str, message: String) -> FieldValueError {
    FieldValueError {
        field: field.key(),
        code,
        message,
    }
}

/// Splits `title=关于…` at the first `=`.
pub fn split_assignment(text: &str) -> Option<(&str, &str)> {
    let (name, value) = text.split_once('=')?;
    Some((name.trim(), value))
}

fn department_id(field: ItemField, text: &str, names: &Names) -> Result<String, FieldValueError> {
    names
        .departments
        .iter()
        .find(|d| d.id == text.trim())
        .or_else(|| match_department(text, names.departments))
        .map(|d| d.id.clone())
        .ok_or_else(|| {
            error(
                field,
                "unknown_department",
                format!("no department named {text}: add it first (desk department add) or check the name"),
            )
        })
}

fn category_id(text: &str, names: &Names) -> Result<String, FieldValueError> {
    let wanted = fold(text.trim());
    names
        .categories
        .iter()
        .find(|c| {
            c.id == text.trim()
                || fold(&c.name) == wanted
                || c.code.eq_ignore_ascii_case(text.trim())
        })
        .map(|c| c.id.clone())
        .ok_or_else(|| {
            error(
                ItemField::CategoryId,
                "unknown_category",
                format!("no category named {text}: see the category tree in the app"),
            )
        })
}

/// Edit distance in characters (insertions, deletions, substitutions).
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let above = row[j + 1];
            row[j + 1] = (above + 1)
                .min(row[j] + 1)
                .min(diagonal + usize::from(ca != *cb));
            diagonal = above;
        }
    }
    row[b.len()]
}

fn person_with_department(person: &Person, departments: &[Department]) -> String {
    let department = person
        .department_id
        .as_ref()
        .and_then(|id| departments.iter().find(|d| &d.id == id))
        .map(|d| d.name.as_str());
    match department {
        Some(name) => format!("{} ({name})", person.name),
        None => person.name.clone(),
    }
}

/// Finds a person by id or by name (either script; width, case and spaces do not matter).
/// An unknown name is refused with the close matches, or with how to add the person; a name
/// two people share is refused with their ids.
pub fn resolve_person<'a>(text: &str, names: &Names<'a>) -> Result<&'a Person, FieldValueError> {
    person_lookup(text, names).map_err(|(code, message)| FieldValueError {
        field: "person",
        code,
        message,
    })
}

fn person_lookup<'a>(text: &str, names: &Names<'a>) -> Result<&'a Person, (&'static str, String)> {
    let text = text.trim();
    if let Some(person) = names.people.iter().find(|p| p.id == text) {
        return Ok(person);
    }
    let wanted = fold_name(text);
    let same: Vec<&Person> = names
        .people
        .iter()
        .filter(|p| fold_name(&p.name) == wanted)
        .collect();
    match same.as_slice() {
        [one] => return Ok(one),
        [] => {}
        several => {
            let ids: Vec<String> = several
                .iter()
                .map(|p| {
                    format!(
                        "{} = {}",
                        person_with_department(p, names.departments),
                        p.id
                    )
                })
                .collect();
            return Err((
                "ambiguous_person",
                format!(
                    "{} people are named {text}: give the id instead ({})",
                    several.len(),
                    ids.join("; ")
                ),
            ));
        }
    }
    let length = wanted.chars().count();
    let mut close: Vec<(usize, &Person)> = names
        .people
        .iter()
        .filter_map(|p| {
            let name = fold_name(&p.name);
            let d = distance(&wanted, &name);
            let contains = !wanted.is_empty() && (name.contains(&wanted) || wanted.contains(&name));
            (contains || d <= (length / 3).max(1)).then_some((d, p))
        })
        .collect();
    close.sort_by_key(|(d, p)| (*d, p.name.clone()));
    let suggestions: Vec<String> = close
        .iter()
        .take(5)
        .map(|(_, p)| person_with_department(p, names.departments))
        .collect();
    let add = format!("desk person add {text} --department DEPARTMENT --role clerk");
    let message = if suggestions.is_empty() {
        format!(
            "no person named {text}: check the name (desk person list) or add them first ({add})"
        )
    } else {
        format!(
            "no person named {text}: did you mean {}? Or add them first ({add})",
            suggestions.join("、")
        )
    };
    Err(("unknown_person", message))
}

/// Why a workflow field cannot be typed, and what to use instead.
fn workflow_field_message(field: ItemField) -> String {
    let how = match field {
        ItemField::Status => "changes only through the workflow: use desk item submit, request-signoff, sign-off, send-back, withdraw, reopen, not-disclose, mark-exported or publish",
        ItemField::StatusNote => "is the reason given with a workflow action: use desk item send-back, withdraw or not-disclose with --reason",
        ItemField::ChangedAfterSignoff => "is kept by the catalog when a change voids a sign-off; the next sign-off (desk item sign-off) clears it",
        _ => "is recorded when the item is published: use desk item publish ID --url URL",
    };
    format!("{} {how}", field.label_zh())
}

/// Sets one field of `item` from its typed text. An empty value clears the field.
pub fn assign(
    item: &mut Item,
    name: &str,
    text: &str,
    names: &Names,
) -> Result<(), FieldValueError> {
    let field = ItemField::parse(name).ok_or_else(|| FieldValueError {
        field: "field",
        code: "unknown_field",
        message: format!(
            "unknown field {name}: use one of {}",
            ItemField::ALL.map(|f| f.key()).join(", ")
        ),
    })?;
    if field.is_workflow_managed() {
        return Err(error(
            field,
            "workflow_managed",
            workflow_field_message(field),
        ));
    }
    let text = text.trim();
    let value = match field {
        ItemField::DateWritten
        | ItemField::DateFormed
        | ItemField::DatePublished
        | ItemField::DueDate
        | ItemField::CommentStart
        | ItemField::CommentEnd => {
            if text.is_empty() {
                Value::Null
            } else {
                let date = parse_date(text).map_err(|m| error(field, "invalid_date", m))?;
                Value::String(date.to_string())
            }
        }
        ItemField::Validity | ItemField::Disclosure | ItemField::Audience | ItemField::Status => {
            parse_enum_value(field, text).ok_or_else(|| {
                error(
                    field,
                    "invalid_value",
                    format!("{text} is not a value of {}", field.label_zh()),
                )
            })?
        }
        ItemField::WithheldReason => {
            if text.is_empty() {
                Value::Null
            } else {
                parse_enum_value(field, text).ok_or_else(|| {
                    error(
                        field,
                        "invalid_value",
                        format!("{text} is not a reason of 条例 第十四、十五、十六条"),
                    )
                })?
            }
        }
        ItemField::LeadDepartmentId => {
            if text.is_empty() {
                Value::Null
            } else {
                Value::String(department_id(field, text, names)?)
            }
        }
        ItemField::CoDepartmentIds => Value::Array(
            split_list(text)
                .iter()
                .map(|name| department_id(field, name, names).map(Value::String))
                .collect::<Result<_, _>>()?,
        ),
        ItemField::CategoryId => {
            if text.is_empty() {
                Value::Null
            } else {
                Value::String(category_id(text, names)?)
            }
        }
        ItemField::ClerkId | ItemField::ReviewerId | ItemField::SignerId => {
            if text.is_empty() {
                Value::Null
            } else {
                let person = person_lookup(text, names)
                    .map_err(|(code, message)| error(field, code, message))?;
                Value::String(person.id.clone())
            }
        }
        ItemField::Keywords | ItemField::Channels | ItemField::OtherResponsible => {
            Value::Array(split_list(text).into_iter().map(Value::String).collect())
        }
        ItemField::Links => {
            let links: Vec<ItemLink> = split_list(text)
                .into_iter()
                .map(|target_id| ItemLink {
                    target_id,
                    kind: LinkKind::Related,
                })
                .collect();
            serde_json::to_value(links).unwrap_or(Value::Null)
        }
        _ => Value::String(text.to_string()),
    };
    item.set(field, value)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{DepartmentKind, Role};

    fn person(id: &str, name: &str, department: &str) -> Person {
        Person {
            id: id.into(),
            name: name.into(),
            department_id: Some(department.into()),
            roles: vec![Role::Clerk],
        }
    }

    fn people() -> Vec<Person> {
        vec![
            person("p1", "王芳", "d1"),
            person("p2", "李处长", "d1"),
            person("p3", "张伟", "d1"),
            person("p4", "张伟", "d2"),
        ]
    }

    fn names() -> (Vec<Department>, Vec<Category>) {
        (
            vec![
                Department {
                    id: "d1".into(),
                    name: "规法处".into(),
                    code: "GFC".into(),
                    kind: DepartmentKind::Department,
                },
                Department {
                    id: "d2".into(),
                    name: "办公室".into(),
                    code: "BGS".into(),
                    kind: DepartmentKind::Department,
                },
            ],
            vec![Category {
                id: "c1".into(),
                parent_id: None,
                name: "行政规范性文件".into(),
                code: "GFXWJ".into(),
            }],
        )
    }

    fn check(name: &str, text: &str, expected: Result<Value, &str>) {
        let (departments, categories) = names();
        let people = people();
        let names = Names {
            departments: &departments,
            categories: &categories,
            people: &people,
        };
        let mut item = Item::blank("x".into());
        let result = assign(&mut item, name, text, &names);
        match expected {
            Ok(value) => {
                assert_eq!(result, Ok(()), "{name}={text}");
                let field = ItemField::parse(name).unwrap_or(ItemField::Title);
                assert_eq!(item.get(field), value, "{name}={text}");
            }
            Err(code) => assert_eq!(result.err().map(|e| e.code), Some(code), "{name}={text}"),
        }
    }

    #[test]
    fn assignments() {
        use serde_json::json;
        check(
            "title",
            " 关于印发方案的通知 ",
            Ok(json!("关于印发方案的通知")),
        );
        check("名称", "标题", Ok(json!("标题")));
        check(
            "doc_no",
            "大教发〔2019〕1号",
            Ok(json!("大教发〔2019〕1号")),
        );
        check("date_written", "2019年3月5日", Ok(json!("2019-03-05")));
        check("date_written", "2019-02-30", Err("invalid_date"));
        check("date_written", "", Ok(Value::Null));
        check("disclosure", "不予公开", Ok(json!("withheld")));
        check("disclosure", "secret", Err("invalid_value"));
        check("status", "审查中", Err("workflow_managed"));
        check("状态说明", "x", Err("workflow_managed"));
        check("url", "https://www.gov.cn/", Err("workflow_managed"));
        check("changed_after_signoff", "", Err("workflow_managed"));
        check("clerk", "王芳", Ok(json!("p1")));
        check("经办人", " 王 芳 ", Ok(json!("p1")));
        check("reviewer", "p2", Ok(json!("p2")));
        check("signer", "李處長", Ok(json!("p2")));
        check("signer", "", Ok(Value::Null));
        check("clerk", "王方", Err("unknown_person"));
        check("clerk", "张伟", Err("ambiguous_person"));
        check("clerk", "p4", Ok(json!("p4")));
        check("comment_start", "2019年3月1日", Ok(json!("2019-03-01")));
        check("comment_end", "2019-02-30", Err("invalid_date"));
        check("lead", "規法處", Ok(json!("d1")));
        check("lead", "d2", Ok(json!("d2")));
        check("lead", "学前处", Err("unknown_department"));
        check("co", "规法处、办公室", Ok(json!(["d1", "d2"])));
        check("category", "行政规范性文件", Ok(json!("c1")));
        check("category", "gfxwj", Ok(json!("c1")));
        check("category", "规章", Err("unknown_category"));
        check(
            "channels",
            "政府网站，两微一端",
            Ok(json!(["政府网站", "两微一端"])),
        );
        check("keywords", "招生;学区", Ok(json!(["招生", "学区"])));
        check(
            "withheld_reason",
            "过程性信息",
            Ok(json!("process_information")),
        );
        check("colour", "red", Err("unknown_field"));
    }

    #[test]
    fn unknown_people_are_explained() {
        let (departments, categories) = names();
        let people = people();
        let names = Names {
            departments: &departments,
            categories: &categories,
            people: &people,
        };
        let message = |text: &str| {
            resolve_person(text, &names)
                .err()
                .map(|e| e.message)
                .unwrap_or_default()
        };
        assert!(
            message("王方").contains("did you mean 王芳 (规法处)"),
            "{}",
            message("王方")
        );
        assert!(
            message("赵敏").contains("desk person add 赵敏"),
            "{}",
            message("赵敏")
        );
        assert!(!message("赵敏").contains("did you mean"));
        assert!(message("张伟").contains("p3") && message("张伟").contains("p4"));
        assert_eq!(
            resolve_person("王芳", &names).map(|p| p.id.as_str()),
            Ok("p1")
        );
        let status = assign(&mut Item::blank("x".into()), "status", "审查中", &names)
            .err()
            .map(|e| e.message)
            .unwrap_or_default();
        assert!(status.contains("desk item submit"), "{status}");
    }

    #[test]
    fn edit_distance() {
        assert_eq!(distance("王芳", "王方"), 1);
        assert_eq!(distance("", "ab"), 2);
        assert_eq!(distance("kitten", "sitting"), 3);
    }

    #[test]
    fn split_at_the_first_equals_sign() {
        assert_eq!(split_assignment("summary=a=b"), Some(("summary", "a=b")));
        assert_eq!(split_assignment("summary"), None);
    }
}
