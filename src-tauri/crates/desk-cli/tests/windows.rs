//! `desk.exe` as people on Windows use it: syncing with a Linux PC through one folder, and the
//! paths they type (a mapped drive with backslashes, Chinese names, `\\?\` paths, folders past
//! 260 characters, the per-user data folder under `%APPDATA%`).
//!
//! Run against the Windows build under Wine (scripts/windows-test.sh), where Wine's `Z:` drive
//! is the Linux root. The sync test also runs between two Linux PCs; the others need desk.exe
//! and say that they were skipped. Paths typed here go to desk.exe as they are: the wrapper only
//! maps arguments that start with `/`, and maps back only `Z:\…` paths in what desk.exe prints.

mod common;

use common::program::{desk_command, is_foreign};
use common::Pc;
use serde_json::Value;
use std::path::{Path, PathBuf};

fn temp() -> tempfile::TempDir {
    tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"))
}

fn text(value: &Value) -> String {
    value.as_str().unwrap_or_default().to_string()
}

fn skipped(test: &str) -> bool {
    if is_foreign() {
        return false;
    }
    eprintln!("{test}: skipped, it needs desk.exe under Wine (scripts/windows-test.sh)");
    true
}

/// A Linux path as a person on Windows types it on Wine's `Z:` drive: `Z:\tmp\…\政务公开`.
fn typed(path: &Path) -> String {
    format!("Z:{}", path.to_string_lossy().replace('/', "\\"))
}

/// One way of typing a Linux path on Windows.
type TypedAs = fn(&Path) -> String;

/// The same in the extended form, `\\?\Z:\…`.
fn extended(path: &Path) -> String {
    format!(r"\\?\{}", typed(path))
}

/// A folder under `root` whose typed path has at least `chars` characters, made of names of 64
/// Chinese characters (192 bytes: Linux takes 255 per name).
fn long_folder(root: &Path, chars: usize) -> PathBuf {
    let name = "政务公开信息目录".repeat(8);
    let mut folder = root.to_path_buf();
    while typed(&folder).chars().count() < chars {
        folder.push(&name);
    }
    folder
}

/// A PC whose data folder is given to desk.exe as `data`, typed as on Windows.
fn windows_pc(root: &Path, name: &str, data: String) -> Pc {
    Pc {
        data: PathBuf::from(data),
        ..Pc::new(root, name)
    }
}

/// Everything a catalog shows, to compare two PCs' catalogs in full: every item with every
/// field, its history and sign-offs, the departments and people.
fn whole_catalog(pc: &Pc) -> Value {
    let list = pc.ok(&["item", "list", "--sort", "title", "--limit", "1000"], &[]);
    let mut items = Vec::new();
    for item in list["items"].as_array().into_iter().flatten() {
        let id = text(&item["id"]);
        items.push(serde_json::json!({
            "listed": item,
            "shown": pc.ok(&["item", "show", &id], &[]),
            "history": pc.ok(&["item", "history", &id], &[]),
            "signoffs": pc.ok(&["item", "signoffs", &id], &[]),
        }));
    }
    serde_json::json!({
        "total": list["total"],
        "items": items,
        "departments": pc.ok(&["department", "list"], &[]),
        "people": pc.ok(&["person", "list"], &[]),
        "conflicts": pc.ok(&["conflicts", "list"], &[]),
    })
}

/// `sync status` shows nothing waiting, damaged, kept aside or in conflict, and no error.
fn assert_settled(pc: &Pc, who: &str) {
    let status = pc.ok(&["sync", "status"], &[]);
    assert_eq!(status["ops_waiting_to_go_out"], 0, "{who}: {status}");
    assert_eq!(status["conflicts"], 0, "{who}: {status}");
    assert_eq!(status["last_error"], Value::Null, "{who}: {status}");
    for list in ["waiting", "damaged", "kept_aside", "clock_warnings"] {
        assert_eq!(
            status[list],
            serde_json::json!([]),
            "{who} {list}: {status}"
        );
    }
}

fn item_id(item: &Value) -> String {
    text(&item["id"])
}

#[test]
fn a_linux_pc_and_a_windows_pc_converge_through_one_folder() {
    let root = temp();
    let share = root.path().join("共享").join("政务公开");
    std::fs::create_dir_all(&share).unwrap_or_else(|e| panic!("{e}"));
    let linux = Pc::this_build(root.path(), "linux");
    let windows = Pc::new(root.path(), "windows");
    let linux_folder = share.to_string_lossy().to_string();
    // The Windows PC names the share as its user types it: a drive letter and backslashes.
    let windows_folder = if is_foreign() {
        typed(&share)
    } else {
        linux_folder.clone()
    };
    let sync_linux = || linux.ok(&["sync", "--folder", &linux_folder], &[]);
    let sync_windows = || windows.ok(&["sync", "--folder", &windows_folder], &[]);

    linux.add_office();
    linux.ok(&["whoami", "--set", "张主任"], &[]);
    let from_linux = item_id(&linux.ok(
        &[
            "item",
            "add",
            "--title",
            "2019年政务公开工作要点",
            "lead=规法处",
        ],
        &[],
    ));
    assert_eq!(sync_linux()["created_catalog"], true);
    assert_eq!(sync_windows()["joined_catalog"], true);
    assert_eq!(
        windows.ok(&["item", "show", &from_linux], &[])["title"],
        "2019年政务公开工作要点"
    );

    // Each PC adds an item and edits the other's.
    windows.ok(&["whoami", "--set", "李处长"], &[]);
    let from_windows = item_id(&windows.ok(
        &[
            "item",
            "add",
            "--title",
            "规范性文件清理结果",
            "lead=规法处",
        ],
        &[],
    ));
    windows.ok(&["item", "set", &from_linux, "keywords=要点、公开"], &[]);
    sync_windows();
    sync_linux();
    linux.ok(
        &[
            "item",
            "set",
            &from_windows,
            "summary=清理后继续有效的文件目录",
        ],
        &[],
    );
    sync_linux();
    sync_windows();
    assert_eq!(
        windows.ok(&["item", "show", &from_windows], &[])["summary"],
        "清理后继续有效的文件目录"
    );
    assert_eq!(
        linux.ok(&["item", "show", &from_linux], &[])["keywords"],
        serde_json::json!(["要点", "公开"])
    );

    // Both change one field before seeing each other's change; Windows settles it for Linux's.
    linux.ok(
        &["item", "set", &from_linux, "doc_no=大教发〔2019〕1号"],
        &[],
    );
    windows.ok(
        &["item", "set", &from_linux, "doc_no=大教发〔2019〕2号"],
        &[],
    );
    sync_linux();
    assert_eq!(sync_windows()["new_conflicts"], 1);
    sync_linux();
    let conflicts = windows.ok(&["conflicts", "list"], &[]);
    assert_eq!(conflicts, linux.ok(&["conflicts", "list"], &[]));
    let conflict = &conflicts["conflicts"][0];
    let chosen = [&conflict["current"], &conflict["others"][0]]
        .into_iter()
        .find(|side| side["value"] == "大教发〔2019〕1号")
        .cloned()
        .unwrap_or_else(|| panic!("Linux's value is one side: {conflict}"));
    windows.ok(
        &[
            "conflicts",
            "resolve",
            &text(&conflict["key"]),
            &text(&chosen["op_id"]),
        ],
        &[],
    );

    // Linux walks an item to 待签批; the section head signs it off on the Windows PC.
    let signed = linux.awaiting_signoff("2019年学前教育资助政策解读", &["lead=规法处"]);
    sync_linux();
    sync_windows();
    assert_eq!(
        windows.ok(&["item", "sign-off", &signed], &[])["status"],
        "signed_off"
    );
    let windows_device = text(&windows.ok(&["info"], &[])["device_id"]);
    sync_windows();
    sync_linux();
    sync_windows();
    let on_linux = linux.ok(&["item", "signoffs", &signed], &[]);
    assert_eq!(
        on_linux["signoffs"][0]["signer_name"], "李处长",
        "{on_linux}"
    );
    assert_eq!(text(&on_linux["signoffs"][0]["device_id"]), windows_device);
    assert_eq!(on_linux["signoff_matches"], true);
    assert_eq!(
        linux.ok(&["item", "show", &signed], &[])["status"],
        "signed_off"
    );

    let catalog = whole_catalog(&linux);
    assert_eq!(catalog["total"], 3);
    assert_eq!(catalog["conflicts"]["conflicts"], serde_json::json!([]));
    assert_eq!(
        linux.ok(&["item", "show", &from_linux], &[])["doc_no"],
        "大教发〔2019〕1号"
    );
    assert_eq!(whole_catalog(&windows), catalog, "the two catalogs differ");
    assert_settled(&linux, "linux");
    assert_settled(&windows, "windows");
}

/// An item signed off on `pc` (the office of [`Pc::add_office`]); 李处长 stays the current
/// person. Returns its id.
fn signed_off_item(pc: &Pc, title: &str) -> String {
    pc.add_office();
    pc.ok(&["whoami", "--set", "张主任"], &[]);
    let id = pc.awaiting_signoff(title, &["lead=规法处"]);
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    assert_eq!(
        pc.ok(&["item", "sign-off", &id], &[])["status"],
        "signed_off"
    );
    id
}

/// What `pc` made can be seen from Linux: this build's `desk` joins through `share` (a Linux
/// path) and finds `id` there as `status`, and the bundle `bundle` verifies.
fn seen_from_linux(root: &Path, share: &Path, id: &str, status: &str, bundle: &Path) {
    let linux = Pc::this_build(root, "linux-check");
    let folder = share.to_string_lossy();
    assert_eq!(
        linux.ok(&["sync", "--folder", &folder], &[])["joined_catalog"],
        true
    );
    assert_eq!(linux.ok(&["item", "show", id], &[])["status"], status);
    let verified = linux.ok(&["verify", &bundle.to_string_lossy()], &[]);
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["items"][0]["id"], id);
}

#[test]
fn a_mapped_drive_typed_with_backslashes_and_chinese_names_work_everywhere() {
    if skipped("a_mapped_drive_typed_with_backslashes_and_chinese_names_work_everywhere") {
        return;
    }
    let root = temp();
    let data = root.path().join("政务公开").join("数据");
    let share = root.path().join("share").join("政务公开");
    let bundles = root.path().join("导出");
    for folder in [&share, &bundles] {
        std::fs::create_dir_all(folder).unwrap_or_else(|e| panic!("{e}"));
    }
    let pc = windows_pc(root.path(), "pc", typed(&data));
    let id = signed_off_item(&pc, "关于公开2019年财政预算的通知");
    let info = pc.ok(&["info"], &[]);
    // desk.exe says Z:\… (mapped back to the Linux path for this test); the files are there.
    assert_eq!(info["data_dir"], data.to_string_lossy().as_ref());
    assert!(data.join("catalog.db").is_file());

    let report = pc.ok(&["sync", "--folder", &typed(&share)], &[]);
    assert_eq!(report["created_catalog"], true);
    assert!(share.join("disclosure-desk").is_dir());
    let status = pc.ok(&["sync", "status"], &[]);
    assert_eq!(
        status["folder"],
        share.to_string_lossy().as_ref(),
        "{status}"
    );

    let bundle = bundles.join("2019年第一批.zip");
    let exported = pc.ok(&["export", "--out", &typed(&bundle)], &[]);
    assert_eq!(exported["path"], bundle.to_string_lossy().as_ref());
    assert_eq!(exported["item_ids"], serde_json::json!([id]));
    pc.ok(&["sync"], &[]);
    seen_from_linux(root.path(), &share, &id, "exported", &bundle);
}

#[test]
fn folders_past_260_characters_work_typed_plainly_or_with_the_long_path_prefix() {
    if skipped("folders_past_260_characters_work_typed_plainly_or_with_the_long_path_prefix") {
        return;
    }
    let root = temp();
    let forms: [(&str, TypedAs); 2] = [("plain", typed), ("prefixed", extended)];
    for (form, typed_as) in forms {
        let base = root.path().join(form);
        // The data folder also passes the 1,040 UTF-8 bytes SQLite's default Windows VFS takes.
        let data = long_folder(&base.join("数据"), 420);
        let share = long_folder(&base.join("共享"), 300);
        let bundles = long_folder(&base.join("导出"), 300);
        for folder in [&share, &bundles] {
            std::fs::create_dir_all(folder).unwrap_or_else(|e| panic!("{e}"));
        }
        assert!(typed_as(&data).len() > 1040, "{form}");

        let pc = windows_pc(root.path(), &format!("{form}-pc"), typed_as(&data));
        let id = signed_off_item(&pc, "长路径下的政务公开事项");
        assert!(data.join("catalog.db").is_file(), "{form}");
        let report = pc.ok(&["sync", "--folder", &typed_as(&share)], &[]);
        assert_eq!(report["created_catalog"], true, "{form}");
        let bundle = bundles.join("导出包.zip");
        let exported = pc.ok(&["export", "--out", &typed_as(&bundle)], &[]);
        assert_eq!(exported["item_ids"], serde_json::json!([id]), "{form}");
        assert!(bundle.is_file(), "{form}");
        // The catalog opens again (its WAL and the file alone both read) and knows the export.
        assert_eq!(pc.ok(&["item", "show", &id], &[])["status"], "exported");
        pc.ok(&["sync"], &[]);
        assert_settled(&pc, form);
        seen_from_linux(&base, &share, &id, "exported", &bundle);
    }
}

#[test]
fn a_data_folder_longer_than_the_system_takes_is_refused_with_its_code() {
    if skipped("a_data_folder_longer_than_the_system_takes_is_refused_with_its_code") {
        return;
    }
    let root = temp();
    // Longer than Linux's 4,096 bytes, where Wine keeps the Z: drive (Windows itself stops at
    // 32,767 characters).
    let data = long_folder(root.path(), 1500);
    let pc = windows_pc(root.path(), "pc", typed(&data));
    let out = pc.desk(true, &["item", "add", "--title", "放不下的事项"], &[]);
    assert_eq!(out.status.code(), Some(1));
    // Wine's own server may add a line of its own about the Linux error.
    let stderr = String::from_utf8_lossy(&out.stderr);
    let error: Value = stderr
        .lines()
        .find_map(|line| serde_json::from_str(line).ok())
        .unwrap_or_default();
    assert_eq!(error["error"]["code"], "data_dir_unavailable");
    assert!(!data.exists());
}

#[test]
fn without_a_data_folder_desk_exe_keeps_its_catalog_under_appdata() {
    if skipped("without_a_data_folder_desk_exe_keeps_its_catalog_under_appdata") {
        return;
    }
    let desk = |args: &[&str]| -> Value {
        let out = desk_command()
            .arg("--json")
            .args(args)
            .env_remove("DISCLOSURE_DESK_DATA_DIR")
            .output()
            .unwrap_or_else(|e| panic!("run desk: {e}"));
        assert!(
            out.status.success(),
            "desk {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("not JSON: {e}"))
    };
    let data_dir = text(&desk(&["info"])["data_dir"]);
    let wine = std::env::var_os("WINE").unwrap_or_else(|| "wine64".into());
    let appdata = std::process::Command::new(wine)
        .args(["cmd", "/c", "echo", "%APPDATA%"])
        .env_remove("DISCLOSURE_DESK_DATA_DIR")
        .output()
        .map(|out| String::from_utf8_lossy(&out.stdout).trim().to_string())
        .unwrap_or_else(|e| panic!("run wine cmd: {e}"));
    assert!(appdata.starts_with(r"C:\"), "{appdata}");
    assert_eq!(data_dir, format!(r"{appdata}\disclosure-desk"));

    // The same folder seen from Linux, in the Wine prefix's drive_c.
    let prefix = std::env::var_os("WINEPREFIX")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|home| Path::new(&home).join(".wine")))
        .unwrap_or_else(|| panic!("no WINEPREFIX and no HOME"));
    let on_linux = prefix
        .join("drive_c")
        .join(data_dir[r"C:\".len()..].replace('\\', "/"));
    let title = format!("放在APPDATA的事项 {}", std::process::id());
    let id = item_id(&desk(&["item", "add", "--title", &title]));
    assert!(
        on_linux.join("catalog.db").is_file(),
        "{}",
        on_linux.display()
    );
    let elsewhere = temp();
    let linux = Pc {
        data: on_linux,
        ..Pc::this_build(elsewhere.path(), "linux")
    };
    assert_eq!(
        linux.ok(&["item", "show", &id], &[])["title"],
        title.as_str()
    );
}
