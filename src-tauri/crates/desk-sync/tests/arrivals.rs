//! Arrivals obey the workflow: status changes, sign-offs and new items written into the share by
//! hand (as a hostile or broken PC would) are checked as if they were made here. A jump past
//! the workflow, a sign-off by nobody, an item born signed, and a walk to 已签批 with required
//! checks open move nothing; every PC keeps the forgeries aside and names where they came from.

mod common;

use common::add_item;

use common::{awaiting_signoff, dump, Office};
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::{Item, Status};
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::signoff::{SignBasis, Signoff};
use desk_core::sync::KeptAsideReason;
use desk_core::workflow::Action;
use serde_json::{json, Value};

/// The device id the forged segments are written under (no PC of the office has it).
const FORGER: &str = "f4f4f4f4f4f4";

/// The forger's operations, numbered from 1, each one tick of its clock after the last.
struct Forger {
    ops: Vec<Operation>,
    /// The forger's last status change, which the next one overwrites (as a real writer names
    /// the value it replaced).
    last_status: Option<String>,
    next_seq: u64,
    wall_ms: i64,
    author: String,
    /// Where the office signs: the device key of a PC it enrolled, now in a forger's hands.
    device_key: Option<desk_trust::KeyPair>,
}

impl Forger {
    fn new(office: &Office, author: &str) -> Forger {
        Forger {
            ops: Vec::new(),
            last_status: None,
            next_seq: 1,
            wall_ms: office.now(),
            author: author.into(),
            device_key: None,
        }
    }

    /// A forger writing from a PC the office enrolled: what it publishes is signed by a device
    /// key the roster holds, so only the rules on each operation stand in its way.
    fn enrolled(office: &mut Office, author: &str) -> Forger {
        let key = desk_trust::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
        office.pcs[0]
            .catalog
            .note_device_key(FORGER, &key.public_key(), None)
            .unwrap_or_else(|e| panic!("{e}"));
        common::enrol_devices(office, OFFICE_PASSWORD);
        Forger {
            device_key: Some(key),
            ..Forger::new(office, author)
        }
    }

    #[allow(clippy::too_many_arguments)]
    fn push(
        &mut self,
        entity: EntityKind,
        entity_id: &str,
        kind: OpKind,
        field: Option<&str>,
        old_value: Value,
        new_value: Value,
    ) {
        let seq = self.next_seq;
        self.next_seq += 1;
        self.ops.push(Operation {
            id: format!("{FORGER}:{seq}"),
            device_id: FORGER.into(),
            seq,
            clock: Hlc {
                wall_ms: self.wall_ms,
                counter: seq as u32,
            },
            author_id: self.author.clone(),
            entity,
            entity_id: entity_id.into(),
            kind,
            field: field.map(String::from),
            old_value,
            new_value,
            base: Vec::new(),
            covers: None,
            newer: None,
        });
    }

    fn status(&mut self, item: &str, from: &str, to: &str) {
        self.push(
            EntityKind::Item,
            item,
            OpKind::Set,
            Some("status"),
            json!(from),
            json!(to),
        );
        if let Some(op) = self.ops.last_mut() {
            op.base = self.last_status.iter().cloned().collect();
            self.last_status = Some(op.id.clone());
        }
    }

    /// A sign-off record of `item` as PC 1 evaluates its content, in `signer`'s name, unsigned.
    fn signoff(&mut self, office: &Office, item: &Item, signer: &str) -> String {
        let content_hash = desk_core::signoff::content_hash(item, &checks_of(office, 1, item));
        let record = Signoff {
            id: format!("forged-signoff-{}", self.next_seq),
            item_id: item.id.clone(),
            signer_id: signer.into(),
            signer_name: "伪造者".into(),
            basis: SignBasis::SectionHead,
            at: "2026-12-01T08:00:00Z".into(),
            device_id: FORGER.into(),
            content_hash,
            form_version: desk_core::signoff::CANONICAL_FORM_VERSION,
            signature: None,
        };
        let id = record.id.clone();
        self.push(
            EntityKind::Signoff,
            &id,
            OpKind::Create,
            None,
            Value::Null,
            serde_json::to_value(&record).unwrap_or(Value::Null),
        );
        id
    }

    /// Writes the operations so far as one whole segment that claims to have seen what `pc`
    /// has.
    fn publish(&mut self, office: &Office, pc: usize) {
        let seen: VersionVector = office.pcs[pc]
            .catalog
            .version_vector()
            .unwrap_or_else(|e| panic!("{e}"));
        common::publish_forged_signed(
            office,
            FORGER,
            &std::mem::take(&mut self.ops),
            seen,
            self.device_key.as_ref(),
        );
        self.wall_ms = office.now();
    }
}

/// The item's checklist as `pc` evaluates it for `item`.
fn checks_of(office: &Office, pc: usize, item: &Item) -> Vec<desk_core::checklist::CheckView> {
    office.pcs[pc]
        .catalog
        .export_checklists(&[item])
        .unwrap_or_else(|e| panic!("{e}"))
        .pop()
        .unwrap_or_default()
}

const OFFICE_PASSWORD: &str = "办公室口令-2026";

/// Signing set up on PC 0 (the coordinator's); the fingerprint to pin elsewhere.
fn set_up_signing(office: &mut Office) -> desk_trust::Fingerprint {
    common::set_up_signing(office, OFFICE_PASSWORD)
}

/// The id of the person working on `pc`.
fn person_of(office: &Office, pc: usize) -> String {
    office.pcs[pc]
        .person
        .as_ref()
        .map(|p| p.id.clone())
        .unwrap_or_default()
}

fn item_on(office: &Office, pc: usize, id: &str) -> Item {
    office.pcs[pc]
        .catalog
        .item(id)
        .unwrap_or_else(|e| panic!("{e}"))
}

fn status_on(office: &Office, pc: usize, id: &str) -> Status {
    item_on(office, pc, id).status
}

/// What `pc` keeps aside, oldest first.
fn kept(office: &Office, pc: usize) -> Vec<desk_core::sync::KeptAsideOp> {
    desk_sync::status(&office.pcs[pc].catalog)
        .unwrap_or_else(|e| panic!("{e}"))
        .kept_aside
}

/// The sequence number of an operation id (`device:seq`).
fn seq_of(op_id: &str) -> u64 {
    op_id
        .rsplit(':')
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0)
}

/// The kept-aside operations of `pc`, each checked to name the forger's PC and author.
fn alerts(office: &Office, pc: usize, author: &str) -> Vec<(u64, KeptAsideReason)> {
    let mut out: Vec<(u64, KeptAsideReason)> = kept(office, pc)
        .into_iter()
        .map(|k| {
            assert_eq!(k.device_id, FORGER, "pc {pc}: the PC it came from is named");
            assert_eq!(
                k.author_id, author,
                "pc {pc}: the person it claims is named"
            );
            (seq_of(&k.op_id), k.reason)
        })
        .collect();
    out.sort_by_key(|(seq, _)| *seq);
    out
}

fn assert_same_everywhere(office: &Office) {
    let first = dump(&office.pcs[0].catalog);
    for pc in 1..office.pcs.len() {
        // Compared as text, so a failure names the first difference instead of printing both.
        let (a, b) = (first.to_string(), dump(&office.pcs[pc].catalog).to_string());
        if let Some(at) = a.bytes().zip(b.bytes()).position(|(x, y)| x != y) {
            let from = at.saturating_sub(200);
            panic!(
                "PC {pc} differs from PC 0 at byte {at}:\n{}\n{}",
                a.get(from..(at + 200).min(a.len())).unwrap_or(""),
                b.get(from..(at + 200).min(b.len())).unwrap_or("")
            );
        }
        assert_eq!(a.len(), b.len(), "PC {pc} differs from PC 0 in length");
    }
}

#[test]
fn a_jump_from_draft_to_signed_off_and_an_item_born_signed_move_nothing() {
    let mut office = Office::new(2, 501);
    let draft = add_item(&mut office, 0, "关于做好2026年招生工作的通知");
    common::sync_all(&mut office, 3);
    let head = person_of(&office, 0);

    let mut forger = Forger::new(&office, &head);
    forger.status(&draft.id, "draft", "signed_off");
    let mut born_signed = Item::blank("born-signed".into());
    born_signed.title = "从未审查的事项".into();
    born_signed.status = Status::SignedOff;
    forger.push(
        EntityKind::Item,
        "born-signed",
        OpKind::Create,
        None,
        Value::Null,
        serde_json::to_value(&born_signed).unwrap_or(Value::Null),
    );
    // One honest-looking edit beside them still applies.
    forger.push(
        EntityKind::Item,
        &draft.id,
        OpKind::Set,
        Some("summary"),
        json!(""),
        json!("补充摘要"),
    );
    forger.publish(&office, 0);
    common::sync_all(&mut office, 3);

    for pc in 0..2 {
        assert_eq!(status_on(&office, pc, &draft.id), Status::Draft, "pc {pc}");
        assert!(
            office.pcs[pc].catalog.item("born-signed").is_err(),
            "pc {pc}: an item born signed is not taken"
        );
        assert_eq!(
            alerts(&office, pc, &head),
            vec![
                (1, KeptAsideReason::RefusedTransition),
                (2, KeptAsideReason::RefusedTransition)
            ],
            "pc {pc}"
        );
        assert_eq!(
            item_on(&office, pc, &draft.id).summary,
            "补充摘要",
            "pc {pc}: the rest of the segment applies"
        );
    }
    assert_same_everywhere(&office);
}

#[test]
fn a_walk_to_signed_off_with_required_checks_open_returns_to_review_everywhere() {
    let mut office = Office::new(2, 502);
    let item = add_item(&mut office, 0, "做好义务教育招生政策解读");
    common::sync_all(&mut office, 3);
    // The forger writes as 处长0, a section head of the lead department the registry knows,
    // along the workflow's own edges, but with none of the twelve required checks passed.
    let head = person_of(&office, 0);
    let mut forger = Forger::new(&office, &head);
    forger.status(&item.id, "draft", "in_review");
    forger.status(&item.id, "in_review", "awaiting_signoff");
    let mut reviewed = item_on(&office, 1, &item.id);
    reviewed.status = Status::AwaitingSignoff;
    forger.signoff(&office, &reviewed, &head);
    forger.status(&item.id, "awaiting_signoff", "signed_off");
    forger.publish(&office, 1);
    common::sync_all(&mut office, 3);

    for pc in 0..2 {
        let now = item_on(&office, pc, &item.id);
        assert_eq!(now.status, Status::InReview, "pc {pc}: back to review");
        assert_eq!(
            now.changed_after_signoff,
            vec![desk_core::workflow::CHECKLIST_FIELD.to_string()],
            "pc {pc}: the checklist is named as what is missing"
        );
    }
    assert_same_everywhere(&office);
}

#[test]
fn a_signed_off_status_with_no_sign_off_behind_it_and_a_sign_off_by_nobody_are_kept_aside() {
    let mut office = Office::new(2, 503);
    // Walked honestly to 待签批 on PC 0.
    let item = awaiting_signoff(&mut office, 0, "做好2026年中考政策发布");
    common::sync_all(&mut office, 3);
    let head = person_of(&office, 1);
    let awaiting = item_on(&office, 1, &item.id);

    // First only the status, in the head's name: nothing of hers stands behind it.
    let mut forger = Forger::new(&office, &head);
    forger.status(&item.id, "awaiting_signoff", "signed_off");
    forger.publish(&office, 1);
    common::sync_all(&mut office, 3);
    for pc in 0..2 {
        assert_eq!(
            status_on(&office, pc, &item.id),
            Status::AwaitingSignoff,
            "pc {pc}"
        );
        assert_eq!(
            alerts(&office, pc, &head),
            vec![(1, KeptAsideReason::RefusedTransition)],
            "pc {pc}"
        );
    }

    // Then a whole sign-off by a person no PC registered, and the status in that name.
    office.tick();
    forger.author = "nobody".into();
    forger.signoff(&office, &awaiting, "nobody");
    forger.status(&item.id, "awaiting_signoff", "signed_off");
    forger.publish(&office, 1);
    common::sync_all(&mut office, 3);
    for pc in 0..2 {
        assert_eq!(
            status_on(&office, pc, &item.id),
            Status::AwaitingSignoff,
            "pc {pc}"
        );
        assert!(
            office.pcs[pc]
                .catalog
                .signoffs(&item.id)
                .unwrap_or_else(|e| panic!("{e}"))
                .is_empty(),
            "pc {pc}: no sign-off record"
        );
        let reasons: Vec<(u64, KeptAsideReason)> = kept(&office, pc)
            .into_iter()
            .map(|k| (seq_of(&k.op_id), k.reason))
            .collect();
        assert_eq!(
            reasons,
            vec![
                (1, KeptAsideReason::RefusedTransition),
                (2, KeptAsideReason::UnknownReference),
                (3, KeptAsideReason::RefusedTransition)
            ],
            "pc {pc}"
        );
    }
    // The head herself signs it off on her PC, and every PC takes it.
    common::sign_off(office.at(1), &item.id).unwrap_or_else(|e| panic!("{e}"));
    common::sync_all(&mut office, 3);
    for pc in 0..2 {
        assert_eq!(
            status_on(&office, pc, &item.id),
            Status::SignedOff,
            "pc {pc}"
        );
    }
    assert_same_everywhere(&office);
}

#[test]
fn where_signing_is_set_up_an_unsigned_sign_off_in_a_heads_name_is_an_alert() {
    let mut office = Office::new(2, 504);
    let fingerprint = set_up_signing(&mut office);
    office.pcs[1]
        .catalog
        .pin_office_key(&fingerprint)
        .unwrap_or_else(|e| panic!("{e}"));
    let awaiting = awaiting_signoff(&mut office, 0, "关于公布2026年义务教育招生计划的通知");
    let item = awaiting.clone();
    common::sync_all(&mut office, 3);
    office.tick();

    // 处长1 is a section head in the registry, but no key of hers is in the roster: a plain
    // sign-off in her name, made after the office set signing up, is no sign-off.
    let head = person_of(&office, 1);
    let mut forger = Forger::enrolled(&mut office, &head);
    forger.signoff(&office, &awaiting, &head);
    if let Some(op) = forger.ops.last_mut() {
        let mut record: Signoff =
            serde_json::from_value(op.new_value.clone()).unwrap_or_else(|e| panic!("{e}"));
        record.at = "2099-01-01T00:00:00Z".into();
        op.new_value = serde_json::to_value(&record).unwrap_or(Value::Null);
    }
    forger.status(&item.id, "awaiting_signoff", "signed_off");
    forger.publish(&office, 1);
    common::sync_all(&mut office, 3);
    for pc in 0..2 {
        assert_eq!(
            status_on(&office, pc, &item.id),
            Status::AwaitingSignoff,
            "pc {pc}"
        );
        assert_eq!(
            alerts(&office, pc, &head),
            vec![
                (1, KeptAsideReason::SignatureInvalid),
                (2, KeptAsideReason::RefusedTransition)
            ],
            "pc {pc}"
        );
    }
    // Nor may the head's own PC sign plainly: signing is set up in the office.
    assert_eq!(
        office
            .at(1)
            .act(&item.id, Action::SignOff, "")
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("signing_required")
    );
}

#[test]
fn a_forged_sign_off_taken_in_before_the_pc_pinned_the_office_key_returns_to_review_when_it_does() {
    let mut office = Office::new(2, 505);
    let fingerprint = set_up_signing(&mut office);
    let awaiting = awaiting_signoff(&mut office, 0, "关于调整学区划分的通知");
    let item = awaiting.clone();
    common::sync_all(&mut office, 3);

    // A sign-off in 处长1's name, signed by a key nobody enrolled.
    let head = person_of(&office, 1);
    let mut forger = Forger::enrolled(&mut office, &head);
    forger.signoff(&office, &awaiting, &head);
    let stranger = desk_trust::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    if let Some(op) = forger.ops.last_mut() {
        let mut record: Signoff =
            serde_json::from_value(op.new_value.clone()).unwrap_or_else(|e| panic!("{e}"));
        let catalog_id = office.pcs[1]
            .catalog
            .catalog_id()
            .unwrap_or_else(|e| panic!("{e}"));
        let claim = desk_trust::signoff::SignoffClaim {
            catalog_id,
            item_id: record.item_id.clone(),
            content_hash: record.content_hash.clone(),
            basis: record.basis,
            roster_version: 1,
            at: record.at.clone(),
            signer_id: record.signer_id.clone(),
            public_key: stranger.public_key(),
        };
        record.signature = Some(desk_core::signoff::SignoffSignature {
            roster_version: 1,
            public_key: stranger.public_key().to_hex(),
            signature: claim.sign(&stranger).to_hex(),
        });
        op.new_value = serde_json::to_value(&record).unwrap_or(Value::Null);
    }
    forger.status(&item.id, "awaiting_signoff", "signed_off");
    forger.publish(&office, 1);
    common::sync_all(&mut office, 3);
    // PC 1 had not pinned the office key: it could not tell, and took it in.
    assert_eq!(status_on(&office, 1, &item.id), Status::SignedOff);
    assert_eq!(status_on(&office, 0, &item.id), Status::AwaitingSignoff);

    office.pcs[1]
        .catalog
        .pin_office_key(&fingerprint)
        .unwrap_or_else(|e| panic!("{e}"));
    // Its changes from now on are signed by its device key, which the office enrols.
    common::sync_all(&mut office, 3);
    assert_eq!(common::enrol_devices(&mut office, OFFICE_PASSWORD), 1);
    let now = item_on(&office, 1, &item.id);
    assert_eq!(
        now.status,
        Status::InReview,
        "back to review once it can tell"
    );
    assert_eq!(
        now.changed_after_signoff,
        vec![desk_core::workflow::SIGNATURE_FIELD.to_string()]
    );
    common::sync_all(&mut office, 3);
    for pc in 0..2 {
        assert_eq!(
            status_on(&office, pc, &item.id),
            Status::InReview,
            "pc {pc}"
        );
    }
}
