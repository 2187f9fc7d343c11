//! What the export for the web team reads from the catalog and what it records in it.
//!
//! Writing and reading bundle files is `desk-export`'s; this module only gives it each item with
//! its checklist and sign-offs, and records a bundle and the publication feedback as changes
//! like any other: in one transaction with their operations (a `bundle` create operation names
//! the items it carried, so the mark syncs), through the workflow's own transitions.

use crate::catalog::bundles::write_bundle;
use crate::catalog::checklist_batch::ChecklistBatch;
use crate::catalog::{items, review};
use crate::error::{Result, StoreError};
use crate::Catalog;
use chrono::NaiveDate;
use desk_core::checklist::CheckView;
use desk_core::export::{well_formed_url, BundleRecord, ExportScope, FeedbackOutcome};
use desk_core::fields::ItemField;
use desk_core::model::{Item, Status};
use desk_core::ops::{EntityKind, OpKind};
use desk_core::signoff::Signoff;
use desk_core::workflow::{Action, WorkflowError};
use rusqlite::{params, OptionalExtension};
use serde_json::Value;
use std::path::PathBuf;

/// An item with what its manifest entry and its exclusion need.
pub struct ExportSource {
    pub item: Item,
    pub checks: Vec<CheckView>,
    /// Newest first.
    pub signoffs: Vec<Signoff>,
}

impl ExportSource {
    /// Whether the newest sign-off still covers the item as it is.
    pub fn covered(&self) -> bool {
        self.signoffs
            .first()
            .is_some_and(|s| desk_core::signoff::record_matches(s, &self.item, &self.checks))
    }
}

/// A row of feedback that could not be applied, with its stable code.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FeedbackRefusal {
    pub code: &'static str,
    pub message: String,
}

impl Catalog {
    /// Every item's id, in 索引号 order (items without one last, by id).
    pub fn item_ids(&self) -> Result<Vec<String>> {
        let mut stmt = self
            .conn
            .prepare("SELECT id FROM items ORDER BY index_no = '', index_no, date_written, id")?;
        let rows = stmt.query_map([], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// Every item, in 索引号 order.
    pub fn all_items(&self) -> Result<Vec<Item>> {
        self.item_ids()?
            .iter()
            .map(|id| items::load(&self.conn, id))
            .collect()
    }

    /// Every item with its sign-off records (newest first), in 索引号 order: what deciding an
    /// export needs before any checklist, read with one query per table.
    pub fn export_items(&self) -> Result<Vec<(Item, Vec<Signoff>)>> {
        let mut signoffs = review::all_signoffs(&self.conn)?;
        Ok(items::load_all(&self.conn)?
            .into_iter()
            .map(|item| {
                let records = signoffs.remove(&item.id).unwrap_or_default();
                (item, records)
            })
            .collect())
    }

    /// The checklists of `items` as the item screen evaluates them (what [`Self::export_source`]
    /// gives one item), read together: one query per table rather than several per item.
    pub fn export_checklists(&self, items: &[&Item]) -> Result<Vec<Vec<CheckView>>> {
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let mut batch = ChecklistBatch::load(&self.conn, items)?;
        items
            .iter()
            .map(|item| Ok(batch.checklist(item, &store)?.checks))
            .collect()
    }

    /// An item with its checklist (as the item screen evaluates it) and its sign-off records.
    pub fn export_source(&self, id: &str) -> Result<ExportSource> {
        let item = self.item(id)?;
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let checks = review::checklist(&self.conn, &item, &store, false)?.checks;
        let signoffs = review::signoffs(&self.conn, id)?;
        Ok(ExportSource {
            item,
            checks,
            signoffs,
        })
    }

    /// Where an attachment's content is stored, when the hash is well formed.
    pub fn attachment_blob(&self, sha256: &str) -> Option<PathBuf> {
        crate::attachments::AttachmentStore::new(self.data_dir()).blob_path(sha256)
    }

    /// Records a bundle that was written: the bundle, the items it carried, and the move of
    /// its signed-off items to exported, all in one transaction. Refused as a whole when an
    /// item changed meanwhile (its sign-off voided): the caller then discards the file.
    /// Returns how many items moved to exported.
    pub fn record_bundle(&mut self, record: &BundleRecord) -> Result<u32> {
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let person = self.current_person()?;
        let policy = desk_core::workflow::Policy {
            office_signs: self.settings().office_signs,
        };
        let device_id = self.device_id().to_string();
        self.change(|tx, recorder, _, _| {
            write_bundle(tx, record)?;
            let mut moving = Vec::new();
            for item_id in &record.item_ids {
                let item = items::load(tx, item_id)?;
                if !item.status.is_signed() || !item.changed_after_signoff.is_empty() {
                    return Err(StoreError::Workflow(WorkflowError::NotFrom {
                        action: Action::MarkExported,
                        from: item.status,
                    }));
                }
                if item.status == Status::SignedOff {
                    moving.push(item);
                }
            }
            // The checklists the transitions are decided on, read in this transaction at once.
            let mut checklists = ChecklistBatch::load(tx, &moving.iter().collect::<Vec<_>>())?;
            let mut marked = 0;
            for item in moving {
                let current = checklists.checklist(&item, &store)?;
                review::act_with(
                    tx,
                    recorder,
                    policy,
                    person.as_ref(),
                    &device_id,
                    item,
                    &current,
                    Action::MarkExported,
                    "",
                    None,
                )?;
                marked += 1;
            }
            recorder.record(
                tx,
                EntityKind::Bundle,
                &record.id,
                OpKind::Create,
                None,
                &Value::Null,
                &serde_json::to_value(record).unwrap_or(Value::Null),
            )?;
            Ok(marked)
        })
    }

    /// Every bundle recorded, newest first.
    pub fn bundles(&self) -> Result<Vec<BundleRecord>> {
        let mut stmt = self.conn.prepare(
            "SELECT id, created_at, created_by, scope, file_name, manifest_sha256 FROM bundles
             ORDER BY created_at DESC, id DESC",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, String>(2)?,
                r.get::<_, String>(3)?,
                r.get::<_, String>(4)?,
                r.get::<_, String>(5)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (id, created_at, created_by, scope, file_name, manifest_sha256) = row?;
            let mut items = self.conn.prepare_cached(
                "SELECT item_id FROM bundle_items WHERE bundle_id = ?1 ORDER BY item_id",
            )?;
            let item_ids = items
                .query_map(params![id], |r| r.get::<_, String>(0))?
                .collect::<rusqlite::Result<Vec<_>>>()?;
            out.push(BundleRecord {
                id,
                created_at,
                created_by,
                scope: if scope == "full" {
                    ExportScope::Full
                } else {
                    ExportScope::Incremental
                },
                file_name,
                item_ids,
                manifest_sha256,
            });
        }
        Ok(out)
    }

    /// The bundles an item went out in, newest first.
    pub fn bundles_of_item(&self, item_id: &str) -> Result<Vec<String>> {
        let mut stmt = self.conn.prepare(
            "SELECT b.id FROM bundle_items bi JOIN bundles b ON b.id = bi.bundle_id
             WHERE bi.item_id = ?1 ORDER BY b.created_at DESC, b.id DESC",
        )?;
        let rows = stmt.query_map(params![item_id], |r| r.get::<_, String>(0))?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The item a feedback row names: its id, or else its 索引号 (unique in a catalog).
    pub fn item_id_for(&self, key: &str) -> Result<Option<String>> {
        let key = key.trim();
        if key.is_empty() {
            return Ok(None);
        }
        if items::exists(&self.conn, key)? {
            return Ok(Some(key.to_string()));
        }
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id FROM items WHERE index_no = ?1 LIMIT 2")?;
        let ids = stmt
            .query_map(params![key], |r| r.get::<_, String>(0))?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(if ids.len() == 1 {
            ids.into_iter().next()
        } else {
            None
        })
    }

    /// Marks an item published at `url` on `date` (the web team's feedback). Applying the same
    /// row again changes nothing; a different address for an item already published is refused,
    /// as is an item that was never signed off and exported.
    pub fn apply_publication(
        &mut self,
        item_id: &str,
        url: &str,
        date: NaiveDate,
    ) -> Result<std::result::Result<FeedbackOutcome, FeedbackRefusal>> {
        let url = url.trim();
        if !well_formed_url(url) {
            return Ok(Err(FeedbackRefusal {
                code: "feedback_bad_url",
                message: format!("{url:?} is not an http:// or https:// address"),
            }));
        }
        let item = self.item(item_id)?;
        if item.status == Status::Published {
            return Ok(
                if item.published_url == url && item.date_published == Some(date) {
                    Ok(FeedbackOutcome::Unchanged)
                } else {
                    Err(FeedbackRefusal {
                        code: "feedback_published_elsewhere",
                        message: format!(
                            "already published at {} on {}",
                            item.published_url,
                            item.date_published
                                .map(|d| d.to_string())
                                .unwrap_or_default()
                        ),
                    })
                },
            );
        }
        if !matches!(item.status, Status::SignedOff | Status::Exported) {
            return Ok(Err(FeedbackRefusal {
                code: "feedback_not_exported",
                message: format!(
                    "the item is {}: only a signed-off or exported item can be published",
                    desk_core::fields::status_label_zh(item.status)
                ),
            }));
        }
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let person = self.current_person()?;
        let policy = desk_core::workflow::Policy {
            office_signs: self.settings().office_signs,
        };
        let device_id = self.device_id().to_string();
        let outcome = self.change(|tx, recorder, _, _| {
            let published = match review::act_in(
                tx,
                recorder,
                &store,
                policy,
                person.as_ref(),
                &device_id,
                item_id,
                Action::MarkPublished,
                url,
                None,
            ) {
                Ok(item) => item,
                Err(StoreError::Workflow(e)) => {
                    return Ok(Err(FeedbackRefusal {
                        code: e.code(),
                        message: e.to_string(),
                    }))
                }
                Err(e) => return Err(e),
            };
            if published.date_published != Some(date) {
                tx.execute(
                    "UPDATE items SET date_published = ?2 WHERE id = ?1",
                    params![item_id, date.to_string()],
                )?;
                recorder.record(
                    tx,
                    EntityKind::Item,
                    item_id,
                    OpKind::Set,
                    Some(ItemField::DatePublished.key()),
                    &published.get(ItemField::DatePublished),
                    &Value::String(date.to_string()),
                )?;
            }
            Ok(Ok(FeedbackOutcome::Applied))
        })?;
        Ok(outcome)
    }

    /// The recorded bundle with this id, if any.
    pub fn bundle(&self, id: &str) -> Result<Option<String>> {
        Ok(self
            .conn
            .query_row(
                "SELECT file_name FROM bundles WHERE id = ?1",
                params![id],
                |r| r.get(0),
            )
            .optional()?)
    }
}
