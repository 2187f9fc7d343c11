//! The office-signed roster through a real share: the coordinator sets up signing, a section head
//! makes her key on her own PC, the coordinator enrols it, and every PC that pinned the office key
//! sees the same roster. Rosters forged on the share, by another key or changed after signing,
//! never count; a key file does not open on another PC or with a wrong password.

mod common;

use common::Office;
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::Role;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_trust::roster::{Roster, SignedRoster};
use desk_trust::{Fingerprint, KeyPair};
use serde_json::Value;

const FAST: u32 = 1_000;
const OFFICE_PASSWORD: &str = "办公室口令-2026";
const HEAD_PASSWORD: &str = "处长的口令-2026";
const FORGER: &str = "f1f1f1f1f1f1";

fn secret(dir: &tempfile::TempDir) -> Vec<u8> {
    desk_store::pc_secret(&dir.path().join("pc-secret")).unwrap_or_else(|e| panic!("{e}"))
}

fn version(office: &Office, pc: usize) -> Option<u64> {
    office.pcs[pc]
        .catalog
        .roster()
        .unwrap_or_else(|e| panic!("{e}"))
        .map(|r| r.version)
}

/// Writes a whole, valid segment holding one roster operation under a device no PC has.
fn publish_forged_roster(office: &Office, signed: &SignedRoster, roster: &Roster, seq: u64) {
    let op = Operation {
        id: format!("{FORGER}:{seq}"),
        device_id: FORGER.into(),
        seq,
        clock: Hlc {
            wall_ms: office.now(),
            counter: 0,
        },
        author_id: "forger".into(),
        entity: EntityKind::Roster,
        entity_id: format!(
            "v{}-{}",
            roster.version,
            roster.office_key.fingerprint().digits()
        ),
        kind: OpKind::Create,
        field: None,
        old_value: Value::Null,
        new_value: serde_json::to_value(signed).unwrap_or(Value::Null),
        base: Vec::new(),
        covers: None,
        newer: None,
    };
    common::publish_forged_signed(
        office,
        FORGER,
        &[op],
        VersionVector::new(),
        Some(common::enrolled_forger_key()),
    );
}

#[test]
fn the_roster_travels_by_sync_and_only_versions_signed_by_the_pinned_office_key_count() {
    let mut office = Office::new(2, 301);
    let (coordinator_secret, head_secret) =
        (office.pcs[0].secret.clone(), office.pcs[1].secret.clone());

    // The coordinator sets up signing; the fingerprint is read out to the other PC.
    let fingerprint = office.pcs[0]
        .catalog
        .set_up_office(OFFICE_PASSWORD, &coordinator_secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        office.pcs[0]
            .catalog
            .set_up_office(OFFICE_PASSWORD, &coordinator_secret, FAST)
            .map_err(|e| e.code()),
        Err("office_already_set_up")
    );
    common::sync_all(&mut office, 2);
    assert_eq!(version(&office, 0), Some(1));
    assert_eq!(
        version(&office, 1),
        None,
        "nothing counts before the key is pinned"
    );
    let typed = Fingerprint::parse(&fingerprint.to_string().replace(' ', "-"))
        .unwrap_or_else(|e| panic!("{e}"));
    office.pcs[1]
        .catalog
        .pin_office_key(&typed)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(version(&office, 1), Some(1));

    // Having pinned, the PC signs what it publishes with its device key; the coordinator's PC
    // waits for its changes until the office enrols that key. The office also enrols a PC that
    // will fall into a forger's hands: what it writes below arrives, signed by an enrolled key.
    common::sync_all(&mut office, 2);
    office.pcs[0]
        .catalog
        .note_device_key(FORGER, &common::enrolled_forger_key().public_key(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(common::enrol_devices(&mut office, OFFICE_PASSWORD), 2);
    common::sync_all(&mut office, 2);
    assert_eq!(version(&office, 1), Some(3), "a version per PC enrolled");

    // The section head makes her key on her own PC; it reaches the coordinator, who enrols it.
    let head = office.pcs[1]
        .person
        .clone()
        .unwrap_or_else(|| panic!("no person"));
    let head_key = office.pcs[1]
        .catalog
        .create_personal_key(HEAD_PASSWORD, &head_secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    let request = office.pcs[0]
        .catalog
        .key_request(&head.id)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        request.map(|r| r.public_key.fingerprint()),
        Some(head_key.clone())
    );
    assert_eq!(
        office.pcs[0]
            .catalog
            .enrol_person(
                &head.id,
                &[Role::SectionHead],
                "wrong password",
                &coordinator_secret
            )
            .map_err(|e| e.code()),
        Err("wrong_password")
    );
    assert_eq!(
        office.pcs[1]
            .catalog
            .enrol_person(
                &head.id,
                &[Role::Coordinator],
                OFFICE_PASSWORD,
                &head_secret
            )
            .map_err(|e| e.code()),
        Err("office_key_not_here"),
        "the office key is on the coordinator's PC only"
    );
    let roster = office.pcs[0]
        .catalog
        .enrol_person(
            &head.id,
            &[Role::SectionHead],
            OFFICE_PASSWORD,
            &coordinator_secret,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(roster.version, 4);
    common::sync_all(&mut office, 2);
    for pc in 0..2 {
        let roster = office.pcs[pc]
            .catalog
            .roster()
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("pc {pc}: no roster"));
        assert_eq!(roster.version, 4, "pc {pc}");
        let entry = roster
            .person(&head.id)
            .unwrap_or_else(|| panic!("pc {pc}: not enrolled"));
        assert_eq!(entry.roles, vec![Role::SectionHead]);
        assert_eq!(entry.keys[0].public_key.fingerprint(), head_key);
    }

    // A roster forged on the share: made and signed by another key, naming it as the office's.
    let intruder = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let mut forged = roster.clone();
    forged.version = 5;
    forged.office_key = intruder.public_key();
    forged.people[0].roles = vec![Role::Coordinator, Role::SectionHead];
    let signed = forged.sign(&intruder).unwrap_or_else(|e| panic!("{e}"));
    publish_forged_roster(&office, &signed, &forged, 1);
    // And one naming the real office key, changed after it was signed.
    let mut changed = roster.clone();
    changed.version = 6;
    let honest = changed.sign(&intruder).err();
    assert!(
        honest.is_some(),
        "only the office key signs a roster naming it"
    );
    let mut resigned = SignedRoster {
        body: serde_json::to_string(&changed).unwrap_or_default(),
        signature: intruder.sign(b"anything"),
        endorsement: None,
    };
    resigned.body = resigned.body.replace("section_head", "coordinator");
    let changed: Roster = serde_json::from_str(&resigned.body).unwrap_or_else(|e| panic!("{e}"));
    publish_forged_roster(&office, &resigned, &changed, 2);
    common::sync_all(&mut office, 2);
    for pc in 0..2 {
        // Both arrived and are stored (the test would prove nothing otherwise), and neither counts.
        let stored: i64 = office.pcs[pc]
            .catalog
            .connection()
            .query_row("SELECT count(*) FROM rosters", [], |r| r.get(0))
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, 6, "pc {pc}");
        assert_eq!(
            version(&office, pc),
            Some(4),
            "pc {pc}: a forged roster counted"
        );
    }

    // The head's key file does not open with a wrong password, nor copied to another PC.
    assert_eq!(
        office.pcs[1]
            .catalog
            .open_personal_key("不对的口令", &head_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("wrong_password")
    );
    let pair = office.pcs[1]
        .catalog
        .open_personal_key(HEAD_PASSWORD, &head_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(pair.public_key().fingerprint(), head_key);
    assert_eq!(
        office.pcs[1]
            .catalog
            .open_personal_key(HEAD_PASSWORD, &coordinator_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("key_of_another_pc")
    );

    // A revoked key stays in the roster with the time of its revocation.
    let roster = office.pcs[0]
        .catalog
        .revoke_key(&head_key, OFFICE_PASSWORD, &coordinator_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(roster.version, 5);
    common::sync_all(&mut office, 2);
    let seen = office.pcs[1]
        .catalog
        .roster()
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no roster"));
    assert_eq!(seen.version, 5);
    assert!(seen
        .person(&head.id)
        .is_some_and(|p| p.keys[0].revoked_at.is_some()));
    assert_eq!(
        office.pcs[0]
            .catalog
            .revoke_key(&head_key, OFFICE_PASSWORD, &coordinator_secret)
            .map_err(|e| e.code()),
        Err("key_not_enrolled")
    );
}

#[test]
fn a_pc_that_pinned_one_office_key_refuses_another() {
    let mut office = Office::new(1, 302);
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let fingerprint = office.pcs[0]
        .catalog
        .set_up_office(OFFICE_PASSWORD, &secret(&dir), FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    let other = KeyPair::generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key()
        .fingerprint();
    assert_eq!(
        office.pcs[0]
            .catalog
            .pin_office_key(&other)
            .map_err(|e| e.code()),
        Err("office_pinned_other")
    );
    assert_eq!(
        office.pcs[0].catalog.office_fingerprint().ok().flatten(),
        Some(fingerprint)
    );
    assert_eq!(
        office.pcs[0]
            .catalog
            .set_up_office("short", &secret(&dir), FAST)
            .map_err(|e| e.code()),
        Err("office_already_set_up")
    );
    let _ = office.sync(0);
}
