//! The roster opens only with the office key the PC pinned, and only as it was signed.

use desk_core::model::Role;
use desk_trust::roster::{EnrolledKey, Roster, RosterPerson, SignedRoster};
use desk_trust::{KeyPair, TrustError};

fn pair() -> KeyPair {
    KeyPair::generate().unwrap_or_else(|e| panic!("{e}"))
}

fn roster(office: &KeyPair) -> Roster {
    let mut roster = Roster::first("catalog-1", office.public_key(), "2026-12-01T08:00:00Z");
    roster.people.push(RosterPerson {
        person_id: "p-head".into(),
        name: "李处长".into(),
        department_id: Some("d-law".into()),
        roles: vec![Role::SectionHead],
        keys: vec![EnrolledKey {
            public_key: pair().public_key(),
            enrolled_at: "2026-12-01T08:00:00Z".into(),
            revoked_at: None,
        }],
    });
    roster
}

#[test]
fn a_roster_signed_by_the_office_key_opens_with_its_fingerprint() {
    let office = pair();
    let roster = roster(&office);
    let signed = roster.sign(&office).unwrap_or_else(|e| panic!("{e}"));
    let json = serde_json::to_string(&signed).unwrap_or_default();
    let travelled: SignedRoster = serde_json::from_str(&json).unwrap_or_else(|e| panic!("{e}"));
    let pinned = office.public_key().fingerprint();
    assert_eq!(travelled.open(&pinned, "catalog-1"), Ok(roster));
}

#[test]
fn a_roster_changed_after_signing_or_signed_by_another_key_is_refused() {
    let office = pair();
    let pinned = office.public_key().fingerprint();
    let signed = roster(&office)
        .sign(&office)
        .unwrap_or_else(|e| panic!("{e}"));
    // A clerk gives herself the section head's role in the roster's text.
    let mut edited = signed.clone();
    edited.body = edited.body.replace("李处长", "王芳");
    assert_eq!(
        edited.open(&pinned, "catalog-1"),
        Err(TrustError::BadSignature)
    );
    // A roster made and signed by someone's own key, claiming to be the office's.
    let intruder = pair();
    let mut forged = roster(&office);
    forged.office_key = intruder.public_key();
    let forged = forged.sign(&intruder).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        forged.open(&pinned, "catalog-1").map_err(|e| e.code()),
        Err("roster_not_by_office_key")
    );
    // The office's roster body with another key's signature.
    let mut resigned = signed.clone();
    resigned.signature = intruder.sign(resigned.body.as_bytes());
    assert_eq!(
        resigned.open(&pinned, "catalog-1"),
        Err(TrustError::BadSignature)
    );
    // Signing with a key that is not the roster's office key is refused at once.
    assert!(roster(&office).sign(&intruder).is_err());
    // Another catalog's roster, however well signed.
    assert_eq!(
        signed.open(&pinned, "catalog-2").map_err(|e| e.code()),
        Err("roster_damaged")
    );
}

#[test]
fn a_roster_that_does_not_read_is_an_error() {
    let office = pair();
    let pinned = office.public_key().fingerprint();
    let signed = roster(&office)
        .sign(&office)
        .unwrap_or_else(|e| panic!("{e}"));
    for body in ["", "{", "[]", &"x".repeat(5 * 1024 * 1024)] {
        let mut broken = signed.clone();
        broken.body = body.to_string();
        assert_eq!(
            broken.open(&pinned, "catalog-1").map_err(|e| e.code()),
            Err("roster_damaged"),
            "{}",
            body.len()
        );
    }
}
