//! The code printed on a paper form and in its QR code: which item it is, and what its content
//! was when printed, so a paper copy found later can be matched to the catalog.
//!
//! Twenty characters of Crockford's base32 (no I, L, O or U, so nothing reads as another
//! character): ten for the item (50 bits of the SHA-256 of its id), eight for its content (the
//! first 40 bits of the content hash a sign-off covers) and two check characters, which catch a
//! character misread from the paper. Grouped by five: `7K2QD-M0XAE-4FJ9T-R8C2W`.

use crate::model::{Item, Status};
use crate::problem::Code;
use crate::signoff::Signoff;
use crate::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::fmt;
use ts_rs::TS;

const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
const ITEM_CHARS: usize = 10;
const CONTENT_CHARS: usize = 8;
const CHECK_CHARS: usize = 2;
pub const CODE_CHARS: usize = ITEM_CHARS + CONTENT_CHARS + CHECK_CHARS;

/// The most 审查呈批单 printed into one file: more is a mistake in the selection (a whole
/// catalog rather than a year's signed items), and would take minutes to lay out.
pub const MAX_SHEETS: usize = 2_000;

/// A parsed code: the item it names and the content it was printed with, each as a tag.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct VerifyCode {
    item_tag: u64,
    content_tag: u64,
}

/// The printed item's content compared with the item's now.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ContentVerdict {
    Unchanged,
    Changed,
}

impl VerifyCode {
    /// The code of `item_id` with `content_hash` (`sha256:<hex>`, as a sign-off records it).
    pub fn of(item_id: &str, content_hash: &str) -> VerifyCode {
        VerifyCode {
            item_tag: item_tag(item_id),
            content_tag: content_tag(content_hash),
        }
    }

    /// Reads a code as a person typed it or a scanner read it: any case, with or without the
    /// dashes and spaces, O for 0 and I or L for 1.
    pub fn parse(text: &str) -> Result<VerifyCode, FieldProblem> {
        let malformed = || {
            Code::VerifyCodeMalformed.problem(
                "code",
                format!(
                    "{text:?} is not a form's code: it has {CODE_CHARS} letters and digits, as printed under the QR code"
                ),
            )
        };
        if text.len() > 200 {
            return Err(malformed());
        }
        let mut values = Vec::with_capacity(CODE_CHARS);
        for c in text.chars() {
            if c == '-' || c.is_whitespace() {
                continue;
            }
            values.push(value_of(c).ok_or_else(malformed)?);
        }
        if values.len() != CODE_CHARS {
            return Err(malformed());
        }
        let item_tag = number(&values[..ITEM_CHARS]);
        let content_tag = number(&values[ITEM_CHARS..ITEM_CHARS + CONTENT_CHARS]);
        let code = VerifyCode {
            item_tag,
            content_tag,
        };
        if values[ITEM_CHARS + CONTENT_CHARS..] != code.check_values()[..] {
            return Err(Code::VerifyCodeMistyped.problem(
                "code",
                format!("{text:?} does not check out: a character was misread or mistyped; compare it with the paper again"),
            ));
        }
        Ok(code)
    }

    pub fn names_item(&self, item_id: &str) -> bool {
        self.item_tag == item_tag(item_id)
    }

    /// Whether the item, now with `content_hash`, is what was printed.
    pub fn content(&self, content_hash: &str) -> ContentVerdict {
        if self.content_tag == content_tag(content_hash) {
            ContentVerdict::Unchanged
        } else {
            ContentVerdict::Changed
        }
    }

    fn data_values(&self) -> Vec<u8> {
        let mut values = digits(self.item_tag, ITEM_CHARS);
        values.extend(digits(self.content_tag, CONTENT_CHARS));
        values
    }

    fn check_values(&self) -> Vec<u8> {
        let data: Vec<u8> = self.data_values();
        let digest = Sha256::digest(&data);
        let bits = (u16::from(digest[0]) << 8 | u16::from(digest[1])) >> 6;
        digits(u64::from(bits), CHECK_CHARS)
    }
}

impl fmt::Display for VerifyCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut values = self.data_values();
        values.extend(self.check_values());
        for (n, value) in values.iter().enumerate() {
            if n > 0 && n % 5 == 0 {
                f.write_str("-")?;
            }
            let c = ALPHABET[usize::from(*value)] as char;
            write!(f, "{c}")?;
        }
        Ok(())
    }
}

/// What a paper form's code finds in the catalog.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaperCheck {
    /// The code as printed (grouped, upper case).
    pub code: String,
    /// The items the code names: one, or none when the catalog does not hold the item (another
    /// office's form, an item deleted, or one not synced to this PC yet).
    pub matches: Vec<PaperMatch>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaperMatch {
    pub item_id: String,
    pub index_no: String,
    pub title: String,
    pub status: Status,
    /// The item's content (its signed fields and checklist) is what was printed.
    pub unchanged: bool,
    /// The sign-off whose content is what was printed, when one is: the paper shows a state
    /// that a section head signed.
    pub printed_signoff: Option<PrintedSignoff>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PrintedSignoff {
    pub signer_name: String,
    /// RFC 3339, UTC.
    pub at: String,
}

/// A paper form written to a file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PaperReport {
    pub path: String,
    #[ts(type = "number")]
    pub bytes: u64,
    /// Each sheet's item and the code printed on it (empty for a 移送明细表).
    pub sheets: Vec<SheetCode>,
    /// The bundle a 移送明细表 lists, and how many items it holds.
    pub bundle_id: Option<String>,
    pub items: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct SheetCode {
    pub item_id: String,
    pub code: String,
}

/// The item as the code finds it: whether it is unchanged since printing, and which sign-off,
/// if any, covered the printed content. `None` when the code does not name the item.
pub fn judge(
    code: &VerifyCode,
    item: &Item,
    content_hash: &str,
    signoffs: &[Signoff],
) -> Option<PaperMatch> {
    if !code.names_item(&item.id) {
        return None;
    }
    let printed_signoff = signoffs
        .iter()
        .find(|s| code.content(&s.content_hash) == ContentVerdict::Unchanged)
        .map(|s| PrintedSignoff {
            signer_name: s.signer_name.clone(),
            at: s.at.clone(),
        });
    Some(PaperMatch {
        item_id: item.id.clone(),
        index_no: item.index_no.clone(),
        title: item.title.clone(),
        status: item.status,
        unchanged: code.content(content_hash) == ContentVerdict::Unchanged,
        printed_signoff,
    })
}

fn item_tag(item_id: &str) -> u64 {
    let digest = Sha256::digest(format!("disclosure-desk/item/{item_id}").as_bytes());
    let mut first = [0u8; 8];
    first.copy_from_slice(&digest[..8]);
    u64::from_be_bytes(first) >> (64 - 5 * ITEM_CHARS)
}

/// The first 40 bits of the hash's hex digits; a hash that is not hex counts by its own SHA-256.
fn content_tag(content_hash: &str) -> u64 {
    let hex = content_hash.strip_prefix("sha256:").unwrap_or(content_hash);
    match hex
        .get(..CONTENT_CHARS * 5 / 4)
        .map(|p| u64::from_str_radix(p, 16))
    {
        Some(Ok(tag)) => tag,
        _ => {
            let digest = Sha256::digest(content_hash.as_bytes());
            let mut first = [0u8; 8];
            first.copy_from_slice(&digest[..8]);
            u64::from_be_bytes(first) >> (64 - 5 * CONTENT_CHARS)
        }
    }
}

fn value_of(c: char) -> Option<u8> {
    let c = match c.to_ascii_uppercase() {
        'O' => '0',
        'I' | 'L' => '1',
        other => other,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u8)
}

/// `count` base-32 digits of `value`, most significant first.
fn digits(value: u64, count: usize) -> Vec<u8> {
    (0..count)
        .rev()
        .map(|n| ((value >> (5 * n)) & 31) as u8)
        .collect()
}

fn number(values: &[u8]) -> u64 {
    values
        .iter()
        .fold(0u64, |acc, v| (acc << 5) | u64::from(*v))
}

#[cfg(test)]
mod tests {
    use super::*;

    const HASH: &str = "sha256:3f2a9c0d17e4b5a6c7d8e9f00112233445566778899aabbccddeeff001122334";

    #[test]
    fn a_code_reads_back_as_printed_and_as_people_type_it() {
        let code = VerifyCode::of("0190a1b2-0000-7000-8000-000000000001", HASH);
        let printed = code.to_string();
        assert_eq!(printed.len(), CODE_CHARS + 3);
        let typed = [
            printed.clone(),
            printed.to_lowercase(),
            printed.replace('-', ""),
            printed.replace('-', " "),
            printed.replace('0', "O").replace('1', "l"),
        ];
        for text in typed {
            assert_eq!(VerifyCode::parse(&text), Ok(code), "{text}");
        }
        assert!(code.names_item("0190a1b2-0000-7000-8000-000000000001"));
        assert!(!code.names_item("0190a1b2-0000-7000-8000-000000000002"));
        assert_eq!(code.content(HASH), ContentVerdict::Unchanged);
        assert_eq!(
            code.content("sha256:3f2a9c0d18e4b5a6c7d8e9f00112233445566778899aabbccddeeff0011223"),
            ContentVerdict::Changed
        );
    }

    #[test]
    fn every_single_misread_character_is_refused_or_caught() {
        let code = VerifyCode::of("item-1", HASH).to_string();
        let mut caught = 0;
        let mut tries = 0;
        for (n, c) in code.char_indices().filter(|(_, c)| *c != '-') {
            for &other in ALPHABET.iter() {
                let other = other as char;
                if other == c {
                    continue;
                }
                tries += 1;
                let mut typo = code.clone();
                typo.replace_range(n..n + 1, &other.to_string());
                match VerifyCode::parse(&typo) {
                    Err(p) if p.code == "verify_code_mistyped" => caught += 1,
                    Err(p) => panic!("{typo}: {}", p.code),
                    Ok(_) => {}
                }
            }
        }
        // Two check characters miss about one typo in a thousand.
        assert!(caught * 1000 >= tries * 990, "{caught} of {tries}");
    }

    #[test]
    fn what_is_not_a_code_is_refused_with_its_reason() {
        for text in [
            "",
            "ABC",
            "7K2QD-M0XAE-4FJ9T-R8C2",
            "7K2QD-M0XAE-4FJ9T-R8C2WX",
            "UUUUU-UUUUU-UUUUU-UUUUU",
            "审查单审查单审查单审查单审查单审查单审查单",
            &"A".repeat(500),
        ] {
            let problem = VerifyCode::parse(text).expect_err(text);
            assert_eq!(problem.code, "verify_code_malformed", "{text}");
        }
    }
}
