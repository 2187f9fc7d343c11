//! A scanner for unmasked personal data in item text, run before an item is published.
//!
//! 政府信息公开 pages must not carry a person's resident ID number, mobile number or bank card
//! number in the clear, yet clerks paste them from case files. The scanner reports each number
//! with a masked form to offer, and [`apply_masks`] swaps in the masked forms the clerk accepts.
//!
//! The rules lean towards not alarming on the codes that fill these texts (索引号, 文号, dates,
//! landlines, amounts): a number must stand alone (no ASCII letter or digit glued to it), must
//! pass its check digit where it has one, and must start the way real numbers start. Written by
//! hand rather than with regular expressions because the checks (check digits, birth dates,
//! issuer prefixes) are arithmetic anyway and offsets must be counted in characters.

use crate::fields::{FieldValueError, ItemField};
use crate::model::Item;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// What kind of personal number a hit is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, TS)]
#[serde(rename_all = "snake_case")]
pub enum PiiKind {
    /// 居民身份证号码 (18 characters, GB 11643).
    IdNumber,
    /// 手机号码 (mainland, 11 digits).
    Mobile,
    /// 银行卡号 (UnionPay, Visa, Mastercard, JCB, American Express).
    BankCard,
}

/// One unmasked number found in one field's text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PiiHit {
    pub kind: PiiKind,
    /// The key of the field it was found in (the caller passes it, e.g. "summary", or
    /// "attachment:<name>").
    pub field: String,
    /// Offsets in characters (not bytes) into the field's text, end exclusive: where the hit
    /// starts and ends, separators included.
    pub start: u32,
    pub end: u32,
    /// The text as written.
    pub text: String,
    /// The masked form to offer, in ASCII digits without the grouping separators: a mobile keeps
    /// its first 3 and last 4 digits (`138****5678`, a country prefix is kept in front as
    /// `+86 138****5678`), an ID number its first 2 and last 3 characters (`35*************123`),
    /// a bank card its first 4 and last 4 digits with one star per hidden digit.
    pub masked: String,
}

/// Every unmasked ID number, mobile number and bank card number in `text`, in order of start.
///
/// `field` is copied into each hit so that hits from several fields can travel together.
pub fn scan_text(field: &str, text: &str) -> Vec<PiiHit> {
    let chars: Vec<char> = text.chars().collect();
    let mut hits = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        if let Some(found) = match_at(&chars, i) {
            let (Ok(start), Ok(end)) = (u32::try_from(found.start), u32::try_from(found.end))
            else {
                // Beyond 4 G characters offsets cannot be expressed; no item text is that long.
                break;
            };
            hits.push(PiiHit {
                kind: found.kind,
                field: field.to_owned(),
                start,
                end,
                text: chars
                    .get(found.start..found.end)
                    .unwrap_or_default()
                    .iter()
                    .collect(),
                masked: found.masked,
            });
            i = found.end;
        } else {
            i += 1;
        }
    }
    hits
}

/// Replaces every hit of `hits` that belongs to `text` (same field, and whose `text` still
/// matches at start..end) with its masked form; returns the new text. Hits that no longer match
/// are skipped (the text changed meanwhile), and so is a hit overlapping one already replaced.
pub fn apply_masks(text: &str, field: &str, hits: &[PiiHit]) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut mine: Vec<&PiiHit> = hits.iter().filter(|hit| hit.field == field).collect();
    mine.sort_by_key(|hit| (hit.start, hit.end));
    let mut out = String::with_capacity(text.len());
    let mut done = 0;
    for hit in mine {
        let (Ok(start), Ok(end)) = (usize::try_from(hit.start), usize::try_from(hit.end)) else {
            continue;
        };
        let Some(written) = chars.get(start..end) else {
            continue;
        };
        if start < done || !written.iter().copied().eq(hit.text.chars()) {
            continue;
        }
        out.extend(&chars[done..start]);
        out.push_str(&hit.masked);
        done = end;
    }
    out.extend(&chars[done..]);
    out
}

/// The item's own text fields: scanned for personal numbers, and masked in place (keywords one by
/// one). Attachments are scanned too, but a number inside a file cannot be masked here.
pub const MASKABLE_FIELDS: [ItemField; 6] = [
    ItemField::Title,
    ItemField::Summary,
    ItemField::Elements,
    ItemField::LegalBasis,
    ItemField::IssuingBody,
    ItemField::Keywords,
];

/// What a hit's `field` starts with when the number is in an attachment (then the file's name).
pub const ATTACHMENT_FIELD_PREFIX: &str = "attachment:";

/// Whether a hit is in the item's own text, where [`mask_item`] can replace it.
pub fn is_maskable(hit: &PiiHit) -> bool {
    MASKABLE_FIELDS.iter().any(|f| f.key() == hit.field)
}

/// Every unmasked number in the item's own text fields.
pub fn scan_item(item: &Item) -> Vec<PiiHit> {
    let mut hits = Vec::new();
    for field in MASKABLE_FIELDS {
        match field {
            ItemField::Keywords => {
                for keyword in &item.keywords {
                    hits.extend(scan_text(field.key(), keyword));
                }
            }
            _ => {
                if let serde_json::Value::String(text) = item.get(field) {
                    hits.extend(scan_text(field.key(), &text));
                }
            }
        }
    }
    hits
}

/// The item with the hits of its own text replaced by their masked forms (see [`apply_masks`]).
pub fn mask_item(item: &Item, hits: &[PiiHit]) -> Result<Item, FieldValueError> {
    let mut masked = item.clone();
    for field in MASKABLE_FIELDS {
        match field {
            ItemField::Keywords => {
                masked.keywords = item
                    .keywords
                    .iter()
                    .map(|k| apply_masks(k, field.key(), hits))
                    .collect();
            }
            _ => {
                if let serde_json::Value::String(text) = item.get(field) {
                    let replaced = apply_masks(&text, field.key(), hits);
                    if replaced != text {
                        masked.set(field, serde_json::Value::String(replaced))?;
                    }
                }
            }
        }
    }
    Ok(masked)
}

/// The check character of an ID number (ISO 7064 MOD 11-2) from its first 17 digits.
///
/// The digits may be given as ASCII (`*b"11010519491231002"`) or as values 0-9; any other byte
/// gives a meaningless (but never panicking) result.
pub fn id_check_digit(first17: &[u8; 17]) -> char {
    const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
    const CHECK: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(&b, w)| u32::from(digit_value(b)) * w)
        .sum();
    CHECK[(sum % 11) as usize]
}

/// Whether a card number passes the Luhn check. The digits may be ASCII or values 0-9; an empty
/// slice or any other byte fails.
pub fn luhn_valid(digits: &[u8]) -> bool {
    if digits.is_empty() {
        return false;
    }
    let mut sum = 0u32;
    for (pos, &b) in digits.iter().rev().enumerate() {
        let d = digit_value(b);
        if d > 9 {
            return false;
        }
        let d = u32::from(d);
        sum += if pos % 2 == 1 {
            if d * 2 > 9 {
                d * 2 - 9
            } else {
                d * 2
            }
        } else {
            d
        };
    }
    // `u32::is_multiple_of` needs Rust 1.87; the workspace declares rust-version 1.85.
    #[allow(clippy::manual_is_multiple_of)]
    let valid = sum % 10 == 0;
    valid
}

/// ASCII digits to their value; values below `b'0'` are taken as already decoded.
fn digit_value(b: u8) -> u8 {
    if b >= b'0' {
        b - b'0'
    } else {
        b
    }
}

/// A number found at some position, before it becomes a [`PiiHit`].
struct Found {
    kind: PiiKind,
    start: usize,
    end: usize,
    masked: String,
}

/// How the digit groups of a number are separated.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Sep {
    Space,
    Hyphen,
}

/// More than this many digits cannot be any of the numbers; counting stops there so that long
/// digit strings cost linear time.
const MAX_RUN: usize = 20;

/// The number that starts at `i`, if any. An ID number is tried first so that a valid one is
/// never reported as a bank card.
fn match_at(chars: &[char], i: usize) -> Option<Found> {
    let c = *chars.get(i)?;
    if digit(c).is_none() && !is_plus(c) {
        return None;
    }
    if i > 0 && chars.get(i - 1).is_some_and(|&p| is_word(p)) {
        return None;
    }
    id_at(chars, i)
        .or_else(|| card_at(chars, i))
        .or_else(|| mobile_at(chars, i))
}

/// An ID number: 17 digits and a check character, with a region digit 1-8, a real birth date
/// and the right check character.
fn id_at(chars: &[char], i: usize) -> Option<Found> {
    let run = digit_run(chars, i);
    let (first17, last) = match run.len() {
        18 => (run.get(..17)?, ascii(*run.get(17)?)),
        17 if chars.get(i + 17).copied().is_some_and(is_x) => (run.as_slice(), 'X'),
        _ => return None,
    };
    let first17: &[u8; 17] = first17.try_into().ok()?;
    if !id_shaped(first17) || id_check_digit(first17) != last {
        return None;
    }
    let end = i + 18;
    if !clear_before(chars, i, None) || !clear_after(chars, end, None) {
        return None;
    }
    let mut masked: String = first17.iter().take(2).map(|&d| ascii(d)).collect();
    masked.push_str(&"*".repeat(13));
    masked.extend(first17.iter().skip(15).map(|&d| ascii(d)));
    masked.push(last);
    Some(Found {
        kind: PiiKind::IdNumber,
        start: i,
        end,
        masked,
    })
}

/// Whether 17 digits look like the start of an ID number (region digit and birth date), whatever
/// the check character.
fn id_shaped(first17: &[u8; 17]) -> bool {
    if !(1..=8).contains(&first17[0]) {
        return false;
    }
    let number = |range: std::ops::Range<usize>| {
        first17[range]
            .iter()
            .fold(0u32, |acc, &d| acc * 10 + u32::from(d))
    };
    let (Ok(year), month, day) = (i32::try_from(number(6..10)), number(10..12), number(12..14))
    else {
        return false;
    };
    (1900..=chrono::Local::now().year()).contains(&year)
        && NaiveDate::from_ymd_opt(year, month, day).is_some()
}

/// A bank card: 15-19 digits, contiguous or in groups, with an issuer prefix and a Luhn check.
fn card_at(chars: &[char], i: usize) -> Option<Found> {
    let run = digit_run(chars, i);
    let (digits, end, sep) = if (15..=19).contains(&run.len()) {
        let end = i + run.len();
        (run, end, None)
    } else {
        let chain = chain(chars, i)?;
        let shaped = match chain.groups.as_slice() {
            [4, 6, 5] => true,
            [head @ .., last] => {
                head.len() >= 3 && head.iter().all(|&g| g == 4) && (1..=4).contains(last)
            }
            [] => false,
        };
        if !shaped {
            return None;
        }
        (chain.digits, chain.end, Some(chain.sep))
    };
    if !card_issuer(&digits) || !luhn_valid(&digits) {
        return None;
    }
    // An ID-shaped 18-digit number with a wrong check character is a mistyped ID number (or
    // random digits), not a card: GB 11643 region codes overlap the card prefixes 35, 4, 51-55, 62.
    if sep.is_none() && digits.len() == 18 {
        let first17 = digits.get(..17).and_then(|d| <&[u8; 17]>::try_from(d).ok());
        if first17.is_some_and(id_shaped) {
            return None;
        }
    }
    if !clear_before(chars, i, sep) || !clear_after(chars, end, sep) {
        return None;
    }
    let n = digits.len();
    let mut masked: String = digits.iter().take(4).map(|&d| ascii(d)).collect();
    masked.push_str(&"*".repeat(n - 8));
    masked.extend(digits.iter().skip(n - 4).map(|&d| ascii(d)));
    Some(Found {
        kind: PiiKind::BankCard,
        start: i,
        end,
        masked,
    })
}

/// Whether a card number of this length starts like a card of a known issuer.
fn card_issuer(digits: &[u8]) -> bool {
    let [a, b, c, d, ..] = *digits else {
        return false;
    };
    let two = a * 10 + b;
    let four = u32::from(two) * 100 + u32::from(c) * 10 + u32::from(d);
    match digits.len() {
        15 => two == 34 || two == 37,
        16..=19 => {
            two == 62
                || a == 4
                || (51..=55).contains(&two)
                || (2221..=2720).contains(&four)
                || two == 35
        }
        _ => false,
    }
}

/// A mobile number, with or without a +86 / 86 / 0086 prefix, contiguous or grouped 3-4-4.
fn mobile_at(chars: &[char], i: usize) -> Option<Found> {
    if let Some((body, prefix)) = country_prefix(chars, i) {
        if let Some(found) = mobile_body(chars, i, body, prefix) {
            return Some(found);
        }
    }
    mobile_body(chars, i, i, String::new())
}

/// The 11 digits at `body` of a mobile number whose match (prefix included) starts at `start`.
fn mobile_body(chars: &[char], start: usize, body: usize, prefix: String) -> Option<Found> {
    let run = digit_run(chars, body);
    let (digits, end, sep) = if run.len() == 11 {
        (run, body + 11, None)
    } else {
        let chain = chain(chars, body)?;
        if chain.groups != [3, 4, 4] {
            return None;
        }
        (chain.digits, chain.end, Some(chain.sep))
    };
    let (Some(&1), Some(&(3..=9))) = (digits.first(), digits.get(1)) else {
        return None;
    };
    if !clear_before(chars, start, sep) || !clear_after(chars, end, sep) {
        return None;
    }
    let mut masked = prefix;
    masked.extend(digits.iter().take(3).map(|&d| ascii(d)));
    masked.push_str("****");
    masked.extend(digits.iter().skip(7).map(|&d| ascii(d)));
    Some(Found {
        kind: PiiKind::Mobile,
        start,
        end,
        masked,
    })
}

/// A country prefix (+86, 86, 0086) at `i`, optionally followed by one space or hyphen: where the
/// number proper starts, and the prefix as it goes into the masked form.
fn country_prefix(chars: &[char], i: usize) -> Option<(usize, String)> {
    let mut j = i;
    let mut prefix = String::new();
    let first = *chars.get(i)?;
    if is_plus(first) {
        prefix.push('+');
        j += 1;
    }
    let wanted: &[u8] = if prefix.is_empty() && digit(first) == Some(0) {
        &[0, 0, 8, 6]
    } else {
        &[8, 6]
    };
    for &want in wanted {
        if chars.get(j).copied().and_then(digit) != Some(want) {
            return None;
        }
        prefix.push(ascii(want));
        j += 1;
    }
    if let Some(sep) = chars.get(j).copied().and_then(sep_kind) {
        prefix.push(match sep {
            Sep::Space => ' ',
            Sep::Hyphen => '-',
        });
        j += 1;
    }
    Some((j, prefix))
}

/// The digit values of the digits starting at `i`, at most [`MAX_RUN`] of them.
fn digit_run(chars: &[char], i: usize) -> Vec<u8> {
    chars
        .iter()
        .skip(i)
        .map_while(|&c| digit(c))
        .take(MAX_RUN)
        .collect()
}

/// Digit groups joined by single separators of one kind, e.g. `6222 0212 3456 7890`.
struct Chain {
    groups: Vec<usize>,
    digits: Vec<u8>,
    /// Just after the last group.
    end: usize,
    sep: Sep,
}

/// The whole chain of digit groups starting at `i`, if it has at least two groups and is short
/// enough to be a number (longer chains are codes or tables, and reading them is bounded).
fn chain(chars: &[char], i: usize) -> Option<Chain> {
    const MAX_GROUPS: usize = 6;
    let mut groups = Vec::new();
    let mut digits = Vec::new();
    let mut sep = None;
    let mut j = i;
    loop {
        let group = digit_run(chars, j);
        if group.is_empty() || group.len() > 6 || groups.len() == MAX_GROUPS {
            return None;
        }
        j += group.len();
        groups.push(group.len());
        digits.extend(group);
        let next_sep = chars.get(j).copied().and_then(sep_kind);
        let continues = chars.get(j + 1).copied().and_then(digit).is_some();
        match (next_sep, continues) {
            (Some(kind), true) if sep.is_none_or(|s| s == kind) => {
                sep = Some(kind);
                j += 1;
            }
            _ => break,
        }
    }
    let sep = sep?;
    Some(Chain {
        groups,
        digits,
        end: j,
        sep,
    })
}

/// Whether nothing just before `start` makes the number part of something longer: an ASCII or
/// full-width letter or digit, a mask star, a hyphen or decimal point after a digit (landlines,
/// codes, ranges, amounts), or, for a grouped number, its own separator after a digit (one more
/// group).
fn clear_before(chars: &[char], start: usize, grouped: Option<Sep>) -> bool {
    let Some(before) = start.checked_sub(1).and_then(|j| chars.get(j)) else {
        return true;
    };
    let beyond = start.checked_sub(2).and_then(|j| chars.get(j)).copied();
    clear_side(*before, beyond, grouped)
}

/// [`clear_before`], on the side after the number.
fn clear_after(chars: &[char], end: usize, grouped: Option<Sep>) -> bool {
    let Some(&after) = chars.get(end) else {
        return true;
    };
    clear_side(after, chars.get(end + 1).copied(), grouped)
}

/// The test of [`clear_before`] and [`clear_after`]: `next` is the character touching the number,
/// `beyond` the one after it (away from the number).
fn clear_side(next: char, beyond: Option<char>, grouped: Option<Sep>) -> bool {
    if is_word(next) || is_star(next) {
        return false;
    }
    let digit_beyond = beyond.and_then(digit).is_some();
    let joins = is_joiner(next) || (grouped.is_some() && sep_kind(next) == grouped);
    !(digit_beyond && joins)
}

/// The value of an ASCII or full-width digit.
fn digit(c: char) -> Option<u8> {
    match c {
        '0'..='9' => Some(c as u8 - b'0'),
        '\u{FF10}'..='\u{FF19}' => u8::try_from(u32::from(c) - 0xFF10).ok(),
        _ => None,
    }
}

/// A digit value as the ASCII digit the masked forms use.
fn ascii(d: u8) -> char {
    char::from(b'0' + d.min(9))
}

/// The check character X of an ID number, as clerks type or paste it.
fn is_x(c: char) -> bool {
    matches!(c, 'X' | 'x' | 'Ｘ' | 'ｘ')
}

fn is_plus(c: char) -> bool {
    matches!(c, '+' | '＋')
}

fn is_star(c: char) -> bool {
    matches!(c, '*' | '＊')
}

/// ASCII or full-width letters and digits: what a number must not be glued to.
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric()
        || matches!(c, '\u{FF10}'..='\u{FF19}' | '\u{FF21}'..='\u{FF3A}' | '\u{FF41}'..='\u{FF5A}')
}

/// Characters that join digits into one longer token (0411-86761234, 3.1415).
fn is_joiner(c: char) -> bool {
    matches!(c, '-' | '－' | '.' | '．')
}

fn sep_kind(c: char) -> Option<Sep> {
    match c {
        ' ' | '\u{3000}' => Some(Sep::Space),
        '-' | '－' => Some(Sep::Hyphen),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn an_items_own_text_is_scanned_and_masked_field_by_field() {
        let mut item = Item::blank("item-1".into());
        item.title = "通知".into();
        item.summary = "联系电话13812345678".into();
        item.keywords = vec!["13912345678".into(), "招生".into()];
        item.notes = "内部备注13812345678".into();
        let hits = scan_item(&item);
        let fields: Vec<&str> = hits.iter().map(|h| h.field.as_str()).collect();
        assert_eq!(fields, ["summary", "keywords"]);
        assert!(hits.iter().all(is_maskable));
        let masked = mask_item(&item, &hits).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(masked.summary, "联系电话138****5678");
        assert_eq!(masked.keywords, ["139****5678", "招生"]);
        assert_eq!(masked.notes, item.notes);
        let in_file = PiiHit {
            field: format!("{ATTACHMENT_FIELD_PREFIX}名单.txt"),
            ..hits[0].clone()
        };
        assert!(!is_maskable(&in_file));
    }

    /// A complete ID number from its first 17 digits.
    fn id(first17: &str) -> String {
        let digits: [u8; 17] = first17.as_bytes().try_into().expect("17 ASCII digits");
        format!("{first17}{}", id_check_digit(&digits))
    }

    /// The first 17 digits with a check character that is wrong.
    fn id_wrong(first17: &str) -> String {
        let right = id(first17);
        let wrong = ['0', '1', 'X']
            .into_iter()
            .find(|&c| !right.ends_with(c))
            .expect("two of three differ");
        format!("{first17}{wrong}")
    }

    /// `body` with the digit appended that makes it Luhn-valid.
    fn luhn_complete(body: &str) -> String {
        (0..10)
            .map(|d| format!("{body}{d}"))
            .find(|n| luhn_valid(n.as_bytes()))
            .expect("one check digit fits")
    }

    /// A Luhn-valid number with its last digit changed, so that it fails.
    fn luhn_broken(body: &str) -> String {
        let valid = luhn_complete(body);
        let last = valid.as_bytes()[valid.len() - 1] - b'0';
        format!("{body}{}", (last + 1) % 10)
    }

    fn grouped(number: &str, sep: char) -> String {
        let chars: Vec<char> = number.chars().collect();
        let groups: Vec<String> = chars.chunks(4).map(|g| g.iter().collect()).collect();
        groups.join(&sep.to_string())
    }

    fn full_width(text: &str) -> String {
        text.chars()
            .map(|c| match c {
                '0'..='9' | 'X' | '+' => char::from_u32(c as u32 + 0xFEE0).unwrap_or(c),
                ' ' => '\u{3000}',
                _ => c,
            })
            .collect()
    }

    fn found(text: &str) -> Vec<(PiiKind, String, String)> {
        scan_text("summary", text)
            .into_iter()
            .map(|hit| (hit.kind, hit.text, hit.masked))
            .collect()
    }

    #[test]
    fn check_digits() {
        assert_eq!(id_check_digit(b"11010519491231002"), 'X');
        assert_eq!(
            id_check_digit(&[1, 1, 0, 1, 0, 5, 1, 9, 4, 9, 1, 2, 3, 1, 0, 0, 2]),
            'X'
        );
        assert_eq!(id_check_digit(b"44052418800101001"), '4');
        assert!(luhn_valid(b"4111111111111111"));
        assert!(luhn_valid(&[7, 9, 9, 2, 7, 3, 9, 8, 7, 1, 3]));
        assert!(!luhn_valid(b"4111111111111112"));
        assert!(!luhn_valid(b""));
        assert!(!luhn_valid(b"41111111111111a1"));
    }

    #[test]
    fn hits_in_real_forms() {
        let fujian = id("35010219900307123");
        let beijing = id("11010519491231002");
        assert_eq!(beijing, "11010519491231002X");
        let unionpay16 = luhn_complete("622202123456789");
        let unionpay19 = luhn_complete("621700123456789012");
        let cases: Vec<(String, PiiKind, String, String)> = vec![
            // (text, kind, hit text, masked)
            (
                format!("身份证号：{fujian}，"),
                PiiKind::IdNumber,
                fujian.clone(),
                format!("35*************{}", &fujian[15..]),
            ),
            (
                format!("证件号码{beijing}"),
                PiiKind::IdNumber,
                beijing.clone(),
                "11*************02X".into(),
            ),
            (
                "11010519491231002x。".into(),
                PiiKind::IdNumber,
                "11010519491231002x".into(),
                "11*************02X".into(),
            ),
            (
                full_width(&beijing),
                PiiKind::IdNumber,
                full_width(&beijing),
                "11*************02X".into(),
            ),
            (
                "电话13812345678。".into(),
                PiiKind::Mobile,
                "13812345678".into(),
                "138****5678".into(),
            ),
            (
                "手机 138 1234 5678".into(),
                PiiKind::Mobile,
                "138 1234 5678".into(),
                "138****5678".into(),
            ),
            (
                "（138-1234-5678）".into(),
                PiiKind::Mobile,
                "138-1234-5678".into(),
                "138****5678".into(),
            ),
            (
                "+86 13812345678".into(),
                PiiKind::Mobile,
                "+86 13812345678".into(),
                "+86 138****5678".into(),
            ),
            (
                "8619912345678".into(),
                PiiKind::Mobile,
                "8619912345678".into(),
                "86199****5678".into(),
            ),
            (
                "0086-138-1234-5678".into(),
                PiiKind::Mobile,
                "0086-138-1234-5678".into(),
                "0086-138****5678".into(),
            ),
            (
                "联系：１３８１２３４５６７８".into(),
                PiiKind::Mobile,
                "１３８１２３４５６７８".into(),
                "138****5678".into(),
            ),
            (
                "No.15912345678".into(),
                PiiKind::Mobile,
                "15912345678".into(),
                "159****5678".into(),
            ),
            (
                format!("卡号{unionpay16}"),
                PiiKind::BankCard,
                unionpay16.clone(),
                format!("6222********{}", &unionpay16[12..]),
            ),
            (
                format!("卡号 {} 。", grouped(&unionpay16, ' ')),
                PiiKind::BankCard,
                grouped(&unionpay16, ' '),
                format!("6222********{}", &unionpay16[12..]),
            ),
            (
                format!("账户{unionpay19}"),
                PiiKind::BankCard,
                unionpay19.clone(),
                format!("6217***********{}", &unionpay19[15..]),
            ),
            (
                grouped(&unionpay19, '-'),
                PiiKind::BankCard,
                grouped(&unionpay19, '-'),
                format!("6217***********{}", &unionpay19[15..]),
            ),
            (
                "4111111111111111".into(),
                PiiKind::BankCard,
                "4111111111111111".into(),
                "4111********1111".into(),
            ),
            (
                "5500 0000 0000 0004".into(),
                PiiKind::BankCard,
                "5500 0000 0000 0004".into(),
                "5500********0004".into(),
            ),
            (
                "2221000000000009".into(),
                PiiKind::BankCard,
                "2221000000000009".into(),
                "2221********0009".into(),
            ),
            (
                "3530111333300000".into(),
                PiiKind::BankCard,
                "3530111333300000".into(),
                "3530********0000".into(),
            ),
            (
                "运通卡378282246310005".into(),
                PiiKind::BankCard,
                "378282246310005".into(),
                "3782*******0005".into(),
            ),
            (
                "3782 822463 10005".into(),
                PiiKind::BankCard,
                "3782 822463 10005".into(),
                "3782*******0005".into(),
            ),
        ];
        for (text, kind, hit, masked) in cases {
            assert_eq!(found(&text), vec![(kind, hit, masked)], "in {text:?}");
        }
    }

    #[test]
    fn near_misses_do_not_hit() {
        let card_body = "622202123456789";
        let misses: Vec<String> = vec![
            // ID numbers: wrong check character, impossible or implausible dates, region digit.
            id_wrong("35010219900307123"),
            id_wrong("11010519491231002"),
            id("11010519901307123"),
            id("11010519900230123"),
            id("11010518991231123"),
            id("11010529991231123"),
            id("91010519491231002"),
            id("01010519491231002"),
            // Runs of the wrong length.
            "11010519491231002".into(),
            "1101051949123100212".into(),
            format!("{}1", id("11010519491231002").replace('X', "9")),
            // Mobile look-alikes.
            "12812345678".into(),
            "10012345678".into(),
            "1381234567".into(),
            "013812345678".into(),
            "1381234567890".into(),
            "A13812345678".into(),
            "13812345678B".into(),
            "tel13812345678".into(),
            "138 1234 5678 9012".into(),
            "138 1234-5678".into(),
            "0411-13812345678".into(),
            "13812345678-2".into(),
            "金额13812345678.50元".into(),
            // Already masked.
            "138****1234".into(),
            "+86 138****5678".into(),
            "35*************12X".into(),
            "350102********1234".into(),
            format!("{}***", luhn_complete(card_body)),
            // Cards failing Luhn or without a known issuer prefix.
            luhn_broken(card_body),
            luhn_broken("411111111111111"),
            luhn_complete("900000000000000"),
            luhn_complete("123456789012345"),
            luhn_complete("62220212345678"),
            luhn_complete("3400000000000000"),
            // Codes, dates and landlines.
            "210200-JY-2019-0001".into(),
            "大教发〔2019〕12号".into(),
            "大政办发〔2019〕138号".into(),
            "2019-03-07".into(),
            "20190307".into(),
            "2019年3月7日".into(),
            "0411-86761234".into(),
            "(0411)86761234".into(),
            "0411-8676-1234".into(),
            "400-810-8888".into(),
            String::new(),
        ];
        for text in misses {
            assert_eq!(found(&text), vec![], "in {text:?}");
        }
    }

    #[test]
    fn an_id_number_is_never_also_a_card() {
        // An 18-digit Luhn-valid UnionPay-looking number that is a valid ID number.
        let first = (0..1000)
            .map(|seq| id(&format!("62010219900307{seq:03}")))
            .find(|n| !n.ends_with('X') && luhn_valid(n.as_bytes()))
            .expect("about one in ten is Luhn-valid");
        assert_eq!(
            found(&first)
                .into_iter()
                .map(|(kind, ..)| kind)
                .collect::<Vec<_>>(),
            vec![PiiKind::IdNumber]
        );
    }

    #[test]
    fn several_hits_in_order() {
        let text = "13812345678 13912345678，+86-15012345678";
        let hits = scan_text("title", text);
        let spans: Vec<(u32, u32)> = hits.iter().map(|h| (h.start, h.end)).collect();
        assert_eq!(spans, vec![(0, 11), (12, 23), (24, 39)]);
        assert!(hits.iter().all(|h| h.field == "title"));
        assert_eq!(hits[2].masked, "+86-150****5678");
    }

    #[test]
    fn masked_shapes() {
        let fujian = id("35010219900307123");
        let hits = scan_text("summary", &fujian);
        assert_eq!(hits.len(), 1);
        assert_eq!(hits[0].masked.chars().count(), 18);
        assert_eq!(
            hits[0].masked,
            format!("35{}{}", "*".repeat(13), &fujian[15..])
        );
        let card = luhn_complete("621700123456789012");
        let hits = scan_text("summary", &card);
        assert_eq!(hits[0].masked.len(), 19);
        assert_eq!(
            hits[0].masked,
            format!("6217{}{}", "*".repeat(11), &card[15..])
        );
    }

    #[test]
    fn masks_a_chinese_sentence() {
        let fujian = id("35010219900307123");
        let text = format!("张三（身份证号{fujian}）的联系电话为138 1234 5678，请核实。");
        let hits = scan_text("summary", &text);
        assert_eq!(hits.len(), 2);
        assert_eq!((hits[0].start, hits[0].end), (7, 25));
        assert_eq!(hits[1].kind, PiiKind::Mobile);
        assert_eq!((hits[1].start, hits[1].end), (32, 45));
        let masked = apply_masks(&text, "summary", &hits);
        assert_eq!(
            masked,
            format!(
                "张三（身份证号35*************{}）的联系电话为138****5678，请核实。",
                &fujian[15..]
            )
        );
        // Hits of another field are not this text's.
        assert_eq!(apply_masks(&text, "title", &hits), text);
        // Masking only the mobile leaves the ID number alone.
        let only_mobile = apply_masks(&text, "summary", &hits[1..]);
        assert!(only_mobile.contains(&fujian) && only_mobile.contains("138****5678"));
    }

    #[test]
    fn apply_masks_skips_stale_hits() {
        let text = "电话13812345678，手机13912345678";
        let hits = scan_text("summary", text);
        assert_eq!(hits.len(), 2);
        // The text was edited meanwhile: everything shifted by one character.
        let edited = format!("新{text}");
        assert_eq!(apply_masks(&edited, "summary", &hits), edited);
        // The first number was changed in place: only the second is masked.
        let changed = text.replace("13812345678", "13812345670");
        assert_eq!(
            apply_masks(&changed, "summary", &hits),
            "电话13812345670，手机139****5678"
        );
        // A hit beyond the end of a shortened text is skipped, not a panic.
        assert_eq!(apply_masks("电话", "summary", &hits), "电话");
        // Overlapping hits: the first one wins.
        let mut overlapping = hits.clone();
        overlapping.push(PiiHit {
            start: 3,
            end: 6,
            text: "381".into(),
            masked: "***".into(),
            ..hits[0].clone()
        });
        assert_eq!(
            apply_masks(text, "summary", &overlapping),
            "电话138****5678，手机139****5678"
        );
    }

    #[test]
    fn kinds_serialise_in_snake_case() {
        assert_eq!(
            serde_json::to_string(&PiiKind::IdNumber).ok().as_deref(),
            Some("\"id_number\"")
        );
        assert_eq!(
            serde_json::to_string(&PiiKind::BankCard).ok().as_deref(),
            Some("\"bank_card\"")
        );
    }

    /// The invariants every scan must keep, and masking must leave nothing to find.
    fn assert_sane(text: &str) {
        let chars: Vec<char> = text.chars().collect();
        let hits = scan_text("f", text);
        let mut previous_end = 0;
        for hit in &hits {
            let (start, end) = (hit.start as usize, hit.end as usize);
            assert!(previous_end <= start && start < end && end <= chars.len());
            assert_eq!(chars[start..end].iter().collect::<String>(), hit.text);
            assert!(hit.masked.contains('*'));
            previous_end = end;
        }
        let masked = apply_masks(text, "f", &hits);
        assert_eq!(scan_text("f", &masked), vec![], "after masking {text:?}");
    }

    fn mobile() -> impl Strategy<Value = String> {
        (3u8..=9, 0u32..1_000_000_000, 0..6usize).prop_map(|(second, rest, form)| {
            let n = format!("1{second}{rest:09}");
            match form {
                0 => n,
                1 => format!("{} {} {}", &n[..3], &n[3..7], &n[7..]),
                2 => format!("{}-{}-{}", &n[..3], &n[3..7], &n[7..]),
                3 => format!("+86 {n}"),
                4 => format!("86{n}"),
                _ => full_width(&n),
            }
        })
    }

    fn id_number() -> impl Strategy<Value = String> {
        (
            1u8..=8,
            0u32..100_000,
            0i64..40_000,
            0u32..1000,
            any::<bool>(),
        )
            .prop_map(|(region, rest, days, seq, wide)| {
                let birth = NaiveDate::from_ymd_opt(1900, 1, 1)
                    .and_then(|d| d.checked_add_signed(chrono::Duration::days(days)))
                    .expect("within range");
                let n = id(&format!(
                    "{region}{rest:05}{}{seq:03}",
                    birth.format("%Y%m%d")
                ));
                if wide {
                    full_width(&n)
                } else {
                    n
                }
            })
    }

    fn card() -> impl Strategy<Value = String> {
        const PREFIXES: &[&str] = &["62", "4", "51", "55", "2221", "2720", "35"];
        (
            prop::sample::select(PREFIXES),
            16..=19usize,
            any::<u64>(),
            0..3usize,
        )
            .prop_map(|(prefix, len, seed, form)| {
                let body: String = format!("{prefix}{seed:020}")
                    .chars()
                    .take(len - 1)
                    .collect();
                let n = luhn_complete(&body);
                match form {
                    0 => n,
                    1 => grouped(&n, ' '),
                    _ => grouped(&n, '-'),
                }
            })
    }

    fn looks_like_mistyped_id(n: &str) -> bool {
        let digits: Vec<u8> = n.bytes().map(|b| b.wrapping_sub(b'0')).collect();
        let first17 = digits.get(..17).and_then(|d| <&[u8; 17]>::try_from(d).ok());
        digits.len() == 18
            && digits.iter().all(|&d| d <= 9)
            && first17.is_some_and(|f| id_shaped(f) && !n.ends_with(id_check_digit(f)))
    }

    proptest! {
        // Failures are reported in the test output; no regression files next to the sources.
        #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

        #[test]
        fn never_panics_on_any_string(text in any::<String>()) {
            assert_sane(&text);
        }

        #[test]
        fn sane_on_number_like_text(
            parts in prop::collection::vec(
                prop_oneof![
                    2 => mobile(),
                    2 => id_number(),
                    2 => card(),
                    3 => "[0-9０-９ 　\\-－+＋*.xXＸa-z号电话卡，。：]{1,5}",
                    1 => any::<char>().prop_map(String::from),
                ],
                0..12,
            )
        ) {
            assert_sane(&parts.concat());
        }

        #[test]
        fn finds_every_number_between_chinese_text(
            numbers in prop::collection::vec(prop_oneof![mobile(), id_number(), card()], 1..5)
        ) {
            // By design an 18-digit card that reads as an ID number with a wrong check character
            // is not reported (see `card_at`).
            prop_assume!(!numbers.iter().any(|n| looks_like_mistyped_id(n)));
            let text = numbers.iter().map(|n| format!("号码：{n}。")).collect::<String>();
            let hits = scan_text("f", &text);
            let written: Vec<&str> = hits.iter().map(|h| h.text.as_str()).collect();
            prop_assert_eq!(written, numbers.iter().map(String::as_str).collect::<Vec<_>>());
        }
    }
}
