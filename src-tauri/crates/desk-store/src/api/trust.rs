//! Signing set up on a catalog: the office key (made and kept on the coordinator's PC), the office
//! fingerprint every PC pins, personal keys (made on each person's PC), and the roster versions the
//! office signs. What a roster proves is decided here, each time, against the pinned key.

use crate::catalog::trust as stored;
use crate::clock;
use crate::db::meta::meta_set;
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::ipc::{
    DeviceKeyView, DeviceRequestView, KeyRequestView, PersonalKey, RosterDeviceView, RosterKeyView,
    RosterPersonView, RosterView, SigningState,
};
use desk_core::model::{Item, Person, Role};
use desk_core::ops::{EntityKind, OpKind};
use desk_core::signoff::{SignatureVerdict, Signoff, SignoffSignature};
use desk_core::workflow::{Action, Policy};
use desk_trust::roster::{
    Endorsement, EnrolledKey, KeyRequest, Roster, RosterDevice, RosterPerson, SignedRoster,
};
use desk_trust::sealed::{self, SealedKey, MAX_SEALED_BYTES};
use desk_trust::signoff::SignoffClaim;
use desk_trust::{Fingerprint, KeyPair, PublicKey};
use rusqlite::OptionalExtension;
use serde_json::Value;
use std::path::{Path, PathBuf};

use stored::{PINNED_KEY, PREVIOUS_PINS};
const OFFICE_KEY_FILE: &str = "office.key";
/// A new office key during a rotation, until it takes `office.key`'s place.
const NEXT_OFFICE_KEY_FILE: &str = "office.key.next";
/// A backup copy of the office key is sealed under its password alone: it must open on the PC
/// that takes over, whose secret it cannot know. This stands in for the PC's secret.
const BACKUP_SECRET: &[u8] = b"disclosure-desk/office-key-backup/v1";
const BACKUP_OWNER: &str = "office-backup";
/// The password slot of a device key's seal: the PC's secret is what keeps it (see
/// [`Catalog::device_key`]), so few iterations are needed.
const DEVICE_KEY_SEAL: &str = "disclosure-desk/device-key/v1";
const DEVICE_KEY_ITERATIONS: u32 = 10_000;

fn step(code: &'static str, message: impl Into<String>) -> StoreError {
    StoreError::TrustStep {
        code,
        message: message.into(),
    }
}

impl Catalog {
    /// The office key this PC pinned, if any.
    pub fn office_fingerprint(&self) -> Result<Option<Fingerprint>> {
        stored::pinned(&self.conn)
    }

    /// Pins the office key a person compared with the coordinator's (aloud, or on paper). A
    /// different key once one is pinned is refused: a new office key comes as a rotation.
    pub fn pin_office_key(&mut self, fingerprint: &Fingerprint) -> Result<()> {
        match self.office_fingerprint()? {
            Some(pinned) if &pinned == fingerprint => Ok(()),
            Some(pinned) => Err(step(
                "office_pinned_other",
                format!("this PC already trusts the office key {pinned}; another key is accepted only as a rotation signed by it"),
            )),
            None => {
                meta_set(&self.conn, PINNED_KEY, fingerprint.digits())?;
                self.recheck_signoffs().map(|_| ())
            }
        }
    }

    /// Checks, against the office key just pinned, the sign-offs this PC took in before it could
    /// check them: an item whose newest sign-off does not check (or carries no signature though
    /// made after the office set signing up) goes back to review, naming the signature. Returns
    /// how many. What arrives from now on is checked on arrival (see the sync's `entitled`).
    fn recheck_signoffs(&mut self) -> Result<u32> {
        let Some(pinned) = self.office_fingerprint()? else {
            return Ok(0);
        };
        let set_up = stored::set_up_at(&self.conn, &pinned)?;
        let signed: Vec<String> = self
            .conn
            .prepare(
                "SELECT id FROM items WHERE status IN ('signed_off', 'exported', 'published') ORDER BY id",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut failing = Vec::new();
        for id in signed {
            let Some(newest) = crate::catalog::review::signoffs(&self.conn, &id)?
                .into_iter()
                .next()
            else {
                continue;
            };
            let fails = match self.signature_verdict(&newest)? {
                SignatureVerdict::Invalid { code, message } => {
                    log::warn!("item {id}: its sign-off does not check ({code}): {message}");
                    true
                }
                SignatureVerdict::Unsigned => set_up
                    .as_ref()
                    .is_some_and(|t| stored::made_after_set_up(&newest.at, t)),
                _ => false,
            };
            if fails {
                failing.push(id);
            }
        }
        if failing.is_empty() {
            return Ok(0);
        }
        let count = failing.len() as u32;
        self.change(|tx, recorder, _, _| {
            for id in &failing {
                let mut item = crate::catalog::items::load(tx, id)?;
                crate::catalog::review::void_if_signed(
                    tx,
                    recorder,
                    &mut item,
                    vec![desk_core::workflow::SIGNATURE_FIELD.to_string()],
                )?;
            }
            Ok(())
        })?;
        Ok(count)
    }

    /// Sets up signing for this catalog on the coordinator's PC: a new office key, sealed in the
    /// data folder under `password` and this PC's secret, the first roster signed with it, and
    /// its fingerprint pinned here. Returns the fingerprint to read out to the other PCs.
    pub fn set_up_office(
        &mut self,
        password: &str,
        pc_secret: &[u8],
        iterations: u32,
    ) -> Result<Fingerprint> {
        if let Some(pinned) = self.office_fingerprint()? {
            return Err(step(
                "office_already_set_up",
                format!("signing is already set up for this catalog (office key {pinned})"),
            ));
        }
        check_password(password)?;
        let office = KeyPair::generate()?;
        let device = self.device_key(pc_secret)?;
        let sealed = sealed::seal(&office, "office", password, pc_secret, iterations)?;
        write_key_file(&self.keys_dir().join(OFFICE_KEY_FILE), &sealed)?;
        let now = clock::now_text();
        let mut roster = Roster::first(&self.catalog_id()?, office.public_key(), &now);
        // The coordinator's own PC is enrolled with the office: its segments carry the roster.
        roster.devices.push(RosterDevice {
            device_id: self.device_id().to_string(),
            keys: vec![EnrolledKey {
                public_key: device.public_key(),
                enrolled_at: now,
                revoked_at: None,
            }],
        });
        self.publish_roster(&roster, &office)?;
        let fingerprint = office.public_key().fingerprint();
        self.pin_office_key(&fingerprint)?;
        Ok(fingerprint)
    }

    /// Whether sign-offs need a signature here: this PC pinned an office key, or a roster arrived
    /// (the office set signing up).
    pub fn signing_required(&self) -> Result<bool> {
        Ok(self.office_fingerprint()?.is_some() || stored::any_roster(&self.conn)?)
    }

    /// Writes a backup copy of the office key to `out` (a new file), sealed under
    /// `backup_password` alone, so that it opens on another PC: kept offline (a USB stick in the
    /// office's safe), it lets a new coordinator PC take over when this one is lost.
    pub fn export_office_key(
        &self,
        office_password: &str,
        pc_secret: &[u8],
        backup_password: &str,
        out: &Path,
        iterations: u32,
    ) -> Result<Fingerprint> {
        check_password(backup_password)?;
        desk_core::windows::files::check_name(out)?;
        let office = self.open_office_key(office_password, pc_secret)?;
        let sealed = sealed::seal(
            &office,
            BACKUP_OWNER,
            backup_password,
            BACKUP_SECRET,
            iterations,
        )?;
        write_new_file(out, &sealed.to_bytes()).map_err(|source| StoreError::FileWrite {
            path: out.to_path_buf(),
            source,
        })?;
        Ok(office.public_key().fingerprint())
    }

    /// Takes the office key over from a backup copy onto this PC (it becomes the coordinator's):
    /// opened with `backup_password`, it must be the office key this PC pinned, and is sealed
    /// again under `password` and this PC's secret.
    pub fn import_office_key(
        &mut self,
        backup: &Path,
        backup_password: &str,
        password: &str,
        pc_secret: &[u8],
        iterations: u32,
    ) -> Result<Fingerprint> {
        check_password(password)?;
        let pinned = self.office_fingerprint()?.ok_or_else(|| {
            step(
                "office_not_set_up",
                "pin the office's fingerprint on this PC first (it is compared before a key is taken over)",
            )
        })?;
        let sealed = read_key_file(backup)?.ok_or_else(|| {
            step(
                "key_file_damaged",
                format!("there is no office key backup at {}", backup.display()),
            )
        })?;
        let office = sealed.open(backup_password, BACKUP_SECRET)?;
        if office.public_key().fingerprint() != pinned {
            return Err(step(
                "office_pinned_other",
                format!(
                    "the backup holds the office key {}, and this PC trusts {pinned}",
                    office.public_key().fingerprint()
                ),
            ));
        }
        let resealed = sealed::seal(&office, "office", password, pc_secret, iterations)?;
        write_key_file(&self.keys_dir().join(OFFICE_KEY_FILE), &resealed)?;
        Ok(pinned)
    }

    /// The newest roster version whose signature checks against the pinned office key; `None`
    /// before a key is pinned or while no such version has arrived.
    pub fn roster(&self) -> Result<Option<Roster>> {
        match self.office_fingerprint()? {
            Some(pinned) => stored::newest_roster(&self.conn, &pinned),
            None => Ok(None),
        }
    }

    /// Makes the current person's key pair on this PC: the secret part sealed under `password`
    /// and this PC's secret in the data folder, the public part published for the office to
    /// enrol. Returns its fingerprint, for the coordinator to compare.
    pub fn create_personal_key(
        &mut self,
        password: &str,
        pc_secret: &[u8],
        iterations: u32,
    ) -> Result<Fingerprint> {
        let person = self.current_person()?.ok_or_else(|| {
            step(
                "no_current_person",
                "choose who you are first: a personal key is made for the person using this PC",
            )
        })?;
        check_password(password)?;
        let pair = KeyPair::generate()?;
        let sealed = sealed::seal(&pair, &person.id, password, pc_secret, iterations)?;
        write_key_file(&self.person_key_path(&person.id), &sealed)?;
        let request = KeyRequest {
            person_id: person.id.clone(),
            public_key: pair.public_key(),
            device_id: self.device_id().to_string(),
            requested_at: clock::now_text(),
        };
        let value = serde_json::to_value(&request).unwrap_or(Value::Null);
        let entity_id = format!("{}-{}", person.id, pair.public_key().fingerprint().digits());
        self.change(|tx, recorder, _, _| {
            let op = recorder.record(
                tx,
                EntityKind::KeyRequest,
                &entity_id,
                OpKind::Create,
                None,
                &Value::Null,
                &value,
            )?;
            stored::write_key_request(tx, &op.id, &request)
        })?;
        Ok(pair.public_key().fingerprint())
    }

    /// The current person's key pair on this PC, opened with their password (to sign).
    pub fn open_personal_key(&self, password: &str, pc_secret: &[u8]) -> Result<KeyPair> {
        let person = self
            .current_person()?
            .ok_or_else(|| step("no_current_person", "choose who you are first"))?;
        let sealed = read_key_file(&self.person_key_path(&person.id))?.ok_or_else(|| {
            step(
                "no_personal_key",
                format!(
                    "{} has no personal key on this PC: create one first (desk key create)",
                    person.name
                ),
            )
        })?;
        if sealed.owner != person.id {
            return Err(step(
                "no_personal_key",
                format!("the key file on this PC is not {}'s", person.name),
            ));
        }
        Ok(sealed.open(password, pc_secret)?)
    }

    /// Signs an item off as the current person, with their key on this PC (opened with
    /// `password`): the roles and department that count are the roster's, and the record carries
    /// the SM2 signature over the sign-off's canonical message.
    pub fn sign_off_signed(&mut self, id: &str, password: &str, pc_secret: &[u8]) -> Result<Item> {
        let key = self.signing_key(password, pc_secret)?;
        let seal = |record: &Signoff| key.seal(record);
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let policy = self.policy();
        let device_id = self.device_id().to_string();
        self.change(|tx, recorder, _, _| {
            crate::catalog::review::act_in(
                tx,
                recorder,
                &store,
                policy,
                Some(&key.signer),
                &device_id,
                id,
                Action::SignOff,
                "",
                Some(&seal),
            )
        })
    }

    /// Signs again, with the current person's key, an item signed off before the office set
    /// signing up (its newest sign-off carries no signature, so it cannot be exported): a new
    /// signed record of the same content, the status unchanged. The signer must be entitled to
    /// sign the item off by the roster, and the item must still be what was signed.
    pub fn sign_again(&mut self, id: &str, password: &str, pc_secret: &[u8]) -> Result<Signoff> {
        let (item, newest) = self.signed_before_set_up(id)?;
        let key = self.signing_key(password, pc_secret)?;
        let policy = self.policy();
        let actor = crate::catalog::review::actor(Some(&key.signer));
        let entitled = actor.as_ref().is_some_and(|a| {
            desk_core::workflow::can_sign(a, item.lead_department_id.as_deref(), policy)
        });
        if !entitled {
            return Err(StoreError::Workflow(
                desk_core::workflow::WorkflowError::NotEntitled {
                    office_signs: policy.office_signs,
                },
            ));
        }
        let seal = |record: &Signoff| key.seal(record);
        self.record_again(id, newest.as_ref(), &key.signer, &seal)
    }

    /// The office accepts, with the office key, an item's sign-off made before signing was set
    /// up, so that it can go out without its signer signing again (a signer who left, say): a new
    /// record of the same content signed by the office key, in the current person's name, itself
    /// logged and synced like any sign-off. The item must still be what was signed.
    pub fn accept_signoff(
        &mut self,
        id: &str,
        office_password: &str,
        pc_secret: &[u8],
    ) -> Result<Signoff> {
        let (_, newest) = self.signed_before_set_up(id)?;
        let office = self.open_office_key(office_password, pc_secret)?;
        let roster = self.current_roster_for_change()?;
        let person = self
            .current_person()?
            .ok_or_else(|| step("no_current_person", "choose who you are first"))?;
        // Recorded on the office's basis, whatever the registry says of the person.
        let signer = Person {
            roles: vec![Role::Coordinator],
            department_id: None,
            ..person
        };
        let catalog_id = self.catalog_id()?;
        let seal = |record: &Signoff| -> Result<SignoffSignature> {
            let claim = SignoffClaim {
                catalog_id: catalog_id.clone(),
                item_id: record.item_id.clone(),
                content_hash: record.content_hash.clone(),
                basis: record.basis,
                roster_version: roster.version,
                at: record.at.clone(),
                signer_id: record.signer_id.clone(),
                public_key: office.public_key(),
            };
            Ok(SignoffSignature {
                roster_version: roster.version,
                public_key: office.public_key().to_hex(),
                signature: claim.sign(&office).to_hex(),
            })
        };
        self.record_again(id, newest.as_ref(), &signer, &seal)
    }

    /// The item and its newest sign-off, when that sign-off was made before signing was set up
    /// and the item is still as it was signed: what is signed again, or accepted by the office.
    fn signed_before_set_up(&self, id: &str) -> Result<(Item, Option<Signoff>)> {
        let item = crate::catalog::items::load(&self.conn, id)?;
        let newest = crate::catalog::review::signoffs(&self.conn, id)?
            .into_iter()
            .next();
        let unsigned = newest.as_ref().is_some_and(|s| s.signature.is_none());
        if !item.status.is_signed() || !item.changed_after_signoff.is_empty() || !unsigned {
            return Err(step(
                "sign_again_not_needed",
                "only an item signed off before signing was set up, still as it was signed, is signed again",
            ));
        }
        Ok((item, newest))
    }

    /// A new signed record of the item as it is, which must still be what `newest` signed.
    fn record_again(
        &mut self,
        id: &str,
        newest: Option<&Signoff>,
        signer: &Person,
        seal: &dyn Fn(&Signoff) -> Result<SignoffSignature>,
    ) -> Result<Signoff> {
        let store = crate::attachments::AttachmentStore::new(self.data_dir());
        let device_id = self.device_id().to_string();
        self.change(|tx, recorder, _, _| {
            let item = crate::catalog::items::load(tx, id)?;
            let current = crate::catalog::review::checklist(tx, &item, &store, true)?;
            let blocking = current.signoff_blockers(item.disclosure);
            if !blocking.is_empty() {
                return Err(StoreError::Workflow(
                    desk_core::workflow::WorkflowError::ChecksBlocking { checks: blocking },
                ));
            }
            if let Some(newest) = newest {
                if !desk_core::signoff::record_matches(newest, &item, &current.checks) {
                    return Err(step(
                        "sign_again_not_needed",
                        "the item changed since it was signed off: it goes back to review and is signed off anew",
                    ));
                }
            }
            crate::catalog::review::record_signoff(
                tx,
                recorder,
                &item,
                &current.checks,
                signer,
                &device_id,
                Some(seal),
            )
        })
    }

    /// The current person's enrolled key on this PC, opened with `password`, and the person as
    /// the roster makes them.
    fn signing_key(&self, password: &str, pc_secret: &[u8]) -> Result<SigningKey> {
        let roster = self.current_roster_for_change()?;
        let person = self
            .current_person()?
            .ok_or_else(|| step("no_current_person", "choose who you are first"))?;
        let pair = self.open_personal_key(password, pc_secret)?;
        let now = clock::now_text();
        let enrolled = roster.person(&person.id).filter(|p| {
            p.keys
                .iter()
                .any(|k| k.public_key == pair.public_key() && k.valid_at(&now))
        });
        let Some(enrolled) = enrolled else {
            return Err(step(
                "key_not_enrolled",
                format!(
                    "{}'s key on this PC is not enrolled in the office's roster, or was revoked: the coordinator enrols it (key {})",
                    person.name,
                    pair.public_key().fingerprint()
                ),
            ));
        };
        // The workflow decides with the roster's roles, whatever the registry on this PC says.
        let signer = Person {
            roles: enrolled.roles.clone(),
            department_id: enrolled.department_id.clone(),
            ..person
        };
        Ok(SigningKey {
            signer,
            catalog_id: self.catalog_id()?,
            roster_version: roster.version,
            pair,
        })
    }

    /// What this PC makes of a sign-off's signature (see [`SignatureVerdict`]).
    pub fn signature_verdict(&self, signoff: &Signoff) -> Result<SignatureVerdict> {
        let item = crate::catalog::items::load(&self.conn, &signoff.item_id)?;
        stored::signoff_verdict(
            &self.conn,
            signoff,
            item.lead_department_id.as_deref(),
            Policy {
                office_signs: self.settings().office_signs,
            },
        )
    }

    /// Signing as this PC sees it, for the app's screens.
    pub fn signing_state(&self) -> Result<SigningState> {
        let pinned = self.office_fingerprint()?;
        let roster = self.roster()?;
        let office_key_here = self.office_key_here()?;
        let my_key = match self.current_person()? {
            Some(person) => self.personal_key(&person.id, roster.as_ref())?,
            None => None,
        };
        // Read from its file unopened: the public part is stored beside the sealed secret.
        let device_key = read_key_file(&self.device_key_path())
            .ok()
            .flatten()
            .map(|sealed| sealed.public_key);
        let enrolled_key = device_key.as_ref().and_then(|key| {
            roster
                .as_ref()?
                .device(self.device_id())?
                .keys
                .iter()
                .find(|k| &k.public_key == key)
        });
        let device = DeviceKeyView {
            device_id: self.device_id().to_string(),
            fingerprint: device_key.map(|k| k.fingerprint().to_string()),
            enrolled: enrolled_key.is_some_and(|k| k.revoked_at.is_none()),
            revoked: enrolled_key.is_some_and(|k| k.revoked_at.is_some()),
        };
        Ok(SigningState {
            office_fingerprint: pinned.map(|f| f.to_string()),
            set_up_in_office: stored::any_roster(&self.conn)?,
            office_key_here,
            roster_version: roster.map(|r| r.version),
            my_key,
            device,
        })
    }

    /// `person_id`'s key on this PC and what `roster` says of it.
    fn personal_key(
        &self,
        person_id: &str,
        roster: Option<&Roster>,
    ) -> Result<Option<PersonalKey>> {
        let Some(sealed) = read_key_file(&self.person_key_path(person_id))
            .ok()
            .flatten()
        else {
            return Ok(None);
        };
        let now = clock::now_text();
        let in_roster = roster.and_then(|r| r.person(person_id));
        let enrolled =
            in_roster.and_then(|p| p.keys.iter().find(|k| k.public_key == sealed.public_key));
        Ok(Some(PersonalKey {
            fingerprint: sealed.public_key.fingerprint().to_string(),
            enrolled: enrolled.is_some_and(|k| k.valid_at(&now)),
            revoked: enrolled.is_some_and(|k| k.revoked_at.is_some()),
            roles: in_roster.map(|p| p.roles.clone()).unwrap_or_default(),
            department_id: in_roster.and_then(|p| p.department_id.clone()),
        }))
    }

    /// The roster for the coordinator's screen, with the keys waiting to be enrolled; `None`
    /// before a roster signed by the pinned key is here.
    pub fn roster_view(&self) -> Result<Option<RosterView>> {
        let Some(roster) = self.roster()? else {
            return Ok(None);
        };
        let names: std::collections::HashMap<String, String> =
            self.people()?.into_iter().map(|p| (p.id, p.name)).collect();
        let people = roster
            .people
            .iter()
            .map(|p| RosterPersonView {
                person_id: p.person_id.clone(),
                name: p.name.clone(),
                department_id: p.department_id.clone(),
                roles: p.roles.clone(),
                keys: p.keys.iter().map(key_view).collect(),
            })
            .collect();
        let mut requests = Vec::new();
        for person_id in names.keys() {
            let Some(request) = self.key_request(person_id)? else {
                continue;
            };
            if roster.person_key(person_id, &request.public_key).is_some() {
                continue;
            }
            requests.push(KeyRequestView {
                person_id: person_id.clone(),
                name: names.get(person_id).cloned().unwrap_or_default(),
                fingerprint: request.public_key.fingerprint().to_string(),
                device_id: request.device_id,
                requested_at: request.requested_at,
            });
        }
        requests.sort_by(|a, b| a.requested_at.cmp(&b.requested_at));
        let devices = roster
            .devices
            .iter()
            .map(|d| RosterDeviceView {
                device_id: d.device_id.clone(),
                keys: d.keys.iter().map(key_view).collect(),
            })
            .collect();
        let device_requests = self
            .device_key_requests()?
            .into_iter()
            .map(|r| DeviceRequestView {
                device_id: r.device_id,
                fingerprint: r.public_key.fingerprint().to_string(),
                person: r.person,
                first_seen: r.first_seen,
            })
            .collect();
        Ok(Some(RosterView {
            version: roster.version,
            issued_at: roster.issued_at.clone(),
            office_fingerprint: roster.office_key.fingerprint().to_string(),
            people,
            requests,
            devices,
            device_requests,
        }))
    }

    /// The current person as the roster makes them, when their key on this PC is enrolled and
    /// valid now: the actor a sign-off is decided for. `Err` says why there is none.
    pub(crate) fn roster_signer(
        &self,
        roster: Option<&Roster>,
    ) -> Result<std::result::Result<Person, StoreError>> {
        let Some(person) = self.current_person()? else {
            return Ok(Err(step("no_current_person", "choose who you are first")));
        };
        let not_enrolled = |why: &str| {
            Ok(Err(step(
                "key_not_enrolled",
                format!("{}: {why}", person.name),
            )))
        };
        let Some(roster) = roster else {
            return not_enrolled(
                "this PC has no roster signed by the office key yet: pin the office key and sync",
            );
        };
        match self.personal_key(&person.id, Some(roster))? {
            None => not_enrolled("no personal key on this PC: make one under 签名与密钥"),
            Some(key) if !key.enrolled => not_enrolled(
                "the personal key on this PC is not enrolled in the office's roster (or was revoked): the coordinator enrols it",
            ),
            Some(key) => Ok(Ok(Person {
                roles: key.roles,
                department_id: key.department_id,
                ..person
            })),
        }
    }

    /// A roster version exactly as stored (its text and the office key's signature), when it
    /// checks against the pinned office key: version `version`, or the newest when `None`. What
    /// a bundle carries for the web team to check its sign-offs with.
    pub fn signed_roster(&self, version: Option<u64>) -> Result<Option<SignedRoster>> {
        let Some(pinned) = self.office_fingerprint()? else {
            return Ok(None);
        };
        let catalog_id = self.catalog_id()?;
        for signed in stored::rosters(&self.conn, pinned.digits(), version)? {
            if let Ok(roster) = signed.open(&pinned, &catalog_id) {
                if version.is_none_or(|v| v == roster.version) {
                    return Ok(Some(signed));
                }
            }
        }
        Ok(None)
    }

    /// The newest key a person made and published, waiting to be enrolled (or enrolled).
    pub fn key_request(&self, person_id: &str) -> Result<Option<KeyRequest>> {
        stored::newest_key_request(&self.conn, person_id)
    }

    /// Enrols a person in the roster with `roles`, their department from the registry and the
    /// newest key they made: a new roster version signed with the office key on this PC.
    pub fn enrol_person(
        &mut self,
        person_id: &str,
        roles: &[Role],
        office_password: &str,
        pc_secret: &[u8],
    ) -> Result<Roster> {
        self.enrol_person_in(person_id, None, roles, office_password, pc_secret)
    }

    /// [`Catalog::enrol_person`] with the department the roster gives the person (the one whose
    /// items a section head signs); `None` takes the registry's.
    pub fn enrol_person_in(
        &mut self,
        person_id: &str,
        department_id: Option<&str>,
        roles: &[Role],
        office_password: &str,
        pc_secret: &[u8],
    ) -> Result<Roster> {
        let office = self.open_office_key(office_password, pc_secret)?;
        let mut person =
            crate::catalog::registry::person(&self.conn, person_id)?.ok_or_else(|| {
                StoreError::NotFound {
                    what: "person",
                    id: person_id.to_string(),
                }
            })?;
        if let Some(department) = department_id {
            if !crate::catalog::registry::department_exists(&self.conn, department)? {
                return Err(StoreError::NotFound {
                    what: "department",
                    id: department.to_string(),
                });
            }
            person.department_id = Some(department.to_string());
        }
        let request = self.key_request(person_id)?.ok_or_else(|| {
            step(
                "no_key_request",
                format!(
                    "{} has not made a personal key yet: on their own PC, they create it (desk key create), and it reaches this PC by sync",
                    person.name
                ),
            )
        })?;
        let mut roster = self.current_roster_for_change()?;
        let key = EnrolledKey {
            public_key: request.public_key.clone(),
            enrolled_at: clock::now_text(),
            revoked_at: None,
        };
        match roster.people.iter_mut().find(|p| p.person_id == person_id) {
            Some(entry) => {
                entry.name = person.name.clone();
                entry.department_id = person.department_id.clone();
                entry.roles = roles.to_vec();
                if !entry.keys.iter().any(|k| k.public_key == key.public_key) {
                    entry.keys.push(key);
                }
            }
            None => roster.people.push(RosterPerson {
                person_id: person_id.to_string(),
                name: person.name.clone(),
                department_id: person.department_id.clone(),
                roles: roles.to_vec(),
                keys: vec![key],
            }),
        }
        self.sign_next(roster, &office)
    }

    /// Revokes a key, of a person or of a PC: signatures it made before stay valid, any made
    /// after are refused.
    pub fn revoke_key(
        &mut self,
        fingerprint: &Fingerprint,
        office_password: &str,
        pc_secret: &[u8],
    ) -> Result<Roster> {
        let office = self.open_office_key(office_password, pc_secret)?;
        let mut roster = self.current_roster_for_change()?;
        let now = clock::now_text();
        let mut found = false;
        let keys = roster
            .people
            .iter_mut()
            .flat_map(|p| p.keys.iter_mut())
            .chain(roster.devices.iter_mut().flat_map(|d| d.keys.iter_mut()));
        for key in keys {
            if &key.public_key.fingerprint() == fingerprint && key.revoked_at.is_none() {
                key.revoked_at = Some(now.clone());
                found = true;
            }
        }
        if !found {
            return Err(step(
                "key_not_enrolled",
                format!(
                    "no enrolled key has the fingerprint {fingerprint}, or it is revoked already"
                ),
            ));
        }
        self.sign_next(roster, &office)
    }

    /// This PC's device key, made on first use: what signs the segments and snapshots it
    /// publishes. Sealed under the PC's secret alone (a round signs with it unattended, so no
    /// person's password can guard it); per device id, so a PC that takes a new id (cloned or
    /// restored) has a new key the office must enrol.
    pub fn device_key(&self, pc_secret: &[u8]) -> Result<KeyPair> {
        let path = self.device_key_path();
        for _ in 0..2 {
            if let Some(sealed) = read_key_file(&path)? {
                return Ok(sealed.open(DEVICE_KEY_SEAL, pc_secret)?);
            }
            let pair = KeyPair::generate()?;
            let sealed = sealed::seal(
                &pair,
                "device",
                DEVICE_KEY_SEAL,
                pc_secret,
                DEVICE_KEY_ITERATIONS,
            )?;
            match write_new_file(&path, &sealed.to_bytes()) {
                Ok(()) => return Ok(pair),
                // The app and `desk` made one at the same moment: the one on disk stands.
                Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
                Err(source) => return Err(StoreError::FileWrite { path, source }),
            }
        }
        Err(step(
            "key_file_damaged",
            format!("{} cannot be made", path.display()),
        ))
    }

    /// What checking arriving segments needs, once this PC pinned an office key: the newest
    /// roster that checks and when signing was set up (both `None` until a roster arrived).
    pub fn segment_trust(&self) -> Result<Option<SegmentTrust>> {
        let Some(pinned) = self.office_fingerprint()? else {
            return Ok(None);
        };
        Ok(Some(SegmentTrust {
            catalog_id: self.catalog_id()?,
            set_up_at: stored::set_up_at(&self.conn, &pinned)?,
            roster: stored::newest_roster(&self.conn, &pinned)?,
            pinned,
        }))
    }

    /// Whether the office key this PC pinned is kept (sealed) on this PC: the coordinator's.
    pub fn office_key_here(&self) -> Result<bool> {
        Ok(match self.office_fingerprint()? {
            Some(pinned) => read_key_file(&self.keys_dir().join(OFFICE_KEY_FILE))
                .ok()
                .flatten()
                .is_some_and(|sealed| sealed.public_key.fingerprint() == pinned),
            None => false,
        })
    }

    /// The device key when this PC signs what it publishes: once it pinned an office key.
    pub fn device_key_for_sync(&self, pc_secret: &[u8]) -> Result<Option<KeyPair>> {
        if self.office_fingerprint()?.is_none() {
            return Ok(None);
        }
        self.device_key(pc_secret).map(Some)
    }

    /// Remembers a device key a PC announces in its card on the share, for the office to enrol.
    pub fn note_device_key(
        &self,
        device_id: &str,
        public_key: &PublicKey,
        person: Option<&str>,
    ) -> Result<()> {
        self.conn.execute(
            "INSERT OR IGNORE INTO device_key_requests (device_id, public_key, fingerprint, person, first_seen)
             VALUES (?1, ?2, ?3, ?4, ?5)",
            rusqlite::params![
                device_id,
                public_key.to_hex(),
                public_key.fingerprint().to_string(),
                person,
                clock::now_text()
            ],
        )?;
        Ok(())
    }

    /// The device keys PCs announced that the newest roster does not hold, oldest first.
    pub fn device_key_requests(&self) -> Result<Vec<DeviceKeyRequest>> {
        let roster = self.roster()?;
        let mut stmt = self.conn.prepare(
            "SELECT device_id, public_key, person, first_seen FROM device_key_requests ORDER BY first_seen, device_id",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, Option<String>>(2)?,
                r.get::<_, String>(3)?,
            ))
        })?;
        let mut out = Vec::new();
        for row in rows {
            let (device_id, key, person, first_seen) = row?;
            let Ok(public_key) = PublicKey::from_hex(&key) else {
                continue;
            };
            let enrolled = roster.as_ref().is_some_and(|r| {
                r.device(&device_id)
                    .is_some_and(|d| d.keys.iter().any(|k| k.public_key == public_key))
            });
            if !enrolled {
                out.push(DeviceKeyRequest {
                    device_id,
                    public_key,
                    person,
                    first_seen,
                });
            }
        }
        Ok(out)
    }

    /// Enrols a PC's device key in the roster (the newest it announced; this PC's own key when
    /// it is this PC): a new roster version signed with the office key on this PC.
    pub fn enrol_device(
        &mut self,
        device_id: &str,
        office_password: &str,
        pc_secret: &[u8],
    ) -> Result<Roster> {
        let office = self.open_office_key(office_password, pc_secret)?;
        let public_key = if device_id == self.device_id() {
            self.device_key(pc_secret)?.public_key()
        } else {
            self.device_key_requests()?
                .into_iter()
                .rev()
                .find(|r| r.device_id == device_id)
                .map(|r| r.public_key)
                .ok_or_else(|| {
                    step(
                        "no_device_key",
                        format!(
                            "no PC {device_id} has announced a device key that is not enrolled: it syncs once with the shared folder, after pinning the office key"
                        ),
                    )
                })?
        };
        let mut roster = self.current_roster_for_change()?;
        let key = EnrolledKey {
            public_key,
            enrolled_at: clock::now_text(),
            revoked_at: None,
        };
        match roster.devices.iter_mut().find(|d| d.device_id == device_id) {
            Some(entry) if entry.keys.iter().any(|k| k.public_key == key.public_key) => {
                return Err(step(
                    "device_already_enrolled",
                    format!("PC {device_id} is enrolled with this key already"),
                ))
            }
            Some(entry) => entry.keys.push(key),
            None => roster.devices.push(RosterDevice {
                device_id: device_id.to_string(),
                keys: vec![key],
            }),
        }
        self.sign_next(roster, &office)
    }

    fn device_key_path(&self) -> PathBuf {
        let safe: String = self
            .device_id()
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .take(64)
            .collect();
        self.keys_dir().join(format!("device-{safe}.key"))
    }

    fn keys_dir(&self) -> PathBuf {
        self.data_dir().join("keys")
    }

    fn person_key_path(&self, person_id: &str) -> PathBuf {
        // Person ids are UUIDs; anything else is reduced to a safe file name.
        let safe: String = person_id
            .chars()
            .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
            .take(64)
            .collect();
        self.keys_dir().join(format!("person-{safe}.key"))
    }

    fn open_office_key(&self, password: &str, pc_secret: &[u8]) -> Result<KeyPair> {
        let pinned = self.office_fingerprint()?.ok_or_else(|| {
            step(
                "office_not_set_up",
                "signing is not set up for this catalog: the coordinator sets it up once (desk office init)",
            )
        })?;
        let path = self.keys_dir().join(OFFICE_KEY_FILE);
        let sealed = match read_key_file(&path)? {
            // A rotation stopped before the new key took the old one's place.
            Some(sealed) if sealed.public_key.fingerprint() != pinned => {
                read_key_file(&self.keys_dir().join(NEXT_OFFICE_KEY_FILE))?
                    .filter(|next| next.public_key.fingerprint() == pinned)
                    .unwrap_or(sealed)
            }
            Some(sealed) => sealed,
            None => {
                return Err(step(
                    "office_key_not_here",
                    "the office key is not on this PC: roster changes are signed on the coordinator's PC",
                ))
            }
        };
        let pair = sealed.open(password, pc_secret)?;
        if pair.public_key().fingerprint() != pinned {
            return Err(step(
                "office_key_not_here",
                format!("the office key on this PC is not the one this catalog trusts ({pinned})"),
            ));
        }
        Ok(pair)
    }

    /// The roster a change starts from: the newest that checks.
    fn current_roster_for_change(&self) -> Result<Roster> {
        self.roster()?.ok_or_else(|| {
            step(
                "roster_missing",
                "no roster signed by the office key is on this PC yet: sync with the shared folder first",
            )
        })
    }

    fn sign_next(&mut self, mut roster: Roster, office: &KeyPair) -> Result<Roster> {
        roster.version += 1;
        roster.issued_at = clock::now_text();
        self.publish_roster(&roster, office)?;
        Ok(roster)
    }

    fn publish_roster(&mut self, roster: &Roster, office: &KeyPair) -> Result<()> {
        let signed: SignedRoster = roster.sign(office)?;
        self.publish_signed_rosters(&[(roster.clone(), signed)])
    }

    /// Records roster versions as they travel, in one change.
    fn publish_signed_rosters(&mut self, versions: &[(Roster, SignedRoster)]) -> Result<()> {
        self.change(|tx, recorder, _, _| {
            for (roster, signed) in versions {
                let value = serde_json::to_value(signed).unwrap_or(Value::Null);
                let op = recorder.record(
                    tx,
                    EntityKind::Roster,
                    &crate::sync::roster_id(roster),
                    OpKind::Create,
                    None,
                    &Value::Null,
                    &value,
                )?;
                stored::write_roster(
                    tx,
                    &op.id,
                    roster.version,
                    roster.office_key.fingerprint().digits(),
                    signed,
                )?;
            }
            Ok(())
        })
    }

    /// Hands the office over to a new office key (the old one at risk, or the coordinator's PC
    /// replaced): on the coordinator's PC, a new key sealed under `new_password`; every roster
    /// version signed again under it, unchanged but for the key and carrying the old key's
    /// endorsement of the new one, so that sign-offs naming those versions stay valid; the new
    /// key pinned here. Every PC that pinned the old key follows at its next sync
    /// ([`Catalog::follow_office_rotation`]). The old key's file is kept, renamed, as a record.
    pub fn rotate_office_key(
        &mut self,
        old_password: &str,
        new_password: &str,
        pc_secret: &[u8],
        iterations: u32,
    ) -> Result<Fingerprint> {
        let old = self.open_office_key(old_password, pc_secret)?;
        check_password(new_password)?;
        let old_fingerprint = old.public_key().fingerprint();
        let newest = self.current_roster_for_change()?;
        let catalog_id = self.catalog_id()?;
        let new = KeyPair::generate()?;
        let endorsement = Endorsement::make(&catalog_id, &old, &new.public_key());
        let mut versions = Vec::new();
        for version in 1..=newest.version {
            let Some(mut roster) = stored::roster_at(&self.conn, &old_fingerprint, version)? else {
                continue;
            };
            roster.office_key = new.public_key();
            roster.previous_office_keys.push(old.public_key());
            let signed = SignedRoster {
                endorsement: Some(endorsement.clone()),
                ..roster.sign(&new)?
            };
            versions.push((roster, signed));
        }
        // The new key is on disk before anything names it, and takes the old one's place only
        // after: a failure in between leaves a key that opens (see `open_office_key`).
        let sealed = sealed::seal(&new, "office", new_password, pc_secret, iterations)?;
        let dir = self.keys_dir();
        write_key_file(&dir.join(NEXT_OFFICE_KEY_FILE), &sealed)?;
        self.publish_signed_rosters(&versions)?;
        let retired = dir.join(format!("office-{}.retired.key", old_fingerprint.digits()));
        let rename = |from: &str, to: &Path| {
            desk_core::windows::held::retry_while_held(|| std::fs::rename(dir.join(from), to))
                .map_err(|source| StoreError::FileWrite {
                    path: to.to_path_buf(),
                    source,
                })
        };
        rename(OFFICE_KEY_FILE, &retired)?;
        rename(NEXT_OFFICE_KEY_FILE, &dir.join(OFFICE_KEY_FILE))?;
        let followed = self.follow_office_rotation()?;
        Ok(followed.unwrap_or(old_fingerprint))
    }

    /// The endorsement that handed the office to the key this PC pinned, when it was rotated.
    pub fn office_endorsement(&self) -> Result<Option<Endorsement>> {
        let Some(pinned) = self.office_fingerprint()? else {
            return Ok(None);
        };
        let text: Option<String> = self
            .conn
            .query_row(
                "SELECT endorsement FROM rosters WHERE office_fingerprint = ?1 AND endorsement IS NOT NULL LIMIT 1",
                [pinned.digits()],
                |r| r.get(0),
            )
            .optional()?;
        Ok(text.and_then(|t| serde_json::from_str(&t).ok()))
    }

    /// Follows a rotation of the office key this PC pinned: once every roster version it holds
    /// under the pinned key is here signed again under a key the pinned one endorsed, that key is
    /// pinned instead (and so on, along a chain). Returns the key pinned now, when it changed.
    pub fn follow_office_rotation(&mut self) -> Result<Option<Fingerprint>> {
        let Some(mut pinned) = self.office_fingerprint()? else {
            return Ok(None);
        };
        let mut followed = None;
        // A rotation of a rotation is followed too; a loop of endorsements ends here.
        for _ in 0..16 {
            let held = stored::newest_roster(&self.conn, &pinned)?.map_or(0, |r| r.version);
            let Some((next, versions)) = stored::rotated_from(&self.conn, &pinned)? else {
                break;
            };
            if !(1..=held).all(|v| versions.contains(&v)) {
                // Part of the rotation is still on its way.
                break;
            }
            let mut before: Vec<String> = crate::db::meta::meta_get(&self.conn, PREVIOUS_PINS)?
                .and_then(|s| serde_json::from_str(&s).ok())
                .unwrap_or_default();
            before.push(pinned.digits().to_string());
            meta_set(
                &self.conn,
                PREVIOUS_PINS,
                &serde_json::to_string(&before).unwrap_or_default(),
            )?;
            meta_set(&self.conn, PINNED_KEY, next.digits())?;
            log::warn!("the office key {pinned} handed over to {next}: this PC follows it");
            pinned = next.clone();
            followed = Some(next);
        }
        if followed.is_some() {
            self.recheck_signoffs()?;
        }
        Ok(followed)
    }
}

/// The office key this PC pinned and what it proves so far, for checking arriving segments.
#[derive(Debug, Clone)]
pub struct SegmentTrust {
    pub pinned: Fingerprint,
    pub catalog_id: String,
    /// When the office set signing up (its first roster's time).
    pub set_up_at: Option<String>,
    pub roster: Option<Roster>,
}

/// A device key a PC announced on the share and the roster does not hold yet.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DeviceKeyRequest {
    pub device_id: String,
    pub public_key: PublicKey,
    /// Who uses the PC, as its card says.
    pub person: Option<String>,
    pub first_seen: String,
}

fn key_view(key: &EnrolledKey) -> RosterKeyView {
    RosterKeyView {
        fingerprint: key.public_key.fingerprint().to_string(),
        enrolled_at: key.enrolled_at.clone(),
        revoked_at: key.revoked_at.clone(),
    }
}

/// A person's opened key and what signing with it needs.
struct SigningKey {
    signer: Person,
    catalog_id: String,
    roster_version: u64,
    pair: KeyPair,
}

impl SigningKey {
    /// The signature of a sign-off record over its canonical claim.
    fn seal(&self, record: &Signoff) -> Result<SignoffSignature> {
        let public_key = self.pair.public_key();
        let claim = SignoffClaim {
            catalog_id: self.catalog_id.clone(),
            item_id: record.item_id.clone(),
            content_hash: record.content_hash.clone(),
            basis: record.basis,
            roster_version: self.roster_version,
            at: record.at.clone(),
            signer_id: record.signer_id.clone(),
            public_key: public_key.clone(),
        };
        Ok(SignoffSignature {
            roster_version: self.roster_version,
            public_key: public_key.to_hex(),
            signature: claim.sign(&self.pair).to_hex(),
        })
    }
}

/// A password long enough to be worth sealing a key under.
fn check_password(password: &str) -> Result<()> {
    if password.chars().count() < 8 {
        return Err(step(
            "password_too_short",
            "choose a password of at least 8 characters",
        ));
    }
    Ok(())
}

/// Writes a key file whole (a temporary file renamed into place), readable by its owner only.
fn write_key_file(path: &Path, sealed: &SealedKey) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let io = |source: std::io::Error| StoreError::FileWrite {
        path: path.to_path_buf(),
        source,
    };
    std::fs::create_dir_all(dir).map_err(io)?;
    let temp = path.with_extension("key.tmp");
    {
        use std::io::Write;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create(true).truncate(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        let mut file = options.open(&temp).map_err(io)?;
        file.write_all(&sealed.to_bytes()).map_err(io)?;
        file.sync_all().map_err(io)?;
    }
    desk_core::windows::files::rename_into_place(&temp, path)?.map_err(io)
}

fn read_key_file(path: &Path) -> Result<Option<SealedKey>> {
    match read_bounded(path, MAX_SEALED_BYTES)? {
        Some(bytes) => Ok(Some(SealedKey::from_bytes(&bytes)?)),
        None => Ok(None),
    }
}

/// A small file's bytes, at most `max` + 1 of them (more means too large), or `None` when there
/// is no such file.
fn read_bounded(path: &Path, max: usize) -> Result<Option<Vec<u8>>> {
    use std::io::Read;
    let unreadable = |source: std::io::Error| StoreError::AttachmentUnreadable {
        path: path.to_path_buf(),
        source,
    };
    let file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(unreadable(e)),
    };
    let mut bytes = Vec::new();
    file.take(max as u64 + 1)
        .read_to_end(&mut bytes)
        .map_err(unreadable)?;
    Ok(Some(bytes))
}

/// Where this PC's secret for sealing keys is: `DISCLOSURE_DESK_PC_SECRET`, else the per-user
/// configuration folder (never the data folder: a copy of it must not open the keys elsewhere).
/// The app and `desk` on one PC use the same one.
pub fn pc_secret_path() -> Result<PathBuf> {
    match std::env::var_os("DISCLOSURE_DESK_PC_SECRET") {
        Some(path) => Ok(PathBuf::from(path)),
        None => dirs::config_dir()
            .map(|dir| dir.join("disclosure-desk").join("pc-secret"))
            .ok_or_else(|| {
                step(
                    "pc_secret_damaged",
                    "this PC has no per-user configuration folder to keep its secret in",
                )
            }),
    }
}

/// This PC's secret for sealing keys, from `path` (made there on first use, readable by its owner
/// only). Kept outside the data folder, so that a copy of the data folder carries no key that
/// opens elsewhere.
pub fn pc_secret(path: &Path) -> Result<Vec<u8>> {
    for _ in 0..2 {
        if let Some(secret) = read_pc_secret(path)? {
            return Ok(secret);
        }
        let secret = sealed::new_pc_secret()?;
        match write_new_file(path, &secret) {
            Ok(()) => return Ok(secret),
            // Another process made it at the same moment: theirs stands.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => continue,
            Err(source) => {
                return Err(StoreError::FileWrite {
                    path: path.to_path_buf(),
                    source,
                })
            }
        }
    }
    read_pc_secret(path)?.ok_or_else(|| {
        step(
            "pc_secret_damaged",
            format!("{} cannot be made", path.display()),
        )
    })
}

fn read_pc_secret(path: &Path) -> Result<Option<Vec<u8>>> {
    let Some(bytes) = read_bounded(path, sealed::PC_SECRET_LEN)? else {
        return Ok(None);
    };
    if bytes.len() != sealed::PC_SECRET_LEN {
        return Err(step(
            "pc_secret_damaged",
            format!(
                "{} is damaged: keys made on this PC cannot be opened; move it away and enrol new keys",
                path.display()
            ),
        ));
    }
    Ok(Some(bytes))
}

/// Writes a new file whole, owner-only, never over an existing one.
fn write_new_file(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    let mut file = options.open(path)?;
    file.write_all(bytes)?;
    file.sync_all()
}
