//! Export for the web team (DESIGN 2.6): which items may leave the office, what of them goes
//! out, and the shapes of the bundle's manifest and of the reports the app shows.
//!
//! The rules are here, not in the exporter, so that the app, `desk` and the tests refuse the
//! same items for the same reasons. Nothing in this module touches files: `desk-export` writes
//! and reads bundles, `desk-store` records what was exported.

use crate::model::{Attachment, Item, ItemLink, Status, Validity};
use crate::signoff::{self, SignBasis, Signoff};
use serde::{Deserialize, Serialize};
use serde_json::Value;
use ts_rs::TS;

/// The bundle format this build writes; `verify` reads it and every earlier one, and refuses a
/// newer one. Format 2 added the office's signing (rosters, sign-off signatures).
pub const BUNDLE_FORMAT: u32 = 2;

/// What an export takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum ExportScope {
    /// Signed-off items not yet exported (since the last bundle).
    Incremental,
    /// Every item with a standing sign-off, exported or published before or not.
    Full,
}

/// Why an item does not go out. Each is a stable code the UI translates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum Exclusion {
    /// 依申请公开 or 不予公开 (a 删减后公开 item goes out, as its redacted version).
    NotProactive,
    /// Not (or no longer) signed off.
    NotSignedOff,
    /// Already in an earlier bundle (an incremental export leaves it out).
    AlreadyExported,
    /// Signed off, but no sign-off record is on this PC.
    SignoffMissing,
    /// The newest sign-off no longer covers the item's content (changed after sign-off, or a
    /// concurrent edit arrived).
    SignoffVoid,
    /// The office set signing up and the newest sign-off carries no signature (made before):
    /// it goes out once signed again.
    SignoffUnsigned,
}

impl Exclusion {
    pub fn key(self) -> &'static str {
        match self {
            Exclusion::NotProactive => "not_proactive",
            Exclusion::NotSignedOff => "not_signed_off",
            Exclusion::AlreadyExported => "already_exported",
            Exclusion::SignoffMissing => "signoff_missing",
            Exclusion::SignoffVoid => "signoff_void",
            Exclusion::SignoffUnsigned => "signoff_unsigned",
        }
    }
}

/// Whether an item goes out in an export of `scope`. `newest` is the item's newest sign-off
/// record and `covers` whether it still matches the item's content and checklist;
/// `signature_required` whether the office set signing up (a signature present was checked when
/// the record was made or arrived).
pub fn exclusion(
    item: &Item,
    scope: ExportScope,
    newest: Option<&Signoff>,
    covers: bool,
    signature_required: bool,
) -> Option<Exclusion> {
    if !item.disclosure.goes_out() {
        return Some(Exclusion::NotProactive);
    }
    if !item.status.is_signed() {
        return Some(Exclusion::NotSignedOff);
    }
    if !item.changed_after_signoff.is_empty() {
        return Some(Exclusion::SignoffVoid);
    }
    let Some(record) = newest else {
        return Some(Exclusion::SignoffMissing);
    };
    if !covers || record.item_id != item.id {
        return Some(Exclusion::SignoffVoid);
    }
    if signature_required && record.signature.is_none() {
        return Some(Exclusion::SignoffUnsigned);
    }
    if scope == ExportScope::Incremental && item.status != Status::SignedOff {
        return Some(Exclusion::AlreadyExported);
    }
    None
}

/// An item left out of an export, with why (for the preview).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExcludedItem {
    pub id: String,
    pub index_no: String,
    pub title: String,
    pub reason: Exclusion,
}

/// What an export would carry, before anything is written.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportPreview {
    pub scope: ExportScope,
    pub items: Vec<ExportCandidate>,
    #[ts(type = "number")]
    pub attachment_count: u64,
    /// The attachments' bytes, each content counted once.
    #[ts(type = "number")]
    pub attachment_bytes: u64,
    /// Items not signed off or already exported are not listed one by one (a catalog has
    /// thousands); these are counted by reason. Void sign-offs are listed in `void`.
    pub excluded_counts: Vec<ExclusionCount>,
    /// Items that would go out but for a sign-off that no longer covers them: someone must act.
    pub void: Vec<ExcludedItem>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportCandidate {
    pub id: String,
    pub index_no: String,
    pub title: String,
    pub status: Status,
    pub attachment_count: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExclusionCount {
    pub reason: Exclusion,
    pub count: u32,
}

/// How far an export has come (sent to the app's progress bar).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportProgress {
    /// `preparing`, `attachments`, `finishing`.
    pub phase: String,
    #[ts(type = "number")]
    pub bytes_done: u64,
    #[ts(type = "number")]
    pub bytes_total: u64,
    pub files_done: u32,
    pub files_total: u32,
}

/// What an export wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ExportReport {
    pub bundle_id: String,
    pub path: String,
    pub scope: ExportScope,
    pub item_ids: Vec<String>,
    /// Items that moved from signed off to exported (a full export also carries items exported
    /// or published before; their status stays).
    pub marked_exported: u32,
    pub attachment_count: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    pub excluded_counts: Vec<ExclusionCount>,
    pub void: Vec<ExcludedItem>,
}

/// A bundle recorded in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleRecord {
    pub id: String,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub created_by: String,
    pub scope: ExportScope,
    pub file_name: String,
    pub item_ids: Vec<String>,
    /// `sha256:<hex>` of the bundle's manifest.json.
    pub manifest_sha256: String,
}

// ---------------------------------------------------------------------------------------------
// The manifest (docs/bundle-format.md describes it for the web team).

/// `manifest.json`. Unknown keys are refused by `verify`: a manifest says exactly this.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Manifest {
    pub format: u32,
    pub bundle_id: String,
    pub catalog_id: String,
    pub scope: ExportScope,
    /// RFC 3339, UTC.
    pub created_at: String,
    pub created_by: ManifestPerson,
    /// What the web team checks the sign-offs' signatures with; absent when the catalog has no
    /// signing set up (and in format 1).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signing: Option<ManifestSigning>,
    pub items: Vec<ManifestItem>,
}

/// The office's signing, as far as a bundle needs it to be checked offline. Nothing here is
/// trusted for what it says: the rosters count only when their signature checks against the
/// office key the web team was given, and `office_key` is only what the bundle claims.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSigning {
    /// The office's public key the rosters name (the uncompressed SM2 point, hex).
    pub office_key: String,
    /// Whether the office may sign off in place of a section head (目录设置). A catalog setting,
    /// not signed: it decides only whether a sign-off on the office's basis is in the signer's
    /// role.
    pub office_signs: bool,
    /// The roster versions the sign-offs name and the newest the exporting PC held, each exactly
    /// as the office key signed it.
    pub rosters: Vec<ManifestRoster>,
    /// Where the office handed over from an earlier office key: that key's endorsement of this
    /// one, so a bundle checks against the fingerprint the web team pinned before.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rotation: Option<ManifestRotation>,
}

/// The previous office key (hex) and its signature naming `office_key` (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRotation {
    pub previous_key: String,
    pub signature: String,
}

/// One roster version: its exact text and the office key's signature over it (hex).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestRoster {
    pub body: String,
    pub signature: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestPerson {
    pub id: String,
    /// Absent when the catalog leaves people's names out of bundles.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestItem {
    pub id: String,
    /// The signed fields exactly as the sign-off's hash covers them.
    pub fields: serde_json::Map<String, Value>,
    /// The sealed checklist of the sign-off's form (its remarks never leave the office).
    pub checklist_digest: String,
    /// Facts a sign-off does not cover.
    pub unsigned: UnsignedFacts,
    /// Names for the ids in `fields` (not covered by a sign-off).
    pub labels: Labels,
    /// The attachments with where each is in the zip.
    pub attachments: Vec<ManifestAttachment>,
    /// Newest first; the first covers `fields` and `checklist_digest`.
    pub signoffs: Vec<ManifestSignoff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnsignedFacts {
    pub status: Status,
    pub validity: Validity,
    pub date_published: Option<String>,
    pub published_url: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Labels {
    pub category: String,
    pub lead_department: String,
    pub co_departments: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestAttachment {
    pub sha256: String,
    pub name: String,
    pub size: u64,
    pub media_type: String,
    pub path: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSignoff {
    pub id: String,
    pub signer_id: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer_name: Option<String>,
    pub basis: SignBasis,
    pub at: String,
    pub content_hash: String,
    pub form_version: u32,
    /// The signer's signature, where the office had signing set up when it was made.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signature: Option<ManifestSignature>,
}

/// A sign-off's signature as a bundle carries it (see `desk_core::signoff::SignoffSignature`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ManifestSignature {
    pub roster_version: u64,
    /// The signer's public key (the uncompressed SM2 point, hex).
    pub public_key: String,
    /// r and s, hex.
    pub signature: String,
}

/// Where an attachment goes in the zip: `attachments/<sha256>` and the original extension when
/// it is a plain one (so that the index page opens it with the right program).
pub fn attachment_path(attachment: &Attachment) -> String {
    let ext = attachment
        .name
        .rsplit_once('.')
        .map(|(_, ext)| ext.to_ascii_lowercase())
        .filter(|ext| {
            (1..=8).contains(&ext.len()) && ext.bytes().all(|b| b.is_ascii_alphanumeric())
        });
    match ext {
        Some(ext) => format!("attachments/{}.{ext}", attachment.sha256),
        None => format!("attachments/{}", attachment.sha256),
    }
}

/// Whether `path` is a name [`attachment_path`] could have given `sha256`.
pub fn is_attachment_path(path: &str, sha256: &str) -> bool {
    let Some(rest) = path
        .strip_prefix("attachments/")
        .and_then(|p| p.strip_prefix(sha256))
    else {
        return false;
    };
    rest.is_empty()
        || rest.strip_prefix('.').is_some_and(|ext| {
            (1..=8).contains(&ext.len())
                && ext
                    .bytes()
                    .all(|b| b.is_ascii_digit() || b.is_ascii_lowercase())
        })
}

/// Whether `text` is 64 lowercase hex digits.
pub fn is_sha256_hex(text: &str) -> bool {
    text.len() == 64
        && text
            .bytes()
            .all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b))
}

/// Facts a catalog knows about an item beyond the item itself, for its manifest entry.
pub struct ItemContext<'a> {
    pub checks: &'a [crate::checklist::CheckView],
    /// Newest first.
    pub signoffs: &'a [Signoff],
    pub labels: Labels,
    pub omit_names: bool,
}

/// The manifest entry of an item: public facts only. Internal notes, the checklist's remarks,
/// who handles the item and where it came from are not in it (see the exclusion tests).
pub fn manifest_item(item: &Item, context: ItemContext) -> ManifestItem {
    ManifestItem {
        id: item.id.clone(),
        fields: signoff::signed_fields(item),
        checklist_digest: signoff::checklist_digest(context.checks),
        unsigned: UnsignedFacts {
            status: item.status,
            validity: item.validity,
            date_published: item.date_published.map(|d| d.to_string()),
            published_url: item.published_url.clone(),
        },
        labels: context.labels,
        attachments: item
            .attachments
            .iter()
            .map(|a| ManifestAttachment {
                sha256: a.sha256.clone(),
                name: a.name.clone(),
                size: a.size,
                media_type: a.media_type.clone(),
                path: attachment_path(a),
            })
            .collect(),
        signoffs: context
            .signoffs
            .iter()
            .map(|s| ManifestSignoff {
                id: s.id.clone(),
                signer_id: s.signer_id.clone(),
                signer_name: (!context.omit_names).then(|| s.signer_name.clone()),
                basis: s.basis,
                at: s.at.clone(),
                content_hash: s.content_hash.clone(),
                form_version: s.form_version,
                signature: s.signature.as_ref().map(|sig| ManifestSignature {
                    roster_version: sig.roster_version,
                    public_key: sig.public_key.clone(),
                    signature: sig.signature.clone(),
                }),
            })
            .collect(),
    }
}

/// What a manifest item says its sign-off covers, recomputed from the manifest alone.
pub fn recomputed_hash(item: &ManifestItem) -> String {
    signoff::hash_of_form(&signoff::sealed_form(
        &item.id,
        &item.fields,
        &item.checklist_digest,
    ))
}

/// A field of a manifest item as text ("" when absent or not text).
pub fn field_text<'a>(item: &'a ManifestItem, key: &str) -> &'a str {
    item.fields.get(key).and_then(Value::as_str).unwrap_or("")
}

/// The attachments of the signed fields, as the item carries them.
pub fn signed_attachments(item: &ManifestItem) -> Option<Vec<Attachment>> {
    serde_json::from_value(item.fields.get("attachments")?.clone()).ok()
}

/// The links of the signed fields.
pub fn signed_links(item: &ManifestItem) -> Vec<ItemLink> {
    item.fields
        .get("links")
        .and_then(|v| serde_json::from_value(v.clone()).ok())
        .unwrap_or_default()
}

// ---------------------------------------------------------------------------------------------
// Verification.

/// One thing wrong with a bundle. `subject` names the zip entry or the item it is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct BundleProblem {
    pub code: String,
    pub subject: String,
    pub message: String,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerifyReport {
    pub ok: bool,
    pub path: String,
    pub bundle_id: Option<String>,
    pub catalog_id: Option<String>,
    pub created_at: Option<String>,
    pub created_by: Option<String>,
    /// `sha256:<hex>` of manifest.json: compare it with what the office recorded for the bundle.
    pub manifest_sha256: Option<String>,
    /// The fingerprint of the office key the bundle's rosters name, as the bundle claims it
    /// (absent when the bundle carries no signing).
    pub office_key: Option<String>,
    /// Whether the signatures were checked against an office key the web team was given (and it
    /// is the bundle's). Without one they are checked against the key the bundle names, which
    /// shows the bundle is whole but not who made it.
    pub office_key_pinned: bool,
    pub items: Vec<VerifiedItem>,
    pub entries: u32,
    #[ts(type = "number")]
    pub bytes: u64,
    /// What makes the bundle fail; `ok` is true when there is none.
    pub problems: Vec<BundleProblem>,
    /// What limits what a good bundle proves (an office key not pinned, unsigned sign-offs):
    /// the bundle passes, and the web team should read these.
    pub warnings: Vec<BundleProblem>,
    /// Problems and warnings found but not listed: each code is listed a limited number of
    /// times, then once more saying how many more there are.
    #[ts(type = "number")]
    pub left_out: u64,
}

/// What a verification found of an item's sign-off signature.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignatureCheck {
    /// Made by a key the roster (signed by the office key) holds for a signer with the role.
    Valid,
    /// No signature: made before the office set up signing.
    Unsigned,
    /// A signature that does not prove the sign-off (the problems say why).
    Invalid,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct VerifiedItem {
    pub id: String,
    pub index_no: String,
    pub title: String,
    pub attachments: u32,
    /// Whether its newest sign-off's hash matches its content in the bundle.
    pub signoff_ok: bool,
    /// What the newest sign-off's signature proves.
    pub signature: SignatureCheck,
}

// ---------------------------------------------------------------------------------------------
// Publication feedback.

/// One row the web team sent back, as read from the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackRow {
    /// 1-based line (CSV) or position (JSON) in the file.
    pub line: u32,
    /// An item id or a 索引号.
    pub item: String,
    pub url: String,
    pub published_at: String,
}

/// What became of a row.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum FeedbackOutcome {
    /// The item is now published with the address.
    Applied,
    /// The item was already published with this address and date: nothing changed.
    Unchanged,
    /// Not applied; see `code`.
    Refused,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackResult {
    pub row: FeedbackRow,
    pub outcome: FeedbackOutcome,
    pub item_id: Option<String>,
    /// Why a row was refused (a stable code), else empty.
    pub code: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct FeedbackReport {
    pub applied: u32,
    pub unchanged: u32,
    pub refused: u32,
    pub rows: Vec<FeedbackResult>,
}

/// Whether an address may be recorded as where an item was published.
pub fn well_formed_url(url: &str) -> bool {
    (url.starts_with("https://") || url.starts_with("http://"))
        && url.len() > "https://".len()
        && !url.contains(char::is_whitespace)
        && crate::checklist::malformed_urls(url).is_empty()
}

// ---------------------------------------------------------------------------------------------
// The annual report (政府信息公开工作年度报告, 国办公开办函〔2021〕30号), table 二.

/// 本年制发 / 本年废止 / 现行有效 of one kind of document.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DocumentFigures {
    pub issued: u32,
    pub repealed: u32,
    pub in_force: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct CountRow {
    pub label: String,
    pub count: u32,
}

/// Table 二 (主动公开政府信息情况) as far as the catalog knows it, with the year's proactively
/// disclosed items counted by channel and by lead department beside it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct AnnualFigures {
    pub year: i32,
    /// 规章
    pub rules: DocumentFigures,
    /// 行政规范性文件
    pub normative: DocumentFigures,
    /// Items proactively disclosed in the year.
    pub disclosed: u32,
    pub by_channel: Vec<CountRow>,
    pub by_department: Vec<CountRow>,
}

/// What a ledger workbook holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct LedgerReport {
    pub path: String,
    pub year: i32,
    /// Rows of the 公开台账 sheet.
    pub items: u32,
    /// Rows of the 规章 and 行政规范性文件 sheet.
    pub documents: u32,
    pub rules: DocumentFigures,
    pub normative: DocumentFigures,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Attachment, Disclosure};

    /// A sign-off record of item `i`, with no signature.
    fn unsigned_record() -> Signoff {
        Signoff {
            id: "s".into(),
            item_id: "i".into(),
            signer_id: "p".into(),
            signer_name: "王芳".into(),
            basis: SignBasis::SectionHead,
            at: "2026-01-01T00:00:00Z".into(),
            device_id: "d".into(),
            content_hash: "sha256:00".into(),
            form_version: 2,
            signature: None,
        }
    }

    fn check_exclusion(
        disclosure: Disclosure,
        status: Status,
        changed: bool,
        record: bool,
        covers: bool,
        scope: ExportScope,
        expected: Option<Exclusion>,
    ) {
        let mut item = Item::blank("i".into());
        item.disclosure = disclosure;
        item.status = status;
        if changed {
            item.changed_after_signoff = vec!["doc_no".into()];
        }
        let signoff = unsigned_record();
        let got = exclusion(&item, scope, record.then_some(&signoff), covers, false);
        assert_eq!(
            got, expected,
            "{disclosure:?} {status:?} changed={changed} record={record} covers={covers} {scope:?}"
        );
    }

    #[test]
    fn where_signing_is_set_up_an_unsigned_sign_off_does_not_go_out() {
        let mut item = Item::blank("i".into());
        item.status = Status::SignedOff;
        let mut signoff = unsigned_record();
        let full = ExportScope::Full;
        assert_eq!(exclusion(&item, full, Some(&signoff), true, false), None);
        assert_eq!(
            exclusion(&item, full, Some(&signoff), true, true),
            Some(Exclusion::SignoffUnsigned)
        );
        signoff.signature = Some(crate::signoff::SignoffSignature {
            roster_version: 2,
            public_key: "04".into(),
            signature: "00".into(),
        });
        assert_eq!(exclusion(&item, full, Some(&signoff), true, true), None);
        // A void sign-off is void first.
        assert_eq!(
            exclusion(&item, full, Some(&signoff), false, true),
            Some(Exclusion::SignoffVoid)
        );
    }

    #[test]
    fn which_items_go_out() {
        use Disclosure::*;
        use ExportScope::*;
        use Status::*;
        let e = Some;
        check_exclusion(Proactive, SignedOff, false, true, true, Incremental, None);
        check_exclusion(Proactive, SignedOff, false, true, true, Full, None);
        check_exclusion(Proactive, Exported, false, true, true, Full, None);
        check_exclusion(Proactive, Published, false, true, true, Full, None);
        check_exclusion(Redacted, SignedOff, false, true, true, Incremental, None);
        check_exclusion(Redacted, Published, false, true, true, Full, None);
        check_exclusion(
            Redacted,
            InReview,
            false,
            true,
            true,
            Full,
            e(Exclusion::NotSignedOff),
        );
        check_exclusion(
            Redacted,
            SignedOff,
            true,
            true,
            true,
            Full,
            e(Exclusion::SignoffVoid),
        );
        check_exclusion(
            Proactive,
            Exported,
            false,
            true,
            true,
            Incremental,
            e(Exclusion::AlreadyExported),
        );
        check_exclusion(
            Proactive,
            Published,
            false,
            true,
            true,
            Incremental,
            e(Exclusion::AlreadyExported),
        );
        check_exclusion(
            OnRequest,
            SignedOff,
            false,
            true,
            true,
            Full,
            e(Exclusion::NotProactive),
        );
        check_exclusion(
            Withheld,
            SignedOff,
            false,
            true,
            true,
            Full,
            e(Exclusion::NotProactive),
        );
        check_exclusion(
            Withheld,
            NotDisclosed,
            false,
            false,
            false,
            Full,
            e(Exclusion::NotProactive),
        );
        for status in [Draft, InReview, AwaitingSignoff, Withdrawn, NotDisclosed] {
            check_exclusion(
                Proactive,
                status,
                false,
                true,
                true,
                Full,
                e(Exclusion::NotSignedOff),
            );
        }
        check_exclusion(
            Proactive,
            SignedOff,
            true,
            true,
            true,
            Full,
            e(Exclusion::SignoffVoid),
        );
        check_exclusion(
            Proactive,
            SignedOff,
            false,
            true,
            false,
            Full,
            e(Exclusion::SignoffVoid),
        );
        check_exclusion(
            Proactive,
            Exported,
            false,
            true,
            false,
            Full,
            e(Exclusion::SignoffVoid),
        );
        check_exclusion(
            Proactive,
            SignedOff,
            false,
            false,
            false,
            Full,
            e(Exclusion::SignoffMissing),
        );
    }

    fn check_path(name: &str, expected: &str) {
        let attachment = Attachment {
            sha256: "ab".repeat(32),
            name: name.into(),
            size: 1,
            media_type: String::new(),
        };
        let path = attachment_path(&attachment);
        assert_eq!(path, expected.replace("SHA", &"ab".repeat(32)), "{name}");
        assert!(is_attachment_path(&path, &attachment.sha256), "{path}");
    }

    #[test]
    fn attachment_paths() {
        check_path("通知.pdf", "attachments/SHA.pdf");
        check_path("解读.DOCX", "attachments/SHA.docx");
        check_path("no extension", "attachments/SHA");
        check_path("a.tar.gz", "attachments/SHA.gz");
        check_path("evil./../x", "attachments/SHA");
        check_path("x.verylongextension", "attachments/SHA");
        check_path("x.p d f", "attachments/SHA");
        let sha = "ab".repeat(32);
        for bad in [
            "attachments/../x".to_string(),
            format!("attachments/{sha}/../../x"),
            format!("attachments/{sha}.PDF"),
            format!("attachments/{sha}."),
            format!("/attachments/{sha}"),
            format!("attachments/{}", "cd".repeat(32)),
        ] {
            assert!(!is_attachment_path(&bad, &sha), "{bad}");
        }
    }

    #[test]
    fn urls() {
        for good in [
            "https://www.dl.gov.cn/a/1.html",
            "http://jyj.example.gov.cn/x?id=1",
        ] {
            assert!(well_formed_url(good), "{good}");
        }
        for bad in [
            "",
            "https://",
            "ftp://x",
            "www.dl.gov.cn",
            "https://a b",
            "javascript:alert(1)",
        ] {
            assert!(!well_formed_url(bad), "{bad}");
        }
    }
}
