//! What the ledger and the annual report share as workbooks: the cell styles, and saving under a
//! temporary name so that a failure never leaves half a file under the chosen name.
//!
//! Below both `ledger` and `annual` (the ledger counts as the annual report does, so it imports
//! `annual`); this module imports neither.

use crate::error::{ExportError, Result};
use crate::saved::{partial_beside, put_in_place, refuse_existing};
use rust_xlsxwriter::{Color, Format, FormatBorder, Workbook};
use std::path::Path;

pub(crate) struct Styles {
    pub title: Format,
    pub header: Format,
    pub group: Format,
    pub cell: Format,
    pub date: Format,
}

impl Styles {
    pub fn new() -> Styles {
        let cell = Format::new().set_border(FormatBorder::Thin).set_text_wrap();
        Styles {
            title: Format::new().set_bold().set_font_size(14),
            header: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xF2F2F2)),
            group: Format::new()
                .set_bold()
                .set_border(FormatBorder::Thin)
                .set_background_color(Color::RGB(0xE8EEF7)),
            date: cell.clone().set_num_format("yyyy-mm-dd"),
            cell,
        }
    }
}

/// Saves under a temporary name beside `out`, then renames.
pub(crate) fn save_workbook(workbook: &mut Workbook, out: &Path, overwrite: bool) -> Result<()> {
    refuse_existing(out, overwrite)?;
    let partial = partial_beside(out)?;
    if let Err(e) = workbook.save(&partial) {
        let _ = std::fs::remove_file(&partial);
        return Err(ExportError::Workbook {
            path: out.to_path_buf(),
            detail: e.to_string(),
        });
    }
    put_in_place(&partial, out)
}
