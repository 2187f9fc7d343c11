//! What applying works with: the catalog facts it needs beside the transaction, and the items
//! changed during a batch (loaded once, written once when the batch ends).

use crate::attachments::AttachmentStore;
use crate::catalog::{items, registry};
use crate::error::{Result, StoreError};
use desk_core::fields::ItemField;
use desk_core::hlc::Hlc;
use desk_core::model::Item;
use desk_core::settings::CatalogSettings;
use desk_core::workdays::WorkCalendar;
use rusqlite::{Connection, Transaction};
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The catalog facts an apply needs beside the transaction.
pub(crate) struct ApplyContext<'a> {
    pub device_id: &'a str,
    pub settings: &'a CatalogSettings,
    pub calendar: &'a WorkCalendar,
    pub store: &'a AttachmentStore,
    pub now_ms: i64,
    /// The running app's version, recorded with what it keeps aside.
    pub app_version: &'a str,
}

/// The owned side of an `ApplyContext` (see `Catalog::apply_parts`).
pub(crate) struct ApplyParts {
    pub(crate) store: AttachmentStore,
    pub(crate) device_id: String,
    pub(crate) settings: CatalogSettings,
    pub(crate) calendar: WorkCalendar,
    pub(crate) app_version: String,
}

impl ApplyParts {
    pub(crate) fn context(&self, now_ms: i64) -> ApplyContext<'_> {
        ApplyContext {
            device_id: &self.device_id,
            settings: &self.settings,
            calendar: &self.calendar,
            store: &self.store,
            now_ms,
            app_version: &self.app_version,
        }
    }
}

/// Items changed during a batch, written once when it ends (a batch often edits one item many
/// times; loading and writing it once per operation was the slow part). Each records which
/// fields were set, so that only those are written.
#[derive(Default)]
pub(crate) struct ItemCache {
    pub(crate) items: HashMap<String, CachedItem>,
    pub(crate) dirty: BTreeMap<String, Hlc>,
}

pub(crate) struct CachedItem {
    /// Created in this batch: no row yet.
    pub(crate) new: bool,
    /// Fields set since the item was read from its row.
    pub(crate) changed: BTreeSet<ItemField>,
    pub(crate) item: Item,
}

/// Past this many items in memory the cache is written out and emptied, so that a new PC
/// taking in a whole catalog does not hold every item at once (an item is 1–2 KB here).
pub(crate) const ITEM_CACHE_CAP: usize = 50_000;

impl ItemCache {
    pub(crate) fn get(&mut self, tx: &Connection, id: &str) -> Result<Option<&mut CachedItem>> {
        if !self.items.contains_key(id) {
            match items::load_optional(tx, id)? {
                Some(item) => {
                    self.items.insert(
                        id.to_string(),
                        CachedItem {
                            new: false,
                            changed: BTreeSet::new(),
                            item,
                        },
                    );
                }
                None => return Ok(None),
            }
        }
        Ok(self.items.get_mut(id))
    }

    /// An item created in this batch: it has no row until the cache is written.
    pub(crate) fn insert_new(&mut self, item: Item) {
        self.items.insert(
            item.id.clone(),
            CachedItem {
                new: true,
                changed: BTreeSet::new(),
                item,
            },
        );
    }

    pub(crate) fn touch(&mut self, id: &str, clock: Hlc) {
        match self.dirty.get_mut(id) {
            Some(at) => *at = (*at).max(clock),
            None => {
                self.dirty.insert(id.to_string(), clock);
            }
        }
    }

    pub(crate) fn forget(&mut self, id: &str) {
        self.items.remove(id);
        self.dirty.remove(id);
    }

    /// Writes every changed item and empties the cache (what is read again comes from the rows).
    pub(crate) fn flush(&mut self, tx: &Transaction, ctx: &ApplyContext) -> Result<()> {
        for (id, clock) in std::mem::take(&mut self.dirty) {
            let Some(cached) = self.items.get(&id) else {
                continue;
            };
            let item = &cached.item;
            let due = || -> Result<Option<chrono::NaiveDate>> {
                let ancestry = registry::category_ancestry(tx, item.category_id.as_deref())?;
                Ok(desk_core::due::effective_due(
                    item,
                    ctx.settings,
                    &ancestry,
                    ctx.calendar,
                ))
            };
            let at = time_text(clock);
            if cached.new {
                items::insert_new(tx, item, due()?, &at)?;
            } else {
                // The due date follows from these three alone (see `save::recompute_due_dates`).
                let inputs = [
                    ItemField::DateFormed,
                    ItemField::DueDate,
                    ItemField::CategoryId,
                ];
                let due = if inputs.iter().any(|f| cached.changed.contains(f)) {
                    Some(due()?)
                } else {
                    None
                };
                items::write_changes(tx, item, &cached.changed, due, &at)?;
            }
        }
        self.items.clear();
        Ok(())
    }
}

pub(crate) fn time_text(clock: Hlc) -> String {
    clock
        .to_datetime()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default()
}

pub(crate) fn decode_value<T: serde::de::DeserializeOwned>(what: &str, value: &Value) -> Result<T> {
    // Read from the value in place: a creation carries the whole item, cloning it was waste.
    T::deserialize(value).map_err(|e| StoreError::Decode(format!("{what}: {e}")))
}
