//! Tauri commands: each parses its arguments, calls one catalog function, maps the error.

pub mod app;
pub mod export;
pub mod items;
pub mod plan;
pub mod registry;
pub mod review;
pub mod update;

/// Today in the PC's time zone (due dates are local dates).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}
