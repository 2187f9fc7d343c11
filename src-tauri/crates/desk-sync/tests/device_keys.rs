//! Segments signed by their device, through a real share: a PC that pinned the office key signs
//! what it publishes with its device key and waits, its changes kept, until the office enrols
//! it; changes it published unsigned before it pinned are signed again. Write access to the share
//! is not enough to act: a segment under a device nobody enrolled, signed by a key nobody
//! enrolled, changed after it was signed, or signed by a revoked PC never applies, and a relay
//! of a writer gone for good carries the writer's proof.

mod common;

use common::add_item;

use common::{enrol_devices, options, set_up_signing, Office};
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::model::Item;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::sync::{SyncReport, WaitReason};
use desk_sync::{PcSecret, SyncOptions};
use serde_json::{json, Value};

const OFFICE_PASSWORD: &str = "办公室口令-2026";
const STRANGER: &str = "e5e5e5e5e5e5";

fn sync_with(office: &mut Office, pc: usize, change: impl Fn(&mut SyncOptions)) -> SyncReport {
    office.tick();
    let now = office.now() + office.pcs[pc].skew_ms;
    desk_store::clock::set_now(now);
    let mut opts = SyncOptions {
        pc_secret: Some(PcSecret(office.pcs[pc].secret.clone())),
        ..options(now)
    };
    change(&mut opts);
    let p = &mut office.pcs[pc];
    let report = desk_sync::sync_round(&mut p.catalog, &p.view, &opts)
        .unwrap_or_else(|e| panic!("pc {pc}: {e} ({})", e.code()));
    desk_store::clock::set_now(office.now());
    report
}

fn sync(office: &mut Office, pc: usize) -> SyncReport {
    sync_with(office, pc, |_| {})
}

fn converge(office: &mut Office) {
    for _ in 0..2 {
        for pc in 0..office.pcs.len() {
            sync(office, pc);
        }
    }
}

fn has(office: &Office, pc: usize, item: &Item) -> bool {
    office.pcs[pc].catalog.item(&item.id).is_ok()
}

fn title_on(office: &Office, pc: usize, item: &Item) -> Option<String> {
    office.pcs[pc].catalog.item(&item.id).ok().map(|i| i.title)
}

fn titles_on(office: &Office, pc: usize) -> Vec<String> {
    let conn = office.pcs[pc].catalog.connection();
    let mut stmt = conn
        .prepare("SELECT title FROM items ORDER BY title")
        .unwrap_or_else(|e| panic!("{e}"));
    let rows = stmt
        .query_map([], |r| r.get::<_, String>(0))
        .unwrap_or_else(|e| panic!("{e}"));
    rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
}

/// What `pc` waits on from `device`, as its last round left it.
fn waits_on(office: &Office, pc: usize, device: &str) -> Vec<(WaitReason, String)> {
    desk_sync::status(&office.pcs[pc].catalog)
        .unwrap_or_else(|e| panic!("{e}"))
        .waiting
        .into_iter()
        .filter(|w| w.device_id == device)
        .map(|w| (w.reason, w.detail))
        .collect()
}

/// An office whose PCs all pinned the office key and were enrolled: PC 0 is the coordinator's.
fn signing_office(n: usize, seed: u64) -> Office {
    let mut office = Office::new(n, seed);
    let fingerprint = set_up_signing(&mut office, OFFICE_PASSWORD);
    for pc in 1..n {
        office.pcs[pc]
            .catalog
            .pin_office_key(&fingerprint)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    converge(&mut office);
    assert_eq!(enrol_devices(&mut office, OFFICE_PASSWORD), n - 1);
    converge(&mut office);
    office
}

/// One item created by a device of the forger's choosing, as the next operation of that device.
fn forged_item(office: &Office, device: &str, seq: u64, title: &str) -> Operation {
    Operation {
        id: format!("{device}:{seq}"),
        device_id: device.into(),
        seq,
        clock: Hlc {
            wall_ms: office.now(),
            counter: 0,
        },
        author_id: office.pcs[0]
            .person
            .as_ref()
            .map(|p| p.id.clone())
            .unwrap_or_default(),
        entity: EntityKind::Item,
        entity_id: format!("forged-{seq}"),
        kind: OpKind::Create,
        field: None,
        old_value: Value::Null,
        new_value: json!({ "title": title, "lead_department_id": office.department }),
        base: Vec::new(),
        covers: None,
        newer: None,
    }
}

#[test]
fn a_pc_waits_until_the_office_enrols_it_and_then_every_change_it_made_arrives() {
    let mut office = Office::new(2, 801);
    let fingerprint = set_up_signing(&mut office, OFFICE_PASSWORD);
    converge(&mut office);
    // Made after the office set signing up, before this PC pinned the key: published unsigned.
    let before = add_item(&mut office, 1, "钉住办公室密钥之前的事项");
    converge(&mut office);
    assert!(
        !has(&office, 0, &before),
        "unsigned changes after set-up wait"
    );
    let clerk = office.pcs[1].catalog.device_id().to_string();
    let waits = waits_on(&office, 0, &clerk);
    assert_eq!(waits.len(), 1, "{waits:?}");
    assert_eq!(waits[0].0, WaitReason::Unenrolled);

    office.pcs[1]
        .catalog
        .pin_office_key(&fingerprint)
        .unwrap_or_else(|e| panic!("{e}"));
    let after = add_item(&mut office, 1, "钉住之后的事项");
    converge(&mut office);
    assert!(!has(&office, 0, &after), "not enrolled yet");
    let waits = waits_on(&office, 0, &clerk);
    assert!(
        waits[0]
            .1
            .contains(&format!("desk roster enrol-device {clerk}")),
        "says who must do what: {waits:?}"
    );
    // The coordinator sees the key the PC announced, and compares it with the PC's own screen.
    let requests = office.pcs[0]
        .catalog
        .device_key_requests()
        .unwrap_or_else(|e| panic!("{e}"));
    let own = office.pcs[1]
        .catalog
        .device_key(&office.pcs[1].secret)
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key();
    assert_eq!(requests.len(), 1);
    assert_eq!(requests[0].device_id, clerk);
    assert_eq!(requests[0].public_key.fingerprint(), own.fingerprint());
    let secret = office.pcs[0].secret.clone();
    assert_eq!(
        office
            .at(0)
            .enrol_device(&clerk, "不对的口令", &secret)
            .map(|_| ())
            .map_err(|e| e.code()),
        Err("wrong_password")
    );

    assert_eq!(enrol_devices(&mut office, OFFICE_PASSWORD), 1);
    converge(&mut office);
    assert!(has(&office, 0, &after));
    assert!(has(&office, 0, &before), "published again, signed");
    assert!(waits_on(&office, 0, &clerk).is_empty());
    assert_eq!(
        common::dump(&office.pcs[0].catalog),
        common::dump(&office.pcs[1].catalog)
    );
}

#[test]
fn write_access_to_the_share_is_not_enough_to_act() {
    let mut office = signing_office(2, 802);
    let item = add_item(&mut office, 1, "真实的事项");
    converge(&mut office);
    assert!(has(&office, 0, &item));

    // Unsigned, under a device nobody enrolled.
    let unsigned = forged_item(&office, STRANGER, 1, "伪造的事项");
    common::publish_forged(&office, STRANGER, &[unsigned], VersionVector::new());
    // Signed, by a key nobody enrolled, under another device nobody enrolled.
    let stranger_key = desk_trust::KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let other = "e6e6e6e6e6e6";
    let signed = forged_item(&office, other, 1, "另一个伪造的事项");
    common::publish_forged_signed(
        &office,
        other,
        &[signed],
        VersionVector::new(),
        Some(&stranger_key),
    );
    // Signed by that key, under the name of an enrolled PC, as its next segment.
    let clerk = office.pcs[1].catalog.device_id().to_string();
    let next = office.pcs[1]
        .catalog
        .own_seq()
        .unwrap_or_else(|e| panic!("{e}"))
        + 1;
    let impostor = forged_item(&office, &clerk, next, "冒名的事项");
    common::publish_forged_signed(
        &office,
        &clerk,
        &[impostor],
        VersionVector::new(),
        Some(&stranger_key),
    );
    for pc in 0..2 {
        sync(&mut office, pc);
    }
    for pc in 0..2 {
        let titles = titles_on(&office, pc);
        assert_eq!(titles, vec!["真实的事项".to_string()], "pc {pc}");
        for device in [STRANGER, other] {
            let waits = waits_on(&office, pc, device);
            assert_eq!(waits.len(), 1, "pc {pc}: {waits:?}");
            assert_eq!(waits[0].0, WaitReason::Unenrolled, "pc {pc}");
        }
    }
    // The enrolled PC's own next change still arrives. The impostor's file holds the name its
    // segment should have: not signed by its key, it is no twin (the PC keeps its id), and the
    // segment goes out under the next name once the name stays taken.
    let real = add_item(&mut office, 1, "之后的真实事项");
    for _ in 0..10 {
        for pc in 0..2 {
            let _ = office.sync(pc);
        }
    }
    assert!(has(&office, 0, &real));
    assert_eq!(
        office.pcs[1].catalog.device_id(),
        clerk,
        "not taken for a clone"
    );
}

#[test]
fn a_segment_changed_after_it_was_signed_is_refused_and_its_writer_publishes_it_again() {
    let mut office = signing_office(2, 803);
    let item = add_item(&mut office, 1, "原来的标题");
    sync(&mut office, 1);
    // Before PC 0 reads it, the segment is rewritten with another title, its checksum made
    // good again and the writer's proof kept.
    let clerk = office.pcs[1].catalog.device_id().to_string();
    let path = {
        let share = office.share.borrow();
        share
            .files
            .keys()
            .filter(|p| p.contains(&format!("/ops/{clerk}/")))
            .max()
            .cloned()
            .unwrap_or_default()
    };
    {
        let mut share = office.share.borrow_mut();
        let file = share
            .files
            .get_mut(&path)
            .unwrap_or_else(|| panic!("no segment"));
        let segment = desk_sync::format::decode_segment(&file.0).unwrap_or_else(|e| panic!("{e}"));
        assert!(segment.header.proof.is_some(), "the writer signed it");
        let ops: Vec<Operation> = segment
            .ops
            .into_iter()
            .map(|mut op| {
                let text = op
                    .new_value
                    .to_string()
                    .replace("原来的标题", "被篡改的标题");
                op.new_value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
                op
            })
            .collect();
        file.0 = desk_sync::format::encode_segment(&segment.header, &ops)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let report = sync(&mut office, 0);
    assert!(
        report
            .folder_problems
            .iter()
            .any(|p| p.code == "segment_signature_invalid"),
        "{report:?}"
    );
    assert!(!has(&office, 0, &item));
    // The writer learns of it from PC 0's acknowledgements and writes its segment again.
    converge(&mut office);
    converge(&mut office);
    assert_eq!(title_on(&office, 0, &item), Some("原来的标题".to_string()));
}

#[test]
fn a_revoked_pc_signs_nothing_more_and_what_it_signed_before_stays() {
    let mut office = signing_office(2, 804);
    let before = add_item(&mut office, 1, "吊销之前的事项");
    converge(&mut office);
    assert!(has(&office, 0, &before));
    let key = office.pcs[1]
        .catalog
        .device_key(&office.pcs[1].secret)
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key()
        .fingerprint();
    office.tick();
    let secret = office.pcs[0].secret.clone();
    office
        .at(0)
        .revoke_key(&key, OFFICE_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    converge(&mut office);
    office.tick();
    let after = add_item(&mut office, 1, "吊销之后的事项");
    sync(&mut office, 1);
    let report = sync(&mut office, 0);
    assert!(
        report
            .folder_problems
            .iter()
            .any(|p| p.code == "device_revoked"),
        "{report:?}"
    );
    assert!(!has(&office, 0, &after));
    assert!(has(&office, 0, &before), "what it signed before stays");
}

#[test]
fn a_relay_of_a_writer_gone_for_good_carries_the_writers_proof() {
    let mut office = signing_office(3, 805);
    // PC 2 stays away while PC 1 writes, PC 0 applies, and PC 1 then leaves for good.
    let item = add_item(&mut office, 1, "写入者已离开");
    sync(&mut office, 1);
    sync(&mut office, 0);
    let writer = office.pcs[1].catalog.device_id().to_string();
    let segment = {
        let share = office.share.borrow();
        share
            .files
            .keys()
            .filter(|p| p.contains(&format!("/ops/{writer}/")))
            .max()
            .cloned()
            .unwrap_or_default()
    };
    office.retire(1);
    if let Some(file) = office.share.borrow_mut().files.get_mut(&segment) {
        file.0.truncate(file.0.len() / 2);
    }
    sync(&mut office, 1);
    sync(&mut office, 0);
    let report = sync_with(&mut office, 0, |o| o.relay_after_ms = 0);
    assert_eq!(report.repaired.len(), 1, "{report:?}");
    let relayed = report.repaired[0].clone();
    let bytes = office
        .share
        .borrow()
        .files
        .get(&format!(
            "{}/{relayed}",
            office.pcs[0].catalog.catalog_id().unwrap_or_default()
        ))
        .map(|f| f.0.clone())
        .unwrap_or_default();
    let copy = desk_sync::format::decode_segment(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let proof = copy
        .header
        .proof
        .clone()
        .unwrap_or_else(|| panic!("the relay carries no proof"));
    proof
        .verify(&copy.header.claim(&copy.digest))
        .unwrap_or_else(|e| panic!("the writer's proof does not hold for the copy: {e}"));
    converge(&mut office);
    assert_eq!(
        title_on(&office, 1, &item),
        Some("写入者已离开".to_string())
    );
}

/// A new PC on the share that pinned the office key, synced once with the office's options.
struct NewPc {
    _dir: tempfile::TempDir,
    catalog: desk_store::Catalog,
    view: common::View,
}

impl NewPc {
    fn join(office: &mut Office, fingerprint: &desk_trust::Fingerprint) -> NewPc {
        let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
        let mut catalog = common::open_catalog(dir.path());
        catalog
            .pin_office_key(fingerprint)
            .unwrap_or_else(|e| panic!("{e}"));
        let view = common::View::new(office.share.clone(), office.next_view, office.seed);
        office.next_view += 1;
        NewPc {
            _dir: dir,
            catalog,
            view,
        }
    }

    fn sync(&mut self, office: &Office) -> SyncReport {
        office.tick();
        let options = SyncOptions {
            pc_secret: Some(PcSecret(common::new_pc_secret())),
            ..options(office.now())
        };
        desk_sync::sync_round(&mut self.catalog, &self.view, &options)
            .unwrap_or_else(|e| panic!("new pc: {e} ({})", e.code()))
    }
}

/// PC 0's snapshot of everything, the segments then gone from the share (compacted away), so
/// that a new PC can start only from a snapshot. Returns the snapshot's path and bytes.
fn only_a_snapshot(office: &mut Office) -> (String, Vec<u8>) {
    let secret = office.pcs[0].secret.clone();
    office
        .share
        .borrow_mut()
        .files
        .retain(|path, _| !path.contains("/snapshots/"));
    office.tick();
    let now = office.now();
    let p = &mut office.pcs[0];
    desk_sync::publish_snapshot(
        &mut p.catalog,
        &p.view,
        &SyncOptions {
            pc_secret: Some(PcSecret(secret)),
            ..options(now)
        },
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let mut share = office.share.borrow_mut();
    share
        .files
        .retain(|path, _| !(path.contains("/ops/") && path.ends_with(".seg")));
    let (path, file) = share
        .files
        .iter()
        .find(|(path, _)| path.contains("/snapshots/"))
        .unwrap_or_else(|| panic!("no snapshot"));
    (path.clone(), file.0.clone())
}

#[test]
fn a_snapshot_carries_each_writers_proof_and_one_with_anothers_changes_altered_is_refused() {
    let mut office = signing_office(2, 806);
    let fingerprint = office.pcs[0]
        .catalog
        .office_fingerprint()
        .unwrap_or_else(|e| panic!("{e}"))
        .unwrap_or_else(|| panic!("not pinned"));
    let item = add_item(&mut office, 1, "处室的事项");
    converge(&mut office);
    let (path, bytes) = only_a_snapshot(&mut office);
    let snapshot = desk_sync::format::decode_segment(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let clerk = office.pcs[1].catalog.device_id().to_string();
    assert!(
        snapshot.header.proofs.iter().any(|p| p.device_id == clerk),
        "PC 1's own proof travels in PC 0's snapshot"
    );

    // A new PC joins from it: every PC's operations check against their own writer's proof.
    let mut joined = NewPc::join(&mut office, &fingerprint);
    joined.sync(&office);
    assert_eq!(
        joined.catalog.item(&item.id).map(|i| i.title).ok(),
        Some("处室的事项".to_string())
    );

    // An enrolled PC in a forger's hands writes a snapshot of its own with PC 1's item renamed,
    // signed by its own (enrolled) key and carrying PC 1's proofs: refused.
    office.pcs[0]
        .catalog
        .note_device_key(
            "f5f5f5f5f5f5",
            &common::enrolled_forger_key().public_key(),
            None,
        )
        .unwrap_or_else(|e| panic!("{e}"));
    enrol_devices(&mut office, OFFICE_PASSWORD);
    converge(&mut office);
    let (_, bytes) = only_a_snapshot(&mut office);
    let honest = desk_sync::format::decode_segment(&bytes).unwrap_or_else(|e| panic!("{e}"));
    let altered: Vec<Operation> = honest
        .ops
        .iter()
        .cloned()
        .map(|mut op| {
            let text = op.new_value.to_string().replace("处室的事项", "伪造的事项");
            op.new_value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
            op
        })
        .collect();
    for (carry, name) in [
        (true, "f5f5f5f5f5f5-carrying"),
        (false, "f5f5f5f5f5f5-bare"),
    ] {
        let mut header = honest.header.clone();
        header.device_id = "f5f5f5f5f5f5".into();
        if !carry {
            header.proofs.clear();
        }
        desk_sync::format::sign_header(&mut header, &altered, common::enrolled_forger_key())
            .unwrap_or_else(|e| panic!("{e}"));
        let forged =
            desk_sync::format::encode_segment(&header, &altered).unwrap_or_else(|e| panic!("{e}"));
        let mut share = office.share.borrow_mut();
        share.files.retain(|p, _| !p.contains("/snapshots/"));
        let step = share.step;
        let clock = altered.iter().map(|o| o.clock).max().unwrap_or(Hlc::ZERO);
        let target = path.replace(
            path.rsplit('/').next().unwrap_or_default(),
            &desk_sync::format::snapshot_name("f5f5f5f5f5f5", clock),
        );
        share.files.insert(target, (forged, step, usize::MAX));
        drop(share);
        let mut stranger = NewPc::join(&mut office, &fingerprint);
        let report = stranger.sync(&office);
        assert!(
            stranger.catalog.item(&item.id).is_err(),
            "{name}: nothing of it applied"
        );
        if carry {
            assert!(
                report
                    .folder_problems
                    .iter()
                    .any(|p| p.code == "segment_signature_invalid"),
                "{name}: {report:?}"
            );
        } else {
            assert!(
                report
                    .waiting
                    .iter()
                    .any(|w| w.reason == WaitReason::Unenrolled && w.detail.contains(&clerk)),
                "{name}: {report:?}"
            );
        }
    }
}
