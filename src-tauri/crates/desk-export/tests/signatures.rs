//! The web team's check of the sign-offs' signatures: a bundle of an office with signing set up
//! verifies against the office's fingerprint, and each way of forging or changing one fails with
//! its own code: a signature changed, a key the roster does not hold, a signer without the role,
//! a roster changed or signed by another office key, a roster left out, content changed after
//! signing, a sign-off without a signature.

mod common;

use common::*;
use desk_core::export::{recomputed_hash, ExportScope, Manifest, SignatureCheck, VerifyReport};
use desk_core::model::Role;
use desk_export::bundle::{self, ExportOptions};
use desk_export::verify::{verify, verify_bundle, VerifyOptions};
use desk_trust::roster::Roster;
use desk_trust::signoff::SignoffClaim;
use desk_trust::{Fingerprint, KeyPair, PublicKey};
use std::path::{Path, PathBuf};
use std::sync::atomic::AtomicBool;

const FAST: u32 = 1_000;
const OFFICE_PASSWORD: &str = "办公室口令-2026";
const HEAD_PASSWORD: &str = "处长的口令-2026";
const CLERK_PASSWORD: &str = "王芳的口令-2026";

struct Signed {
    office: Office,
    fingerprint: Fingerprint,
    good: PathBuf,
    /// The clerk's key, enrolled in roster version 3 without any role that signs.
    clerk_key: KeyPair,
}

/// An office with signing set up: the section head enrolled (roster version 2) signs two items
/// off with her key, then the clerk is enrolled as a clerk (version 3), and the items go out.
fn signed_bundle() -> Signed {
    let mut office = office();
    let secret = desk_store::pc_secret(&office.path("pc-secret")).unwrap_or_else(|e| panic!("{e}"));
    let fingerprint = office
        .catalog
        .set_up_office(OFFICE_PASSWORD, &secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    office.as_head();
    office
        .catalog
        .create_personal_key(HEAD_PASSWORD, &secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    let head = office.head.id.clone();
    office
        .catalog
        .enrol_person(&head, &[Role::SectionHead], OFFICE_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    for title in [
        "关于做好2019年义务教育招生工作的通知",
        "2019年学前教育资助政策解读",
    ] {
        let item = office.draft(title, |i| i.channels = vec!["政府网站".into()]);
        if title.contains("通知") {
            office.attach(&item.id, "通知.pdf", b"%PDF-1.4 notice");
        }
        office.request_signoff(&item.id, "");
        office.as_head();
        office
            .catalog
            .sign_off_signed(&item.id, HEAD_PASSWORD, &secret)
            .unwrap_or_else(|e| panic!("sign off: {e}"));
    }
    office.as_clerk();
    office
        .catalog
        .create_personal_key(CLERK_PASSWORD, &secret, FAST)
        .unwrap_or_else(|e| panic!("{e}"));
    let clerk_key = office
        .catalog
        .open_personal_key(CLERK_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    let clerk = office.clerk.id.clone();
    office
        .catalog
        .enrol_person(&clerk, &[Role::Clerk], OFFICE_PASSWORD, &secret)
        .unwrap_or_else(|e| panic!("{e}"));
    let good = office.path("signed.zip");
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
    Signed {
        office,
        fingerprint,
        good,
        clerk_key,
    }
}

fn pinned(path: &Path, fingerprint: &Fingerprint) -> VerifyReport {
    verify_bundle(
        path,
        &VerifyOptions {
            office_key: Some(fingerprint.clone()),
            ..VerifyOptions::default()
        },
    )
}

fn codes(list: &[desk_core::export::BundleProblem]) -> Vec<&str> {
    list.iter().map(|p| p.code.as_str()).collect()
}

/// Verifies against the office key and expects exactly the `expected` codes (each at least once).
fn check(signed: &Signed, path: &Path, expected: &[&str]) -> VerifyReport {
    let report = pinned(path, &signed.fingerprint);
    assert!(!report.ok, "{path:?} passed verification");
    let mut found = codes(&report.problems);
    found.sort();
    found.dedup();
    let mut want = expected.to_vec();
    want.sort();
    assert_eq!(found, want, "{path:?}: {:#?}", report.problems);
    report
}

fn manifest_of(path: &Path) -> Manifest {
    let entries = entries(path);
    let bytes = entries
        .iter()
        .find(|(n, _)| n == "manifest.json")
        .map(|(_, b)| b.clone())
        .unwrap_or_default();
    serde_json::from_slice(&bytes).unwrap_or_else(|e| panic!("manifest: {e}"))
}

/// Rewrites the good bundle with its manifest changed by `edit`, the checksums and (with
/// `page`) the index page made to agree: an attacker who edits everything but the signatures.
fn forge(signed: &Signed, name: &str, edit: impl FnOnce(&mut Manifest)) -> PathBuf {
    let path = signed.office.path(name);
    rewrite_zip(&signed.good, &path, true, |entries| {
        let Some(entry) = entries.iter_mut().find(|(n, _)| n == "manifest.json") else {
            panic!("no manifest");
        };
        let mut manifest: Manifest =
            serde_json::from_slice(&entry.1).unwrap_or_else(|e| panic!("{e}"));
        edit(&mut manifest);
        entry.1 = serde_json::to_vec_pretty(&manifest).unwrap_or_default();
    });
    path
}

/// The claim item `n`'s newest sign-off signs, as the manifest gives it, made with `key`.
fn claim(manifest: &Manifest, n: usize, key: &PublicKey) -> SignoffClaim {
    let item = &manifest.items[n];
    let signoff = &item.signoffs[0];
    SignoffClaim {
        catalog_id: manifest.catalog_id.clone(),
        item_id: item.id.clone(),
        content_hash: signoff.content_hash.clone(),
        basis: signoff.basis,
        roster_version: signoff
            .signature
            .as_ref()
            .map(|s| s.roster_version)
            .unwrap_or_default(),
        at: signoff.at.clone(),
        signer_id: signoff.signer_id.clone(),
        public_key: key.clone(),
    }
}

#[test]
fn a_signed_bundle_verifies_against_the_office_key_and_says_when_none_was_given() {
    let signed = signed_bundle();
    let manifest = manifest_of(&signed.good);
    let signing = manifest
        .signing
        .as_ref()
        .unwrap_or_else(|| panic!("no signing"));
    // The newest roster and the one the sign-offs name.
    assert_eq!(signing.rosters.len(), 2);
    for item in &manifest.items {
        assert_eq!(
            item.signoffs[0]
                .signature
                .as_ref()
                .map(|s| s.roster_version),
            Some(2)
        );
    }

    let report = pinned(&signed.good, &signed.fingerprint);
    assert!(report.ok, "{:#?}", report.problems);
    assert!(report.office_key_pinned);
    assert_eq!(report.office_key, Some(signed.fingerprint.to_string()));
    assert!(report.warnings.is_empty(), "{:#?}", report.warnings);
    assert_eq!(report.items.len(), 2);
    assert!(report
        .items
        .iter()
        .all(|i| i.signature == SignatureCheck::Valid && i.signoff_ok));

    // Without the office's fingerprint: whole and consistent, and said not to be pinned.
    let report = verify(&signed.good);
    assert!(report.ok, "{:#?}", report.problems);
    assert!(!report.office_key_pinned);
    assert_eq!(report.office_key, Some(signed.fingerprint.to_string()));
    assert_eq!(codes(&report.warnings), ["office_key_not_pinned"]);
}

#[test]
fn another_office_key_is_refused() {
    let signed = signed_bundle();
    let other = KeyPair::generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key()
        .fingerprint();
    let report = pinned(&signed.good, &other);
    assert!(!report.ok);
    let found = codes(&report.problems);
    assert!(found.contains(&"bundle_roster_other_office"), "{found:?}");
    assert!(!report.office_key_pinned);
    assert!(report
        .items
        .iter()
        .all(|i| i.signature == SignatureCheck::Invalid));

    // A forger's own office key and roster, enrolling the head with the forger's key: good
    // signatures, all of them, and no use against the office's fingerprint.
    let forger_office = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let forger = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let path = forge(&signed, "other-office.zip", |m| {
        let signing = m.signing.as_mut().unwrap_or_else(|| panic!("no signing"));
        let mut roster: Roster =
            serde_json::from_str(&signing.rosters[1].body).unwrap_or_else(|e| panic!("{e}"));
        roster.office_key = forger_office.public_key();
        for person in &mut roster.people {
            for key in &mut person.keys {
                key.public_key = forger.public_key();
            }
        }
        let forged = roster
            .sign(&forger_office)
            .unwrap_or_else(|e| panic!("{e}"));
        signing.office_key = forger_office.public_key().to_hex();
        signing.rosters = vec![desk_core::export::ManifestRoster {
            body: forged.body,
            signature: forged.signature.to_hex(),
        }];
        for n in 0..m.items.len() {
            let claim = claim(m, n, &forger.public_key());
            if let Some(sig) = m.items[n].signoffs[0].signature.as_mut() {
                sig.public_key = forger.public_key().to_hex();
                sig.signature = claim.sign(&forger).to_hex();
            }
        }
    });
    check(
        &signed,
        &path,
        &["bundle_roster_other_office", "signoff_roster_version"],
    );
    // Unpinned, the forgery is whole: only the office key it names tells it apart.
    let report = verify(&path);
    assert!(report.ok, "{:#?}", report.problems);
    assert_ne!(report.office_key, Some(signed.fingerprint.to_string()));
    assert_eq!(codes(&report.warnings), ["office_key_not_pinned"]);
}

#[test]
fn a_changed_signature_fails() {
    let signed = signed_bundle();
    let path = forge(&signed, "tampered.zip", |m| {
        if let Some(sig) = m.items[0].signoffs[0].signature.as_mut() {
            let flipped = if sig.signature.starts_with('0') {
                "1"
            } else {
                "0"
            };
            sig.signature.replace_range(0..1, flipped);
        }
    });
    let report = check(&signed, &path, &["signoff_bad_signature"]);
    assert_eq!(report.items[0].signature, SignatureCheck::Invalid);
    assert_eq!(report.items[1].signature, SignatureCheck::Valid);
    // A signature that does not even read.
    let path = forge(&signed, "garbled.zip", |m| {
        if let Some(sig) = m.items[0].signoffs[0].signature.as_mut() {
            sig.signature = "zz".into();
        }
    });
    check(&signed, &path, &["signoff_bad_signature"]);
}

#[test]
fn an_item_changed_after_signing_fails_whether_or_not_its_hash_is_made_to_agree() {
    let signed = signed_bundle();
    let retitle = |m: &mut Manifest| {
        m.items[0]
            .fields
            .insert("title".into(), "改过的标题".into());
    };
    // The content changed, the sign-off (and its signature) kept.
    let path = forge(&signed, "retitled.zip", retitle);
    check(&signed, &path, &["signoff_mismatch", "index_mismatch"]);
    // The sign-off's hash made to agree: the signature no longer covers it.
    let path = forge(&signed, "rehashed.zip", |m| {
        retitle(m);
        let hash = recomputed_hash(&m.items[0]);
        m.items[0].signoffs[0].content_hash = hash;
    });
    check(&signed, &path, &["signoff_bad_signature", "index_mismatch"]);
}

#[test]
fn a_key_the_roster_does_not_hold_fails() {
    let signed = signed_bundle();
    let forger = KeyPair::generate().unwrap_or_else(|e| panic!("{e}"));
    let path = forge(&signed, "forger.zip", |m| {
        let claim = claim(m, 0, &forger.public_key());
        if let Some(sig) = m.items[0].signoffs[0].signature.as_mut() {
            sig.public_key = forger.public_key().to_hex();
            sig.signature = claim.sign(&forger).to_hex();
        }
    });
    check(&signed, &path, &["signoff_key_not_in_roster"]);
}

#[test]
fn a_signer_without_the_role_fails() {
    let signed = signed_bundle();
    // The clerk signs with her own enrolled key, naming the roster that enrolled her.
    let clerk = signed.office.clerk.clone();
    let key = signed.clerk_key.public_key();
    let path = forge(&signed, "clerk.zip", |m| {
        {
            let signoff = &mut m.items[0].signoffs[0];
            signoff.signer_id = clerk.id.clone();
            signoff.signer_name = Some(clerk.name.clone());
            // After her key was enrolled: the time is hers to claim, not covered by the hash.
            signoff.at = "2100-01-01T00:00:00Z".into();
            if let Some(sig) = signoff.signature.as_mut() {
                sig.roster_version = 3;
            }
        }
        let claim = claim(m, 0, &key);
        if let Some(sig) = m.items[0].signoffs[0].signature.as_mut() {
            sig.public_key = key.to_hex();
            sig.signature = claim.sign(&signed.clerk_key).to_hex();
        }
    });
    check(&signed, &path, &["signoff_signer_without_role"]);
}

#[test]
fn rosters_changed_or_left_out_fail() {
    let signed = signed_bundle();
    // Version 2 given another role for the head, its signature kept.
    let path = forge(&signed, "roster-edited.zip", |m| {
        let signing = m.signing.as_mut().unwrap_or_else(|| panic!("no signing"));
        for roster in &mut signing.rosters {
            if roster.body.contains("\"version\":2") {
                roster.body = roster.body.replace("section_head", "coordinator");
            }
        }
    });
    check(
        &signed,
        &path,
        &["bundle_roster_bad_signature", "signoff_roster_version"],
    );
    // Version 2 left out: the sign-offs name a roster the bundle does not carry.
    let path = forge(&signed, "roster-missing.zip", |m| {
        let signing = m.signing.as_mut().unwrap_or_else(|| panic!("no signing"));
        signing
            .rosters
            .retain(|r| !r.body.contains("\"version\":2"));
    });
    check(&signed, &path, &["signoff_roster_version"]);
    // The whole signing left out, and the signatures with it.
    let path = forge(&signed, "stripped.zip", |m| {
        m.signing = None;
        for item in &mut m.items {
            for signoff in &mut item.signoffs {
                signoff.signature = None;
            }
        }
    });
    let report = check(
        &signed,
        &path,
        &["bundle_roster_missing", "signoff_unsigned"],
    );
    assert!(report
        .items
        .iter()
        .all(|i| i.signature == SignatureCheck::Unsigned));
}

#[test]
fn a_bundle_without_signing_passes_unpinned_with_its_sign_offs_said_unsigned() {
    let mut office = office();
    office.signed("关于做好2019年义务教育招生工作的通知", |_| {});
    let path = office.path("plain.zip");
    office.as_head();
    bundle::export(
        &mut office.catalog,
        &ExportOptions {
            scope: ExportScope::Incremental,
            out: &path,
            overwrite: false,
        },
        &mut |_| {},
        &AtomicBool::new(false),
    )
    .unwrap_or_else(|e| panic!("{e}"));
    assert!(manifest_of(&path).signing.is_none());
    let report = verify(&path);
    assert!(report.ok, "{:#?}", report.problems);
    assert_eq!(report.office_key, None);
    assert_eq!(codes(&report.warnings), ["signoff_unsigned"]);
    assert_eq!(report.items[0].signature, SignatureCheck::Unsigned);
    // Against an office key it proves nothing.
    let fingerprint = KeyPair::generate()
        .unwrap_or_else(|e| panic!("{e}"))
        .public_key()
        .fingerprint();
    let report = pinned(&path, &fingerprint);
    let mut found = codes(&report.problems);
    found.sort();
    assert_eq!(found, ["bundle_roster_missing", "signoff_unsigned"]);
}
