//! Verifying a bundle: what the web team runs before they trust one (`desk verify`).
//!
//! The zip is treated as hostile: it may come over a network drive anyone can write to. Nothing
//! is extracted; names are checked before anything is read (no `..`, absolute or drive paths,
//! backslashes, symlinks, directories, duplicates), and so are the entries' places in the file
//! (two entries sharing compressed data are a zip bomb); every entry is read through a limit of
//! its declared size, and the bytes inflated in all are counted against a budget that grows
//! with the zip's own size, so a zip bomb or an entry that lies about its size is reported, not
//! inflated. The manifest is parsed strictly (unknown keys refused) and then checked against the
//! entries, the checksums, the index page (which must be the one the manifest gives) and each
//! sign-off's hash, recomputed from the manifest alone; the sign-offs' signatures are checked
//! against the rosters the bundle carries, signed by the office key the web team pinned
//! (`signatures`). Every problem found is listed, a bounded number of each kind (`findings`);
//! none stops the others being looked for unless reading further would mean trusting what was
//! found wrong.

use crate::bundle::{CHECKSUMS, INDEX, MANIFEST};
use crate::digest::hex;
use crate::findings::Findings;
use crate::html;
use crate::signatures::Signatures;
use desk_core::export::{
    field_text, is_attachment_path, is_sha256_hex, recomputed_hash, signed_attachments, Manifest,
    ManifestItem, VerifiedItem, VerifyReport, BUNDLE_FORMAT,
};
use desk_core::fields::ItemField;
use desk_core::model::{Disclosure, Item};
use desk_trust::Fingerprint;
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet, HashSet};
use std::fs::File;
use std::io::{BufReader, Read};
use std::path::Path;
use zip::{CompressionMethod, ZipArchive};

/// What a bundle may hold and what verifying it may cost before it is refused.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub max_entries: usize,
    pub max_entry_bytes: u64,
    /// What the entries may declare in all.
    pub max_total_bytes: u64,
    /// Declared size over compressed size, for entries above 1 MiB.
    pub max_ratio: u64,
    pub max_manifest_bytes: u64,
    /// The bytes verification inflates in all, counted as they are read, whatever the entries
    /// declare ...
    pub max_inflated_bytes: u64,
    /// ... and at most this many times the zip's own size (or [`INFLATE_FLOOR`], whichever is
    /// more). Bundles store their attachments and deflate only text, so a real one inflates to a
    /// few times its size.
    pub max_inflated_ratio: u64,
    /// Each problem code is listed at most this many times, then summed up in one more line.
    pub max_problems_per_code: usize,
    /// Roster versions a bundle may carry.
    pub max_rosters: usize,
}

/// What any zip may inflate to, however small: a bundle of a few items is a few kilobytes.
pub const INFLATE_FLOOR: u64 = 64 << 20;

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_entries: 500_000,
            max_entry_bytes: 4 << 30,
            max_total_bytes: 256 << 30,
            max_ratio: 200,
            max_manifest_bytes: 512 << 20,
            max_inflated_bytes: 256 << 30,
            max_inflated_ratio: 50,
            max_problems_per_code: 100,
            max_rosters: 1_000,
        }
    }
}

impl Limits {
    /// The bytes a zip of `zip_bytes` may inflate to in all.
    pub fn inflate_budget(&self, zip_bytes: u64) -> u64 {
        zip_bytes
            .saturating_mul(self.max_inflated_ratio)
            .max(INFLATE_FLOOR)
            .min(self.max_inflated_bytes)
    }
}

/// How to verify: the limits, and the office key the web team was given.
#[derive(Debug, Clone, Default)]
pub struct VerifyOptions {
    pub limits: Limits,
    /// The office's fingerprint, as `desk office fingerprint` prints it on the office's PC. When
    /// absent the signatures are checked against the key the bundle names, and the report warns
    /// that it was not pinned.
    pub office_key: Option<Fingerprint>,
}

/// Verifies the bundle at `path` with the default limits and no office key pinned.
pub fn verify(path: &Path) -> VerifyReport {
    verify_bundle(path, &VerifyOptions::default())
}

/// Verifies with `limits` and no office key pinned.
pub fn verify_with(path: &Path, limits: &Limits) -> VerifyReport {
    verify_bundle(
        path,
        &VerifyOptions {
            limits: *limits,
            office_key: None,
        },
    )
}

/// An entry as read: its size and digest.
struct EntryRead {
    size: u64,
    digest: String,
    /// Kept for the manifest and the checksum list only.
    bytes: Option<Vec<u8>>,
}

pub fn verify_bundle(path: &Path, options: &VerifyOptions) -> VerifyReport {
    verify_bundle_keeping_manifest(path, options).0
}

/// Verifies, and hands back the manifest where it could be read (a bundle that failed other
/// checks may still have one): what the 移送明细表 lists.
pub fn verify_bundle_keeping_manifest(
    path: &Path,
    options: &VerifyOptions,
) -> (VerifyReport, Option<Manifest>) {
    let mut report = VerifyReport {
        ok: false,
        path: path.display().to_string(),
        bundle_id: None,
        catalog_id: None,
        created_at: None,
        created_by: None,
        manifest_sha256: None,
        office_key: None,
        office_key_pinned: false,
        items: Vec::new(),
        entries: 0,
        bytes: 0,
        problems: Vec::new(),
        warnings: Vec::new(),
        left_out: 0,
    };
    let mut found = Findings::new(options.limits.max_problems_per_code);
    let manifest = check(path, options, &mut report, &mut found);
    let listed = found.finish();
    report.problems = listed.problems;
    report.warnings = listed.warnings;
    report.left_out = listed.left_out;
    report.ok = report.problems.is_empty();
    (report, manifest)
}

fn check(
    path: &Path,
    options: &VerifyOptions,
    report: &mut VerifyReport,
    found: &mut Findings,
) -> Option<Manifest> {
    let limits = &options.limits;
    let file = match File::open(path) {
        Ok(f) => f,
        Err(e) => {
            found.add("zip_unreadable", "", format!("cannot open the file: {e}"));
            return None;
        }
    };
    let zip_bytes = file.metadata().map(|m| m.len()).unwrap_or(0);
    let mut archive = match ZipArchive::new(BufReader::new(file)) {
        Ok(a) => a,
        Err(e) => {
            found.add(
                "zip_unreadable",
                "",
                format!("not a readable zip (truncated or damaged?): {e}"),
            );
            return None;
        }
    };
    report.entries = archive.len() as u32;
    if archive.len() > limits.max_entries {
        found.add(
            "zip_too_many_entries",
            "",
            format!(
                "{} entries; a bundle holds at most {}",
                archive.len(),
                limits.max_entries
            ),
        );
        return None;
    }
    if archive.has_duplicate_names() {
        found.add(
            "entry_duplicate",
            "",
            "two entries have the same name: which one is meant cannot be told",
        );
        return None;
    }

    // Names, kinds, declared sizes and places, before reading anything.
    let mut readable: Vec<(usize, String, u64)> = Vec::new();
    let mut places: Vec<Place> = Vec::new();
    let mut declared_total = 0u64;
    for index in 0..archive.len() {
        let entry = match archive.by_index_raw(index) {
            Ok(e) => e,
            Err(e) => {
                found.add("entry_damaged", &format!("#{index}"), e.to_string());
                continue;
            }
        };
        let name = match std::str::from_utf8(entry.name_raw()) {
            Ok(n) => n.to_string(),
            Err(_) => {
                found.add(
                    "entry_unsafe_path",
                    &String::from_utf8_lossy(entry.name_raw()),
                    "the name is not UTF-8",
                );
                continue;
            }
        };
        if let Some(reason) = unsafe_name(&name) {
            found.add("entry_unsafe_path", &name, reason);
            continue;
        }
        if entry.is_symlink() {
            found.add(
                "entry_symlink",
                &name,
                "a symbolic link; a bundle holds only files",
            );
            continue;
        }
        if entry.is_dir() {
            found.add(
                "entry_unexpected",
                &name,
                "a folder entry; a bundle holds only files",
            );
            continue;
        }
        if entry.encrypted() {
            found.add("entry_encrypted", &name, "encrypted entries are not read");
            continue;
        }
        if !matches!(
            entry.compression(),
            CompressionMethod::Stored | CompressionMethod::Deflated
        ) {
            found.add(
                "entry_compression",
                &name,
                format!(
                    "compression {:?} is not used by bundles",
                    entry.compression()
                ),
            );
            continue;
        }
        let size = entry.size();
        let compressed = entry.compressed_size();
        if size > limits.max_entry_bytes {
            found.add(
                "entry_too_large",
                &name,
                format!(
                    "declares {size} bytes; the limit is {}",
                    limits.max_entry_bytes
                ),
            );
            continue;
        }
        if size > 1 << 20 && size / compressed.max(1) > limits.max_ratio {
            found.add(
                "entry_ratio",
                &name,
                format!(
                    "{compressed} bytes declare {size} when inflated (over {}:1): refused as a zip bomb",
                    limits.max_ratio
                ),
            );
            continue;
        }
        declared_total = declared_total.saturating_add(size);
        places.push(Place {
            start: entry.header_start(),
            end: entry
                .data_start()
                .unwrap_or(entry.header_start())
                .saturating_add(compressed),
            entry: readable.len(),
        });
        readable.push((index, name, size));
    }
    let overlapping = overlapping(&mut places);
    for &n in &overlapping {
        if let Some((_, name, _)) = readable.get(n) {
            found.add(
                "entry_overlap",
                name,
                "its data overlaps another entry's: entries that share compressed data are a zip bomb, refused unread",
            );
        }
    }
    if declared_total > limits.max_total_bytes {
        found.add(
            "zip_too_large",
            "",
            format!(
                "the entries declare {declared_total} bytes; the limit is {}",
                limits.max_total_bytes
            ),
        );
        return None;
    }

    // Read every entry through its declared size, hashing it, and every byte inflated counted
    // against the budget.
    let mut entries: BTreeMap<String, EntryRead> = BTreeMap::new();
    let budget = limits.inflate_budget(zip_bytes);
    let mut inflated = 0u64;
    let mut buffer = vec![0u8; 1 << 20];
    for (n, (index, name, declared)) in readable.into_iter().enumerate() {
        if overlapping.contains(&n) {
            continue;
        }
        let keep = name == MANIFEST || name == CHECKSUMS;
        if keep && declared > limits.max_manifest_bytes {
            found.add(
                "entry_too_large",
                &name,
                format!("declares {declared} bytes"),
            );
            continue;
        }
        let mut entry = match archive.by_index(index) {
            Ok(e) => e,
            Err(e) => {
                found.add("entry_damaged", &name, e.to_string());
                continue;
            }
        };
        let mut limited = (&mut entry).take(declared.saturating_add(1));
        let mut hasher = Sha256::new();
        let mut size = 0u64;
        let mut kept = keep.then(Vec::new);
        let mut failed = None;
        let mut over_budget = false;
        loop {
            match limited.read(&mut buffer) {
                Ok(0) => break,
                Ok(read) => {
                    let chunk = buffer.get(..read).unwrap_or_default();
                    inflated = inflated.saturating_add(read as u64);
                    size += read as u64;
                    if inflated > budget {
                        over_budget = true;
                        break;
                    }
                    hasher.update(chunk);
                    if let Some(k) = kept.as_mut() {
                        k.extend_from_slice(chunk);
                    }
                }
                Err(e) => {
                    failed = Some(e);
                    break;
                }
            }
        }
        report.bytes += size;
        if over_budget {
            found.add(
                "zip_inflate_limit",
                &name,
                format!(
                    "reading stopped here: the entries inflate to more than {budget} bytes, more than a zip of {zip_bytes} bytes may hold: refused as a zip bomb"
                ),
            );
            return None;
        }
        if size > declared {
            found.add(
                "entry_size_mismatch",
                &name,
                format!("declares {declared} bytes but holds more: refused as a zip bomb"),
            );
            continue;
        }
        // The zip reader stops an entry at its declared size by itself; it says so only in
        // its error's text (checked by the bombs test, so a change of wording shows).
        if failed
            .as_ref()
            .is_some_and(|e| e.to_string().contains("larger than its declared"))
        {
            found.add(
                "entry_size_mismatch",
                &name,
                format!("declares {declared} bytes but holds more: refused as a zip bomb"),
            );
            continue;
        }
        if let Some(e) = failed {
            found.add(
                "entry_damaged",
                &name,
                format!("cannot be read whole (truncated or altered): {e}"),
            );
            continue;
        }
        if size != declared {
            found.add(
                "entry_size_mismatch",
                &name,
                format!("declares {declared} bytes but holds {size}"),
            );
            continue;
        }
        entries.insert(
            name,
            EntryRead {
                size,
                digest: hex(&hasher.finalize()),
                bytes: kept,
            },
        );
    }

    let listed = check_checksums(&entries, found);
    let manifest = read_manifest(&entries, found, report)?;
    check_manifest(&manifest, &entries, listed.as_ref(), options, found, report);
    Some(manifest)
}

/// Where an entry lies in the zip: its local header to the end of its compressed data.
struct Place {
    start: u64,
    end: u64,
    /// Its position in the list of entries to read.
    entry: usize,
}

/// The entries whose places overlap another's (both of each pair). Entries of a real zip follow
/// one another; entries pointing into the same compressed data let a small zip inflate without
/// end, under every per-entry limit.
fn overlapping(places: &mut [Place]) -> BTreeSet<usize> {
    places.sort_by_key(|p| (p.start, p.end));
    let mut out = BTreeSet::new();
    // The entry reaching furthest so far, and where it ends.
    let mut furthest: Option<(u64, usize)> = None;
    for place in places.iter() {
        if let Some((end, entry)) = furthest {
            if place.start < end {
                out.insert(entry);
                out.insert(place.entry);
            }
        }
        if furthest.is_none_or(|(end, _)| place.end > end) {
            furthest = Some((place.end, place.entry));
        }
    }
    out
}

/// Why a name must not be in a bundle, if it must not.
fn unsafe_name(name: &str) -> Option<&'static str> {
    if name.is_empty() {
        return Some("an empty name");
    }
    if name.starts_with('/') {
        return Some("an absolute path");
    }
    if name.contains('\\') {
        return Some("a backslash in the name (a Windows path)");
    }
    if name.contains(':') {
        return Some("a drive or stream name (':')");
    }
    if name.chars().any(char::is_control) {
        return Some("a control character in the name");
    }
    let trimmed = name.strip_suffix('/').unwrap_or(name);
    for part in trimmed.split('/') {
        match part {
            ".." => return Some("a '..' component: it would leave the folder it is opened in"),
            "." | "" => return Some("an empty or '.' component"),
            _ => {}
        }
    }
    None
}

/// The checksum list, checked against the entries. `None` when it is missing or unreadable.
fn check_checksums(
    entries: &BTreeMap<String, EntryRead>,
    found: &mut Findings,
) -> Option<BTreeMap<String, String>> {
    let Some(bytes) = entries.get(CHECKSUMS).and_then(|e| e.bytes.as_ref()) else {
        found.add("entry_missing", CHECKSUMS, "the checksum list is missing");
        return None;
    };
    let Ok(text) = std::str::from_utf8(bytes) else {
        found.add("checksums_invalid", CHECKSUMS, "not UTF-8 text");
        return None;
    };
    let mut listed = BTreeMap::new();
    for (n, line) in text.lines().enumerate() {
        let parsed = line
            .split_once("  ")
            .filter(|(digest, path)| is_sha256_hex(digest) && !path.is_empty());
        let Some((digest, path)) = parsed else {
            found.add(
                "checksums_invalid",
                CHECKSUMS,
                format!("line {} is not `<sha256>  <name>`", n + 1),
            );
            continue;
        };
        if listed
            .insert(path.to_string(), digest.to_string())
            .is_some()
        {
            found.add(
                "checksums_invalid",
                CHECKSUMS,
                format!("{path} is listed twice"),
            );
        }
    }
    for (path, digest) in &listed {
        match entries.get(path) {
            None => found.add(
                "entry_missing",
                path,
                "listed in the checksums but not in the zip",
            ),
            Some(entry) if &entry.digest != digest => found.add(
                "checksum_mismatch",
                path,
                format!("SHA-256 is {}, the list says {digest}", entry.digest),
            ),
            Some(_) => {}
        }
    }
    for path in entries.keys() {
        if path != CHECKSUMS && !listed.contains_key(path) {
            found.add(
                "entry_unlisted",
                path,
                "in the zip but not in the checksum list",
            );
        }
    }
    Some(listed)
}

fn read_manifest(
    entries: &BTreeMap<String, EntryRead>,
    found: &mut Findings,
    report: &mut VerifyReport,
) -> Option<Manifest> {
    let Some(entry) = entries.get(MANIFEST) else {
        found.add("entry_missing", MANIFEST, "the manifest is missing");
        return None;
    };
    report.manifest_sha256 = Some(format!("sha256:{}", entry.digest));
    let bytes = entry.bytes.as_deref().unwrap_or_default();
    // The format first, so that a newer bundle is named as such rather than as malformed.
    if let Ok(value) = serde_json::from_slice::<serde_json::Value>(bytes) {
        if let Some(format) = value.get("format").and_then(|f| f.as_u64()) {
            if format > u64::from(BUNDLE_FORMAT) {
                found.add(
                    "manifest_format_newer",
                    MANIFEST,
                    format!("bundle format {format}; this version reads up to {BUNDLE_FORMAT}: install the newer version"),
                );
                return None;
            }
        }
    }
    match serde_json::from_slice::<Manifest>(bytes) {
        Ok(m) => Some(m),
        Err(e) => {
            found.add(
                "manifest_invalid",
                MANIFEST,
                format!("does not follow the bundle format: {e}"),
            );
            None
        }
    }
}

fn check_manifest(
    manifest: &Manifest,
    entries: &BTreeMap<String, EntryRead>,
    listed: Option<&BTreeMap<String, String>>,
    options: &VerifyOptions,
    found: &mut Findings,
    report: &mut VerifyReport,
) {
    report.bundle_id = Some(manifest.bundle_id.clone());
    report.catalog_id = Some(manifest.catalog_id.clone());
    report.created_at = Some(manifest.created_at.clone());
    report.created_by = Some(
        manifest
            .created_by
            .name
            .clone()
            .unwrap_or_else(|| manifest.created_by.id.clone()),
    );
    if !(1..=BUNDLE_FORMAT).contains(&manifest.format) {
        found.add(
            "manifest_invalid",
            MANIFEST,
            format!("format {} is not a bundle format", manifest.format),
        );
    }
    if uuid::Uuid::parse_str(&manifest.bundle_id).is_err() {
        found.add("manifest_invalid", MANIFEST, "bundle_id is not a UUID");
    }
    if manifest.catalog_id.trim().is_empty() {
        found.add("manifest_invalid", MANIFEST, "catalog_id is empty");
    }
    if chrono::DateTime::parse_from_rfc3339(&manifest.created_at).is_err() {
        found.add(
            "manifest_invalid",
            MANIFEST,
            "created_at is not an RFC 3339 time",
        );
    }
    if manifest.items.is_empty() {
        found.add("manifest_invalid", MANIFEST, "the bundle lists no item");
    }
    match entries.get(INDEX) {
        None => found.add("entry_missing", INDEX, "the index page is missing"),
        // The page is a function of the manifest: one changed after export (other text, other
        // links) is not the page of these items, whatever the checksum list says.
        Some(entry) if entry.digest != html::index_page_sha256(manifest) => found.add(
            "index_mismatch",
            INDEX,
            "not the page the manifest gives: it was changed after export; do not publish it",
        ),
        Some(_) if listed.is_some_and(|l| !l.contains_key(INDEX)) => found.add(
            "entry_missing",
            INDEX,
            "the index page is not in the checksum list",
        ),
        Some(_) => {}
    }
    let (signatures, claimed) = Signatures::read(
        manifest.signing.as_ref(),
        &manifest.catalog_id,
        options.office_key.as_ref(),
        options.limits.max_rosters,
        found,
    );
    report.office_key = claimed.fingerprint;
    report.office_key_pinned = claimed.pinned;
    let signed_keys: BTreeSet<&str> = ItemField::ALL
        .iter()
        .filter(|f| f.is_signed_content())
        .map(|f| f.key())
        .collect();
    let mut ids = HashSet::new();
    let mut referenced: HashSet<&str> = HashSet::new();
    for item in &manifest.items {
        let subject = if item.id.is_empty() {
            "(no id)"
        } else {
            item.id.as_str()
        };
        if item.id.trim().is_empty() || !ids.insert(item.id.as_str()) {
            found.add(
                "manifest_invalid",
                subject,
                "an item id is empty or repeated",
            );
        }
        let keys: BTreeSet<&str> = item.fields.keys().map(String::as_str).collect();
        if keys != signed_keys {
            let missing: Vec<&&str> = signed_keys.difference(&keys).collect();
            let extra: Vec<&&str> = keys.difference(&signed_keys).collect();
            found.add(
                "manifest_invalid",
                subject,
                format!("the signed fields differ from the format: missing {missing:?}, unknown {extra:?}"),
            );
        }
        match disclosure_of(item) {
            Some(disclosure) if disclosure.goes_out() => {
                // A redacted document goes out with the legal reason for what it left out.
                let unexplained = reason_problems(item, disclosure);
                if !unexplained.is_empty() {
                    found.add(
                        "item_reason_missing",
                        subject,
                        format!("删减后公开 without its reason: {}", unexplained.join("; ")),
                    );
                }
            }
            _ => found.add(
                "item_not_proactive",
                subject,
                "not 主动公开 or 删减后公开: it must not be in a bundle",
            ),
        }
        if !item.unsigned.status.is_signed() {
            found.add("item_not_signed_off", subject, "not signed off");
        }
        let digest_ok = item
            .checklist_digest
            .strip_prefix("sha256:")
            .is_some_and(is_sha256_hex);
        if !digest_ok {
            found.add(
                "manifest_invalid",
                subject,
                "checklist_digest is not sha256:<hex>",
            );
        }
        // Attachments: as signed, where the zip holds them, with the content named.
        let signed = signed_attachments(item);
        let listed_here: Vec<(&str, &str, u64, &str)> = item
            .attachments
            .iter()
            .map(|a| {
                (
                    a.sha256.as_str(),
                    a.name.as_str(),
                    a.size,
                    a.media_type.as_str(),
                )
            })
            .collect();
        let signed_here: Option<Vec<(&str, &str, u64, &str)>> = signed.as_ref().map(|s| {
            s.iter()
                .map(|a| {
                    (
                        a.sha256.as_str(),
                        a.name.as_str(),
                        a.size,
                        a.media_type.as_str(),
                    )
                })
                .collect()
        });
        let same = signed_here.is_some_and(|mut s| {
            let mut l = listed_here.clone();
            s.sort();
            l.sort();
            s == l
        });
        if !same {
            found.add(
                "manifest_inconsistent",
                subject,
                "the attachments listed differ from the attachments signed",
            );
        }
        for a in &item.attachments {
            if !is_sha256_hex(&a.sha256) || !is_attachment_path(&a.path, &a.sha256) {
                found.add(
                    "manifest_invalid",
                    subject,
                    format!("attachment {:?} has a malformed hash or path", a.name),
                );
                continue;
            }
            referenced.insert(a.path.as_str());
            match entries.get(&a.path) {
                None => found.add(
                    "attachment_missing",
                    &a.path,
                    format!("{} ({subject}) is not in the zip", a.name),
                ),
                Some(entry) if entry.digest != a.sha256 || entry.size != a.size => found.add(
                    "attachment_mismatch",
                    &a.path,
                    format!("{} ({subject}): the content is not the one signed", a.name),
                ),
                Some(_) => {}
            }
        }
        // The sign-off: recomputed from the manifest alone.
        let recomputed = recomputed_hash(item);
        let signoff_ok = match item.signoffs.first() {
            None => {
                found.add("signoff_missing", subject, "no sign-off record");
                false
            }
            Some(s) if s.form_version != 2 || s.content_hash != recomputed => {
                found.add(
                    "signoff_mismatch",
                    subject,
                    format!(
                        "the sign-off covers {}, the item in the bundle hashes to {recomputed}: it was changed after sign-off",
                        s.content_hash
                    ),
                );
                false
            }
            Some(_) => true,
        };
        let signature = signatures.check(item, subject, found);
        report.items.push(VerifiedItem {
            id: item.id.clone(),
            index_no: field_text(item, "index_no").to_string(),
            title: field_text(item, "title").to_string(),
            attachments: item.attachments.len() as u32,
            signoff_ok,
            signature,
        });
    }
    for name in entries.keys() {
        let known = name == MANIFEST || name == INDEX || name == CHECKSUMS;
        if !known && !referenced.contains(name.as_str()) {
            found.add(
                "entry_unexpected",
                name,
                "not part of the bundle: no item refers to it",
            );
        }
    }
}

/// The 公开属性 a manifest item's signed fields give, if it is one this version knows.
fn disclosure_of(item: &ManifestItem) -> Option<Disclosure> {
    let value = item.fields.get(ItemField::Disclosure.key())?;
    serde_json::from_value(value.clone()).ok()
}

/// What desk-core's rule finds missing in the reason fields of a redacted item (nothing for
/// 主动公开), as messages.
fn reason_problems(item: &ManifestItem, disclosure: Disclosure) -> Vec<String> {
    if disclosure != Disclosure::Redacted {
        return Vec::new();
    }
    let mut probe = Item::blank(item.id.clone());
    probe.disclosure = disclosure;
    for field in [ItemField::WithheldReason, ItemField::WithheldNote] {
        let value = item.fields.get(field.key()).cloned().unwrap_or_default();
        if let Err(e) = probe.set(field, value) {
            return vec![e.to_string()];
        }
    }
    desk_core::validate::check_disclosure(&probe)
        .into_iter()
        .map(|p| p.message)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::unsafe_name;

    #[test]
    fn names() {
        for ok in ["manifest.json", "attachments/ab.pdf", "a/b/c"] {
            assert_eq!(unsafe_name(ok), None, "{ok}");
        }
        for bad in [
            "",
            "/etc/passwd",
            "../x",
            "a/../../x",
            "attachments/..",
            "a//b",
            "./a",
            "C:/x",
            "c:x",
            "a\\b",
            "..\\x",
            "a\u{0}b",
            "a\nb",
        ] {
            assert!(unsafe_name(bad).is_some(), "{bad:?}");
        }
    }
}
