//! Names for the ids an item holds: departments and people as the registry has them.

use desk_core::model::{Department, Person};
use std::collections::HashMap;

#[derive(Debug, Clone, Default)]
pub struct Names {
    departments: HashMap<String, String>,
    people: HashMap<String, String>,
}

impl Names {
    pub fn new(departments: &[Department], people: &[Person]) -> Names {
        Names {
            departments: departments
                .iter()
                .map(|d| (d.id.clone(), d.name.clone()))
                .collect(),
            people: people
                .iter()
                .map(|p| (p.id.clone(), p.name.clone()))
                .collect(),
        }
    }

    /// The department's name; an id the registry does not hold is shown as it is.
    pub fn department(&self, id: &str) -> String {
        self.departments
            .get(id)
            .cloned()
            .unwrap_or_else(|| id.to_string())
    }

    /// The person's name; a PC's account (`os:<user>`) shows as the account.
    pub fn person(&self, id: &str) -> String {
        if let Some(name) = self.people.get(id) {
            return name.clone();
        }
        id.strip_prefix("os:").unwrap_or(id).to_string()
    }
}
