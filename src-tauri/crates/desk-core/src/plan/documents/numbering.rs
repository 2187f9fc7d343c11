//! Word's automatic numbering, put back in front of the paragraphs it numbers.
//!
//! A heading such as `一、` or `（一）` in a .docx is often not in the text at all: the paragraph
//! points at a list (`w:numPr`, directly or through its style) and Word draws the number from
//! the list's level definition in word/numbering.xml: a start value, a format (`decimal`,
//! `chineseCounting`, `ideographTraditional` …) and a pattern (`lvlText` such as `（%1）` or
//! `%1.%2`). This module keeps one counter per list and level, as Word does: a paragraph at a
//! level counts up that level and restarts the levels below it. Bullets produce no number.

use std::collections::HashMap;

use super::super::PlanError;
use super::xml::{attr, name, Node, Xml};

/// Word has nine levels, 0 to 8.
const LEVELS: usize = 9;
/// Lists and styles a plan plausibly defines; more is not a Word document.
const MAX_DEFINITIONS: usize = 10_000;

#[derive(Debug, Clone, Default)]
struct Level {
    start: Option<u32>,
    format: String,
    text: String,
    suffix: String,
    /// `isLgl`: every level's number shown in decimal.
    legal: bool,
    /// A style linked to this level (heading numbering).
    style: Option<String>,
}

#[derive(Debug, Clone, Default)]
struct List {
    abstract_id: String,
    start_overrides: HashMap<usize, u32>,
}

/// A paragraph's list and level, as given directly or by its style.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct NumberingRef {
    pub num_id: Option<String>,
    pub level: Option<usize>,
}

#[derive(Debug, Default)]
pub(crate) struct Numbering {
    abstracts: HashMap<String, Vec<Level>>,
    lists: HashMap<String, List>,
    /// Paragraph styles: their own numbering and the style they are based on.
    styles: HashMap<String, (NumberingRef, Option<String>)>,
    counters: HashMap<String, [Option<u32>; LEVELS]>,
}

impl Numbering {
    /// Reads the list definitions of word/numbering.xml.
    pub(crate) fn read_definitions(&mut self, text: &str) -> Result<(), PlanError> {
        let mut xml = Xml::new(text, "word/numbering.xml");
        let mut abstract_id: Option<String> = None;
        let mut level: Option<(usize, Level)> = None;
        let mut list: Option<(String, List)> = None;
        let mut override_level: Option<usize> = None;
        loop {
            let (element, is_start) = match xml.next()? {
                Node::Start(e) => (e, true),
                Node::Empty(e) => (e, false),
                Node::End(end) => {
                    match end.as_str() {
                        "lvl" => {
                            if let (Some(id), Some((ilvl, def))) = (&abstract_id, level.take()) {
                                if let Some(levels) = self.abstracts.get_mut(id) {
                                    if ilvl < LEVELS {
                                        levels[ilvl] = def;
                                    }
                                }
                            }
                        }
                        "abstractNum" => abstract_id = None,
                        "num" => {
                            if let Some((id, def)) = list.take() {
                                self.lists.insert(id, def);
                            }
                        }
                        "lvlOverride" => override_level = None,
                        _ => {}
                    }
                    continue;
                }
                Node::Text(_) => continue,
                Node::Eof => break,
            };
            if self.abstracts.len() + self.lists.len() > MAX_DEFINITIONS {
                return Err(PlanError::TableTooLarge {
                    detail: format!("more than {MAX_DEFINITIONS} list definitions"),
                });
            }
            let value = || attr(&element, "val");
            match name(&element) {
                "abstractNum" if is_start => {
                    let id = attr(&element, "abstractNumId").unwrap_or_default();
                    self.abstracts
                        .insert(id.clone(), vec![Level::default(); LEVELS]);
                    abstract_id = Some(id);
                }
                "lvl" if is_start && abstract_id.is_some() => {
                    let ilvl = attr(&element, "ilvl")
                        .and_then(|v| v.parse().ok())
                        .unwrap_or(0);
                    level = Some((ilvl, Level::default()));
                }
                "num" if is_start => {
                    let id = attr(&element, "numId").unwrap_or_default();
                    list = Some((id, List::default()));
                }
                "abstractNumId" => {
                    if let (Some((_, def)), Some(v)) = (list.as_mut(), value()) {
                        def.abstract_id = v;
                    }
                }
                "lvlOverride" if is_start => {
                    override_level = attr(&element, "ilvl").and_then(|v| v.parse().ok());
                }
                "startOverride" => {
                    if let (Some((_, def)), Some(ilvl), Some(v)) = (
                        list.as_mut(),
                        override_level,
                        value().and_then(|v| v.parse().ok()),
                    ) {
                        def.start_overrides.insert(ilvl, v);
                    }
                }
                element_name => {
                    if let Some((_, def)) = level.as_mut() {
                        match element_name {
                            "start" => def.start = value().and_then(|v| v.parse().ok()),
                            "numFmt" => def.format = value().unwrap_or_default(),
                            "lvlText" => def.text = value().unwrap_or_default(),
                            "suff" => def.suffix = value().unwrap_or_default(),
                            "isLgl" => def.legal = value().is_none_or(|v| v != "0" && v != "false"),
                            "pStyle" => def.style = value(),
                            _ => {}
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Reads the numbering paragraph styles carry, from word/styles.xml.
    pub(crate) fn read_styles(&mut self, text: &str) -> Result<(), PlanError> {
        let mut xml = Xml::new(text, "word/styles.xml");
        let mut style: Option<(String, NumberingRef, Option<String>)> = None;
        loop {
            let element = match xml.next()? {
                Node::Start(e) | Node::Empty(e) => e,
                Node::End(end) => {
                    if end == "style" {
                        if let Some((id, numbering, based_on)) = style.take() {
                            self.styles.insert(id, (numbering, based_on));
                        }
                    }
                    continue;
                }
                Node::Text(_) => continue,
                Node::Eof => break,
            };
            if self.styles.len() > MAX_DEFINITIONS {
                return Err(PlanError::TableTooLarge {
                    detail: format!("more than {MAX_DEFINITIONS} styles"),
                });
            }
            match (name(&element), style.as_mut()) {
                ("style", _) => {
                    style = attr(&element, "styleId").map(|id| (id, NumberingRef::default(), None));
                }
                ("basedOn", Some((_, _, based_on))) => *based_on = attr(&element, "val"),
                ("numId", Some((_, numbering, _))) => numbering.num_id = attr(&element, "val"),
                ("ilvl", Some((_, numbering, _))) => {
                    numbering.level = attr(&element, "val").and_then(|v| v.parse().ok());
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// The number Word shows for a paragraph, counting it; `None` for an unnumbered paragraph
    /// or a bullet.
    pub(crate) fn label(&mut self, direct: &NumberingRef, style: Option<&str>) -> Option<String> {
        let (num_id, level) = self.resolve(direct, style)?;
        let list = self.lists.get(&num_id)?;
        let levels = self.abstracts.get(&list.abstract_id)?;
        let def = levels.get(level)?;
        let counters = self.counters.entry(num_id).or_insert([None; LEVELS]);
        let start = |l: usize| {
            list.start_overrides
                .get(&l)
                .copied()
                .or(levels[l].start)
                .unwrap_or(1)
        };
        let value = counters[level].map_or_else(|| start(level), |v| v.saturating_add(1));
        counters[level] = Some(value);
        for deeper in counters.iter_mut().skip(level + 1) {
            *deeper = None;
        }
        if matches!(def.format.as_str(), "bullet" | "none") {
            return None;
        }
        let mut label = String::new();
        let mut chars = def.text.chars().peekable();
        while let Some(c) = chars.next() {
            let referenced = chars
                .peek()
                .and_then(|d| d.to_digit(10))
                .filter(|&d| c == '%' && (1..=LEVELS as u32).contains(&d));
            match referenced {
                Some(d) => {
                    chars.next();
                    let l = d as usize - 1;
                    let n = counters[l].unwrap_or_else(|| start(l));
                    let format = if def.legal {
                        "decimal"
                    } else {
                        &levels[l].format
                    };
                    label.push_str(&format_number(n, format));
                }
                None => label.push(c),
            }
        }
        match def.suffix.as_str() {
            "nothing" => {}
            "space" => label.push(' '),
            _ => label.push('\t'),
        }
        Some(label)
    }

    /// The list and level of a paragraph: its own `numPr`, else its style's (through the styles
    /// it is based on), the level also found from a list level linked to the style.
    fn resolve(&self, direct: &NumberingRef, style: Option<&str>) -> Option<(String, usize)> {
        let mut num_id = direct.num_id.clone();
        let mut level = direct.level;
        let mut at = style.map(str::to_owned);
        let mut steps = 0;
        while let Some(id) = at.take() {
            if num_id.is_some() && level.is_some() || steps > 20 {
                break;
            }
            steps += 1;
            let Some((numbering, based_on)) = self.styles.get(&id) else {
                break;
            };
            if num_id.is_none() {
                num_id = numbering.num_id.clone();
            }
            if level.is_none() {
                level = numbering
                    .level
                    .or_else(|| self.linked_level(num_id.as_deref(), &id));
            }
            at = based_on.clone();
        }
        let num_id = num_id.filter(|id| id != "0")?;
        Some((num_id, level.unwrap_or(0).min(LEVELS - 1)))
    }

    fn linked_level(&self, num_id: Option<&str>, style: &str) -> Option<usize> {
        let list = self.lists.get(num_id?)?;
        self.abstracts
            .get(&list.abstract_id)?
            .iter()
            .position(|l| l.style.as_deref() == Some(style))
    }
}

/// A number in one of Word's formats; unknown formats are written in decimal.
pub(crate) fn format_number(n: u32, format: &str) -> String {
    const STEMS: [char; 10] = ['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛', '壬', '癸'];
    const BRANCHES: [char; 12] = [
        '子', '丑', '寅', '卯', '辰', '巳', '午', '未', '申', '酉', '戌', '亥',
    ];
    let cycle = |set: &[char]| set[(n.max(1) as usize - 1) % set.len()].to_string();
    match format {
        "chineseCounting"
        | "chineseCountingThousand"
        | "japaneseCounting"
        | "taiwaneseCounting"
        | "taiwaneseCountingThousand"
        | "koreanCounting" => chinese(n, false),
        "chineseLegalSimplified" | "japaneseLegal" => chinese(n, true),
        "ideographDigital" | "taiwaneseDigital" | "japaneseDigitalTenThousand" => n
            .to_string()
            .chars()
            .map(|d| DIGITS[d.to_digit(10).unwrap_or(0) as usize])
            .collect(),
        "ideographTraditional" => cycle(&STEMS),
        "ideographZodiac" => cycle(&BRANCHES),
        "decimalFullWidth" | "decimalFullWidth2" => n
            .to_string()
            .chars()
            .map(|d| char::from_u32(d as u32 - '0' as u32 + 0xFF10).unwrap_or(d))
            .collect(),
        "decimalZero" if n < 10 => format!("0{n}"),
        "decimalEnclosedCircle" | "decimalEnclosedCircleChinese" if (1..=20).contains(&n) => {
            char::from_u32(0x2460 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalEnclosedFullstop" if (1..=20).contains(&n) => {
            char::from_u32(0x2488 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        "decimalEnclosedParen" if (1..=20).contains(&n) => {
            char::from_u32(0x2474 + n - 1).map_or_else(|| n.to_string(), String::from)
        }
        // `A`…`Z`, `AA`…: a hostile start value must not make a letter repeat millions of times.
        "upperLetter" | "lowerLetter" if n <= 26 * 10 => {
            let letter = char::from(b'A' + ((n.max(1) - 1) % 26) as u8);
            let text = letter.to_string().repeat((n.max(1) as usize - 1) / 26 + 1);
            if format == "lowerLetter" {
                text.to_lowercase()
            } else {
                text
            }
        }
        "upperRoman" | "lowerRoman" => {
            let text = roman(n);
            if format == "lowerRoman" {
                text.to_lowercase()
            } else {
                text
            }
        }
        _ => n.to_string(),
    }
}

const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];

/// `十一`, `二十`, `一百零五`; `壹拾壹` in the financial (legal) form. Up to 9999, then decimal.
fn chinese(n: u32, legal: bool) -> String {
    const LEGAL: [char; 10] = ['零', '壹', '贰', '叁', '肆', '伍', '陆', '柒', '捌', '玖'];
    let (digits, units) = if legal {
        (LEGAL, ['仟', '佰', '拾'])
    } else {
        (DIGITS, ['千', '百', '十'])
    };
    if n == 0 {
        return digits[0].to_string();
    }
    if n > 9999 {
        return n.to_string();
    }
    let places = [n / 1000, n / 100 % 10, n / 10 % 10, n % 10];
    let mut out = String::new();
    let mut zero = false;
    for (i, &d) in places.iter().enumerate() {
        if d == 0 {
            zero |= !out.is_empty();
            continue;
        }
        if zero {
            out.push('零');
            zero = false;
        }
        // `十一`, not `一十一`, when the tens lead.
        if !(i == 2 && d == 1 && out.is_empty() && !legal) {
            out.push(digits[d as usize]);
        }
        if let Some(unit) = units.get(i) {
            out.push(*unit);
        }
    }
    out
}

fn roman(n: u32) -> String {
    const TABLE: [(u32, &str); 13] = [
        (1000, "M"),
        (900, "CM"),
        (500, "D"),
        (400, "CD"),
        (100, "C"),
        (90, "XC"),
        (50, "L"),
        (40, "XL"),
        (10, "X"),
        (9, "IX"),
        (5, "V"),
        (4, "IV"),
        (1, "I"),
    ];
    if n == 0 || n > 3999 {
        return n.to_string();
    }
    let mut rest = n;
    let mut out = String::new();
    for (value, text) in TABLE {
        while rest >= value {
            out.push_str(text);
            rest -= value;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats() {
        let cases = [
            (1, "decimal", "1"),
            (12, "decimal", "12"),
            (1, "chineseCounting", "一"),
            (10, "chineseCounting", "十"),
            (11, "chineseCounting", "十一"),
            (20, "chineseCounting", "二十"),
            (99, "chineseCounting", "九十九"),
            (105, "chineseCountingThousand", "一百零五"),
            (110, "chineseCountingThousand", "一百一十"),
            (2019, "chineseCountingThousand", "二千零一十九"),
            (3, "ideographTraditional", "丙"),
            (11, "ideographTraditional", "甲"),
            (12, "ideographDigital", "一二"),
            (3, "decimalEnclosedCircleChinese", "③"),
            (2, "decimalFullWidth", "２"),
            (11, "chineseLegalSimplified", "壹拾壹"),
            (4, "upperRoman", "IV"),
            (28, "lowerLetter", "bb"),
            (4_000_000_000, "upperLetter", "4000000000"),
            (5, "someFutureFormat", "5"),
        ];
        for (n, format, expected) in cases {
            assert_eq!(format_number(n, format), expected, "{n} {format}");
        }
    }

    fn numbering() -> Numbering {
        let definitions = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<w:numbering xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">
<w:abstractNum w:abstractNumId="0">
<w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="chineseCounting"/><w:lvlText w:val="（%2）"/><w:suff w:val="nothing"/></w:lvl>
<w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%3."/></w:lvl>
<w:lvl w:ilvl="3"><w:start w:val="1"/><w:numFmt w:val="bullet"/><w:lvlText w:val="&#8226;"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="1">
<w:lvl w:ilvl="0" w:tplc="1"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/><w:pStyle w:val="ListNumber"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="1"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
</w:numbering>"#;
        let styles = r#"<w:styles xmlns:w="w"><w:style w:type="paragraph" w:styleId="ListNumber"><w:basedOn w:val="Normal"/><w:pPr><w:numPr><w:numId w:val="2"/></w:numPr></w:pPr></w:style>
<w:style w:styleId="MyList"><w:basedOn w:val="ListNumber"/></w:style></w:styles>"#;
        let mut numbering = Numbering::default();
        assert_eq!(numbering.read_definitions(definitions), Ok(()));
        assert_eq!(numbering.read_styles(styles), Ok(()));
        numbering
    }

    #[test]
    fn counters() {
        let mut n = numbering();
        let at = |level: usize| NumberingRef {
            num_id: Some("1".into()),
            level: Some(level),
        };
        let mut labels = Vec::new();
        for level in [0, 1, 1, 2, 2, 3, 1, 0, 1, 2] {
            labels.push(n.label(&at(level), None));
        }
        let expected = [
            Some("一、"),
            Some("（一）"),
            Some("（二）"),
            Some("1.\t"),
            Some("2.\t"),
            None,
            Some("（三）"),
            Some("二、"),
            Some("（一）"),
            Some("1.\t"),
        ];
        assert_eq!(labels, expected.map(|l| l.map(str::to_owned)));
        // Through a style (and one based on it), the level found from the linked style, the
        // start overridden by the list.
        let none = NumberingRef::default();
        assert_eq!(n.label(&none, Some("ListNumber")).as_deref(), Some("5.\t"));
        assert_eq!(n.label(&none, Some("MyList")).as_deref(), Some("6.\t"));
        // numId 0 takes the numbering away; an unknown list or style has none.
        let off = NumberingRef {
            num_id: Some("0".into()),
            level: None,
        };
        assert_eq!(n.label(&off, Some("ListNumber")), None);
        assert_eq!(n.label(&none, Some("Normal")), None);
        assert_eq!(n.label(&none, None), None);
    }
}
