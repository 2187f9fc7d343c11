//! The web team's check of a signed bundle with the real `desk`: the office sets up signing, a
//! section head is enrolled and signs an item off with her key, the item goes out; the bundle
//! verifies against the office's fingerprint, fails against another, says when no fingerprint
//! was given, and fails when it was edited after export (signature kept, or hash made to agree)
//! or its index page was replaced with the checksums made to agree.

mod common;

use common::Pc;
use desk_core::export::{recomputed_hash, Manifest};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

const OFFICE_PASSWORD: (&str, &str) = ("OFFICE_PASSWORD", "办公室的口令2026");
const HEAD_PASSWORD: (&str, &str) = ("HEAD_PASSWORD", "处长的口令2026");

fn problem_codes(error: &Value) -> Vec<String> {
    let mut codes: Vec<String> = error["problems"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|p| p["code"].as_str().map(String::from))
                .collect()
        })
        .unwrap_or_default();
    codes.sort();
    codes.dedup();
    codes
}

fn entries(path: &Path) -> Vec<(String, Vec<u8>)> {
    let file = std::fs::File::open(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipArchive::new(file).unwrap_or_else(|e| panic!("{e}"));
    (0..zip.len())
        .map(|i| {
            let mut entry = zip.by_index(i).unwrap_or_else(|e| panic!("{e}"));
            let mut bytes = Vec::new();
            entry
                .read_to_end(&mut bytes)
                .unwrap_or_else(|e| panic!("{e}"));
            (
                String::from_utf8_lossy(entry.name_raw()).into_owned(),
                bytes,
            )
        })
        .collect()
}

/// Writes `entries` as a zip with a checksum list made to agree with them.
fn write_with_checksums(path: &Path, entries: &mut [(String, Vec<u8>)]) {
    let mut lines: Vec<String> = entries
        .iter()
        .filter(|(n, _)| n != "checksums.sha256")
        .map(|(n, b)| {
            let digest: String = Sha256::digest(b)
                .iter()
                .map(|x| format!("{x:02x}"))
                .collect();
            format!("{digest}  {n}\n")
        })
        .collect();
    lines.sort();
    if let Some(list) = entries.iter_mut().find(|(n, _)| n == "checksums.sha256") {
        list.1 = lines.concat().into_bytes();
    }
    let file = std::fs::File::create(path).unwrap_or_else(|e| panic!("{e}"));
    let mut zip = zip::ZipWriter::new(file);
    for (name, bytes) in entries.iter() {
        zip.start_file(name.as_str(), zip::write::SimpleFileOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        zip.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
    }
    zip.finish().unwrap_or_else(|e| panic!("{e}"));
}

/// The bundle at `from` with its manifest's first item retitled (and, with `rehash`, its
/// sign-off's hash made to agree), the index page showing the new title, the checksums made to
/// agree: everything an editor can change but the signature.
fn retitled(from: &Path, to: PathBuf, rehash: bool) -> PathBuf {
    let mut entries = entries(from);
    let mut old_title = String::new();
    for (name, bytes) in entries.iter_mut() {
        if name == "manifest.json" {
            let mut manifest: Manifest =
                serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{e}"));
            let item = &mut manifest.items[0];
            old_title = item.fields["title"]
                .as_str()
                .unwrap_or_default()
                .to_string();
            item.fields.insert("title".into(), "改过的标题".into());
            if rehash {
                item.signoffs[0].content_hash = recomputed_hash(item);
            }
            *bytes = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
        }
    }
    assert!(!old_title.is_empty());
    for (name, bytes) in entries.iter_mut() {
        if name == "index.html" {
            let page = String::from_utf8_lossy(bytes).replace(&old_title, "改过的标题");
            *bytes = page.into_bytes();
        }
    }
    write_with_checksums(&to, &mut entries);
    to
}

#[test]
fn the_web_team_verifies_a_signed_bundle_against_the_office_fingerprint() {
    let root = tempfile::tempdir().unwrap_or_else(|e| panic!("{e}"));
    let pc = Pc::new(root.path(), "office");

    // The coordinator sets up signing; the section head makes her key and is enrolled.
    pc.add_office();
    pc.ok(
        &[
            "person",
            "add",
            "王芳",
            "--department",
            "规法处",
            "--role",
            "clerk",
        ],
        &[],
    );
    pc.ok(&["whoami", "--set", "张主任"], &[]);
    let fingerprint = pc.ok(
        &["office", "init", "--password-env", OFFICE_PASSWORD.0],
        &[OFFICE_PASSWORD],
    )["fingerprint"]
        .as_str()
        .unwrap_or_default()
        .to_string();
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    pc.ok(
        &["key", "create", "--password-env", HEAD_PASSWORD.0],
        &[HEAD_PASSWORD],
    );
    pc.ok(&["whoami", "--set", "张主任"], &[]);
    pc.ok(
        &[
            "roster",
            "enrol-person",
            "李处长",
            "--role",
            "section_head",
            "--password-env",
            OFFICE_PASSWORD.0,
        ],
        &[OFFICE_PASSWORD],
    );

    // The clerk's item, reviewed, signed off by the head with her key, exported.
    pc.ok(&["whoami", "--set", "王芳"], &[]);
    let id = pc.awaiting_signoff(
        "关于做好2019年义务教育招生工作的通知",
        &[
            "lead=规法处",
            "channels=政府网站",
            "date_written=2019-03-05",
        ],
    );
    pc.ok(&["whoami", "--set", "李处长"], &[]);
    pc.ok(
        &["item", "sign-off", &id, "--password-env", HEAD_PASSWORD.0],
        &[HEAD_PASSWORD],
    );
    let zip = root.path().join("bundle.zip");
    let zip_arg = zip.display().to_string();
    pc.ok(&["export", "--out", &zip_arg], &[]);

    // The web team's PC: no catalog, the fingerprint from the office on paper.
    let web = Pc::new(root.path(), "web-team");
    let report = web.ok(&["verify", &zip_arg, "--office-key", &fingerprint], &[]);
    assert_eq!(report["ok"], true, "{report:#}");
    assert_eq!(report["office_key"], fingerprint.as_str());
    assert_eq!(report["office_key_pinned"], true);
    assert_eq!(report["items"][0]["signature"], "valid");
    assert_eq!(report["warnings"], Value::Array(Vec::new()));
    // Typed as people read it off paper: groups, dashes, no spaces.
    let digits: String = fingerprint.chars().filter(char::is_ascii_digit).collect();
    web.ok(&["verify", &zip_arg, "--office-key", &digits], &[]);
    let text = web.desk(
        false,
        &["verify", &zip_arg, "--office-key", &fingerprint],
        &[],
    );
    assert!(text.status.success());
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.starts_with("OK: bundle "), "{shown}");
    assert!(shown.contains("signature valid"), "{shown}");

    // Another office's fingerprint: refused, saying so.
    let other = "12345 67890 12345 67890 12345 67890 12345 67890";
    let error = web.error(&["verify", &zip_arg, "--office-key", other], &[]);
    assert_eq!(error["code"], "bundle_invalid");
    assert!(
        problem_codes(&error).contains(&"bundle_roster_other_office".to_string()),
        "{error:#}"
    );
    let error = web.error(&["verify", &zip_arg, "--office-key", "12345"], &[]);
    assert_eq!(error["code"], "bad_fingerprint");

    // No fingerprint given: the bundle is whole, and the report says the key was not pinned.
    let report = web.ok(&["verify", &zip_arg], &[]);
    assert_eq!(report["ok"], true);
    assert_eq!(report["office_key_pinned"], false);
    assert_eq!(report["office_key"], fingerprint.as_str());
    assert_eq!(report["warnings"][0]["code"], "office_key_not_pinned");
    let text = web.desk(false, &["verify", &zip_arg], &[]);
    assert!(text.status.success());
    let shown = String::from_utf8_lossy(&text.stdout);
    assert!(shown.contains("NOT PINNED"), "{shown}");
    assert!(shown.contains(&fingerprint), "{shown}");

    // Edited after export, the signature kept: the content no longer has the hash signed.
    let edited = retitled(&zip, root.path().join("edited.zip"), false);
    let error = web.error(
        &[
            "verify",
            &edited.display().to_string(),
            "--office-key",
            &fingerprint,
        ],
        &[],
    );
    assert_eq!(problem_codes(&error), ["signoff_mismatch"], "{error:#}");
    // The hash made to agree: the signature does not cover it.
    let rehashed = retitled(&zip, root.path().join("rehashed.zip"), true);
    let error = web.error(
        &[
            "verify",
            &rehashed.display().to_string(),
            "--office-key",
            &fingerprint,
        ],
        &[],
    );
    assert_eq!(
        problem_codes(&error),
        ["signoff_bad_signature"],
        "{error:#}"
    );
    // Either way, unpinned too.
    web.error(&["verify", &rehashed.display().to_string()], &[]);

    // The index page replaced, the checksums made to agree.
    let mut replaced = entries(&zip);
    for (name, bytes) in replaced.iter_mut() {
        if name == "index.html" {
            *bytes = "<!DOCTYPE html><p>另一个页面</p>".as_bytes().to_vec();
        }
    }
    let page = root.path().join("page.zip");
    write_with_checksums(&page, &mut replaced);
    let error = web.error(
        &[
            "verify",
            &page.display().to_string(),
            "--office-key",
            &fingerprint,
        ],
        &[],
    );
    assert_eq!(problem_codes(&error), ["index_mismatch"], "{error:#}");
    let text = web.desk(false, &["verify", &page.display().to_string()], &[]);
    assert_eq!(text.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&text.stderr).contains("[index_mismatch] index.html"));
}
