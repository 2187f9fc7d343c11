//! The registry: departments, people, categories, and who this PC's changes are recorded as.

use crate::catalog::registry;
use crate::db::meta::{meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::model::{Category, Department, Person};
use desk_core::ops::EntityKind;

impl Catalog {
    pub fn current_person(&self) -> Result<Option<Person>> {
        match meta_get(&self.conn, "current_person_id")? {
            Some(id) => registry::person(&self.conn, &id),
            None => Ok(None),
        }
    }

    pub fn set_current_person(&mut self, id: &str) -> Result<Person> {
        let person = registry::person(&self.conn, id)?.ok_or_else(|| StoreError::NotFound {
            what: "person",
            id: id.to_string(),
        })?;
        meta_set(&self.conn, "current_person_id", id)?;
        Ok(person)
    }

    pub fn departments(&self) -> Result<Vec<Department>> {
        registry::departments(&self.conn)
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        registry::people(&self.conn)
    }

    pub fn categories(&self) -> Result<Vec<Category>> {
        registry::categories(&self.conn)
    }

    pub fn save_department(&mut self, department: Department) -> Result<Department> {
        self.change(|tx, recorder, _, _| registry::save_department_in(tx, recorder, department))
    }

    pub fn save_person(&mut self, mut person: Person) -> Result<Person> {
        person.name = person.name.trim().to_string();
        let departments = registry::departments(&self.conn)?;
        let problems =
            desk_core::registry::check_person(&person, |id| departments.iter().any(|d| d.id == id));
        if !problems.is_empty() {
            return Err(StoreError::Refused(problems));
        }
        person.roles.dedup();
        self.change(|tx, recorder, _, _| {
            let old = if person.id.is_empty() {
                person.id = registry::new_person_id(tx, &person)?;
                None
            } else {
                Some(
                    registry::person(tx, &person.id)?.ok_or_else(|| StoreError::NotFound {
                        what: "person",
                        id: person.id.clone(),
                    })?,
                )
            };
            registry::write_person(tx, &person)?;
            recorder.record_entity(tx, EntityKind::Person, &person.id, old.as_ref(), &person)?;
            Ok(person)
        })
    }
}
