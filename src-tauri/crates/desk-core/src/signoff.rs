//! What a sign-off covers: a canonical form of the item's signed fields, its checklist and its
//! attachments' hashes, and the SHA-256 of that form.
//!
//! The form is built by hand with sorted keys and sorted set elements, so the same content gives
//! the same hash on every PC and in every build (a JSON map's key order depends on crate
//! features; this does not). The form is versioned so a later change of the form can still check
//! old records.
//!
//! Form 2 seals the checklist as a digest of its own canonical text: the web team must be able
//! to recompute a sign-off's hash from a bundle, and a bundle never carries checklist remarks.
//! Form 1 (the checklist inline) is still checked for records made under it.

use crate::checklist::CheckView;
use crate::fields::{FieldShape, ItemField};
use crate::model::Item;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use sha2::{Digest, Sha256};
use std::fmt::Write;
use ts_rs::TS;

pub const CANONICAL_FORM_VERSION: u32 = 2;

/// A section head's sign-off (签批). Written once, never edited: a later change of the item does
/// not touch the record, it makes the record stop matching.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct Signoff {
    pub id: String,
    pub item_id: String,
    pub signer_id: String,
    pub signer_name: String,
    /// Whether the signer signed as the lead department's section head or as the office.
    pub basis: SignBasis,
    /// RFC 3339, UTC.
    pub at: String,
    pub device_id: String,
    /// `sha256:` and the hex digest of the canonical form.
    pub content_hash: String,
    pub form_version: u32,
    /// The signer's SM2 signature, where the office has set up signing (absent on sign-offs made
    /// before, which count as unsigned).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[ts(optional)]
    pub signature: Option<SignoffSignature>,
}

/// What a PC makes of a sign-off's signature, against the roster signed by the office key it
/// pinned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum SignatureVerdict {
    /// This PC has not pinned an office key: nothing can be checked yet.
    NotSetUp,
    /// Made before signing was set up, or without a signature.
    Unsigned,
    /// 签名有效: the signer's enrolled key signed exactly this sign-off, or (`by_office`) the
    /// office key itself accepted a sign-off made before signing was set up.
    Valid {
        fingerprint: String,
        roster_version: u64,
        #[serde(default)]
        by_office: bool,
    },
    /// Not a sign-off: why, with a stable code.
    Invalid { code: String, message: String },
}

/// What proves a sign-off: the signer's key, the roster version that enrolled it, and the
/// signature over the sign-off's canonical message (see the trust crate's `SignoffClaim`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SignoffSignature {
    pub roster_version: u64,
    /// The uncompressed SM2 public key, hex.
    pub public_key: String,
    /// r and s, hex.
    pub signature: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum SignBasis {
    SectionHead,
    Office,
}

/// The signed fields as the canonical form holds them (set elements sorted).
pub fn signed_fields(item: &Item) -> serde_json::Map<String, Value> {
    let mut fields = serde_json::Map::new();
    for field in ItemField::ALL {
        if !field.is_signed_content() {
            continue;
        }
        let mut value = item.get(field);
        if field.shape() == FieldShape::Set {
            if let Value::Array(elements) = &mut value {
                elements.sort_by_cached_key(canonical_json);
            }
        }
        fields.insert(field.key().to_string(), value);
    }
    fields
}

fn checklist_value(checks: &[CheckView]) -> Value {
    let mut checklist: Vec<Value> = checks
        .iter()
        .map(|c| {
            serde_json::json!({
                "key": c.def.key,
                "state": c.state.key(),
                "note": c.mark.as_ref().map(|m| m.note.as_str()).unwrap_or(""),
            })
        })
        .collect();
    checklist.sort_by_cached_key(canonical_json);
    Value::Array(checklist)
}

/// `sha256:<hex>` of the checklist's canonical text (keys, states and notes): what form 2 holds
/// in place of the checklist, so the form can be shown without the remarks.
pub fn checklist_digest(checks: &[CheckView]) -> String {
    format!(
        "sha256:{}",
        sha256_hex(canonical_json(&checklist_value(checks)).as_bytes())
    )
}

/// The canonical text of form 2 from its parts: what a verifier recomputes from a bundle.
pub fn sealed_form(
    item_id: &str,
    fields: &serde_json::Map<String, Value>,
    checklist_digest: &str,
) -> String {
    canonical_json(&serde_json::json!({
        "form": 2,
        "id": item_id,
        "fields": Value::Object(fields.clone()),
        "checklist": checklist_digest,
    }))
}

/// The canonical text of what a sign-off covers (the current form).
pub fn canonical_form(item: &Item, checks: &[CheckView]) -> String {
    sealed_form(&item.id, &signed_fields(item), &checklist_digest(checks))
}

/// Form 1: the checklist inline.
fn canonical_form_v1(item: &Item, checks: &[CheckView]) -> String {
    canonical_json(&serde_json::json!({
        "form": 1,
        "id": item.id,
        "fields": Value::Object(signed_fields(item)),
        "checklist": checklist_value(checks),
    }))
}

/// `sha256:<hex>` of a canonical text.
pub fn hash_of_form(form: &str) -> String {
    format!("sha256:{}", sha256_hex(form.as_bytes()))
}

/// `sha256:<hex>` of [`canonical_form`].
pub fn content_hash(item: &Item, checks: &[CheckView]) -> String {
    hash_of_form(&canonical_form(item, checks))
}

/// The hash of the item under the form a record was made with; `None` for a form this build
/// does not know.
pub fn content_hash_for(form_version: u32, item: &Item, checks: &[CheckView]) -> Option<String> {
    match form_version {
        1 => Some(hash_of_form(&canonical_form_v1(item, checks))),
        2 => Some(content_hash(item, checks)),
        _ => None,
    }
}

/// Whether a sign-off record still covers the item as it is.
pub fn record_matches(record: &Signoff, item: &Item, checks: &[CheckView]) -> bool {
    record.item_id == item.id
        && content_hash_for(record.form_version, item, checks).as_deref()
            == Some(record.content_hash.as_str())
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut hex = String::with_capacity(64);
    for byte in digest {
        let _ = write!(hex, "{byte:02x}");
    }
    hex
}

/// JSON with object keys in byte order at every depth and no insignificant whitespace.
pub fn canonical_json(value: &Value) -> String {
    let mut out = Vec::with_capacity(256);
    write_canonical(value, &mut out);
    // Only serde_json's output and ASCII punctuation were written: always UTF-8.
    String::from_utf8(out).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// Strings and scalars are written by serde_json's compact writer (the escaping every build
/// shares), straight into `out`.
fn write_canonical(value: &Value, out: &mut Vec<u8>) {
    match value {
        Value::Object(map) => {
            let mut entries: Vec<(&String, &Value)> = map.iter().collect();
            entries.sort_by(|a, b| a.0.cmp(b.0));
            out.push(b'{');
            for (i, (key, v)) in entries.into_iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                let _ = serde_json::to_writer(&mut *out, key.as_str());
                out.push(b':');
                write_canonical(v, out);
            }
            out.push(b'}');
        }
        Value::Array(items) => {
            out.push(b'[');
            for (i, v) in items.iter().enumerate() {
                if i > 0 {
                    out.push(b',');
                }
                write_canonical(v, out);
            }
            out.push(b']');
        }
        other => {
            let _ = serde_json::to_writer(&mut *out, other);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::checklist::{CheckDef, CheckRule, CheckState};
    use crate::model::{Attachment, Status};

    fn check(key: &str, state: CheckState) -> CheckView {
        CheckView {
            def: CheckDef {
                key: key.into(),
                group: String::new(),
                label: key.into(),
                guidance: String::new(),
                required: true,
                allow_not_applicable: false,
                rule: CheckRule::Manual,
                disclosures: Vec::new(),
            },
            mark: None,
            findings: Vec::new(),
            state,
        }
    }

    fn item() -> Item {
        let mut item = Item::blank("item-1".into());
        item.title = "关于做好2019年义务教育招生工作的通知".into();
        item.doc_no = "大教发〔2019〕12号".into();
        item.channels = vec!["政府网站".into(), "两微一端".into()];
        item.attachments = vec![Attachment {
            sha256: "ab".repeat(32),
            name: "通知.pdf".into(),
            size: 1024,
            media_type: "application/pdf".into(),
        }];
        item
    }

    #[test]
    fn same_content_same_hash_whatever_the_order() {
        let a = item();
        let mut b = item();
        b.channels.reverse();
        let checks = [
            check("x", CheckState::Passed),
            check("y", CheckState::Passed),
        ];
        let reversed = [
            check("y", CheckState::Passed),
            check("x", CheckState::Passed),
        ];
        assert_eq!(content_hash(&a, &checks), content_hash(&b, &reversed));
        assert!(content_hash(&a, &checks).starts_with("sha256:"));
        assert_eq!(content_hash(&a, &checks).len(), 7 + 64);
    }

    #[test]
    fn the_canonical_text_is_pinned() {
        // Records made by earlier builds must still match: the text and hash may never drift
        // (escaping included: quotes, control characters, non-ASCII).
        let mut item = item();
        item.summary = "引号\"与反斜杠\\，换行\n和制表\t\u{1}".into();
        item.keywords = vec!["招生".into(), "义务教育".into()];
        let mut noted = check("y", CheckState::NotApplicable);
        noted.mark = Some(crate::checklist::CheckMark {
            key: "y".into(),
            state: CheckState::NotApplicable,
            by: "p".into(),
            at: "2019-10-08T00:00:00Z".into(),
            note: "本件不涉及 \"说明\"".into(),
            covers: Vec::new(),
        });
        let checks = [check("x", CheckState::Passed), noted];
        assert_eq!(content_hash(&item, &checks), PINNED_V2);
        assert_eq!(
            content_hash_for(1, &item, &checks).as_deref(),
            Some(PINNED_V1)
        );
    }

    const PINNED_V2: &str =
        "sha256:7751ed499b69496966d07bca13feb0e6afbdd648f68f3d9fad1be49d4f032632";
    const PINNED_V1: &str =
        "sha256:d2520f29a80da3d7d9fcf7eaba60d5dc70ba500c89c34719bdca152a5e89bdc3";

    #[test]
    fn every_signed_field_changes_the_hash_and_nothing_else_does() {
        let base = item();
        let checks = [check("x", CheckState::Passed)];
        let hash = content_hash(&base, &checks);
        for field in ItemField::ALL {
            let mut changed = base.clone();
            let new_value = match field.shape() {
                FieldShape::Set => match field {
                    ItemField::Links => {
                        serde_json::json!([{"target_id": "other", "kind": "related"}])
                    }
                    ItemField::Attachments => {
                        serde_json::json!([{"sha256": "cd".repeat(32), "name": "x.pdf", "size": 1, "media_type": "application/pdf"}])
                    }
                    _ => serde_json::json!(["另一个"]),
                },
                FieldShape::Register => match base.get(field) {
                    Value::String(s) if field == ItemField::Status => {
                        let _ = s;
                        serde_json::json!("published")
                    }
                    Value::String(_) => match field {
                        ItemField::Validity => serde_json::json!("repealed"),
                        ItemField::Disclosure => serde_json::json!("withheld"),
                        ItemField::Audience => serde_json::json!("specific_group"),
                        _ => serde_json::json!("改动"),
                    },
                    Value::Null => match field {
                        ItemField::WithheldReason => serde_json::json!("privacy"),
                        ItemField::DateWritten
                        | ItemField::DateFormed
                        | ItemField::DatePublished
                        | ItemField::DueDate
                        | ItemField::CommentStart
                        | ItemField::CommentEnd => serde_json::json!("2019-10-12"),
                        _ => serde_json::json!("someone"),
                    },
                    Value::Array(_) => serde_json::json!(["doc_no"]),
                    other => panic!("{field:?} has an unexpected value {other}"),
                },
            };
            changed
                .set(field, new_value)
                .unwrap_or_else(|e| panic!("{field:?}: {e}"));
            assert_ne!(changed, base, "{field:?} did not change");
            let differs = content_hash(&changed, &checks) != hash;
            assert_eq!(differs, field.is_signed_content(), "{field:?}");
        }
        let _ = Status::Draft;
    }

    #[test]
    fn checklist_state_and_note_change_the_hash() {
        let base = item();
        let passed = [check("x", CheckState::Passed)];
        let na = [check("x", CheckState::NotApplicable)];
        assert_ne!(content_hash(&base, &passed), content_hash(&base, &na));
        let mut noted = check("x", CheckState::Passed);
        noted.mark = Some(crate::checklist::CheckMark {
            key: "x".into(),
            state: CheckState::Passed,
            by: "p".into(),
            at: "2026-01-01T00:00:00Z".into(),
            note: "已核对".into(),
            covers: Vec::new(),
        });
        assert_ne!(content_hash(&base, &passed), content_hash(&base, &[noted]));
    }

    #[test]
    fn the_sealed_form_rebuilt_from_its_parts_gives_the_same_hash() {
        let base = item();
        let checks = [check("x", CheckState::Passed)];
        let rebuilt = sealed_form(&base.id, &signed_fields(&base), &checklist_digest(&checks));
        assert_eq!(hash_of_form(&rebuilt), content_hash(&base, &checks));
        assert!(!rebuilt.contains("\"note\""));
        let other_id = sealed_form("item-2", &signed_fields(&base), &checklist_digest(&checks));
        assert_ne!(hash_of_form(&other_id), content_hash(&base, &checks));
    }

    #[test]
    fn records_are_checked_under_their_own_form() {
        let base = item();
        let checks = [check("x", CheckState::Passed)];
        let mut record = Signoff {
            id: "s".into(),
            item_id: base.id.clone(),
            signer_id: "p".into(),
            signer_name: "王芳".into(),
            basis: SignBasis::SectionHead,
            at: "2026-01-01T00:00:00Z".into(),
            device_id: "d".into(),
            content_hash: content_hash(&base, &checks),
            form_version: 2,
            signature: None,
        };
        assert!(record_matches(&record, &base, &checks));
        record.form_version = 1;
        assert!(!record_matches(&record, &base, &checks));
        record.content_hash = content_hash_for(1, &base, &checks).unwrap_or_default();
        assert!(record_matches(&record, &base, &checks));
        record.form_version = 9;
        assert!(!record_matches(&record, &base, &checks));
        assert_eq!(content_hash_for(9, &base, &checks), None);
    }

    #[test]
    fn canonical_json_sorts_keys_at_every_depth() {
        let value = serde_json::json!({"b": {"z": 1, "a": [ {"y": 2, "x": 1} ]}, "a": "中文"});
        assert_eq!(
            canonical_json(&value),
            r#"{"a":"中文","b":{"a":[{"x":1,"y":2}],"z":1}}"#
        );
    }

    #[test]
    fn sha256_known_answer() {
        assert_eq!(
            sha256_hex(b"abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }
}
