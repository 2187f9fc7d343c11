//! `latest.json`, the release description the Tauri updater reads from a server, and which the
//! shared-folder path reads from the folder: `{version, notes, pub_date, platforms: {target:
//! {url, signature, size}}}`. `size` is ours (the plugin ignores it): it lets a PC tell a
//! half-copied package from a changed one.

use crate::signature::parse_version;
use crate::UpdateError;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

pub const MANIFEST_FILE: &str = "latest.json";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    pub version: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub pub_date: Option<String>,
    pub platforms: BTreeMap<String, PlatformEntry>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlatformEntry {
    pub url: String,
    pub signature: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub size: Option<u64>,
}

impl Manifest {
    /// Parses and checks a manifest: a version number, a date in RFC 3339 when there is one, and
    /// at least one platform with an address and a signature.
    pub fn parse(bytes: &[u8]) -> Result<Manifest, UpdateError> {
        let manifest: Manifest = serde_json::from_slice(bytes)
            .map_err(|e| UpdateError::ManifestInvalid(e.to_string()))?;
        parse_version(&manifest.version)
            .map_err(|_| UpdateError::ManifestInvalid(format!("version {:?}", manifest.version)))?;
        if let Some(date) = &manifest.pub_date {
            chrono::DateTime::parse_from_rfc3339(date)
                .map_err(|_| UpdateError::ManifestInvalid(format!("pub_date {date:?}")))?;
        }
        if manifest.platforms.is_empty() {
            return Err(UpdateError::ManifestInvalid("no platforms".into()));
        }
        for (target, entry) in &manifest.platforms {
            if entry.url.trim().is_empty() || entry.signature.trim().is_empty() {
                return Err(UpdateError::ManifestInvalid(format!(
                    "{target}: url and signature are both needed"
                )));
            }
        }
        Ok(manifest)
    }

    /// The first of `targets` the release has a package for.
    pub fn entry_for(&self, targets: &[String]) -> Result<(&str, &PlatformEntry), UpdateError> {
        targets
            .iter()
            .find_map(|t| self.platforms.get_key_value(t.as_str()))
            .map(|(t, e)| (t.as_str(), e))
            .ok_or_else(|| UpdateError::NoPackageForPlatform {
                version: self.version.clone(),
                targets: targets.join(", "),
            })
    }
}

/// The updater's names for this PC, most specific first, as the plugin looks them up:
/// `{os}-{arch}-{installer}` (when the app was installed from a package) then `{os}-{arch}`.
pub fn targets_for_this_pc(installer: Option<&str>) -> Vec<String> {
    let os = match std::env::consts::OS {
        "macos" => "darwin",
        other => other,
    };
    let arch = match std::env::consts::ARCH {
        "x86" => "i686",
        "arm" => "armv7",
        other => other,
    };
    let mut targets = Vec::new();
    if let Some(installer) = installer {
        targets.push(format!("{os}-{arch}-{installer}"));
    }
    targets.push(format!("{os}-{arch}"));
    targets
}

/// The package's file name inside the release folder: the last part of its address, which must
/// be a plain file name (a manifest on the share must not send the PC elsewhere on the disk).
pub fn package_file_name(url: &str) -> Result<&str, UpdateError> {
    let name = url.rsplit(['/', '\\']).next().unwrap_or(url);
    let plain = !name.is_empty()
        && name != "."
        && name != ".."
        && !name.contains(':')
        && !name.chars().any(char::is_control);
    if plain {
        Ok(name)
    } else {
        Err(UpdateError::ManifestInvalid(format!(
            "{url:?} does not name a package file"
        )))
    }
}
