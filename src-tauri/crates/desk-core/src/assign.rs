//! `FIELD=VALUE` as a person types it (the CLI, scripts): field names in English or Chinese,
//! dates in the usual Chinese forms, enums by key or Chinese name, departments and categories by
//! name or id, lists separated by 、，,;.

use crate::fields::{parse_date, parse_enum_value, split_list, FieldValueError, ItemField};
use crate::model::{Category, Department, Item, ItemLink, LinkKind};
use crate::plan_import::match_department;
use crate::text::fold;
use serde_json::Value;

/// The registry names are resolved against.
pub struct Names<'a> {
    pub departments: &'a [Department],
    pub categories: &'a [Category],
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
    let text = text.trim();
    let value = match field {
        ItemField::DateWritten
        | ItemField::DateFormed
        | ItemField::DatePublished
        | ItemField::DueDate => {
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
    use crate::model::DepartmentKind;

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
        let names = Names {
            departments: &departments,
            categories: &categories,
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
        check("status", "审查中", Ok(json!("in_review")));
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
    fn split_at_the_first_equals_sign() {
        assert_eq!(split_assignment("summary=a=b"), Some(("summary", "a=b")));
        assert_eq!(split_assignment("summary"), None);
    }
}
