//! Updates from the shared folder. The updater plugin only fetches over HTTP(S), so this reads the
//! same `latest.json` and package from a folder and checks the same signature with the same key.
//! A package leaves [`read_package`] only verified; the app then hands it to the plugin's
//! installer, which verifies it once more.
//!
//! A share is slow and may be half-way through a copy: a package shorter or longer than the size
//! latest.json records is "incomplete", not "changed", so the person knows to wait and retry.

use crate::ipc::UpdateProgress;
use crate::manifest::{package_file_name, Manifest, PlatformEntry, MANIFEST_FILE};
use crate::signature::{parse_version, OfficeKey};
use crate::UpdateError;
use std::io::Read;
use std::path::{Path, PathBuf};

/// A newer release found in the folder, not yet verified.
#[derive(Debug, Clone, PartialEq)]
pub struct FolderRelease {
    pub manifest: Manifest,
    pub target: String,
    pub entry: PlatformEntry,
    pub package: PathBuf,
}

#[derive(Debug, Clone, PartialEq)]
pub enum FolderCheck {
    /// The folder's release is not newer than `current`.
    UpToDate {
        offered: String,
    },
    Available(FolderRelease),
}

/// Reads the folder's `latest.json` and decides whether it offers a newer version for one of
/// `targets` (see [`crate::manifest::targets_for_this_pc`]).
pub fn check_folder(
    folder: &Path,
    current_version: &str,
    targets: &[String],
) -> Result<FolderCheck, UpdateError> {
    if !folder.is_dir() {
        return Err(UpdateError::FolderUnreachable(folder.display().to_string()));
    }
    let manifest_path = folder.join(MANIFEST_FILE);
    let bytes = match std::fs::read(&manifest_path) {
        Ok(bytes) => bytes,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(UpdateError::ManifestMissing(folder.display().to_string()))
        }
        Err(e) => return Err(crate::error::unreadable(&manifest_path, &e)),
    };
    let manifest = Manifest::parse(&bytes)?;
    let offered = parse_version(&manifest.version)?;
    let current = parse_version(current_version)?;
    if offered <= current {
        return Ok(FolderCheck::UpToDate {
            offered: manifest.version,
        });
    }
    let (target, entry) = manifest.entry_for(targets)?;
    let package = folder.join(package_file_name(&entry.url)?);
    Ok(FolderCheck::Available(FolderRelease {
        target: target.to_string(),
        entry: entry.clone(),
        package,
        manifest: manifest.clone(),
    }))
}

/// Reads the release's package and verifies it against the office key; `progress` hears how far
/// the read is (a package on a slow share takes a while).
pub fn read_package(
    release: &FolderRelease,
    key: &OfficeKey,
    progress: &mut dyn FnMut(UpdateProgress),
) -> Result<Vec<u8>, UpdateError> {
    let path = &release.package;
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(UpdateError::PackageMissing(path.display().to_string()))
        }
        Err(e) => return Err(crate::error::unreadable(path, &e)),
    };
    let total = release.entry.size;
    let mut bytes = Vec::new();
    let mut chunk = vec![0u8; 256 * 1024];
    loop {
        let n = file
            .read(&mut chunk)
            .map_err(|e| crate::error::unreadable(path, &e))?;
        if n == 0 {
            break;
        }
        bytes.extend_from_slice(&chunk[..n]);
        progress(UpdateProgress::Downloading {
            done: bytes.len() as u64,
            total,
        });
    }
    if let Some(expected) = total {
        if bytes.len() as u64 != expected {
            return Err(UpdateError::PackageIncomplete {
                path: path.display().to_string(),
                expected,
                found: bytes.len() as u64,
            });
        }
    }
    key.verify(&bytes, &release.entry.signature, &release.manifest.version)?;
    progress(UpdateProgress::Verified);
    Ok(bytes)
}

/// The release as the updater plugin's `restore_update` takes it: one platform, whose address
/// only names the package (the plugin installs the bytes it is given and fetches nothing).
pub fn plugin_manifest(release: &FolderRelease) -> serde_json::Value {
    let name = package_file_name(&release.entry.url).unwrap_or("package");
    let mut platforms = serde_json::Map::new();
    platforms.insert(
        release.target.clone(),
        serde_json::json!({
            "url": format!("file:///{name}"),
            "signature": release.entry.signature,
        }),
    );
    let mut manifest = serde_json::json!({
        "version": release.manifest.version,
        "platforms": platforms,
    });
    if let Some(notes) = &release.manifest.notes {
        manifest["notes"] = serde_json::json!(notes);
    }
    if let Some(date) = &release.manifest.pub_date {
        manifest["pub_date"] = serde_json::json!(date);
    }
    manifest
}
