//! Applying other PCs' operations to the local catalog: the top layer of the store.
//!
//! Why this shape: the merge rules are pure functions of the set of operations
//! (`desk_core::merge`); the heads they need are kept by `oplog::heads`, and this layer writes
//! the winners into the ordinary tables the app reads. A device's segments are applied in a row
//! in one transaction (up to [`BATCH_OPS`] operations) that also moves that device's cursor past
//! exactly the segments it holds, so a crash or a replay changes nothing; an operation already
//! known is skipped. Nothing here reads files: the engine (`desk-sync`) hands in decoded
//! operations.
//!
//! What must never happen here: an operation dropped (every one is stored, and a losing value
//! stays a head until a person settles it), or a row deleted because something is *absent*
//! (only a delete operation that knew of every edit of an item removes it). An operation that
//! cannot be applied stops nothing: it is stored, its effect kept aside with the reason
//! (`admit`, `kept_aside`), and it is tried again when the app is updated or what it names
//! arrives.

pub(crate) mod admit;
pub(crate) use admit::roster_id;
pub(crate) mod apply;
pub(crate) mod bulk;
pub(crate) mod conflicts;
pub(crate) mod context;
pub(crate) mod creations;
pub(crate) mod deletion;
pub(crate) mod devices;
pub(crate) mod entitled;
pub(crate) mod index_numbers;
pub(crate) mod kept_aside;
pub(crate) mod materialize;
pub(crate) mod signoffs;

use desk_core::merge::VersionVector;
use desk_core::ops::Operation;
use std::collections::BTreeSet;

/// The author recorded on operations sync makes by itself (a sign-off voided by an edit).
pub const SYNC_AUTHOR: &str = "system";

/// What applying one segment did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ApplyOutcome {
    /// Operations new to this PC (a replayed segment applies none).
    pub applied: u32,
    pub signoffs_voided: u32,
    /// Items this PC had numbered that gave their 索引号 up (see [`index_numbers`]).
    pub index_nos_renumbered: u32,
    /// Attachments (sha256) the applied operations refer to.
    pub attachments: BTreeSet<String>,
    pub settings_changed: bool,
    /// New operations stored whose effect was kept aside (see `admit`).
    pub kept_aside: u32,
    /// Operations kept aside before that could be applied now.
    pub released: u32,
}

/// One segment of a device's operations, in sequence order, and the last sequence it covers.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RemoteSegment {
    pub ops: Vec<Operation>,
    pub last_seq: u64,
    /// What the writer had applied of every device when it wrote the segment (its header's
    /// version vector): a delete's `covers` is never trusted beyond it.
    pub version_vector: VersionVector,
}

/// At most about this many operations per transaction when segments are applied in a row: one
/// transaction per segment rewrote the same index pages again and again; one for everything
/// would let the write-ahead log grow with the catalog.
pub const BATCH_OPS: u32 = 50_000;

/// At most this many operations of a snapshot are held at once while it is applied (a run of
/// one device's operations is cut there), so a new PC's memory does not grow with the catalog.
pub const SNAPSHOT_RUN: usize = 1_000;
