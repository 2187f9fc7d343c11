//! `Catalog`'s public methods by area, beside the core in `lib.rs`: each opens one transaction
//! (or reads) and calls the lower layers. The only place, with `lib.rs`, that names `Catalog`.

pub(crate) mod attachments;
pub(crate) mod export;
pub(crate) mod items;
pub(crate) mod ledger;
pub(crate) mod paper;
pub(crate) mod plan;
pub(crate) mod registry;
pub(crate) mod review;
pub(crate) mod sample;
pub(crate) mod settings;
pub(crate) mod sync;
pub(crate) mod trust;
