//! The `desk` binary on real data folders: JSON output, exit codes, bad input.

use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const SAMPLE: &str =
    include_str!("../../desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt");

fn desk(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_desk"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .output()
        .unwrap_or_else(|e| panic!("run desk: {e}"))
}

/// Runs with `--json`, expects success, returns stdout as JSON.
fn ok_json(data_dir: &Path, args: &[&str]) -> Value {
    let out = desk(data_dir, &[&["--json"], args].concat());
    assert!(
        out.status.success(),
        "desk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// Runs with `--json`, expects failure with `code` on stderr and nothing on stdout.
fn err_code(data_dir: &Path, args: &[&str]) -> String {
    let out = desk(data_dir, &[&["--json"], args].concat());
    assert_eq!(out.status.code(), Some(1), "desk {args:?} should fail");
    assert!(out.stdout.is_empty());
    let error: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| {
        panic!(
            "stderr is not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    assert!(error["error"]["message"]
        .as_str()
        .is_some_and(|m| !m.is_empty()));
    error["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> String {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap_or_else(|e| panic!("{e}"));
    path.display().to_string()
}

#[test]
fn plan_parse_gives_every_task_with_its_departments() {
    let dir = temp();
    let plan = write(dir.path(), "plan.txt", SAMPLE.as_bytes());
    let parsed = ok_json(dir.path(), &["plan", "parse", &plan]);
    let tasks = parsed["tasks"].as_array().cloned().unwrap_or_default();
    assert_eq!(tasks.len(), 17);
    let task = &tasks[6];
    assert_eq!(task["path"], serde_json::json!([3, 2]));
    assert_eq!(task["title"], "做好重點民生領域信息公開");
    let names: Vec<&str> = task["departments"]
        .as_array()
        .map(|d| d.iter().filter_map(|x| x["name"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        names,
        vec!["規法處", "學前處", "義教處", "各區市縣和先導區教育行政部門"]
    );
    assert_eq!(task["departments"][0]["role"], "responsible");
    assert!(task["text"]
        .as_str()
        .is_some_and(|t| t.contains("招生范圍")));
    let warnings = parsed["warnings"].as_array().cloned().unwrap_or_default();
    assert!(warnings.iter().any(|w| w["code"] == "garbled_heading"));
    assert_eq!(parsed["encoding"], "UTF-8");
    // The same plan saved as GBK by an office PC.
    let gbk = write(
        dir.path(),
        "plan-gbk.txt",
        &encoding_rs::GB18030.encode(SAMPLE).0,
    );
    let again = ok_json(dir.path(), &["plan", "parse", &gbk]);
    assert_eq!(again["encoding"], "GB18030");
    assert_eq!(again["tasks"], parsed["tasks"]);
    // Parsing writes nothing.
    assert!(!dir.path().join("catalog.db").exists());
}

#[test]
fn bad_plan_files_fail_with_clear_codes() {
    let dir = temp();
    let data = dir.path().join("data");
    let check = |name: &str, bytes: &[u8], code: &str| {
        let file = write(dir.path(), name, bytes);
        assert_eq!(err_code(&data, &["plan", "parse", &file]), code, "{name}");
        assert_eq!(
            err_code(&data, &["plan", "import", &file, "--yes"]),
            code,
            "{name}"
        );
    };
    check(
        "scan.pdf",
        b"%PDF-1.4\n\x00\x00\x01\x02\x03binary",
        "plan_binary",
    );
    check("empty.txt", b"", "plan_empty");
    check("huge.txt", &vec![b'x'; 50 * 1024 * 1024], "plan_too_large");
    let missing = dir.path().join("missing.txt").display().to_string();
    assert_eq!(
        err_code(&data, &["plan", "parse", &missing]),
        "plan_file_unreadable"
    );
}

#[test]
fn plan_import_asks_then_imports_once() {
    let dir = temp();
    let plan = write(dir.path(), "plan.txt", SAMPLE.as_bytes());
    let data = dir.path().join("data");
    // Not a terminal and no --yes: nothing is imported.
    assert_eq!(
        err_code(&data, &["plan", "import", &plan]),
        "confirmation_required"
    );
    assert_eq!(ok_json(&data, &["item", "list"])["total"], 0);
    let report = ok_json(&data, &["plan", "import", &plan, "--yes"]);
    assert_eq!(report["items_created"], 17);
    let again = ok_json(&data, &["plan", "import", &plan, "--yes"]);
    assert_eq!(
        (
            again["items_created"].as_u64(),
            again["tasks_already_imported"].as_u64()
        ),
        (Some(0), Some(17))
    );
    let listed = ok_json(
        &data,
        &["item", "list", "--department", "规法处", "--limit", "1000"],
    );
    assert_eq!(listed["total"], 4, "規法處 is named in four tasks");
    let found = ok_json(&data, &["item", "list", "--query", "解读"]);
    assert_eq!(found["items"][0]["title"], "充分發揮政策解讀的釋疑引導作用");
}

#[test]
fn items_are_added_changed_shown_and_their_history_kept() {
    let dir = temp();
    let data = dir.path();
    ok_json(data, &["department", "add", "规法处", "--code", "GFC"]);
    let added = ok_json(
        data,
        &[
            "item",
            "add",
            "--title",
            "大连市教育局行政执法公示制度",
            "lead=规法处",
            "成文日期=2019年4月1日",
            "category=行政规范性文件",
            "channels=政府网站、两微一端",
        ],
    );
    let id = added["id"].as_str().unwrap_or_default().to_string();
    assert_eq!(added["date_written"], "2019-04-01");
    assert_eq!(added["index_no"], "210200-JY-GFXWJ-2019-0001");
    assert_eq!(
        added["channels"],
        serde_json::json!(["政府网站", "两微一端"])
    );
    let changed = ok_json(
        data,
        &[
            "item",
            "set",
            &id,
            "doc_no=大教发〔2019〕12号",
            "status=审查中",
        ],
    );
    assert_eq!(
        (changed["doc_no"].as_str(), changed["status"].as_str()),
        (Some("大教发〔2019〕12号"), Some("in_review"))
    );
    let shown = ok_json(data, &["item", "show", &id]);
    assert_eq!(shown, changed);
    let history = ok_json(data, &["item", "history", &id])["history"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(history.len(), 3, "create + 文号 + 状态");
    let listed = ok_json(
        data,
        &["item", "list", "--query", "12号", "--status", "in_review"],
    );
    assert_eq!(listed["items"][0]["id"], id.as_str());
}

#[test]
fn bad_item_input_is_refused_and_nothing_changes() {
    let dir = temp();
    let data = dir.path();
    let added = ok_json(data, &["item", "add", "--title", "原样"]);
    let id = added["id"].as_str().unwrap_or_default().to_string();
    // As long as one command-line argument may be (the 100,000-character case is in desk-store).
    let long_title = format!("title={}", "长".repeat(40_000));
    let check = |args: &[&str], code: &str| assert_eq!(err_code(data, args), code, "{args:?}");
    check(
        &["item", "set", &id, "date_written=2019-02-30"],
        "invalid_item",
    );
    check(&["item", "set", &id, "lead=不存在的处"], "invalid_item");
    check(&["item", "set", &id, "disclosure=不予公开"], "invalid_item");
    check(&["item", "set", &id, &long_title], "invalid_item");
    check(&["item", "set", &id, "colour=red"], "invalid_item");
    check(&["item", "set", &id, "no-equals-sign"], "invalid_argument");
    check(&["item", "add", "--title", "  "], "invalid_item");
    check(&["item", "show", "no-such-id"], "not_found");
    assert_eq!(ok_json(data, &["item", "show", &id]), added);
    assert_eq!(ok_json(data, &["item", "list"])["total"], 1);
    // Text errors for people: one line saying what to do, exit code 1.
    let out = desk(data, &["item", "set", &id, "date_written=2019-02-30"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("not a date that exists"));
}

#[test]
fn a_foreign_database_is_refused_and_left_alone() {
    let dir = temp();
    let db = write(
        dir.path(),
        "catalog.db",
        b"this is somebody's notes file, not a database",
    );
    assert_eq!(err_code(dir.path(), &["item", "list"]), "database_foreign");
    assert_eq!(
        std::fs::read(db).unwrap_or_default(),
        b"this is somebody's notes file, not a database"
    );
}

#[test]
fn the_data_dir_can_come_from_the_environment() {
    let dir = temp();
    let out = Command::new(env!("CARGO_BIN_EXE_desk"))
        .env("DISCLOSURE_DESK_DATA_DIR", dir.path())
        .args(["--json", "info"])
        .output()
        .unwrap_or_else(|e| panic!("{e}"));
    assert!(out.status.success());
    let info: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    assert_eq!(info["data_dir"], dir.path().display().to_string());
    assert!(dir.path().join("catalog.db").exists());
}

#[test]
fn a_read_only_data_folder_is_explained() {
    let dir = temp();
    ok_json(dir.path(), &["item", "add", "--title", "已保存"]);
    // chmod stops everyone but root; for root the folder is made immutable instead.
    use std::os::unix::fs::PermissionsExt;
    let set_mode =
        |mode| std::fs::set_permissions(dir.path(), std::fs::Permissions::from_mode(mode));
    set_mode(0o555).unwrap_or_else(|e| panic!("{e}"));
    let root = std::fs::write(dir.path().join("probe"), b"").is_ok();
    let chattr = |flag: &str| {
        let status = Command::new("chattr").arg(flag).arg(dir.path()).status();
        assert!(
            matches!(status, Ok(s) if s.success()),
            "chattr {flag} failed"
        );
    };
    if root {
        let _ = std::fs::remove_file(dir.path().join("probe"));
        chattr("+i");
    }
    let code = err_code(dir.path(), &["item", "add", "--title", "新的"]);
    if root {
        chattr("-i");
    }
    set_mode(0o755).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(code, "data_dir_read_only");
    assert_eq!(ok_json(dir.path(), &["item", "list"])["total"], 1);
}

#[test]
fn settings_change_the_lists_and_the_index_rule() {
    let dir = temp();
    let data = dir.path();
    let saved = ok_json(
        data,
        &[
            "settings",
            "set",
            "channels=政府网站、政务微博",
            "index_rule={org}/{year}/{seq:3}",
            "org_code=DL",
        ],
    );
    assert_eq!(
        saved["channels"],
        serde_json::json!(["政府网站", "政务微博"])
    );
    let item = ok_json(
        data,
        &[
            "item",
            "add",
            "--title",
            "通知",
            "channels=政务微博",
            "date_written=2019-01-02",
        ],
    );
    assert_eq!(item["index_no"], "DL/2019/001");
    assert_eq!(
        err_code(
            data,
            &["item", "add", "--title", "通知", "channels=两微一端"]
        ),
        "invalid_item"
    );
    assert_eq!(
        err_code(data, &["settings", "set", "index_rule={org}-{year}"]),
        "invalid_argument"
    );
    assert_eq!(
        err_code(data, &["settings", "set", "due_working_days=0"]),
        "invalid_argument"
    );
    assert_eq!(
        err_code(data, &["settings", "set", "channels="]),
        "invalid_argument"
    );
    assert_eq!(
        ok_json(data, &["settings", "show"])["index_rule"],
        "{org}/{year}/{seq:3}"
    );
}
