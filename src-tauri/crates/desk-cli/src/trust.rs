//! `desk office`, `desk key`, `desk roster`: signing set up on a catalog. Passwords come only
//! from an environment variable named on the command line, never as an argument (arguments show
//! in process lists and shell histories).

use crate::people::find_person;
use crate::{fail, open, print_json, Cli, Failure, Outcome};
use clap::Subcommand;
use desk_core::model::Role;
use desk_trust::sealed::DEFAULT_ITERATIONS;
use desk_trust::Fingerprint;

#[derive(Subcommand)]
pub(crate) enum OfficeCommand {
    /// Set up signing for this catalog (once, on the coordinator's PC): makes the office key,
    /// sealed under the password in the variable VAR, and the first roster; prints the
    /// fingerprint every PC compares and pins.
    Init {
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// The office key's fingerprint this PC trusts.
    Fingerprint,
    /// Trust the office key with this fingerprint (compare it with the coordinator's first).
    Pin { fingerprint: String },
    /// Write a backup copy of the office key (on the coordinator's PC) to a new file, sealed under
    /// the backup password in BACKUP_VAR alone: keep it offline; it lets another PC take over.
    ExportKey {
        #[arg(long, value_name = "FILE")]
        out: std::path::PathBuf,
        /// The office key's password on this PC.
        #[arg(long, value_name = "VAR")]
        password_env: String,
        #[arg(long, value_name = "BACKUP_VAR")]
        backup_password_env: String,
    },
    /// Hand the office over to a new office key (on the coordinator's PC): the old key, opened
    /// with the password in VAR, endorses the new one, sealed under the password in NEW_VAR;
    /// every roster version is signed again under it, and every PC that trusts the old key
    /// follows at its next sync. Prints the new fingerprint to read out.
    Rotate {
        #[arg(long, value_name = "VAR")]
        password_env: String,
        #[arg(long, value_name = "NEW_VAR")]
        new_password_env: String,
    },
    /// Take the office key over from a backup copy onto this PC (a new coordinator PC, after the
    /// office's fingerprint is pinned here), sealed under the new password in VAR.
    ImportKey {
        file: std::path::PathBuf,
        #[arg(long, value_name = "BACKUP_VAR")]
        backup_password_env: String,
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
}

#[derive(Subcommand)]
pub(crate) enum KeyCommand {
    /// Make the current person's key on this PC, sealed under the password in VAR; its public
    /// part goes to the office by sync, for the coordinator to enrol.
    Create {
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// This PC's device id and the fingerprint of its device key (made once the PC pinned the
    /// office key), for the coordinator to compare before enrolling the PC.
    Device,
}

#[derive(Subcommand)]
pub(crate) enum RosterCommand {
    /// The roster signed by the office key this PC trusts.
    Show,
    /// Enrol a person with the key they made, with roles (on the coordinator's PC; the office
    /// key's password in VAR).
    EnrolPerson {
        person: String,
        #[arg(long = "role", required = true)]
        roles: Vec<String>,
        /// The department whose items a section head signs (name or id); the registry's when
        /// not given.
        #[arg(long)]
        department: Option<String>,
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// Enrol a PC with the device key it announced on the shared folder (on the coordinator's
    /// PC; compare the fingerprint `desk roster show` lists with the one `desk key device` prints
    /// on that PC first). Its changes wait until then.
    EnrolDevice {
        device: String,
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
    /// Revoke a key, of a person or a PC, by its fingerprint: what it signed before stays valid.
    Revoke {
        fingerprint: String,
        #[arg(long, value_name = "VAR")]
        password_env: String,
    },
}

/// The password from the environment variable `var`.
fn password(var: &str) -> Result<String, Failure> {
    match std::env::var(var) {
        Ok(value) if !value.is_empty() => Ok(value),
        _ => Err(fail(
            "password_missing",
            format!("the environment variable {var} holds no password: set it for this command only, e.g. read -s {var}; export {var}"),
        )),
    }
}

/// This PC's secret for sealing keys (see `desk_store::pc_secret_path`).
fn pc_secret() -> Result<Vec<u8>, Failure> {
    Ok(desk_store::pc_secret(&desk_store::pc_secret_path()?)?)
}

fn fingerprint(text: &str) -> Result<Fingerprint, Failure> {
    Fingerprint::parse(text).map_err(|e| fail(e.code(), e.to_string()))
}

pub(crate) fn office(cli: &Cli, command: &OfficeCommand) -> Outcome {
    let mut catalog = open(cli)?;
    let (said, fingerprint) = match command {
        OfficeCommand::Init { password_env } => {
            let password = password(password_env)?;
            let fingerprint = catalog.set_up_office(&password, &pc_secret()?, DEFAULT_ITERATIONS)?;
            ("signing is set up; read this fingerprint out to every PC that joins", fingerprint)
        }
        OfficeCommand::Fingerprint => match catalog.office_fingerprint()? {
            Some(fingerprint) => ("the office key this PC trusts", fingerprint),
            None => {
                return Err(fail(
                    "office_not_set_up",
                    "this PC trusts no office key yet: set up signing (desk office init) or pin the office's fingerprint (desk office pin)",
                ))
            }
        },
        OfficeCommand::Pin { fingerprint: text } => {
            let fingerprint = fingerprint(text)?;
            catalog.pin_office_key(&fingerprint)?;
            // Made now, so `desk key device` shows what the coordinator compares.
            catalog.device_key(&pc_secret()?)?;
            ("this PC now trusts the office key", fingerprint)
        }
        OfficeCommand::ExportKey {
            out,
            password_env,
            backup_password_env,
        } => {
            let fingerprint = catalog.export_office_key(
                &password(password_env)?,
                &pc_secret()?,
                &password(backup_password_env)?,
                out,
                DEFAULT_ITERATIONS,
            )?;
            (
                "a backup of the office key is written; keep it offline, apart from its password",
                fingerprint,
            )
        }
        OfficeCommand::Rotate {
            password_env,
            new_password_env,
        } => {
            let fingerprint = catalog.rotate_office_key(
                &password(password_env)?,
                &password(new_password_env)?,
                &pc_secret()?,
                DEFAULT_ITERATIONS,
            )?;
            (
                "the office key is handed over; every PC follows at its next sync. The new fingerprint, to read out and give the web team",
                fingerprint,
            )
        }
        OfficeCommand::ImportKey {
            file,
            backup_password_env,
            password_env,
        } => {
            let fingerprint = catalog.import_office_key(
                file,
                &password(backup_password_env)?,
                &password(password_env)?,
                &pc_secret()?,
                DEFAULT_ITERATIONS,
            )?;
            ("the office key is on this PC now", fingerprint)
        }
    };
    if cli.json {
        return print_json(&serde_json::json!({ "fingerprint": fingerprint.to_string() }));
    }
    outln!("{said}: {fingerprint}");
    Ok(())
}

pub(crate) fn key(cli: &Cli, command: &KeyCommand) -> Outcome {
    let mut catalog = open(cli)?;
    let password_env = match command {
        KeyCommand::Create { password_env } => password_env,
        KeyCommand::Device => {
            let key = catalog.device_key_for_sync(&pc_secret()?)?.ok_or_else(|| {
                fail(
                    "office_not_set_up",
                    "this PC trusts no office key yet: pin the office's fingerprint first (desk office pin); the device key is made then",
                )
            })?;
            let fingerprint = key.public_key().fingerprint();
            if cli.json {
                return print_json(&serde_json::json!({
                    "device_id": catalog.device_id(),
                    "fingerprint": fingerprint.to_string(),
                }));
            }
            outln!(
                "this PC is {}; its device key, to compare when the coordinator enrols it: {fingerprint}",
                catalog.device_id()
            );
            return Ok(());
        }
    };
    let password = password(password_env)?;
    let fingerprint = catalog.create_personal_key(&password, &pc_secret()?, DEFAULT_ITERATIONS)?;
    if cli.json {
        return print_json(&serde_json::json!({ "fingerprint": fingerprint.to_string() }));
    }
    outln!("your key is made; the coordinator enrols it once it arrived by sync. Its fingerprint, to compare: {fingerprint}");
    Ok(())
}

pub(crate) fn roster(cli: &Cli, command: &RosterCommand) -> Outcome {
    let mut catalog = open(cli)?;
    let roster = match command {
        RosterCommand::Show => catalog.roster()?.ok_or_else(|| {
            fail(
                "roster_missing",
                "no roster signed by the office key this PC trusts is here: pin the office's fingerprint (desk office pin) and sync",
            )
        })?,
        RosterCommand::EnrolPerson {
            person,
            roles,
            department,
            password_env,
        } => {
            let person = find_person(&catalog, person)?;
            let parsed = crate::people::parse_roles(roles)?;
            let department = crate::people::department_id(&catalog, department.as_deref())?;
            let password = password(password_env)?;
            catalog.enrol_person_in(
                &person.id,
                department.as_deref(),
                &parsed,
                &password,
                &pc_secret()?,
            )?
        }
        RosterCommand::EnrolDevice {
            device,
            password_env,
        } => {
            let password = password(password_env)?;
            catalog.enrol_device(device, &password, &pc_secret()?)?
        }
        RosterCommand::Revoke {
            fingerprint: text,
            password_env,
        } => {
            let fingerprint = fingerprint(text)?;
            let password = password(password_env)?;
            catalog.revoke_key(&fingerprint, &password, &pc_secret()?)?
        }
    };
    let waiting = catalog.device_key_requests()?;
    if cli.json {
        let mut value = serde_json::to_value(&roster).unwrap_or_default();
        if let Some(fields) = value.as_object_mut() {
            let waiting: Vec<serde_json::Value> = waiting
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "device_id": r.device_id,
                        "fingerprint": r.public_key.fingerprint().to_string(),
                        "person": r.person,
                        "first_seen": r.first_seen,
                    })
                })
                .collect();
            fields.insert("devices_waiting".into(), waiting.into());
        }
        return print_json(&value);
    }
    outln!(
        "roster version {} of {}, signed by the office key {}",
        roster.version,
        roster.issued_at,
        roster.office_key.fingerprint()
    );
    for person in &roster.people {
        let roles: Vec<&str> = person.roles.iter().map(|r| role_name(*r)).collect();
        outln!("{}  {}", person.name, roles.join(", "));
        for key in &person.keys {
            let state = match &key.revoked_at {
                Some(at) => format!("revoked {at}"),
                None => format!("enrolled {}", key.enrolled_at),
            };
            outln!("    key {}  {state}", key.public_key.fingerprint());
        }
    }
    for device in &roster.devices {
        outln!("PC {}", device.device_id);
        for key in &device.keys {
            let state = match &key.revoked_at {
                Some(at) => format!("revoked {at}"),
                None => format!("enrolled {}", key.enrolled_at),
            };
            outln!("    device key {}  {state}", key.public_key.fingerprint());
        }
    }
    for request in &waiting {
        outln!(
            "PC {} ({}) waits to be enrolled: device key {} (desk roster enrol-device {})",
            request.device_id,
            request.person.as_deref().unwrap_or("nobody named"),
            request.public_key.fingerprint(),
            request.device_id
        );
    }
    Ok(())
}

fn role_name(role: Role) -> &'static str {
    match role {
        Role::Clerk => "clerk",
        Role::SectionHead => "section_head",
        Role::Coordinator => "coordinator",
        Role::WebTeam => "web_team",
    }
}

/// `desk item sign-off ID --password-env VAR`: a signed sign-off.
pub(crate) fn sign_off(cli: &Cli, id: &str, var: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let password = password(var)?;
    let item = catalog.sign_off_signed(id, &password, &pc_secret()?)?;
    let newest = catalog.signoffs(id)?.into_iter().next();
    let verdict = match &newest {
        Some(signoff) => Some(catalog.signature_verdict(signoff)?),
        None => None,
    };
    if cli.json {
        return print_json(
            &serde_json::json!({ "item": item, "signoff": newest, "signature": verdict }),
        );
    }
    outln!("{}: signed off with your key", item.title);
    if let Some(verdict) = &verdict {
        outln!("{}", verdict_text(verdict));
    }
    Ok(())
}

/// `desk item sign-again ID --password-env VAR`: a signed record for an item signed off before
/// signing was set up.
pub(crate) fn sign_again(cli: &Cli, id: &str, var: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let password = password(var)?;
    let signoff = catalog.sign_again(id, &password, &pc_secret()?)?;
    let verdict = catalog.signature_verdict(&signoff)?;
    if cli.json {
        return print_json(&serde_json::json!({ "signoff": signoff, "signature": verdict }));
    }
    outln!("signed again with your key");
    outln!("{}", verdict_text(&verdict));
    Ok(())
}

/// A signature verdict as a line of text.
pub(crate) fn accept_signoff(cli: &Cli, id: &str, var: &str) -> Outcome {
    let mut catalog = open(cli)?;
    let password = password(var)?;
    let signoff = catalog.accept_signoff(id, &password, &pc_secret()?)?;
    let verdict = catalog.signature_verdict(&signoff)?;
    if cli.json {
        return print_json(&serde_json::json!({ "signoff": signoff, "signature": verdict }));
    }
    outln!("accepted by the office, signed with the office key");
    outln!("{}", verdict_text(&verdict));
    Ok(())
}

pub(crate) fn verdict_text(verdict: &desk_core::signoff::SignatureVerdict) -> String {
    use desk_core::signoff::SignatureVerdict::*;
    match verdict {
        NotSetUp => "signature not checked: this PC trusts no office key yet".into(),
        Unsigned => "unsigned (before signing was set up)".into(),
        Valid {
            fingerprint,
            roster_version,
            by_office: false,
        } => format!("签名有效: key {fingerprint}, roster version {roster_version}"),
        Valid {
            fingerprint,
            roster_version,
            by_office: true,
        } => format!("签名有效 (accepted by the office): office key {fingerprint}, roster version {roster_version}"),
        Invalid { code, message } => format!("NOT a sign-off ({code}): {message}"),
    }
}
