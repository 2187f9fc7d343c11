//! The domain of Disclosure Desk, with no storage, GUI or Tauri dependency.

pub mod plan;
pub mod text;
