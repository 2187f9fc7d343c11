//! Paper forms as PDF: the 审查呈批单 (one sheet per item) and the 移送明细表 (one per bundle),
//! set in a font the program carries, so a PC without Chinese fonts prints them the same.

mod font;
mod layout;

#[derive(Debug, thiserror::Error)]
pub enum PrintError {
    #[error("{0}")]
    Font(&'static str),
}
