//! Operations that cannot be applied, and forged ones, written into the share as a broken or
//! hostile PC would: they never stop the office, and every PC decides the same about them.

mod common;

use common::ok;

use common::add_item;

use common::{dump, now_ms, open_catalog, Office};
use desk_core::hlc::Hlc;
use desk_core::merge::VersionVector;
use desk_core::ops::{EntityKind, OpKind, Operation};
use desk_core::sync::KeptAsideReason;
use desk_store::RemoteSegment;
use serde_json::{json, Value};

/// The device id the forged segments are written under (no PC of the office has it).
const FORGER: &str = "f0f0f0f0f0f0";

/// One forged operation of [`FORGER`].
fn forged(
    office: &Office,
    seq: u64,
    entity: EntityKind,
    entity_id: &str,
    kind: OpKind,
    field: Option<&str>,
    new_value: Value,
) -> Operation {
    Operation {
        id: format!("{FORGER}:{seq}"),
        device_id: FORGER.into(),
        seq,
        clock: Hlc {
            wall_ms: office.now(),
            counter: seq as u32,
        },
        author_id: "forger".into(),
        entity,
        entity_id: entity_id.into(),
        kind,
        field: field.map(String::from),
        old_value: Value::Null,
        new_value,
        base: Vec::new(),
        covers: None,
        newer: None,
    }
}

/// Writes a whole, valid segment of [`FORGER`]'s into the share; `seen` is its header's version
/// vector (what the forger claims to have applied).
fn publish_forged(office: &Office, ops: &[Operation], seen: VersionVector) {
    common::publish_forged(office, FORGER, ops, seen);
}

fn vv(office: &Office, pc: usize) -> VersionVector {
    office.pcs[pc]
        .catalog
        .version_vector()
        .unwrap_or_else(|e| panic!("{e}"))
}

fn reasons(office: &Office, pc: usize) -> Vec<(String, KeptAsideReason)> {
    let status = desk_sync::status(&office.pcs[pc].catalog).unwrap_or_else(|e| panic!("{e}"));
    status
        .kept_aside
        .into_iter()
        .map(|k| {
            assert_eq!(k.device_id, FORGER, "the PC it came from is named");
            (k.op_id, k.reason)
        })
        .collect()
}

fn assert_same_everywhere(office: &Office) {
    let first = dump(&office.pcs[0].catalog);
    for pc in 1..office.pcs.len() {
        assert_eq!(
            dump(&office.pcs[pc].catalog),
            first,
            "PC {pc} differs from PC 0"
        );
    }
}

#[test]
fn every_kind_of_operation_that_cannot_be_applied_is_kept_aside_and_the_rest_applies_everywhere() {
    let mut office = Office::new(3, 31);
    let item = add_item(&mut office, 0, "关于招生的通知");
    ok(office.sync(0));
    let seen = vv(&office, 0);
    let ops = vec![
        // A person naming a department no PC has.
        forged(
            &office,
            1,
            EntityKind::Person,
            "p-forged",
            OpKind::Create,
            None,
            json!({"id": "p-forged", "name": "某人", "department_id": "dept-missing", "roles": []}),
        ),
        // A setting of the wrong type.
        forged(
            &office,
            2,
            EntityKind::Setting,
            "catalog",
            OpKind::Set,
            Some("channels"),
            json!(42),
        ),
        // A sign-off without its id.
        forged(
            &office,
            3,
            EntityKind::Signoff,
            "s-1",
            OpKind::Create,
            None,
            json!({"item_id": item.id, "signer_id": "x", "signer_name": "x", "basis": "office",
                   "at": "2026-11-29T00:00:00Z", "device_id": FORGER, "content_hash": "sha256:00",
                   "form_version": 1}),
        ),
        // A kind of change this version has no rule for (from a newer version).
        forged(
            &office,
            4,
            EntityKind::Category,
            "cat-new",
            OpKind::Create,
            None,
            json!({"id": "cat-new"}),
        ),
        // A field this version does not know.
        forged(
            &office,
            5,
            EntityKind::Item,
            &item.id,
            OpKind::Set,
            Some("future_field"),
            json!("x"),
        ),
        // A value a save refuses: a title with a tab.
        forged(
            &office,
            6,
            EntityKind::Item,
            &item.id,
            OpKind::Set,
            Some("title"),
            json!("关于\t招生"),
        ),
        // Good operations in the same segment, after the bad ones.
        forged(
            &office,
            7,
            EntityKind::Department,
            "dept-good",
            OpKind::Create,
            None,
            json!({"id": "dept-good", "name": "办公室", "code": "BGS", "kind": "department"}),
        ),
        forged(
            &office,
            8,
            EntityKind::Item,
            &item.id,
            OpKind::Set,
            Some("summary"),
            json!("从另一台电脑来的摘要"),
        ),
    ];
    publish_forged(&office, &ops, seen.clone());
    // A later segment of the same PC still arrives.
    let later = vec![forged(
        &office,
        9,
        EntityKind::Item,
        &item.id,
        OpKind::Set,
        Some("notes"),
        json!("later"),
    )];
    publish_forged(&office, &later, seen);
    for pc in 0..3 {
        ok(office.sync(pc));
    }
    office.converge();
    let expected = vec![
        (format!("{FORGER}:1"), KeptAsideReason::UnknownReference),
        (format!("{FORGER}:2"), KeptAsideReason::InvalidShape),
        (format!("{FORGER}:3"), KeptAsideReason::InvalidShape),
        (format!("{FORGER}:4"), KeptAsideReason::UnknownKind),
        (format!("{FORGER}:5"), KeptAsideReason::UnknownField),
        (format!("{FORGER}:6"), KeptAsideReason::InvalidValue),
    ];
    for pc in 0..3 {
        assert_eq!(reasons(&office, pc), expected, "PC {pc}");
        let catalog = &office.pcs[pc].catalog;
        let shown = catalog.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shown.title, "关于招生的通知",
            "PC {pc}: the refused title is not shown"
        );
        assert_eq!(shown.summary, "从另一台电脑来的摘要", "PC {pc}");
        assert_eq!(shown.notes, "later", "PC {pc}: a later segment arrived");
        let departments = catalog.departments().unwrap_or_else(|e| panic!("{e}"));
        assert!(departments.iter().any(|d| d.id == "dept-good"), "PC {pc}");
        let people = catalog.people().unwrap_or_else(|e| panic!("{e}"));
        assert!(!people.iter().any(|p| p.id == "p-forged"), "PC {pc}");
        // Stored all the same: the log keeps everything.
        let ops = catalog
            .device_operations(FORGER, 1, 9)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(ops.len(), 9, "PC {pc}");
        assert_eq!(
            catalog.sync_cursors().unwrap_or_default().get(FORGER),
            Some(&9)
        );
    }
    assert_same_everywhere(&office);
    // Every PC keeps working: an ordinary edit still travels.
    let mut edited = office.pcs[1]
        .catalog
        .item(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    edited.doc_no = "规〔2026〕1号".into();
    office
        .at(1)
        .save_item(edited)
        .unwrap_or_else(|e| panic!("{e}"));
    office.converge();
    assert_same_everywhere(&office);
    let doc_no = office.pcs[2].catalog.item(&item.id).map(|i| i.doc_no).ok();
    assert_eq!(doc_no.as_deref(), Some("规〔2026〕1号"));
}

#[test]
fn a_person_kept_aside_for_an_unknown_department_is_applied_once_the_department_arrives() {
    let mut office = Office::new(2, 32);
    let seen = vv(&office, 0);
    let person = forged(
        &office,
        1,
        EntityKind::Person,
        "p-late",
        OpKind::Create,
        None,
        json!({"id": "p-late", "name": "晚到的人", "department_id": "dept-late", "roles": ["clerk"]}),
    );
    publish_forged(&office, &[person], seen.clone());
    office.converge();
    for pc in 0..2 {
        assert_eq!(
            reasons(&office, pc),
            vec![(format!("{FORGER}:1"), KeptAsideReason::UnknownReference)]
        );
    }
    let department = forged(
        &office,
        2,
        EntityKind::Department,
        "dept-late",
        OpKind::Create,
        None,
        json!({"id": "dept-late", "name": "晚到处", "code": "WD", "kind": "department"}),
    );
    publish_forged(&office, &[department], seen);
    office.converge();
    for pc in 0..2 {
        assert_eq!(reasons(&office, pc), Vec::new(), "PC {pc}");
        let people = office.pcs[pc]
            .catalog
            .people()
            .unwrap_or_else(|e| panic!("{e}"));
        let late = people.iter().find(|p| p.id == "p-late");
        assert_eq!(
            late.and_then(|p| p.department_id.as_deref()),
            Some("dept-late"),
            "PC {pc}"
        );
    }
    assert_same_everywhere(&office);
}

#[test]
fn an_operation_kept_aside_by_another_app_version_is_tried_again_after_an_update() {
    let mut office = Office::new(2, 33);
    let seen = vv(&office, 0);
    let ops = vec![
        forged(
            &office,
            1,
            EntityKind::Category,
            "cat-new",
            OpKind::Create,
            None,
            json!({"id": "cat-new"}),
        ),
        forged(
            &office,
            2,
            EntityKind::Department,
            "dept-v2",
            OpKind::Create,
            None,
            json!({"id": "dept-v2", "name": "新版本的处", "code": "XB", "kind": "department"}),
        ),
    ];
    publish_forged(&office, &ops, seen);
    office.converge();
    // As an older version would have left it: the department's creation kept aside too.
    let conn = office.pcs[1].catalog.connection();
    conn.execute("DELETE FROM departments WHERE id = 'dept-v2'", [])
        .unwrap_or_else(|e| panic!("{e}"));
    conn.execute(
        "INSERT INTO sync_kept_aside (op_id, device_id, reason, message, app_version, kept_at)
         VALUES (?1, ?2, 'unknown_kind', 'older version', '0.0.1', '')",
        [format!("{FORGER}:2"), FORGER.to_string()],
    )
    .unwrap_or_else(|e| panic!("{e}"));
    conn.execute("UPDATE sync_kept_aside SET app_version = '0.0.1'", [])
        .unwrap_or_else(|e| panic!("{e}"));
    ok(office.sync(1));
    let kept = office.pcs[1]
        .catalog
        .kept_aside()
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(kept.len(), 1, "{kept:?}");
    assert_eq!(kept[0].op_id, format!("{FORGER}:1"));
    assert_eq!(
        kept[0].app_version,
        common::options(0).app_version,
        "decided again"
    );
    let departments = office.pcs[1]
        .catalog
        .departments()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(departments.iter().any(|d| d.id == "dept-v2"));
    assert_same_everywhere(&office);
}

#[test]
fn a_forged_covers_never_deletes_an_edit_its_writer_had_not_seen() {
    let mut office = Office::new(2, 34);
    let item = add_item(&mut office, 0, "关于招生的通知");
    office.converge();
    // PC 1 edits the item and has not sent the edit yet.
    let mut edited = office.pcs[1]
        .catalog
        .item(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    edited.summary = "尚未发出的修改".into();
    office
        .at(1)
        .save_item(edited)
        .unwrap_or_else(|e| panic!("{e}"));
    // A delete claiming to cover sequence numbers of PC 1 that no PC wrote yet, in a segment
    // whose header says (truly) what its writer had applied.
    let seen = vv(&office, 0);
    let pc1 = office.pcs[1].catalog.device_id().to_string();
    let mut delete = forged(
        &office,
        1,
        EntityKind::Item,
        &item.id,
        OpKind::Delete,
        None,
        Value::Null,
    );
    let mut covers = seen.clone();
    covers.insert(pc1.clone(), 1_000_000);
    delete.covers = Some(covers);
    publish_forged(&office, &[delete], seen);
    ok(office.sync(0));
    ok(office.sync(1));
    office.converge();
    assert_same_everywhere(&office);
    for pc in 0..2 {
        let shown = office.pcs[pc].catalog.item(&item.id).ok();
        assert_eq!(
            shown.map(|i| i.summary).as_deref(),
            Some("尚未发出的修改"),
            "PC {pc}: the edit is kept"
        );
    }
}

#[test]
fn ten_thousand_department_creations_apply_in_one_go() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let mut catalog = open_catalog(dir.path());
    let before = catalog.departments().map(|d| d.len()).unwrap_or(0);
    let count = 10_000u64;
    let ops: Vec<Operation> = (1..=count)
        .map(|seq| Operation {
            id: format!("{FORGER}:{seq}"),
            device_id: FORGER.into(),
            seq,
            clock: Hlc {
                wall_ms: now_ms(),
                counter: seq as u32,
            },
            author_id: "system".into(),
            entity: EntityKind::Department,
            entity_id: format!("dept-{seq}"),
            kind: OpKind::Create,
            field: None,
            old_value: Value::Null,
            new_value: json!({"id": format!("dept-{seq}"), "name": format!("处{seq}"),
                              "code": format!("D{seq}"), "kind": "department"}),
            base: Vec::new(),
            covers: None,
            newer: None,
        })
        .collect();
    let segment = RemoteSegment {
        last_seq: count,
        version_vector: [(FORGER.to_string(), count)].into_iter().collect(),
        ops,
    };
    let started = std::time::Instant::now();
    let outcome = catalog
        .apply_remote_segment(FORGER, &segment, now_ms())
        .unwrap_or_else(|e| panic!("{e}"));
    eprintln!(
        "{count} department creations applied in {:?}",
        started.elapsed()
    );
    assert_eq!(outcome.applied as u64, count);
    assert_eq!(
        catalog.departments().map(|d| d.len()).unwrap_or(0),
        before + count as usize
    );
}

#[test]
fn a_change_applied_late_does_not_come_back_over_the_change_that_overwrote_it() {
    let mut office = Office::new(2, 35);
    let person = office.pcs[0]
        .catalog
        .people()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .next()
        .unwrap_or_else(|| panic!("the office has people"));
    // PC 0 adds a department and has not sent it yet.
    let late = office
        .at(0)
        .save_department(desk_core::model::Department {
            id: String::new(),
            name: "新设处".into(),
            code: String::new(),
            kind: desk_core::model::DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("{e}"))
        .id;
    // Another PC moves the person into it, then (having seen that) back: the second change
    // overwrites the first (names it in its base).
    let seen = vv(&office, 1);
    let first = forged(
        &office,
        1,
        EntityKind::Person,
        &person.id,
        OpKind::Set,
        Some("department_id"),
        json!(late),
    );
    let mut second = forged(
        &office,
        2,
        EntityKind::Person,
        &person.id,
        OpKind::Set,
        Some("department_id"),
        json!(office.department),
    );
    second.base = vec![first.id.clone()];
    publish_forged(&office, &[first, second], seen);
    // PC 1 cannot apply the first yet (no such department): kept aside; PC 0 applies both.
    ok(office.sync(1));
    assert_eq!(
        reasons(&office, 1),
        vec![(format!("{FORGER}:1"), KeptAsideReason::UnknownReference)]
    );
    ok(office.sync(0));
    // The department reaches PC 1: the first change is applied late, under the second.
    ok(office.sync(1));
    office.converge();
    assert_same_everywhere(&office);
    for pc in 0..2 {
        let catalog = &office.pcs[pc].catalog;
        assert_eq!(reasons(&office, pc), Vec::new(), "PC {pc}");
        assert_eq!(
            catalog.conflicts().map(|c| c.len()).ok(),
            Some(0),
            "PC {pc}: no conflict between a change and the one that overwrote it"
        );
        let shown = catalog
            .people()
            .unwrap_or_else(|e| panic!("{e}"))
            .into_iter()
            .find(|p| p.id == person.id)
            .and_then(|p| p.department_id);
        assert_eq!(
            shown.as_deref(),
            Some(office.department.as_str()),
            "PC {pc}"
        );
    }
}

#[test]
fn an_entity_and_a_kind_of_a_newer_version_are_kept_aside_under_their_names_and_passed_on() {
    let mut office = Office::new(2, 37);
    let item = add_item(&mut office, 0, "关于招生的通知");
    ok(office.sync(0));
    let seen = vv(&office, 0);
    let mut newer = forged(
        &office,
        1,
        EntityKind::Unknown,
        "n-1",
        OpKind::Create,
        None,
        json!({"id": "n-1", "item_id": item.id, "text": "新版本的批注"}),
    );
    newer.newer = Some(desk_core::ops::NewerNames {
        entity: "annotation".into(),
        kind: "create".into(),
    });
    let mut newer_kind = forged(
        &office,
        2,
        EntityKind::Unknown,
        &item.id,
        OpKind::Unknown,
        Some("title"),
        json!("置顶"),
    );
    newer_kind.entity = EntityKind::Item;
    newer_kind.newer = Some(desk_core::ops::NewerNames {
        entity: "item".into(),
        kind: "pin".into(),
    });
    let after = forged(
        &office,
        3,
        EntityKind::Item,
        &item.id,
        OpKind::Set,
        Some("summary"),
        json!("新版本电脑写的摘要"),
    );
    publish_forged(&office, &[newer, newer_kind, after], seen);
    office.converge();

    for pc in 0..2 {
        let catalog = &office.pcs[pc].catalog;
        let shown = catalog.item(&item.id).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(
            shown.summary, "新版本电脑写的摘要",
            "pc {pc}: the rest applies"
        );
        assert_eq!(shown.title, "关于招生的通知");
        let kept = reasons(&office, pc);
        assert_eq!(
            kept,
            vec![
                (format!("{FORGER}:1"), KeptAsideReason::UnknownKind),
                (format!("{FORGER}:2"), KeptAsideReason::UnknownKind),
            ],
            "pc {pc}"
        );
        let stored: Vec<(String, String)> = {
            let conn = catalog.connection();
            let mut stmt = conn
                .prepare("SELECT entity, kind FROM ops WHERE device_id = ?1 ORDER BY seq")
                .unwrap_or_else(|e| panic!("{e}"));
            let rows = stmt
                .query_map([FORGER], |r| Ok((r.get(0)?, r.get(1)?)))
                .unwrap_or_else(|e| panic!("{e}"));
            rows.map(|r| r.unwrap_or_else(|e| panic!("{e}"))).collect()
        };
        assert_eq!(
            stored,
            vec![
                ("annotation".to_string(), "create".to_string()),
                ("item".to_string(), "pin".to_string()),
                ("item".to_string(), "set".to_string()),
            ],
            "pc {pc}: stored under the names they were written with"
        );
        // Read back, they are written out under the same names (a relay, a snapshot).
        let ops = catalog.operations().unwrap_or_else(|e| panic!("{e}"));
        let record = ops
            .iter()
            .find(|op| op.id == format!("{FORGER}:2"))
            .map(|op| op.to_record().unwrap_or_else(|e| panic!("{e}")))
            .unwrap_or_else(|| panic!("pc {pc}: the operation is held"));
        let written: Value = serde_json::from_slice(&record).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(written["entity"], "item");
        assert_eq!(written["kind"], "pin");
        // The audit log lists them without failing.
        assert!(catalog.audit_log(&Default::default()).is_ok(), "pc {pc}");
    }
    assert_same_everywhere(&office);
}

#[test]
fn a_redacted_item_travels_with_its_reason_and_one_created_without_it_is_kept_aside() {
    use desk_core::model::{Disclosure, Item, WithheldReason};
    let mut office = Office::new(2, 47);
    let mut redacted = Item::blank(String::new());
    redacted.title = "关于某某行政处罚决定的公告".into();
    redacted.lead_department_id = Some(office.department.clone());
    redacted.disclosure = Disclosure::Redacted;
    redacted.withheld_reason = Some(WithheldReason::Privacy);
    redacted.withheld_note = "删去了当事人的身份证号和住址".into();
    let redacted = office
        .at(0)
        .save_item(redacted)
        .unwrap_or_else(|e| panic!("{e}"));
    ok(office.sync(0));
    let seen = vv(&office, 0);
    // Created whole on a PC that skipped the rules: (what is wrong, the item).
    let invalid = [
        ("no reason", Disclosure::Redacted, None, "删去了住址"),
        (
            "no note",
            Disclosure::Redacted,
            Some(WithheldReason::Privacy),
            " ",
        ),
        (
            "依申请公开 as the ground of a redaction",
            Disclosure::Redacted,
            Some(WithheldReason::OnRequestOnly),
            "删去了住址",
        ),
        (
            "a withheld item without its reason",
            Disclosure::Withheld,
            None,
            "内部",
        ),
    ];
    let ops: Vec<Operation> = invalid
        .iter()
        .enumerate()
        .map(|(n, (what, disclosure, reason, note))| {
            let id = format!("item-forged-{n}");
            let mut item = Item::blank(id.clone());
            item.title = format!("伪造的事项：{what}");
            item.disclosure = *disclosure;
            item.withheld_reason = *reason;
            item.withheld_note = (*note).into();
            let whole = serde_json::to_value(&item).unwrap_or_else(|e| panic!("{e}"));
            forged(
                &office,
                n as u64 + 1,
                EntityKind::Item,
                &id,
                OpKind::Create,
                None,
                whole,
            )
        })
        .collect();
    publish_forged(&office, &ops, seen);
    for pc in 0..2 {
        ok(office.sync(pc));
    }
    office.converge();
    let expected: Vec<(String, KeptAsideReason)> = (1..=invalid.len())
        .map(|seq| (format!("{FORGER}:{seq}"), KeptAsideReason::InvalidValue))
        .collect();
    for pc in 0..2 {
        assert_eq!(reasons(&office, pc), expected, "PC {pc}");
        let catalog = &office.pcs[pc].catalog;
        let arrived = catalog
            .item(&redacted.id)
            .unwrap_or_else(|e| panic!("PC {pc}: {e}"));
        assert_eq!(
            (
                arrived.disclosure,
                arrived.withheld_reason,
                arrived.withheld_note.as_str()
            ),
            (
                Disclosure::Redacted,
                Some(WithheldReason::Privacy),
                "删去了当事人的身份证号和住址"
            ),
            "PC {pc}"
        );
        // The PC it arrived on asks the redaction checks of it, as the one it was made on.
        let review = catalog
            .item_review(
                &redacted.id,
                chrono::NaiveDate::from_ymd_opt(2026, 6, 1).unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("PC {pc}: {e}"));
        let keys: Vec<&str> = review
            .checklist
            .checks
            .iter()
            .map(|c| c.def.key.as_str())
            .filter(|k| k.starts_with("redact"))
            .collect();
        assert_eq!(
            keys,
            ["redacted_attachment", "redaction_checked"],
            "PC {pc}"
        );
        for n in 0..invalid.len() {
            assert!(
                catalog.item(&format!("item-forged-{n}")).is_err(),
                "PC {pc}: forged item {n} is not shown"
            );
        }
    }
    assert_same_everywhere(&office);
}
