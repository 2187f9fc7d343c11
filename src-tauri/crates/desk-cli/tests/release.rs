//! `desk release` as an office's IT person runs it: make a key pair, publish a package into a
//! folder, check the folder as a PC would; and the mistakes (wrong password, wrong key, a changed
//! package, a key file that would be overwritten).

#[path = "common/program.rs"]
mod program;
use program::{desk_command, is_foreign};
use serde_json::Value;
use std::path::Path;
use std::process::Output;

fn desk(args: &[&str]) -> Output {
    desk_command()
        .arg("--json")
        .args(args)
        .env("DESK_TEST_KEY_PASSWORD", "正确的口令")
        .env("DESK_TEST_WRONG_PASSWORD", "wrong")
        .output()
        .unwrap_or_else(|e| panic!("run desk: {e}"))
}

fn ok(args: &[&str]) -> Value {
    let out = desk(args);
    assert!(
        out.status.success(),
        "desk {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| panic!("{e}"))
}

fn code(args: &[&str]) -> String {
    let out = desk(args);
    assert_eq!(out.status.code(), Some(1), "desk {args:?} should fail");
    let error: Value = serde_json::from_slice(&out.stderr).unwrap_or_else(|e| panic!("{e}"));
    error["error"]["code"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

fn s(path: &Path) -> &str {
    path.to_str().unwrap_or_default()
}

#[test]
fn an_office_makes_a_key_publishes_and_a_pc_checks() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key = tmp.path().join("office.key");
    let other = tmp.path().join("other.key");
    let package = tmp.path().join("disclosure-desk_0.3.0_amd64.deb");
    std::fs::write(&package, b"!<arch>\ndebian-binary   2.0\n and the rest").unwrap_or_default();
    let releases = tmp.path().join("share").join("releases");

    let made = ok(&[
        "release",
        "keygen",
        "--out",
        s(&key),
        "--password-env",
        "DESK_TEST_KEY_PASSWORD",
    ]);
    assert_eq!(made["public_key"], format!("{}.pub", key.display()));
    ok(&["release", "keygen", "--out", s(&other), "--no-password"]);
    let pubkey = format!("{}.pub", key.display());
    let other_pub = format!("{}.pub", other.display());

    let published = ok(&[
        "release",
        "publish",
        s(&package),
        "--version",
        "0.3.0",
        "--key",
        s(&key),
        "--password-env",
        "DESK_TEST_KEY_PASSWORD",
        "--pubkey",
        &pubkey,
        "--to",
        s(&releases),
        "--notes",
        "修正：导出",
    ]);
    assert_eq!(published["targets"][0], "linux-x86_64-deb");
    assert_eq!(published["key_id"], made["key_id"]);

    let target = ["--target", "linux-x86_64-deb"];
    let check = |current: &str, key: &str| -> Vec<String> {
        [
            &[
                "release",
                "check",
                "--folder",
                s(&releases),
                "--pubkey",
                key,
                "--current-version",
                current,
            ][..],
            &target[..],
        ]
        .concat()
        .iter()
        .map(|a| a.to_string())
        .collect()
    };
    let args = check("0.2.0", &pubkey);
    let found = ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(found["update"]["version"], "0.3.0");
    assert_eq!(found["update"]["notes"], "修正：导出");
    let args = check("0.3.0", &pubkey);
    let same = ok(&args.iter().map(String::as_str).collect::<Vec<_>>());
    assert_eq!(same["update"], Value::Null);
    assert_eq!(same["offered_version"], "0.3.0");

    let key_text = std::fs::read_to_string(&key).unwrap_or_default();
    assert!(key_text.len() > 100);
    let failures: Vec<(Vec<String>, &str)> = vec![
        (check("0.2.0", &other_pub), "update_wrong_key"),
        (
            vec![
                "release",
                "publish",
                s(&package),
                "--version",
                "0.3.0",
                "--key",
                s(&key),
                "--password-env",
                "DESK_TEST_WRONG_PASSWORD",
                "--pubkey",
                &pubkey,
                "--to",
                s(&releases),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "update_secret_key_invalid",
        ),
        (
            vec![
                "release",
                "publish",
                s(&package),
                "--version",
                "0.3.0",
                "--key",
                s(&other),
                "--pubkey",
                &pubkey,
                "--to",
                s(&releases),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "update_wrong_key",
        ),
        (
            vec![
                "release",
                "publish",
                s(&package),
                "--version",
                "0.3.0",
                "--key",
                s(&key),
                "--password-env",
                "DESK_TEST_UNSET_VARIABLE",
                "--pubkey",
                &pubkey,
                "--to",
                s(&releases),
            ]
            .into_iter()
            .map(String::from)
            .collect(),
            "invalid_argument",
        ),
        (
            vec!["release", "keygen", "--out", s(&key), "--no-password"]
                .into_iter()
                .map(String::from)
                .collect(),
            "file_exists",
        ),
        (
            vec!["release", "keygen", "--out", s(&tmp.path().join("k"))]
                .into_iter()
                .map(String::from)
                .collect(),
            "invalid_argument",
        ),
    ];
    for (args, expected) in failures {
        assert_eq!(
            code(&args.iter().map(String::as_str).collect::<Vec<_>>()),
            expected,
            "{args:?}"
        );
    }
    // the key file that exists was left as it was
    assert_eq!(std::fs::read_to_string(&key).unwrap_or_default(), key_text);

    // a byte changed on the share after publishing
    let copy = releases.join("disclosure-desk_0.3.0_amd64.deb");
    let mut bytes = std::fs::read(&copy).unwrap_or_default();
    let last = bytes.len() - 1;
    bytes[last] ^= 0x20;
    std::fs::write(&copy, bytes).unwrap_or_default();
    let args = check("0.2.0", &pubkey);
    assert_eq!(
        code(&args.iter().map(String::as_str).collect::<Vec<_>>()),
        "update_package_changed"
    );
}

/// One folder serves both kinds of PC: the .deb and the Windows installer of one version are
/// published side by side, and each PC's `desk`, asked without a target, finds its own.
#[test]
fn each_kind_of_pc_finds_its_own_package_in_one_folder() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let key = tmp.path().join("office.key");
    let releases = tmp.path().join("releases");
    ok(&["release", "keygen", "--out", s(&key), "--no-password"]);
    let pubkey = format!("{}.pub", key.display());
    let deb = tmp.path().join("Disclosure Desk_0.4.0_amd64.deb");
    let setup = tmp.path().join("Disclosure Desk_0.4.0_x64-setup.exe");
    std::fs::write(&deb, b"!<arch>\ndebian-binary   2.0\n").unwrap_or_else(|e| panic!("{e}"));
    std::fs::write(&setup, b"MZ\x90\0 an installer").unwrap_or_else(|e| panic!("{e}"));
    for (package, target) in [(&deb, "linux-x86_64-deb"), (&setup, "windows-x86_64-nsis")] {
        let published = ok(&[
            "release",
            "publish",
            s(package),
            "--version",
            "0.4.0",
            "--key",
            s(&key),
            "--pubkey",
            &pubkey,
            "--to",
            s(&releases),
        ]);
        assert_eq!(published["targets"][0], target);
    }
    let found = ok(&[
        "release",
        "check",
        "--folder",
        s(&releases),
        "--pubkey",
        &pubkey,
        "--current-version",
        "0.3.0",
    ]);
    let (target, file) = if is_foreign() {
        ("windows-x86_64-nsis", "Disclosure Desk_0.4.0_x64-setup.exe")
    } else {
        ("linux-x86_64-deb", "Disclosure Desk_0.4.0_amd64.deb")
    };
    assert_eq!(found["update"]["target"], target, "{found}");
    let package = found["update"]["package"].as_str().unwrap_or_default();
    assert!(package.ends_with(file), "{package}");
}
