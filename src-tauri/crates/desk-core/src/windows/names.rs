//! File names Windows refuses or treats specially, and names that differ only in case.
//!
//! A name the person chose (`--out`, a save dialog) is refused with the problem named, before
//! anything is written; a name the program picks from other text (an attachment's own name) is
//! adjusted with [`fit_for_windows`]. On Windows `CON.xlsx` writes to the console, `a:b` makes an
//! alternate data stream of `a`, and `报告.` is saved as `报告`: each would quietly lose the file.

use std::fmt;

/// The longest name Windows allows for one path component, in UTF-16 units.
pub const MAX_NAME_UTF16: usize = 255;

/// Characters no Windows file name may hold (besides the controls U+0000–U+001F).
pub const FORBIDDEN_CHARS: &[char] = &['<', '>', ':', '"', '/', '\\', '|', '?', '*'];

/// Device names Windows keeps for itself, with any extension (`CON.xlsx`, `com1.txt`).
const RESERVED: &[&str] = &[
    "CON", "PRN", "AUX", "NUL", "CONIN$", "CONOUT$", "COM0", "COM1", "COM2", "COM3", "COM4",
    "COM5", "COM6", "COM7", "COM8", "COM9", "COM¹", "COM²", "COM³", "LPT0", "LPT1", "LPT2", "LPT3",
    "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9", "LPT¹", "LPT²", "LPT³",
];

/// Why a name cannot be a file's name on Windows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum NameProblem {
    Empty,
    /// A device name (`CON`, `AUX`, `LPT1` …), with or without an extension.
    Reserved(String),
    /// `< > : " / \ | ? *` or a control character.
    ForbiddenChar(char),
    /// Windows drops a trailing dot or space, so the file would get another name.
    TrailingDotOrSpace,
    TooLong,
}

impl NameProblem {
    /// The reason in words, for the message that names the file.
    pub fn reason(&self) -> String {
        match self {
            NameProblem::Empty => "the name is empty".into(),
            NameProblem::Reserved(device) => {
                format!("Windows keeps the name {device} for a device")
            }
            NameProblem::ForbiddenChar(c) if c.is_control() => {
                format!(
                    "Windows does not allow the control character U+{:04X} in a name",
                    *c as u32
                )
            }
            NameProblem::ForbiddenChar(c) => format!("Windows does not allow {c} in a name"),
            NameProblem::TrailingDotOrSpace => {
                "Windows drops a dot or space at the end of a name".into()
            }
            NameProblem::TooLong => {
                format!("Windows allows at most {MAX_NAME_UTF16} characters in a name")
            }
        }
    }
}

impl fmt::Display for NameProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.reason())
    }
}

/// The problem with `name` (one path component) as a Windows file name, if any.
pub fn problem(name: &str) -> Option<NameProblem> {
    if name.is_empty() {
        return Some(NameProblem::Empty);
    }
    if let Some(c) = name
        .chars()
        .find(|c| FORBIDDEN_CHARS.contains(c) || (*c as u32) < 0x20)
    {
        return Some(NameProblem::ForbiddenChar(c));
    }
    if name.ends_with('.') || name.ends_with(' ') {
        return Some(NameProblem::TrailingDotOrSpace);
    }
    if let Some(device) = reserved_device(name) {
        return Some(NameProblem::Reserved(device.to_string()));
    }
    if name.encode_utf16().count() > MAX_NAME_UTF16 {
        return Some(NameProblem::TooLong);
    }
    None
}

/// The device `name` stands for: the part before the first dot, spaces at its end ignored, in
/// any case (`con .txt` and `Aux.tar.gz` are devices too).
fn reserved_device(name: &str) -> Option<&'static str> {
    let stem = name.split('.').next().unwrap_or(name).trim_end_matches(' ');
    RESERVED
        .iter()
        .copied()
        .find(|device| device.eq_ignore_ascii_case(stem))
}

/// `name` made fit for Windows, for names the program picks from other text: forbidden and
/// control characters become `_`, a trailing dot or space is dropped, a device name gets a `_`
/// after its stem (`CON.pdf` → `CON_.pdf`), a long name is shortened keeping its extension, and
/// an empty result becomes `fallback`.
pub fn fit_for_windows(name: &str, fallback: &str) -> String {
    let replaced: String = name
        .chars()
        .map(|c| {
            if FORBIDDEN_CHARS.contains(&c) || c.is_control() {
                '_'
            } else {
                c
            }
        })
        .collect();
    let mut fitted = replaced
        .trim()
        .trim_end_matches(['.', ' '])
        .trim_start_matches('.')
        .to_string();
    if fitted.is_empty() {
        fitted = fallback.to_string();
    }
    if reserved_device(&fitted).is_some() {
        fitted = match fitted.split_once('.') {
            Some((stem, rest)) => format!("{}_.{rest}", stem.trim_end()),
            None => format!("{fitted}_"),
        };
    }
    shorten(&fitted)
}

/// At most [`MAX_NAME_UTF16`] units, the extension kept when it is short.
fn shorten(name: &str) -> String {
    if name.encode_utf16().count() <= MAX_NAME_UTF16 {
        return name.to_string();
    }
    let (stem, ext) = match name.rsplit_once('.') {
        Some((stem, ext)) if !stem.is_empty() && ext.chars().count() <= 16 => {
            (stem, format!(".{ext}"))
        }
        _ => (name, String::new()),
    };
    let room = MAX_NAME_UTF16 - ext.encode_utf16().count();
    let mut kept = String::new();
    let mut used = 0;
    for c in stem.chars() {
        used += c.len_utf16();
        if used > room {
            break;
        }
        kept.push(c);
    }
    let kept = kept.trim_end_matches(['.', ' ']);
    format!("{kept}{ext}")
}

/// The key under which Windows (and most shares) treat two names as the same file: case folded
/// the way NTFS compares names, one character at a time.
pub fn case_key(name: &str) -> String {
    name.chars()
        .map(|c| {
            let mut upper = c.to_uppercase();
            match (upper.next(), upper.next()) {
                (Some(u), None) => u,
                // NTFS keeps a character whose upper case is several (ß) as it is.
                _ => c,
            }
        })
        .collect()
}

/// Whether two names are one file on Windows.
pub fn same_on_windows(a: &str, b: &str) -> bool {
    case_key(a) == case_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_windows_refuses() {
        let cases: &[(&str, Option<NameProblem>)] = &[
            ("报告.xlsx", None),
            ("2025年公开台账.xlsx", None),
            (".hidden", None),
            ("CONSOLE.txt", None),
            ("COM10.txt", None),
            ("a.con", None),
            ("lpt", None),
            (" leading space.txt", None),
            ("", Some(NameProblem::Empty)),
            ("CON", Some(NameProblem::Reserved("CON".into()))),
            ("CON.xlsx", Some(NameProblem::Reserved("CON".into()))),
            ("con.xlsx", Some(NameProblem::Reserved("CON".into()))),
            ("aux", Some(NameProblem::Reserved("AUX".into()))),
            ("Nul.tar.gz", Some(NameProblem::Reserved("NUL".into()))),
            ("prn .txt", Some(NameProblem::Reserved("PRN".into()))),
            ("com1.pdf", Some(NameProblem::Reserved("COM1".into()))),
            ("LPT9", Some(NameProblem::Reserved("LPT9".into()))),
            ("com¹.txt", Some(NameProblem::Reserved("COM¹".into()))),
            ("conin$", Some(NameProblem::Reserved("CONIN$".into()))),
            ("报告.", Some(NameProblem::TrailingDotOrSpace)),
            ("报告 ", Some(NameProblem::TrailingDotOrSpace)),
            ("report.pdf.", Some(NameProblem::TrailingDotOrSpace)),
            ("a:b", Some(NameProblem::ForbiddenChar(':'))),
            ("a<b", Some(NameProblem::ForbiddenChar('<'))),
            ("a>b", Some(NameProblem::ForbiddenChar('>'))),
            ("say \"hi\"", Some(NameProblem::ForbiddenChar('"'))),
            ("a|b", Some(NameProblem::ForbiddenChar('|'))),
            ("why?", Some(NameProblem::ForbiddenChar('?'))),
            ("*.xlsx", Some(NameProblem::ForbiddenChar('*'))),
            ("a\\b", Some(NameProblem::ForbiddenChar('\\'))),
            ("a/b", Some(NameProblem::ForbiddenChar('/'))),
            ("tab\there", Some(NameProblem::ForbiddenChar('\t'))),
        ];
        for (name, expected) in cases {
            assert_eq!(&problem(name), expected, "{name:?}");
        }
        assert_eq!(problem(&"文".repeat(255)), None);
        assert_eq!(problem(&"文".repeat(256)), Some(NameProblem::TooLong));
        // Outside the BMP a character takes two UTF-16 units.
        assert_eq!(problem(&"𠀀".repeat(128)), Some(NameProblem::TooLong));
    }

    #[test]
    fn every_problem_is_named() {
        let cases = [
            (NameProblem::Reserved("CON".into()), "CON"),
            (NameProblem::ForbiddenChar(':'), ":"),
            (NameProblem::ForbiddenChar('\u{1}'), "U+0001"),
            (NameProblem::TrailingDotOrSpace, "dot or space"),
            (NameProblem::TooLong, "255"),
            (NameProblem::Empty, "empty"),
        ];
        for (problem, word) in cases {
            assert!(problem.reason().contains(word), "{problem:?}");
        }
    }

    #[test]
    fn names_made_fit() {
        let cases = [
            ("报告.pdf", "报告.pdf"),
            ("CON.pdf", "CON_.pdf"),
            ("aux", "aux_"),
            ("Nul.tar.gz", "Nul_.tar.gz"),
            ("报告.", "报告"),
            ("报告 . ", "报告"),
            ("a:b.txt", "a_b.txt"),
            ("../../etc/passwd", "_.._etc_passwd"),
            ("...", "attachment"),
            ("", "attachment"),
            ("  ", "attachment"),
            ("line\nbreak.txt", "line_break.txt"),
        ];
        for (name, fitted) in cases {
            assert_eq!(fit_for_windows(name, "attachment"), fitted, "{name:?}");
            assert_eq!(problem(fitted), None, "{fitted:?}");
        }
        let long = format!("{}.docx", "长".repeat(300));
        let fitted = fit_for_windows(&long, "attachment");
        assert!(fitted.ends_with(".docx"));
        assert_eq!(fitted.encode_utf16().count(), MAX_NAME_UTF16);
        assert_eq!(problem(&fitted), None);
    }

    #[test]
    fn names_the_same_on_windows() {
        assert!(same_on_windows("Report.PDF", "report.pdf"));
        assert!(same_on_windows("ÄRGER.txt", "ärger.TXT"));
        assert!(same_on_windows("报告.xlsx", "报告.XLSX"));
        assert!(!same_on_windows("报告.xlsx", "報告.xlsx"));
        assert!(!same_on_windows("a.txt", "a.txt "));
    }
}
