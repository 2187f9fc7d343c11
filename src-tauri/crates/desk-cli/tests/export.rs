//! `desk export`, `verify`, `feedback import`, `ledger` and `report annual` on a real data
//! folder: what the office and the web team run.

#[path = "common/program.rs"]
mod program;
use chrono::NaiveDate;
use desk_core::checklist::CheckState;
use desk_core::model::{Department, DepartmentKind, Item, Person, Role};
use desk_core::workflow::Action;
use desk_store::{Catalog, OpenOptions};
use program::desk_command;
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn desk(data_dir: &Path, args: &[&str]) -> Output {
    desk_command()
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run desk: {e}"))
}

fn ok_json(data_dir: &Path, args: &[&str]) -> Value {
    let out = desk(data_dir, &[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "desk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON ({e})"))
}

/// Runs with `--json`, expects exit 1; returns the error document from stderr.
fn err_json(data_dir: &Path, args: &[&str]) -> Value {
    let out = desk(data_dir, &[&["--json"], args].concat());
    assert_eq!(out.status.code(), Some(1), "desk {args:?} should fail");
    assert!(out.stdout.is_empty());
    serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("stderr not JSON ({e})"))
}

/// A catalog with two signed-off items (one with an attachment) and one draft.
fn catalog(data: &Path, files: &Path) -> Vec<String> {
    let mut c = Catalog::open(data, OpenOptions::default()).unwrap_or_else(|e| panic!("{e}"));
    let dep = c
        .save_department(Department {
            id: String::new(),
            name: "规法处".into(),
            code: String::new(),
            kind: DepartmentKind::Department,
        })
        .unwrap_or_else(|e| panic!("{e}"));
    let mut person = |name: &str, role: Role| {
        c.save_person(Person {
            id: String::new(),
            name: name.into(),
            department_id: Some(dep.id.clone()),
            roles: vec![role],
        })
        .unwrap_or_else(|e| panic!("{e}"))
    };
    let clerk = person("王芳", Role::Clerk);
    let head = person("李处长", Role::SectionHead);
    let mut ids = Vec::new();
    for (n, title) in [
        "关于做好2019年义务教育招生工作的通知",
        "2019年学前教育资助政策解读",
        "草稿事项",
    ]
    .iter()
    .enumerate()
    {
        c.set_current_person(&clerk.id)
            .unwrap_or_else(|e| panic!("{e}"));
        let mut item = Item::blank(String::new());
        item.title = title.to_string();
        item.index_no = format!("210200-JY-2019-{:04}", n + 1);
        item.lead_department_id = Some(dep.id.clone());
        item.date_written = NaiveDate::from_ymd_opt(2019, 3, 5);
        item.channels = vec!["政府网站".into()];
        let item = c.save_item(item).unwrap_or_else(|e| panic!("{e}"));
        ids.push(item.id.clone());
        if n == 2 {
            continue;
        }
        if n == 0 {
            let file = files.join("通知.pdf");
            std::fs::write(&file, b"%PDF-1.4 notice").unwrap_or_else(|e| panic!("{e}"));
            c.add_attachment(&item.id, &file)
                .unwrap_or_else(|e| panic!("{e}"));
        }
        c.act(&item.id, Action::Submit, "")
            .unwrap_or_else(|e| panic!("{e}"));
        let review = c
            .item_review(
                &item.id,
                NaiveDate::from_ymd_opt(2019, 10, 8).unwrap_or_default(),
            )
            .unwrap_or_else(|e| panic!("{e}"));
        for check in review.checklist.checks.iter().filter(|c| c.def.required) {
            if c.mark_check(&item.id, &check.def.key, CheckState::Passed, "")
                .is_err()
            {
                c.mark_check(
                    &item.id,
                    &check.def.key,
                    CheckState::NotApplicable,
                    "不涉及",
                )
                .unwrap_or_else(|e| panic!("{e}"));
            }
        }
        c.act(&item.id, Action::RequestSignoff, "")
            .unwrap_or_else(|e| panic!("{e}"));
        c.set_current_person(&head.id)
            .unwrap_or_else(|e| panic!("{e}"));
        c.act(&item.id, Action::SignOff, "")
            .unwrap_or_else(|e| panic!("{e}"));
    }
    ids
}

#[test]
fn export_verify_feedback_ledger_report() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let ids = catalog(&data, dir.path());
    let zip = dir.path().join("bundle.zip");
    let zip_arg = zip.display().to_string();

    let preview = ok_json(&data, &["export", "--dry-run"]);
    assert_eq!(preview["items"].as_array().map(Vec::len), Some(2));
    assert!(!zip.exists());
    let error = err_json(&data, &["export"]);
    assert_eq!(error["error"]["code"], "invalid_argument");

    let report = ok_json(&data, &["export", "--out", &zip_arg]);
    assert_eq!(report["item_ids"].as_array().map(Vec::len), Some(2));
    assert_eq!(report["marked_exported"], 2);
    let shown = ok_json(&data, &["item", "show", &ids[0]]);
    assert_eq!(shown["status"], "exported");
    let error = err_json(&data, &["export", "--out", &zip_arg]);
    assert_eq!(error["error"]["code"], "file_exists");
    let full = dir.path().join("full.zip");
    let error = err_json(&data, &["export", "--out", &full.display().to_string()]);
    assert_eq!(error["error"]["code"], "export_nothing");
    ok_json(
        &data,
        &["export", "--full", "--out", &full.display().to_string()],
    );

    // The web team's side: no catalog needed.
    let elsewhere = dir.path().join("web-team");
    let verified = ok_json(&elsewhere, &["verify", &zip_arg]);
    assert_eq!(verified["ok"], true);
    assert_eq!(verified["items"].as_array().map(Vec::len), Some(2));
    let text = desk(&elsewhere, &["verify", &zip_arg]);
    assert!(text.status.success());
    assert!(String::from_utf8_lossy(&text.stdout).starts_with("OK: bundle "));
    // A damaged copy: exit 1 with the problems listed.
    let bytes = std::fs::read(&zip).unwrap_or_default();
    let damaged = dir.path().join("damaged.zip");
    std::fs::write(&damaged, &bytes[..bytes.len() * 2 / 3]).unwrap_or_else(|e| panic!("{e}"));
    let error = err_json(&elsewhere, &["verify", &damaged.display().to_string()]);
    assert_eq!(error["error"]["code"], "bundle_invalid");
    assert_eq!(error["error"]["problems"][0]["code"], "zip_unreadable");
    let text = desk(&elsewhere, &["verify", &damaged.display().to_string()]);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stderr).contains("zip_unreadable"));

    // Publication feedback, twice.
    let csv = dir.path().join("published.csv");
    std::fs::write(
        &csv,
        "索引号,网址,发布日期\n210200-JY-2019-0001,https://www.dl.gov.cn/a/1.html,2019-10-10\n210200-JY-2019-0404,https://www.dl.gov.cn/a/2.html,2019-10-10\n",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let csv_arg = csv.display().to_string();
    let applied = ok_json(&data, &["feedback", "import", &csv_arg]);
    assert_eq!(
        (applied["applied"].as_u64(), applied["refused"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(applied["rows"][1]["code"], "feedback_unknown_item");
    let again = ok_json(&data, &["feedback", "import", &csv_arg]);
    assert_eq!(
        (again["applied"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(1))
    );
    let shown = ok_json(&data, &["item", "show", &ids[0]]);
    assert_eq!(shown["status"], "published");
    assert_eq!(shown["published_url"], "https://www.dl.gov.cn/a/1.html");

    // The ledger and the annual figures.
    let ledger = dir.path().join("台账.xlsx");
    let written = ok_json(
        &data,
        &[
            "ledger",
            "--year",
            "2019",
            "--out",
            &ledger.display().to_string(),
        ],
    );
    assert_eq!(written["items"], 3);
    assert!(std::fs::read(&ledger)
        .unwrap_or_default()
        .starts_with(b"PK"));
    let figures = ok_json(&data, &["report", "annual", "--year", "2019"]);
    assert_eq!(figures["year"], 2019);
    assert_eq!(figures["disclosed"], 2);
    assert_eq!(figures["by_channel"][0]["label"], "政府网站");
    let error = err_json(&data, &["report", "annual", "--year", "19"]);
    assert_eq!(error["error"]["code"], "invalid_argument");
}

#[test]
fn print_forms_and_find_a_printed_sheet_by_its_code() {
    let dir = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let data = dir.path().join("data");
    let ids = catalog(&data, dir.path());
    let sheet = dir.path().join("呈批单.pdf");
    let sheet_arg = sheet.display().to_string();

    let printed = ok_json(
        &data,
        &[
            "print",
            "signoff-sheet",
            &ids[0],
            &ids[2],
            "--out",
            &sheet_arg,
        ],
    );
    assert_eq!(printed["items"], 2);
    let pdf = std::fs::read(&sheet).unwrap_or_default();
    assert!(pdf.starts_with(b"%PDF-"));
    let code = printed["sheets"][0]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(code.len(), 23, "{code}");
    // The file is there: not written over without --force.
    let error = err_json(
        &data,
        &["print", "signoff-sheet", &ids[0], "--out", &sheet_arg],
    );
    assert_eq!(error["error"]["code"], "file_exists");
    let error = err_json(
        &data,
        &[
            "print",
            "signoff-sheet",
            "no-such-item",
            "--out",
            &format!("{sheet_arg}.2.pdf"),
        ],
    );
    assert_eq!(error["error"]["code"], "not_found");

    let found = ok_json(&data, &["item", "verify-code", &code]);
    assert_eq!(found["matches"][0]["item_id"], ids[0].as_str());
    assert_eq!(found["matches"][0]["unchanged"], true);
    assert_eq!(
        found["matches"][0]["printed_signoff"]["signer_name"],
        "李处长"
    );
    let out = desk(&data, &["item", "verify-code", &code.to_lowercase()]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("unchanged"), "{text}");

    ok_json(&data, &["item", "set", &ids[0], "summary=打印后补充的概述"]);
    let found = ok_json(&data, &["item", "verify-code", &code]);
    assert_eq!(found["matches"][0]["unchanged"], false);

    let error = err_json(&data, &["item", "verify-code", "ABC"]);
    assert_eq!(
        error["error"]["problems"][0]["code"],
        "verify_code_malformed"
    );
    let mut typo: Vec<char> = code.chars().collect();
    typo[0] = if typo[0] == 'Z' { 'Y' } else { 'Z' };
    let typo: String = typo.into_iter().collect();
    let error = err_json(&data, &["item", "verify-code", &typo]);
    assert_eq!(
        error["error"]["problems"][0]["code"],
        "verify_code_mistyped"
    );
    let other = desk_core::verify_code::VerifyCode::of("elsewhere", "sha256:01").to_string();
    let error = err_json(&data, &["item", "verify-code", &other]);
    assert_eq!(error["error"]["code"], "verify_code_unknown");

    // The 移送明细表 of a bundle; a file that is not a bundle is refused.
    let zip = dir.path().join("bundle.zip");
    let zip_arg = zip.display().to_string();
    ok_json(&data, &["export", "--out", &zip_arg]);
    let list = dir.path().join("移送明细表.pdf");
    let listed = ok_json(
        &data,
        &[
            "print",
            "handover",
            &zip_arg,
            "--out",
            &list.display().to_string(),
        ],
    );
    // The edit after printing voided the first item's sign-off: only the second went out.
    assert_eq!(listed["items"], 1);
    assert!(listed["bundle_id"].as_str().is_some_and(|b| !b.is_empty()));
    let error = err_json(
        &data,
        &[
            "print",
            "handover",
            &sheet_arg,
            "--out",
            &dir.path().join("x.pdf").display().to_string(),
        ],
    );
    assert_eq!(error["error"]["code"], "bundle_invalid");
    assert!(!dir.path().join("x.pdf").exists());
}
