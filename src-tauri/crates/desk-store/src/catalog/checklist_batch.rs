//! The checklists of many items at once, as `review::checklist` evaluates each one.
//!
//! Evaluating one item reads the templates, its category's ancestry, its attached version, its
//! marks and the links pointing at it: several queries per item. Here each of those is read once
//! for the whole set (one query per table) and the same evaluation runs on what was read, so an
//! export of thousands of items does not pay thousands of round trips.

use crate::attachments::AttachmentStore;
use crate::catalog::items;
use crate::catalog::registry;
use crate::catalog::review::{self, IncomingLink};
use crate::error::{Result, StoreError};
use desk_core::checklist::{CheckMark, ChecklistTemplate, ItemChecklist};
use desk_core::model::{Item, ItemLink};
use rusqlite::{params, Connection};
use std::collections::HashMap;

/// What evaluating the checklists of a set of items needs, read once.
pub(crate) struct ChecklistBatch<'c> {
    conn: &'c Connection,
    latest: Vec<ChecklistTemplate>,
    versions: HashMap<(String, u32), ChecklistTemplate>,
    ancestry: HashMap<String, Vec<String>>,
    attached: HashMap<String, (String, u32)>,
    marks: HashMap<String, Vec<CheckMark>>,
    /// Links other items wrote, by the item they point at.
    incoming: HashMap<String, Vec<IncomingLink>>,
}

impl<'c> ChecklistBatch<'c> {
    /// Reads what the checklists of `items` need.
    pub(crate) fn load(conn: &'c Connection, items: &[&Item]) -> Result<ChecklistBatch<'c>> {
        // The ids as a JSON array: one bound parameter however many items there are.
        let ids = serde_json::to_string(&items.iter().map(|i| i.id.as_str()).collect::<Vec<_>>())
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        let mut attached = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT item_id, template_id, template_version FROM item_checklists
             WHERE item_id IN (SELECT value FROM json_each(?1))",
        )?;
        let rows = stmt.query_map(params![ids], |r| {
            Ok((r.get::<_, String>(0)?, (r.get(1)?, r.get(2)?)))
        })?;
        for row in rows {
            let (item_id, version) = row?;
            attached.insert(item_id, version);
        }
        let mut marks: HashMap<String, Vec<CheckMark>> = HashMap::new();
        let mut stmt = conn.prepare(&format!(
            "SELECT item_id, {} FROM item_checks
             WHERE item_id IN (SELECT value FROM json_each(?1)) ORDER BY item_id, key",
            review::MARK_COLUMNS
        ))?;
        let rows = stmt.query_map(params![ids], |r| {
            Ok((
                r.get::<_, String>(0)?,
                [
                    r.get(1)?,
                    r.get(2)?,
                    r.get(3)?,
                    r.get(4)?,
                    r.get(5)?,
                    r.get(6)?,
                ],
            ))
        })?;
        for row in rows {
            let (item_id, fields) = row?;
            marks
                .entry(item_id)
                .or_default()
                .push(review::decode_mark(fields)?);
        }
        // Incoming links, in the order `review::checklist` reads them for one item.
        let mut incoming: HashMap<String, Vec<IncomingLink>> = HashMap::new();
        let mut stmt = conn.prepare(
            "SELECT item_id, value FROM item_sets WHERE field = 'links' ORDER BY value, rowid",
        )?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
        for row in rows {
            let (source_id, json) = row?;
            let link: ItemLink = serde_json::from_str(&json)
                .map_err(|e| StoreError::Decode(format!("link: {e}")))?;
            incoming
                .entry(link.target_id.clone())
                .or_default()
                .push((source_id, link));
        }
        let mut ancestry = HashMap::new();
        for item in items {
            if let Some(category) = &item.category_id {
                if !ancestry.contains_key(category) {
                    let up = registry::category_ancestry(conn, Some(category))?;
                    ancestry.insert(category.clone(), up);
                }
            }
        }
        Ok(ChecklistBatch {
            conn,
            latest: review::latest_templates(conn)?,
            versions: HashMap::new(),
            ancestry,
            attached,
            marks,
            incoming,
        })
    }

    /// The item's checklist as `review::checklist` gives it (`item` must be one of the batch).
    pub(crate) fn checklist(
        &mut self,
        item: &Item,
        store: &AttachmentStore,
    ) -> Result<ItemChecklist> {
        let ancestry = item
            .category_id
            .as_ref()
            .and_then(|c| self.ancestry.get(c))
            .map_or(&[][..], Vec::as_slice);
        let newest = review::template_for(&self.latest, ancestry)?;
        let template = match self.attached.get(&item.id) {
            Some((id, version)) => {
                let key = (id.clone(), *version);
                if !self.versions.contains_key(&key) {
                    let found = review::template_version(self.conn, id, *version)?;
                    self.versions.insert(key.clone(), found);
                }
                self.versions.get(&key).cloned()
            }
            None => None,
        }
        .unwrap_or_else(|| newest.clone());
        let incoming = self.incoming.get(&item.id).map_or(&[][..], Vec::as_slice);
        // Linked items are few and read as they are now (an export moves items it carries).
        let links = review::gather_links(item, incoming, |id| items::load_optional(self.conn, id))?;
        let facts = review::facts_with_links(item, store, false, links);
        let marks = self.marks.get(&item.id).map_or(&[][..], Vec::as_slice);
        Ok(review::evaluate(item, newest, template, marks, &facts))
    }
}
