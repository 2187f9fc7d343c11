//! A PDF font's ToUnicode CMap: which text each character code stands for.
//!
//! CJK PDFs (LibreOffice, WPS, Word) write Type0 fonts whose codes are glyph ids, meaningless
//! without this map. Only what text extraction needs is read: the code space ranges (how many
//! bytes a code takes), `bfchar` pairs and `bfrange` runs. Ranges are kept as ranges, never
//! expanded, so a range over four billion codes costs what one over two does; the map's stream
//! is bounded by its caller.

use std::collections::HashMap;

/// Entries kept from one map; a CJK font subset has a few thousand.
const MAX_ENTRIES: usize = 200_000;

#[derive(Debug, Default)]
pub(crate) struct CMap {
    /// (bytes, lowest, highest) of each code space range.
    pub(crate) spaces: Vec<(usize, u32, u32)>,
    singles: HashMap<(usize, u32), String>,
    ranges: Vec<Range>,
}

#[derive(Debug)]
struct Range {
    bytes: usize,
    low: u32,
    high: u32,
    target: Target,
}

#[derive(Debug)]
enum Target {
    /// UTF-16 units whose last one counts up from `low`.
    From(Vec<u16>),
    /// One text per code from `low`.
    Each(Vec<String>),
}

enum Token<'a> {
    Hex(Vec<u8>),
    Open,
    Close,
    Word(&'a [u8]),
}

struct Tokens<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Iterator for Tokens<'a> {
    type Item = Token<'a>;

    fn next(&mut self) -> Option<Token<'a>> {
        let bytes = self.bytes;
        loop {
            let c = *bytes.get(self.at)?;
            match c {
                b'%' => {
                    while self.at < bytes.len() && !matches!(bytes[self.at], b'\n' | b'\r') {
                        self.at += 1;
                    }
                }
                b'<' if bytes.get(self.at + 1) == Some(&b'<') => self.at += 2,
                b'>' if bytes.get(self.at + 1) == Some(&b'>') => self.at += 2,
                b'<' => {
                    let start = self.at + 1;
                    let end = bytes[start..]
                        .iter()
                        .position(|&b| b == b'>')
                        .map_or(bytes.len(), |p| start + p);
                    self.at = (end + 1).min(bytes.len());
                    return Some(Token::Hex(hex(&bytes[start..end])));
                }
                b'[' => {
                    self.at += 1;
                    return Some(Token::Open);
                }
                b']' => {
                    self.at += 1;
                    return Some(Token::Close);
                }
                c if c.is_ascii_whitespace() => self.at += 1,
                b'(' => {
                    // A literal string (a CMap's name or registry): skipped, nesting respected.
                    let mut depth = 0usize;
                    while let Some(&b) = bytes.get(self.at) {
                        self.at += 1;
                        match b {
                            b'\\' => self.at += 1,
                            b'(' => depth += 1,
                            b')' => {
                                depth = depth.saturating_sub(1);
                                if depth == 0 {
                                    break;
                                }
                            }
                            _ => {}
                        }
                    }
                }
                _ => {
                    let start = self.at;
                    while self.at < bytes.len()
                        && !bytes[self.at].is_ascii_whitespace()
                        && !matches!(bytes[self.at], b'<' | b'>' | b'[' | b']' | b'(' | b'%')
                    {
                        self.at += 1;
                    }
                    if self.at == start {
                        self.at += 1;
                    }
                    return Some(Token::Word(&bytes[start..self.at]));
                }
            }
        }
    }
}

fn hex(digits: &[u8]) -> Vec<u8> {
    let values: Vec<u8> = digits
        .iter()
        .filter_map(|&d| (d as char).to_digit(16).map(|v| v as u8))
        .collect();
    values
        .chunks(2)
        .map(|pair| (pair[0] << 4) | pair.get(1).copied().unwrap_or(0))
        .collect()
}

/// A code of at most four bytes as a number.
fn code(bytes: &[u8]) -> Option<(usize, u32)> {
    if bytes.is_empty() || bytes.len() > 4 {
        return None;
    }
    Some((
        bytes.len(),
        bytes.iter().fold(0u32, |n, &b| (n << 8) | u32::from(b)),
    ))
}

fn utf16(bytes: &[u8]) -> Vec<u16> {
    bytes
        .chunks(2)
        .map(|pair| u16::from_be_bytes([pair[0], pair.get(1).copied().unwrap_or(0)]))
        .collect()
}

impl CMap {
    pub(crate) fn parse(bytes: &[u8]) -> CMap {
        let mut map = CMap::default();
        let mut tokens = Tokens { bytes, at: 0 };
        let mut section: &[u8] = b"";
        let mut pending: Vec<Vec<u8>> = Vec::new();
        while let Some(token) = tokens.next() {
            if map.singles.len() + map.ranges.len() + map.spaces.len() >= MAX_ENTRIES {
                break;
            }
            match token {
                Token::Word(word) if word.starts_with(b"begin") || word.starts_with(b"end") => {
                    section = word;
                    pending.clear();
                }
                Token::Hex(value) => {
                    pending.push(value);
                    match section {
                        b"begincodespacerange" if pending.len() == 2 => {
                            if let (Some((bytes, low)), Some((_, high))) =
                                (code(&pending[0]), code(&pending[1]))
                            {
                                map.spaces.push((bytes, low, high));
                            }
                            pending.clear();
                        }
                        b"beginbfchar" if pending.len() == 2 => {
                            if let Some(key) = code(&pending[0]) {
                                let text = String::from_utf16_lossy(&utf16(&pending[1]));
                                map.singles.insert(key, text);
                            }
                            pending.clear();
                        }
                        b"beginbfrange" if pending.len() == 3 => {
                            map.range(&pending[0], &pending[1], Target::From(utf16(&pending[2])));
                            pending.clear();
                        }
                        _ => {}
                    }
                }
                Token::Open if section == b"beginbfrange" && pending.len() == 2 => {
                    let mut texts = Vec::new();
                    for token in tokens.by_ref() {
                        match token {
                            Token::Hex(value) if texts.len() < MAX_ENTRIES => {
                                texts.push(String::from_utf16_lossy(&utf16(&value)))
                            }
                            Token::Close => break,
                            _ => {}
                        }
                    }
                    map.range(&pending[0], &pending[1], Target::Each(texts));
                    pending.clear();
                }
                _ => {}
            }
        }
        map
    }

    fn range(&mut self, low: &[u8], high: &[u8], target: Target) {
        if let (Some((bytes, low)), Some((_, high))) = (code(low), code(high)) {
            if low <= high {
                self.ranges.push(Range {
                    bytes,
                    low,
                    high,
                    target,
                });
            }
        }
    }

    /// The text a code of `bytes` bytes stands for.
    pub(crate) fn text(&self, bytes: usize, value: u32) -> Option<String> {
        if let Some(text) = self.singles.get(&(bytes, value)) {
            return Some(text.clone());
        }
        let range = self
            .ranges
            .iter()
            .find(|r| r.bytes == bytes && r.low <= value && value <= r.high)?;
        let offset = value - range.low;
        match &range.target {
            Target::From(units) => {
                let mut units = units.clone();
                let last = units.last_mut()?;
                *last = last.wrapping_add(u16::try_from(offset).ok()?);
                Some(String::from_utf16_lossy(&units))
            }
            Target::Each(texts) => texts.get(usize::try_from(offset).ok()?).cloned(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chars_ranges_and_spaces_are_read() {
        let map = CMap::parse(
            b"/CIDInit /ProcSet findresource begin 12 dict begin begincmap
/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def
/CMapName /Adobe-Identity-UCS def /CMapType 2 def
1 begincodespacerange <0000> <FFFF> endcodespacerange
2 beginbfchar <0003> <0020> <01A2> <653F52A1> endbfchar
2 beginbfrange <0010> <0012> <516C> <0020> <0021> [<4E00> <D840DC00>] endbfrange
endcmap CMapName currentdict /CMap defineresource pop end end",
        );
        assert_eq!(map.spaces, [(2, 0, 0xFFFF)]);
        assert_eq!(map.text(2, 3).as_deref(), Some(" "));
        assert_eq!(map.text(2, 0x01A2).as_deref(), Some("政务"));
        assert_eq!(map.text(2, 0x10).as_deref(), Some("公"));
        assert_eq!(map.text(2, 0x12).as_deref(), Some("兮"));
        assert_eq!(map.text(2, 0x21).as_deref(), Some("\u{20000}"));
        assert_eq!(map.text(2, 0x22), None);
        assert_eq!(map.text(1, 3), None);
    }

    #[test]
    fn hostile_maps_never_expand_or_panic() {
        let map = CMap::parse(b"1 beginbfrange <00000000> <FFFFFFFF> <0041> endbfrange");
        assert_eq!(map.text(4, 0x10_0000).as_deref(), None);
        assert_eq!(map.text(4, 1).as_deref(), Some("B"));
        for junk in [
            &b"beginbfrange <0 <1> [ <"[..],
            b"<<<<>>>>((((\\",
            b"beginbfchar <> <> <FFFFFFFFFF> <00>",
            b"%",
        ] {
            let _ = CMap::parse(junk);
        }
    }
}
