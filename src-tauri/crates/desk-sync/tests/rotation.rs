//! The office key handed over to a new one, through a real share: the coordinator rotates it,
//! every PC that pinned the old key follows once the rotation has arrived whole, sign-offs made
//! under the old key stay valid, the old password signs nothing more, and a "rotation" endorsed
//! by any other key is not followed.

mod common;

use common::{awaiting_signoff, enrol_devices, set_up_signing, Office};
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::Role;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::SignatureVerdict;
use desk_trust::roster::{Endorsement, SignedRoster};
use desk_trust::{Fingerprint, KeyPair};
use serde_json::Value;

const OLD_PASSWORD: &str = "旧的办公室口令-2026";
const NEW_PASSWORD: &str = "新的办公室口令-2027";
const HEAD_PASSWORD: &str = "处长的口令-2026";
const FORGER: &str = "f3f3f3f3f3f3";

fn pinned(office: &Office, pc: usize) -> Option<Fingerprint> {
    office.pcs[pc]
        .catalog
        .office_fingerprint()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Three PCs that pinned the office key and were enrolled, the head on PC 1 enrolled with her
/// key, an item she signed off; returns the office fingerprint and the item's id.
fn office_with_a_signed_item() -> (Office, Fingerprint, String) {
    let mut office = Office::new(3, 901);
    let fingerprint = set_up_signing(&mut office, OLD_PASSWORD);
    for pc in 1..3 {
        office.pcs[pc]
            .catalog
            .pin_office_key(&fingerprint)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let head_secret = office.pcs[1].secret.clone();
    office
        .at(1)
        .create_personal_key(HEAD_PASSWORD, &head_secret, 1_000)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    // The forger's PC, too, was once enrolled by the office.
    office.pcs[0]
        .catalog
        .note_device_key(FORGER, &common::enrolled_forger_key().public_key(), None)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(enrol_devices(&mut office, OLD_PASSWORD), 3);
    common::sync_all(&mut office, 2);
    let head = office.pcs[1]
        .person
        .clone()
        .unwrap_or_else(|| panic!("no person"));
    let secret = office.pcs[0].secret.clone();
    office
        .at(0)
        .enrol_person(&head.id, &[Role::SectionHead], OLD_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    let item = awaiting_signoff(&mut office, 1, "关于公布办事指南的通知");
    office
        .at(1)
        .sign_off_signed(&item.id, HEAD_PASSWORD, &head_secret)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    for pc in 0..3 {
        assert!(
            matches!(
                common::newest_verdict(&office, pc, &item.id),
                SignatureVerdict::Valid { .. }
            ),
            "pc {pc}"
        );
    }
    (office, fingerprint, item.id)
}

#[test]
fn every_pc_follows_a_rotation_and_what_the_old_key_proved_stays_proven() {
    let (mut office, old, item) = office_with_a_signed_item();
    let secret = office.pcs[0].secret.clone();
    assert_eq!(
        office
            .at(0)
            .rotate_office_key("不对的口令", NEW_PASSWORD, &secret, 1_000)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("wrong_password")
    );
    let new = office
        .at(0)
        .rotate_office_key(OLD_PASSWORD, NEW_PASSWORD, &secret, 1_000)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_ne!(new, old);
    assert_eq!(pinned(&office, 0), Some(new.clone()));
    assert_eq!(pinned(&office, 1), Some(old.clone()), "not synced yet");

    common::sync_all(&mut office, 2);
    for pc in 0..3 {
        assert_eq!(pinned(&office, pc), Some(new.clone()), "pc {pc} follows");
        match common::newest_verdict(&office, pc, &item) {
            SignatureVerdict::Valid { .. } => {}
            other => panic!("pc {pc}: the head's sign-off under the old key: {other:?}"),
        }
        assert_eq!(
            office.pcs[pc]
                .catalog
                .item(&item)
                .map(|i| i.status.is_signed())
                .ok(),
            Some(true),
            "pc {pc}"
        );
    }

    // The old password opens nothing any more; the new one signs the next roster version, which
    // every PC takes under the new key.
    let clerk = office.pcs[2]
        .person
        .clone()
        .unwrap_or_else(|| panic!("no person"));
    assert_eq!(
        office
            .at(0)
            .enrol_person(&clerk.id, &[Role::Clerk], OLD_PASSWORD, &secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("wrong_password")
    );
    let clerk_secret = office.pcs[2].secret.clone();
    office
        .at(2)
        .create_personal_key("王芳的口令-2026", &clerk_secret, 1_000)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    let roster = office
        .at(0)
        .enrol_person(&clerk.id, &[Role::Clerk], NEW_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 2);
    for pc in 0..3 {
        let seen = office.pcs[pc]
            .catalog
            .roster()
            .unwrap_or_else(|e| panic!("{e}"))
            .unwrap_or_else(|| panic!("pc {pc}: no roster"));
        assert_eq!(seen.version, roster.version, "pc {pc}");
        assert_eq!(seen.office_key.fingerprint(), new, "pc {pc}");
    }
    // Every key event is in the log of every PC, in words: signing set up, PCs and people
    // enrolled, keys made, the office key handed over.
    for pc in 0..3 {
        let log = office.pcs[pc]
            .catalog
            .audit_csv(&desk_core::query::AuditQuery {
                author_id: None,
                from: None,
                to: None,
                offset: 0,
                limit: 10_000,
            })
            .unwrap_or_else(|e| panic!("{e}"));
        for said in [
            format!("启用签名，办公室密钥指纹 {old}"),
            "登记电脑".to_string(),
            "（处室负责人），密钥指纹".to_string(),
            "生成个人密钥".to_string(),
            format!("办公室密钥由 {old} 更换为 {new}"),
            "（经办人），密钥指纹".to_string(),
        ] {
            assert!(
                log.contains(&said),
                "pc {pc}: {said} not in the log:\n{log}"
            );
        }
    }
    // A PC asked to pin the old key again says it trusts another.
    assert_eq!(
        office.pcs[1]
            .catalog
            .pin_office_key(&old)
            .map_err(|e| e.code()),
        Err("office_pinned_other")
    );
}

#[test]
fn a_rotation_not_endorsed_by_the_pinned_key_is_not_followed() {
    let (mut office, old, item) = office_with_a_signed_item();
    // The forger, writing from a PC the office once enrolled, publishes the newest roster
    // signed again under a key of hers, endorsed by a key of hers.
    let newest = office.pcs[1]
        .catalog
        .roster()
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("no roster"));
    let catalog_id = office.pcs[1]
        .catalog
        .catalog_id()
        .unwrap_or_else(|e| panic!("{e}"));
    let (hers, endorser) = (
        KeyPair::generate().unwrap_or_else(|e| panic!("{e}")),
        KeyPair::generate().unwrap_or_else(|e| panic!("{e}")),
    );
    let mut ops = Vec::new();
    for version in 1..=newest.version {
        let mut roster = newest.clone();
        roster.version = version;
        roster.office_key = hers.public_key();
        let signed = SignedRoster {
            endorsement: Some(Endorsement::make(
                &catalog_id,
                &endorser,
                &hers.public_key(),
            )),
            ..roster.sign(&hers).unwrap_or_else(|e| panic!("{e}"))
        };
        ops.push(Operation {
            id: format!("{FORGER}:{version}"),
            device_id: FORGER.into(),
            seq: version,
            clock: Hlc {
                wall_ms: office.now(),
                counter: version as u32,
            },
            author_id: "forger".into(),
            entity: EntityKind::Roster,
            entity_id: format!("v{version}-{}", hers.public_key().fingerprint().digits()),
            kind: OpKind::Create,
            field: None,
            old_value: Value::Null,
            new_value: serde_json::to_value(&signed).unwrap_or(Value::Null),
            base: Vec::new(),
            covers: None,
            newer: None,
        });
    }
    common::publish_forged_signed(
        &office,
        FORGER,
        &ops,
        VersionVector::new(),
        Some(common::enrolled_forger_key()),
    );
    common::sync_all(&mut office, 2);
    for pc in 0..3 {
        let stored: i64 = office.pcs[pc]
            .catalog
            .connection()
            .query_row(
                "SELECT count(*) FROM rosters WHERE endorsement IS NOT NULL",
                [],
                |r| r.get(0),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(stored, newest.version as i64, "pc {pc}: it arrived");
        assert_eq!(pinned(&office, pc), Some(old.clone()), "pc {pc} stays");
        assert!(matches!(
            common::newest_verdict(&office, pc, &item),
            SignatureVerdict::Valid { .. }
        ));
    }
}
