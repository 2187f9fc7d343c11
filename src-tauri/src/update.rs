//! Self-update: the office's sources (`update.json`, read at every check so that IT can change it
//! without a rebuild), a check against the intranet server through tauri-plugin-updater or against
//! the shared folder through `desk-update`, and the install, which hands only verified bytes to the
//! plugin's installer (which verifies them again). The window asks before restarting.
//!
//! A copy that was not installed from a package (a development build) finds and verifies updates
//! but refuses to install them: the plugin would otherwise overwrite the running executable.

use desk_core::error::ErrorPayload;
use desk_update::config::{candidates, LoadedConfig, UpdateConfig};
use desk_update::folder::{self, FolderCheck, FolderRelease};
use desk_update::ipc::{UpdateCheck, UpdateInfo, UpdateProgress, UpdateSettings, UpdateSource};
use desk_update::manifest::targets_for_this_pc;
use desk_update::signature::OfficeKey;
use desk_update::UpdateError;
use std::path::PathBuf;
use std::sync::Mutex;
use std::time::Duration;
use tauri::utils::config::BundleType;
use tauri::utils::platform::bundle_type;
use tauri::{AppHandle, Runtime};
use tauri_plugin_updater::{Update, UpdaterExt};

/// The address given to the plugin when only a folder is configured: its builder needs one, and
/// `restore_update` never requests it.
const UNUSED_ENDPOINT: &str = "https://update.invalid/latest.json";

enum Found {
    Server(Box<Update>),
    Folder(Box<FolderRelease>),
}

pub struct UpdateState {
    data_dir: PathBuf,
    found: Mutex<Option<Found>>,
}

fn internal(e: impl std::fmt::Display) -> ErrorPayload {
    ErrorPayload::new("internal", e.to_string())
}

/// The installer the app was packaged as, in the updater's words (`deb`, `msi` …).
fn installer() -> Option<&'static str> {
    match bundle_type()? {
        BundleType::Deb => Some("deb"),
        BundleType::Rpm => Some("rpm"),
        BundleType::AppImage => Some("appimage"),
        BundleType::Msi => Some("msi"),
        BundleType::Nsis => Some("nsis"),
        BundleType::App => Some("app"),
        _ => None,
    }
}

/// The plugin's errors in our codes. Signature failures are explained with the office key, so the
/// person reads "signed with another key" or "changed after signing" rather than a library's text.
fn from_plugin(
    e: tauri_plugin_updater::Error,
    key: &OfficeKey,
    signature: Option<&str>,
) -> UpdateError {
    use tauri_plugin_updater::Error as E;
    match e {
        E::Reqwest(e) if e.is_decode() => UpdateError::ManifestInvalid(e.to_string()),
        E::Reqwest(e) => UpdateError::ServerUnreachable(e.to_string()),
        E::Network(e) => UpdateError::DownloadFailed(e),
        E::ReleaseNotFound => {
            UpdateError::ManifestMissing("the configured server addresses".into())
        }
        E::Serialization(e) => UpdateError::ManifestInvalid(e.to_string()),
        E::Semver(e) => UpdateError::ManifestInvalid(e.to_string()),
        E::UrlParse(e) => UpdateError::ManifestInvalid(e.to_string()),
        E::TargetNotFound(t) => UpdateError::NoPackageForPlatform {
            version: String::new(),
            targets: t,
        },
        E::TargetsNotFound(t) => UpdateError::NoPackageForPlatform {
            version: String::new(),
            targets: t.join(", "),
        },
        E::Minisign(_) | E::Base64(_) | E::SignatureUtf8(_) => match signature {
            Some(s) => key.explain_refusal(s),
            None => UpdateError::PackageChanged,
        },
        E::SignedVersionMismatch { signed, announced } => {
            UpdateError::VersionMismatch { announced, signed }
        }
        E::MissingSignedVersion => UpdateError::VersionNotSigned,
        other => UpdateError::InstallFailed(other.to_string()),
    }
}

impl UpdateState {
    pub fn new(data_dir: PathBuf) -> UpdateState {
        UpdateState {
            data_dir,
            found: Mutex::new(None),
        }
    }

    fn load(&self) -> Result<LoadedConfig, UpdateError> {
        let exe_dir = std::env::current_exe()
            .ok()
            .and_then(|p| p.parent().map(PathBuf::from));
        UpdateConfig::load(&candidates(&self.data_dir, exe_dir.as_deref()))
    }

    pub fn settings(&self) -> Result<UpdateSettings, UpdateError> {
        Ok(self.load()?.settings())
    }

    fn remember(&self, found: Option<Found>) -> Result<(), ErrorPayload> {
        *self.found.lock().map_err(internal)? = found;
        Ok(())
    }

    /// Looks for a newer version: on the servers first, then (when they fail, or none is set) in
    /// the folder.
    pub async fn check<R: Runtime>(&self, app: &AppHandle<R>) -> Result<UpdateCheck, ErrorPayload> {
        let config = self.load()?.config;
        let key = config.office_key()?;
        if !config.has_source() {
            return Err(UpdateError::NotConfigured(
                "update.json names no server address and no folder".into(),
            )
            .into());
        }
        let current = app.package_info().version.to_string();
        let mut server_error = None;
        if !config.endpoints.is_empty() {
            match check_server(app, &config.endpoints, &key).await {
                Ok(Some(update)) => {
                    let info = UpdateInfo {
                        version: update.version.clone(),
                        current_version: current.clone(),
                        notes: update.body.clone().unwrap_or_default(),
                        date: update.date.map(|d| d.to_string()),
                        source: UpdateSource::Server,
                        location: update.download_url.to_string(),
                    };
                    self.remember(Some(Found::Server(Box::new(update))))?;
                    return Ok(UpdateCheck {
                        current_version: current,
                        update: Some(info),
                        offered_version: None,
                    });
                }
                Ok(None) if config.folder.is_none() => {
                    self.remember(None)?;
                    return Ok(UpdateCheck {
                        current_version: current,
                        update: None,
                        offered_version: None,
                    });
                }
                Ok(None) => {}
                Err(e) => {
                    log::warn!("update server: {e}");
                    server_error = Some(e);
                }
            }
        }
        let Some(dir) = config.folder.clone() else {
            let e = server_error.unwrap_or(UpdateError::NothingToInstall);
            return Err(e.into());
        };
        let targets = targets_for_this_pc(installer());
        let version = current.clone();
        let found = tauri::async_runtime::spawn_blocking(move || {
            folder::check_folder(std::path::Path::new(&dir), &version, &targets)
        })
        .await
        .map_err(internal)?;
        let found = match found {
            Ok(found) => found,
            Err(e) => {
                log::warn!("update folder: {e}");
                return Err(e.into());
            }
        };
        match found {
            FolderCheck::UpToDate { offered } => {
                self.remember(None)?;
                Ok(UpdateCheck {
                    current_version: current,
                    update: None,
                    offered_version: Some(offered),
                })
            }
            FolderCheck::Available(release) => {
                let info = UpdateInfo {
                    version: release.manifest.version.clone(),
                    current_version: current.clone(),
                    notes: release.manifest.notes.clone().unwrap_or_default(),
                    date: release.manifest.pub_date.clone(),
                    source: UpdateSource::Folder,
                    location: release.package.display().to_string(),
                };
                self.remember(Some(Found::Folder(Box::new(release))))?;
                Ok(UpdateCheck {
                    current_version: current,
                    update: Some(info),
                    offered_version: None,
                })
            }
        }
    }

    /// Fetches (or reads) the update found by the last check, verifies it, and installs it.
    pub async fn install<R: Runtime>(
        &self,
        app: &AppHandle<R>,
        progress: impl Fn(UpdateProgress) + Send + Sync + 'static,
    ) -> Result<(), ErrorPayload> {
        let found = self
            .found
            .lock()
            .map_err(internal)?
            .take()
            .ok_or(UpdateError::NothingToInstall)?;
        let config = self.load()?.config;
        let key = config.office_key()?;
        let progress = std::sync::Arc::new(progress);
        let (update, bytes) = match found {
            Found::Server(update) => {
                let mut done = 0u64;
                let report = progress.clone();
                let bytes = update
                    .download(
                        move |chunk, total| {
                            done += chunk as u64;
                            report(UpdateProgress::Downloading { done, total });
                        },
                        || {},
                    )
                    .await
                    .map_err(|e| from_plugin(e, &key, Some(&update.signature)))?;
                progress(UpdateProgress::Verified);
                (*update, bytes)
            }
            Found::Folder(release) => {
                let report = progress.clone();
                let release_for_read = (*release).clone();
                let key_text = key.to_config_text()?;
                let bytes = tauri::async_runtime::spawn_blocking(move || {
                    let key = OfficeKey::parse(&key_text)?;
                    folder::read_package(&release_for_read, &key, &mut |p| report(p))
                })
                .await
                .map_err(internal)??;
                let updater = app
                    .updater_builder()
                    .pubkey(key.to_config_text()?)
                    .endpoints(vec![tauri::Url::parse(UNUSED_ENDPOINT).map_err(internal)?])
                    .and_then(|b| b.build())
                    .map_err(|e| from_plugin(e, &key, None))?;
                let update = updater
                    .restore_update(folder::plugin_manifest(&release))
                    .map_err(|e| from_plugin(e, &key, Some(&release.entry.signature)))?
                    .ok_or(UpdateError::NotNewer {
                        offered: release.manifest.version.clone(),
                        current: app.package_info().version.to_string(),
                    })?;
                (update, bytes)
            }
        };
        if installer().is_none() {
            return Err(UpdateError::NotInstalled.into());
        }
        progress(UpdateProgress::Installing);
        let version = update.version.clone();
        let signature = update.signature.clone();
        tauri::async_runtime::spawn_blocking(move || update.install(bytes))
            .await
            .map_err(internal)?
            .map_err(|e| from_plugin(e, &key, Some(&signature)))?;
        log::info!("update {version} installed");
        progress(UpdateProgress::Installed { version });
        Ok(())
    }
}

async fn check_server<R: Runtime>(
    app: &AppHandle<R>,
    endpoints: &[String],
    key: &OfficeKey,
) -> Result<Option<Update>, UpdateError> {
    let urls = endpoints
        .iter()
        .map(|e| tauri::Url::parse(e))
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| UpdateError::NotConfigured(format!("a server address cannot be read: {e}")))?;
    let updater = app
        .updater_builder()
        .pubkey(key.to_config_text()?)
        .timeout(Duration::from_secs(30))
        .endpoints(urls)
        .and_then(|b| b.build())
        .map_err(|e| from_plugin(e, key, None))?;
    updater.check().await.map_err(|e| from_plugin(e, key, None))
}
