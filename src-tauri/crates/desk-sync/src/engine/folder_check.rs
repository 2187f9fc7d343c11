//! The folder's `format.json`: reading it, joining the one catalog a new PC finds (without
//! the sample), writing it again when it is damaged, and noting what is not sync's.

use super::*;

/// Reads `format.json`: refuses a newer major or another catalog, creates it for a new catalog,
/// joins the one catalog a new PC finds. Returns whether this PC must republish its segments
/// (it had published here, and the folder no longer shows it).
pub(super) fn check_folder(round: &mut Round) -> Result<bool, SyncError> {
    let synced_before = round.catalog.sync_value("folder_catalog")?.is_some();
    let format_path = round.path("format.json");
    match round.folder.read(&format_path, MAX_FORMAT_BYTES) {
        Ok(bytes) => {
            // The file sits in the folder named by its catalog's id: one naming another catalog
            // is damaged (a flipped character), not another office's.
            let parsed = parse_format(&bytes).and_then(|file| {
                if file.catalog_id == round.catalog_id || !synced_before {
                    Ok(file)
                } else {
                    Err(SyncError::FormatUnreadable(format!(
                        "it names the catalog {} inside the folder of {}",
                        file.catalog_id, round.catalog_id
                    )))
                }
            });
            let file = match parsed {
                Ok(file) => file,
                // A PC that has synced with this catalog knows what the file said: it writes it
                // again rather than stop the office (a newer format is refused, never rewritten).
                Err(SyncError::FormatUnreadable(detail)) if synced_before => {
                    round.problem(
                        "format_repaired",
                        format!("the shared folder's format.json did not read ({detail}): this PC wrote it again"),
                    );
                    rewrite_format(round)?;
                    round.report.repaired.push("format.json".into());
                    return Ok(false);
                }
                Err(e) => return Err(e),
            };
            if file.catalog_id != round.catalog_id {
                return Err(SyncError::CatalogMismatch {
                    local: round.catalog_id.clone(),
                    found: file.catalog_id,
                });
            }
            round
                .catalog
                .set_sync_value("folder_catalog", &round.catalog_id)?;
            Ok(false)
        }
        // Not a file of its size or kind (a folder, a pipe, gigabytes): something else took
        // its place. A PC that synced here knows its catalog's folder without it; it is left as
        // it is, and the rest of the folder is read as always.
        Err(e) if synced_before && refusal(&e).is_some() => {
            round.ignore(&format_path);
            round.problem(
                "format_not_readable",
                format!("the shared folder's format.json was not read ({e}); it was left as it is and this PC syncs on"),
            );
            Ok(false)
        }
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            if synced_before {
                round.problem(
                    "emptied",
                    "the shared folder no longer holds this catalog (emptied, restored or another share): nothing was taken as deleted; this PC publishes its operations again".into(),
                );
                write_format(round)?;
                return Ok(true);
            }
            // A new PC: join the one catalog in the folder, or start one.
            let mut found = Vec::new();
            let names = names_in(round.folder, "", format::is_catalog_id, &mut round.report)
                .map_err(|e| round.io(e))?;
            for name in names {
                match round
                    .folder
                    .read(&format!("{name}/format.json"), MAX_FORMAT_BYTES)
                {
                    Ok(bytes) => {
                        let file = parse_format(&bytes)?;
                        if file.catalog_id == name {
                            found.push(name);
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => {}
                    // A catalog whose format.json cannot be read may be the office's: joining
                    // or starting another one now could split the office.
                    Err(e) if refusal(&e).is_some() => {
                        return Err(SyncError::FormatUnreadable(e.to_string()))
                    }
                    Err(e) => return Err(round.io(e)),
                }
            }
            if found.len() <= 1 {
                leave_sample_behind(round)?;
            }
            match found.len() {
                0 => {
                    write_format(round)?;
                    round.report.created_catalog = true;
                }
                1 => {
                    let id = found.remove(0);
                    round.catalog.join_catalog(&id)?;
                    round.catalog_id = id;
                    round.report.joined_catalog = true;
                }
                _ => return Err(SyncError::CatalogAmbiguous(found.join(", "))),
            }
            round
                .catalog
                .set_sync_value("folder_catalog", &round.catalog_id)?;
            Ok(false)
        }
        Err(e) if refusal(&e).is_some() => Err(SyncError::FormatUnreadable(e.to_string())),
        Err(e) => Err(round.io(e)),
    }
}

/// The sample catalog is never the office's: before this PC first joins or starts the folder's
/// catalog, an untouched sample is removed, and an edited one waits for the person's word.
pub(super) fn leave_sample_behind(round: &mut Round) -> Result<(), SyncError> {
    match round.catalog.sample_state()? {
        SampleState::None => Ok(()),
        SampleState::Untouched => {
            round.catalog.discard_sample()?;
            round.report.sample_removed = true;
            Ok(())
        }
        SampleState::Edited { changes } => Err(SyncError::SampleEdited { changes }),
    }
}

/// Lists what is not sync's in the catalog's folder and the folders the round does not list
/// otherwise (the other folders are checked where they are listed).
pub(super) fn note_foreign(round: &mut Round) -> Result<(), SyncError> {
    round.names("", |name| format::CATALOG_ENTRIES.contains(&name))?;
    for cards in ["devices", "acks"] {
        round.names(cards, |name| format::parse_device_file_name(name).is_some())?;
    }
    round.names("blobs", format::is_blob_folder)?;
    Ok(())
}

pub(super) fn parse_format(bytes: &[u8]) -> Result<FormatFile, SyncError> {
    let value: serde_json::Value =
        serde_json::from_slice(bytes).map_err(|e| SyncError::FormatUnreadable(e.to_string()))?;
    // A file with a check that does not match was changed on the share: damage, whatever its
    // version now says.
    if let Ok(file) = serde_json::from_value::<FormatFile>(value.clone()) {
        if file
            .check
            .as_ref()
            .is_some_and(|check| *check != format::format_check(&file))
        {
            return Err(SyncError::FormatUnreadable(
                "its check does not match its content".into(),
            ));
        }
    }
    let major = value
        .get("major")
        .and_then(serde_json::Value::as_u64)
        .unwrap_or(0);
    if major > FORMAT_MAJOR as u64 {
        return Err(SyncError::FormatNewer {
            found: major.min(u16::MAX as u64) as u16,
            supported: FORMAT_MAJOR,
        });
    }
    let file: FormatFile =
        serde_json::from_value(value).map_err(|e| SyncError::FormatUnreadable(e.to_string()))?;
    if file.format != FORMAT_NAME {
        return Err(SyncError::FormatUnreadable(format!(
            "it is of \"{}\", not of Disclosure Desk",
            file.format
        )));
    }
    Ok(file)
}

/// `format.json` as this PC writes it for its catalog.
pub(super) fn format_bytes(round: &Round) -> Vec<u8> {
    let file = FormatFile {
        format: FORMAT_NAME.into(),
        major: FORMAT_MAJOR,
        minor: FORMAT_MINOR,
        catalog_id: round.catalog_id.clone(),
        created_by: round.catalog.device_id().to_string(),
        created_at: time_text(round.now),
        check: None,
    };
    let file = FormatFile {
        check: Some(format::format_check(&file)),
        ..file
    };
    serde_json::to_vec_pretty(&file).unwrap_or_default()
}

pub(super) fn write_format(round: &mut Round) -> Result<(), SyncError> {
    let bytes = format_bytes(round);
    match round.folder.create_new(&round.path("format.json"), &bytes) {
        Ok(()) => Ok(()),
        // Another PC made it at the same moment: read it like any other.
        Err(e) if e.kind() == io::ErrorKind::AlreadyExists => {
            let bytes = match round
                .folder
                .read(&round.path("format.json"), MAX_FORMAT_BYTES)
            {
                Ok(bytes) => bytes,
                Err(e) if refusal(&e).is_some() => {
                    round.ignore(&round.path("format.json"));
                    return Ok(());
                }
                Err(e) => return Err(round.io(e)),
            };
            let found = parse_format(&bytes)?;
            if found.catalog_id != round.catalog_id {
                return Err(SyncError::CatalogMismatch {
                    local: round.catalog_id.clone(),
                    found: found.catalog_id,
                });
            }
            Ok(())
        }
        Err(e) => Err(round.io(e)),
    }
}

/// Writes `format.json` again over a damaged one (only a PC that synced with this catalog).
pub(super) fn rewrite_format(round: &mut Round) -> Result<(), SyncError> {
    let bytes = format_bytes(round);
    round
        .folder
        .replace(&round.path("format.json"), &bytes)
        .map_err(|e| round.io(e))
}
