//! Sync through a shared folder (DESIGN.md section 4): offline-first, convergent, and never
//! losing an edit.
//!
//! Each PC keeps its own SQLite catalog; the folder holds only write-once files that each PC
//! writes in its own places. This crate knows the folder layout and file format (`format`), all
//! file access behind one small trait (`folder`, so tests swap in a simulator with faults), and
//! the round (`engine`): publish the outbox, then apply what others published. The merge rules
//! are `desk_core::merge`; the local apply is `desk_store`'s sync layer (through `Catalog`). No Tauri here.
//!
//! The app's worker and `desk sync` call [`sync_configured`] (the folder this PC syncs with, and
//! what the round leaves recorded); both read [`status`], and `Catalog::conflicts` /
//! `Catalog::settle_conflict`. Tests and the benchmark drive [`sync_round`] on a folder directly.

pub mod configured;
pub mod engine;
pub mod error;
pub mod folder;
pub mod format;
mod heal;

pub use configured::{sync_configured, RoundEvent};
pub use engine::{
    publish_snapshot, status, sync_round, sync_round_with_progress, PcSecret, SyncOptions,
};
pub use error::SyncError;
pub use folder::{FsFolder, SyncFolder};
