//! The domain of Disclosure Desk: items, their fields and rules, clocks, Chinese text folding and
//! work-plan parsing. No storage, GUI or Tauri dependency lives here (see ARCHITECTURE.md).

pub mod assign;
pub mod audit;
pub mod checklist;
pub mod due;
pub mod error;
pub mod export;
pub mod fields;
pub mod hlc;
pub mod identity;
pub mod index_rule;
pub mod ipc;
pub mod ledger_import;
pub mod merge;
pub mod model;
pub mod ops;
pub mod pii;
pub mod plan;
pub mod plan_import;
pub mod problem;
pub mod query;
pub mod registry;
pub mod review;
pub mod search_hit;
pub mod settings;
pub mod signoff;
pub mod sync;
pub mod sync_schedule;
pub mod text;
pub mod validate;
pub mod verify_code;
pub mod windows;
pub mod workdays;
pub mod workflow;
