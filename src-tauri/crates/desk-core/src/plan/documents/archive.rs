//! The zip container of .docx and .xlsx files, read under bounds.
//!
//! A document is hostile until read: a zip bomb declares small sizes and inflates to gigabytes,
//! or holds millions of entries. So the number of entries is checked in the end-of-directory
//! record before the directory is read, each part's declared size is checked before anything is
//! allocated, and the bytes actually inflated are counted (at most one byte past the limit is
//! ever read) for each part and for the whole document. Only the parts the readers name are
//! inflated; images and embedded objects never are.

use std::io::{Cursor, Read};

use zip::result::ZipError;
use zip::ZipArchive;

use super::super::PlanError;

/// Entries a .docx or .xlsx plan plausibly has (a few dozen; hundreds with many images).
pub(crate) const MAX_ENTRIES: usize = 5_000;
/// One XML part inflated: a 500-page document.xml is about 10 MB.
pub(crate) const MAX_PART_BYTES: u64 = 32 * 1024 * 1024;
/// Every part read from one document together.
pub(crate) const MAX_TOTAL_BYTES: u64 = 64 * 1024 * 1024;

pub(crate) struct Archive<'a> {
    zip: ZipArchive<Cursor<&'a [u8]>>,
    inflated: u64,
}

impl<'a> Archive<'a> {
    pub(crate) fn open(bytes: &'a [u8]) -> Result<Archive<'a>, PlanError> {
        if let Some(count) = declared_entries(bytes) {
            if count > MAX_ENTRIES {
                return Err(PlanError::ArchiveTooManyEntries {
                    count,
                    max: MAX_ENTRIES,
                });
            }
        }
        let zip = ZipArchive::new(Cursor::new(bytes)).map_err(PlanError::damaged)?;
        if zip.len() > MAX_ENTRIES {
            return Err(PlanError::ArchiveTooManyEntries {
                count: zip.len(),
                max: MAX_ENTRIES,
            });
        }
        Ok(Archive { zip, inflated: 0 })
    }

    pub(crate) fn contains(&self, name: &str) -> bool {
        self.zip.index_for_name(name).is_some()
    }

    /// A part as UTF-8 text (a leading BOM dropped), `None` when the document has no such part.
    pub(crate) fn text(&mut self, name: &str) -> Result<Option<String>, PlanError> {
        let budget = MAX_PART_BYTES.min(MAX_TOTAL_BYTES.saturating_sub(self.inflated));
        let too_large = || PlanError::ArchiveTooLarge {
            part: name.to_owned(),
            max: if budget < MAX_PART_BYTES {
                MAX_TOTAL_BYTES
            } else {
                MAX_PART_BYTES
            },
        };
        let file = match self.zip.by_name(name) {
            Ok(file) => file,
            Err(ZipError::FileNotFound) => return Ok(None),
            Err(error) => return Err(PlanError::damaged(format!("{name}: {error}"))),
        };
        if file.size() > budget {
            return Err(too_large());
        }
        // The declared size is only a hint for the allocation; what is read is counted.
        let capacity = usize::try_from(file.size()).map_err(|_| too_large())?;
        let mut bytes = Vec::with_capacity(capacity);
        file.take(budget + 1)
            .read_to_end(&mut bytes)
            .map_err(|error| PlanError::damaged(format!("{name}: {error}")))?;
        let read = bytes.len() as u64;
        if read > budget {
            return Err(too_large());
        }
        self.inflated += read;
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(&bytes);
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Some(text.to_owned())),
            Err(_) => Err(PlanError::damaged(format!("{name} is not UTF-8 XML"))),
        }
    }
}

/// The entry count of the end-of-central-directory record, if one is found in the last 64 KiB
/// (0xFFFF, the ZIP64 marker, counts as more than any limit here).
fn declared_entries(bytes: &[u8]) -> Option<usize> {
    const RECORD: usize = 22;
    if bytes.len() < RECORD {
        return None;
    }
    let lowest = bytes.len().saturating_sub(RECORD + u16::MAX as usize);
    let mut at = bytes.len() - RECORD;
    loop {
        if bytes[at..].starts_with(b"PK\x05\x06") {
            let count = bytes.get(at + 10..at + 12)?;
            return Some(usize::from(u16::from_le_bytes([count[0], count[1]])));
        }
        if at == lowest {
            return None;
        }
        at -= 1;
    }
}
