//! Departments, people and categories: the registry items refer to.

use crate::error::{Result, StoreError};
use crate::oplog::Recorder;
use desk_core::model::{Category, Department, DepartmentKind, Person, Role};
use desk_core::ops::EntityKind;
use rusqlite::Transaction;
use rusqlite::{params, Connection, OptionalExtension};
use serde_json::Value;

/// An enum stored as its key (`department`, `unit`).
fn decode<T: serde::de::DeserializeOwned>(what: &str, key: &str) -> Result<T> {
    serde_json::from_value(Value::String(key.to_string()))
        .map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}

pub fn departments(conn: &Connection) -> Result<Vec<Department>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, code, kind FROM departments ORDER BY code, name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, String>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, code, kind) = row?;
        out.push(Department {
            id,
            name,
            code,
            kind: decode::<DepartmentKind>("department kind", &kind)?,
        });
    }
    Ok(out)
}

/// One department by its id: a primary-key lookup (sync looks one up per operation, so reading
/// the whole list here made applying n department creations take n² time).
pub fn department(conn: &Connection, id: &str) -> Result<Option<Department>> {
    let row = conn
        .prepare_cached("SELECT id, name, code, kind FROM departments WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    row.map(|(id, name, code, kind)| {
        Ok(Department {
            id,
            name,
            code,
            kind: decode::<DepartmentKind>("department kind", &kind)?,
        })
    })
    .transpose()
}

/// Whether a department with this id exists (a primary-key lookup).
pub fn department_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM departments WHERE id = ?1)")?
        .query_row(params![id], |r| r.get(0))?)
}

pub fn write_department(conn: &Connection, d: &Department) -> Result<()> {
    let kind = serde_json::to_value(d.kind).unwrap_or(Value::Null);
    conn.execute(
        "INSERT INTO departments (id, name, code, kind) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, code = excluded.code, kind = excluded.kind",
        params![
            d.id,
            d.name,
            d.code,
            kind.as_str().unwrap_or("department")
        ],
    )?;
    Ok(())
}

pub fn people(conn: &Connection) -> Result<Vec<Person>> {
    let mut stmt =
        conn.prepare_cached("SELECT id, name, department_id, roles FROM people ORDER BY name")?;
    let rows = stmt.query_map([], |r| {
        Ok((
            r.get::<_, String>(0)?,
            r.get::<_, String>(1)?,
            r.get::<_, Option<String>>(2)?,
            r.get::<_, String>(3)?,
        ))
    })?;
    let mut out = Vec::new();
    for row in rows {
        let (id, name, department_id, roles) = row?;
        let roles: Vec<Role> =
            serde_json::from_str(&roles).map_err(|e| StoreError::Decode(format!("roles: {e}")))?;
        out.push(Person {
            id,
            name,
            department_id,
            roles,
        });
    }
    Ok(out)
}

/// One person by id: a primary-key lookup.
pub fn person(conn: &Connection, id: &str) -> Result<Option<Person>> {
    let row = conn
        .prepare_cached("SELECT id, name, department_id, roles FROM people WHERE id = ?1")?
        .query_row(params![id], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })
        .optional()?;
    row.map(|(id, name, department_id, roles)| {
        let roles: Vec<Role> =
            serde_json::from_str(&roles).map_err(|e| StoreError::Decode(format!("roles: {e}")))?;
        Ok(Person {
            id,
            name,
            department_id,
            roles,
        })
    })
    .transpose()
}

/// Whether a person with this id exists (a primary-key lookup).
pub fn person_exists(conn: &Connection, id: &str) -> Result<bool> {
    Ok(conn
        .prepare_cached("SELECT EXISTS (SELECT 1 FROM people WHERE id = ?1)")?
        .query_row(params![id], |r| r.get(0))?)
}

pub fn write_person(conn: &Connection, p: &Person) -> Result<()> {
    let roles = serde_json::to_string(&p.roles).unwrap_or_else(|_| "[]".into());
    conn.execute(
        "INSERT INTO people (id, name, department_id, roles) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT (id) DO UPDATE SET name = excluded.name, department_id = excluded.department_id,
         roles = excluded.roles",
        params![p.id, p.name, p.department_id, roles],
    )?;
    Ok(())
}

pub fn categories(conn: &Connection) -> Result<Vec<Category>> {
    let mut stmt = conn.prepare_cached(
        "SELECT id, parent_id, name, code FROM categories ORDER BY position, name",
    )?;
    let rows = stmt.query_map([], |r| {
        Ok(Category {
            id: r.get(0)?,
            parent_id: r.get(1)?,
            name: r.get(2)?,
            code: r.get(3)?,
        })
    })?;
    Ok(rows.collect::<rusqlite::Result<_>>()?)
}

pub fn write_category(conn: &Connection, c: &Category, position: i64) -> Result<()> {
    conn.execute(
        "INSERT INTO categories (id, parent_id, name, code, position) VALUES (?1, ?2, ?3, ?4, ?5)
         ON CONFLICT (id) DO UPDATE SET parent_id = excluded.parent_id, name = excluded.name, code = excluded.code",
        params![c.id, c.parent_id, c.name, c.code, position],
    )?;
    Ok(())
}

pub fn category_code(conn: &Connection, id: &str) -> Result<Option<String>> {
    Ok(conn
        .query_row(
            "SELECT code FROM categories WHERE id = ?1",
            params![id],
            |r| r.get(0),
        )
        .optional()?)
}

/// The default category tree of a new catalog: (id, parent, name, code).
pub const DEFAULT_CATEGORIES: &[(&str, Option<&str>, &str, &str)] = &[
    ("cat-policy", None, "政策文件", "ZCWJ"),
    ("cat-rules", Some("cat-policy"), "规章", "GZ"),
    (
        "cat-normative",
        Some("cat-policy"),
        "行政规范性文件",
        "GFXWJ",
    ),
    ("cat-other-docs", Some("cat-policy"), "其他文件", "QTWJ"),
    ("cat-interpretation", None, "政策解读", "ZCJD"),
    ("cat-organisation", None, "机构职能", "JGZN"),
    ("cat-plans", None, "规划计划", "GHJH"),
    ("cat-enforcement", None, "行政执法", "XZZF"),
    ("cat-key-areas", None, "重点领域信息", "ZDLY"),
    ("cat-education", Some("cat-key-areas"), "教育", "JY"),
    ("cat-enrolment", Some("cat-education"), "义务教育招生", "ZS"),
    ("cat-preschool", Some("cat-education"), "学前教育", "XQ"),
    ("cat-disclosure-work", None, "政务公开工作", "ZWGK"),
    (
        "cat-plan-tasks",
        Some("cat-disclosure-work"),
        "年度工作任务",
        "GZRW",
    ),
];

/// Where imported work-plan tasks go.
pub const PLAN_TASK_CATEGORY: &str = "cat-plan-tasks";

pub(crate) fn save_department_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    mut department: Department,
) -> Result<Department> {
    department.name = department.name.trim().to_string();
    department.code = department.code.trim().to_string();
    let existing = departments(tx)?;
    let problems = desk_core::registry::check_department(&department, &existing);
    if !problems.is_empty() {
        return Err(StoreError::Refused(problems));
    }
    let old = if department.id.is_empty() {
        department.id = new_department_id(tx, &department.name)?;
        None
    } else {
        Some(
            existing
                .iter()
                .find(|d| d.id == department.id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound {
                    what: "department",
                    id: department.id.clone(),
                })?,
        )
    };
    if department.code.is_empty() {
        department.code = format!("D{:02}", existing.len() + 1);
    }
    write_department(tx, &department)?;
    recorder.record_entity(
        tx,
        EntityKind::Department,
        &department.id,
        old.as_ref(),
        &department,
    )?;
    Ok(department)
}

/// A new department's id: the one its name gives (so the same department created on two PCs
/// before they sync is one), unless a department renamed since holds that id here.
fn new_department_id(conn: &Connection, name: &str) -> Result<String> {
    let id = desk_core::identity::department_id(name);
    Ok(if department_exists(conn, &id)? {
        crate::clock::uuid_v7().to_string()
    } else {
        id
    })
}

/// A new person's id: the one name and department give, unless someone holds it here already
/// (a second person of the same name in the same department).
pub(crate) fn new_person_id(conn: &Connection, person: &Person) -> Result<String> {
    let id = desk_core::identity::person_id(&person.name, person.department_id.as_deref());
    Ok(if person_exists(conn, &id)? {
        crate::clock::uuid_v7().to_string()
    } else {
        id
    })
}

/// A department's kind guessed from its name (局属单位 end in 中心, 学校, 单位 …).
pub fn guess_department_kind(name: &str) -> DepartmentKind {
    let folded = desk_core::text::fold(name);
    if [
        "中心",
        "学校",
        "单位",
        "学院",
        "大学",
        "中学",
        "小学",
        "幼儿园",
        "馆",
        "站",
        "所",
    ]
    .iter()
    .any(|end| folded.ends_with(end))
    {
        DepartmentKind::Unit
    } else {
        DepartmentKind::Department
    }
}

/// The item's category, then its parents up to the root.
pub(crate) fn category_ancestry(conn: &Connection, category: Option<&str>) -> Result<Vec<String>> {
    let Some(category) = category else {
        return Ok(Vec::new());
    };
    let mut stmt = conn.prepare_cached(
        "WITH RECURSIVE up(id, parent_id, depth) AS (
             SELECT id, parent_id, 0 FROM categories WHERE id = ?1
             UNION ALL SELECT c.id, c.parent_id, up.depth + 1 FROM categories c JOIN up ON c.id = up.parent_id
             WHERE up.depth < 64)
         SELECT id FROM up ORDER BY depth",
    )?;
    let ids = stmt.query_map(params![category], |r| r.get::<_, String>(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}
