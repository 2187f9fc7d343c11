//! Bundles from a real catalog: what goes out, what never does, and what an export leaves
//! behind when it fails or is cancelled.

mod common;

use common::*;
use desk_core::checklist::CheckState;
use desk_core::export::{Exclusion, ExportScope};
use desk_core::model::{Disclosure, Status, WithheldReason};
use desk_core::ops::EntityKind;
use desk_core::workflow::Action;
use desk_export::bundle::{self, ExportOptions};
use desk_export::ExportError;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::atomic::AtomicBool;

fn export(
    o: &mut Office,
    scope: ExportScope,
    out: &Path,
) -> Result<desk_core::export::ExportReport, ExportError> {
    // The section head exports (the clerk's name must not go out with the items).
    o.as_head();
    bundle::export(
        &mut o.catalog,
        &ExportOptions {
            scope,
            out,
            overwrite: false,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
}

/// A catalog with an item in every situation an export must tell apart.
struct Situations {
    office: Office,
    /// Signed off, 主动公开, with attachments (one shared) and internal facts.
    out: Vec<String>,
    /// id → why it must stay.
    stay: BTreeMap<String, Exclusion>,
}

const NOTE: &str = "内部备注：请勿外传7Q";
const CHECK_NOTE: &str = "清单备注：已与处长电话核对3X";
const UNMASKED_ID: &str = "11010519491231002X";

fn situations() -> Situations {
    let mut o = office();
    let mut out = Vec::new();
    let mut stay = BTreeMap::new();

    let a = o.draft(
        "关于做好2019年义务教育招生工作的通知",
        |i| {
            i.notes = NOTE.into();
            i.channels = vec!["政府网站".into(), "两微一端".into()];
            i.date_written = date("2019-03-05");
            i.summary = "招生范围、时间安排和报名方式。".into();
        },
    );
    o.attach(&a.id, "通知.pdf", b"%PDF-1.4 notice");
    o.attach(&a.id, "附件 报名表.docx", b"PK shared form");
    o.sign_off(&a.id, CHECK_NOTE);
    out.push(a.id.clone());

    let b = o.draft("2019年学前教育资助政策解读", |i| {
        i.channels = vec!["政府网站".into()];
    });
    o.attach(&b.id, "报名表.docx", b"PK shared form");
    o.sign_off(&b.id, "");
    out.push(b.id.clone());

    let c = o.signed("关于公布2019年民办学校年检结果的公告", |_| {});
    out.push(c.id.clone());

    // 依申请公开, signed off all the same: it must not go out.
    let d = o.signed("某校教师个人申请答复", |i| {
        i.disclosure = Disclosure::OnRequest;
        i.withheld_reason = Some(WithheldReason::OnRequestOnly);
        i.withheld_note = "仅涉及申请人".into();
    });
    stay.insert(d.id.clone(), Exclusion::NotProactive);

    // 不予公开, decided so.
    let e = o.draft("内部人事调整方案", |i| {
        i.disclosure = Disclosure::Withheld;
        i.withheld_reason = Some(WithheldReason::InternalAffairs);
        i.withheld_note = "内部事务".into();
    });
    o.catalog
        .act(&e.id, Action::DecideNotDisclose, "内部事务信息")
        .unwrap_or_else(|err| panic!("{err}"));
    stay.insert(e.id.clone(), Exclusion::NotProactive);

    // In review, never signed; and one with an unmasked ID number in its text.
    let f = o.draft("尚在审查的事项", |_| {});
    o.catalog
        .act(&f.id, Action::Submit, "")
        .unwrap_or_else(|err| panic!("{err}"));
    stay.insert(f.id.clone(), Exclusion::NotSignedOff);
    let pii = o.draft("含有身份证号的事项", |i| {
        i.summary = format!("联系人身份证 {UNMASKED_ID}");
    });
    stay.insert(pii.id.clone(), Exclusion::NotSignedOff);

    // Signed off, then edited: the sign-off is void and the item is back in review.
    let g = o.signed("签批后修改文号的事项", |_| {});
    o.as_clerk();
    let mut edited = o.catalog.item(&g.id).unwrap_or_else(|e| panic!("{e}"));
    edited.doc_no = "大教发〔2019〕99号".into();
    o.catalog
        .save_item(edited)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status(&g.id), Status::InReview);
    stay.insert(g.id.clone(), Exclusion::NotSignedOff);

    // Signed off here, but its content changed underneath (as a concurrent edit from another
    // PC arrives): the status still says signed off, the record no longer matches.
    let h = o.signed("并发修改的事项", |_| {});
    o.catalog
        .connection()
        .execute(
            "UPDATE items SET title = '并发修改后的标题' WHERE id = ?1",
            [&h.id],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status(&h.id), Status::SignedOff);
    stay.insert(h.id.clone(), Exclusion::SignoffVoid);

    Situations {
        office: o,
        out,
        stay,
    }
}

#[test]
fn only_signed_off_proactive_items_go_out_and_verify() {
    let Situations {
        mut office,
        out,
        stay,
    } = situations();
    let preview = bundle::preview(&office.catalog, ExportScope::Incremental)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut previewed: Vec<String> = preview.items.iter().map(|i| i.id.clone()).collect();
    previewed.sort();
    let mut expected = out.clone();
    expected.sort();
    assert_eq!(previewed, expected);
    assert_eq!(preview.attachment_count, 2, "the shared form goes out once");
    assert_eq!(
        preview.void.iter().map(|v| v.reason).collect::<Vec<_>>(),
        vec![Exclusion::SignoffVoid]
    );

    let path = office.path("bundle.zip");
    let report =
        export(&mut office, ExportScope::Incremental, &path).unwrap_or_else(|e| panic!("{e}"));
    let mut exported = report.item_ids.clone();
    exported.sort();
    assert_eq!(exported, expected);
    assert_eq!(report.marked_exported, 3);
    for id in &out {
        assert_eq!(office.status(id), Status::Exported);
        assert_eq!(
            office.catalog.bundles_of_item(id).unwrap_or_default(),
            vec![report.bundle_id.clone()]
        );
    }
    for id in stay.keys() {
        assert_ne!(office.status(id), Status::Exported, "{id} must stay");
        assert!(!report.item_ids.contains(id));
    }
    // The mark is an operation like every change (what sync ships).
    let ops = office.catalog.operations().unwrap_or_default();
    let bundle_op = ops
        .iter()
        .find(|op| op.entity == EntityKind::Bundle)
        .unwrap_or_else(|| panic!("no bundle operation"));
    assert_eq!(bundle_op.entity_id, report.bundle_id);
    assert_eq!(
        bundle_op.new_value["item_ids"].as_array().map(Vec::len),
        Some(3)
    );

    let verified = desk_export::verify::verify(&path);
    assert!(verified.ok, "{:#?}", verified.problems);
    assert_eq!(verified.items.len(), 3);
    assert!(verified.items.iter().all(|i| i.signoff_ok));

    // Nothing internal is in any entry: notes, checklist remarks, the clerk, personal data.
    let entries = entries(&path);
    let names: Vec<&str> = entries.iter().map(|(n, _)| n.as_str()).collect();
    assert!(names.contains(&"manifest.json"));
    assert!(names.contains(&"index.html"));
    assert!(names.contains(&"checksums.sha256"));
    assert_eq!(names.len(), 5);
    for (name, bytes) in &entries {
        let text = String::from_utf8_lossy(bytes);
        for secret in [
            NOTE,
            CHECK_NOTE,
            UNMASKED_ID,
            "王芳芳",
            "仅涉及申请人",
            "内部人事调整方案",
            "尚在审查的事项",
            "并发修改",
            "签批后修改文号的事项",
        ] {
            assert!(!text.contains(secret), "{secret} is in {name}");
        }
    }
    let manifest: serde_json::Value = entries
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .and_then(|(_, b)| serde_json::from_slice(b).ok())
        .unwrap_or_default();
    let text = manifest.to_string();
    for key in [
        "\"notes\"",
        "\"clerk_id\"",
        "\"reviewer_id\"",
        "\"signer_id\":null",
        "\"source\"",
        "\"status_note\"",
        "\"findings\"",
        "\"checklist\"",
        "\"device_id\"",
    ] {
        assert!(!text.contains(key), "{key} is in the manifest");
    }
    // Names are in by default (the catalog did not ask to leave them out).
    assert!(text.contains("李建国"));
}

#[test]
fn the_catalog_can_leave_names_out() {
    let mut o = office();
    let mut settings = o.catalog.settings().clone();
    settings.export_omit_names = true;
    o.catalog
        .save_settings(settings)
        .unwrap_or_else(|e| panic!("{e}"));
    o.signed("关于做好2019年义务教育招生工作的通知", |_| {});
    let path = o.path("bundle.zip");
    export(&mut o, ExportScope::Incremental, &path).unwrap_or_else(|e| panic!("{e}"));
    for (name, bytes) in entries(&path) {
        let text = String::from_utf8_lossy(&bytes);
        for person in ["李建国", "王芳芳"] {
            assert!(!text.contains(person), "{person} is in {name}");
        }
    }
    assert!(desk_export::verify::verify(&path).ok);
}

#[test]
fn since_the_last_bundle_or_everything_again() {
    let Situations {
        mut office, out, ..
    } = situations();
    let first = office.path("first.zip");
    export(&mut office, ExportScope::Incremental, &first).unwrap_or_else(|e| panic!("{e}"));
    // Nothing new: refused, and no file.
    let again = office.path("again.zip");
    let nothing = export(&mut office, ExportScope::Incremental, &again);
    assert_eq!(
        nothing.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("export_nothing".into())
    );
    assert!(!again.exists());
    // A newly signed item goes out alone.
    let new = office.signed("新签批的事项", |_| {});
    let second = office.path("second.zip");
    let report =
        export(&mut office, ExportScope::Incremental, &second).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.item_ids, vec![new.id.clone()]);
    // Full: every item with a standing sign-off, statuses unchanged.
    let full = office.path("full.zip");
    let report = export(&mut office, ExportScope::Full, &full).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.item_ids.len(), out.len() + 1);
    assert_eq!(report.marked_exported, 0);
    assert!(desk_export::verify::verify(&full).ok);
    assert_eq!(office.catalog.bundles().unwrap_or_default().len(), 3);
}

#[test]
fn a_cancelled_or_failed_export_leaves_no_file() {
    let mut o = office();
    let item = o.draft("关于做好2019年义务教育招生工作的通知", |_| {});
    o.attach(&item.id, "通知.pdf", &vec![7u8; 3 << 20]);
    o.sign_off(&item.id, "");
    let folder = o.path("out");
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    let path = folder.join("bundle.zip");

    // Cancelled as the first progress report arrives.
    let cancel = AtomicBool::new(false);
    let mut reports = 0;
    let result = bundle::export(
        &mut o.catalog,
        &ExportOptions {
            scope: ExportScope::Incremental,
            out: &path,
            overwrite: false,
        },
        &mut |p| {
            reports += 1;
            if p.phase == "attachments" {
                cancel.store(true, std::sync::atomic::Ordering::Relaxed);
            }
        },
        &cancel,
    );
    assert!(matches!(result, Err(ExportError::Cancelled)), "{result:?}");
    assert!(reports > 0);
    assert_eq!(files_in(&folder), Vec::<String>::new());
    assert_eq!(o.status(&item.id), Status::SignedOff);
    assert!(o.catalog.bundles().unwrap_or_default().is_empty());

    // An existing file is not replaced unless asked.
    std::fs::write(&path, b"keep me").unwrap_or_else(|e| panic!("{e}"));
    let exists = export(&mut o, ExportScope::Incremental, &path);
    assert_eq!(
        exists.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("file_exists".into())
    );
    assert_eq!(std::fs::read(&path).unwrap_or_default(), b"keep me");
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));

    // A damaged attachment in the store stops the export.
    let sha = o
        .catalog
        .item(&item.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .attachments[0]
        .sha256
        .clone();
    let blob = o
        .catalog
        .attachment_blob(&sha)
        .unwrap_or_else(|| panic!("blob"));
    let mut perms = std::fs::metadata(&blob)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&blob, perms).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&blob, vec![8u8; 3 << 20]).unwrap_or_else(|e| panic!("{e}"));
    let damaged = export(&mut o, ExportScope::Incremental, &path);
    assert_eq!(
        damaged.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("attachment_damaged".into())
    );
    assert_eq!(files_in(&folder), Vec::<String>::new());
    assert_eq!(o.status(&item.id), Status::SignedOff);
}

#[test]
fn a_check_changed_after_sign_off_keeps_the_item_home() {
    // Marking a check again after sign-off voids it (the domain's rule); the export follows.
    let mut o = office();
    let item = o.signed("关于做好2019年义务教育招生工作的通知", |_| {});
    let review = o
        .catalog
        .item_review(
            &item.id,
            chrono::NaiveDate::from_ymd_opt(2019, 10, 8).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let key = review.checklist.checks[0].def.key.clone();
    o.as_clerk();
    let _ = o
        .catalog
        .mark_check(&item.id, &key, CheckState::Pending, "");
    let path = o.path("b.zip");
    let result = export(&mut o, ExportScope::Full, &path);
    assert_eq!(
        result.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("export_nothing".into())
    );
    assert!(!path.exists());
}

/// What the export chooses, decided item by item as the item screen reads each one: the
/// reference the choice read with one query per table must equal.
fn chosen_item_by_item(
    catalog: &desk_store::Catalog,
    scope: ExportScope,
) -> (Vec<String>, BTreeMap<String, Exclusion>) {
    let mut out = Vec::new();
    let mut stay = BTreeMap::new();
    for id in catalog.item_ids().unwrap_or_else(|e| panic!("{e}")) {
        let source = catalog.export_source(&id).unwrap_or_else(|e| panic!("{e}"));
        match desk_core::export::exclusion(
            &source.item,
            scope,
            source.signoffs.first(),
            source.covered(),
            catalog.signing_required().unwrap_or_else(|e| panic!("{e}")),
        ) {
            None => out.push(id),
            Some(reason) => {
                stay.insert(id, reason);
            }
        }
    }
    (out, stay)
}

fn assert_same_choice(o: &Office, what: &str) {
    for scope in [ExportScope::Incremental, ExportScope::Full] {
        let (out, stay) = chosen_item_by_item(&o.catalog, scope);
        let preview = bundle::preview(&o.catalog, scope).unwrap_or_else(|e| panic!("{e}"));
        let chosen: Vec<String> = preview.items.iter().map(|i| i.id.clone()).collect();
        assert_eq!(chosen, out, "{what}, {scope:?}: the items and their order");
        let mut counts: BTreeMap<&str, u32> = BTreeMap::new();
        for reason in stay.values() {
            *counts.entry(reason.key()).or_default() += 1;
        }
        let previewed: BTreeMap<&str, u32> = preview
            .excluded_counts
            .iter()
            .map(|c| (c.reason.key(), c.count))
            .collect();
        assert_eq!(previewed, counts, "{what}, {scope:?}: the reasons");
        let void: BTreeMap<String, Exclusion> = stay
            .iter()
            .filter(|(_, r)| matches!(r, Exclusion::SignoffVoid | Exclusion::SignoffMissing))
            .map(|(id, r)| (id.clone(), *r))
            .collect();
        let previewed_void: BTreeMap<String, Exclusion> = preview
            .void
            .iter()
            .map(|v| (v.id.clone(), v.reason))
            .collect();
        assert_eq!(
            previewed_void, void,
            "{what}, {scope:?}: the void sign-offs"
        );
    }
    // Every item's checklist read together equals the one read alone.
    let items: Vec<desk_core::model::Item> = o
        .catalog
        .export_items()
        .unwrap_or_else(|e| panic!("{e}"))
        .into_iter()
        .map(|(item, _)| item)
        .collect();
    let together = o
        .catalog
        .export_checklists(&items.iter().collect::<Vec<_>>())
        .unwrap_or_else(|e| panic!("{e}"));
    for (item, checks) in items.iter().zip(together) {
        let alone = o
            .catalog
            .export_source(&item.id)
            .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(alone.item, *item, "{what}: {}", item.title);
        assert_eq!(alone.checks, checks, "{what}: {}", item.title);
    }
}

#[test]
fn the_choice_read_together_is_the_choice_item_by_item() {
    use desk_core::model::{ItemLink, LinkKind};
    let Situations { mut office, .. } = situations();
    let o = &mut office;
    assert_same_choice(o, "every situation");

    // A policy going out with its interpretation, linked from the policy's side.
    let interpretation = o.signed("2019年招生政策解读", |_| {});
    let policy = o.signed("关于2019年招生工作的政策", |i| {
        i.links = vec![ItemLink {
            target_id: interpretation.id.clone(),
            kind: LinkKind::Interpretation,
        }];
    });
    // An item whose attachment left the store after sign-off.
    let lost = o.draft("附件丢失的事项", |_| {});
    o.attach(&lost.id, "丢失.pdf", b"%PDF-1.4 lost");
    o.sign_off(&lost.id, "");
    let sha = o
        .catalog
        .item(&lost.id)
        .unwrap_or_else(|e| panic!("{e}"))
        .attachments[0]
        .sha256
        .clone();
    let blob = o
        .catalog
        .attachment_blob(&sha)
        .unwrap_or_else(|| panic!("blob"));
    std::fs::remove_file(&blob).unwrap_or_else(|e| panic!("{e}"));
    // Signed off by its status, with no record on this PC.
    let unrecorded = o.draft("没有签批记录的事项", |_| {});
    o.catalog
        .connection()
        .execute(
            "UPDATE items SET status = (SELECT status FROM items WHERE id = ?2) WHERE id = ?1",
            [&unrecorded.id, &policy.id],
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(o.status(&unrecorded.id), Status::SignedOff);
    assert_same_choice(o, "links, a lost attachment, no record");
    let (out, stay) = chosen_item_by_item(&o.catalog, ExportScope::Full);
    assert!(out.contains(&policy.id) && out.contains(&interpretation.id));
    assert_eq!(stay.get(&lost.id), Some(&Exclusion::SignoffVoid));
    assert_eq!(stay.get(&unrecorded.id), Some(&Exclusion::SignoffMissing));

    // Exported once: an incremental export leaves those out, a full one takes them again.
    let path = o.path("first.zip");
    export(o, ExportScope::Incremental, &path).unwrap_or_else(|e| panic!("{e}"));
    let later = o.signed("导出后签批的事项", |_| {});
    // The interpretation withdrawn after the policy went out.
    o.as_clerk();
    let _ = o.catalog.act(&interpretation.id, Action::Withdraw, "撤回");
    assert_same_choice(o, "after an export");
    let (_, stay) = chosen_item_by_item(&o.catalog, ExportScope::Incremental);
    assert_eq!(stay.get(&policy.id), Some(&Exclusion::AlreadyExported));
    let preview =
        bundle::preview(&o.catalog, ExportScope::Incremental).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        preview.items.iter().map(|i| &i.id).collect::<Vec<_>>(),
        vec![&later.id]
    );
}

#[test]
fn progress_counts_every_byte_and_damage_after_good_blobs_still_stops_the_export() {
    // Attachments are read on one thread and written on another: the reports still add up, in
    // order, and a damaged blob after good ones leaves nothing behind.
    let mut o = office();
    let mut ids = Vec::new();
    for (n, size) in [(1u8, 9usize << 20), (2, 3 << 20), (3, 0), (4, 5 << 20)] {
        let item = o.draft(&format!("附件较大的事项{n}"), |_| {});
        o.attach(&item.id, &format!("附件{n}.pdf"), &vec![n; size]);
        o.sign_off(&item.id, "");
        ids.push(item.id);
    }
    let folder = o.path("out");
    std::fs::create_dir_all(&folder).unwrap_or_else(|e| panic!("{e}"));
    let path = folder.join("bundle.zip");
    let mut reports = Vec::new();
    o.as_head();
    let report = bundle::export(
        &mut o.catalog,
        &ExportOptions {
            scope: ExportScope::Full,
            out: &path,
            overwrite: false,
        },
        &mut |p| reports.push(p.clone()),
        &AtomicBool::new(false),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.attachment_count, 4);
    let total = (9u64 + 3 + 5) << 20;
    let last = reports.last().unwrap_or_else(|| panic!("no report"));
    assert_eq!((last.bytes_done, last.bytes_total), (total, total));
    assert!(reports
        .windows(2)
        .all(|w| w[0].bytes_done <= w[1].bytes_done));
    assert!(reports
        .iter()
        .any(|p| p.phase == "attachments" && p.bytes_done > 0 && p.bytes_done < total));
    assert_eq!(
        reports
            .iter()
            .find(|p| p.phase == "finishing")
            .map(|p| p.files_done),
        Some(4)
    );
    assert!(desk_export::verify::verify(&path).ok);
    std::fs::remove_file(&path).unwrap_or_else(|e| panic!("{e}"));

    // The last blob changes (same size): the three before it were already written.
    let sha = o
        .catalog
        .item(&ids[3])
        .unwrap_or_else(|e| panic!("{e}"))
        .attachments[0]
        .sha256
        .clone();
    let blob = o
        .catalog
        .attachment_blob(&sha)
        .unwrap_or_else(|| panic!("blob"));
    let mut perms = std::fs::metadata(&blob)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions();
    #[allow(clippy::permissions_set_readonly_false)]
    perms.set_readonly(false);
    std::fs::set_permissions(&blob, perms).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&blob, vec![9u8; 5 << 20]).unwrap_or_else(|e| panic!("{e}"));
    let damaged = export(&mut o, ExportScope::Full, &path);
    assert_eq!(
        damaged.map(|_| ()).map_err(|e| e.code().to_string()),
        Err("attachment_damaged".into())
    );
    assert_eq!(files_in(&folder), Vec::<String>::new());
}

#[test]
fn a_redacted_item_goes_out_with_its_reason_once_its_redaction_is_checked() {
    let mut o = office();
    let item = o.draft("关于某某行政处罚决定的公告", |i| {
        i.disclosure = Disclosure::Redacted;
        i.withheld_reason = Some(WithheldReason::Privacy);
        i.withheld_note = "删去了当事人的身份证号和住址".into();
        i.channels = vec!["政府网站".into()];
    });
    o.attach(&item.id, "处罚决定（删减后）.pdf", b"%PDF-1.4 redacted");
    // Every other check passed: the two redaction checks still stop sign-off.
    o.as_clerk();
    o.catalog
        .act(&item.id, Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    let today = date("2019-10-08").unwrap_or_default();
    let review = o
        .catalog
        .item_review(&item.id, today)
        .unwrap_or_else(|e| panic!("{e}"));
    for check in &review.checklist.checks {
        if check.def.disclosures.is_empty() && !check.def.rule.is_automatic() {
            o.catalog
                .mark_check(&item.id, &check.def.key, CheckState::Passed, "")
                .unwrap_or_else(|e| panic!("{}: {e}", check.def.key));
        }
    }
    let refused = o.catalog.act(&item.id, Action::RequestSignoff, "");
    let message = refused.err().map(|e| e.to_string()).unwrap_or_default();
    for label in ["附件为删减后的版本", "删减内容已核对"] {
        assert!(message.contains(label), "{label} not in: {message}");
    }
    for key in ["redacted_attachment", "redaction_checked"] {
        o.catalog
            .mark_check(&item.id, key, CheckState::Passed, "")
            .unwrap_or_else(|e| panic!("{key}: {e}"));
    }
    o.catalog
        .act(&item.id, Action::RequestSignoff, "")
        .unwrap_or_else(|e| panic!("{e}"));
    o.as_head();
    o.catalog
        .act(&item.id, Action::SignOff, "")
        .unwrap_or_else(|e| panic!("{e}"));

    let path = o.path("redacted.zip");
    let report = export(&mut o, ExportScope::Incremental, &path).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.item_ids, vec![item.id.clone()]);
    assert_eq!(o.status(&item.id), Status::Exported);
    let verified = desk_export::verify::verify(&path);
    assert!(verified.ok, "{:#?}", verified.problems);
    assert!(verified.items.iter().all(|i| i.signoff_ok));
    let entries = entries(&path);
    let manifest: serde_json::Value = entries
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .and_then(|(_, b)| serde_json::from_slice(b).ok())
        .unwrap_or_default();
    let fields = &manifest["items"][0]["fields"];
    assert_eq!(
        (
            fields["disclosure"].as_str(),
            fields["withheld_reason"].as_str(),
            fields["withheld_note"].as_str()
        ),
        (
            Some("redacted"),
            Some("privacy"),
            Some("删去了当事人的身份证号和住址")
        )
    );
    let page = entries
        .iter()
        .find(|(n, _)| n == "index.html")
        .map(|(_, b)| String::from_utf8_lossy(b).to_string())
        .unwrap_or_default();
    assert!(
        page.contains("关于某某行政处罚决定的公告（删减后公开）"),
        "{page}"
    );
}
