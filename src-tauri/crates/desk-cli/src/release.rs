//! `desk release`: how an office makes its signing key, publishes a version into a folder (served
//! by nginx/IIS or on the share) and checks what a PC would make of that folder. The work is in
//! `desk-update`, which the app uses to read the same folder.

use crate::{fail, print_json, Cli, Failure, Outcome};
use clap::Subcommand;
use desk_update::folder::{check_folder, read_package, FolderCheck};
use desk_update::manifest::targets_for_this_pc;

/// How the app is installed on a PC like this one: the Windows installer, or the .deb.
const INSTALLER: &str = if cfg!(windows) { "nsis" } else { "deb" };
use desk_update::publish::{publish, PublishRequest};
use desk_update::signature::{generate_key_pair, OfficeKey, SigningKey};
use desk_update::UpdateError;
use std::path::{Path, PathBuf};

impl From<UpdateError> for Failure {
    fn from(e: UpdateError) -> Self {
        Failure(e.payload())
    }
}

#[derive(Subcommand)]
pub(crate) enum ReleaseCommand {
    /// Make the office's key pair: KEY (secret, keep it off the PCs) and KEY.pub (for update.json).
    Keygen {
        /// Where to write the secret key; the public key goes beside it as KEY.pub.
        #[arg(long, value_name = "KEY")]
        out: PathBuf,
        /// The name of an environment variable holding the key's password.
        #[arg(long, value_name = "VAR", conflicts_with = "no_password")]
        password_env: Option<String>,
        /// Leave the key unencrypted (then the file itself must be kept safe).
        #[arg(long)]
        no_password: bool,
    },
    /// Sign a package and publish it, with latest.json, into a folder.
    Publish {
        /// The package `tauri build` made (…_amd64.deb, …-setup.exe, ….msi).
        package: PathBuf,
        /// The version inside the package (as in tauri.conf.json / Cargo.toml).
        #[arg(long)]
        version: String,
        /// The secret key file.
        #[arg(long, value_name = "KEY")]
        key: PathBuf,
        /// The name of an environment variable holding the key's password.
        #[arg(long, value_name = "VAR")]
        password_env: Option<String>,
        /// The office's public key: the KEY.pub file (or its text). The package is checked with it.
        #[arg(long, value_name = "PUB")]
        pubkey: String,
        /// The folder to publish into.
        #[arg(long, value_name = "FOLDER")]
        to: PathBuf,
        /// The address the folder is served at, for an intranet server (https://host/desk/).
        #[arg(long, value_name = "URL")]
        base_url: Option<String>,
        /// What changed, shown to the person before installing.
        #[arg(long, default_value = "")]
        notes: String,
        /// Read the notes from a UTF-8 file instead.
        #[arg(long, value_name = "FILE", conflicts_with = "notes")]
        notes_file: Option<PathBuf>,
        /// Updater targets the package serves (default: from its file name).
        #[arg(long = "target", value_name = "TARGET")]
        targets: Vec<String>,
    },
    /// What a PC on VERSION would find in FOLDER: the release, read and verified, or why not.
    Check {
        #[arg(long, value_name = "FOLDER")]
        folder: PathBuf,
        #[arg(long, value_name = "PUB")]
        pubkey: String,
        /// The version the PC runs.
        #[arg(long, value_name = "VERSION")]
        current_version: String,
        /// The PC's updater target (default: this machine's, e.g. linux-x86_64-deb or
        /// windows-x86_64-nsis).
        #[arg(long = "target", value_name = "TARGET")]
        targets: Vec<String>,
    },
}

/// A key or notes file, as Notepad may have saved it (CRLF, a byte-order mark) read as LF.
fn read_text(path: &Path) -> Result<String, Failure> {
    std::fs::read_to_string(path)
        .map(|text| desk_core::windows::text::as_lf(&text).into_owned())
        .map_err(|e| {
            fail(
                "file_unreadable",
                format!("cannot read {}: {e}", path.display()),
            )
        })
}

/// A public key given as a file or as its text.
fn office_key(text_or_file: &str) -> Result<OfficeKey, Failure> {
    let path = Path::new(text_or_file);
    let text = if path.is_file() {
        read_text(path)?
    } else {
        text_or_file.to_string()
    };
    Ok(OfficeKey::parse(&text)?)
}

fn password(var: Option<&str>) -> Result<Option<String>, Failure> {
    match var {
        None => Ok(None),
        Some(var) => std::env::var(var).map(Some).map_err(|_| {
            fail(
                "invalid_argument",
                format!("the environment variable {var} holding the password is not set"),
            )
        }),
    }
}

fn write_new(path: &Path, text: &str) -> Outcome {
    use std::io::Write;
    desk_core::windows::files::check_name(path).map_err(|e| fail(e.code(), e.to_string()))?;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                fail(
                    "file_exists",
                    format!("{} exists: it is not replaced", path.display()),
                )
            } else {
                fail(
                    "file_write",
                    format!("cannot write {}: {e}", path.display()),
                )
            }
        })?;
    file.write_all(text.as_bytes()).map_err(|e| {
        fail(
            "file_write",
            format!("cannot write {}: {e}", path.display()),
        )
    })
}

pub(crate) fn run(cli: &Cli, command: &ReleaseCommand) -> Outcome {
    match command {
        ReleaseCommand::Keygen {
            out,
            password_env,
            no_password,
        } => {
            let password = password(password_env.as_deref())?;
            if password.is_none() && !no_password {
                return Err(fail(
                    "invalid_argument",
                    "give --password-env VAR (the password in that variable) or --no-password",
                ));
            }
            let (secret, public) = generate_key_pair(password.as_deref())?;
            let mut pub_path = out.as_os_str().to_owned();
            pub_path.push(".pub");
            let pub_path = PathBuf::from(pub_path);
            if pub_path.exists() {
                return Err(fail(
                    "file_exists",
                    format!("{} exists: it is not replaced", pub_path.display()),
                ));
            }
            write_new(out, &secret)?;
            write_new(&pub_path, &public)?;
            let key_id = OfficeKey::parse(&public)?.id();
            if cli.json {
                return print_json(&serde_json::json!({
                    "secret_key": out.display().to_string(),
                    "public_key": pub_path.display().to_string(),
                    "pubkey": public,
                    "key_id": key_id,
                }));
            }
            outln!("secret key: {} (keep it off the office PCs)", out.display());
            outln!("public key: {} (id {key_id})", pub_path.display());
            outln!("for update.json: \"pubkey\": \"{public}\"");
            Ok(())
        }
        ReleaseCommand::Publish {
            package,
            version,
            key,
            password_env,
            pubkey,
            to,
            base_url,
            notes,
            notes_file,
            targets,
        } => {
            let password = password(password_env.as_deref())?;
            let signing_key = SigningKey::parse(&read_text(key)?, password.as_deref())?;
            let office_key = office_key(pubkey)?;
            let notes = match notes_file {
                Some(file) => read_text(file)?,
                None => notes.clone(),
            };
            let now = chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true);
            let report = publish(&PublishRequest {
                package,
                version,
                notes: notes.trim(),
                pub_date: &now,
                targets,
                signing_key: &signing_key,
                office_key: &office_key,
                to,
                base_url: base_url.as_deref(),
            })?;
            if cli.json {
                return print_json(&report);
            }
            outln!("published {} into {}", report.version, to.display());
            outln!("package:  {} ({} bytes)", report.package, report.size);
            outln!("manifest: {}", report.manifest);
            outln!("for:      {}", report.targets.join(", "));
            Ok(())
        }
        ReleaseCommand::Check {
            folder,
            pubkey,
            current_version,
            targets,
        } => {
            let key = office_key(pubkey)?;
            let targets = if targets.is_empty() {
                targets_for_this_pc(Some(INSTALLER))
            } else {
                targets.clone()
            };
            match check_folder(folder, current_version, &targets)? {
                FolderCheck::UpToDate { offered } => {
                    if cli.json {
                        return print_json(&serde_json::json!({
                            "update": null, "offered_version": offered,
                        }));
                    }
                    outln!(
                        "no update: the folder offers {offered}, not newer than {current_version}"
                    );
                    Ok(())
                }
                FolderCheck::Available(release) => {
                    let bytes = read_package(&release, &key, &mut |_| {})?;
                    if cli.json {
                        return print_json(&serde_json::json!({
                            "update": {
                                "version": release.manifest.version,
                                "notes": release.manifest.notes,
                                "pub_date": release.manifest.pub_date,
                                "target": release.target,
                                "package": release.package.display().to_string(),
                                "size": bytes.len(),
                            },
                            "offered_version": release.manifest.version,
                        }));
                    }
                    outln!(
                        "update {} for {}: {} ({} bytes), signature verified",
                        release.manifest.version,
                        release.target,
                        release.package.display(),
                        bytes.len()
                    );
                    Ok(())
                }
            }
        }
    }
}
