//! The text layer of a PDF, in reading order.
//!
//! lopdf reads the file's objects (cross-references, object streams, decryption with an empty
//! password); the page content is interpreted here: text positioning (`BT` … `ET`, `Td`, `Tm`,
//! `T*`, `cm` and `q`/`Q`), text shown by `Tj`, `TJ`, `'` and `"` decoded through the font's
//! ToUnicode map (`cmap`; CJK PDFs use Type0 fonts whose codes are glyph ids) and advanced by
//! the font's widths, so each piece of text gets a position and an extent; `layout` puts the
//! pieces back into lines and paragraphs. Text inside form XObjects and annotations is not read.
//!
//! A PDF is hostile until read, and a PDF parser is large code that has panicked and looped on
//! crafted files. So: the whole file is bounded by the caller; before lopdf sees it every
//! Flate stream in it is inflated into a counter (`check_inflation`), so the file cannot unpack
//! to more than `MAX_INFLATED_BYTES` in all, and lopdf bounds each stream again; the content and
//! maps read, the operations interpreted and the pages are counted against limits; and all of
//! it runs on a worker thread that catches a panic and is given `TIME_LIMIT`: a panic or a
//! reader still busy by then becomes `PlanError::ReaderStopped`. The interpreter checks a stop
//! flag as it goes, so a worker given up on stops at its next operation.

use std::collections::HashMap;
use std::io::Read;
use std::rc::Rc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use encoding_rs::{GBK, WINDOWS_1252};
use flate2::read::ZlibDecoder;
use lopdf::content::Content;
use lopdf::{Dictionary, Document, LoadOptions, Object};

use super::super::PlanError;
use super::cmap::CMap;
use super::guard::bounded;
use super::layout::{self, Run};

/// Pages read from one PDF: a plan has tens.
pub(crate) const MAX_PAGES: usize = 2_000;
/// What every Flate stream of the file may inflate to together.
pub(crate) const MAX_INFLATED_BYTES: u64 = 256 * 1024 * 1024;
/// One stream inflated (lopdf's own bound, for every filter).
const MAX_STREAM_BYTES: usize = 32 * 1024 * 1024;
/// Page content and font maps read from one document.
const MAX_CONTENT_BYTES: usize = 64 * 1024 * 1024;
/// Content operations interpreted in one document (a page of text has a few thousand).
const MAX_OPERATIONS: usize = 5_000_000;
/// `q` nesting kept; deeper saves are ignored (real files nest a few levels).
const MAX_SAVED_STATES: usize = 256;
/// How long reading a PDF may take before it is given up.
pub(crate) const TIME_LIMIT: Duration = Duration::from_secs(20);

pub(crate) fn read(bytes: &[u8]) -> Result<Vec<String>, PlanError> {
    check_inflation(bytes)?;
    let owned = bytes.to_vec();
    bounded(TIME_LIMIT, move |stop| extract(&owned, stop))
}

/// Inflates every zlib stream that follows a `stream` keyword (but images) into a counter,
/// refusing the file when they come to more than `MAX_INFLATED_BYTES`: lopdf inflates object
/// streams as it loads, and would otherwise allocate whatever a crafted file unpacks to.
fn check_inflation(bytes: &[u8]) -> Result<(), PlanError> {
    let too_large = || PlanError::ArchiveTooLarge {
        part: "PDF streams".into(),
        max: MAX_INFLATED_BYTES,
    };
    let mut total: u64 = 0;
    let mut buffer = vec![0u8; 64 * 1024];
    let mut at = 0;
    while let Some(found) = find(&bytes[at..], b"stream") {
        let keyword = at + found;
        at = keyword + 6;
        if keyword >= 3 && &bytes[keyword - 3..keyword] == b"end" {
            continue;
        }
        // Images are never inflated (lopdf loads them as they are, and no text is in them), so
        // a scan's Flate-compressed pages do not count; but only a stream whose whole
        // dictionary is in view and names no object or cross-reference stream, the kinds lopdf
        // inflates as it loads.
        let window = &bytes[keyword.saturating_sub(4096)..keyword];
        let dictionary = window
            .windows(3)
            .rposition(|w| w == b"obj")
            .map(|p| &window[p + 3..]);
        if let Some(dictionary) = dictionary {
            if find(dictionary, b"/Image").is_some()
                && find(dictionary, b"/ObjStm").is_none()
                && find(dictionary, b"/XRef").is_none()
            {
                continue;
            }
        }
        let data = match bytes.get(at..) {
            Some(rest) if rest.starts_with(b"\r\n") => &rest[2..],
            Some(rest) if rest.starts_with(b"\n") || rest.starts_with(b"\r") => &rest[1..],
            _ => continue,
        };
        let mut decoder = ZlibDecoder::new(data);
        loop {
            match decoder.read(&mut buffer) {
                Ok(0) | Err(_) => break,
                Ok(read) => {
                    total += read as u64;
                    if total > MAX_INFLATED_BYTES {
                        return Err(too_large());
                    }
                }
            }
        }
    }
    Ok(())
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

struct Budget<'s> {
    content: usize,
    operations: usize,
    stop: &'s AtomicBool,
}

impl Budget<'_> {
    fn take_bytes(&mut self, bytes: usize) -> Result<(), PlanError> {
        self.content =
            self.content
                .checked_sub(bytes)
                .ok_or_else(|| PlanError::ArchiveTooLarge {
                    part: "PDF page content".into(),
                    max: MAX_CONTENT_BYTES as u64,
                })?;
        Ok(())
    }

    fn take_operation(&mut self) -> Result<(), PlanError> {
        if self.stop.load(Ordering::Relaxed) {
            return Err(PlanError::ReaderStopped {
                detail: "given up".into(),
            });
        }
        self.operations =
            self.operations
                .checked_sub(1)
                .ok_or_else(|| PlanError::ReaderStopped {
                    detail: format!("more than {MAX_OPERATIONS} drawing operations"),
                })?;
        Ok(())
    }
}

fn extract(bytes: &[u8], stop: &AtomicBool) -> Result<Vec<String>, PlanError> {
    let options = LoadOptions {
        max_decompressed_size: Some(MAX_STREAM_BYTES),
        ..LoadOptions::default()
    };
    let document =
        Document::load_mem_with_options(bytes, options).map_err(|error| match error {
            lopdf::Error::InvalidPassword | lopdf::Error::Decryption(_) => PlanError::Encrypted,
            error => PlanError::damaged(format!("PDF: {error}")),
        })?;
    // Encrypted with a password to open it: lopdf tried the empty one and could not decrypt.
    if document.trailer.has(b"Encrypt") && !document.was_encrypted() {
        return Err(PlanError::Encrypted);
    }
    let pages = document.get_pages();
    if pages.len() > MAX_PAGES {
        return Err(PlanError::TooManyPages { max: MAX_PAGES });
    }
    if pages.is_empty() {
        return Err(PlanError::damaged("PDF: no pages"));
    }
    let mut budget = Budget {
        content: MAX_CONTENT_BYTES,
        operations: MAX_OPERATIONS,
        stop,
    };
    let mut fonts = Fonts::default();
    let mut runs = Vec::new();
    for (index, page) in pages.values().enumerate() {
        let mut content = Vec::new();
        for id in document.get_page_contents(*page) {
            let Ok(stream) = document.get_object(id).and_then(Object::as_stream) else {
                continue;
            };
            let data = stream
                .decompressed_content_with_limit(budget.content.min(MAX_STREAM_BYTES))
                .map_err(|error| PlanError::damaged(format!("PDF page {}: {error}", index + 1)))?;
            budget.take_bytes(data.len())?;
            content.extend_from_slice(&data);
            content.push(b'\n');
        }
        let page_fonts = document.get_page_fonts(*page).unwrap_or_default();
        let mut page_fonts_read = HashMap::new();
        for (name, dictionary) in page_fonts {
            let font = fonts.get(&document, dictionary, &mut budget)?;
            page_fonts_read.insert(name, font);
        }
        Page {
            fonts: page_fonts_read,
            index,
            runs: &mut runs,
        }
        .interpret(&content, &mut budget)?;
    }
    if runs.iter().all(|run| run.text.trim().is_empty()) {
        return Err(PlanError::NoTextLayer);
    }
    Ok(layout::paragraphs(runs))
}

// --- Fonts ----------------------------------------------------------------------------------

/// How a font's strings split into codes.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Codes {
    One,
    Two,
    /// GBK/EUC: a lead byte from 0x81 starts a two-byte code.
    Gbk,
}

/// What a code means when the font has no ToUnicode map.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Fallback {
    Latin,
    Ucs2,
    Gbk,
    None,
}

#[derive(Debug)]
struct Font {
    codes: Codes,
    spaces: Vec<(usize, u32, u32)>,
    to_unicode: Option<Rc<CMap>>,
    fallback: Fallback,
    /// Advance widths in thousandths of the size: by code for a simple font, by CID (the code,
    /// under Identity) for a composite one.
    widths: Vec<(u32, u32, f64)>,
    default_width: f64,
}

#[derive(Default)]
struct Fonts {
    /// By the font dictionary's address: fonts are shared by pages.
    read: HashMap<usize, Rc<Font>>,
    maps: HashMap<lopdf::ObjectId, Rc<CMap>>,
}

fn number(object: &Object) -> Option<f64> {
    match object {
        Object::Integer(n) => Some(*n as f64),
        Object::Real(n) => Some(f64::from(*n)),
        _ => None,
    }
    .filter(|n| n.is_finite())
}

fn resolve<'d>(document: &'d Document, object: &'d Object) -> &'d Object {
    document
        .dereference(object)
        .map_or(object, |(_, object)| object)
}

fn get<'d>(document: &'d Document, dictionary: &'d Dictionary, key: &[u8]) -> Option<&'d Object> {
    dictionary.get(key).ok().map(|o| resolve(document, o))
}

impl Fonts {
    fn get(
        &mut self,
        document: &Document,
        dictionary: &Dictionary,
        budget: &mut Budget<'_>,
    ) -> Result<Rc<Font>, PlanError> {
        let key = dictionary as *const Dictionary as usize;
        if let Some(font) = self.read.get(&key) {
            return Ok(Rc::clone(font));
        }
        let to_unicode = match dictionary.get(b"ToUnicode") {
            Ok(Object::Reference(id)) => self.map(document, *id, budget)?,
            _ => None,
        };
        let composite = matches!(dictionary.get(b"Subtype"), Ok(Object::Name(n)) if n == b"Type0");
        let font = if composite {
            composite_font(
                document,
                dictionary,
                to_unicode,
                |id, budget| self.map(document, id, budget),
                budget,
            )?
        } else {
            simple_font(document, dictionary, to_unicode)
        };
        let font = Rc::new(font);
        self.read.insert(key, Rc::clone(&font));
        Ok(font)
    }

    fn map(
        &mut self,
        document: &Document,
        id: lopdf::ObjectId,
        budget: &mut Budget<'_>,
    ) -> Result<Option<Rc<CMap>>, PlanError> {
        if let Some(map) = self.maps.get(&id) {
            return Ok(Some(Rc::clone(map)));
        }
        let Ok(stream) = document.get_object(id).and_then(Object::as_stream) else {
            return Ok(None);
        };
        let Ok(bytes) =
            stream.decompressed_content_with_limit(budget.content.min(MAX_STREAM_BYTES))
        else {
            return Ok(None);
        };
        budget.take_bytes(bytes.len())?;
        let map = Rc::new(CMap::parse(&bytes));
        self.maps.insert(id, Rc::clone(&map));
        Ok(Some(map))
    }
}

fn simple_font(document: &Document, font: &Dictionary, to_unicode: Option<Rc<CMap>>) -> Font {
    let first = get(document, font, b"FirstChar")
        .and_then(number)
        .unwrap_or(0.0)
        .clamp(0.0, 255.0) as u32;
    let mut widths = Vec::new();
    if let Some(Object::Array(list)) = get(document, font, b"Widths") {
        for (i, width) in list.iter().take(256).enumerate() {
            if let Some(width) = number(resolve(document, width)) {
                let code = first + i as u32;
                widths.push((code, code, width));
            }
        }
    }
    let missing = get(document, font, b"FontDescriptor")
        .and_then(|d| d.as_dict().ok())
        .and_then(|d| get(document, d, b"MissingWidth"))
        .and_then(number);
    Font {
        codes: Codes::One,
        spaces: Vec::new(),
        to_unicode,
        fallback: Fallback::Latin,
        widths,
        // The standard fonts carry no widths: half an em is near the average Latin glyph.
        default_width: missing.unwrap_or(500.0),
    }
}

fn composite_font(
    document: &Document,
    font: &Dictionary,
    to_unicode: Option<Rc<CMap>>,
    mut map: impl FnMut(lopdf::ObjectId, &mut Budget<'_>) -> Result<Option<Rc<CMap>>, PlanError>,
    budget: &mut Budget<'_>,
) -> Result<Font, PlanError> {
    let encoding = font.get(b"Encoding").ok();
    let (codes, fallback, mut spaces, identity) = match encoding {
        Some(Object::Name(name)) => {
            let name = String::from_utf8_lossy(name);
            if name.starts_with("Identity") {
                (Codes::Two, Fallback::None, Vec::new(), true)
            } else if name.contains("UCS2") || name.contains("UTF16") {
                (Codes::Two, Fallback::Ucs2, Vec::new(), false)
            } else if name.contains("EUC") || name.starts_with("GBK") || name.starts_with("GBpc") {
                (Codes::Gbk, Fallback::Gbk, Vec::new(), false)
            } else {
                (Codes::Two, Fallback::None, Vec::new(), false)
            }
        }
        // An embedded CMap: its code space says how codes split.
        Some(Object::Reference(id)) => {
            let spaces = map(*id, budget)?
                .map(|m| m.spaces.clone())
                .unwrap_or_default();
            (Codes::Two, Fallback::None, spaces, false)
        }
        _ => (Codes::Two, Fallback::None, Vec::new(), true),
    };
    if spaces.is_empty() && codes == Codes::Two && !identity {
        if let Some(map) = &to_unicode {
            spaces = map.spaces.clone();
        }
    }
    let descendant = get(document, font, b"DescendantFonts")
        .and_then(|d| d.as_array().ok())
        .and_then(|list| list.first())
        .map(|d| resolve(document, d))
        .and_then(|d| d.as_dict().ok());
    let mut widths = Vec::new();
    let mut default_width = 1000.0;
    if let Some(descendant) = descendant {
        if let Some(width) = get(document, descendant, b"DW").and_then(number) {
            default_width = width;
        }
        // Under another encoding the code is not the CID; the default width stands in.
        if identity {
            if let Some(Object::Array(list)) = get(document, descendant, b"W") {
                widths = cid_widths(document, list);
            }
        }
    }
    Ok(Font {
        codes,
        spaces,
        to_unicode,
        fallback,
        widths,
        default_width,
    })
}

/// `/W [c [w1 w2 …] c1 c2 w …]`, bounded to the ranges a font can have.
fn cid_widths(document: &Document, list: &[Object]) -> Vec<(u32, u32, f64)> {
    let mut widths = Vec::new();
    let mut items = list.iter().map(|o| resolve(document, o));
    while let Some(first) = items.next() {
        if widths.len() > 70_000 {
            break;
        }
        let Some(first) = number(first).filter(|n| *n >= 0.0 && *n <= f64::from(u32::MAX)) else {
            break;
        };
        let first = first as u32;
        match items.next() {
            Some(Object::Array(each)) => {
                for (i, width) in each.iter().take(70_000).enumerate() {
                    if let Some(width) = number(resolve(document, width)) {
                        let code = first.saturating_add(i as u32);
                        widths.push((code, code, width));
                    }
                }
            }
            Some(last) => {
                let (Some(last), Some(width)) = (number(last), items.next().and_then(number))
                else {
                    break;
                };
                if last >= 0.0 && last <= f64::from(u32::MAX) {
                    widths.push((first, last as u32, width));
                }
            }
            None => break,
        }
    }
    widths
}

impl Font {
    /// The string split into codes: (code, bytes).
    fn codes(&self, string: &[u8]) -> Vec<(u32, usize)> {
        let mut out = Vec::new();
        let mut at = 0;
        while at < string.len() {
            let length = match self.codes {
                Codes::One => 1,
                Codes::Gbk => {
                    if string[at] >= 0x81 {
                        2
                    } else {
                        1
                    }
                }
                Codes::Two if !self.spaces.is_empty() => (1..=4)
                    .find(|&n| {
                        string.get(at..at + n).is_some_and(|bytes| {
                            let value = bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b));
                            self.spaces
                                .iter()
                                .any(|&(len, low, high)| len == n && low <= value && value <= high)
                        })
                    })
                    .unwrap_or(2),
                Codes::Two => 2,
            };
            let bytes = &string[at..(at + length).min(string.len())];
            let value = bytes.iter().fold(0u32, |v, &b| (v << 8) | u32::from(b));
            out.push((value, bytes.len()));
            at += length;
        }
        out
    }

    fn text(&self, code: u32, bytes: usize) -> String {
        if let Some(text) = self.to_unicode.as_ref().and_then(|m| m.text(bytes, code)) {
            return text;
        }
        match self.fallback {
            Fallback::Latin => {
                let byte = [code as u8];
                WINDOWS_1252
                    .decode_without_bom_handling(&byte)
                    .0
                    .into_owned()
            }
            Fallback::Ucs2 => char::from_u32(code).map(String::from).unwrap_or_default(),
            Fallback::Gbk => {
                let pair = code.to_be_bytes();
                GBK.decode_without_bom_handling(&pair[4 - bytes.min(4)..])
                    .0
                    .into_owned()
            }
            Fallback::None => String::new(),
        }
    }

    fn width(&self, code: u32) -> f64 {
        self.widths
            .iter()
            .find(|(low, high, _)| *low <= code && code <= *high)
            .map_or(self.default_width, |(_, _, width)| *width)
    }
}

// --- Content ----------------------------------------------------------------------------------

type Matrix = [f64; 6];
const IDENTITY: Matrix = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0];

/// `a` then `b`, as PDF concatenates (row vectors).
fn multiply(a: &Matrix, b: &Matrix) -> Matrix {
    [
        a[0] * b[0] + a[1] * b[2],
        a[0] * b[1] + a[1] * b[3],
        a[2] * b[0] + a[3] * b[2],
        a[2] * b[1] + a[3] * b[3],
        a[4] * b[0] + a[5] * b[2] + b[4],
        a[4] * b[1] + a[5] * b[3] + b[5],
    ]
}

fn apply(m: &Matrix, x: f64, y: f64) -> (f64, f64) {
    (m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5])
}

#[derive(Clone)]
struct State {
    ctm: Matrix,
    font: Option<Rc<Font>>,
    size: f64,
    char_spacing: f64,
    word_spacing: f64,
    scale: f64,
    leading: f64,
    rise: f64,
}

struct Page<'r> {
    fonts: HashMap<Vec<u8>, Rc<Font>>,
    index: usize,
    runs: &'r mut Vec<Run>,
}

fn numbers<const N: usize>(operands: &[Object]) -> Option<[f64; N]> {
    let mut out = [0.0; N];
    if operands.len() < N {
        return None;
    }
    for (slot, operand) in out.iter_mut().zip(&operands[operands.len() - N..]) {
        *slot = number(operand)?;
    }
    Some(out)
}

impl Page<'_> {
    fn interpret(&mut self, content: &[u8], budget: &mut Budget<'_>) -> Result<(), PlanError> {
        let mut state = State {
            ctm: IDENTITY,
            font: None,
            size: 0.0,
            char_spacing: 0.0,
            word_spacing: 0.0,
            scale: 1.0,
            leading: 0.0,
            rise: 0.0,
        };
        let mut saved: Vec<State> = Vec::new();
        let mut tm = IDENTITY;
        let mut tlm = IDENTITY;
        for operation in Content::decode_iter(content) {
            budget.take_operation()?;
            // A broken operation ends the page's text, as viewers do; what came before stays.
            let Ok(operation) = operation else { break };
            let operands = &operation.operands;
            match operation.operator.as_str() {
                "q" if saved.len() < MAX_SAVED_STATES => saved.push(state.clone()),
                "Q" => {
                    if let Some(previous) = saved.pop() {
                        state = previous;
                    }
                }
                "cm" => {
                    if let Some(m) = numbers::<6>(operands) {
                        state.ctm = multiply(&m, &state.ctm);
                    }
                }
                "BT" => {
                    tm = IDENTITY;
                    tlm = IDENTITY;
                }
                "Tf" => {
                    if let (Some(Object::Name(name)), Some(size)) =
                        (operands.first(), operands.get(1).and_then(number))
                    {
                        state.font = self.fonts.get(name).cloned();
                        state.size = size;
                    }
                }
                "Tc" => state.char_spacing = numbers::<1>(operands).map_or(0.0, |[n]| n),
                "Tw" => state.word_spacing = numbers::<1>(operands).map_or(0.0, |[n]| n),
                "Tz" => state.scale = numbers::<1>(operands).map_or(100.0, |[n]| n) / 100.0,
                "TL" => state.leading = numbers::<1>(operands).map_or(0.0, |[n]| n),
                "Ts" => state.rise = numbers::<1>(operands).map_or(0.0, |[n]| n),
                "Td" | "TD" => {
                    if let Some([x, y]) = numbers::<2>(operands) {
                        if operation.operator == "TD" {
                            state.leading = -y;
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, x, y], &tlm);
                        tm = tlm;
                    }
                }
                "Tm" => {
                    if let Some(m) = numbers::<6>(operands) {
                        tlm = m;
                        tm = m;
                    }
                }
                "T*" => {
                    tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                    tm = tlm;
                }
                "Tj" | "'" | "\"" | "TJ" => {
                    if operation.operator != "Tj" && operation.operator != "TJ" {
                        if operation.operator == "\"" {
                            if let Some([word, char]) = operands.get(..2).and_then(numbers::<2>) {
                                state.word_spacing = word;
                                state.char_spacing = char;
                            }
                        }
                        tlm = multiply(&[1.0, 0.0, 0.0, 1.0, 0.0, -state.leading], &tlm);
                        tm = tlm;
                    }
                    let parts: &[Object] = match operands.last() {
                        Some(Object::Array(parts)) if operation.operator == "TJ" => parts,
                        Some(last) => std::slice::from_ref(last),
                        None => &[],
                    };
                    self.show(&state, &mut tm, parts);
                }
                _ => {}
            }
        }
        Ok(())
    }

    /// Text shown at the text matrix, which it advances: one run.
    fn show(&mut self, state: &State, tm: &mut Matrix, parts: &[Object]) {
        let Some(font) = state.font.as_ref() else {
            return;
        };
        let start = multiply(tm, &state.ctm);
        let mut text = String::new();
        for part in parts {
            match part {
                Object::String(bytes, _) => {
                    for (code, length) in font.codes(bytes) {
                        text.push_str(&font.text(code, length));
                        let mut advance =
                            font.width(code) / 1000.0 * state.size + state.char_spacing;
                        if length == 1 && code == 32 {
                            advance += state.word_spacing;
                        }
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, advance * state.scale, 0.0], tm);
                    }
                }
                other => {
                    if let Some(adjust) = number(other) {
                        let shift = -adjust / 1000.0 * state.size;
                        // A wide gap between Latin words written without a space glyph.
                        if shift > 0.25 * state.size
                            && text
                                .chars()
                                .last()
                                .is_some_and(|c| c.is_ascii_alphanumeric())
                        {
                            text.push(' ');
                        }
                        *tm = multiply(&[1.0, 0.0, 0.0, 1.0, shift * state.scale, 0.0], tm);
                    }
                }
            }
        }
        if text.is_empty() {
            return;
        }
        let end = multiply(tm, &state.ctm);
        let (x0, y0) = apply(&start, 0.0, state.rise);
        let (x1, _) = apply(&end, 0.0, state.rise);
        let size = (start[2] * start[2] + start[3] * start[3]).sqrt() * state.size.abs();
        // PDF's y grows upwards; the layout reads downwards.
        self.runs.push(Run {
            page: self.index,
            x: x0.min(x1),
            y: -y0,
            right: x0.max(x1),
            size,
            text,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matrices_concatenate_as_pdf_does() {
        let translate = [1.0, 0.0, 0.0, 1.0, 10.0, 20.0];
        let scale = [2.0, 0.0, 0.0, 2.0, 0.0, 0.0];
        // Translate in text space, then scale to the page.
        assert_eq!(apply(&multiply(&translate, &scale), 1.0, 1.0), (22.0, 42.0));
    }
}
