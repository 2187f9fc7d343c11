//! The review cycle on a real catalog file: checklists, transitions, sign-off bound to content,
//! templates, attachments, views, progress and the audit log.

mod common;

use chrono::NaiveDate;
use common::*;
use desk_core::checklist::{CheckRule, CheckState};
use desk_core::model::{Item, ItemLink, LinkKind, Person, Role, Status};
use desk_core::ops::EntityKind;
use desk_core::query::{AuditQuery, DueFilter, ItemQuery, View};
use desk_core::workflow::Action;
use desk_store::{Catalog, StoreError};

fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2019, 10, 8).unwrap_or_default()
}

fn person(catalog: &mut Catalog, name: &str, department: &str, roles: &[Role]) -> Person {
    catalog
        .save_person(Person {
            id: String::new(),
            name: name.into(),
            department_id: Some(department.into()),
            roles: roles.to_vec(),
        })
        .unwrap_or_else(|e| panic!("person {name}: {e}"))
}

fn become_(catalog: &mut Catalog, who: &Person) {
    catalog
        .set_current_person(&who.id)
        .unwrap_or_else(|e| panic!("{e}"));
}

fn code(error: StoreError) -> String {
    error.code().to_string()
}

/// Passes every required manual check of the item's checklist.
fn pass_manual_checks(catalog: &mut Catalog, id: &str) {
    let review = catalog
        .item_review(id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    for check in review.checklist.checks {
        if check.def.rule == CheckRule::Manual && check.def.required {
            catalog
                .mark_check(id, &check.def.key, CheckState::Passed, "")
                .unwrap_or_else(|e| panic!("{}: {e}", check.def.key));
        }
    }
}

struct Office {
    _dir: tempfile::TempDir,
    catalog: Catalog,
    clerk: Person,
    head: Person,
    other_head: Person,
    department: String,
}

fn office() -> Office {
    let dir = temp();
    let mut catalog = open(dir.path());
    let gfc = department(&mut catalog, "规法处");
    let xqc = department(&mut catalog, "学前处");
    let clerk = person(&mut catalog, "王芳", &gfc.id, &[Role::Clerk]);
    let head = person(&mut catalog, "李处长", &gfc.id, &[Role::SectionHead]);
    let other_head = person(&mut catalog, "赵处长", &xqc.id, &[Role::SectionHead]);
    Office {
        _dir: dir,
        catalog,
        clerk,
        head,
        other_head,
        department: gfc.id,
    }
}

fn draft(office: &mut Office, title: &str) -> Item {
    let mut item = item(title);
    item.lead_department_id = Some(office.department.clone());
    item.clerk_id = Some(office.clerk.id.clone());
    item.signer_id = Some(office.head.id.clone());
    item.doc_no = "大教发〔2019〕12号".into();
    item.date_formed = NaiveDate::from_ymd_opt(2019, 9, 27);
    save(&mut office.catalog, item)
}

#[test]
fn a_clerk_passes_the_checks_a_head_signs_off_and_a_later_edit_voids_it() {
    let mut o = office();
    become_(&mut o.catalog, &o.clerk.clone());
    let item = draft(&mut o, "关于做好2019年义务教育招生工作的通知");
    let id = item.id.clone();

    // Not yet: the checks are pending.
    o.catalog
        .act(&id, Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    let refused = o.catalog.act(&id, Action::RequestSignoff, "");
    assert_eq!(
        refused.map(|_| ()).map_err(code),
        Err("workflow_checks_blocking".into())
    );
    pass_manual_checks(&mut o.catalog, &id);
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.checklist.blocking().count(), 0, "{review:#?}");
    o.catalog
        .act(&id, Action::RequestSignoff, "")
        .unwrap_or_else(|e| panic!("{e}"));

    // The clerk and another department's head may not sign.
    let refused = o.catalog.act(&id, Action::SignOff, "");
    assert_eq!(
        refused.map(|_| ()).map_err(code),
        Err("workflow_not_entitled".into())
    );
    become_(&mut o.catalog, &o.other_head.clone());
    let refused = o.catalog.act(&id, Action::SignOff, "");
    assert_eq!(
        refused.map(|_| ()).map_err(code),
        Err("workflow_not_entitled".into())
    );
    let waiting = o
        .catalog
        .list_items(
            &ItemQuery {
                view: Some(View::AwaitingMySignoff),
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting.total, 0, "not his department");

    become_(&mut o.catalog, &o.head.clone());
    let waiting = o
        .catalog
        .list_items(
            &ItemQuery {
                view: Some(View::AwaitingMySignoff),
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(waiting.total, 1);
    let signed = o
        .catalog
        .act(&id, Action::SignOff, "")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(signed.status, Status::SignedOff);
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.signoffs.len(), 1);
    assert_eq!(review.signoffs[0].signer_name, "李处长");
    assert_eq!(review.signoff_matches, Some(true));
    assert_eq!(review.signoffs[0].content_hash, review.content_hash);

    // Unsigned facts (internal notes, the clerk) leave the sign-off standing.
    let mut noted = o.catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
    noted.notes = "已电话告知网站".into();
    assert_eq!(save(&mut o.catalog, noted).status, Status::SignedOff);

    // A clerk edits the 文号: the sign-off is void and the item back in review, saying why.
    become_(&mut o.catalog, &o.clerk.clone());
    let mut edited = o.catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
    edited.doc_no = "大教发〔2019〕13号".into();
    let edited = save(&mut o.catalog, edited);
    assert_eq!(edited.status, Status::InReview);
    assert_eq!(edited.changed_after_signoff, vec!["doc_no".to_string()]);
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.signoff_matches, Some(false));
    assert_eq!(review.signoffs.len(), 1, "the record stays, unchanged");

    // The record can never be edited or deleted, even by hand.
    let conn = o.catalog.connection();
    let update = conn.execute("UPDATE signoffs SET signer_name = 'x'", []);
    assert!(update.is_err());
    assert!(conn.execute("DELETE FROM signoffs", []).is_err());

    // The history tells the whole story, with authors.
    let history = o
        .catalog
        .item_history(&id)
        .unwrap_or_else(|e| panic!("{e}"));
    let status_changes: Vec<(String, String)> = history
        .iter()
        .rev()
        .filter(|h| h.field.as_deref() == Some("status"))
        .map(|h| (h.author_name.clone(), h.new_value.to_string()))
        .collect();
    assert_eq!(
        status_changes,
        vec![
            ("王芳".to_string(), "\"in_review\"".to_string()),
            ("王芳".to_string(), "\"awaiting_signoff\"".to_string()),
            ("李处长".to_string(), "\"signed_off\"".to_string()),
            ("王芳".to_string(), "\"in_review\"".to_string()),
        ]
    );
    let signoff_ops = o
        .catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|op| op.entity == EntityKind::Signoff)
        .count();
    assert_eq!(signoff_ops, 1);
}

#[test]
fn marking_a_check_on_a_signed_item_voids_the_sign_off() {
    let mut o = office();
    become_(&mut o.catalog, &o.head.clone());
    let id = draft(&mut o, "事项").id;
    o.catalog
        .act(&id, Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    pass_manual_checks(&mut o.catalog, &id);
    o.catalog
        .act(&id, Action::RequestSignoff, "")
        .unwrap_or_else(|e| panic!("{e}"));
    o.catalog
        .act(&id, Action::SignOff, "")
        .unwrap_or_else(|e| panic!("{e}"));
    o.catalog
        .mark_check(
            &id,
            "check_text",
            CheckState::Failed,
            "错别字：“招生”误作“招声”",
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let item = o.catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item.status, Status::InReview);
    assert_eq!(item.changed_after_signoff, vec!["checklist".to_string()]);
}

#[test]
fn reasons_are_required_and_refusals_change_nothing() {
    let mut o = office();
    become_(&mut o.catalog, &o.head.clone());
    let id = draft(&mut o, "事项").id;
    o.catalog
        .act(&id, Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    let before = o.catalog.operations().unwrap_or_default().len();
    for action in [Action::SendBack, Action::Withdraw] {
        let refused = o.catalog.act(&id, action, "  ");
        assert_eq!(
            refused.map(|_| ()).map_err(code),
            Err("workflow_reason_required".into())
        );
    }
    assert_eq!(o.catalog.operations().unwrap_or_default().len(), before);
    let back = o
        .catalog
        .act(&id, Action::SendBack, "文号有误")
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(back.status, Status::Draft);
    assert_eq!(back.status_note, "文号有误");
    // A save never moves the status, whatever the editor sent.
    let mut stale = back.clone();
    stale.status = Status::Published;
    stale.title = "改了标题".into();
    let saved = save(&mut o.catalog, stale);
    assert_eq!(saved.status, Status::Draft);
}

#[test]
fn a_failed_check_needs_a_note_and_an_automatic_check_cannot_be_passed_over_its_findings() {
    let mut o = office();
    let mut item = draft(&mut o, "招生咨询");
    item.summary = "联系人：张老师，电话13812345678".into();
    let item = save(&mut o.catalog, item);
    let refused = o
        .catalog
        .mark_check(&item.id, "check_legal", CheckState::Failed, "");
    assert_eq!(
        refused.map_err(code),
        Err("check_note_required".to_string())
    );
    let refused = o.catalog.mark_check(
        &item.id,
        "attachments_links",
        CheckState::NotApplicable,
        "无",
    );
    assert_eq!(
        refused.map_err(code),
        Err("check_not_applicable_refused".to_string())
    );
    let review = o
        .catalog
        .item_review(&item.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    let scan = review
        .checklist
        .checks
        .iter()
        .find(|c| c.def.key == "privacy_scan")
        .unwrap_or_else(|| panic!("no scan check"));
    assert_eq!(scan.state, CheckState::Failed);
    let hits = match &scan.findings[..] {
        [desk_core::checklist::Finding::PersonalData { hits }] => hits.clone(),
        other => panic!("{other:?}"),
    };
    assert_eq!(hits[0].masked, "138****5678");
    // Masking fixes it.
    let masked = o
        .catalog
        .apply_masks(&item.id, &hits)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(masked.summary, "联系人：张老师，电话138****5678");
    let review = o
        .catalog
        .item_review(&item.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    let scan = review
        .checklist
        .checks
        .iter()
        .find(|c| c.def.key == "privacy_scan")
        .unwrap_or_else(|| panic!("no scan check"));
    assert_eq!(scan.state, CheckState::Passed);
}

#[test]
fn policy_documents_need_their_interpretation_and_a_long_enough_comment_period() {
    let mut o = office();
    let mut policy = draft(&mut o, "大连市中小学学籍管理办法");
    policy.category_id = Some("cat-rules".into());
    policy.comment_start = NaiveDate::from_ymd_opt(2019, 3, 1);
    policy.comment_end = NaiveDate::from_ymd_opt(2019, 3, 12);
    let policy = save(&mut o.catalog, policy);
    let review = o
        .catalog
        .item_review(&policy.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.checklist.template_id, "rules");
    let findings = |review: &desk_core::review::ItemReview, key: &str| -> Vec<String> {
        review
            .checklist
            .checks
            .iter()
            .find(|c| c.def.key == key)
            .map(|c| c.findings.iter().map(|f| f.code().to_string()).collect())
            .unwrap_or_default()
    };
    assert_eq!(
        findings(&review, "interpretation"),
        vec!["interpretation_missing"]
    );
    assert_eq!(
        findings(&review, "comment_period"),
        vec!["comment_period_too_short", "comment_feedback_missing"]
    );
    // The interpretation links to the policy; the feedback summary to the draft.
    let mut interpretation = draft(&mut o, "《学籍管理办法》政策解读");
    interpretation.links = vec![ItemLink {
        target_id: policy.id.clone(),
        kind: LinkKind::Interprets,
    }];
    save(&mut o.catalog, interpretation);
    let mut feedback = draft(&mut o, "《学籍管理办法》征求意见采纳情况");
    feedback.links = vec![ItemLink {
        target_id: policy.id.clone(),
        kind: LinkKind::CommentFeedback,
    }];
    save(&mut o.catalog, feedback);
    let mut longer = o.catalog.item(&policy.id).unwrap_or_else(|e| panic!("{e}"));
    longer.comment_end = NaiveDate::from_ymd_opt(2019, 3, 30);
    save(&mut o.catalog, longer);
    let review = o
        .catalog
        .item_review(&policy.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(findings(&review, "interpretation").is_empty());
    assert!(
        findings(&review, "comment_period").is_empty(),
        "30 days for 规章"
    );
}

#[test]
fn a_template_change_makes_a_new_version_and_worked_checklists_keep_theirs() {
    let mut o = office();
    let id = draft(&mut o, "事项").id;
    o.catalog
        .mark_check(&id, "check_text", CheckState::Passed, "")
        .unwrap_or_else(|e| panic!("{e}"));
    let mut general = o
        .catalog
        .templates()
        .unwrap_or_default()
        .into_iter()
        .find(|t| t.id == "general")
        .unwrap_or_else(|| panic!("no general template"));
    // The version a new catalog holds (the migrations' newest).
    let first = general.version;
    general.checks.retain(|c| c.key != "check_text");
    let mut added = general.checks[0].clone();
    added.key = "publish_channel".into();
    added.label = "公开渠道已确认".into();
    added.rule = CheckRule::Manual;
    general.checks.push(added);
    let saved = o
        .catalog
        .save_template(general)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(saved.version, first + 1);
    assert_eq!(
        o.catalog
            .template_versions("general")
            .unwrap_or_default()
            .len(),
        saved.version as usize
    );

    // The worked item stays on its version, with its mark, and is offered the upgrade.
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.checklist.template_version, first);
    assert_eq!(
        review.checklist.upgrade_to.as_ref().map(|u| u.version),
        Some(saved.version)
    );
    assert!(review
        .checklist
        .checks
        .iter()
        .any(|c| c.def.key == "check_text" && c.state == CheckState::Passed));
    // A new item gets the new version.
    let fresh = draft(&mut o, "新事项");
    let fresh_review = o
        .catalog
        .item_review(&fresh.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(fresh_review.checklist.template_version, saved.version);
    // Upgrading drops the removed check's mark and adds the new check as pending.
    o.catalog
        .upgrade_checklist(&id)
        .unwrap_or_else(|e| panic!("{e}"));
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.checklist.template_version, saved.version);
    assert!(review.checklist.upgrade_to.is_none());
    assert!(!review
        .checklist
        .checks
        .iter()
        .any(|c| c.def.key == "check_text"));
    assert!(review
        .checklist
        .checks
        .iter()
        .any(|c| c.def.key == "publish_channel" && c.state == CheckState::Pending));

    // Bad templates are refused, and nothing changes.
    let mut bad = saved.clone();
    bad.checks[1].key = bad.checks[0].key.clone();
    assert_eq!(
        o.catalog.save_template(bad).map_err(code).map(|_| ()),
        Err("invalid_argument".into())
    );
    let mut clash = saved;
    clash.id = String::new();
    clash.name = "另一个默认".into();
    assert_eq!(
        o.catalog.save_template(clash).map_err(code).map(|_| ()),
        Err("invalid_argument".into())
    );
    assert_eq!(
        o.catalog
            .template_versions("general")
            .unwrap_or_default()
            .len(),
        first as usize + 1
    );
}

#[test]
fn attachments_are_stored_once_checked_and_a_damaged_one_blocks_sign_off() {
    let mut o = office();
    become_(&mut o.catalog, &o.head.clone());
    let id = draft(&mut o, "事项").id;
    let files = temp();
    let pdf = files.path().join("通知.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 notice").unwrap_or_else(|e| panic!("{e}"));
    let copy = files.path().join("通知(副本).pdf");
    std::fs::write(&copy, b"%PDF-1.4 notice").unwrap_or_else(|e| panic!("{e}"));
    o.catalog
        .add_attachment(&id, &pdf)
        .unwrap_or_else(|e| panic!("{e}"));
    let item = o
        .catalog
        .add_attachment(&id, &copy)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(item.attachments.len(), 2, "two names");
    let blobs: Vec<_> = walk(&o.catalog.data_dir().join("attachments"));
    assert_eq!(blobs.len(), 1, "one content, stored once: {blobs:?}");
    assert_eq!(item.attachments[0].media_type, "application/pdf");
    assert_eq!(item.attachments[0].size, 15);

    // Unreadable source: a clear error, the item untouched.
    let missing = o
        .catalog
        .add_attachment(&id, &files.path().join("不存在.pdf"));
    assert_eq!(
        missing.map(|_| ()).map_err(code),
        Err("attachment_unreadable".into())
    );
    assert_eq!(
        o.catalog.item(&id).map(|i| i.attachments.len()).ok(),
        Some(2)
    );

    // Saved back out byte for byte.
    let out = files.path().join("out.pdf");
    o.catalog
        .save_attachment_to(&id, &item.attachments[0].sha256, &out)
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(std::fs::read(&out).ok(), Some(b"%PDF-1.4 notice".to_vec()));

    // A blob changed behind the catalog's back (same size, other bytes) blocks sign-off.
    o.catalog
        .act(&id, Action::Submit, "")
        .unwrap_or_else(|e| panic!("{e}"));
    pass_manual_checks(&mut o.catalog, &id);
    o.catalog
        .act(&id, Action::RequestSignoff, "")
        .unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&blobs[0], b"%PDF-1.4 forged").unwrap_or_else(|e| panic!("{e}"));
    let refused = o.catalog.act(&id, Action::SignOff, "");
    assert_eq!(
        refused.map(|_| ()).map_err(code),
        Err("workflow_checks_blocking".into())
    );
    let review = o
        .catalog
        .item_review(&id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    let findings: Vec<&str> = review
        .checklist
        .checks
        .iter()
        .flat_map(|c| c.findings.iter().map(|f| f.code()))
        .collect();
    assert!(findings.contains(&"attachment_damaged"), "{findings:?}");
}

fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            files.extend(walk(&path));
        } else {
            files.push(path);
        }
    }
    files
}

#[test]
fn views_progress_and_due_dates() {
    let mut o = office();
    let clerk = o.clerk.clone();
    // Due 2019-10-30 (20 working days over National Day); another overdue.
    let on_time = draft(&mut o, "按期");
    let mut late = draft(&mut o, "逾期");
    late.date_formed = NaiveDate::from_ymd_opt(2019, 8, 1);
    let late = save(&mut o.catalog, late);
    let mut soon = draft(&mut o, "本周到期");
    soon.due_date = NaiveDate::from_ymd_opt(2019, 10, 10);
    save(&mut o.catalog, soon);

    let no_person = o.catalog.list_items(
        &ItemQuery {
            view: Some(View::MyWork),
            ..Default::default()
        },
        today(),
    );
    assert_eq!(
        no_person.map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );

    become_(&mut o.catalog, &clerk);
    let mine = o
        .catalog
        .list_items(
            &ItemQuery {
                view: Some(View::MyWork),
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(mine.total, 3);
    let attention = o
        .catalog
        .list_items(
            &ItemQuery {
                due: Some(DueFilter::OverdueOrDueThisWeek),
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let mut titles: Vec<String> = attention.items.iter().map(|i| i.title.clone()).collect();
    titles.sort();
    assert_eq!(titles, vec!["本周到期", "逾期"]);
    let late_row = attention
        .items
        .iter()
        .find(|i| i.id == late.id)
        .unwrap_or_else(|| panic!("late"));
    assert!(late_row.overdue_days.unwrap_or(0) > 0);
    assert_eq!(late_row.clerk_name.as_deref(), Some("王芳"));

    let due = o
        .catalog
        .due_info(&on_time, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(due.due_date, NaiveDate::from_ymd_opt(2019, 10, 30));

    let progress = o
        .catalog
        .department_progress(today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(progress.len(), 1);
    assert_eq!(progress[0].department_name, "规法处");
    assert_eq!(progress[0].total, 3);
    assert_eq!(progress[0].by_status[0], 3, "all drafts");
    assert_eq!(progress[0].overdue, 1);
    assert_eq!(progress[0].due_this_week, 1);
}

#[test]
fn the_audit_log_filters_by_person_and_exports_csv() {
    let mut o = office();
    become_(&mut o.catalog, &o.clerk.clone());
    draft(&mut o, "王芳建的");
    become_(&mut o.catalog, &o.head.clone());
    draft(&mut o, "李处长建的");
    let all = o
        .catalog
        .audit_log(&AuditQuery::default())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(all.total >= 5, "departments, people and two items");
    let his = o
        .catalog
        .audit_log(&AuditQuery {
            author_id: Some(o.head.id.clone()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(his.total, 1);
    assert_eq!(his.entries[0].entity_label.as_deref(), Some("李处长建的"));
    assert_eq!(his.entries[0].entry.author_name, "李处长");
    let in_1990 = o
        .catalog
        .audit_log(&AuditQuery {
            to: NaiveDate::from_ymd_opt(1990, 1, 1),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(in_1990.total, 0);
    let now = chrono::Local::now().date_naive();
    let today_only = o
        .catalog
        .audit_log(&AuditQuery {
            from: Some(now),
            to: Some(now),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(today_only.total, all.total);
    let csv = o
        .catalog
        .audit_csv(&AuditQuery {
            author_id: Some(o.head.id.clone()),
            ..Default::default()
        })
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(csv.starts_with('\u{feff}'));
    assert_eq!(csv.trim_end().split("\r\n").count(), 2, "{csv}");
    assert!(csv.contains("李处长建的"));
}

#[test]
fn a_category_time_limit_recomputes_due_dates_and_bad_limits_are_refused() {
    let mut o = office();
    let mut item = draft(&mut o, "规范性文件");
    item.category_id = Some("cat-normative".into());
    let item = save(&mut o.catalog, item);
    let due = |catalog: &Catalog| {
        catalog
            .list_items(&ItemQuery::default(), today())
            .unwrap_or_else(|e| panic!("{e}"))
            .items
            .into_iter()
            .find(|i| i.id == item.id)
            .and_then(|i| i.due_date)
    };
    assert_eq!(due(&o.catalog), NaiveDate::from_ymd_opt(2019, 10, 30));
    let mut settings = o.catalog.settings().clone();
    settings
        .category_deadlines
        .push(desk_core::settings::CategoryDeadline {
            category_id: "cat-policy".into(),
            working_days: 5,
        });
    o.catalog
        .save_settings(settings.clone())
        .unwrap_or_else(|e| panic!("{e}"));
    // 09-29 (make-up Sunday), 09-30, then 10-08, 10-09, 10-10: inherited from 政策文件.
    assert_eq!(due(&o.catalog), NaiveDate::from_ymd_opt(2019, 10, 10));
    let mut bad = settings.clone();
    bad.category_deadlines[0].working_days = 0;
    assert_eq!(
        o.catalog.save_settings(bad).map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );
    let mut unknown = settings;
    unknown.category_deadlines[0].category_id = "cat-nowhere".into();
    assert_eq!(
        o.catalog.save_settings(unknown).map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );
    assert_eq!(due(&o.catalog), NaiveDate::from_ymd_opt(2019, 10, 10));
}

#[test]
fn the_office_edits_the_calendar_and_due_dates_follow() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let mut item = item("年底事项");
    item.date_formed = NaiveDate::from_ymd_opt(2026, 12, 15);
    let item = save(&mut catalog, item);
    let review = catalog
        .item_review(
            &item.id,
            NaiveDate::from_ymd_opt(2026, 12, 15).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(review.due.uncovered_years, vec![2027]);
    let before = review.due.due_date;

    // 2027 added: 元旦 on 01-01 (a Friday) moves the due date one working day on.
    let added = catalog
        .save_calendar_year("# 2027年节假日安排\nyear 2027\nholiday 2027-01-01 元旦\n")
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(added.edited && !added.shipped);
    assert_eq!((added.holidays, added.workdays), (1, 0));
    let review = catalog
        .item_review(
            &item.id,
            NaiveDate::from_ymd_opt(2026, 12, 15).unwrap_or_default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(review.due.uncovered_years.is_empty());
    assert_eq!(
        review.due.due_date,
        before.and_then(|d| d.succ_opt()).map(|d| {
            if chrono::Datelike::weekday(&d) == chrono::Weekday::Sat {
                d + chrono::Days::new(2)
            } else {
                d
            }
        })
    );

    // A file that does not read is refused and nothing changes; the edit survives reopening.
    let bad = catalog.save_calendar_year("year 2027\nholiday 2027-02-30 不存在\n");
    assert_eq!(
        bad.map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );
    drop(catalog);
    let mut catalog = open(dir.path());
    let years = catalog.calendar_years().unwrap_or_default();
    assert!(years.iter().any(|y| y.year == 2027 && y.edited));
    assert!(years
        .iter()
        .any(|y| y.year == 2019 && y.shipped && !y.edited));
    assert!(catalog.calendar().covers(2027));
    catalog
        .reset_calendar_year(2027)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(!catalog.calendar().covers(2027));
    let history: Vec<_> = catalog
        .operations()
        .unwrap_or_default()
        .into_iter()
        .filter(|op| op.entity_id == "calendar:2027")
        .collect();
    assert_eq!(history.len(), 2, "added, then reset");
}

#[test]
fn days_marked_on_the_month_grid_are_saved_as_the_year_file_and_due_dates_follow() {
    let dir = temp();
    let mut catalog = open(dir.path());
    let mut item = item("三月事项");
    item.date_formed = NaiveDate::from_ymd_opt(2026, 3, 2);
    let item = save(&mut catalog, item);
    let day = |date: &str, working: bool, note: &str| desk_core::workdays::CalendarDay {
        date: NaiveDate::parse_from_str(date, "%Y-%m-%d").unwrap_or_default(),
        working,
        note: note.into(),
    };
    let due = |catalog: &desk_store::Catalog| {
        catalog
            .item_review(
                &item.id,
                NaiveDate::from_ymd_opt(2026, 3, 2).unwrap_or_default(),
            )
            .map(|r| r.due.due_date)
            .unwrap_or_else(|e| panic!("{e}"))
    };
    let shipped = catalog
        .calendar_years()
        .unwrap_or_default()
        .into_iter()
        .find(|y| y.year == 2026)
        .unwrap_or_else(|| panic!("2026 ships"));
    let before = due(&catalog);

    // Three more days off in March (a local holiday, Tuesday to Thursday), marked on the grid.
    let mut days = shipped.days.clone();
    days.extend(["2026-03-10", "2026-03-11", "2026-03-12"].map(|d| day(d, false, "地方假日")));
    let saved = catalog
        .save_calendar_days(2026, &days)
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(saved.edited && saved.shipped);
    assert_eq!(saved.holidays, shipped.holidays + 3);
    assert!(saved
        .text
        .starts_with(shipped.text.lines().next().unwrap_or_default()));
    assert!(
        saved
            .text
            .contains("holiday 2026-03-10..2026-03-12 地方假日"),
        "{}",
        saved.text
    );
    assert_eq!(due(&catalog), before.map(|d| d + chrono::Days::new(3)));

    // A day marked both ways, or outside the year, is refused and the saved year stays.
    let mut both = days.clone();
    both.push(day("2026-03-10", true, "调休"));
    let refused = catalog.save_calendar_days(2026, &both);
    assert_eq!(
        refused.map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );
    let outside = catalog.save_calendar_days(2026, &[day("2027-01-01", false, "元旦")]);
    assert_eq!(
        outside.map(|_| ()).map_err(code),
        Err("invalid_argument".into())
    );
    let kept = catalog.calendar_years().unwrap_or_default();
    assert!(kept.iter().any(|y| y.year == 2026 && y.text == saved.text));
}

#[test]
fn a_save_from_an_editor_opened_before_an_attachment_keeps_it() {
    let mut o = office();
    let id = draft(&mut o, "事项").id;
    let stale = o.catalog.item(&id).unwrap_or_else(|e| panic!("{e}"));
    let files = temp();
    let pdf = files.path().join("附件.pdf");
    std::fs::write(&pdf, b"%PDF-1.4 x").unwrap_or_else(|e| panic!("{e}"));
    o.catalog
        .add_attachment(&id, &pdf)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut edited = stale;
    edited.title = "改了标题".into();
    let saved = save(&mut o.catalog, edited);
    assert_eq!(saved.attachments.len(), 1);
    assert_eq!(saved.title, "改了标题");
}

#[test]
fn a_new_item_is_the_creators_to_handle_unless_someone_else_is_named() {
    let mut o = office();
    let clerk = o.clerk.clone();
    become_(&mut o.catalog, &clerk);
    let mut mine = item("王芳新建的事项");
    mine.lead_department_id = Some(o.department.clone());
    let mine = save(&mut o.catalog, mine);
    assert_eq!(mine.clerk_id.as_deref(), Some(clerk.id.as_str()));
    let mut theirs = item("交给李处长办理");
    theirs.clerk_id = Some(o.head.id.clone());
    let theirs = save(&mut o.catalog, theirs);
    assert_eq!(theirs.clerk_id.as_deref(), Some(o.head.id.as_str()));
    // Saving an existing item with no 经办人 leaves it so: only a new item takes its creator.
    let mut cleared = mine.clone();
    cleared.clerk_id = None;
    assert_eq!(save(&mut o.catalog, cleared).clerk_id, None);
    let mut again = item("再建一项");
    again.lead_department_id = Some(o.department.clone());
    save(&mut o.catalog, again);
    let my_work = o
        .catalog
        .list_items(
            &ItemQuery {
                view: Some(View::MyWork),
                ..Default::default()
            },
            today(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
    let titles: Vec<&str> = my_work.items.iter().map(|i| i.title.as_str()).collect();
    assert_eq!(titles.len(), 1, "{titles:?}");
    assert_eq!(titles[0], "再建一项");
}

#[test]
fn whoever_submits_an_item_nobody_handles_becomes_its_clerk() {
    let mut o = office();
    let clerk = o.clerk.clone();
    become_(&mut o.catalog, &clerk);
    let mut unassigned = item("无人经办的事项");
    unassigned.lead_department_id = Some(o.department.clone());
    let mut unassigned = save(&mut o.catalog, unassigned);
    unassigned.clerk_id = None;
    let unassigned = save(&mut o.catalog, unassigned);
    assert_eq!(unassigned.clerk_id, None);
    let mut named = item("李处长经办的事项");
    named.lead_department_id = Some(o.department.clone());
    named.clerk_id = Some(o.head.id.clone());
    let named = save(&mut o.catalog, named);
    for id in [&unassigned.id, &named.id] {
        o.catalog
            .act(id, Action::Submit, "")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    let clerk_of = |catalog: &desk_store::Catalog, id: &str| {
        catalog.item(id).unwrap_or_else(|e| panic!("{e}")).clerk_id
    };
    assert_eq!(clerk_of(&o.catalog, &unassigned.id), Some(clerk.id.clone()));
    assert_eq!(clerk_of(&o.catalog, &named.id), Some(o.head.id.clone()));
}

#[test]
fn the_review_names_who_may_sign_the_item_off() {
    let mut o = office();
    let clerk = o.clerk.clone();
    become_(&mut o.catalog, &clerk);
    let drafted = draft(&mut o, "关于规范招生工作的通知");
    let review = o
        .catalog
        .item_review(&drafted.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    // The head of the lead department, not the head of another one, nor the clerk.
    assert_eq!(review.signers, vec!["李处长".to_string()]);
    // No lead department: nobody may sign it.
    let nobody = save(&mut o.catalog, item("牵头部门未定"));
    let review = o
        .catalog
        .item_review(&nobody.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(review.signers.is_empty(), "{:?}", review.signers);
}

#[test]
fn the_pending_checks_pass_in_one_step_each_recorded_and_no_rule_or_failure_overridden() {
    let mut o = office();
    become_(&mut o.catalog, &o.clerk.clone());
    let mut item = draft(&mut o, "招生咨询电话");
    // The personal-data rule finds a mobile number: that check is the rule's to decide.
    item.summary = "联系人：张老师，电话13812345678".into();
    let item = save(&mut o.catalog, item);
    o.catalog
        .mark_check(&item.id, "check_legal", CheckState::Failed, "依据需补充")
        .unwrap_or_else(|e| panic!("{e}"));
    let before = o
        .catalog
        .item_review(&item.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    let pending: Vec<String> = before
        .checklist
        .checks
        .iter()
        .filter(|c| c.state == CheckState::Pending && c.findings.is_empty())
        .map(|c| c.def.key.clone())
        .collect();
    assert!(pending.len() > 3, "{pending:?}");

    let passed = o
        .catalog
        .pass_pending_checks(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    let after = o
        .catalog
        .item_review(&item.id, today())
        .unwrap_or_else(|e| panic!("{e}"));
    let state = |key: &str| {
        after
            .checklist
            .checks
            .iter()
            .find(|c| c.def.key == key)
            .map(|c| c.state)
    };
    for key in &passed {
        assert_eq!(state(key), Some(CheckState::Passed), "{key}");
        let mark = after
            .checklist
            .checks
            .iter()
            .find(|c| &c.def.key == key)
            .and_then(|c| c.mark.clone())
            .unwrap_or_else(|| panic!("{key}: no mark"));
        assert_eq!(mark.by, o.clerk.id, "{key}: who");
        assert!(!mark.at.is_empty(), "{key}: when");
    }
    assert!(passed.iter().all(|k| pending.contains(k)));
    assert_eq!(
        state("check_legal"),
        Some(CheckState::Failed),
        "a failure stays"
    );
    assert_eq!(
        state("privacy_scan"),
        Some(CheckState::Failed),
        "the rule's verdict stays"
    );
    assert!(!passed.contains(&"privacy_scan".to_string()));
    // Each pass is in the item's history, one entry per check.
    let history = o
        .catalog
        .item_history(&item.id)
        .unwrap_or_else(|e| panic!("{e}"));
    for key in &passed {
        assert!(
            history
                .iter()
                .any(|h| h.field.as_deref() == Some(&format!("check:{key}"))),
            "{key} not in the history"
        );
    }
    // Nothing left to pass: a second step changes nothing.
    assert_eq!(
        o.catalog
            .pass_pending_checks(&item.id)
            .unwrap_or_else(|e| panic!("{e}")),
        Vec::<String>::new()
    );
}
