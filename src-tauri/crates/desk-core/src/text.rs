//! Text normalisation shared by search and name matching.

/// Folds traditional characters to simplified, full-width ASCII to half-width, and letters to
/// lower case, character by character, so that a folded substring is always a substring of the
/// folded whole (search relies on that).
pub fn fold(text: &str) -> String {
    text.chars().map(fold_char).collect()
}

/// The text in simplified characters, everything else as it is (width, case, punctuation).
pub fn to_simplified(text: &str) -> String {
    fast2s::convert(text)
}

pub fn fold_char(c: char) -> char {
    let c = match c {
        '\u{3000}' => ' ',
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    if c.is_ascii() {
        return c.to_ascii_lowercase();
    }
    let mut buf = [0u8; 4];
    let simplified = fast2s::convert(c.encode_utf8(&mut buf));
    let mut chars = simplified.chars();
    match (chars.next(), chars.next()) {
        (Some(single), None) => single,
        _ => c,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn simplifies_only_the_characters() {
        assert_eq!(
            to_simplified("大政公開辦〔2019〕7號（責任部門：辦公室）ＡＢ"),
            "大政公开办〔2019〕7号（责任部门：办公室）ＡＢ"
        );
    }

    #[test]
    fn folds_traditional_and_width() {
        assert_eq!(fold("解讀"), "解读");
        assert_eq!(fold("規法處"), "规法处");
        assert_eq!(fold("責任部門：ＡＢ"), "责任部门:ab");
        assert_eq!(fold("大政公開辦〔2019〕7號"), "大政公开办〔2019〕7号");
    }
}
