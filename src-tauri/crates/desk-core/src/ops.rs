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
    /// The names a newer version wrote for an entity or kind this version does not know (then
    /// `entity` or `kind` is `Unknown`): the operation is stored, kept aside and passed on under
    /// them, so a PC updated later applies it as its writer meant.
    #[serde(skip)]
    #[ts(skip)]
    pub newer: Option<NewerNames>,
}

/// An operation's entity and kind as a newer version named them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewerNames {
    pub entity: String,
    pub kind: String,
}

/// The part of an operation's record that names what it is about.
#[derive(Deserialize)]
struct Names {
    entity: String,
    kind: String,
}

impl Operation {
    /// The entity's name as stored and shipped (a newer version's name when this one does not
    /// know it).
    pub fn entity_key(&self) -> &str {
        match &self.newer {
            Some(names) if self.entity == EntityKind::Unknown => &names.entity,
            _ => self.entity.key(),
        }
    }

    /// The kind's name as stored and shipped.
    pub fn kind_key(&self) -> &str {
        match &self.newer {
            Some(names) if self.kind == OpKind::Unknown => &names.kind,
            _ => self.kind.key(),
        }
    }

    /// Reads an operation as a segment carries it (JSON). An entity or kind this version does not
    /// know reads as `Unknown`, its names kept in `newer`.
    pub fn from_record(record: &[u8]) -> Result<Operation, serde_json::Error> {
        let mut op: Operation = serde_json::from_slice(record)?;
        if op.entity == EntityKind::Unknown || op.kind == OpKind::Unknown {
            let names: Names = serde_json::from_slice(record)?;
            op.newer = Some(NewerNames {
                entity: names.entity,
                kind: names.kind,
            });
        }
        Ok(op)
    }

    /// The operation as a segment carries it (JSON), under the names it was written with.
    pub fn to_record(&self) -> Result<Vec<u8>, serde_json::Error> {
        if self.newer.is_none() {
            return serde_json::to_vec(self);
        }
        let mut value = serde_json::to_value(self)?;
        if let Value::Object(fields) = &mut value {
            fields.insert("entity".into(), Value::String(self.entity_key().into()));
            fields.insert("kind".into(), Value::String(self.kind_key().into()));
        }
        serde_json::to_vec(&value)
    }
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
    /// A version of the office-signed roster (created once; id `v<version>-<fingerprint>`).
    Roster,
    /// A person's public key, made on their PC, waiting for the office to enrol it (created once).
    KeyRequest,
    /// One a newer version knows (see `Operation::newer`): stored and passed on, never applied.
    #[serde(other)]
    Unknown,
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
            EntityKind::Roster => "roster",
            EntityKind::KeyRequest => "key_request",
            EntityKind::Unknown => "unknown",
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
            EntityKind::Roster,
            EntityKind::KeyRequest,
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
    /// One a newer version knows (see `Operation::newer`): stored and passed on, never applied.
    #[serde(other)]
    Unknown,
}

impl OpKind {
    pub fn key(self) -> &'static str {
        match self {
            OpKind::Create => "create",
            OpKind::Set => "set",
            OpKind::Add => "add",
            OpKind::Remove => "remove",
            OpKind::Delete => "delete",
            OpKind::Unknown => "unknown",
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
