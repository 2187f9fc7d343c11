//! Whether an operation that arrived can be applied, decided before anything is written.
//!
//! Why it exists: one operation that cannot be applied (a person naming an unknown department,
//! a value of the wrong type, a kind from a newer version) used to fail the whole transaction,
//! so every round failed on every PC and nothing after it arrived. Now such an operation is
//! stored in the log like any other but its effect is kept aside (see `kept_aside`).
//!
//! What must hold: the decision depends only on the operation, the app version and what every
//! PC that has applied the same operations shares (whether a department exists), never on the
//! order of arrival beyond that; so every PC of one version decides the same for the same
//! operation. Values are checked by desk-core's own rules, the same a save is checked by; rules
//! that look at the rest of an item (a 索引号 taken, a reason a disclosure needs) are not checked
//! on a change, since two PCs' concurrent edits may each pass them and only their merge break
//! them. A created item arrives whole, so what its 公开属性 asks of its reason is checked on it.
//!
//! Everything the effect in `apply` decodes is decoded here first, so the effect never fails on
//! a value: a failure there is a storage error and rolls the batch back.

use super::context::decode_value;
use super::entitled;
pub(crate) use super::kept_aside::{refuse, Refusal};
use crate::catalog::registry;
use crate::db::meta::meta_get;
use crate::error::Result;
use crate::oplog::heads::parse_json;
use desk_core::checklist::{CheckMark, ChecklistTemplate};
use desk_core::export::BundleRecord;
use desk_core::fields::{FieldShape, ItemField};
use desk_core::model::{Department, DepartmentKind, Item, Person};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::settings::CatalogSettings;
use desk_core::signoff::Signoff;
use desk_core::sync::KeptAsideReason;
use desk_core::validate::FieldProblem;
use desk_core::workdays::WorkCalendar;
use desk_core::workflow::Policy;
use rusqlite::Connection;
use serde_json::Value;

fn shape<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> Option<Refusal> {
    decode_value::<T>(what, value)
        .err()
        .and_then(|e| refuse(KeptAsideReason::InvalidShape, e.to_string()))
}

fn broken_rules(problems: &[FieldProblem]) -> Option<Refusal> {
    if problems.is_empty() {
        return None;
    }
    let text: Vec<String> = problems
        .iter()
        .map(|p| format!("{} ({}): {}", p.field, p.code, p.message))
        .collect();
    refuse(KeptAsideReason::InvalidValue, text.join("; "))
}

/// `None` when the operation can be applied; else why not. Cost: a constant number of
/// primary-key lookups (a department by id, the settings row), plus decoding the value.
/// What the workflow and the roster say (see `entitled`) is checked once the value reads.
pub(crate) fn check(conn: &Connection, policy: Policy, op: &Operation) -> Result<Option<Refusal>> {
    Ok(match (op.entity, op.kind) {
        (EntityKind::Item, OpKind::Create) => check_item_create(op),
        (EntityKind::Item, OpKind::Delete) => None,
        (EntityKind::Item, OpKind::Set | OpKind::Add | OpKind::Remove) => {
            match check_item_change(op) {
                None if entitled::reads_items(op) => entitled::check_status_change(conn, op)?,
                refusal => refusal,
            }
        }
        (EntityKind::Department, OpKind::Create) => {
            match decode_value::<Department>("department", &op.new_value) {
                Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
                Ok(d) if d.id.trim().is_empty() => {
                    refuse(KeptAsideReason::MissingField, "the department has no id")
                }
                Ok(_) => None,
            }
        }
        (EntityKind::Person, OpKind::Create) => {
            match decode_value::<Person>("person", &op.new_value) {
                Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
                Ok(p) if p.id.trim().is_empty() => {
                    refuse(KeptAsideReason::MissingField, "the person has no id")
                }
                Ok(p) => check_person(conn, &p)?,
            }
        }
        (EntityKind::Department | EntityKind::Person, OpKind::Set) => check_registry_set(conn, op)?,
        (EntityKind::Template, OpKind::Create) => {
            match decode_value::<ChecklistTemplate>("template", &op.new_value) {
                Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
                Ok(t) if t.id.trim().is_empty() => {
                    refuse(KeptAsideReason::MissingField, "the template has no id")
                }
                Ok(t) => desk_core::checklist::validate_template(&t)
                    .err()
                    .and_then(|problems| broken_rules(&problems)),
            }
        }
        (EntityKind::Signoff, OpKind::Create) => {
            match decode_value::<Signoff>("sign-off", &op.new_value) {
                Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
                Ok(s) if s.id.trim().is_empty() || s.item_id.trim().is_empty() => refuse(
                    KeptAsideReason::MissingField,
                    "the sign-off has no id or no item",
                ),
                Ok(_) => entitled::check_signoff(conn, op, policy)?,
            }
        }
        (EntityKind::Setting, OpKind::Set) => check_setting(conn, op)?,
        (EntityKind::Bundle, OpKind::Create) => shape::<BundleRecord>("bundle", &op.new_value),
        (EntityKind::Roster, OpKind::Create) => check_roster(op),
        (EntityKind::KeyRequest, OpKind::Create) => {
            shape::<desk_trust::roster::KeyRequest>("key request", &op.new_value)
        }
        _ => refuse(
            KeptAsideReason::UnknownKind,
            format!(
                "this version does not know a {} of a {}",
                op.kind_key(),
                op.entity_key()
            ),
        ),
    })
}

/// A roster version's shape and its id (`v<version>-<office fingerprint>`); its signature is
/// checked against the pinned office key whenever the roster is used, not here.
fn check_roster(op: &Operation) -> Option<Refusal> {
    let signed = match decode_value::<desk_trust::roster::SignedRoster>("roster", &op.new_value) {
        Ok(signed) => signed,
        Err(e) => return refuse(KeptAsideReason::InvalidShape, e.to_string()),
    };
    if signed.body.len() > desk_trust::roster::MAX_ROSTER_BYTES {
        return refuse(KeptAsideReason::InvalidShape, "the roster is too large");
    }
    match serde_json::from_str::<desk_trust::roster::Roster>(&signed.body) {
        Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
        Ok(roster) if op.entity_id != roster_id(&roster) => refuse(
            KeptAsideReason::InvalidShape,
            "the roster's id is not its version and office key",
        ),
        Ok(_) => None,
    }
}

/// The id of a roster version's operation.
pub(crate) fn roster_id(roster: &desk_trust::roster::Roster) -> String {
    format!(
        "v{}-{}",
        roster.version,
        roster.office_key.fingerprint().digits()
    )
}

fn check_item_create(op: &Operation) -> Option<Refusal> {
    match decode_value::<Item>("item", &op.new_value) {
        Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
        Ok(item) => {
            let mut problems = desk_core::validate::check_own_values(&item);
            problems.extend(desk_core::validate::check_disclosure(&item));
            broken_rules(&problems).or_else(|| entitled::check_new_item(&item))
        }
    }
}

fn check_item_change(op: &Operation) -> Option<Refusal> {
    let Some(field) = op.field.as_deref() else {
        return refuse(KeptAsideReason::MissingField, "the change names no field");
    };
    if field.starts_with("check:") {
        if op.kind != OpKind::Set {
            return refuse(KeptAsideReason::InvalidShape, "a check mark is only set");
        }
        return match &op.new_value {
            Value::Null => None,
            value => shape::<CheckMark>("check mark", value),
        };
    }
    if field == "checklist" {
        return (op.kind != OpKind::Set)
            .then(|| refuse(KeptAsideReason::InvalidShape, "a checklist is only set"))
            .flatten();
    }
    let Some(item_field) = ItemField::parse(field).filter(|f| f.key() == field) else {
        return refuse(
            KeptAsideReason::UnknownField,
            format!("this version does not know the item field {field}"),
        );
    };
    let mut probe = Item::blank(op.entity_id.clone());
    let (value, own_rules) = match (item_field.shape(), op.kind) {
        (FieldShape::Register, OpKind::Set) => (op.new_value.clone(), true),
        (FieldShape::Set, OpKind::Add) => (Value::Array(vec![op.new_value.clone()]), true),
        // Taking an element out needs it to be of the list's shape only.
        (FieldShape::Set, OpKind::Remove) => (Value::Array(vec![op.old_value.clone()]), false),
        _ => {
            return refuse(
                KeptAsideReason::InvalidShape,
                format!("a {} of the field {field}", op.kind.key()),
            )
        }
    };
    if let Err(e) = probe.set(item_field, value) {
        return refuse(KeptAsideReason::InvalidShape, e.message);
    }
    if !own_rules {
        return None;
    }
    broken_rules(&desk_core::validate::check_own_value(&probe, item_field))
}

fn check_person(conn: &Connection, person: &Person) -> Result<Option<Refusal>> {
    if let Some(department) = &person.department_id {
        if !registry::department_exists(conn, department)? {
            return Ok(refuse(
                KeptAsideReason::UnknownReference,
                format!("the person names the unknown department {department}"),
            ));
        }
    }
    // The department was looked up above; the rest of desk-core's rules see it as existing.
    Ok(broken_rules(&desk_core::registry::check_person(
        person,
        |_| true,
    )))
}

/// A department's or person's field set: the value must take the field's place in the entity.
fn check_registry_set(conn: &Connection, op: &Operation) -> Result<Option<Refusal>> {
    let Some(field) = op.field.as_deref() else {
        return Ok(refuse(
            KeptAsideReason::MissingField,
            "the change names no field",
        ));
    };
    if field == "id" {
        return Ok(refuse(
            KeptAsideReason::InvalidShape,
            "an id is never changed",
        ));
    }
    let probe = match op.entity {
        EntityKind::Department => serde_json::to_value(Department {
            id: op.entity_id.clone(),
            name: String::new(),
            code: String::new(),
            kind: DepartmentKind::Department,
        }),
        _ => serde_json::to_value(Person {
            id: op.entity_id.clone(),
            name: String::new(),
            department_id: None,
            roles: Vec::new(),
        }),
    };
    let Ok(Value::Object(mut fields)) = probe else {
        return Ok(None);
    };
    if !fields.contains_key(field) {
        return Ok(refuse(
            KeptAsideReason::UnknownField,
            format!(
                "this version does not know the {} field {field}",
                op.entity.key()
            ),
        ));
    }
    fields.insert(field.to_string(), op.new_value.clone());
    let value = Value::Object(fields);
    Ok(match op.entity {
        EntityKind::Department => shape::<Department>("department", &value),
        _ => match decode_value::<Person>("person", &value) {
            Err(e) => refuse(KeptAsideReason::InvalidShape, e.to_string()),
            Ok(person) if field == "department_id" => check_person_reference(conn, &person)?,
            Ok(_) => None,
        },
    })
}

fn check_person_reference(conn: &Connection, person: &Person) -> Result<Option<Refusal>> {
    match &person.department_id {
        Some(department) if !registry::department_exists(conn, department)? => Ok(refuse(
            KeptAsideReason::UnknownReference,
            format!("the person names the unknown department {department}"),
        )),
        _ => Ok(None),
    }
}

fn check_setting(conn: &Connection, op: &Operation) -> Result<Option<Refusal>> {
    let Some(field) = op.field.as_deref() else {
        return Ok(refuse(
            KeptAsideReason::MissingField,
            "the change names no field",
        ));
    };
    if op.entity_id == "catalog" {
        let mut settings: Value = meta_get(conn, "settings")?
            .map(|s| parse_json(&s))
            .transpose()?
            .unwrap_or(Value::Object(Default::default()));
        if let Value::Object(fields) = &mut settings {
            fields.insert(field.to_string(), op.new_value.clone());
        }
        return Ok(shape::<CatalogSettings>("settings", &settings));
    }
    if op.entity_id.starts_with("calendar:") && field == "text" {
        return Ok(match &op.new_value {
            Value::Null => None,
            Value::String(text) => WorkCalendar::official()
                .set_year(text)
                .err()
                .and_then(|e| refuse(KeptAsideReason::InvalidValue, format!("calendar year: {e}"))),
            _ => refuse(
                KeptAsideReason::InvalidShape,
                "a calendar year is text or nothing",
            ),
        });
    }
    Ok(refuse(
        KeptAsideReason::UnknownKind,
        format!(
            "this version does not know the setting {}/{field}",
            op.entity_id
        ),
    ))
}
