//! Signing set up from the command line on two PCs through a shared folder: passwords only from
//! the environment, the fingerprint pinned, a key made on one PC and enrolled on the other.

mod common;

use common::{share_in, Pc};
use std::path::Path;

#[test]
fn the_coordinator_sets_up_signing_and_enrols_a_section_head_who_made_her_key_on_her_pc() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let share = share_in(root.path());
    let (coordinator, head) = (Pc::new(root.path(), "a"), Pc::new(root.path(), "b"));
    let office_password = [("OFFICE_PASSWORD", "办公室的口令2026")];

    coordinator.ok(&["person", "add", "张主任", "--role", "coordinator"], &[]);
    coordinator.ok(&["whoami", "--set", "张主任"], &[]);
    // Never a password as an argument: only the name of a variable holding it.
    assert_eq!(
        coordinator.code(&["office", "init", "--password-env", "UNSET_VARIABLE"], &[]),
        "password_missing"
    );
    assert_eq!(
        coordinator.code(
            &["office", "init", "--password-env", "SHORT"],
            &[("SHORT", "1234")]
        ),
        "password_too_short"
    );
    let set_up = coordinator.ok(
        &["office", "init", "--password-env", "OFFICE_PASSWORD"],
        &office_password,
    );
    let fingerprint = set_up["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_eq!(fingerprint.split(' ').count(), 8, "{fingerprint}");
    coordinator.ok(&["sync", "--folder", &share], &[]);

    head.ok(&["sync", "--folder", &share], &[]);
    assert_eq!(
        head.code(&["roster", "show"], &[]),
        "roster_missing",
        "nothing counts before the pin"
    );
    assert_eq!(
        head.code(&["office", "pin", "12345"], &[]),
        "bad_fingerprint"
    );
    head.ok(&["office", "pin", &fingerprint], &[]);
    assert_eq!(head.ok(&["roster", "show"], &[])["version"], 1);

    head.ok(&["person", "add", "李处长", "--role", "section_head"], &[]);
    head.ok(&["whoami", "--set", "李处长"], &[]);
    let key = head.ok(
        &["key", "create", "--password-env", "HEAD_PASSWORD"],
        &[("HEAD_PASSWORD", "处长的口令2026")],
    );
    head.ok(&["sync", "--folder", &share], &[]);
    coordinator.ok(&["sync", "--folder", &share], &[]);
    // Having pinned, the head's PC signs what it publishes; the coordinator's PC waits for it
    // until the office enrols the PC, comparing the device key's fingerprint first.
    assert!(
        coordinator.ok(&["sync", "status"], &[])["waiting"]
            .as_array()
            .is_some_and(|w| w.iter().any(|w| w["reason"] == "unenrolled")),
        "the head's changes wait"
    );
    let device = head.ok(&["key", "device"], &[]);
    let listed = coordinator.ok(&["roster", "show"], &[]);
    let waiting = &listed["devices_waiting"][0];
    assert_eq!(waiting["device_id"], device["device_id"]);
    assert_eq!(waiting["fingerprint"], device["fingerprint"]);
    let head_device = device["device_id"].as_str().unwrap_or_default();
    assert_eq!(
        coordinator.code(
            &[
                "roster",
                "enrol-device",
                "0123456789ab",
                "--password-env",
                "OFFICE_PASSWORD"
            ],
            &office_password
        ),
        "no_device_key"
    );
    let roster = coordinator.ok(
        &[
            "roster",
            "enrol-device",
            head_device,
            "--password-env",
            "OFFICE_PASSWORD",
        ],
        &office_password,
    );
    assert_eq!(roster["version"], 2);
    coordinator.ok(&["sync", "--folder", &share], &[]);
    head.ok(&["sync", "--folder", &share], &[]);
    coordinator.ok(&["sync", "--folder", &share], &[]);
    assert_eq!(
        coordinator.code(
            &[
                "roster",
                "enrol-person",
                "李处长",
                "--role",
                "section_head",
                "--password-env",
                "WRONG"
            ],
            &[("WRONG", "不是这个口令")]
        ),
        "wrong_password"
    );
    // The head's PC has no office key: it cannot enrol anyone, itself included.
    assert_eq!(
        head.code(
            &[
                "roster",
                "enrol-person",
                "李处长",
                "--role",
                "coordinator",
                "--password-env",
                "OFFICE_PASSWORD"
            ],
            &office_password
        ),
        "office_key_not_here"
    );
    let roster = coordinator.ok(
        &[
            "roster",
            "enrol-person",
            "李处长",
            "--role",
            "section_head",
            "--password-env",
            "OFFICE_PASSWORD",
        ],
        &office_password,
    );
    assert_eq!(roster["version"], 3);
    coordinator.ok(&["sync", "--folder", &share], &[]);
    head.ok(&["sync", "--folder", &share], &[]);
    let seen = head.ok(&["roster", "show"], &[]);
    assert_eq!(seen["version"], 3);
    let enrolled = &seen["people"][0];
    assert_eq!(enrolled["name"], "李处长");
    assert_eq!(enrolled["roles"], serde_json::json!(["section_head"]));
    let enrolled_key = enrolled["keys"][0]["public_key"]
        .as_str()
        .unwrap_or_default();
    let enrolled_fingerprint = desk_trust::PublicKey::from_hex(enrolled_key)
        .map(|k| k.fingerprint().to_string())
        .unwrap_or_default();
    assert_eq!(
        enrolled_fingerprint,
        key["fingerprint"].as_str().unwrap_or_default()
    );
    // The key file never reached the share, and no password is anywhere in it.
    let mut shared = Vec::new();
    collect(Path::new(&share), &mut shared);
    for file in shared {
        let bytes = std::fs::read(&file).unwrap_or_default();
        let text = String::from_utf8_lossy(&bytes);
        assert!(!text.contains("ciphertext"), "{}", file.display());
        assert!(!text.contains("处长的口令2026"), "{}", file.display());
    }
}

fn collect(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn an_item_signed_off_before_signing_was_set_up_goes_out_only_once_signed_again() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pc = Pc::new(root.path(), "pc");
    let office = [("OFFICE_PASSWORD", "办公室的口令2026")];
    let head_password = [("HEAD_PASSWORD", "处长的口令2026")];
    pc.add_office();
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    let id = pc.awaiting_signoff("关于印发工作要点的通知", &["lead=规法处"]);
    pc.ok(&["item", "sign-off", &id], &[]);

    // The office sets signing up, and enrols the head's key.
    pc.ok(&["whoami", "--set", "张主任"], &[]);
    let fingerprint = pc.ok(
        &["office", "init", "--password-env", "OFFICE_PASSWORD"],
        &office,
    )["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    pc.ok(
        &["key", "create", "--password-env", "HEAD_PASSWORD"],
        &head_password,
    );
    pc.ok(&["whoami", "--set", "张主任"], &[]);
    assert_eq!(
        pc.code(
            &[
                "roster",
                "enrol-person",
                "李处长",
                "--role",
                "section_head",
                "--department",
                "财务处",
                "--password-env",
                "OFFICE_PASSWORD",
            ],
            &office,
        ),
        "unknown_department"
    );
    let roster = pc.ok(
        &[
            "roster",
            "enrol-person",
            "李处长",
            "--role",
            "处室负责人",
            "--department",
            "规法处",
            "--password-env",
            "OFFICE_PASSWORD",
        ],
        &office,
    );
    assert_eq!(
        roster["people"][0]["roles"],
        serde_json::json!(["section_head"])
    );
    assert!(roster["people"][0]["department_id"].is_string(), "{roster}");

    // The old sign-off shows as unsigned, and keeps the item out of an export.
    let signoffs = pc.ok(&["item", "signoffs", &id], &[]);
    assert_eq!(signoffs["signatures"][0]["state"], "unsigned", "{signoffs}");
    let preview = pc.ok(&["export", "--dry-run"], &[]);
    let text = preview.to_string();
    assert!(text.contains("signoff_unsigned"), "{text}");
    // Only the signer entitled by the roster signs again: not the coordinator.
    assert_eq!(
        pc.code(
            &["item", "sign-again", &id, "--password-env", "HEAD_PASSWORD"],
            &head_password
        ),
        "no_personal_key"
    );
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    assert_eq!(
        pc.code(
            &["item", "sign-again", &id, "--password-env", "WRONG"],
            &[("WRONG", "不对的口令0000")]
        ),
        "wrong_password"
    );
    let again = pc.ok(
        &["item", "sign-again", &id, "--password-env", "HEAD_PASSWORD"],
        &head_password,
    );
    assert_eq!(again["signature"]["state"], "valid", "{again}");
    assert_eq!(
        pc.code(
            &["item", "sign-again", &id, "--password-env", "HEAD_PASSWORD"],
            &head_password
        ),
        "sign_again_not_needed"
    );

    // Now it goes out, and the bundle verifies against the office's fingerprint.
    let bundle = root.path().join("bundle.zip");
    let bundle = bundle.to_string_lossy().to_string();
    let exported = pc.ok(&["export", "--out", &bundle], &[]);
    assert_eq!(
        exported["item_ids"].as_array().map(Vec::len),
        Some(1),
        "{exported}"
    );
    let verified = pc.ok(&["verify", &bundle, "--office-key", &fingerprint], &[]);
    assert_eq!(verified["ok"], true, "{verified}");
    assert_eq!(verified["items"][0]["signature"], "valid", "{verified}");
}

#[test]
fn the_office_accepts_with_its_key_a_sign_off_made_before_signing_was_set_up() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pc = Pc::new(root.path(), "pc");
    let office = [("OFFICE_PASSWORD", "办公室的口令2026")];
    pc.add_office();
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    let id = pc.awaiting_signoff("关于印发工作要点的通知", &["lead=规法处"]);
    pc.ok(&["item", "sign-off", &id], &[]);
    let fingerprint = pc.set_up_signing(&office);
    assert!(pc
        .ok(&["export", "--dry-run"], &[])
        .to_string()
        .contains("signoff_unsigned"));

    // Its signer left the office: the coordinator accepts it with the office key instead.
    assert_eq!(
        pc.code(
            &["item", "accept-signoff", &id, "--password-env", "WRONG"],
            &[("WRONG", "不对的口令0000")]
        ),
        "wrong_password"
    );
    let accepted = pc.ok(
        &[
            "item",
            "accept-signoff",
            &id,
            "--password-env",
            "OFFICE_PASSWORD",
        ],
        &office,
    );
    assert_eq!(accepted["signature"]["state"], "valid", "{accepted}");
    assert_eq!(accepted["signature"]["by_office"], true, "{accepted}");
    assert_eq!(accepted["signoff"]["signer_name"], "张主任");
    assert_eq!(
        pc.code(
            &[
                "item",
                "accept-signoff",
                &id,
                "--password-env",
                "OFFICE_PASSWORD"
            ],
            &office
        ),
        "sign_again_not_needed",
        "once is enough"
    );
    // Both records stay in the item's history: the unsigned one and the office's acceptance.
    let signoffs = pc.ok(&["item", "signoffs", &id], &[]);
    assert_eq!(signoffs["signatures"].as_array().map(Vec::len), Some(2));

    let bundle = root.path().join("bundle.zip");
    let bundle = bundle.to_string_lossy().to_string();
    let exported = pc.ok(&["export", "--out", &bundle], &[]);
    assert_eq!(exported["item_ids"].as_array().map(Vec::len), Some(1));
    let verified = pc.ok(&["verify", &bundle, "--office-key", &fingerprint], &[]);
    assert_eq!(verified["ok"], true, "{verified}");
}

#[test]
fn a_backup_of_the_office_key_lets_another_pc_take_over_and_opens_nowhere_without_its_password() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let share = share_in(root.path());
    let (old, new) = (Pc::new(root.path(), "a"), Pc::new(root.path(), "b"));
    let passwords = [
        ("OFFICE_PASSWORD", "办公室的口令2026"),
        ("BACKUP_PASSWORD", "备份的口令-放在保险柜"),
        ("NEW_PASSWORD", "新电脑的口令2027"),
    ];
    old.ok(&["person", "add", "张主任", "--role", "coordinator"], &[]);
    old.ok(&["whoami", "--set", "张主任"], &[]);
    let fingerprint = old.ok(
        &["office", "init", "--password-env", "OFFICE_PASSWORD"],
        &passwords,
    )["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    let backup = root.path().join("office-key-backup.key");
    let backup_arg = backup.to_string_lossy().to_string();
    let export = [
        "office",
        "export-key",
        "--out",
        &backup_arg,
        "--password-env",
        "OFFICE_PASSWORD",
        "--backup-password-env",
        "BACKUP_PASSWORD",
    ];
    assert_eq!(
        old.ok(&export, &passwords)["fingerprint"],
        fingerprint.as_str()
    );
    // Never written over: a second export to the same file is refused.
    assert_eq!(old.code(&export, &passwords), "file_write");
    old.ok(&["sync", "--folder", &share], &[]);

    // The new coordinator PC joins, compares and pins the fingerprint, and takes the key over.
    new.ok(&["sync", "--folder", &share], &[]);
    new.ok(&["whoami", "--set", "张主任"], &[]);
    let import = [
        "office",
        "import-key",
        &backup_arg,
        "--backup-password-env",
        "BACKUP_PASSWORD",
        "--password-env",
        "NEW_PASSWORD",
    ];
    assert_eq!(
        new.code(&import, &passwords),
        "office_not_set_up",
        "the fingerprint is compared first"
    );
    new.ok(&["office", "pin", &fingerprint], &[]);
    assert_eq!(
        new.code(
            &import,
            &[
                ("BACKUP_PASSWORD", "不是备份的口令"),
                ("NEW_PASSWORD", "新电脑的口令2027")
            ]
        ),
        "wrong_password"
    );
    assert_eq!(
        new.ok(&import, &passwords)["fingerprint"],
        fingerprint.as_str()
    );
    // The office key now signs roster changes on the new PC, under its new password.
    new.ok(
        &["key", "create", "--password-env", "NEW_PASSWORD"],
        &passwords,
    );
    let roster = new.ok(
        &[
            "roster",
            "enrol-person",
            "张主任",
            "--role",
            "coordinator",
            "--password-env",
            "NEW_PASSWORD",
        ],
        &[("NEW_PASSWORD", "新电脑的口令2027")],
    );
    assert_eq!(roster["version"], 2);
}

#[test]
fn after_a_rotation_bundles_verify_against_the_new_fingerprint_and_the_one_pinned_before() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pc = Pc::new(root.path(), "pc");
    let passwords = [
        ("OFFICE_PASSWORD", "办公室的口令2026"),
        ("NEW_PASSWORD", "新的办公室口令2027"),
        ("HEAD_PASSWORD", "处长的口令2026"),
    ];
    pc.add_office();
    let old = pc.set_up_signing(&passwords);
    pc.enrol_head(&passwords);
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    let id = pc.awaiting_signoff("关于印发工作要点的通知", &["lead=规法处"]);
    pc.ok(
        &["item", "sign-off", &id, "--password-env", "HEAD_PASSWORD"],
        &passwords,
    );
    pc.ok(&["whoami", "--set", "张主任"], &[]);

    let rotated = pc.ok(
        &[
            "office",
            "rotate",
            "--password-env",
            "OFFICE_PASSWORD",
            "--new-password-env",
            "NEW_PASSWORD",
        ],
        &passwords,
    )["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    assert_ne!(rotated, old);
    assert_eq!(
        pc.ok(&["office", "fingerprint"], &[])["fingerprint"],
        rotated.as_str()
    );
    // The head's sign-off, made under the old key, still checks.
    let signoffs = pc.ok(&["item", "signoffs", &id], &[]);
    assert_eq!(signoffs["signatures"][0]["state"], "valid", "{signoffs}");

    let bundle = root.path().join("bundle.zip");
    let bundle = bundle.to_string_lossy().to_string();
    pc.ok(&["export", "--out", &bundle], &[]);
    for fingerprint in [&rotated, &old] {
        let verified = pc.ok(&["verify", &bundle, "--office-key", fingerprint], &[]);
        assert_eq!(verified["ok"], true, "{fingerprint}: {verified}");
        assert_eq!(verified["items"][0]["signature"], "valid", "{verified}");
    }
    let stranger = "12345 67890 12345 67890 12345 67890 12345 67890";
    assert_eq!(
        pc.code(&["verify", &bundle, "--office-key", stranger], &[]),
        "bundle_invalid"
    );
    // The old password signs nothing more.
    assert_eq!(
        pc.code(
            &[
                "roster",
                "revoke",
                &old,
                "--password-env",
                "OFFICE_PASSWORD"
            ],
            &passwords
        ),
        "wrong_password"
    );
}
