//! `verify` against crafted bundles: each case starts from a good bundle of a real catalog and
//! breaks it the way a damaged copy or an attacker would, then names the problems expected.

mod common;

use common::*;
use desk_core::export::ExportScope;
use desk_export::bundle::{self, ExportOptions};
use desk_export::verify::{verify, verify_with, Limits};
use serde_json::Value;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;
use zip::write::SimpleFileOptions;
use zip::ZipWriter;

struct Fixture {
    office: Office,
    good: PathBuf,
}

fn fixture() -> Fixture {
    let mut office = office();
    let a = office.draft(
        "关于做好2019年义务教育招生工作的通知",
        |i| {
            i.channels = vec!["政府网站".into()];
        },
    );
    office.attach(&a.id, "通知.pdf", b"%PDF-1.4 notice");
    office.sign_off(&a.id, "");
    office.signed("2019年学前教育资助政策解读", |_| {});
    let good = office.path("good.zip");
    office.as_head();
    bundle::export(
        &mut office.catalog,
        &ExportOptions {
            scope: ExportScope::Incremental,
            out: &good,
            overwrite: false,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    Fixture { office, good }
}

/// Rewrites the good bundle's entries with `change`; with `rehash`, the checksum list is made
/// to agree with the changed entries (an attacker who edits both).
fn rewrite(
    fixture: &Fixture,
    name: &str,
    rehash: bool,
    change: impl FnOnce(&mut Vec<(String, Vec<u8>)>),
) -> PathBuf {
    let path = fixture.office.path(name);
    rewrite_zip(&fixture.good, &path, rehash, change);
    path
}

fn edit_manifest(entries: &mut [(String, Vec<u8>)], edit: impl FnOnce(&mut Value)) {
    let entry = entries
        .iter_mut()
        .find(|(n, _)| n == "manifest.json")
        .unwrap_or_else(|| panic!("no manifest"));
    let mut manifest: Value = serde_json::from_slice(&entry.1).unwrap_or_default();
    edit(&mut manifest);
    entry.1 = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
}

fn attachment_name(entries: &[(String, Vec<u8>)]) -> String {
    entries
        .iter()
        .map(|(n, _)| n.clone())
        .find(|n| n.starts_with("attachments/"))
        .unwrap_or_default()
}

/// Verifies `path` and expects it refused with at least the `expected` codes.
fn check(path: &Path, expected: &[&str]) {
    check_with(path, &Limits::default(), expected);
}

fn check_with(path: &Path, limits: &Limits, expected: &[&str]) {
    let report = verify_with(path, limits);
    let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert!(!report.ok, "{path:?} passed verification");
    for code in expected {
        assert!(
            codes.contains(code),
            "{path:?}: expected {code}, found {:#?}",
            report.problems
        );
    }
}

/// Replaces every occurrence of `from` with `to` (same length) in the file's bytes.
fn patch_bytes(path: &Path, from: &[u8], to: &[u8]) {
    assert_eq!(from.len(), to.len());
    let mut bytes = std::fs::read(path).unwrap_or_default();
    let mut i = 0;
    let mut found = 0;
    while i + from.len() <= bytes.len() {
        if &bytes[i..i + from.len()] == from {
            bytes[i..i + from.len()].copy_from_slice(to);
            found += 1;
        }
        i += 1;
    }
    assert!(found > 0, "{from:?} not found");
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

/// Sets the declared uncompressed size of `name` in its local and central headers.
fn patch_declared_size(path: &Path, name: &str, size: u32) {
    let mut bytes = std::fs::read(path).unwrap_or_default();
    let name = name.as_bytes();
    let mut patched = 0;
    for i in 0..bytes.len().saturating_sub(46) {
        let sig = &bytes[i..i + 4];
        if sig == b"PK\x03\x04" {
            let len = u16::from_le_bytes([bytes[i + 26], bytes[i + 27]]) as usize;
            if bytes.get(i + 30..i + 30 + len) == Some(name) {
                bytes[i + 22..i + 26].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        } else if sig == b"PK\x01\x02" {
            let len = u16::from_le_bytes([bytes[i + 28], bytes[i + 29]]) as usize;
            if bytes.get(i + 46..i + 46 + len) == Some(name) {
                bytes[i + 24..i + 28].copy_from_slice(&size.to_le_bytes());
                patched += 1;
            }
        }
    }
    assert_eq!(patched, 2, "headers of {name:?}");
    std::fs::write(path, bytes).unwrap_or_else(|e| panic!("{e}"));
}

#[test]
fn the_good_bundle_passes() {
    let f = fixture();
    let report = verify(&f.good);
    assert!(report.ok, "{:#?}", report.problems);
    assert_eq!(report.items.len(), 2);
    assert_eq!(report.entries, 4);
    assert!(report
        .manifest_sha256
        .as_deref()
        .is_some_and(|h| h.starts_with("sha256:")));
    let recorded = f.office.catalog.bundles().unwrap_or_default();
    assert_eq!(
        recorded[0].manifest_sha256,
        report.manifest_sha256.unwrap_or_default()
    );
    // Rewriting the same entries (rehashed) is still a good bundle: the cases below fail for
    // what they change, not for being rewritten.
    let same = rewrite(&f, "same.zip", true, |_| {});
    assert!(verify(&same).ok);
}

#[test]
fn hostile_names_and_kinds() {
    let f = fixture();
    for (file, name) in [
        ("dotdot.zip", "../evil.sh"),
        ("deep-dotdot.zip", "attachments/../../evil.sh"),
        ("absolute.zip", "/etc/cron.d/evil"),
        ("backslash.zip", "..\\..\\evil.bat"),
        ("drive.zip", "C:/Windows/evil.bat"),
    ] {
        let path = rewrite(&f, file, true, |entries| {
            entries.push((name.to_string(), b"evil".to_vec()));
        });
        check(&path, &["entry_unsafe_path"]);
    }
    // A symbolic link pointing out of the folder.
    let path = f.office.path("symlink.zip");
    {
        let mut entries = entries(&f.good);
        entries.retain(|(n, _)| n != "checksums.sha256");
        let file = std::fs::File::create(&path).unwrap_or_else(|e| panic!("{e}"));
        let mut zip = ZipWriter::new(file);
        for (name, bytes) in &entries {
            zip.start_file(name.as_str(), SimpleFileOptions::default())
                .unwrap_or_else(|e| panic!("{e}"));
            zip.write_all(bytes).unwrap_or_else(|e| panic!("{e}"));
        }
        zip.add_symlink(
            "attachments/link",
            "/etc/passwd",
            SimpleFileOptions::default(),
        )
        .unwrap_or_else(|e| panic!("{e}"));
        zip.start_file("checksums.sha256", SimpleFileOptions::default())
            .unwrap_or_else(|e| panic!("{e}"));
        zip.write_all(&checksums(&entries))
            .unwrap_or_else(|e| panic!("{e}"));
        zip.finish().unwrap_or_else(|e| panic!("{e}"));
    }
    check(&path, &["entry_symlink"]);
    // Two entries of the same name (the second made by renaming in place).
    let path = rewrite(&f, "duplicate.zip", false, |entries| {
        entries.push(("manifest.jsoX".into(), b"{}".to_vec()));
    });
    patch_bytes(&path, b"manifest.jsoX", b"manifest.json");
    check(&path, &["entry_duplicate"]);
    // A folder entry.
    let path = rewrite(&f, "folder.zip", true, |entries| {
        entries.push(("attachments/sub/".into(), Vec::new()));
    });
    check(&path, &["entry_unexpected"]);
}

#[test]
fn bombs_and_lying_sizes() {
    let f = fixture();
    // 16 MiB of zeros deflate to a few KB: refused by ratio before it is inflated.
    let path = rewrite(&f, "bomb.zip", true, |entries| {
        let sha = hex(&vec![0u8; 16 << 20]);
        entries.push((format!("attachments/{sha}"), vec![0u8; 16 << 20]));
    });
    check(&path, &["entry_ratio"]);
    // Within the ratio but over the total the web team allows.
    let limits = Limits {
        max_total_bytes: 1000,
        ..Limits::default()
    };
    check_with(&f.good, &limits, &["zip_too_large"]);
    let limits = Limits {
        max_entry_bytes: 10,
        ..Limits::default()
    };
    check_with(&f.good, &limits, &["entry_too_large"]);
    let limits = Limits {
        max_entries: 3,
        ..Limits::default()
    };
    check_with(&f.good, &limits, &["zip_too_many_entries"]);
    // An entry that declares fewer bytes than it inflates to: read no further than declared.
    let path = rewrite(&f, "liar.zip", true, |entries| {
        entries.push(("extra.txt".into(), vec![b'x'; 100_000]));
    });
    patch_declared_size(&path, "extra.txt", 100);
    check(&path, &["entry_size_mismatch"]);
    // And one that declares more than it holds.
    let path = rewrite(&f, "short.zip", true, |entries| {
        entries.push(("extra.txt".into(), vec![b'x'; 1000]));
    });
    patch_declared_size(&path, "extra.txt", 5000);
    check(&path, &["entry_size_mismatch"]);
}

#[test]
fn damaged_files() {
    let f = fixture();
    let bytes = std::fs::read(&f.good).unwrap_or_default();
    for (name, content) in [
        ("truncated.zip", bytes[..bytes.len() / 2].to_vec()),
        ("tail-cut.zip", bytes[..bytes.len() - 10].to_vec()),
        ("empty.zip", Vec::new()),
        ("text.zip", b"this is not a zip".to_vec()),
    ] {
        let path = f.office.path(name);
        std::fs::write(&path, content).unwrap_or_else(|e| panic!("{e}"));
        check(&path, &["zip_unreadable"]);
    }
    check(&f.office.path("missing.zip"), &["zip_unreadable"]);
    // One flipped byte inside a stored attachment: its CRC and its checksum no longer agree.
    let path = f.office.path("flipped.zip");
    std::fs::write(&path, &bytes).unwrap_or_else(|e| panic!("{e}"));
    patch_bytes(&path, b"%PDF-1.4 notice", b"%PDF-1.4 nOtice");
    check(&path, &["entry_damaged"]);
}

#[test]
fn manifests_and_lists_that_lie() {
    let f = fixture();
    // The title changed after sign-off, checksums made to agree: the sign-off hash catches it.
    let path = rewrite(&f, "retitled.zip", true, |e| {
        edit_manifest(e, |m| {
            m["items"][0]["fields"]["title"] = "改过的标题".into()
        })
    });
    check(&path, &["signoff_mismatch"]);
    // A withheld item slipped in.
    let path = rewrite(&f, "on-request.zip", true, |e| {
        edit_manifest(e, |m| {
            m["items"][0]["fields"]["disclosure"] = "on_request".into()
        })
    });
    check(&path, &["item_not_proactive", "signoff_mismatch"]);
    // 删减后公开 goes out, with the legal reason for what was removed: (disclosure, reason,
    // note, the item problems expected besides the broken sign-off).
    let cases: [(&str, Value, &str, &[&str]); 4] = [
        (
            "redacted",
            Value::Null,
            "删去了住址",
            &["item_reason_missing"],
        ),
        (
            "redacted",
            "on_request_only".into(),
            "删去了住址",
            &["item_reason_missing"],
        ),
        ("redacted", "privacy".into(), "", &["item_reason_missing"]),
        ("redacted", "privacy".into(), "删去了住址", &[]),
    ];
    for (n, (disclosure, reason, note, expected)) in cases.into_iter().enumerate() {
        let path = rewrite(&f, &format!("redacted-{n}.zip"), true, |e| {
            edit_manifest(e, |m| {
                let fields = &mut m["items"][0]["fields"];
                fields["disclosure"] = disclosure.into();
                fields["withheld_reason"] = reason.clone();
                fields["withheld_note"] = note.into();
            })
        });
        let report = verify_with(&path, &Limits::default());
        let mut codes: Vec<&str> = report
            .problems
            .iter()
            .map(|p| p.code.as_str())
            .filter(|c| c.starts_with("item_"))
            .collect();
        codes.dedup();
        assert_eq!(codes, expected, "{disclosure} {reason} {note:?}");
    }
    // An item not signed off.
    let path = rewrite(&f, "unsigned.zip", true, |e| {
        edit_manifest(e, |m| m["items"][1]["signoffs"] = Value::Array(Vec::new()))
    });
    check(&path, &["signoff_missing"]);
    let path = rewrite(&f, "draft.zip", true, |e| {
        edit_manifest(e, |m| m["items"][1]["unsigned"]["status"] = "draft".into())
    });
    check(&path, &["item_not_signed_off"]);
    // An internal field added.
    let path = rewrite(&f, "notes.zip", true, |e| {
        edit_manifest(e, |m| m["items"][0]["notes"] = "内部".into())
    });
    check(&path, &["manifest_invalid"]);
    let path = rewrite(&f, "field.zip", true, |e| {
        edit_manifest(e, |m| m["items"][0]["fields"]["notes"] = "内部".into())
    });
    check(&path, &["manifest_invalid"]);
    // Not JSON, a newer format, a format that never was.
    let path = rewrite(&f, "garbage.zip", true, |e| {
        if let Some(m) = e.iter_mut().find(|(n, _)| n == "manifest.json") {
            m.1 = b"{\"format\": 1, ".to_vec();
        }
    });
    check(&path, &["manifest_invalid"]);
    let path = rewrite(&f, "newer.zip", true, |e| {
        edit_manifest(e, |m| {
            m["format"] = (desk_core::export::BUNDLE_FORMAT + 1).into()
        })
    });
    check(&path, &["manifest_format_newer"]);
    let path = rewrite(&f, "zero.zip", true, |e| {
        edit_manifest(e, |m| m["format"] = 0.into())
    });
    check(&path, &["manifest_invalid"]);
    // The attachment swapped for another file, checksums made to agree.
    let path = rewrite(&f, "swapped.zip", true, |e| {
        let name = attachment_name(e);
        if let Some(a) = e.iter_mut().find(|(n, _)| *n == name) {
            a.1 = b"%PDF-1.4 forged".to_vec();
        }
    });
    check(&path, &["attachment_mismatch"]);
    // The attachment left out (and out of the list).
    let path = rewrite(&f, "no-attachment.zip", true, |e| {
        let name = attachment_name(e);
        e.retain(|(n, _)| *n != name);
    });
    check(&path, &["attachment_missing"]);
    // The manifest lists another attachment than the one signed.
    let path = rewrite(&f, "relisted.zip", true, |e| {
        edit_manifest(e, |m| {
            m["items"][0]["attachments"][0]["name"] = "别的.pdf".into()
        })
    });
    check(&path, &["manifest_inconsistent"]);
    // A path the manifest should never give.
    let path = rewrite(&f, "path.zip", true, |e| {
        edit_manifest(e, |m| {
            m["items"][0]["attachments"][0]["path"] = "../../etc/passwd".into()
        })
    });
    check(&path, &["manifest_invalid"]);
    // Extra files: listed but not part of any item, or not even listed.
    let path = rewrite(&f, "extra-listed.zip", true, |e| {
        e.push(("readme.txt".into(), b"hi".to_vec()));
    });
    check(&path, &["entry_unexpected"]);
    let path = rewrite(&f, "extra-unlisted.zip", false, |e| {
        e.push(("readme.txt".into(), b"hi".to_vec()));
    });
    check(&path, &["entry_unlisted", "entry_unexpected"]);
    // Checksums edited, wrong, malformed, missing.
    let path = rewrite(&f, "checksum.zip", false, |e| {
        edit_manifest(e, |m| m["created_by"]["name"] = "别人".into())
    });
    check(&path, &["checksum_mismatch"]);
    let path = rewrite(&f, "bad-list.zip", false, |e| {
        if let Some(c) = e.iter_mut().find(|(n, _)| n == "checksums.sha256") {
            c.1.extend_from_slice(b"not a line\n");
        }
    });
    check(&path, &["checksums_invalid"]);
    let path = rewrite(&f, "no-list.zip", false, |e| {
        e.retain(|(n, _)| n != "checksums.sha256");
    });
    check(&path, &["entry_missing"]);
    let path = rewrite(&f, "no-index.zip", true, |e| {
        e.retain(|(n, _)| n != "index.html");
    });
    check(&path, &["entry_missing"]);
}

#[test]
fn an_index_page_changed_after_export_fails_even_with_its_checksum_made_to_agree() {
    let f = fixture();
    // A page of other text, the checksum list rewritten for it.
    let path = rewrite(&f, "index-replaced.zip", true, |e| {
        if let Some(page) = e.iter_mut().find(|(n, _)| n == "index.html") {
            page.1 = b"<!DOCTYPE html><p>\xe5\x85\xb6\xe4\xbb\x96</p>".to_vec();
        }
    });
    check(&path, &["index_mismatch"]);
    // One link pointed elsewhere, all else the same.
    let path = rewrite(&f, "index-link.zip", true, |e| {
        if let Some(page) = e.iter_mut().find(|(n, _)| n == "index.html") {
            let text = String::from_utf8_lossy(&page.1).replace(
                "<a href=\"attachments/",
                "<a href=\"https://example.com/attachments/",
            );
            page.1 = text.into_bytes();
        }
    });
    let report = verify(&path);
    let codes: Vec<&str> = report.problems.iter().map(|p| p.code.as_str()).collect();
    assert_eq!(codes, ["index_mismatch"], "{:#?}", report.problems);
    // The manifest hash is the office's: unchanged, so only the page can tell.
    assert_eq!(report.manifest_sha256, verify(&f.good).manifest_sha256);
}
