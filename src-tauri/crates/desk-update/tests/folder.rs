//! The shared-folder path and publishing, on real folders with a key pair made for each test:
//! what a PC on 0.1.0 sees of a release published as `desk release publish` does it, and each
//! way a release can be wrong.

use desk_update::folder::{check_folder, read_package, FolderCheck};
use desk_update::publish::{publish, PublishRequest};
use desk_update::signature::{generate_key_pair, OfficeKey, SigningKey};
use desk_update::UpdateError;
use std::path::Path;

const PACKAGE: &str = "disclosure-desk_0.2.0_amd64.deb";

struct Office {
    signing: SigningKey,
    key: OfficeKey,
}

fn office() -> Office {
    let (secret, public) = generate_key_pair(None).unwrap_or_else(|e| panic!("keygen: {e}"));
    Office {
        signing: SigningKey::parse(&secret, None).unwrap_or_else(|e| panic!("secret: {e}")),
        key: OfficeKey::parse(&public).unwrap_or_else(|e| panic!("public: {e}")),
    }
}

fn targets() -> Vec<String> {
    vec!["linux-x86_64-deb".into(), "linux-x86_64".into()]
}

/// A package of some size, so that a truncated copy is shorter than one read chunk and longer.
fn package_bytes() -> Vec<u8> {
    let mut bytes = b"!<arch>\ndebian-binary   ".to_vec();
    bytes.extend((0..300_000u32).map(|i| (i * 7 % 251) as u8));
    bytes
}

fn publish_into(folder: &Path, office: &Office, version: &str) {
    let source = folder.parent().unwrap_or(folder).join("build");
    std::fs::create_dir_all(&source).unwrap_or_else(|e| panic!("{e}"));
    let package = source.join(PACKAGE);
    std::fs::write(&package, package_bytes()).unwrap_or_else(|e| panic!("{e}"));
    publish(&PublishRequest {
        package: &package,
        version,
        notes: "新增：更新检查",
        pub_date: "2026-11-25T08:00:00Z",
        targets: &[],
        signing_key: &office.signing,
        office_key: &office.key,
        to: folder,
        base_url: None,
    })
    .unwrap_or_else(|e| panic!("publish: {e}"));
}

/// Publishes 0.2.0, lets `spoil` change the folder, then checks and reads it as a PC on
/// `current` with `key` would; the outcome is the version installed or the refusal's code.
fn check(spoil: fn(&Path), current: &str, other_key: bool, expected: Result<&str, &str>) {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let folder = tmp.path().join("releases");
    let publisher = office();
    publish_into(&folder, &publisher, "0.2.0");
    spoil(&folder);
    let pc_key = if other_key {
        office().key
    } else {
        publisher.key
    };
    let outcome = check_folder(&folder, current, &targets()).and_then(|found| match found {
        FolderCheck::UpToDate { offered } => Err(UpdateError::NotNewer {
            offered,
            current: current.into(),
        }),
        FolderCheck::Available(release) => {
            let mut seen = Vec::new();
            read_package(&release, &pc_key, &mut |p| seen.push(p))?;
            assert!(!seen.is_empty(), "progress was reported");
            Ok(release.manifest.version)
        }
    });
    match (outcome, expected) {
        (Ok(version), Ok(want)) => assert_eq!(version, want),
        (Err(e), Err(code)) => assert_eq!(e.code(), code, "{e}"),
        (got, want) => panic!("expected {want:?}, got {got:?}"),
    }
}

fn edit(path: &Path, change: impl FnOnce(&mut Vec<u8>)) {
    let mut bytes = std::fs::read(path).unwrap_or_else(|e| panic!("{e}"));
    change(&mut bytes);
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

fn edit_manifest(folder: &Path, change: impl FnOnce(&mut serde_json::Value)) {
    let path = folder.join("latest.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{e}"));
    let mut json: serde_json::Value = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}"));
    change(&mut json);
    std::fs::write(&path, json.to_string()).unwrap_or_else(|e| panic!("{e}"));
}

fn each_entry(json: &mut serde_json::Value, change: impl Fn(&mut serde_json::Value)) {
    if let Some(platforms) = json["platforms"].as_object_mut() {
        platforms.values_mut().for_each(change);
    }
}

#[test]
fn a_release_in_the_folder_is_found_and_verified_or_refused() {
    let untouched: fn(&Path) = |_| {};
    check(untouched, "0.1.0", false, Ok("0.2.0"));
    check(untouched, "0.1.9", false, Ok("0.2.0"));
    // not newer
    check(untouched, "0.2.0", false, Err("update_not_newer"));
    check(untouched, "1.0.0", false, Err("update_not_newer"));
    // the PC trusts another office's key
    check(untouched, "0.1.0", true, Err("update_wrong_key"));
    // one byte changed, the same length
    check(
        |f| edit(&f.join(PACKAGE), |b| b[1000] ^= 1),
        "0.1.0",
        false,
        Err("update_package_changed"),
    );
    // half-copied: shorter than latest.json says
    check(
        |f| edit(&f.join(PACKAGE), |b| b.truncate(100_000)),
        "0.1.0",
        false,
        Err("update_package_incomplete"),
    );
    check(
        |f| edit(&f.join(PACKAGE), |b| b.clear()),
        "0.1.0",
        false,
        Err("update_package_incomplete"),
    );
    // shortened and no size recorded: the signature still refuses it
    check(
        |f| {
            edit(&f.join(PACKAGE), |b| b.truncate(100_000));
            edit_manifest(f, |j| {
                each_entry(j, |e| {
                    if let Some(o) = e.as_object_mut() {
                        o.remove("size");
                    }
                })
            });
        },
        "0.1.0",
        false,
        Err("update_package_changed"),
    );
    check(
        |f| std::fs::remove_file(f.join(PACKAGE)).unwrap_or_default(),
        "0.1.0",
        false,
        Err("update_package_missing"),
    );
    // latest.json announces another version than the package was signed for
    check(
        |f| edit_manifest(f, |j| j["version"] = "0.3.0".into()),
        "0.1.0",
        false,
        Err("update_version_mismatch"),
    );
    check(
        |f| {
            edit_manifest(f, |j| {
                each_entry(j, |e| e["signature"] = "bm90IGEgc2lnbmF0dXJl".into())
            })
        },
        "0.1.0",
        false,
        Err("update_signature_malformed"),
    );
    check(
        |f| edit_manifest(f, |j| each_entry(j, |e| e["signature"] = "%%%".into())),
        "0.1.0",
        false,
        Err("update_signature_malformed"),
    );
    // malformed or missing latest.json
    check(
        |f| std::fs::write(f.join("latest.json"), "{\"version\": ").unwrap_or_default(),
        "0.1.0",
        false,
        Err("update_manifest_invalid"),
    );
    check(
        |f| edit_manifest(f, |j| j["version"] = "next".into()),
        "0.1.0",
        false,
        Err("update_manifest_invalid"),
    );
    check(
        |f| edit_manifest(f, |j| j["pub_date"] = "yesterday".into()),
        "0.1.0",
        false,
        Err("update_manifest_invalid"),
    );
    check(
        |f| edit_manifest(f, |j| j["platforms"] = serde_json::json!({})),
        "0.1.0",
        false,
        Err("update_manifest_invalid"),
    );
    check(
        |f| edit_manifest(f, |j| each_entry(j, |e| e["url"] = "..".into())),
        "0.1.0",
        false,
        Err("update_manifest_invalid"),
    );
    check(
        |f| {
            edit_manifest(
                f,
                |j| {
                    j["platforms"] = serde_json::json!({"windows-x86_64-nsis": {"url": "a.exe", "signature": "x"}})
                },
            )
        },
        "0.1.0",
        false,
        Err("update_no_package"),
    );
    check(
        |f| std::fs::remove_file(f.join("latest.json")).unwrap_or_default(),
        "0.1.0",
        false,
        Err("update_manifest_missing"),
    );
    check(
        |f| std::fs::remove_dir_all(f).unwrap_or_default(),
        "0.1.0",
        false,
        Err("update_folder_unreachable"),
    );
    // a manifest address outside the folder only ever names a file inside it
    check(
        |f| {
            edit_manifest(f, |j| {
                each_entry(j, |e| e["url"] = format!("../../{PACKAGE}").into())
            })
        },
        "0.1.0",
        false,
        Ok("0.2.0"),
    );
}

#[test]
fn publishing_checks_the_key_pair_and_the_package_before_writing() {
    let tmp = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let package = tmp.path().join(PACKAGE);
    std::fs::write(&package, package_bytes()).unwrap_or_else(|e| panic!("{e}"));
    let publisher = office();
    let stranger = office();
    let run = |signing: &SigningKey,
               key: &OfficeKey,
               version: &str,
               package: &Path,
               targets: &[String]| {
        let to = tmp.path().join(format!("out-{version}"));
        let result = publish(&PublishRequest {
            package,
            version,
            notes: "",
            pub_date: "2026-11-25T08:00:00+08:00",
            targets,
            signing_key: signing,
            office_key: key,
            to: &to,
            base_url: Some("https://intranet.example/desk/"),
        });
        (result, to)
    };
    let (ok, to) = run(&publisher.signing, &publisher.key, "0.2.0", &package, &[]);
    let report = ok.unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(report.targets, targets());
    let manifest: serde_json::Value =
        serde_json::from_slice(&std::fs::read(to.join("latest.json")).unwrap_or_default())
            .unwrap_or_default();
    assert_eq!(
        manifest["platforms"]["linux-x86_64-deb"]["url"],
        format!("https://intranet.example/desk/{PACKAGE}")
    );
    assert!(to.join(format!("{PACKAGE}.sig")).is_file());
    assert!(!to.join("latest.json.part").exists());

    let missing = tmp.path().join("disclosure-desk_0.2.2_amd64.deb");
    let unknown_kind = tmp.path().join("app.zip");
    let cases = [
        (&stranger.signing, "0.2.1", &package, "update_wrong_key"),
        (
            &publisher.signing,
            "two",
            &package,
            "update_version_invalid",
        ),
        (&publisher.signing, "0.2.2", &missing, "file_unreadable"),
        (
            &publisher.signing,
            "0.2.3",
            &unknown_kind,
            "invalid_argument",
        ),
    ];
    for (signing, version, package, code) in cases {
        let (result, to) = run(signing, &publisher.key, version, package, &[]);
        match result {
            Err(e) => assert_eq!(e.code(), code, "{version}: {e}"),
            Ok(r) => panic!("{version}: published {r:?}"),
        }
        assert!(
            !to.join("latest.json").exists(),
            "{version}: nothing written"
        );
    }
}

#[test]
fn keys_are_read_in_every_form_and_bad_ones_refused() {
    let (secret, public) = generate_key_pair(None).unwrap_or_else(|e| panic!("{e}"));
    let key = OfficeKey::parse(&public).unwrap_or_else(|e| panic!("{e}"));
    let boxed = String::from_utf8(
        base64::Engine::decode(&base64::engine::general_purpose::STANDARD, &public)
            .unwrap_or_default(),
    )
    .unwrap_or_default();
    let bare = boxed.lines().nth(1).unwrap_or_default().to_string();
    for text in [public.clone(), boxed, bare, format!("  {public}\n")] {
        let parsed = OfficeKey::parse(&text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
        assert_eq!(parsed.id(), key.id());
    }
    for bad in [
        "",
        "not a key",
        "dW50cnVzdGVkIGNvbW1lbnQ6IG5vdGhpbmc=",
        &secret,
    ] {
        match OfficeKey::parse(bad) {
            Err(e) => assert_eq!(e.code(), "update_key_invalid", "{bad:?}"),
            Ok(_) => panic!("{bad:?} was read as a public key"),
        }
    }
    for bad in ["", "garbage", &public] {
        match SigningKey::parse(bad, None) {
            Err(e) => assert_eq!(e.code(), "update_secret_key_invalid", "{bad:?}"),
            Ok(_) => panic!("{bad:?} was read as a secret key"),
        }
    }
}
