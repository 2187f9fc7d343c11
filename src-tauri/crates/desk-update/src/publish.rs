//! Publishing a release into a folder (one served by nginx/IIS, or the shared folder): the package,
//! its `.sig`, and `latest.json`, which is written last and renamed into place, so a PC reading the
//! folder sees either the old release or the whole new one. A package that the office's public
//! key would refuse is never published: the signature is checked with it before anything is
//! written.

use crate::manifest::{Manifest, PlatformEntry, MANIFEST_FILE};
use crate::signature::{parse_version, OfficeKey, SigningKey};
use crate::UpdateError;
use serde::Serialize;
use std::path::{Path, PathBuf};

pub struct PublishRequest<'a> {
    pub package: &'a Path,
    pub version: &'a str,
    pub notes: &'a str,
    /// RFC 3339.
    pub pub_date: &'a str,
    /// Updater targets (`linux-x86_64-deb` …); empty means "from the package's name".
    pub targets: &'a [String],
    pub signing_key: &'a SigningKey,
    pub office_key: &'a OfficeKey,
    pub to: &'a Path,
    /// The address the folder is served at (`https://intranet/desk/`); without it latest.json
    /// names the package by file name only, which serves the shared folder.
    pub base_url: Option<&'a str>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublishReport {
    pub version: String,
    pub manifest: String,
    pub package: String,
    pub size: u64,
    pub targets: Vec<String>,
    pub key_id: String,
}

/// The updater targets a package serves, from the names `tauri build` gives its bundles.
pub fn targets_from_name(file_name: &str) -> Vec<String> {
    let lower = file_name.to_ascii_lowercase();
    let arch = if lower.contains("amd64") || lower.contains("x64") || lower.contains("x86_64") {
        "x86_64"
    } else if lower.contains("arm64") || lower.contains("aarch64") {
        "aarch64"
    } else {
        return Vec::new();
    };
    if lower.ends_with(".deb") {
        vec![format!("linux-{arch}-deb"), format!("linux-{arch}")]
    } else if lower.ends_with(".rpm") {
        vec![format!("linux-{arch}-rpm")]
    } else if lower.ends_with(".msi") {
        vec![format!("windows-{arch}-msi"), format!("windows-{arch}")]
    } else if lower.ends_with("-setup.exe") {
        vec![format!("windows-{arch}-nsis")]
    } else {
        Vec::new()
    }
}

/// Writes `path` whole through a `.part` beside it. A PC reading the old `latest.json` from the
/// share holds it for a moment: the rename waits for it (see `desk_core::windows::files`).
fn write_replacing(path: &Path, bytes: &[u8]) -> Result<(), UpdateError> {
    let mut part = path.as_os_str().to_owned();
    part.push(".part");
    let part = PathBuf::from(part);
    std::fs::write(&part, bytes).map_err(|e| crate::error::unwritable(&part, &e))?;
    let placed = match desk_core::windows::files::rename_into_place(&part, path) {
        Ok(renamed) => renamed.map_err(|e| crate::error::unwritable(path, &e)),
        Err(held) => Err(held.into()),
    };
    if placed.is_err() {
        let _ = std::fs::remove_file(&part);
    }
    placed
}

pub fn publish(req: &PublishRequest) -> Result<PublishReport, UpdateError> {
    parse_version(req.version)?;
    chrono::DateTime::parse_from_rfc3339(req.pub_date).map_err(|_| {
        UpdateError::InvalidArgument(format!("{}: not an RFC 3339 date", req.pub_date))
    })?;
    let file_name = req
        .package
        .file_name()
        .and_then(|n| n.to_str())
        .ok_or_else(|| UpdateError::InvalidArgument("the package has no file name".into()))?
        .to_string();
    // The folder is read by Windows PCs: a name they cannot open is refused before anything is
    // written.
    desk_core::windows::files::check_name(Path::new(&file_name))?;
    let targets = if req.targets.is_empty() {
        targets_from_name(&file_name)
    } else {
        req.targets.to_vec()
    };
    if targets.is_empty() {
        return Err(UpdateError::InvalidArgument(format!(
            "{file_name}: cannot tell which PCs it is for; give --target (e.g. linux-x86_64-deb)"
        )));
    }
    let bytes =
        std::fs::read(req.package).map_err(|e| crate::error::unreadable(req.package, &e))?;
    let signature = req.signing_key.sign(&bytes, &file_name, req.version)?;
    req.office_key.verify(&bytes, &signature, req.version)?;

    std::fs::create_dir_all(req.to).map_err(|e| crate::error::unwritable(req.to, &e))?;
    let manifest_path = req.to.join(MANIFEST_FILE);
    // Another package of the same version (the Windows installer beside the .deb) stays listed.
    let mut manifest = match std::fs::read(&manifest_path) {
        Ok(old) => Manifest::parse(&old)
            .ok()
            .filter(|m| m.version == req.version)
            .map(|mut m| {
                m.notes = Some(req.notes.to_string());
                m.pub_date = Some(req.pub_date.to_string());
                m
            }),
        Err(_) => None,
    }
    .unwrap_or_else(|| Manifest {
        version: req.version.to_string(),
        notes: Some(req.notes.to_string()),
        pub_date: Some(req.pub_date.to_string()),
        platforms: Default::default(),
    });
    let url = match req.base_url {
        Some(base) => format!("{}/{file_name}", base.trim_end_matches('/')),
        None => file_name.clone(),
    };
    for target in &targets {
        manifest.platforms.insert(
            target.clone(),
            PlatformEntry {
                url: url.clone(),
                signature: signature.clone(),
                size: Some(bytes.len() as u64),
            },
        );
    }
    let package_path = req.to.join(&file_name);
    write_replacing(&package_path, &bytes)?;
    write_replacing(
        &req.to.join(format!("{file_name}.sig")),
        signature.as_bytes(),
    )?;
    let text = serde_json::to_string_pretty(&manifest)
        .map_err(|e| UpdateError::InvalidArgument(e.to_string()))?;
    write_replacing(&manifest_path, text.as_bytes())?;
    log::info!(
        "published {} {} into {}",
        file_name,
        req.version,
        req.to.display()
    );
    Ok(PublishReport {
        version: req.version.to_string(),
        manifest: manifest_path.display().to_string(),
        package: package_path.display().to_string(),
        size: bytes.len() as u64,
        targets,
        key_id: req.office_key.id(),
    })
}
