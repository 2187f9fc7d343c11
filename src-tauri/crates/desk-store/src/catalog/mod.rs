//! The catalog's tables, one module per area: functions on a transaction or connection, each
//! change recording its operations through the caller's `Recorder`. Nothing here knows
//! `Catalog` (the public handle, above) or sync (above); `Catalog` is the one public way in.

pub(crate) mod audit;
pub(crate) mod bundles;
pub(crate) mod checklist_batch;
pub(crate) mod items;
pub(crate) mod registry;
pub(crate) mod review;
pub(crate) mod save;
pub(crate) mod search;
pub(crate) mod trust;
