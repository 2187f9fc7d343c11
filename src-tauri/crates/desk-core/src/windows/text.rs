//! Text files made on Windows: Notepad, Excel and copies from the clipboard end lines with CRLF
//! and may start with a byte-order mark. Readers that split on `\n` themselves (or hand the text
//! to a parser that does) take it through [`as_lf`] first, so that such a file reads exactly
//! as the same file made on Linux.

use std::borrow::Cow;

/// `text` without a leading byte-order mark, with every CRLF (and a lone CR) made LF.
pub fn as_lf(text: &str) -> Cow<'_, str> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    if !text.contains('\r') {
        return Cow::Borrowed(text);
    }
    Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn windows_text_reads_as_linux_text() {
        let cases = [
            ("a\nb\n", "a\nb\n"),
            ("a\r\nb\r\n", "a\nb\n"),
            ("\u{feff}标题\r\n内容", "标题\n内容"),
            ("mixed\r\nline\nends\r", "mixed\nline\nends\n"),
            ("old mac\rtext", "old mac\ntext"),
            ("", ""),
            ("\u{feff}", ""),
        ];
        for (windows, linux) in cases {
            assert_eq!(as_lf(windows), linux, "{windows:?}");
        }
        assert!(matches!(as_lf("no carriage return\n"), Cow::Borrowed(_)));
    }
}
