//! The first worksheet of an .xlsx (Excel, or WPS saving in Excel format) as rows of cell texts.
//!
//! Read by hand from the sheet's XML rather than through a spreadsheet library, so every size is
//! bounded where it is read: the declared `dimension` is checked before any cell, then rows,
//! columns and cells are counted as they come (a sheet may lie about its dimension), and shared
//! strings are capped too. Values are the text Excel stores: shared and inline strings, numbers
//! as written (a date cell stays its serial number; the deadline reader knows those). A merged
//! range repeats its first cell down its rows, so a 牵头单位 merged over several tasks belongs to
//! each; a range within one row (a section title across the table) stays in its first cell.

use std::collections::HashMap;

use super::super::PlanError;
use super::archive::Archive;
use super::xml::{attr, name, Node, Xml};
use super::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS};

pub(crate) fn read(archive: &mut Archive<'_>) -> Result<Vec<Vec<String>>, PlanError> {
    let sheet = first_sheet(archive)?;
    let strings = match archive.text("xl/sharedStrings.xml")? {
        Some(text) => shared_strings(&text)?,
        None => Vec::new(),
    };
    let text = archive
        .text(&sheet)?
        .ok_or_else(|| PlanError::damaged(format!("{sheet} is missing")))?;
    read_sheet(&text, &sheet, &strings)
}

/// The part of the workbook's first sheet, through the workbook's relationships.
fn first_sheet(archive: &mut Archive<'_>) -> Result<String, PlanError> {
    const FALLBACK: &str = "xl/worksheets/sheet1.xml";
    let workbook = archive
        .text("xl/workbook.xml")?
        .ok_or_else(|| PlanError::damaged("xl/workbook.xml is missing"))?;
    let mut relation = None;
    let mut xml = Xml::new(&workbook, "xl/workbook.xml");
    loop {
        match xml.next()? {
            Node::Start(e) | Node::Empty(e) if name(&e) == "sheet" => {
                relation = attr(&e, "id");
                break;
            }
            Node::Eof => break,
            _ => {}
        }
    }
    let Some(relation) = relation else {
        return Ok(FALLBACK.to_owned());
    };
    let Some(rels) = archive.text("xl/_rels/workbook.xml.rels")? else {
        return Ok(FALLBACK.to_owned());
    };
    let mut xml = Xml::new(&rels, "xl/_rels/workbook.xml.rels");
    loop {
        match xml.next()? {
            Node::Start(e) | Node::Empty(e)
                if name(&e) == "Relationship" && attr(&e, "Id").as_ref() == Some(&relation) =>
            {
                let target = attr(&e, "Target").unwrap_or_default();
                return Ok(match target.strip_prefix('/') {
                    Some(absolute) => absolute.to_owned(),
                    None => format!("xl/{target}"),
                });
            }
            Node::Eof => return Ok(FALLBACK.to_owned()),
            _ => {}
        }
    }
}

/// The shared strings: each `si`'s text runs joined, phonetic guides (`rPh`) left out.
fn shared_strings(text: &str) -> Result<Vec<String>, PlanError> {
    let mut xml = Xml::new(text, "xl/sharedStrings.xml");
    let mut strings = Vec::new();
    let mut current: Option<String> = None;
    let mut in_text = false;
    loop {
        match xml.next()? {
            Node::Start(e) => match name(&e) {
                "si" => current = Some(String::new()),
                "t" => in_text = true,
                "rPh" => xml.skip()?,
                _ => {}
            },
            Node::Empty(e) if name(&e) == "si" => strings.push(String::new()),
            Node::End(end) => match end.as_str() {
                "si" => {
                    strings.push(current.take().unwrap_or_default());
                    if strings.len() > MAX_CELLS {
                        return Err(PlanError::TableTooLarge {
                            detail: format!("more than {MAX_CELLS} shared strings"),
                        });
                    }
                }
                "t" => in_text = false,
                _ => {}
            },
            Node::Text(t) if in_text => {
                if let Some(current) = current.as_mut() {
                    current.push_str(&t);
                }
            }
            Node::Eof => break,
            _ => {}
        }
    }
    Ok(strings)
}

/// A cell reference such as `B12`: zero-based column and one-based row.
fn cell_ref(reference: &str) -> Option<(usize, usize)> {
    let letters = reference
        .chars()
        .take_while(char::is_ascii_alphabetic)
        .count();
    if letters == 0 || letters > 3 {
        return None;
    }
    let column = reference[..letters].chars().try_fold(0usize, |n, c| {
        Some(n * 26 + (c.to_ascii_uppercase() as usize - 'A' as usize + 1))
    })?;
    let row = reference[letters..].parse().ok()?;
    Some((column - 1, row))
}

fn too_large(detail: String) -> PlanError {
    PlanError::TableTooLarge { detail }
}

/// A merged range: its first and last cell, as (column, row).
type Merge = ((usize, usize), (usize, usize));

fn read_sheet(text: &str, part: &str, strings: &[String]) -> Result<Vec<Vec<String>>, PlanError> {
    let mut xml = Xml::new(text, part);
    // Rows by their number, kept sparse: a lying `r="1000000"` allocates nothing.
    let mut rows: Vec<(usize, Vec<String>)> = Vec::new();
    let mut merges: Vec<Merge> = Vec::new();
    let mut cells = 0usize;
    let mut row_number = 0usize;
    let mut cell: Option<(usize, String)> = None;
    let mut cell_type = String::new();
    let mut value = String::new();
    let mut in_value = false;
    loop {
        match xml.next()? {
            Node::Start(e) | Node::Empty(e) => match name(&e) {
                "dimension" => {
                    let reference = attr(&e, "ref").unwrap_or_default();
                    let end = reference.rsplit(':').next().and_then(cell_ref);
                    if let Some((column, row)) = end {
                        if row > MAX_ROWS
                            || column >= MAX_COLUMNS
                            || row.saturating_mul(column + 1) > MAX_CELLS
                        {
                            return Err(too_large(format!(
                                "the sheet declares {reference}; at most {MAX_ROWS} rows, {MAX_COLUMNS} columns and {MAX_CELLS} cells are read"
                            )));
                        }
                    }
                }
                "row" => {
                    row_number = attr(&e, "r")
                        .and_then(|r| r.parse().ok())
                        .unwrap_or(row_number + 1);
                    if row_number > MAX_ROWS {
                        return Err(too_large(format!("more than {MAX_ROWS} rows")));
                    }
                }
                "c" => {
                    let row_cells = rows
                        .last()
                        .filter(|(n, _)| *n == row_number)
                        .map_or(0, |(_, r)| r.len());
                    let column = attr(&e, "r")
                        .and_then(|r| cell_ref(&r))
                        .map_or(row_cells, |(column, _)| column);
                    if column >= MAX_COLUMNS {
                        return Err(too_large(format!("more than {MAX_COLUMNS} columns")));
                    }
                    cells += 1;
                    if cells > MAX_CELLS {
                        return Err(too_large(format!("more than {MAX_CELLS} cells")));
                    }
                    cell_type = attr(&e, "t").unwrap_or_default();
                    value.clear();
                    cell = Some((column, String::new()));
                }
                "v" | "t" => in_value = true,
                "rPh" => xml.skip()?,
                "mergeCell" => {
                    let reference = attr(&e, "ref").unwrap_or_default();
                    if let Some((from, to)) = reference.split_once(':') {
                        if let (Some(from), Some(to)) = (cell_ref(from), cell_ref(to)) {
                            merges.push((from, to));
                        }
                    }
                }
                _ => {}
            },
            Node::End(end) => match end.as_str() {
                "v" | "t" => in_value = false,
                "c" => {
                    if let Some((column, _)) = cell.take() {
                        let text = match cell_type.as_str() {
                            "s" => value
                                .trim()
                                .parse::<usize>()
                                .ok()
                                .and_then(|i| strings.get(i))
                                .cloned()
                                .unwrap_or_default(),
                            "b" => (if value.trim() == "1" { "TRUE" } else { "FALSE" }).to_owned(),
                            _ => std::mem::take(&mut value),
                        };
                        if rows.last().is_none_or(|(n, _)| *n != row_number) {
                            rows.push((row_number, Vec::new()));
                        }
                        if let Some((_, row)) = rows.last_mut() {
                            if row.len() <= column {
                                row.resize(column + 1, String::new());
                            }
                            row[column] = text.trim().to_owned();
                        }
                    }
                }
                _ => {}
            },
            Node::Text(t) if in_value && cell.is_some() => value.push_str(&t),
            Node::Eof => break,
            _ => {}
        }
    }
    fill_merges(&mut rows, &merges)?;
    Ok(rows.into_iter().map(|(_, row)| row).collect())
}

/// Repeats the first cell of each range that spans rows into the rows below it.
pub(crate) fn fill_merges(
    rows: &mut [(usize, Vec<String>)],
    merges: &[Merge],
) -> Result<(), PlanError> {
    let index: HashMap<usize, usize> = rows.iter().enumerate().map(|(i, (n, _))| (*n, i)).collect();
    let mut filled = 0usize;
    for &((from_column, from_row), (to_column, to_row)) in merges {
        if to_row <= from_row || to_column < from_column || to_column >= MAX_COLUMNS {
            continue;
        }
        let Some(value) = index
            .get(&from_row)
            .and_then(|&i| rows[i].1.get(from_column))
            .cloned()
        else {
            continue;
        };
        for row in from_row + 1..=to_row.min(MAX_ROWS) {
            let Some(&i) = index.get(&row) else {
                continue;
            };
            let cells = &mut rows[i].1;
            for column in from_column..=to_column {
                filled += 1;
                if filled > MAX_CELLS {
                    return Err(too_large(format!(
                        "merged ranges over more than {MAX_CELLS} cells"
                    )));
                }
                if cells.len() <= column {
                    cells.resize(column + 1, String::new());
                }
                if cells[column].is_empty() {
                    cells[column] = if column == from_column {
                        value.clone()
                    } else {
                        String::new()
                    };
                }
            }
        }
    }
    Ok(())
}
