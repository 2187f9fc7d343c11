//! The `desk` binary on real data folders: JSON output, exit codes, bad input.

#[path = "common/program.rs"]
mod program;
use program::desk_command;
use serde_json::Value;
use std::path::Path;
use std::process::{Command, Output};

const SAMPLE: &str =
    include_str!("../../desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt");

fn desk(data_dir: &Path, args: &[&str]) -> Output {
    desk_command()
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

/// Runs with `--json`, expects failure, returns the error's code and message.
fn err_payload(data_dir: &Path, args: &[&str]) -> (String, String) {
    let out = desk(data_dir, &[&["--json"], args].concat());
    assert_eq!(out.status.code(), Some(1), "desk {args:?} should fail");
    let error: Value = serde_json::from_slice(&out.stderr).unwrap_or_default();
    (
        error["error"]["code"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
        error["error"]["message"]
            .as_str()
            .unwrap_or_default()
            .to_string(),
    )
}

/// Runs without `--json`, expects success, returns stdout.
fn ok_text(data_dir: &Path, args: &[&str]) -> String {
    let out = desk(data_dir, args);
    assert!(
        out.status.success(),
        "desk {args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).to_string()
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
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
        "broken.pdf",
        b"%PDF-1.4\n\x00\x00\x01\x02\x03binary",
        "plan_document_damaged",
    );
    let read = |name: &str| std::fs::read(fixture(name)).unwrap_or_default();
    check("scan.pdf", &read("scanned-page.pdf"), "plan_no_text_layer");
    check("scan.ofd", &read("scanned-page.ofd"), "plan_no_text_layer");
    check("locked.pdf", &read("password.pdf"), "plan_encrypted");
    check(
        "outline.doc",
        &read("numbered-plan.doc"),
        "plan_old_office_format",
    );
    check(
        "old.doc",
        b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00\x00",
        "plan_old_office_format",
    );
    // A .docx that is not one: the content decides, not the name.
    check(
        "photo.docx",
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
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

fn fixture(name: &str) -> String {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../desk-core/tests/fixtures/plan")
        .join(name)
        .display()
        .to_string()
}

#[test]
fn plan_parse_reads_word_pdf_ofd_excel_wps_and_csv_plans() {
    let dir = temp();
    let text = ok_json(
        dir.path(),
        &["plan", "parse", &fixture("dalian-education-2019-plan.txt")],
    );
    let docx = ok_json(
        dir.path(),
        &["plan", "parse", &fixture("dalian-education-2019-plan.docx")],
    );
    assert_eq!(
        (text["format"].as_str(), docx["format"].as_str()),
        (Some("text"), Some("docx"))
    );
    assert_eq!(docx["tasks"], text["tasks"]);
    // The same plan as a PDF (LibreOffice's) and an OFD (easyofd from that PDF), recognised
    // by their content.
    for (name, format) in [
        ("dalian-education-2019-plan.pdf", "pdf"),
        ("dalian-education-2019-plan.ofd", "ofd"),
    ] {
        let parsed = ok_json(dir.path(), &["plan", "parse", &fixture(name)]);
        assert_eq!(parsed["format"], format);
        assert_eq!(parsed["tasks"], text["tasks"], "{name}");
    }
    // WPS's .et is the same binary workbook as .xls: the content decides, not the name.
    let et = write(
        dir.path(),
        "table-plan.et",
        &std::fs::read(fixture("table-plan.xls")).unwrap_or_default(),
    );
    for (name, format) in [
        ("table-plan.xlsx", "xlsx"),
        ("table-plan.xls", "xls"),
        (et.as_str(), "xls"),
        ("table-plan-gbk.csv", "csv"),
        ("table-plan.docx", "docx"),
    ] {
        let parsed = ok_json(dir.path(), &["plan", "parse", &fixture(name)]);
        assert_eq!(parsed["format"], format, "{name}");
        let tasks = parsed["tasks"].as_array().cloned().unwrap_or_default();
        assert_eq!(tasks.len(), 7, "{name}");
        assert_eq!(tasks[0]["deadline"]["date"], "2025-06-30", "{name}");
        assert_eq!(tasks[0]["departments"][0]["role"], "lead", "{name}");
        assert_eq!(tasks[0]["departments"][1]["role"], "co", "{name}");
        assert_eq!(tasks[3]["deadline"]["text"], "长期坚持", "{name}");
        assert!(tasks[3]["deadline"]["date"].is_null(), "{name}");
    }
    let numbered = ok_json(
        dir.path(),
        &["plan", "parse", &fixture("numbered-plan-python-docx.docx")],
    );
    let numbers: Vec<&str> = numbered["tasks"]
        .as_array()
        .map(|t| t.iter().filter_map(|x| x["number"].as_str()).collect())
        .unwrap_or_default();
    assert_eq!(
        numbers,
        [
            "一、（一）",
            "一、（二）1.",
            "一、（二）2.",
            "二、（一）",
            "三、1.",
            "三、2."
        ]
    );
    // Parsing writes nothing.
    assert!(!dir.path().join("catalog.db").exists());
}

#[cfg(unix)]
#[test]
fn plan_files_that_never_end_are_refused_at_once() {
    if program::is_foreign() {
        // Devices and pipes at Linux paths mean nothing to a Windows program under Wine.
        return;
    }
    let dir = temp();
    let data = dir.path().join("data");
    assert_eq!(
        err_code(&data, &["plan", "parse", "/dev/zero"]),
        "plan_not_a_file"
    );
    let fifo = dir.path().join("plan.txt");
    let made = Command::new("mkfifo").arg(&fifo).status();
    if made.map(|s| s.success()).unwrap_or(false) {
        let fifo = fifo.display().to_string();
        assert_eq!(
            err_code(&data, &["plan", "parse", &fifo]),
            "plan_not_a_file"
        );
        assert_eq!(
            err_code(&data, &["plan", "import", &fifo, "--yes"]),
            "plan_not_a_file"
        );
    }
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
    // Status moves only through the workflow: typing it is refused, and says what to use.
    let (code, message) = err_payload(
        data,
        &[
            "item",
            "set",
            &id,
            "doc_no=大教发〔2019〕12号",
            "status=审查中",
        ],
    );
    assert_eq!(code, "invalid_item");
    assert!(message.contains("desk item submit"), "{message}");
    assert_eq!(ok_json(data, &["item", "show", &id]), added);
    let changed = ok_json(data, &["item", "set", &id, "doc_no=大教发〔2019〕12号"]);
    let submitted = ok_json(data, &["item", "submit", &id]);
    assert_eq!(
        (submitted["doc_no"].as_str(), submitted["status"].as_str()),
        (Some("大教发〔2019〕12号"), Some("in_review"))
    );
    assert_eq!(changed["status"], "draft");
    let shown = ok_json(data, &["item", "show", &id]);
    assert_eq!(shown, submitted);
    let history = ok_json(data, &["item", "history", &id])["history"]
        .as_array()
        .cloned()
        .unwrap_or_default();
    assert_eq!(history.len(), 4, "create + 文号 + 审查清单 + 状态");
    let listed = ok_json(
        data,
        &["item", "list", "--query", "12号", "--status", "in_review"],
    );
    assert_eq!(listed["items"][0]["id"], id.as_str());
}

/// The codes of the problems `desk item set` refuses `args` with, or "saved" and the item's
/// disclosure and reason.
fn set_outcome(data: &Path, id: &str, args: &[&str]) -> String {
    let mut all = vec!["--json", "item", "set", id];
    all.extend_from_slice(args);
    let out = desk(data, &all);
    let stdout: Value = serde_json::from_slice(&out.stdout).unwrap_or_default();
    let stderr: Value = serde_json::from_slice(&out.stderr).unwrap_or_default();
    if out.status.success() {
        format!(
            "saved {} {}",
            text(&stdout["disclosure"]),
            stdout["withheld_reason"].as_str().unwrap_or("-")
        )
    } else {
        let error = &stderr["error"];
        let codes: Vec<String> = error["problems"]
            .as_array()
            .map(|p| p.iter().map(|p| text(&p["code"])).collect())
            .unwrap_or_default();
        format!("{} {}", text(&error["code"]), codes.join(","))
    }
}

#[test]
fn disclosure_is_set_by_its_key_or_its_chinese_word_and_a_redaction_needs_its_reason() {
    let dir = temp();
    let data = dir.path();
    let added = ok_json(
        data,
        &["item", "add", "--title", "关于某某行政处罚决定的公告"],
    );
    let id = text(&added["id"]);
    // (what is typed, the outcome)
    let cases: [(&[&str], &str); 7] = [
        (
            &["disclosure=删减后公开"],
            "invalid_item redaction_reason_required,redaction_note_required",
        ),
        (
            &["disclosure=redacted", "withheld_note=删去了住址"],
            "invalid_item redaction_reason_required",
        ),
        (
            &[
                "disclosure=删减后公开",
                "withheld_reason=依申请公开",
                "withheld_note=删去了住址",
            ],
            "invalid_item redaction_reason_not_withholding",
        ),
        (
            &[
                "disclosure=刪減後公開",
                "withheld_reason=个人隐私",
                "withheld_note=删去了住址",
            ],
            "saved redacted privacy",
        ),
        (
            &["disclosure=proactive"],
            "invalid_item reason_on_proactive",
        ),
        (
            &["disclosure=主动公开", "withheld_reason=", "withheld_note="],
            "saved proactive -",
        ),
        (
            &[
                "disclosure=redacted",
                "withheld_reason=商业秘密",
                "withheld_note=删去了报价",
            ],
            "saved redacted trade_secret",
        ),
    ];
    for (args, expected) in cases {
        assert_eq!(set_outcome(data, &id, args), expected, "{args:?}");
    }
    // The item screen's words, and the redaction checks its checklist now asks.
    let shown = ok_text(data, &["item", "show", &id]);
    assert!(shown.contains("删减后公开 (redacted)"), "{shown}");
    let checks = ok_json(data, &["check", "list", &id]);
    let keys = strings(&checks["checks"], |c| {
        c["def"]["key"].as_str().map(String::from)
    });
    assert!(
        keys.contains(&"redacted_attachment".to_string())
            && keys.contains(&"redaction_checked".to_string()),
        "{keys:?}"
    );
}

#[test]
fn bad_item_input_is_refused_and_nothing_changes() {
    let dir = temp();
    let data = dir.path();
    let added = ok_json(data, &["item", "add", "--title", "原样"]);
    let id = added["id"].as_str().unwrap_or_default().to_string();
    // Near the longest command line Windows passes a program (32,767 UTF-16 units in all; the
    // 100,000-character case is in desk-store).
    let long_title = format!("title={}", "长".repeat(30_000));
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
    let out = desk_command()
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

fn strings(value: &Value, pick: impl Fn(&Value) -> Option<String>) -> Vec<String> {
    value
        .as_array()
        .map(|list| list.iter().filter_map(pick).collect())
        .unwrap_or_default()
}

/// Files under `dir`, at any depth.
fn files_under(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_under(&path));
        } else {
            found.push(path);
        }
    }
    found
}

#[test]
fn an_item_is_reviewed_signed_off_and_its_sign_off_voided_by_a_change() {
    let dir = temp();
    let files = temp();
    let data = dir.path();
    ok_json(data, &["department", "add", "规法处", "--code", "GFC"]);
    let head = ok_json(
        data,
        &[
            "person",
            "add",
            "李处长",
            "--department",
            "规法处",
            "--role",
            "section_head",
        ],
    );
    let clerk = ok_json(
        data,
        &[
            "person",
            "add",
            "王芳",
            "--department",
            "規法處",
            "--role",
            "信息员",
        ],
    );
    assert_eq!(clerk["roles"], serde_json::json!(["clerk"]));
    assert_eq!(clerk["department_id"], head["department_id"]);
    assert_eq!(
        ok_json(data, &["person", "list"])["people"]
            .as_array()
            .map(Vec::len),
        Some(2)
    );

    // Nobody chosen yet: the personal views say what to do.
    let (code, message) = err_payload(data, &["item", "list", "--view", "my-work"]);
    assert_eq!(code, "no_current_person");
    assert!(message.contains("desk whoami --set"), "{message}");
    assert_eq!(ok_json(data, &["whoami"])["person"], Value::Null);
    assert_eq!(
        ok_json(data, &["whoami", "--set", "王芳"])["person"]["id"],
        clerk["id"]
    );
    assert_eq!(ok_json(data, &["whoami"])["person"]["name"], "王芳");

    let item = ok_json(
        data,
        &[
            "item",
            "add",
            "--title",
            "关于张三违规办学的处理决定",
            "lead=规法处",
            "clerk=王芳",
            "reviewer=李处长",
            "date_formed=2019-03-01",
            "summary=当事人张三（身份证号11010519491231002X，手机13812345678）违规举办培训班。",
        ],
    );
    let id = text(&item["id"]);
    assert_eq!(item["clerk_id"], clerk["id"]);
    assert_eq!(item["reviewer_id"], head["id"]);
    let mine = ok_json(data, &["item", "list", "--view", "my-work"]);
    assert_eq!(mine["items"][0]["id"], id.as_str());

    // Personal numbers: found, then masked.
    let hits = ok_json(data, &["item", "scan", &id])["hits"].clone();
    let mut kinds = strings(&hits, |h| h["kind"].as_str().map(String::from));
    kinds.sort();
    assert_eq!(kinds, vec!["id_number", "mobile"]);
    assert!(strings(&hits, |h| h["field"].as_str().map(String::from))
        .iter()
        .all(|f| f == "summary"));
    let masked = ok_json(data, &["item", "mask", &id]);
    let summary = text(&masked["summary"]);
    assert!(
        summary.contains("138****5678") && summary.contains("11*************02X"),
        "{summary}"
    );
    assert!(!summary.contains("13812345678") && !summary.contains("11010519491231002X"));
    assert_eq!(
        ok_json(data, &["item", "scan", &id])["hits"],
        serde_json::json!([])
    );

    // The due date: 20 working days after the date formed, on the 2019 calendar.
    let due = ok_json(data, &["item", "due", &id]);
    assert_eq!(due["due_date"], "2019-03-29");
    assert_eq!(due["working_days"], 20);
    assert!(ok_text(data, &["item", "due", &id]).contains("2019-03-29"));

    // Bad marks are refused with their codes.
    let (code, message) = err_payload(data, &["check", "set", &id, "no_such_check", "pass"]);
    assert_eq!(code, "check_unknown");
    assert!(message.contains("secrecy_review"), "{message}");
    assert_eq!(
        err_code(data, &["check", "set", &id, "check_political", "fail"]),
        "check_note_required"
    );
    assert_eq!(
        err_code(data, &["check", "set", &id, "check_political", "maybe"]),
        "invalid_argument"
    );

    // Every required manual check passed, as the clerk works through the list.
    let checklist = ok_json(data, &["check", "list", &id]);
    let manual = strings(&checklist["checks"], |c| {
        (c["def"]["required"] == true && c["def"]["rule"]["type"] == "manual")
            .then(|| text(&c["def"]["key"]))
    });
    assert!(manual.len() >= 10, "{manual:?}");
    for key in &manual {
        let view = ok_json(data, &["check", "set", &id, key, "pass"]);
        assert_eq!(view["state"], "passed", "{key}");
        assert_eq!(view["mark"]["by"], clerk["id"]);
    }
    // A check by its Chinese label, a state in Chinese, with a note.
    let view = ok_json(
        data,
        &["check", "set", &id, "文字关", "通过", "--note", "已核对"],
    );
    assert_eq!(
        (view["def"]["key"].as_str(), view["mark"]["note"].as_str()),
        (Some("check_text"), Some("已核对"))
    );
    let checks = ok_json(data, &["check", "list", &id])["checks"].clone();
    let open = strings(&checks, |c| {
        (c["def"]["required"] == true && c["state"] != "passed" && c["state"] != "not_applicable")
            .then(|| text(&c["def"]["key"]))
    });
    assert!(open.is_empty(), "still open: {open:?}");

    // The same file attached twice is stored once.
    let file = write(
        files.path(),
        "说明.txt",
        "附件说明：不含个人信息。".as_bytes(),
    );
    let attached = ok_json(data, &["item", "attach", &id, &file, &file]);
    assert_eq!(attached["attachments"].as_array().map(Vec::len), Some(1));
    let again = ok_json(data, &["item", "attach", &id, &file]);
    assert_eq!(again["attachments"].as_array().map(Vec::len), Some(1));
    assert_eq!(files_under(&data.join("attachments")).len(), 1);
    let sha = text(&again["attachments"][0]["sha256"]);
    let out = files.path().join("out");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let saved = ok_json(
        data,
        &[
            "item",
            "attachment-save",
            &id,
            &sha[..8],
            &out.display().to_string(),
        ],
    );
    assert_eq!(
        std::fs::read(text(&saved["path"])).unwrap_or_default(),
        "附件说明：不含个人信息。".as_bytes()
    );
    assert_eq!(
        err_code(
            data,
            &[
                "item",
                "attachment-save",
                &id,
                "说明.txt",
                &out.display().to_string()
            ]
        ),
        "file_exists"
    );

    // Submit, send back without a reason (refused), ask for sign-off.
    assert_eq!(
        ok_json(data, &["item", "submit", &id])["status"],
        "in_review"
    );
    assert_eq!(
        err_code(data, &["item", "send-back", &id]),
        "workflow_reason_required"
    );
    assert_eq!(
        ok_json(data, &["item", "request-signoff", &id])["status"],
        "awaiting_signoff"
    );
    let review = ok_json(data, &["item", "review", &id]);
    assert_eq!(review["status"], "awaiting_signoff");
    assert_eq!(review["signoff_matches"], Value::Null);
    let sign = review["actions"]
        .as_array()
        .and_then(|a| a.iter().find(|x| x["action"] == "sign_off"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (sign["allowed"].as_bool(), sign["refusal_code"].as_str()),
        (Some(false), Some("workflow_not_entitled"))
    );

    // The clerk may not sign; the section head of the lead department may.
    assert_eq!(
        err_code(data, &["item", "sign-off", &id]),
        "workflow_not_entitled"
    );
    ok_json(data, &["whoami", "--set", "李处长"]);
    let awaiting = ok_json(data, &["item", "list", "--view", "awaiting-my-signoff"]);
    assert_eq!(awaiting["total"], 1);
    assert_eq!(
        ok_json(data, &["item", "sign-off", &id])["status"],
        "signed_off"
    );
    let signoffs = ok_json(data, &["item", "signoffs", &id]);
    assert_eq!(signoffs["signoff_matches"], true);
    assert_eq!(signoffs["signoffs"][0]["signer_name"], "李处长");

    // A change to signed content voids the sign-off and names the field.
    ok_json(data, &["item", "set", &id, "doc_no=大教发〔2019〕12号"]);
    let shown = ok_json(data, &["item", "show", &id]);
    assert_eq!(shown["status"], "in_review");
    assert_eq!(
        shown["changed_after_signoff"],
        serde_json::json!(["doc_no"])
    );
    let signoffs = ok_json(data, &["item", "signoffs", &id]);
    assert_eq!(signoffs["signoffs"].as_array().map(Vec::len), Some(1));
    assert_eq!(signoffs["signoff_matches"], false);
    assert!(ok_text(data, &["item", "signoffs", &id]).contains("文号"));
    let history = ok_text(data, &["item", "history", &id]);
    assert!(history.contains("检查项 文字关 (check_text)"), "{history}");
    assert!(history.contains("签批记录"), "{history}");
    assert!(
        history.contains("已签批 (signed_off) → 审查中 (in_review)"),
        "{history}"
    );

    // Signed again, then published at an address.
    ok_json(data, &["item", "request-signoff", &id]);
    ok_json(data, &["item", "sign-off", &id]);
    assert_eq!(
        err_code(data, &["item", "publish", &id]),
        "workflow_url_required"
    );
    assert_eq!(
        err_code(
            data,
            &["item", "set", &id, "url=https://www.dl.gov.cn/a.html"]
        ),
        "invalid_item"
    );
    let published = ok_json(
        data,
        &[
            "item",
            "publish",
            &id,
            "--url",
            "https://www.dl.gov.cn/a.html",
        ],
    );
    assert_eq!(
        (
            published["status"].as_str(),
            published["published_url"].as_str()
        ),
        (Some("published"), Some("https://www.dl.gov.cn/a.html"))
    );

    // Progress per department.
    ok_json(data, &["item", "add", "--title", "另一件", "lead=规法处"]);
    let progress = ok_json(data, &["progress"]);
    let statuses = strings(&progress["statuses"], |s| s.as_str().map(String::from));
    let line = progress["departments"]
        .as_array()
        .and_then(|d| d.iter().find(|l| l["department_name"] == "规法处"))
        .cloned()
        .unwrap_or_default();
    let count = |status: &str| {
        statuses
            .iter()
            .position(|s| s == status)
            .map(|i| line["by_status"][i].clone())
    };
    assert_eq!(line["total"], 2);
    assert_eq!(count("published"), Some(Value::from(1)));
    assert_eq!(count("draft"), Some(Value::from(1)));
    assert!(ok_text(data, &["progress"]).contains("规法处"));

    // The audit log: one person's entries, and all of it as CSV.
    let log = ok_json(data, &["log", "--person", "李处长"]);
    let authors = strings(&log["entries"], |e| {
        e["entry"]["author_id"].as_str().map(String::from)
    });
    assert!(!authors.is_empty());
    assert!(
        authors
            .iter()
            .all(|a| Some(a.as_str()) == head["id"].as_str()),
        "{authors:?}"
    );
    assert_eq!(log["total"].as_u64(), Some(authors.len() as u64));
    let csv = files.path().join("log.csv");
    let written = ok_json(data, &["log", "--csv", &csv.display().to_string()]);
    let bytes = std::fs::read(&csv).unwrap_or_default();
    assert!(bytes.starts_with("\u{feff}时间(UTC),操作人,".as_bytes()));
    let lines = String::from_utf8_lossy(&bytes).matches("\r\n").count() as u64;
    assert!(written["entries"].as_u64().is_some_and(|n| n + 1 == lines));
    assert_eq!(
        err_code(data, &["log", "--from", "2019-02-30"]),
        "invalid_argument"
    );
    let today = ok_json(data, &["log", "--from", "2019-01-01", "--limit", "3"]);
    assert_eq!(today["entries"].as_array().map(Vec::len), Some(3));
}

#[test]
fn people_are_found_by_name_and_unknown_ones_explained() {
    let dir = temp();
    let data = dir.path();
    ok_json(data, &["department", "add", "规法处"]);
    ok_json(data, &["department", "add", "办公室"]);
    let wang = ok_json(
        data,
        &[
            "person",
            "add",
            "王芳",
            "--department",
            "规法处",
            "--role",
            "clerk",
        ],
    );
    ok_json(
        data,
        &[
            "person",
            "add",
            "张伟",
            "--department",
            "规法处",
            "--role",
            "clerk",
            "--role",
            "section_head",
        ],
    );
    let zhang = ok_json(
        data,
        &[
            "person",
            "add",
            "张伟",
            "--department",
            "办公室",
            "--role",
            "coordinator,web_team",
        ],
    );
    assert_eq!(
        zhang["roles"],
        serde_json::json!(["coordinator", "web_team"])
    );
    let check = |args: &[&str], code: &str| assert_eq!(err_code(data, args), code, "{args:?}");
    check(
        &[
            "person",
            "add",
            "王芳",
            "--department",
            "规法处",
            "--role",
            "clerk",
        ],
        "person_exists",
    );
    check(
        &[
            "person",
            "add",
            "赵敏",
            "--department",
            "学前处",
            "--role",
            "clerk",
        ],
        "unknown_department",
    );
    check(
        &[
            "person",
            "add",
            "赵敏",
            "--department",
            "规法处",
            "--role",
            "boss",
        ],
        "invalid_argument",
    );
    check(&["whoami", "--set", "赵敏"], "unknown_person");
    check(&["whoami", "--set", "张伟"], "ambiguous_person");
    assert_eq!(
        ok_json(data, &["whoami", "--set", &text(&zhang["id"])])["person"]["name"],
        "张伟"
    );
    let item = ok_json(data, &["item", "add", "--title", "通知", "clerk=王芳"]);
    assert_eq!(item["clerk_id"], wang["id"]);
    let id = text(&item["id"]);
    let (code, message) = err_payload(data, &["item", "set", &id, "reviewer=王方"]);
    assert_eq!(code, "invalid_item");
    assert!(message.contains("did you mean 王芳 (规法处)"), "{message}");
    let (_, message) = err_payload(data, &["item", "set", &id, "signer=赵敏"]);
    assert!(message.contains("desk person add 赵敏"), "{message}");
    for field in [
        "status=已发布",
        "status_note=x",
        "changed_after_signoff=",
        "published_url=https://a.cn/",
    ] {
        let (code, message) = err_payload(data, &["item", "set", &id, field]);
        assert_eq!(code, "invalid_item", "{field}");
        assert!(message.contains("desk item"), "{field}: {message}");
    }
    let set = ok_json(
        data,
        &[
            "item",
            "set",
            &id,
            "comment_start=2019年3月1日",
            "comment_end=2019-03-15",
            "clerk=",
        ],
    );
    assert_eq!(
        (
            set["comment_start"].as_str(),
            set["comment_end"].as_str(),
            set["clerk_id"].is_null()
        ),
        (Some("2019-03-01"), Some("2019-03-15"), true)
    );
    let shown = ok_text(data, &["item", "show", &id]);
    assert!(shown.contains("2019-03-15"), "{shown}");
}

#[test]
fn templates_are_versioned_and_checklists_upgraded() {
    let dir = temp();
    let files = temp();
    let data = dir.path();
    let templates = ok_json(data, &["template", "list"])["templates"].clone();
    let ids = strings(&templates, |t| t["id"].as_str().map(String::from));
    assert!(ids.contains(&"general".to_string()), "{ids:?}");
    let general = ok_json(data, &["template", "show", "通用审查清单"]);
    assert_eq!(
        (general["id"].as_str(), general["version"].as_u64()),
        (Some("general"), Some(2))
    );
    let item = ok_json(data, &["item", "add", "--title", "通知"]);
    let id = text(&item["id"]);
    ok_json(data, &["check", "set", &id, "check_political", "pass"]);

    // A new version without one check, and a check written with only what it needs.
    let mut edited = general.clone();
    if let Some(checks) = edited["checks"].as_array_mut() {
        checks.retain(|c| c["key"] != "secrecy_joint");
        checks.push(serde_json::json!({"key": "web_check", "label": "网页预览已核对"}));
    }
    let file = write(
        files.path(),
        "general.json",
        serde_json::to_string(&edited)
            .unwrap_or_default()
            .as_bytes(),
    );
    let saved = ok_json(data, &["template", "save", &file]);
    assert_eq!(saved["version"], 3);
    let added = saved["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["key"] == "web_check"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(
        (added["required"].as_bool(), added["rule"]["type"].as_str()),
        (Some(true), Some("manual"))
    );
    let first = ok_json(data, &["template", "show", "general", "--version", "2"]);
    assert_eq!(first["checks"], general["checks"]);
    assert_eq!(
        err_code(data, &["template", "show", "general", "--version", "9"]),
        "not_found"
    );

    // The item keeps version 2 until upgraded; its marks of remaining checks stay.
    let before = ok_json(data, &["check", "list", &id]);
    assert_eq!(before["template_version"], 2);
    assert_eq!(before["upgrade_to"]["version"], 3);
    let after = ok_json(data, &["check", "upgrade", &id]);
    assert_eq!(after["template_version"], 3);
    let political = after["checks"]
        .as_array()
        .and_then(|c| c.iter().find(|x| x["def"]["key"] == "check_political"))
        .cloned()
        .unwrap_or_default();
    assert_eq!(political["state"], "passed");

    // A second template for a category another already serves is refused; so is bad JSON.
    let clash = write(
        files.path(),
        "clash.json",
        r#"{"id": "", "name": "另一个规章清单", "category_ids": ["规章"], "checks": [{"key": "a", "label": "甲"}]}"#.as_bytes(),
    );
    let (code, message) = err_payload(data, &["template", "save", &clash]);
    assert_eq!(code, "invalid_argument");
    assert!(message.contains("规章审查清单"), "{message}");
    let broken = write(files.path(), "broken.json", b"{\"id\": ");
    assert_eq!(
        err_code(data, &["template", "save", &broken]),
        "invalid_argument"
    );
    let missing = files.path().join("missing.json").display().to_string();
    assert_eq!(
        err_code(data, &["template", "save", &missing]),
        "file_unreadable"
    );
}

#[test]
fn due_dates_warn_where_the_calendar_has_no_holidays() {
    let dir = temp();
    let data = dir.path();
    let item = ok_json(
        data,
        &[
            "item",
            "add",
            "--title",
            "远期事项",
            "date_formed=2031-03-03",
        ],
    );
    let id = text(&item["id"]);
    let due = ok_json(data, &["item", "due", &id]);
    assert_eq!(due["uncovered_years"], serde_json::json!([2031]));
    assert!(ok_text(data, &["item", "due", &id]).contains("warning"));
    let attention = ok_json(data, &["item", "list", "--due", "attention"]);
    assert_eq!(attention["total"], 0);
    let none = ok_json(data, &["item", "add", "--title", "无日期"]);
    assert_eq!(
        ok_json(data, &["item", "due", &text(&none["id"])])["due_date"],
        Value::Null
    );
}

#[test]
fn two_pcs_sync_through_a_folder_and_settle_a_conflict() {
    let share = temp();
    let (a, b) = (temp(), temp());
    let folder = share.path().to_string_lossy().to_string();
    let item = ok_json(a.path(), &["item", "add", "--title", "同步的事项"]);
    let id = text(&item["id"]);
    let report = ok_json(a.path(), &["sync", "--folder", &folder]);
    assert_eq!(report["created_catalog"], Value::Bool(true));
    assert!(report["ops_published"].as_u64().is_some_and(|n| n >= 1));
    let report = ok_json(b.path(), &["sync", "--folder", &folder]);
    assert_eq!(report["joined_catalog"], Value::Bool(true));
    assert_eq!(
        text(&ok_json(b.path(), &["item", "show", &id])["title"]),
        "同步的事项"
    );
    // Both change the title before seeing each other's change.
    ok_json(a.path(), &["item", "set", &id, "title=甲的标题"]);
    ok_json(b.path(), &["item", "set", &id, "title=乙的标题"]);
    ok_json(a.path(), &["sync"]);
    let report = ok_json(b.path(), &["sync"]);
    assert_eq!(report["new_conflicts"], Value::from(1));
    ok_json(a.path(), &["sync"]);
    let status = ok_json(a.path(), &["sync", "status"]);
    assert_eq!(status["conflicts"], Value::from(1));
    assert_eq!(status["ops_waiting_to_go_out"], Value::from(0));
    let conflicts = ok_json(a.path(), &["conflicts", "list"]);
    let conflict = &conflicts["conflicts"][0];
    let key = text(&conflict["key"]);
    let loser = text(&conflict["others"][0]["op_id"]);
    let kept = text(&conflict["others"][0]["value"]);
    ok_json(a.path(), &["conflicts", "resolve", &key, &loser]);
    ok_json(a.path(), &["sync"]);
    ok_json(b.path(), &["sync"]);
    for dir in [&a, &b] {
        assert_eq!(
            text(&ok_json(dir.path(), &["item", "show", &id])["title"]),
            kept
        );
        assert_eq!(
            ok_json(dir.path(), &["conflicts", "list"])["conflicts"],
            Value::Array(vec![])
        );
    }
    // A delete on one PC reaches the other.
    ok_json(b.path(), &["item", "delete", &id]);
    ok_json(b.path(), &["sync"]);
    ok_json(a.path(), &["sync"]);
    assert_eq!(err_code(a.path(), &["item", "show", &id]), "not_found");
    // Bad folders are refused with their codes.
    assert_eq!(
        err_code(a.path(), &["sync", "--folder", &format!("{folder}/absent")]),
        "sync_folder_unreachable"
    );
    assert_eq!(err_code(temp().path(), &["sync"]), "invalid_argument");
}

#[test]
fn sync_status_lists_an_operation_kept_aside_with_the_pc_it_came_from() {
    use desk_core::ops::{EntityKind, OpKind, Operation};
    let share = temp();
    let a = temp();
    let folder = share.path().to_string_lossy().to_string();
    let report = ok_json(a.path(), &["sync", "--folder", &folder]);
    let catalog_id = text(&report["catalog_id"]);
    // Another PC's segment with a person naming a department no PC has.
    let forger = "f0f0f0f0f0f0";
    let op = Operation {
        id: format!("{forger}:1"),
        device_id: forger.into(),
        seq: 1,
        clock: desk_core::hlc::Hlc {
            wall_ms: chrono::Utc::now().timestamp_millis() - 1000,
            counter: 0,
        },
        author_id: "forger".into(),
        entity: EntityKind::Person,
        entity_id: "p-forged".into(),
        kind: OpKind::Create,
        field: None,
        old_value: Value::Null,
        new_value: serde_json::json!({"id": "p-forged", "name": "某人",
            "department_id": "dept-missing", "roles": []}),
        base: Vec::new(),
        covers: None,
        newer: None,
    };
    let seen = [(forger.to_string(), 1)].into_iter().collect();
    let ops = [op];
    let header =
        desk_sync::format::ops_header(&catalog_id, forger, &ops, seen, "2026-11-29T00:00:00Z");
    let bytes = desk_sync::format::encode_segment(&header, &ops).unwrap_or_else(|e| panic!("{e}"));
    let dir = share
        .path()
        .join("disclosure-desk")
        .join(&catalog_id)
        .join("ops")
        .join(forger);
    std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(dir.join(desk_sync::format::segment_name(1)), bytes)
        .unwrap_or_else(|e| panic!("{e}"));
    ok_json(a.path(), &["sync"]);
    let status = ok_json(a.path(), &["sync", "status"]);
    let kept = &status["kept_aside"][0];
    assert_eq!(text(&kept["device_id"]), forger);
    assert_eq!(text(&kept["op_id"]), format!("{forger}:1"));
    assert_eq!(text(&kept["reason"]), "unknown_reference");
    assert_eq!(status["last_error"], Value::Null, "the round did not fail");
    assert!(ok_text(a.path(), &["sync", "status"]).contains("kept aside"));
}

#[test]
fn a_ledger_imports_once_whatever_form_it_comes_in() {
    let dir = temp();
    let data = dir.path().join("data");
    // openpyxl's workbook: a title row above the header, dates as date cells, a row that
    // cannot be imported; the same ledger as WPS saves CSV, in GBK.
    let xlsx = fixture("ledger.xlsx");
    let csv = fixture("ledger-gbk.csv");
    let preview = ok_json(&data, &["catalog", "import", &xlsx]);
    assert_eq!(preview["header_line"], 2);
    assert_eq!(
        (&preview["new_rows"], &preview["rows_with_problems"]),
        (&serde_json::json!(4), &serde_json::json!(1))
    );
    assert_eq!(preview["rows"][0]["item"]["date_written"], "2024-01-15");
    let codes: Vec<String> = preview["rows"][4]["problems"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|p| text(&p["code"]))
        .collect();
    assert_eq!(codes, ["invalid_date", "invalid_value", "title_empty"]);
    // The preview saved nothing; without --yes and nobody to ask, nothing is imported.
    let asked = desk(&data, &["catalog", "import", &xlsx]);
    assert_eq!(asked.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&asked.stderr).contains("--yes"));
    assert_eq!(ok_json(&data, &["info"])["item_count"], 0);
    let report = ok_json(&data, &["catalog", "import", &xlsx, "--yes"]);
    assert_eq!(report["items_created"], 4);
    assert_eq!(report["rows_with_problems"], 1);
    for file in [&xlsx, &csv] {
        let again = ok_json(&data, &["catalog", "import", file, "--yes"]);
        assert_eq!(again["items_created"], 0, "{file}");
        assert_eq!(again["rows_already_in_catalog"], 4, "{file}");
    }
    let items = ok_json(&data, &["item", "list"]);
    let index_nos: Vec<String> = items["items"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .iter()
        .map(|i| text(&i["index_no"]))
        .collect();
    assert_eq!(index_nos.len(), 4, "{items}");
    // The ledger's own 索引号 are kept.
    assert!(index_nos.contains(&"11210200MB1234567A/2024-00001".to_owned()));
    // A column corrected by the person; a correction naming no column is refused.
    let corrected = ok_json(
        &data,
        &["catalog", "import", &xlsx, "--column", "备注=内容概述"],
    );
    assert_eq!(corrected["columns"][9]["field"], "summary");
    assert_eq!(
        err_code(
            &data,
            &["catalog", "import", &xlsx, "--column", "无此列=title"]
        ),
        "ledger_bad_column"
    );
    let plan = fixture("dalian-education-2019-plan.txt");
    assert_eq!(
        err_code(&data, &["catalog", "import", &plan]),
        "ledger_no_header"
    );
}

#[test]
fn a_ledger_of_thousands_of_rows_imports_and_imports_again_without_duplicates() {
    let dir = temp();
    let data = dir.path().join("data");
    let mut csv = String::from("索引号,名称,文号,成文日期,公开属性\n");
    for i in 1..=3000 {
        // Every third row has no 索引号: it is known by 文号 and 名称, or by its key once
        // imported.
        let index = if i % 3 == 0 {
            String::new()
        } else {
            format!("000014349/2024-{i:05}")
        };
        csv.push_str(&format!(
            "{index},关于第{i}项工作的通知,教发〔2024〕{i}号,2024-03-{:02},主动公开\n",
            i % 28 + 1
        ));
    }
    let file = write(dir.path(), "ledger.csv", csv.as_bytes());
    let report = ok_json(&data, &["catalog", "import", &file, "--yes"]);
    assert_eq!(report["items_created"], 3000);
    let again = ok_json(&data, &["catalog", "import", &file, "--yes"]);
    assert_eq!(again["items_created"], 0);
    assert_eq!(again["rows_already_in_catalog"], 3000);
    assert_eq!(ok_json(&data, &["info"])["item_count"], 3000);
}
