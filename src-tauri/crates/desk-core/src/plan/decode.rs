//! Turning the bytes of a plain-text plan file into text.
//!
//! Staff get plans as .txt files saved by Word, WPS or Notepad. On Chinese Windows these are
//! GBK/GB18030 ("ANSI"), UTF-8 (often with a BOM) or UTF-16LE with a BOM ("Unicode"), sometimes
//! UTF-16 without one. The decoder tries exactly those, in an order where each step is a strong
//! signal (BOM, then UTF-16 by the pattern of its zero bytes, then strict UTF-8, then strict
//! GB18030), and refuses anything else with an error the person can act on: a binary file is
//! `Binary`, text in another legacy encoding (Big5, say) is `UnknownEncoding`. Nothing is
//! decoded with replacement characters, so what reaches the parser is never silently damaged.
//! Documents (.docx, .xlsx, PDF, old .doc) are recognised before this, in `documents`.

use encoding_rs::{Encoding, GB18030, UTF_16BE, UTF_16LE};
use serde::Serialize;
use ts_rs::TS;

use super::chars::is_space;
use super::PlanError;

/// Plans larger than this are refused; a work plan is rarely over 200 KB.
pub const MAX_PLAN_BYTES: usize = 5 * 1024 * 1024;

/// A decoded plan and the encoding it was read as.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, TS)]
pub struct DecodedPlan {
    pub text: String,
    /// "UTF-8", "UTF-16LE", "UTF-16BE" or "GB18030".
    pub encoding: String,
}

/// Starts of file formats that are never plain text: PDF, ZIP (docx/xlsx/wps), OLE (doc/xls/wps),
/// RTF (what Word writes for "rich text .doc"), PNG, JPEG, GIF, RAR, 7z.
const MAGIC_NUMBERS: &[&[u8]] = &[
    b"%PDF",
    b"PK\x03\x04",
    b"PK\x05\x06",
    b"PK\x07\x08",
    b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1",
    b"{\\rtf",
    b"\x89PNG\r\n\x1a\n",
    b"\xFF\xD8\xFF",
    b"GIF87a",
    b"GIF89a",
    b"Rar!\x1a\x07",
    b"7z\xBC\xAF\x27\x1C",
];

/// Detects and decodes: UTF-8 (with or without BOM), UTF-16 with BOM, else GB18030 (superset of
/// GBK/GB2312).
///
/// Binary detection: NUL bytes without a UTF-16 BOM, more than 5% control characters, or a known
/// magic number (PDF, ZIP/docx, OLE .doc, RTF, PNG, JPEG, GIF, RAR, 7z). A GB18030 decode with
/// errors, or one that yields mostly characters a Chinese text never has (private-use, kana,
/// Greek, Cyrillic...: what Big5 bytes become when read as GBK), is `UnknownEncoding`.
pub fn decode_plan_bytes(bytes: &[u8]) -> Result<DecodedPlan, PlanError> {
    if bytes.len() > MAX_PLAN_BYTES {
        return Err(PlanError::TooLarge {
            size: bytes.len(),
            max: MAX_PLAN_BYTES,
        });
    }
    if MAGIC_NUMBERS.iter().any(|magic| bytes.starts_with(magic)) {
        return Err(PlanError::Binary);
    }
    let (text, encoding) = if let Some(rest) = bytes.strip_prefix(b"\xEF\xBB\xBF") {
        let text = std::str::from_utf8(rest).map_err(|_| PlanError::UnknownEncoding)?;
        (text.to_owned(), "UTF-8")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFF\xFE") {
        (decode_strict(UTF_16LE, rest)?, "UTF-16LE")
    } else if let Some(rest) = bytes.strip_prefix(b"\xFE\xFF") {
        (decode_strict(UTF_16BE, rest)?, "UTF-16BE")
    } else {
        // Bytes from 0x80 up are parts of characters here, not C1 controls.
        let c0 = bytes
            .iter()
            .map(|&b| if b < 0x80 { char::from(b) } else { 'x' });
        if let Some((encoding, name)) = utf16_without_bom(bytes) {
            let text = decode_strict(encoding, bytes).map_err(|_| PlanError::Binary)?;
            if looks_misdecoded(&text) {
                return Err(PlanError::Binary);
            }
            (text, name)
        } else if bytes.contains(&0) || too_many_controls(c0) {
            return Err(PlanError::Binary);
        } else {
            match std::str::from_utf8(bytes) {
                Ok(text) => (text.to_owned(), "UTF-8"),
                Err(_) => {
                    let text = decode_strict(GB18030, bytes)?;
                    if looks_misdecoded(&text) {
                        return Err(PlanError::UnknownEncoding);
                    }
                    (text, "GB18030")
                }
            }
        }
    };
    if too_many_controls(text.chars()) {
        return Err(PlanError::Binary);
    }
    if text.chars().all(is_space) {
        return Err(PlanError::Empty);
    }
    Ok(DecodedPlan {
        text,
        encoding: encoding.to_owned(),
    })
}

/// UTF-16 saved without a byte-order mark, recognised by its zero bytes: the ASCII in a plan
/// (line breaks, digits, punctuation) puts a zero in every other byte, all on the same side (odd
/// offsets for little-endian), while a binary file has its zeros anywhere. At least 1% of the
/// units must carry such a zero, and three times as many on one side as on the other (an
/// ideograph such as 一, U+4E00, has its zero on the other side); the decoded text is then
/// checked like any other.
// `usize::is_multiple_of` needs Rust 1.87; the workspace declares rust-version 1.85.
#[allow(clippy::manual_is_multiple_of)]
fn utf16_without_bom(bytes: &[u8]) -> Option<(&'static Encoding, &'static str)> {
    if bytes.len() < 4 || bytes.len() % 2 != 0 {
        return None;
    }
    let (mut even, mut odd) = (0usize, 0usize);
    for pair in bytes.chunks_exact(2) {
        even += usize::from(pair[0] == 0);
        odd += usize::from(pair[1] == 0);
    }
    let units = bytes.len() / 2;
    let (high, low) = (even.max(odd), even.min(odd));
    if high * 100 < units || low * 3 > high {
        return None;
    }
    Some(if odd > even {
        (UTF_16LE, "UTF-16LE")
    } else {
        (UTF_16BE, "UTF-16BE")
    })
}

fn decode_strict(encoding: &'static Encoding, bytes: &[u8]) -> Result<String, PlanError> {
    encoding
        .decode_without_bom_handling_and_without_replacement(bytes)
        .map(|text| text.into_owned())
        .ok_or(PlanError::UnknownEncoding)
}

/// More than 5% control characters (other than tab, line breaks, form feed and the DOS
/// end-of-file mark). For raw bytes this only looks at C0 controls, which never occur inside
/// UTF-8 or GB18030 multi-byte sequences.
fn too_many_controls(chars: impl Iterator<Item = char>) -> bool {
    let (mut total, mut controls) = (0usize, 0usize);
    for c in chars {
        total += 1;
        if c.is_control() && !matches!(c, '\t' | '\n' | '\r' | '\u{0B}' | '\u{0C}' | '\u{1A}') {
            controls += 1;
        }
    }
    controls * 20 > total
}

/// Whether a successful GB18030 decode is still not Chinese text: more than 5% private-use
/// characters (GBK's unassigned and user-defined areas), or more than a quarter of the
/// non-ASCII characters outside what a Chinese document uses.
fn looks_misdecoded(text: &str) -> bool {
    let (mut non_ascii, mut private, mut foreign) = (0usize, 0usize, 0usize);
    for c in text.chars().filter(|c| !c.is_ascii()) {
        non_ascii += 1;
        if matches!(c as u32, 0xE000..=0xF8FF | 0xF0000..=0x10FFFF) {
            private += 1;
        } else if !is_chinese_text_char(c) {
            foreign += 1;
        }
    }
    private * 20 > non_ascii || (private + foreign) * 4 > non_ascii
}

/// Characters a Chinese document plausibly contains: ideographs and radicals, CJK and general
/// punctuation, symbols, full-width forms, pinyin letters. Kana, Greek and Cyrillic are left out
/// on purpose: GBK has them, and they are exactly what Big5 text turns into when read as GBK.
fn is_chinese_text_char(c: char) -> bool {
    matches!(
        c as u32,
        0x00A0..=0x02FF
            | 0x2000..=0x2BFF
            | 0x2E80..=0x2FDF
            | 0x3000..=0x303F
            | 0x3100..=0x312F
            | 0x3190..=0x33FF
            | 0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0xFE10..=0xFE6F
            | 0xFF00..=0xFFEF
            | 0x20000..=0x3134F
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(text: &str, encoding: &str) -> Result<DecodedPlan, PlanError> {
        Ok(DecodedPlan {
            text: text.to_owned(),
            encoding: encoding.to_owned(),
        })
    }

    fn check(input: &[u8], expected: Result<DecodedPlan, PlanError>) {
        assert_eq!(decode_plan_bytes(input), expected, "input {input:02x?}");
    }

    fn utf16(text: &str, little: bool) -> Vec<u8> {
        let mut out = if little {
            vec![0xFF, 0xFE]
        } else {
            vec![0xFE, 0xFF]
        };
        for unit in text.encode_utf16() {
            out.extend(if little {
                unit.to_le_bytes()
            } else {
                unit.to_be_bytes()
            });
        }
        out
    }

    fn encode(encoding: &'static Encoding, text: &str) -> Vec<u8> {
        let (bytes, _, had_errors) = encoding.encode(text);
        assert!(!had_errors);
        bytes.into_owned()
    }

    #[test]
    fn encodings() {
        let plan = "一、加強組織領導\n(一)推進決策公開。(責任部門:辦公室)";
        check(plan.as_bytes(), ok(plan, "UTF-8"));
        check(
            &[b"\xEF\xBB\xBF", plan.as_bytes()].concat(),
            ok(plan, "UTF-8"),
        );
        check(&utf16(plan, true), ok(plan, "UTF-16LE"));
        check(&utf16(plan, false), ok(plan, "UTF-16BE"));
        // Without the byte-order mark, told apart by where the zero bytes are.
        check(&utf16(plan, true)[2..], ok(plan, "UTF-16LE"));
        check(&utf16(plan, false)[2..], ok(plan, "UTF-16BE"));
        let sample = include_str!("../../tests/fixtures/plan/dalian-education-2019-plan.txt");
        check(&utf16(sample, true)[2..], ok(sample, "UTF-16LE"));
        check(&encode(GB18030, plan), ok(plan, "GB18030"));
        let simplified = "一、加强组织领导\r\n（一）推进决策公开。（责任部门：办公室）";
        check(
            &encode(encoding_rs::GBK, simplified),
            ok(simplified, "GB18030"),
        );
        check(&encode(GB18030, simplified), ok(simplified, "GB18030"));
        check(b"plain ASCII plan", ok("plain ASCII plan", "UTF-8"));
        // GB18030 four-byte sequences (characters outside GBK) decode too.
        check(&encode(GB18030, "㐀公开𠀀"), ok("㐀公开𠀀", "GB18030"));
    }

    #[test]
    fn refusals() {
        check(b"", Err(PlanError::Empty));
        check(b"  \r\n\t ", Err(PlanError::Empty));
        check(b"\xEF\xBB\xBF", Err(PlanError::Empty));
        check(&utf16("\u{3000} \n", true), Err(PlanError::Empty));
        check(b"%PDF-1.7\n%\xE2\xE3\xCF\xD3", Err(PlanError::Binary));
        check(b"PK\x03\x04\x14\x00\x06\x00", Err(PlanError::Binary));
        check(
            b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\x00\x00",
            Err(PlanError::Binary),
        );
        check(
            b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
            Err(PlanError::Binary),
        );
        check(b"\xFF\xD8\xFF\xE0\x00\x10JFIF", Err(PlanError::Binary));
        check(b"{\\rtf1\\ansi\\ansicpg936", Err(PlanError::Binary));
        check(b"text\x00with NUL", Err(PlanError::Binary));
        check(b"\x01\x02\x03\x04abc", Err(PlanError::Binary));
        check(&utf16("\u{1}\u{2}\u{3}ab", true), Err(PlanError::Binary));
        // Invalid after a UTF-8 BOM, odd UTF-16 length, lone surrogate, invalid GB18030.
        check(
            b"\xEF\xBB\xBF\xC4\xE3\xBA\xC3",
            Err(PlanError::UnknownEncoding),
        );
        check(b"\xFF\xFEa\x00b", Err(PlanError::UnknownEncoding));
        check(b"\xFF\xFE\x00\xD8a\x00", Err(PlanError::UnknownEncoding));
        check(b"\xFF\xFF\xFF\xFF", Err(PlanError::UnknownEncoding));
        check(b"abc\x81", Err(PlanError::UnknownEncoding));
    }

    #[test]
    fn big5_is_not_read_as_gbk() {
        let plan = include_str!("../../tests/fixtures/plan/dalian-education-2019-plan.txt");
        let (bytes, _, _) = encoding_rs::BIG5.encode(plan);
        check(&bytes, Err(PlanError::UnknownEncoding));
    }

    #[test]
    fn too_large() {
        let big = vec![b'a'; 6 * 1024 * 1024];
        check(
            &big,
            Err(PlanError::TooLarge {
                size: big.len(),
                max: MAX_PLAN_BYTES,
            }),
        );
        let limit = vec![b'a'; MAX_PLAN_BYTES];
        assert!(decode_plan_bytes(&limit).is_ok());
    }

    #[test]
    fn random_bytes_are_refused() {
        // xorshift64: deterministic "random" files of several sizes.
        let mut state = 0x9E37_79B9_7F4A_7C15u64;
        for len in [64usize, 500, 4096, 100_000] {
            for _ in 0..8 {
                let bytes: Vec<u8> = (0..len)
                    .map(|_| {
                        state ^= state << 13;
                        state ^= state >> 7;
                        state ^= state << 17;
                        (state >> 24) as u8
                    })
                    .collect();
                let result = decode_plan_bytes(&bytes);
                assert!(
                    matches!(
                        result,
                        Err(PlanError::Binary) | Err(PlanError::UnknownEncoding)
                    ),
                    "{len} random bytes gave {result:?}"
                );
            }
        }
    }

    #[test]
    fn codes_and_messages() {
        let cases = [
            (
                PlanError::TooLarge { size: 7, max: 5 },
                "plan_too_large",
                "the plan file is 7 bytes; plans over 5 bytes are not read — split it or paste the part you need",
            ),
            (PlanError::Binary, "plan_binary", "the file is not text (it looks like a binary file such as an image or an archive): open a .docx, .pdf, .ofd, .xlsx, .xls, .et, .csv or .txt plan"),
            (PlanError::UnknownEncoding, "plan_unknown_encoding", "the text is neither UTF-8, UTF-16 nor GB18030/GBK: save it as UTF-8 text and try again"),
            (PlanError::OldOfficeFormat, "plan_old_office_format", "this is an old binary Word or WPS document (.doc, .wps): open it in Word or WPS, save it as .docx (Word document), and open that"),
            (PlanError::NoTextLayer, "plan_no_text_layer", "the document has no text, only images: it is a scanned copy, and this version does not recognise text in images (no OCR) — open the original Word/WPS document, or a PDF or OFD saved from it, and open that"),
            (PlanError::Encrypted, "plan_encrypted", "the document is protected by a password: open it in WPS, Word or a PDF reader, remove the password (or save an unprotected copy), and open that"),
            (PlanError::Empty, "plan_empty", "the plan is empty"),
        ];
        for (error, code, message) in cases {
            assert_eq!(error.code(), code);
            assert_eq!(error.to_string(), message);
        }
    }
}
