//! Ids that follow from what a thing is, so that PCs which create the same thing before they
//! first sync create one thing, not two.
//!
//! A department (or 局属单位) is the same department on every PC when its name is the same once
//! folded (script, width, case and spaces do not matter, as the registry compares names); a
//! person is the same when name and department are; a work plan's task is the same when its task
//! key is (the folded heading and text, `plan::PlanTask::key`). Their creations then name one id,
//! sync merges them as one entity, and every reference made on either PC points at it already.
//! Anything else (items typed in, sign-offs, bundles) is a new thing each time: random ids.
//!
//! An id is the first 128 bits of SHA-256 over a kind tag and the identity, written as a UUID
//! of version 8 (RFC 9562: custom), so it reads like every other id in the catalog.

use crate::plan_import::fold_name;
use sha2::{Digest, Sha256};

fn derived(kind: &str, parts: &[&str]) -> String {
    let mut hash = Sha256::new();
    hash.update(b"disclosure-desk/");
    hash.update(kind.as_bytes());
    for part in parts {
        // A separator no name holds, so ("ab", "c") and ("a", "bc") differ.
        hash.update([0u8]);
        hash.update(part.as_bytes());
    }
    let digest = hash.finalize();
    let mut bytes = [0u8; 16];
    bytes.copy_from_slice(&digest[..16]);
    bytes[6] = (bytes[6] & 0x0f) | 0x80;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!(
        "{}-{}-{}-{}-{}",
        &hex[..8],
        &hex[8..12],
        &hex[12..16],
        &hex[16..20],
        &hex[20..]
    )
}

/// The id a department named `name` takes when it is created.
pub fn department_id(name: &str) -> String {
    derived("department", &[&fold_name(name)])
}

/// The id a person named `name` in `department_id` (or in none) takes when created.
pub fn person_id(name: &str, department_id: Option<&str>) -> String {
    derived("person", &[&fold_name(name), department_id.unwrap_or("")])
}

/// The id of the item a work plan's task with `task_key` becomes.
pub fn plan_task_item_id(task_key: &str) -> String {
    derived("plan-task", &[task_key])
}

/// The ids the task's item takes, in order, when it is imported again after its item was
/// deleted: PCs that import it again after the same deletion take the same next one.
pub fn plan_task_item_ids(task_key: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(plan_task_item_id(task_key))
        .chain((2..=16u32).map(move |n| derived("plan-task", &[task_key, &n.to_string()])))
}

/// The ids the item of a 台账 row with `row_key` takes (`ledger_import::row_key`), in order,
/// as for a plan's task: PCs importing the same ledger create the same items.
pub fn ledger_row_item_ids(row_key: &str) -> impl Iterator<Item = String> + '_ {
    (1..=16u32).map(move |n| derived("ledger-row", &[row_key, &n.to_string()]))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_same_name_in_any_spelling_gives_the_same_department() {
        let id = department_id("规法处");
        assert_eq!(id, department_id(" 規法處 "));
        assert_eq!(id, department_id("规 法 处"));
        assert_ne!(id, department_id("规法科"));
        assert_eq!(id.len(), 36);
        assert_eq!(&id[14..15], "8", "a version 8 UUID: {id}");
        assert!(matches!(&id[19..20], "8" | "9" | "a" | "b"), "{id}");
    }

    #[test]
    fn people_are_one_by_name_and_department() {
        let a = person_id("张伟", Some("d1"));
        assert_eq!(a, person_id("张伟", Some("d1")));
        assert_ne!(a, person_id("张伟", Some("d2")));
        assert_ne!(a, person_id("张伟", None));
        assert_ne!(person_id("张", Some("伟d1")), person_id("张伟", Some("d1")));
    }

    #[test]
    fn kinds_never_share_an_id() {
        assert_ne!(department_id("x"), plan_task_item_id(&fold_name("x")));
        assert_ne!(department_id("x"), person_id("x", None));
    }
}
