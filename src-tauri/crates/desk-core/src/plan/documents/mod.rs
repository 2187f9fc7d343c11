//! The documents plans arrive in, read into paragraphs and tables.
//!
//! Offices get their plans from the OA system as Word or WPS documents (.docx), as tables in
//! Excel or WPS (.xlsx, .xls, .et, or .csv in GBK), as OFD or PDF, or as text. The format is recognised from the content,
//! never from the file name: a zip holding `word/document.xml` is a .docx, one holding
//! `OFD.xml` an OFD (its text put back in reading order by `layout`), one holding
//! `xl/workbook.xml` an .xlsx; a PDF's text layer is read (`pdf`, on a worker thread under a
//! time limit); an OLE2 file holding a workbook is an old .xls or WPS .et (`xls`), one holding
//! a password-protected Office document is refused as encrypted, and any other (old .doc/.wps)
//! with what to do instead; anything else is text, and text whose first lines hold a plan table's header
//! is read as CSV. Every file is treated as hostile: sizes are bounded before anything is
//! allocated (`archive`), XML never expands an entity or nests without limit (`xml`), and
//! tables are capped in rows, columns and cells as they are read.
//!
//! This module only reads: turning paragraphs and tables into tasks is `plan::table` and
//! `plan::parse_plan`, in `plan::parse_plan_document`.

mod archive;
mod cmap;
mod csv;
mod docx;
mod guard;
mod layout;
mod numbering;
mod ofd;
mod pdf;
mod xls;
mod xlsx;
mod xml;

#[cfg(test)]
mod tests;

use serde::Serialize;

use super::decode::decode_plan_bytes;
use super::table;
use super::PlanError;

/// Plan files larger than this are not read. Larger than the text limit: a .docx carries its
/// letterhead and seal images, which are never inflated.
pub const MAX_PLAN_FILE_BYTES: usize = 20 * 1024 * 1024;
/// Rows, columns and cells of one table or sheet: a plan has tens of rows and a few columns, an
/// office's 台账 (read by the same readers) up to 50,000 rows of some twenty columns.
pub(crate) const MAX_ROWS: usize = 60_000;
pub(crate) const MAX_COLUMNS: usize = 100;
pub(crate) const MAX_CELLS: usize = 1_500_000;

/// What a plan file was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DocumentFormat {
    Docx,
    Ofd,
    Pdf,
    Xlsx,
    /// Old binary Excel (.xls) or WPS (.et).
    Xls,
    Csv,
    Text,
}

/// A piece of a document in reading order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Block {
    /// One paragraph (a .docx), or a whole text; automatic numbers written out in front.
    Paragraph(String),
    /// Rows of cell texts on the table's grid.
    Table(Vec<Vec<String>>),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    pub format: DocumentFormat,
    /// The text encoding: "UTF-8" for the XML of .docx and .xlsx, as detected for text.
    pub encoding: String,
    pub blocks: Vec<Block>,
}

const OLE2: &[u8] = b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1";

/// Recognises a plan file's format from its bytes and reads it.
pub fn read_plan_document(bytes: &[u8]) -> Result<PlanDocument, PlanError> {
    if bytes.len() > MAX_PLAN_FILE_BYTES {
        return Err(PlanError::TooLarge {
            size: bytes.len(),
            max: MAX_PLAN_FILE_BYTES,
        });
    }
    let head = &bytes[..bytes.len().min(1024)];
    if bytes.starts_with(OLE2) {
        return read_ole(bytes);
    }
    if head.windows(5).any(|w| w == b"%PDF-") {
        let paragraphs = pdf::read(bytes)?;
        return Ok(PlanDocument {
            format: DocumentFormat::Pdf,
            encoding: "UTF-8".to_owned(),
            blocks: paragraphs.into_iter().map(Block::Paragraph).collect(),
        });
    }
    if bytes.starts_with(b"PK\x03\x04") || bytes.starts_with(b"PK\x05\x06") {
        return read_archive(bytes);
    }
    let decoded = decode_plan_bytes(bytes)?;
    read_plan_text(decoded.text, decoded.encoding)
}

fn read_ole(bytes: &[u8]) -> Result<PlanDocument, PlanError> {
    match xls::read(bytes) {
        Ok(xls::Ole::Workbook(rows)) => {
            if rows.iter().flatten().all(|cell| cell.trim().is_empty()) {
                return Err(PlanError::Empty);
            }
            Ok(PlanDocument {
                format: DocumentFormat::Xls,
                encoding: "BIFF".to_owned(),
                blocks: vec![Block::Table(rows)],
            })
        }
        Ok(xls::Ole::Encrypted) => Err(PlanError::Encrypted),
        Ok(xls::Ole::Other) => Err(PlanError::OldOfficeFormat),
        // Too damaged to open as OLE2: an encrypted Office document is still told by the name
        // of its package; anything else is taken for the old format it claims to be.
        Ok(xls::Ole::Unreadable) if contains(bytes, &utf16le("EncryptedPackage")) => {
            Err(PlanError::Encrypted)
        }
        Ok(xls::Ole::Unreadable) => Err(PlanError::OldOfficeFormat),
        Err(error) => Err(error),
    }
}

fn utf16le(text: &str) -> Vec<u8> {
    text.encode_utf16().flat_map(u16::to_le_bytes).collect()
}

fn contains(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

/// A table file (a 台账): the first sheet of a workbook, the first table of a document, or
/// CSV text with the separator of its first line; recognised by content and bounded as plans.
pub fn read_table_document(bytes: &[u8]) -> Result<PlanDocument, PlanError> {
    let document = read_plan_document(bytes)?;
    if document.format == DocumentFormat::Text {
        let decoded = decode_plan_bytes(bytes)?;
        let first = decoded
            .text
            .lines()
            .find(|line| !line.trim().is_empty())
            .unwrap_or_default();
        let rows = csv::rows(&decoded.text, csv::separator(first))?;
        if rows.iter().all(|row| row.len() < 2) {
            return Err(PlanError::NoTable);
        }
        return Ok(PlanDocument {
            format: DocumentFormat::Csv,
            encoding: decoded.encoding,
            blocks: vec![Block::Table(rows)],
        });
    }
    let table = document.blocks.into_iter().find_map(|block| match block {
        Block::Table(rows) => Some(rows),
        Block::Paragraph(_) => None,
    });
    match table {
        Some(rows) => Ok(PlanDocument {
            format: document.format,
            encoding: document.encoding,
            blocks: vec![Block::Table(rows)],
        }),
        None => Err(PlanError::NoTable),
    }
}

/// Text already decoded (a file's, or pasted): CSV when one of its first lines is a plan
/// table's header (cells copied from Excel or WPS paste as tab-separated rows), else text.
pub fn read_plan_text(text: String, encoding: String) -> Result<PlanDocument, PlanError> {
    if let Some(rows) = csv_table(&text)? {
        return Ok(PlanDocument {
            format: DocumentFormat::Csv,
            encoding,
            blocks: vec![Block::Table(rows)],
        });
    }
    Ok(PlanDocument {
        format: DocumentFormat::Text,
        encoding,
        blocks: vec![Block::Paragraph(text)],
    })
}

fn read_archive(bytes: &[u8]) -> Result<PlanDocument, PlanError> {
    let mut archive = archive::Archive::open(bytes)?;
    let (format, blocks) = if archive.contains("word/document.xml") {
        (DocumentFormat::Docx, docx::read(&mut archive)?)
    } else if archive.contains("OFD.xml") {
        let paragraphs = ofd::read(&mut archive)?;
        (
            DocumentFormat::Ofd,
            paragraphs.into_iter().map(Block::Paragraph).collect(),
        )
    } else if archive.contains("xl/workbook.xml") {
        (
            DocumentFormat::Xlsx,
            vec![Block::Table(xlsx::read(&mut archive)?)],
        )
    } else {
        return Err(PlanError::UnknownDocument);
    };
    let empty = blocks.iter().all(|block| match block {
        Block::Paragraph(text) => text.trim().is_empty(),
        Block::Table(rows) => rows.iter().flatten().all(|cell| cell.trim().is_empty()),
    });
    if empty {
        return Err(PlanError::Empty);
    }
    Ok(PlanDocument {
        format,
        encoding: "UTF-8".to_owned(),
        blocks,
    })
}

/// The text as CSV rows when one of its first lines is a plan table's header.
fn csv_table(text: &str) -> Result<Option<Vec<Vec<String>>>, PlanError> {
    let header = text
        .lines()
        .filter(|line| !line.trim().is_empty())
        .take(10)
        .find(|line| {
            let separator = csv::separator(line);
            table::Columns::find(&csv::fields(line, separator)).is_some()
        });
    match header {
        Some(line) => csv::rows(text, csv::separator(line)).map(Some),
        None => Ok(None),
    }
}
