//! The paragraphs and tables of a .docx (Word, or WPS saving in Word format), in document order.
//!
//! Only what a person sees as text is kept: `w:t` in runs (tabs and line breaks as `\t` and
//! `\n`), automatic numbers rebuilt by `numbering`; deleted revisions (`w:delText`), field codes,
//! hidden runs, the old properties of tracked changes and the fallback copy of drawings
//! (`mc:Fallback`, the same text box again) are left out. A table becomes rows of cell texts on
//! the table's grid: a cell spanning columns (`gridSpan`) is followed by empty cells, a cell
//! continuing a vertical merge (`vMerge`) repeats the text above it, so a 牵头单位 merged over
//! several rows belongs to each of them. A table inside a cell becomes text of that cell.

use super::super::PlanError;
use super::archive::Archive;
use super::numbering::{Numbering, NumberingRef};
use super::xml::{attr, name, Node, Xml};
use super::{Block, MAX_CELLS, MAX_COLUMNS};

const DOCUMENT: &str = "word/document.xml";

pub(crate) fn read(archive: &mut Archive<'_>) -> Result<Vec<Block>, PlanError> {
    let document = archive
        .text(DOCUMENT)?
        .ok_or_else(|| PlanError::damaged(format!("{DOCUMENT} is missing")))?;
    let mut numbering = Numbering::default();
    if let Some(text) = archive.text("word/numbering.xml")? {
        numbering.read_definitions(&text)?;
    }
    if let Some(text) = archive.text("word/styles.xml")? {
        numbering.read_styles(&text)?;
    }
    Body {
        numbering,
        blocks: Vec::new(),
        paragraphs: Vec::new(),
        tables: Vec::new(),
        cells: 0,
        in_properties: 0,
        in_run: false,
        run_hidden: false,
        in_text: false,
    }
    .read(&document)
}

#[derive(Default)]
struct Paragraph {
    text: String,
    numbering: NumberingRef,
    style: Option<String>,
}

#[derive(Default)]
struct Table {
    rows: Vec<Vec<String>>,
    row: Vec<String>,
    /// The row above on the grid, for vertical merges.
    above: Vec<String>,
    cell: Option<Cell>,
}

#[derive(Default)]
struct Cell {
    text: String,
    span: usize,
    continues_merge: bool,
}

struct Body {
    numbering: Numbering,
    blocks: Vec<Block>,
    /// Open paragraphs: more than one inside a text box.
    paragraphs: Vec<Paragraph>,
    /// Open tables: more than one for a table in a cell.
    tables: Vec<Table>,
    cells: usize,
    /// Depth inside `w:pPr`/`w:rPr`/`w:tcPr`, where `w:tab` and `w:vanish` are properties.
    in_properties: usize,
    in_run: bool,
    run_hidden: bool,
    in_text: bool,
}

impl Body {
    fn read(mut self, document: &str) -> Result<Vec<Block>, PlanError> {
        let mut xml = Xml::new(document, DOCUMENT);
        loop {
            match xml.next()? {
                Node::Start(element) => {
                    let element_name = name(&element);
                    match element_name {
                        // Old properties of a tracked change, deleted text, the second copy of
                        // a drawing: never what the document shows.
                        "pPrChange" | "rPrChange" | "tblPrChange" | "trPrChange" | "tcPrChange"
                        | "sectPrChange" | "del" | "moveFrom" | "Fallback" | "instrText"
                        | "delText" => xml.skip()?,
                        "p" => self.paragraphs.push(Paragraph::default()),
                        "r" => {
                            self.in_run = true;
                            self.run_hidden = false;
                        }
                        "t" if self.in_run => self.in_text = true,
                        "pPr" | "rPr" | "tcPr" | "trPr" | "tblPr" => self.in_properties += 1,
                        "tbl" => self.tables.push(Table::default()),
                        "tr" => {
                            if let Some(table) = self.tables.last_mut() {
                                table.row = Vec::new();
                            }
                        }
                        "tc" => {
                            if let Some(table) = self.tables.last_mut() {
                                table.cell = Some(Cell {
                                    span: 1,
                                    ..Cell::default()
                                });
                            }
                        }
                        _ => self.property(&element)?,
                    }
                }
                Node::Empty(element) => match name(&element) {
                    "p" => {
                        self.paragraphs.push(Paragraph::default());
                        self.end_paragraph()?;
                    }
                    "tab" if self.in_run && self.in_properties == 0 => self.push_text("\t"),
                    "br" | "cr" if self.in_run && self.in_properties == 0 => self.push_text("\n"),
                    "noBreakHyphen" if self.in_run => self.push_text("-"),
                    _ => self.property(&element)?,
                },
                Node::End(end) => match end.as_str() {
                    "p" => self.end_paragraph()?,
                    "r" => self.in_run = false,
                    "t" => self.in_text = false,
                    "pPr" | "rPr" | "tcPr" | "trPr" | "tblPr" => {
                        self.in_properties = self.in_properties.saturating_sub(1)
                    }
                    "tc" => self.end_cell()?,
                    "tr" => {
                        if let Some(table) = self.tables.last_mut() {
                            let row = std::mem::take(&mut table.row);
                            table.above = row.clone();
                            table.rows.push(row);
                        }
                    }
                    "tbl" => self.end_table(),
                    _ => {}
                },
                Node::Text(text) => {
                    if self.in_text && !self.run_hidden {
                        self.push_text(&text);
                    }
                }
                Node::Eof => break,
            }
        }
        Ok(self.blocks)
    }

    /// Properties that matter: a paragraph's list and style, a hidden run, a cell's span and
    /// merge.
    fn property(&mut self, element: &quick_xml::events::BytesStart<'_>) -> Result<(), PlanError> {
        let value = || attr(element, "val");
        match name(element) {
            "numId" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.numbering.num_id = value();
                }
            }
            "ilvl" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.numbering.level = value().and_then(|v| v.parse().ok());
                }
            }
            "pStyle" => {
                if let Some(p) = self.paragraphs.last_mut() {
                    p.style = value();
                }
            }
            "vanish" if self.in_run => {
                self.run_hidden = value().is_none_or(|v| v != "0" && v != "false");
            }
            "gridSpan" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    let span = value().and_then(|v| v.parse::<usize>().ok()).unwrap_or(1);
                    if span > MAX_COLUMNS {
                        return Err(too_wide());
                    }
                    cell.span = span.max(1);
                }
            }
            "vMerge" => {
                if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
                    cell.continues_merge = value().is_none_or(|v| v == "continue");
                }
            }
            _ => {}
        }
        Ok(())
    }

    fn push_text(&mut self, text: &str) {
        if let Some(p) = self.paragraphs.last_mut() {
            p.text.push_str(text);
        }
    }

    fn end_paragraph(&mut self) -> Result<(), PlanError> {
        let Some(p) = self.paragraphs.pop() else {
            return Ok(());
        };
        let label = self.numbering.label(&p.numbering, p.style.as_deref());
        let text = match label {
            Some(label) => label + &p.text,
            None => p.text,
        };
        if let Some(cell) = self.tables.last_mut().and_then(|t| t.cell.as_mut()) {
            if !cell.text.is_empty() {
                cell.text.push('\n');
            }
            cell.text.push_str(&text);
        } else if let Some(outer) = self.paragraphs.last_mut() {
            // A text box inside a paragraph: its text joins the paragraph.
            outer.text.push_str(&text);
        } else {
            self.blocks.push(Block::Paragraph(text));
        }
        Ok(())
    }

    fn end_cell(&mut self) -> Result<(), PlanError> {
        let Some(table) = self.tables.last_mut() else {
            return Ok(());
        };
        let Some(cell) = table.cell.take() else {
            return Ok(());
        };
        let column = table.row.len();
        if column + cell.span > MAX_COLUMNS {
            return Err(too_wide());
        }
        self.cells += cell.span;
        if self.cells > MAX_CELLS {
            return Err(PlanError::TableTooLarge {
                detail: format!("more than {MAX_CELLS} table cells"),
            });
        }
        let text = if cell.continues_merge && cell.text.trim().is_empty() {
            table.above.get(column).cloned().unwrap_or_default()
        } else {
            cell.text.trim().to_owned()
        };
        table.row.push(text);
        table
            .row
            .extend(std::iter::repeat_n(String::new(), cell.span - 1));
        Ok(())
    }

    fn end_table(&mut self) {
        let Some(table) = self.tables.pop() else {
            return;
        };
        let outer_cell = self.tables.last_mut().and_then(|t| t.cell.as_mut());
        match outer_cell {
            Some(cell) => {
                for row in &table.rows {
                    let line: Vec<&str> = row
                        .iter()
                        .map(String::as_str)
                        .filter(|c| !c.is_empty())
                        .collect();
                    if !cell.text.is_empty() {
                        cell.text.push('\n');
                    }
                    cell.text.push_str(&line.join(" "));
                }
            }
            None => self.blocks.push(Block::Table(table.rows)),
        }
    }
}

fn too_wide() -> PlanError {
    PlanError::TableTooLarge {
        detail: format!("a row wider than {MAX_COLUMNS} columns"),
    }
}
