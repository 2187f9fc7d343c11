//! Paper forms as PDF: the 审查呈批单 (one sheet per item) and the 移送明细表 (one per bundle),
//! set in a font the program carries, so a PC without Chinese fonts prints them the same.
//! Nothing here reads the catalog or a file: callers hand over what a form shows.

mod font;
mod handover;
mod labels;
mod layout;
mod names;
mod pdf;
mod qr;
mod signoff_sheet;

pub use handover::{Handover, HandoverItem};
pub use names::Names;
pub use signoff_sheet::SignoffSheet;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("{0}")]
    Font(&'static str),
    #[error("nothing to print: choose at least one item")]
    Nothing,
}

impl PrintError {
    pub fn code(&self) -> &'static str {
        match self {
            PrintError::Font(_) => "print_font",
            PrintError::Nothing => "print_nothing",
        }
    }
}

/// An RFC 3339 time as the forms print it, in the PC's time zone, formatted with `pattern`
/// (chrono's); a text that is not such a time is printed as it is.
pub fn local_time(rfc3339: &str, pattern: &str) -> String {
    match chrono::DateTime::parse_from_rfc3339(rfc3339) {
        Ok(t) => t.with_timezone(&chrono::Local).format(pattern).to_string(),
        Err(_) => rfc3339.to_string(),
    }
}

/// The 审查呈批单 of each item, each sheet starting on a new page and numbered on its own.
pub fn signoff_sheets(sheets: &[SignoffSheet]) -> Result<Vec<u8>, PrintError> {
    if sheets.is_empty() {
        return Err(PrintError::Nothing);
    }
    let font = font::Font::embedded()?;
    let pages: Vec<layout::Page> = sheets
        .iter()
        .flat_map(|sheet| signoff_sheet::lay_out(font, sheet))
        .collect();
    pdf::write(&pages, signoff_sheet::TITLE)
}

/// The 移送明细表 of a bundle.
pub fn handover_list(handover: &Handover) -> Result<Vec<u8>, PrintError> {
    let font = font::Font::embedded()?;
    pdf::write(&handover::lay_out(font, handover), handover::TITLE)
}
