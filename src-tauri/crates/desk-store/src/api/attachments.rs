//! Attachments: copied into the content-addressed store, attached by hash, read out checked.

use crate::attachments::AttachmentStore;
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::model::{Attachment, Item};
use std::path::{Path, PathBuf};

impl Catalog {
    /// The local attachment store (sync reads blobs in through it while a batch holds the catalog).
    pub fn attachment_store(&self) -> AttachmentStore {
        AttachmentStore::new(&self.data_dir)
    }

    /// Copies a file into the attachment store and attaches it to the item.
    pub fn add_attachment(&mut self, id: &str, path: &Path) -> Result<Item> {
        let mut item = self.item(id)?;
        let attachment = self.attachment_store().add(path)?;
        if !item.attachments.contains(&attachment) {
            item.attachments.push(attachment);
        }
        self.save_item_with_attachments(item)
    }

    pub fn remove_attachment(&mut self, id: &str, sha256: &str) -> Result<Item> {
        let mut item = self.item(id)?;
        item.attachments.retain(|a| a.sha256 != sha256);
        self.save_item_with_attachments(item)
    }

    fn attachment_of(&self, id: &str, sha256: &str) -> Result<Attachment> {
        self.item(id)?
            .attachments
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(|| StoreError::NotFound {
                what: "attachment",
                id: sha256.to_string(),
            })
    }

    /// Copies an attachment out to `destination` after checking its content.
    pub fn save_attachment_to(&self, id: &str, sha256: &str, destination: &Path) -> Result<()> {
        let attachment = self.attachment_of(id, sha256)?;
        self.attachment_store().save_to(&attachment, destination)
    }

    /// A checked copy under its own name in the data folder's `opened/`, for the system viewer.
    pub fn attachment_for_opening(&self, id: &str, sha256: &str) -> Result<PathBuf> {
        let attachment = self.attachment_of(id, sha256)?;
        let folder = self
            .data_dir
            .join("opened")
            .join(&sha256[..sha256.len().min(12)]);
        self.attachment_store()
            .export_for_opening(&attachment, &folder)
    }
}
