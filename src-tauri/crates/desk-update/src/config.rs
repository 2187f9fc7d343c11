//! The office's update settings: `update.json`, read when the app starts, so that one build serves
//! every office. Release builds carry no address and no key (office-neutral); an office's IT person
//! puts the file in the data folder, beside the program, or (Linux) in `/etc/disclosure-desk/`.
//!
//! ```json
//! { "endpoints": ["https://intranet.example/desk/latest.json"],
//!   "folder": "\\\\fileserver\\share\\disclosure-desk\\releases",
//!   "pubkey": "dW50cnVzdGVk…", "check_at_start": true }
//! ```

use crate::ipc::UpdateSettings;
use crate::signature::OfficeKey;
use crate::UpdateError;
use desk_core::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use std::path::{Path, PathBuf};

pub const CONFIG_FILE: &str = "update.json";

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct UpdateConfig {
    /// Addresses of `latest.json` on the intranet, tried in order.
    pub endpoints: Vec<String>,
    /// A folder on the share holding `latest.json` and the packages.
    pub folder: Option<String>,
    /// The office's public key (the text of the `.pub` file).
    pub pubkey: String,
    /// Look for an update when the app starts.
    pub check_at_start: bool,
}

impl Default for UpdateConfig {
    fn default() -> Self {
        UpdateConfig {
            endpoints: Vec::new(),
            folder: None,
            pubkey: String::new(),
            check_at_start: true,
        }
    }
}

/// The settings in use and the file they came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LoadedConfig {
    pub config: UpdateConfig,
    pub path: Option<PathBuf>,
    pub searched: Vec<PathBuf>,
}

/// Where `update.json` is looked for, first found wins: the data folder (per user or portable),
/// beside the program (set by IT for every user of the PC), and `/etc/disclosure-desk` on Linux.
pub fn candidates(data_dir: &Path, exe_dir: Option<&Path>) -> Vec<PathBuf> {
    let mut paths = vec![data_dir.join(CONFIG_FILE)];
    if let Some(dir) = exe_dir {
        paths.push(dir.join(CONFIG_FILE));
    }
    if cfg!(target_os = "linux") {
        paths.push(Path::new("/etc/disclosure-desk").join(CONFIG_FILE));
    }
    paths
}

fn problem(field: &str, code: &str, message: String) -> FieldProblem {
    FieldProblem {
        field: field.into(),
        code: code.into(),
        message,
    }
}

impl UpdateConfig {
    /// Parses `update.json` and lists what is wrong with it, field by field.
    pub fn parse(text: &str, path: &Path) -> Result<UpdateConfig, UpdateError> {
        let invalid = |problems| UpdateError::ConfigInvalid {
            path: path.display().to_string(),
            problems,
        };
        let config: UpdateConfig = serde_json::from_str(text.trim_start_matches('\u{feff}'))
            .map_err(|e| invalid(vec![problem("", "not_json", e.to_string())]))?;
        let mut problems = Vec::new();
        for endpoint in &config.endpoints {
            let scheme_ok = endpoint.starts_with("https://") || endpoint.starts_with("http://");
            if !scheme_ok || endpoint.chars().any(char::is_whitespace) {
                problems.push(problem(
                    "endpoints",
                    "not_http",
                    format!("{endpoint}: an address starts with https:// or http://"),
                ));
            }
        }
        if config
            .folder
            .as_deref()
            .is_some_and(|f| f.trim().is_empty())
        {
            problems.push(problem("folder", "empty", "the folder is empty".into()));
        }
        if !config.pubkey.trim().is_empty() {
            if let Err(e) = OfficeKey::parse(&config.pubkey) {
                problems.push(problem("pubkey", "key_invalid", e.to_string()));
            }
        }
        if problems.is_empty() {
            Ok(config)
        } else {
            Err(invalid(problems))
        }
    }

    /// Reads the first `update.json` among `candidates`; none at all means the neutral defaults.
    pub fn load(candidates: &[PathBuf]) -> Result<LoadedConfig, UpdateError> {
        for path in candidates {
            match std::fs::read_to_string(path) {
                Ok(text) => {
                    return Ok(LoadedConfig {
                        config: UpdateConfig::parse(&text, path)?,
                        path: Some(path.clone()),
                        searched: candidates.to_vec(),
                    })
                }
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                Err(e) => return Err(crate::error::unreadable(path, &e)),
            }
        }
        Ok(LoadedConfig {
            config: UpdateConfig::default(),
            path: None,
            searched: candidates.to_vec(),
        })
    }

    /// The office key, or why updates cannot be checked.
    pub fn office_key(&self) -> Result<OfficeKey, UpdateError> {
        if self.pubkey.trim().is_empty() {
            return Err(UpdateError::NotConfigured(
                "no public key is set in update.json".into(),
            ));
        }
        OfficeKey::parse(&self.pubkey)
    }

    pub fn has_source(&self) -> bool {
        !self.endpoints.is_empty() || self.folder.is_some()
    }
}

impl LoadedConfig {
    pub fn settings(&self) -> UpdateSettings {
        let key_id = self.config.office_key().ok().map(|k| k.id());
        UpdateSettings {
            config_path: self.path.as_ref().map(|p| p.display().to_string()),
            searched: self
                .searched
                .iter()
                .map(|p| p.display().to_string())
                .collect(),
            endpoints: self.config.endpoints.clone(),
            folder: self.config.folder.clone(),
            check_at_start: self.config.check_at_start,
            configured: key_id.is_some() && self.config.has_source(),
            key_id,
        }
    }
}
