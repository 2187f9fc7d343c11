//! Export for the web team (DESIGN 2.6), as a library the app and `desk` share.
//!
//! - [`bundle`]: one zip of the signed-off 主动公开 items (manifest, attachments, index page,
//!   checksums), written under a temporary name and renamed only when whole and recorded.
//! - [`verify`]: the web team's check of a bundle, written for zips nobody should trust, with
//!   the sign-offs' signatures checked against the office key the web team pinned.
//! - [`feedback`]: the addresses the web team sends back, applied through the workflow.
//! - [`ledger`] and [`annual`]: the 公开台账 workbook and the figures of the annual report.
//!
//! Which items may go out is a domain rule (`desk_core::export`); this crate does the files.
//! It never depends on Tauri: the app runs it on a worker thread and forwards progress.

pub mod annual;
pub mod bundle;
mod copy;
mod digest;
pub mod error;
pub mod feedback;
mod findings;
mod html;
pub mod ledger;
pub mod paper;
mod saved;
mod signatures;
pub mod verify;
mod workbook;

pub use error::ExportError;
