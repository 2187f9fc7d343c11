//! Items: reading, listing, saving (validated, one operation per changed field), history.

use crate::catalog::{items, save};
use crate::error::{Result, StoreError};
use crate::Catalog;
use chrono::NaiveDate;
use desk_core::model::Item;
use desk_core::ops::{EntityKind, HistoryEntry};
use desk_core::query::{ItemPage, ItemQuery};

impl Catalog {
    pub fn item_count(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))? as u32)
    }

    pub fn item(&self, id: &str) -> Result<Item> {
        items::load(&self.conn, id)
    }

    pub fn list_items(&self, query: &ItemQuery, today: NaiveDate) -> Result<ItemPage> {
        let person = self.current_person()?;
        let viewer = items::Viewer {
            person: person.as_ref(),
            office_signs: self.settings.office_signs,
        };
        items::list(&self.conn, query, today, &self.calendar, &viewer)
    }

    pub fn item_history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        if !items::exists(&self.conn, id)? {
            return Err(StoreError::NotFound {
                what: "item",
                id: id.to_string(),
            });
        }
        crate::oplog::log::history(&self.conn, EntityKind::Item, id)
    }

    /// Saves an item: creates it when its id is empty, else changes what differs. Validates,
    /// fills the 索引号 when empty, and records one operation per changed field.
    /// Saves an item. A new one with no 经办人 named gets the person working on this PC, so that
    /// what a clerk creates shows in her 我的工作.
    pub fn save_item(&mut self, mut item: Item) -> Result<Item> {
        if item.id.is_empty() && item.clerk_id.is_none() {
            item.clerk_id = self.current_person()?.map(|p| p.id);
        }
        self.change(|tx, recorder, settings, calendar| {
            save::save_item_in(
                tx,
                recorder,
                settings,
                calendar,
                item,
                save::Attachments::Keep,
            )
        })
    }

    pub(crate) fn save_item_with_attachments(&mut self, item: Item) -> Result<Item> {
        self.change(|tx, recorder, settings, calendar| {
            save::save_item_in(
                tx,
                recorder,
                settings,
                calendar,
                item,
                save::Attachments::Replace,
            )
        })
    }
}
