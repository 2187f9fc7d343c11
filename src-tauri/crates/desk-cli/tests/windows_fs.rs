//! What differs on Windows, handled the same on every platform and checked on both: names Windows
//! refuses or changes, names that differ only in case, replacing a file (and a read-only one),
//! text files with CRLF, output that is piped. Under Wine (scripts/windows-test.sh) a file held
//! by another Windows program (tests/windows/hold-file.c, named by DESK_HOLD_FILE) is waited for
//! when the hold is brief and named, with the old file whole, when it is not.

mod common;
use common::program::is_foreign;
use common::Pc;
use serde_json::Value;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

const SAMPLE_PLAN: &str =
    include_str!("../../desk-core/tests/fixtures/plan/dalian-education-2019-plan.txt");

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

/// The names in `dir`, sorted.
fn names_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{e}"))
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().to_string())
        .collect();
    names.sort();
    names
}

fn ledger_to(pc: &Pc, out: &Path, force: bool) -> std::process::Output {
    let mut args = vec!["ledger", "--year", "2025", "--out", s(out)];
    if force {
        args.push("--force");
    }
    pc.desk(true, &args, &[])
}

fn error_of(out: &std::process::Output) -> Value {
    common::error_of(out, "the save")
}

/// An item with two attachments whose names differ only in case, and their contents.
fn item_with_case_twins(pc: &Pc, files: &Path) -> String {
    let id = pc.ok(&["item", "add", "--title", "关于附件名称的说明"], &[])["id"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    for (folder, name, text) in [("a", "Report.txt", "第一份"), ("b", "report.TXT", "第二份")]
    {
        let dir = files.join(folder);
        std::fs::create_dir_all(&dir).unwrap_or_else(|e| panic!("{e}"));
        std::fs::write(dir.join(name), text).unwrap_or_else(|e| panic!("{e}"));
        pc.ok(&["item", "attach", &id, s(&dir.join(name))], &[]);
    }
    id
}

#[test]
fn names_windows_refuses_are_refused_before_anything_is_written() {
    let root = temp();
    let pc = Pc::new(root.path(), "pc");
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let cases = [
        ("CON.xlsx", "CON"),
        ("aux", "AUX"),
        ("com1.xlsx", "COM1"),
        ("Nul.tar.xlsx", "NUL"),
        ("报告.", "dot or space"),
        ("台账.xlsx ", "dot or space"),
        ("a:b.xlsx", ":"),
        ("a|b.xlsx", "|"),
        ("what?.xlsx", "?"),
    ];
    for (name, named) in cases {
        let target = out.join(name);
        let error = error_of(&ledger_to(&pc, &target, false));
        assert_eq!(error["code"], "file_name_not_allowed", "{name:?}: {error}");
        let message = error["message"].as_str().unwrap_or_default();
        assert!(
            message.contains(named) && message.contains("choose another name"),
            "{name:?}: {message}"
        );
        let csv = pc.desk(true, &["log", "--csv", s(&target)], &[]);
        assert_eq!(error_of(&csv)["code"], "file_name_not_allowed", "{name:?}");
    }
    // An attachment saved under a name given, refused the same way.
    let files = root.path().join("files");
    let id = item_with_case_twins(&pc, &files);
    let saved = pc.desk(
        true,
        &[
            "item",
            "attachment-save",
            &id,
            "Report.txt",
            s(&out.join("CON.txt")),
        ],
        &[],
    );
    assert_eq!(error_of(&saved)["code"], "file_name_not_allowed");
    assert_eq!(names_in(&out), Vec::<String>::new(), "nothing was written");
    // A good name next to them works.
    let good = ledger_to(&pc, &out.join("2025年公开台账.xlsx"), false);
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    assert_eq!(names_in(&out), ["2025年公开台账.xlsx"]);
}

#[test]
fn names_that_differ_only_in_case_are_one_file() {
    let root = temp();
    let pc = Pc::new(root.path(), "pc");
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let first = out.join("Ledger.xlsx");
    assert!(ledger_to(&pc, &first, false).status.success());
    let before = std::fs::read(&first).unwrap_or_default();
    for force in [false, true] {
        let error = error_of(&ledger_to(&pc, &out.join("LEDGER.XLSX"), force));
        assert_eq!(error["code"], "file_exists", "force {force}: {error}");
        assert!(
            error["message"]
                .as_str()
                .is_some_and(|m| m.contains("Ledger.xlsx")),
            "{error}"
        );
    }
    assert_eq!(names_in(&out), ["Ledger.xlsx"]);
    assert_eq!(std::fs::read(&first).unwrap_or_default(), before);

    // Two attachments whose names differ only in case, saved into one folder: the second does
    // not replace the first.
    let files = root.path().join("files");
    let id = item_with_case_twins(&pc, &files);
    let folder = root.path().join("saved");
    std::fs::create_dir(&folder).unwrap_or_else(|e| panic!("{e}"));
    pc.ok(
        &["item", "attachment-save", &id, "Report.txt", s(&folder)],
        &[],
    );
    for force in [&[][..], &["--force"][..]] {
        let mut args = vec!["item", "attachment-save", &id, "report.TXT", s(&folder)];
        args.extend_from_slice(force);
        let error = error_of(&pc.desk(true, &args, &[]));
        assert_eq!(error["code"], "file_exists", "{force:?}: {error}");
    }
    assert_eq!(names_in(&folder), ["Report.txt"]);
    assert_eq!(
        std::fs::read_to_string(folder.join("Report.txt")).unwrap_or_default(),
        "第一份"
    );
}

#[test]
fn a_file_is_replaced_only_when_asked_and_never_a_read_only_one() {
    let root = temp();
    let pc = Pc::new(root.path(), "pc");
    let out = root.path().join("out");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let target = out.join("台账.xlsx");
    std::fs::write(&target, b"an older workbook").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        error_of(&ledger_to(&pc, &target, false))["code"],
        "file_exists"
    );
    assert_eq!(
        std::fs::read(&target).unwrap_or_default(),
        b"an older workbook"
    );

    let replaced = ledger_to(&pc, &target, true);
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    let workbook = std::fs::read(&target).unwrap_or_default();
    assert!(workbook.starts_with(b"PK"), "a new workbook is there");
    assert_eq!(names_in(&out), ["台账.xlsx"]);

    let mut permissions = std::fs::metadata(&target)
        .unwrap_or_else(|e| panic!("{e}"))
        .permissions();
    permissions.set_readonly(true);
    std::fs::set_permissions(&target, permissions).unwrap_or_else(|e| panic!("{e}"));
    let error = error_of(&ledger_to(&pc, &target, true));
    assert_eq!(error["code"], "file_read_only", "{error}");
    assert_eq!(std::fs::read(&target).unwrap_or_default(), workbook);
    assert_eq!(names_in(&out), ["台账.xlsx"]);
}

/// The plan read from `text`: each task's title and departments.
fn tasks_of(pc: &Pc, path: &Path, text: &str) -> Vec<Value> {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{e}"));
    let parsed = pc.ok(&["plan", "parse", s(path)], &[]);
    parsed["tasks"]
        .as_array()
        .into_iter()
        .flatten()
        .map(|t| serde_json::json!([t["path"], t["title"], t["departments"], t["text"]]))
        .collect()
}

#[test]
fn text_files_with_crlf_read_as_with_lf() {
    let root = temp();
    let pc = Pc::new(root.path(), "pc");
    let lf = SAMPLE_PLAN.replace("\r\n", "\n");
    let crlf = lf.replace('\n', "\r\n");
    let from_lf = tasks_of(&pc, &root.path().join("plan-lf.txt"), &lf);
    let from_crlf = tasks_of(&pc, &root.path().join("plan-crlf.txt"), &crlf);
    assert_eq!(from_lf.len(), 17);
    assert_eq!(from_crlf, from_lf);
    assert!(!serde_json::to_string(&from_crlf)
        .unwrap_or_default()
        .contains("\\r"));

    // An update key pair and release notes as Notepad saves them (CRLF, a byte-order mark).
    let key = root.path().join("office.key");
    pc.ok(
        &["release", "keygen", "--out", s(&key), "--no-password"],
        &[],
    );
    let pubkey = root.path().join("office.key.pub");
    for file in [&key, &pubkey] {
        let text = std::fs::read_to_string(file).unwrap_or_default();
        let windows = format!("\u{feff}{}\r\n", text.trim_end().replace('\n', "\r\n"));
        std::fs::write(file, windows).unwrap_or_else(|e| panic!("{e}"));
    }
    let notes = root.path().join("notes.txt");
    std::fs::write(&notes, "\u{feff}修正：导出\r\n新增：台账\r\n")
        .unwrap_or_else(|e| panic!("{e}"));
    let package = root.path().join("disclosure-desk_0.3.0_amd64.deb");
    std::fs::write(&package, b"!<arch>\n and the rest").unwrap_or_else(|e| panic!("{e}"));
    let releases = root.path().join("releases");
    pc.ok(
        &[
            "release",
            "publish",
            s(&package),
            "--version",
            "0.3.0",
            "--key",
            s(&key),
            "--pubkey",
            s(&pubkey),
            "--to",
            s(&releases),
            "--notes-file",
            s(&notes),
        ],
        &[],
    );
    let latest: Value =
        serde_json::from_slice(&std::fs::read(releases.join("latest.json")).unwrap_or_default())
            .unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(latest["notes"], "修正：导出\n新增：台账");
    let found = pc.ok(
        &[
            "release",
            "check",
            "--folder",
            s(&releases),
            "--pubkey",
            s(&pubkey),
            "--current-version",
            "0.2.0",
            "--target",
            "linux-x86_64-deb",
        ],
        &[],
    );
    assert_eq!(found["update"]["version"], "0.3.0");
}

#[test]
fn piped_output_is_utf8() {
    let root = temp();
    let pc = Pc::new(root.path(), "pc");
    pc.ok(&["department", "add", "规法处"], &[]);
    let listed = pc.desk(false, &["department", "list"], &[]);
    assert!(listed.status.success());
    let text =
        String::from_utf8(listed.stdout.clone()).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
    assert!(text.contains("规法处"), "{text}");
    assert!(!text.starts_with('\u{feff}'), "no byte-order mark");
    // An error names what was asked for, in UTF-8 on stderr too.
    let missing = pc.desk(false, &["item", "show", "不存在的事项"], &[]);
    assert_eq!(missing.status.code(), Some(1));
    let error = String::from_utf8(missing.stderr).unwrap_or_else(|e| panic!("not UTF-8: {e}"));
    assert!(error.contains("不存在的事项"), "{error}");
}

/// Holds `path` under Wine as another Windows program does, for `millis`; returns once held.
fn hold(path: &Path, millis: u64) -> Child {
    let program = std::env::var_os("DESK_HOLD_FILE")
        .map(PathBuf::from)
        .unwrap_or_else(|| panic!("DESK_HOLD_FILE names hold-file.exe under Wine"));
    let wine = std::env::var_os("WINE").unwrap_or_else(|| "wine64".into());
    let windows_path = format!("Z:{}", s(path).replace('/', "\\"));
    let mut child = Command::new(wine)
        .arg(program)
        .arg(windows_path)
        .arg(millis.to_string())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("run hold-file: {e}"));
    let mut line = String::new();
    if let Some(stdout) = child.stdout.take() {
        BufReader::new(stdout)
            .read_line(&mut line)
            .unwrap_or_else(|e| panic!("{e}"));
    }
    assert_eq!(line.trim(), "held", "hold-file did not hold the file");
    child
}

/// A PC and, in its folder `out`, a file `台账.xlsx` that a ledger saved with --force replaces.
fn old_workbook(root: &Path) -> (Pc, PathBuf, PathBuf) {
    let pc = Pc::new(root, "pc");
    let out = root.join("out");
    std::fs::create_dir(&out).unwrap_or_else(|e| panic!("{e}"));
    let target = out.join("台账.xlsx");
    std::fs::write(&target, b"the old workbook").unwrap_or_else(|e| panic!("{e}"));
    (pc, out, target)
}

#[test]
fn a_file_held_for_a_moment_is_waited_for() {
    if !is_foreign() {
        return; // Only Windows refuses to replace a file another program has open.
    }
    let root = temp();
    let (pc, out, target) = old_workbook(root.path());
    // The catalog made first, so that the save below starts while the file is still held.
    pc.ok(&["department", "list"], &[]);

    let mut holder = hold(&target, 1500);
    let started = Instant::now();
    let replaced = ledger_to(&pc, &target, true);
    let waited = started.elapsed();
    let _ = holder.wait();
    assert!(
        replaced.status.success(),
        "{}",
        String::from_utf8_lossy(&replaced.stderr)
    );
    assert!(std::fs::read(&target)
        .unwrap_or_default()
        .starts_with(b"PK"));
    assert!(waited < Duration::from_secs(10), "{waited:?}");
    assert_eq!(names_in(&out), ["台账.xlsx"]);
}

#[test]
fn a_file_held_on_is_named_and_left_whole() {
    if !is_foreign() {
        return; // Only Windows refuses to replace a file another program has open.
    }
    let root = temp();
    let (pc, out, target) = old_workbook(root.path());

    let mut holder = hold(&target, 10_000);
    let started = Instant::now();
    let refused = ledger_to(&pc, &target, true);
    let waited = started.elapsed();
    let error = error_of(&refused);
    assert_eq!(error["code"], "file_in_use", "{error}");
    let message = error["message"].as_str().unwrap_or_default();
    assert!(
        message.contains("台账.xlsx") && message.contains("open in another program"),
        "{message}"
    );
    assert!(waited >= Duration::from_millis(1500), "waited {waited:?}");
    // The audit log's CSV, saved over the same held file, is refused the same way.
    let csv = error_of(&pc.desk(true, &["log", "--csv", s(&target)], &[]));
    assert_eq!(csv["code"], "file_in_use", "{csv}");
    let _ = holder.wait();
    assert_eq!(
        std::fs::read(&target).unwrap_or_default(),
        b"the old workbook"
    );
    assert_eq!(names_in(&out), ["台账.xlsx"]);
}
