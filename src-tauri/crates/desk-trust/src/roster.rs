//! The roster: the office's people (with their roles, department and public keys) and its PCs
//! (with their device keys), in versions, each version signed by the office key. A role counts
//! on a PC only through a roster whose signature checks against the office key that PC pinned.

use crate::error::{Result, TrustError};
use crate::fingerprint::Fingerprint;
use crate::keys::{KeyPair, PublicKey, Signature};
use desk_core::model::Role;
use desk_core::query::KeyEvent;
use desk_core::workflow::Actor;
use serde::{Deserialize, Serialize};

/// What the office key's signature over a roster begins with.
pub const ROSTER_PURPOSE: &str = "disclosure-desk/roster/v1";
/// A roster larger than this is not read (a few thousand people with several keys each fit).
pub const MAX_ROSTER_BYTES: usize = 4 * 1024 * 1024;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Roster {
    pub catalog_id: String,
    /// 1 for the first; each change signs the next.
    pub version: u64,
    /// RFC 3339, UTC.
    pub issued_at: String,
    pub office_key: PublicKey,
    pub people: Vec<RosterPerson>,
    pub devices: Vec<RosterDevice>,
    /// Office keys this one replaced, oldest first (see [`Endorsement`]): what they signed for
    /// the office themselves (an acceptance) stays the office's.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub previous_office_keys: Vec<PublicKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterPerson {
    pub person_id: String,
    pub name: String,
    pub department_id: Option<String>,
    pub roles: Vec<Role>,
    /// Every key the person has had: a forgotten password means a new one, and signatures made
    /// with the old one stay valid up to its revocation.
    pub keys: Vec<EnrolledKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RosterDevice {
    pub device_id: String,
    pub keys: Vec<EnrolledKey>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EnrolledKey {
    pub public_key: PublicKey,
    /// RFC 3339, UTC.
    pub enrolled_at: String,
    #[serde(default)]
    pub revoked_at: Option<String>,
}

impl EnrolledKey {
    /// Whether the key may sign at `at` (RFC 3339, UTC; such times order as text).
    pub fn valid_at(&self, at: &str) -> bool {
        self.enrolled_at.as_str() <= at
            && self
                .revoked_at
                .as_deref()
                .is_none_or(|revoked| at < revoked)
    }
}

impl Roster {
    /// The first roster of a catalog: nobody enrolled yet.
    pub fn first(catalog_id: &str, office_key: PublicKey, issued_at: &str) -> Roster {
        Roster {
            catalog_id: catalog_id.into(),
            version: 1,
            issued_at: issued_at.into(),
            office_key,
            people: Vec::new(),
            devices: Vec::new(),
            previous_office_keys: Vec::new(),
        }
    }

    pub fn person(&self, person_id: &str) -> Option<&RosterPerson> {
        self.people.iter().find(|p| p.person_id == person_id)
    }

    pub fn device(&self, device_id: &str) -> Option<&RosterDevice> {
        self.devices.iter().find(|d| d.device_id == device_id)
    }

    /// The person's key with this public part, whatever its state.
    pub fn person_key(&self, person_id: &str, key: &PublicKey) -> Option<&EnrolledKey> {
        self.person(person_id)?
            .keys
            .iter()
            .find(|k| &k.public_key == key)
    }

    /// Whether `key` may sign segments for `device_id` at `at` (RFC 3339, UTC). A device's
    /// changes made before its enrolment count once it is enrolled: they waited, they are not
    /// refused; only a revocation ends what a key may sign.
    pub fn device_verdict(&self, device_id: &str, key: &PublicKey, at: &str) -> DeviceVerdict {
        let Some(enrolled) = self
            .device(device_id)
            .and_then(|d| d.keys.iter().find(|k| &k.public_key == key))
        else {
            return DeviceVerdict::NotEnrolled;
        };
        match enrolled.revoked_at.as_deref() {
            Some(revoked) if revoked <= at => DeviceVerdict::Revoked {
                at: revoked.to_string(),
            },
            _ => DeviceVerdict::Valid,
        }
    }

    /// The person as the workflow's rules see them.
    pub fn actor(&self, person_id: &str) -> Option<Actor<'_>> {
        self.person(person_id).map(|p| Actor {
            person_id: &p.person_id,
            department_id: p.department_id.as_deref(),
            roles: &p.roles,
        })
    }

    /// Signs this version with the office key.
    pub fn sign(&self, office: &KeyPair) -> Result<SignedRoster> {
        if office.public_key() != self.office_key {
            return Err(TrustError::RosterNotByOfficeKey {
                expected: self.office_key.fingerprint().to_string(),
                found: office.public_key().fingerprint().to_string(),
            });
        }
        let body =
            serde_json::to_string(self).map_err(|e| TrustError::RosterDamaged(e.to_string()))?;
        let signature = office.sign(&message(&body));
        Ok(SignedRoster {
            body,
            signature,
            endorsement: None,
        })
    }
}

/// What the office key signs over when it hands over to a new one (a rotation).
pub const ROTATION_PURPOSE: &str = "disclosure-desk/office-rotation/v1";

/// The old office key's signature naming the new one for a catalog: a PC that pinned the old key
/// follows it to the new one, and a bundle signed under the new key verifies against the old
/// fingerprint.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Endorsement {
    pub previous_key: PublicKey,
    pub signature: Signature,
}

impl Endorsement {
    pub fn make(catalog_id: &str, previous: &KeyPair, next: &PublicKey) -> Endorsement {
        let previous_key = previous.public_key();
        Endorsement {
            signature: previous.sign(&rotation_message(catalog_id, &previous_key, next)),
            previous_key,
        }
    }

    /// Whether the previous key named `next` as the office key of `catalog_id`.
    pub fn holds(&self, catalog_id: &str, next: &PublicKey) -> bool {
        self.previous_key
            .verify(
                &rotation_message(catalog_id, &self.previous_key, next),
                &self.signature,
            )
            .is_ok()
    }
}

fn rotation_message(catalog_id: &str, previous: &PublicKey, next: &PublicKey) -> Vec<u8> {
    serde_json::to_vec(&[
        ROTATION_PURPOSE,
        catalog_id,
        &previous.to_hex(),
        &next.to_hex(),
    ])
    .unwrap_or_default()
}

/// What changed from `prev` to `next`, as the log tells it: a roster version is one signed act
/// of the office, and this is what it did.
pub fn changes(prev: Option<&Roster>, next: &Roster) -> Vec<KeyEvent> {
    let mut events = Vec::new();
    let Some(prev) = prev else {
        events.push(KeyEvent::SetUp {
            office_fingerprint: next.office_key.fingerprint().to_string(),
        });
        return events;
    };
    if prev.office_key != next.office_key {
        events.push(KeyEvent::OfficeKeyRotated {
            from: prev.office_key.fingerprint().to_string(),
            to: next.office_key.fingerprint().to_string(),
        });
    }
    for person in &next.people {
        let before = prev.person(&person.person_id);
        key_changes(
            before.map(|b| b.keys.as_slice()),
            &person.keys,
            &person.name,
            |fingerprint| KeyEvent::PersonEnrolled {
                name: person.name.clone(),
                roles: person.roles.clone(),
                fingerprint,
            },
            &mut events,
        );
        if let Some(before) = before {
            let new_keys = person
                .keys
                .iter()
                .any(|k| !before.keys.iter().any(|b| b.public_key == k.public_key));
            if before.roles != person.roles && !new_keys {
                events.push(KeyEvent::RolesChanged {
                    name: person.name.clone(),
                    roles: person.roles.clone(),
                });
            }
        }
    }
    for device in &next.devices {
        key_changes(
            prev.device(&device.device_id).map(|b| b.keys.as_slice()),
            &device.keys,
            &device.device_id,
            |fingerprint| KeyEvent::DeviceEnrolled {
                device_id: device.device_id.clone(),
                fingerprint,
            },
            &mut events,
        );
    }
    events
}

/// The keys of one person or PC enrolled (`enrolled`, given the fingerprint) or revoked from
/// `before` to `after`.
fn key_changes(
    before: Option<&[EnrolledKey]>,
    after: &[EnrolledKey],
    owner: &str,
    enrolled: impl Fn(String) -> KeyEvent,
    events: &mut Vec<KeyEvent>,
) {
    for key in after {
        let fingerprint = key.public_key.fingerprint().to_string();
        let was = before.and_then(|b| b.iter().find(|k| k.public_key == key.public_key));
        match (was, &key.revoked_at) {
            (None, _) => events.push(enrolled(fingerprint)),
            (Some(was), Some(_)) if was.revoked_at.is_none() => events.push(KeyEvent::KeyRevoked {
                owner: owner.to_string(),
                fingerprint,
            }),
            _ => {}
        }
    }
}

/// What the roster says of a device key signing a segment.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceVerdict {
    Valid,
    /// Not (yet) enrolled for that device: its segments wait for the office to enrol it.
    NotEnrolled,
    /// Revoked before the segment was made.
    Revoked {
        at: String,
    },
}

/// A roster version as it travels: its exact text and the office key's signature over it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SignedRoster {
    pub body: String,
    pub signature: Signature,
    /// Present on the versions a rotation signed again under a new office key.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub endorsement: Option<Endorsement>,
}

impl SignedRoster {
    /// The roster, once its signature checks against the office key `pinned` names, and it is
    /// the roster of `catalog_id`.
    pub fn open(&self, pinned: &Fingerprint, catalog_id: &str) -> Result<Roster> {
        if self.body.len() > MAX_ROSTER_BYTES {
            return Err(TrustError::RosterDamaged("the roster is too large".into()));
        }
        let roster: Roster = serde_json::from_str(&self.body)
            .map_err(|e| TrustError::RosterDamaged(e.to_string()))?;
        let found = roster.office_key.fingerprint();
        if &found != pinned {
            return Err(TrustError::RosterNotByOfficeKey {
                expected: pinned.to_string(),
                found: found.to_string(),
            });
        }
        roster
            .office_key
            .verify(&message(&self.body), &self.signature)?;
        if roster.catalog_id != catalog_id {
            return Err(TrustError::RosterDamaged(format!(
                "it is the roster of catalog {}, not of this one",
                roster.catalog_id
            )));
        }
        Ok(roster)
    }
}

impl SignedRoster {
    /// The roster, when it is signed by its own office key and that key was named by an
    /// endorsement of the office key `pinned` names (a rotation away from the pinned key).
    pub fn open_rotated(&self, pinned: &Fingerprint, catalog_id: &str) -> Result<Roster> {
        if self.body.len() > MAX_ROSTER_BYTES {
            return Err(TrustError::RosterDamaged("the roster is too large".into()));
        }
        let roster: Roster = serde_json::from_str(&self.body)
            .map_err(|e| TrustError::RosterDamaged(e.to_string()))?;
        let endorsed = self.endorsement.as_ref().is_some_and(|e| {
            &e.previous_key.fingerprint() == pinned && e.holds(catalog_id, &roster.office_key)
        });
        if !endorsed {
            return Err(TrustError::RosterNotByOfficeKey {
                expected: pinned.to_string(),
                found: roster.office_key.fingerprint().to_string(),
            });
        }
        self.open(&roster.office_key.fingerprint(), catalog_id)
    }
}

fn message(body: &str) -> Vec<u8> {
    let mut message = Vec::with_capacity(ROSTER_PURPOSE.len() + 1 + body.len());
    message.extend_from_slice(ROSTER_PURPOSE.as_bytes());
    message.push(b'\n');
    message.extend_from_slice(body.as_bytes());
    message
}

/// A person's public key made on their PC, published for the office to enrol. Unsigned: the
/// coordinator compares its fingerprint with the one the person's screen shows before enrolling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeyRequest {
    pub person_id: String,
    pub public_key: PublicKey,
    pub device_id: String,
    /// RFC 3339, UTC.
    pub requested_at: String,
}
