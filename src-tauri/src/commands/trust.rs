//! Signing commands: the office key, personal keys, the roster, and signed sign-offs. Passwords
//! come from the window's password fields, go to the catalog and are dropped; they are never
//! logged (errors carry codes and messages that never contain them).

use crate::state::AppState;
use desk_core::error::ErrorPayload;
use desk_core::ipc::{RosterView, SigningState};
use desk_core::model::{Item, Role};
use desk_core::signoff::Signoff;
use desk_store::{Catalog, StoreError};
use desk_trust::sealed::DEFAULT_ITERATIONS;
use desk_trust::Fingerprint;

fn pc_secret() -> Result<Vec<u8>, StoreError> {
    desk_store::pc_secret(&desk_store::pc_secret_path()?)
}

fn fingerprint(text: &str) -> Result<Fingerprint, StoreError> {
    Ok(Fingerprint::parse(text)?)
}

#[tauri::command]
pub async fn signing_state(
    state: tauri::State<'_, AppState>,
) -> Result<SigningState, ErrorPayload> {
    state.with_catalog(|c| c.signing_state()).await
}

/// The coordinator sets up signing for the office on this PC; returns the fingerprint to read out.
#[tauri::command]
pub async fn set_up_office(
    state: tauri::State<'_, AppState>,
    password: String,
) -> Result<String, ErrorPayload> {
    state
        .with_catalog(move |c: &mut Catalog| {
            Ok(
                c.set_up_office(&password, &pc_secret()?, DEFAULT_ITERATIONS)?
                    .to_string(),
            )
        })
        .await
}

/// Pins the office key whose fingerprint a person compared with the coordinator's.
#[tauri::command]
pub async fn pin_office_key(
    state: tauri::State<'_, AppState>,
    fingerprint_text: String,
) -> Result<SigningState, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.pin_office_key(&fingerprint(&fingerprint_text)?)?;
            // The device key is made now, so the PC can show its fingerprint to compare.
            c.device_key(&pc_secret()?)?;
            c.signing_state()
        })
        .await
}

/// Makes the current person's key on this PC; returns its fingerprint for the coordinator.
#[tauri::command]
pub async fn create_personal_key(
    state: tauri::State<'_, AppState>,
    password: String,
) -> Result<String, ErrorPayload> {
    state
        .with_catalog(move |c| {
            Ok(
                c.create_personal_key(&password, &pc_secret()?, DEFAULT_ITERATIONS)?
                    .to_string(),
            )
        })
        .await
}

#[tauri::command]
pub async fn roster_view(
    state: tauri::State<'_, AppState>,
) -> Result<Option<RosterView>, ErrorPayload> {
    state.with_catalog(|c| c.roster_view()).await
}

/// Enrols a person with `roles` and their newest key: a roster version signed with the office key.
#[tauri::command]
pub async fn enrol_person(
    state: tauri::State<'_, AppState>,
    person_id: String,
    roles: Vec<Role>,
    password: String,
) -> Result<Option<RosterView>, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.enrol_person(&person_id, &roles, &password, &pc_secret()?)?;
            c.roster_view()
        })
        .await
}

/// Enrols a PC with the device key it announced on the shared folder: a roster version signed
/// with the office key. Its changes, waiting on the other PCs until now, then count.
#[tauri::command]
pub async fn enrol_device(
    state: tauri::State<'_, AppState>,
    device_id: String,
    password: String,
) -> Result<Option<RosterView>, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.enrol_device(&device_id, &password, &pc_secret()?)?;
            c.roster_view()
        })
        .await
}

/// Revokes a key: signatures it made before stay valid, none after.
#[tauri::command]
pub async fn revoke_key(
    state: tauri::State<'_, AppState>,
    fingerprint_text: String,
    password: String,
) -> Result<Option<RosterView>, ErrorPayload> {
    state
        .with_catalog(move |c| {
            c.revoke_key(&fingerprint(&fingerprint_text)?, &password, &pc_secret()?)?;
            c.roster_view()
        })
        .await
}

/// Signs an item off with the current person's key on this PC, opened with `password`.
#[tauri::command]
pub async fn sign_off_item(
    state: tauri::State<'_, AppState>,
    id: String,
    password: String,
) -> Result<Item, ErrorPayload> {
    state
        .with_catalog(move |c| c.sign_off_signed(&id, &password, &pc_secret()?))
        .await
}

/// Signs again, with the current person's key, an item signed off before signing was set up.
#[tauri::command]
pub async fn sign_again_item(
    state: tauri::State<'_, AppState>,
    id: String,
    password: String,
) -> Result<Signoff, ErrorPayload> {
    state
        .with_catalog(move |c| c.sign_again(&id, &password, &pc_secret()?))
        .await
}

/// The office accepts, signed with the office key on this PC, an item's sign-off made before
/// signing was set up.
#[tauri::command]
pub async fn accept_signoff_item(
    state: tauri::State<'_, AppState>,
    id: String,
    password: String,
) -> Result<Signoff, ErrorPayload> {
    state
        .with_catalog(move |c| c.accept_signoff(&id, &password, &pc_secret()?))
        .await
}
