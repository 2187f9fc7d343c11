//! The domain of Disclosure Desk: items, their fields and rules, clocks, Chinese text folding and
//! work-plan parsing. No storage, GUI or Tauri dependency lives here (see ARCHITECTURE.md).

pub mod fields;
pub mod hlc;
pub mod index_rule;
pub mod model;
pub mod ops;
pub mod plan;
pub mod query;
pub mod settings;
pub mod text;
pub mod validate;
pub mod workdays;
