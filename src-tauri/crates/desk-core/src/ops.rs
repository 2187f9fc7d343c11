//! Operations: the audit trail and what sync ships.
//!
//! Every change to the catalog becomes one or more operations, written in the same transaction as
//! the change. An operation names one field of one entity and carries both the old and the new
//! value, so a PC that receives it can merge it field by field (last writer wins per register,
//! add/remove per set element) and a person can read the history without the rest of the log.
//! `(device_id, seq)` is dense per device, which is what the shared-folder segments will be cut on.

use crate::hlc::Hlc;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Operation {
    /// Globally unique: `<device_id>:<seq>`.
    pub id: String,
    pub device_id: String,
    /// Dense, starting at 1, per device.
    #[ts(type = "number")]
    pub seq: u64,
    pub clock: Hlc,
    /// The person who made the change (a person id, or "system" for the sample catalog).
    pub author_id: String,
    pub entity: EntityKind,
    pub entity_id: String,
    pub kind: OpKind,
    /// The field's key for `set`, `add` and `remove`.
    pub field: Option<String>,
    /// The value before (`set`), the element taken out (`remove`), or null.
    pub old_value: Value,
    /// The value after (`set`), the element put in (`add`), or the whole entity (`create`).
    pub new_value: Value,
    /// The operations this one overwrote (see `merge`): for a `set`, the register's winner when
    /// it was written (plus the losers a person chose to settle); for `add`/`remove`, every
    /// current operation on that element. Empty for creates and for operations recorded before
    /// sync existed.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    #[ts(optional, as = "Option<Vec<String>>")]
    pub base: Vec<String>,
    /// For a `delete`: the deleting PC's version vector (device → highest sequence it had seen),
    /// so every PC can tell which edits the delete knew of.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional, as = "Option<std::collections::BTreeMap<String, i32>>")]
    pub covers: Option<std::collections::BTreeMap<String, u64>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum EntityKind {
    Item,
    Department,
    Person,
    Category,
    Setting,
    /// A checklist template version.
    Template,
    /// A sign-off record (created once, never changed).
    Signoff,
    /// A bundle exported for the web team (created once): which items it carried.
    Bundle,
}

impl EntityKind {
    pub fn key(self) -> &'static str {
        match self {
            EntityKind::Item => "item",
            EntityKind::Department => "department",
            EntityKind::Person => "person",
            EntityKind::Category => "category",
            EntityKind::Setting => "setting",
            EntityKind::Template => "template",
            EntityKind::Signoff => "signoff",
            EntityKind::Bundle => "bundle",
        }
    }

    pub fn parse(key: &str) -> Option<EntityKind> {
        [
            EntityKind::Item,
            EntityKind::Department,
            EntityKind::Person,
            EntityKind::Category,
            EntityKind::Setting,
            EntityKind::Template,
            EntityKind::Signoff,
            EntityKind::Bundle,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum OpKind {
    Create,
    Set,
    Add,
    Remove,
    Delete,
}

impl OpKind {
    pub fn key(self) -> &'static str {
        match self {
            OpKind::Create => "create",
            OpKind::Set => "set",
            OpKind::Add => "add",
            OpKind::Remove => "remove",
            OpKind::Delete => "delete",
        }
    }

    pub fn parse(key: &str) -> Option<OpKind> {
        [
            OpKind::Create,
            OpKind::Set,
            OpKind::Add,
            OpKind::Remove,
            OpKind::Delete,
        ]
        .into_iter()
        .find(|k| k.key() == key)
    }
}

/// One line of an item's history, as the history screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct HistoryEntry {
    pub op_id: String,
    /// RFC 3339, UTC.
    pub at: String,
    pub author_id: String,
    pub author_name: String,
    pub device_id: String,
    pub kind: OpKind,
    pub field: Option<String>,
    pub old_value: Value,
    pub new_value: Value,
}
