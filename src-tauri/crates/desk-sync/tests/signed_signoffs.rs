//! Signed sign-offs through a real share: a section head enrolled by the office signs with her
//! key and every PC says 签名有效; a clerk who made herself section head on her own PC, a plain
//! sign-off where signing is set up, a signature copied onto another item, and a revoked key are
//! all refused by name.

mod common;

use common::{awaiting_signoff, Office};
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::{Person, Role};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::SignatureVerdict;
use desk_core::sync::KeptAsideReason;
use desk_core::workflow::Action;
use serde_json::Value;

const FAST: u32 = 1_000;
const OFFICE_PASSWORD: &str = "办公室口令-2026";
const HEAD_PASSWORD: &str = "处长的口令-2026";
const CLERK_PASSWORD: &str = "王芳的口令-2026";
const FORGER: &str = "f2f2f2f2f2f2";

fn invalid_code(verdict: SignatureVerdict) -> String {
    match verdict {
        SignatureVerdict::Invalid { code, .. } => code,
        other => panic!("expected an invalid signature, got {other:?}"),
    }
}

#[test]
fn a_section_head_enrolled_by_the_office_signs_and_every_pc_checks_it_while_forgeries_fail() {
    let mut office = Office::new(2, 401);
    let (coordinator_secret, head_secret) =
        (office.pcs[0].secret.clone(), office.pcs[1].secret.clone());
    let fingerprint = office.pcs[0]
        .catalog
        .set_up_office(OFFICE_PASSWORD, &coordinator_secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    office.pcs[1]
        .catalog
        .pin_office_key(&fingerprint)
        .unwrap_or_else(|e| panic!("{e}"));
    let head = office.pcs[1]
        .person
        .clone()
        .unwrap_or_else(|| panic!("no person"));
    office.pcs[1]
        .catalog
        .create_personal_key(HEAD_PASSWORD, &head_secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    // 王芳, a clerk on the coordinator's PC, registered there as a section head by her own hand.
    let clerk = office.pcs[0]
        .catalog
        .save_person(Person {
            id: String::new(),
            name: "王芳".into(),
            department_id: Some(office.department.clone()),
            roles: vec![Role::Clerk, Role::SectionHead],
        })
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    // The office enrols the head's PC, and one that will fall into a forger's hands: what it
    // writes below arrives, signed by an enrolled device key.
    office.pcs[0]
        .catalog
        .note_device_key(FORGER, &common::enrolled_forger_key().public_key(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(common::enrol_devices(&mut office, OFFICE_PASSWORD), 2);
    common::sync_all(&mut office, 2);
    office.pcs[0]
        .catalog
        .enrol_person(
            &head.id,
            &[Role::SectionHead],
            OFFICE_PASSWORD,
            &coordinator_secret,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);

    // A plain sign-off is refused where signing is set up.
    let first = awaiting_signoff(&mut office, 1, "关于招生的通知");
    assert_eq!(
        office
            .at(1)
            .act(&first.id, Action::SignOff, "")
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("signing_required")
    );
    assert_eq!(
        office
            .at(1)
            .sign_off_signed(&first.id, "不对的口令", &head_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("wrong_password")
    );
    let signed = office
        .at(1)
        .sign_off_signed(&first.id, HEAD_PASSWORD, &head_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(signed.status.is_signed());
    common::sync_all(&mut office, 2);
    for pc in 0..2 {
        match common::newest_verdict(&office, pc, &first.id) {
            SignatureVerdict::Valid { roster_version, .. } => assert_eq!(roster_version, 4),
            other => panic!("pc {pc}: {other:?}"),
        }
    }

    // The clerk's own PC calls her a section head; the roster does not.
    office.pcs[0]
        .catalog
        .set_current_person(&clerk.id)
        .unwrap_or_else(|e| panic!("{e}"));
    office.pcs[0]
        .catalog
        .create_personal_key(CLERK_PASSWORD, &coordinator_secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    let second = awaiting_signoff(&mut office, 0, "做好招生政策解读");
    assert_eq!(
        office
            .at(0)
            .sign_off_signed(&second.id, CLERK_PASSWORD, &coordinator_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("key_not_enrolled"),
        "a key nobody enrolled signs nothing"
    );
    office.pcs[0]
        .catalog
        .enrol_person(
            &clerk.id,
            &[Role::Clerk],
            OFFICE_PASSWORD,
            &coordinator_secret,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        office
            .at(0)
            .sign_off_signed(&second.id, CLERK_PASSWORD, &coordinator_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("workflow_not_entitled"),
        "the roster's roles count, not the registry's"
    );

    // The head's valid signature copied onto another item, forged into the share.
    common::sync_all(&mut office, 2);
    let mut copied = office.pcs[0]
        .catalog
        .signoffs(&first.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .remove(0);
    copied.id = "forged-signoff".into();
    copied.item_id = second.id.clone();
    publish_forged(
        &office,
        EntityKind::Signoff,
        &copied.id.clone(),
        serde_json::to_value(&copied).unwrap_or(Value::Null),
        &head.id,
    );
    common::sync_all(&mut office, 2);
    for pc in 0..2 {
        let catalog = &office.pcs[pc].catalog;
        assert!(
            catalog
                .signoffs(&second.id)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty(),
            "pc {pc}: a copied signature is no sign-off"
        );
        let kept = desk_sync::status(catalog)
            .unwrap_or_else(|e| panic!("{e}"))
            .kept_aside;
        assert_eq!(kept.len(), 1, "pc {pc}: {kept:?}");
        assert_eq!(kept[0].reason, KeptAsideReason::SignatureInvalid, "pc {pc}");
        assert_eq!(
            kept[0].device_id, FORGER,
            "pc {pc}: the PC it came from is named"
        );
        assert!(
            kept[0].message.contains("signoff_bad_signature"),
            "pc {pc}: {}",
            kept[0].message
        );
    }
    // The verdict itself, of the copied record as it would read here.
    assert_eq!(
        invalid_code(
            office.pcs[1]
                .catalog
                .signature_verdict(&copied)
                .unwrap_or_else(|e| panic!("{e}"))
        ),
        "signoff_bad_signature"
    );

    // The head's key is revoked: she signs nothing more, and her earlier signature stays valid.
    let head_key = office.pcs[1]
        .catalog
        .key_request(&head.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no key"))
        .public_key
        .fingerprint();
    office.tick();
    office.pcs[0]
        .catalog
        .revoke_key(&head_key, OFFICE_PASSWORD, &coordinator_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    let third = awaiting_signoff(&mut office, 1, "第三项");
    assert_eq!(
        office
            .at(1)
            .sign_off_signed(&third.id, HEAD_PASSWORD, &head_secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("key_not_enrolled")
    );
    assert!(matches!(
        common::newest_verdict(&office, 1, &first.id),
        SignatureVerdict::Valid { .. }
    ));
}

/// Writes a whole, valid segment of one operation under a device no PC has.
fn publish_forged(
    office: &Office,
    entity: EntityKind,
    entity_id: &str,
    value: Value,
    author: &str,
) {
    let op = Operation {
        id: format!("{FORGER}:1"),
        device_id: FORGER.into(),
        seq: 1,
        clock: Hlc {
            wall_ms: office.now(),
            counter: 0,
        },
        author_id: author.into(),
        entity,
        entity_id: entity_id.into(),
        kind: OpKind::Create,
        field: None,
        old_value: Value::Null,
        new_value: value,
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
