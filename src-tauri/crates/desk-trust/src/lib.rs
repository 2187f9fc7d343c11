//! Who may do what, proven: SM2 key pairs (GB/T 32918, signatures over SM3), secret keys sealed
//! under a password, the office-signed roster of people, roles, keys and PCs, and signed
//! sign-offs. No storage and no user interface here: the catalog, sync and export use these to
//! sign and to check what they are given.

pub mod error;
pub mod fingerprint;
pub mod keys;
pub mod roster;
pub mod sealed;
pub mod segment;
pub mod signoff;

pub use error::TrustError;
pub use fingerprint::Fingerprint;
pub use keys::{KeyPair, PublicKey, Signature};
