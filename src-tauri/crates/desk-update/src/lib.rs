//! Updates of the app, without Tauri: what the office configured (`update.json`), the release
//! manifest (`latest.json`), minisign signatures in the form the Tauri updater uses, reading a
//! release from the shared folder, and publishing one.
//!
//! Why a crate of its own: the app (which installs through tauri-plugin-updater) and the `desk`
//! command line (which publishes) must agree byte for byte on the manifest and the signature, and
//! the refusals (wrong key, changed byte, half-copied package, a version that is not newer) are
//! business rules that are tested here on real files, with no window. Nothing here installs
//! anything: a package leaves this crate only after its signature and signed version were checked.

pub mod config;
pub mod error;
pub mod folder;
pub mod ipc;
pub mod manifest;
pub mod publish;
pub mod signature;

pub use error::UpdateError;
