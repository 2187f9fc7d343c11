//! The attachment store: files kept once by their SHA-256 under `attachments/` in the data
//! folder, so the same file attached twice (or to two items) takes its space once, and a file's
//! name can never point outside the store (it is a hash, not what a person typed).

use crate::error::{Result, StoreError};
use desk_core::model::Attachment;
use desk_core::windows::files;
use desk_core::windows::held::retry_while_held;
use sha2::{Digest, Sha256};
use std::fs::{self, File};
use std::io::{self, BufReader, Read, Write};
use std::path::{Path, PathBuf};

/// Office attachments are documents and scans; anything bigger is almost surely a mistake.
pub const MAX_ATTACHMENT_BYTES: u64 = 512 * 1024 * 1024;
/// Text attachments are scanned for personal data up to this size.
const MAX_SCANNED_TEXT_BYTES: u64 = 4 * 1024 * 1024;

pub struct AttachmentStore {
    root: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlobState {
    Intact,
    Missing,
    /// Present, but its size or (when verified) its content no longer matches its hash.
    Damaged,
}

fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64 && text.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// A MIME type from the file name, for the list and for choosing what is text.
pub fn media_type(name: &str) -> &'static str {
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match extension.as_str() {
        "pdf" => "application/pdf",
        "ofd" => "application/ofd",
        "doc" => "application/msword",
        "docx" => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        "xls" => "application/vnd.ms-excel",
        "xlsx" => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "wps" => "application/vnd.ms-works",
        "et" => "application/vnd.ms-excel",
        "ppt" => "application/vnd.ms-powerpoint",
        "pptx" => "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        "txt" => "text/plain",
        "csv" => "text/csv",
        "md" => "text/markdown",
        "htm" | "html" => "text/html",
        "xml" => "application/xml",
        "json" => "application/json",
        "jpg" | "jpeg" => "image/jpeg",
        "png" => "image/png",
        "gif" => "image/gif",
        "tif" | "tiff" => "image/tiff",
        "zip" => "application/zip",
        "rar" => "application/vnd.rar",
        "7z" => "application/x-7z-compressed",
        "mp4" => "video/mp4",
        "mp3" => "audio/mpeg",
        _ => "application/octet-stream",
    }
}

fn is_text(media_type: &str) -> bool {
    media_type.starts_with("text/") || matches!(media_type, "application/xml" | "application/json")
}

impl AttachmentStore {
    pub fn new(data_dir: &Path) -> AttachmentStore {
        AttachmentStore {
            root: data_dir.join("attachments"),
        }
    }

    /// Where a blob lives; `None` for a hash that is not one (from a damaged row or a bundle).
    pub fn blob_path(&self, sha256: &str) -> Option<PathBuf> {
        is_sha256_hex(sha256).then(|| self.root.join(&sha256[..2]).join(sha256))
    }

    /// The path of a blob when it is there.
    pub fn blob_present(&self, sha256: &str) -> Option<PathBuf> {
        let path = self.blob_path(sha256)?;
        path.is_file().then_some(path)
    }

    /// Stores content received from another PC after checking its hash; false when the hash is
    /// not one or does not match.
    pub fn import_blob(&self, sha256: &str, bytes: &[u8]) -> Result<bool> {
        let Some(path) = self.blob_path(sha256) else {
            return Ok(false);
        };
        if desk_core::signoff::sha256_hex(bytes) != sha256 {
            return Ok(false);
        }
        if path.is_file() {
            return Ok(true);
        }
        let write = |e: io::Error| StoreError::FileWrite {
            path: path.clone(),
            source: e,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(write)?;
        }
        let temp = path.with_extension("part");
        std::fs::write(&temp, bytes).map_err(write)?;
        retry_while_held(|| std::fs::rename(&temp, &path)).map_err(write)?;
        Ok(true)
    }

    /// Copies a file into the store (once per content) and describes it. The copy is written
    /// under a temporary name, flushed, checked, then renamed into place.
    pub fn add(&self, source: &Path) -> Result<Attachment> {
        let unreadable = |e: io::Error| StoreError::AttachmentUnreadable {
            path: source.to_path_buf(),
            source: e,
        };
        let metadata = fs::metadata(source).map_err(unreadable)?;
        if !metadata.is_file() {
            return Err(unreadable(io::Error::new(
                io::ErrorKind::InvalidInput,
                "it is not a file",
            )));
        }
        if metadata.len() > MAX_ATTACHMENT_BYTES {
            return Err(StoreError::AttachmentTooLarge {
                path: source.to_path_buf(),
                limit_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
            });
        }
        fs::create_dir_all(&self.root).map_err(|e| self.write_error(&self.root, e))?;
        let temp = self
            .root
            .join(format!(".incoming-{}", uuid::Uuid::new_v4().simple()));
        let result = self.copy_hashing(source, &temp);
        let (sha256, size) = match result {
            Ok(found) => found,
            Err(e) => {
                let _ = fs::remove_file(&temp);
                return Err(e);
            }
        };
        let name = source
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_else(|| "attachment".into());
        let attachment = Attachment {
            media_type: media_type(&name).to_string(),
            name,
            size,
            sha256,
        };
        let target = self
            .blob_path(&attachment.sha256)
            .ok_or_else(|| StoreError::Decode("hash".into()))?;
        if self.check(&attachment, true) == BlobState::Intact {
            let _ = fs::remove_file(&temp);
            return Ok(attachment);
        }
        if let Some(dir) = target.parent() {
            fs::create_dir_all(dir).map_err(|e| self.write_error(dir, e))?;
        }
        // A damaged blob of the same hash is replaced by the good copy.
        let _ = retry_while_held(|| fs::remove_file(&target));
        retry_while_held(|| fs::rename(&temp, &target)).map_err(|e| {
            let _ = fs::remove_file(&temp);
            self.write_error(&target, e)
        })?;
        if self.check(&attachment, true) != BlobState::Intact {
            return Err(StoreError::AttachmentDamaged {
                name: attachment.name,
            });
        }
        Ok(attachment)
    }

    fn write_error(&self, path: &Path, source: io::Error) -> StoreError {
        if source.kind() == io::ErrorKind::PermissionDenied {
            StoreError::DataDirReadOnly {
                path: path.to_path_buf(),
            }
        } else {
            StoreError::FileWrite {
                path: path.to_path_buf(),
                source,
            }
        }
    }

    fn copy_hashing(&self, source: &Path, temp: &Path) -> Result<(String, u64)> {
        let unreadable = |e: io::Error| StoreError::AttachmentUnreadable {
            path: source.to_path_buf(),
            source: e,
        };
        let mut input = BufReader::new(File::open(source).map_err(unreadable)?);
        let mut output = File::create(temp).map_err(|e| self.write_error(temp, e))?;
        let mut hasher = Sha256::new();
        let mut buffer = vec![0u8; 256 * 1024];
        let mut size = 0u64;
        loop {
            let read = input.read(&mut buffer).map_err(unreadable)?;
            if read == 0 {
                break;
            }
            size += read as u64;
            if size > MAX_ATTACHMENT_BYTES {
                return Err(StoreError::AttachmentTooLarge {
                    path: source.to_path_buf(),
                    limit_mb: MAX_ATTACHMENT_BYTES / (1024 * 1024),
                });
            }
            hasher.update(&buffer[..read]);
            output
                .write_all(&buffer[..read])
                .map_err(|e| self.write_error(temp, e))?;
        }
        output.sync_all().map_err(|e| self.write_error(temp, e))?;
        Ok((hex(&hasher.finalize()), size))
    }

    /// Whether the blob is there and whole. Without `verify_content` only its size is compared
    /// (instant); with it, the content is hashed again.
    pub fn check(&self, attachment: &Attachment, verify_content: bool) -> BlobState {
        let Some(path) = self.blob_path(&attachment.sha256) else {
            return BlobState::Damaged;
        };
        match fs::metadata(&path) {
            Err(_) => BlobState::Missing,
            Ok(m) if m.len() != attachment.size => BlobState::Damaged,
            Ok(_) if !verify_content => BlobState::Intact,
            Ok(_) => match hash_file(&path) {
                Ok(hash) if hash == attachment.sha256 => BlobState::Intact,
                Ok(_) => BlobState::Damaged,
                Err(_) => BlobState::Missing,
            },
        }
    }

    /// The text of a text attachment (any of the encodings plans come in), for the scan.
    pub fn read_text(&self, attachment: &Attachment) -> Option<String> {
        if !is_text(&attachment.media_type) || attachment.size > MAX_SCANNED_TEXT_BYTES {
            return None;
        }
        let bytes = fs::read(self.blob_path(&attachment.sha256)?).ok()?;
        desk_core::plan::decode_plan_bytes(&bytes)
            .ok()
            .map(|decoded| decoded.text)
    }

    /// Copies an attachment out to `destination`, checking the content on the way: its name
    /// judged by the Windows rules first, a read-only file there never replaced, the copy made
    /// beside it and renamed over it, so the file there stays whole when the save fails (a
    /// program holding it is waited for, then named).
    pub fn save_to(&self, attachment: &Attachment, destination: &Path) -> Result<()> {
        let damaged = || StoreError::AttachmentDamaged {
            name: attachment.name.clone(),
        };
        files::check_name(destination)?;
        files::check_case_twin(destination)?;
        files::check_replaceable(destination)?;
        if self.check(attachment, true) != BlobState::Intact {
            return Err(damaged());
        }
        let source = self.blob_path(&attachment.sha256).ok_or_else(damaged)?;
        let name = destination
            .file_name()
            .map(|n| n.to_string_lossy().to_string())
            .unwrap_or_default();
        let temp = destination
            .with_file_name(format!(".{name}.{}.partial", uuid::Uuid::new_v4().simple()));
        let io_error = |source: io::Error| StoreError::FileWrite {
            path: destination.to_path_buf(),
            source,
        };
        let copied = fs::copy(&source, &temp)
            .map_err(io_error)
            .and_then(|_| files::rename_into_place(&temp, destination)?.map_err(io_error));
        if copied.is_err() {
            let _ = fs::remove_file(&temp);
        }
        copied
    }

    /// A copy under the attachment's own name in `folder` (so the program that opens it shows a
    /// sensible name), after checking the content.
    pub fn export_for_opening(&self, attachment: &Attachment, folder: &Path) -> Result<PathBuf> {
        fs::create_dir_all(folder).map_err(|e| self.write_error(folder, e))?;
        let destination = folder.join(safe_file_name(&attachment.name));
        // Opened before and still open in its viewer (which on Windows holds it): the copy
        // there is the same content (the folder is the content's), so it is shown again rather
        // than written over, under the name it has (another attachment's, differing in case).
        let existing = match files::check_case_twin(&destination) {
            Err(files::FileError::CaseTwin { twin, .. }) => twin,
            _ => destination.clone(),
        };
        if fs::metadata(&existing).is_ok_and(|m| m.len() == attachment.size)
            && hash_file(&existing).is_ok_and(|hash| hash == attachment.sha256)
        {
            return Ok(existing);
        }
        self.save_to(attachment, &destination)?;
        Ok(destination)
    }
}

/// A file name that stays inside its folder and that Windows keeps as it is (no device name
/// like `CON.pdf`, no `:`, no trailing dot), for an attachment saved or opened under its own name.
pub fn safe_file_name(name: &str) -> String {
    desk_core::windows::names::fit_for_windows(name, "attachment")
}

fn hash_file(path: &Path) -> io::Result<String> {
    let mut input = BufReader::new(File::open(path)?);
    let mut hasher = Sha256::new();
    let mut buffer = vec![0u8; 256 * 1024];
    loop {
        let read = input.read(&mut buffer)?;
        if read == 0 {
            break;
        }
        hasher.update(&buffer[..read]);
    }
    Ok(hex(&hasher.finalize()))
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}
