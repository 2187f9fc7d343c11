//! Old binary workbooks: Excel's .xls and WPS's .et (BIFF in an OLE2 compound file).
//!
//! The OLE2 file is opened with `cfb` to see what it holds: a `Workbook` (or BIFF5 `Book`)
//! stream is a spreadsheet; an `EncryptedPackage` is an Office document encrypted with a
//! password; anything else (Word's or WPS's `WordDocument`) is an old format this version does
//! not read. Before calamine parses the workbook its records are walked here, because calamine
//! allocates a sheet's whole grid from the sizes it finds: the declared dimensions and every
//! cell's row and column are checked against the table limits first (all sheets, since calamine
//! reads them all). Then calamine reads the first sheet, under the same panic and time guard
//! as the PDF reader. Values become the text the .xlsx reader gives: numbers as written, dates
//! as their serial numbers, and merged ranges filled down as there.

use std::io::{Cursor, Read};
use std::time::Duration;

use calamine::{Data, Reader, Xls, XlsError};

use super::super::PlanError;
use super::guard::bounded;
use super::xlsx::fill_merges;
use super::{MAX_CELLS, MAX_COLUMNS, MAX_PLAN_FILE_BYTES, MAX_ROWS};

const TIME_LIMIT: Duration = Duration::from_secs(20);

/// What an OLE2 file holds.
pub(crate) enum Ole {
    Workbook(Vec<Vec<String>>),
    Encrypted,
    /// A Word or WPS document, or anything else that is not a workbook.
    Other,
    /// Not even its directory could be read.
    Unreadable,
}

pub(crate) fn read(bytes: &[u8]) -> Result<Ole, PlanError> {
    let owned = bytes.to_vec();
    bounded(TIME_LIMIT, move |_| read_ole(&owned))
}

fn read_ole(bytes: &[u8]) -> Result<Ole, PlanError> {
    let Ok(mut file) = cfb::CompoundFile::open(Cursor::new(bytes)) else {
        return Ok(Ole::Unreadable);
    };
    if file.is_stream("/EncryptedPackage") {
        return Ok(Ole::Encrypted);
    }
    let Some(name) = ["/Workbook", "/Book"]
        .into_iter()
        .find(|name| file.is_stream(name))
    else {
        return Ok(Ole::Other);
    };
    let mut stream = Vec::new();
    file.open_stream(name)
        .and_then(|s| s.take(MAX_PLAN_FILE_BYTES as u64).read_to_end(&mut stream))
        .map_err(|error| PlanError::damaged(format!("OLE2 {name}: {error}")))?;
    check_records(&stream)?;
    let mut workbook = Xls::new(Cursor::new(bytes)).map_err(|error| match error {
        XlsError::Password => PlanError::Encrypted,
        error => PlanError::damaged(format!("xls: {error}")),
    })?;
    let Some(sheet) = workbook.sheet_names().first().cloned() else {
        return Err(PlanError::Empty);
    };
    let range = workbook
        .worksheet_range(&sheet)
        .map_err(|error| PlanError::damaged(format!("xls: {error}")))?;
    let merges = workbook
        .merge_cells_by_sheet_name(&sheet)
        .unwrap_or_default();
    let (first_row, first_column) = range.start().unwrap_or((0, 0));
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    for (offset, cells) in range.rows().enumerate() {
        let mut row = vec![String::new(); first_column as usize];
        row.extend(cells.iter().map(text));
        while row.last().is_some_and(String::is_empty) {
            row.pop();
        }
        if !row.is_empty() {
            // One-based row numbers, as the .xlsx reader's merges use.
            rows.push((first_row as usize + offset + 1, row));
        }
    }
    let merges: Vec<_> = merges
        .iter()
        .map(|m| {
            (
                (m.start.1 as usize, m.start.0 as usize + 1),
                (m.end.1 as usize, m.end.0 as usize + 1),
            )
        })
        .collect();
    fill_merges(&mut rows, &merges)?;
    Ok(Ole::Workbook(
        rows.into_iter().map(|(_, row)| row).collect(),
    ))
}

fn text(cell: &Data) -> String {
    let number = |n: f64| {
        if n.fract() == 0.0 && n.abs() < 1e15 {
            format!("{}", n as i64)
        } else {
            n.to_string()
        }
    };
    match cell {
        Data::Int(n) => n.to_string(),
        Data::Float(n) => number(*n),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Bool(b) => (if *b { "TRUE" } else { "FALSE" }).to_owned(),
        Data::DateTime(date) => number(date.as_f64()),
        Data::Error(_) | Data::Empty => String::new(),
    }
}

fn too_large(detail: String) -> PlanError {
    PlanError::TableTooLarge { detail }
}

fn u16_at(data: &[u8], at: usize) -> Option<usize> {
    data.get(at..at + 2)
        .map(|b| usize::from(u16::from_le_bytes([b[0], b[1]])))
}

fn u32_at(data: &[u8], at: usize) -> Option<usize> {
    data.get(at..at + 4)
        .and_then(|b| usize::try_from(u32::from_le_bytes([b[0], b[1], b[2], b[3]])).ok())
}

/// Walks the BIFF records: every sheet's declared dimensions and every cell's place within the
/// table limits, before calamine sizes anything by them.
fn check_records(stream: &[u8]) -> Result<(), PlanError> {
    let mut at = 0;
    let mut cells = 0usize;
    while at + 4 <= stream.len() {
        let kind = u16::from_le_bytes([stream[at], stream[at + 1]]);
        let length = usize::from(u16::from_le_bytes([stream[at + 2], stream[at + 3]]));
        // A record cut short ends the walk; calamine reports the damage.
        let Some(data) = stream.get(at + 4..at + 4 + length) else {
            break;
        };
        at += 4 + length;
        match kind {
            // DIMENSIONS: first row, last row + 1, first column, last column + 1.
            0x0200 => {
                let (first_row, rows, first_column, columns) = match data.len() {
                    10 => (
                        u16_at(data, 0),
                        u16_at(data, 2),
                        u16_at(data, 4),
                        u16_at(data, 6),
                    ),
                    _ => (
                        u32_at(data, 0),
                        u32_at(data, 4),
                        u16_at(data, 8),
                        u16_at(data, 10),
                    ),
                };
                let (rows, columns) = (rows.unwrap_or(0), columns.unwrap_or(0));
                // calamine subtracts the first row (column) from the last unchecked: a range
                // that ends before it starts would overflow there.
                if rows >= 1
                    && columns >= 1
                    && (first_row.unwrap_or(0) >= rows || first_column.unwrap_or(0) >= columns)
                {
                    return Err(PlanError::damaged(
                        "xls: a sheet's dimensions end before they start",
                    ));
                }
                if rows > MAX_ROWS + 1
                    || columns > MAX_COLUMNS
                    || rows.saturating_mul(columns) > MAX_CELLS
                {
                    return Err(too_large(format!(
                        "a sheet declares {rows} rows and {columns} columns; at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells are read"
                    )));
                }
            }
            // Cells: FORMULA, BLANK, NUMBER, LABEL, BOOLERR, RK, LABELSST, RSTRING, and the
            // MULRK/MULBLANK runs whose last column ends the record.
            0x0006 | 0x0201 | 0x0203 | 0x0204 | 0x0205 | 0x027E | 0x00FD | 0x00D6 | 0x00BD
            | 0x00BE => {
                let row = u16_at(data, 0).unwrap_or(0);
                let first = u16_at(data, 2).unwrap_or(0);
                let last = if matches!(kind, 0x00BD | 0x00BE) {
                    u16_at(data, data.len().saturating_sub(2)).unwrap_or(first)
                } else {
                    first
                };
                cells += last.saturating_sub(first) + 1;
                if row >= MAX_ROWS {
                    return Err(too_large(format!("more than {MAX_ROWS} rows")));
                }
                if first.max(last) >= MAX_COLUMNS {
                    return Err(too_large(format!("more than {MAX_COLUMNS} columns")));
                }
                if cells > MAX_CELLS {
                    return Err(too_large(format!("more than {MAX_CELLS} cells")));
                }
            }
            _ => {}
        }
    }
    Ok(())
}
