//! OFD (GB/T 33190), the national format for official electronic documents.
//!
//! An OFD is a zip: `OFD.xml` names each document's root (`DocBody/DocRoot`), the root's
//! `Pages/Page@BaseLoc` names each page's content in page order, and a page's text is in
//! `TextObject` elements (anywhere below its layers and blocks): the object's `Boundary` places
//! it on the page, an optional `CTM` transforms inside it, and each `TextCode` starts at its
//! `X`/`Y` with its glyphs `DeltaX` apart (`g N d` is N gaps of d). Writers emit objects in any
//! order, so they are put back in reading order by `layout`. Only the first document of the file
//! is read; templates (letterheads) and annotations are left out. Element names are matched
//! without their namespace, since writers differ in it. Sizes are bounded by `archive`.

use super::super::PlanError;
use super::archive::Archive;
use super::layout::{self, Run};
use super::xml::{attr, name, Node, Xml};

/// Pages read from one OFD: a plan has tens.
pub(crate) const MAX_PAGES: usize = 2_000;

pub(crate) fn read(archive: &mut Archive<'_>) -> Result<Vec<String>, PlanError> {
    let root = archive
        .text("OFD.xml")?
        .ok_or_else(|| PlanError::damaged("OFD.xml is missing"))?;
    let document = element_text(&root, "OFD.xml", "DocRoot")?
        .ok_or_else(|| PlanError::damaged("OFD.xml names no document (DocRoot)"))?;
    let document = resolve("", &document);
    let text = archive
        .text(&document)?
        .ok_or_else(|| PlanError::damaged(format!("{document} is missing")))?;
    let base = document.rsplit_once('/').map_or("", |(folder, _)| folder);
    let pages = page_locations(&text, &document)?;
    let mut runs = Vec::new();
    for (index, location) in pages.iter().enumerate() {
        let part = resolve(base, location);
        let content = archive
            .text(&part)?
            .ok_or_else(|| PlanError::damaged(format!("{part} is missing")))?;
        page_runs(&content, &part, index, &mut runs)?;
    }
    if runs.iter().all(|run| run.text.trim().is_empty()) {
        return Err(PlanError::NoTextLayer);
    }
    Ok(layout::paragraphs(runs))
}

/// The text of the first element with this local name.
fn element_text(xml: &str, part: &str, wanted: &str) -> Result<Option<String>, PlanError> {
    let mut reader = Xml::new(xml, part);
    let mut inside = false;
    let mut text = String::new();
    loop {
        match reader.next()? {
            Node::Start(element) if name(&element) == wanted => inside = true,
            Node::Text(t) if inside => text.push_str(&t),
            Node::End(local) if inside && local == wanted => {
                return Ok(Some(text.trim().to_owned()))
            }
            Node::Eof => return Ok(None),
            _ => {}
        }
    }
}

fn page_locations(xml: &str, part: &str) -> Result<Vec<String>, PlanError> {
    let mut reader = Xml::new(xml, part);
    let mut pages = Vec::new();
    let mut in_pages = false;
    loop {
        match reader.next()? {
            Node::Start(element) if name(&element) == "Pages" => in_pages = true,
            Node::End(local) if local == "Pages" => in_pages = false,
            Node::Start(element) | Node::Empty(element) if in_pages && name(&element) == "Page" => {
                if pages.len() == MAX_PAGES {
                    return Err(PlanError::TooManyPages { max: MAX_PAGES });
                }
                if let Some(location) = attr(&element, "BaseLoc") {
                    pages.push(location);
                }
            }
            Node::Eof => return Ok(pages),
            _ => {}
        }
    }
}

/// A location inside the package: absolute (`/Doc_0/...`) or relative to `base`; `.` and `..`
/// are resolved and can never climb above the root.
fn resolve(base: &str, location: &str) -> String {
    let location = location.trim();
    let mut parts: Vec<&str> = Vec::new();
    let start = if location.starts_with('/') { "" } else { base };
    for part in start.split('/').chain(location.split('/')) {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop();
            }
            part => parts.push(part),
        }
    }
    parts.join("/")
}

/// Numbers separated by spaces; anything unreadable is left out.
fn numbers(text: &str) -> Vec<f64> {
    text.split_whitespace()
        .filter_map(|n| n.parse::<f64>().ok())
        .filter(|n| n.is_finite())
        .collect()
}

/// How far the text reaches from its first glyph's origin: the gaps a `DeltaX` gives (`g N d`
/// repeats d N times, never expanded), the gaps it leaves out estimated as a full width for a
/// CJK character and half for others, and the last glyph's width.
fn advance(delta: &str, text: &str, size: f64) -> f64 {
    let width = |c: char| if c.is_ascii() { size / 2.0 } else { size };
    let count = text.chars().count().saturating_sub(1);
    let (sum, left) = gaps(delta, count);
    let given = count - left;
    let estimated: f64 = text.chars().skip(given).map(width).sum();
    sum + estimated
}

/// The sum of the first `count` gaps a `DeltaX` gives, and how many of them it left out.
fn gaps(delta: &str, count: usize) -> (f64, usize) {
    let mut tokens = delta.split_whitespace();
    let mut left = count;
    let mut sum = 0.0;
    while left > 0 {
        let Some(token) = tokens.next() else { break };
        let (repeat, value) = if token == "g" {
            let repeat = tokens.next().and_then(|n| n.parse::<usize>().ok());
            let value = tokens.next().and_then(|n| n.parse::<f64>().ok());
            match (repeat, value) {
                (Some(repeat), Some(value)) => (repeat, value),
                _ => break,
            }
        } else {
            match token.parse::<f64>() {
                Ok(value) => (1, value),
                Err(_) => break,
            }
        };
        let taken = repeat.min(left);
        if value.is_finite() {
            sum += value * taken as f64;
        }
        left -= taken;
    }
    (sum, left)
}

struct TextObject {
    x: f64,
    y: f64,
    /// The boundary's right edge, when it has a width: the object's text stays inside it,
    /// whatever its advances say.
    right: Option<f64>,
    size: f64,
    /// a b c d e f
    ctm: Option<[f64; 6]>,
}

impl TextObject {
    fn point(&self, x: f64, y: f64) -> (f64, f64) {
        let (x, y) = match self.ctm {
            Some([a, b, c, d, e, f]) => (a * x + c * y + e, b * x + d * y + f),
            None => (x, y),
        };
        (self.x + x, self.y + y)
    }
}

struct Code {
    x: f64,
    y: f64,
    delta: String,
    text: String,
}

fn page_runs(xml: &str, part: &str, page: usize, runs: &mut Vec<Run>) -> Result<(), PlanError> {
    let mut reader = Xml::new(xml, part);
    let mut object: Option<TextObject> = None;
    let mut code: Option<Code> = None;
    // Where the last TextCode ended: one without X/Y continues from there.
    let mut pen = (0.0, 0.0);
    loop {
        match reader.next()? {
            Node::Start(element) | Node::Empty(element) if name(&element) == "TextObject" => {
                let boundary = attr(&element, "Boundary").map(|b| numbers(&b));
                let (x, y, right) = match boundary.as_deref() {
                    Some([x, y, width, ..]) => (*x, *y, Some(x + width).filter(|_| *width > 0.0)),
                    Some([x, y]) => (*x, *y, None),
                    _ => (0.0, 0.0, None),
                };
                // The standard's name is `Size`; some writers put it in lower case.
                let size = attr(&element, "Size")
                    .or_else(|| attr(&element, "size"))
                    .and_then(|s| s.trim().parse::<f64>().ok())
                    .filter(|s| s.is_finite() && *s > 0.0)
                    .unwrap_or(3.5);
                let ctm = attr(&element, "CTM").and_then(|m| numbers(&m).try_into().ok());
                object = Some(TextObject {
                    x,
                    y,
                    right,
                    size,
                    ctm,
                });
                pen = (0.0, 0.0);
            }
            Node::End(local) if local == "TextObject" => object = None,
            Node::Start(element) if name(&element) == "TextCode" && object.is_some() => {
                let coordinate = |key: &str| {
                    attr(&element, key)
                        .and_then(|v| v.trim().parse::<f64>().ok())
                        .filter(|v| v.is_finite())
                };
                code = Some(Code {
                    x: coordinate("X").unwrap_or(pen.0),
                    y: coordinate("Y").unwrap_or(pen.1),
                    delta: attr(&element, "DeltaX").unwrap_or_default(),
                    text: String::new(),
                });
            }
            Node::Text(text) => {
                if let Some(code) = code.as_mut() {
                    code.text.push_str(&text);
                }
            }
            Node::End(local) if local == "TextCode" => {
                if let (Some(done), Some(object)) = (code.take(), object.as_ref()) {
                    let width = advance(&done.delta, &done.text, object.size);
                    pen = (done.x + width, done.y);
                    let (x, y) = object.point(done.x, done.y);
                    let (end, _) = object.point(done.x + width, done.y);
                    runs.push(Run {
                        page,
                        x: x.min(end),
                        y,
                        right: object.right.unwrap_or(x.max(end)),
                        size: object.size,
                        text: done.text,
                    });
                }
            }
            Node::Eof => return Ok(()),
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_resolve_inside_the_package() {
        assert_eq!(
            resolve("Doc_0", "Pages/Page_0/Content.xml"),
            "Doc_0/Pages/Page_0/Content.xml"
        );
        assert_eq!(resolve("Doc_0", "/Doc_0/Pages/P.xml"), "Doc_0/Pages/P.xml");
        assert_eq!(resolve("Doc_0", "../../../etc/passwd"), "etc/passwd");
        assert_eq!(resolve("", " Doc_0/./Document.xml "), "Doc_0/Document.xml");
    }

    #[test]
    fn delta_x_is_summed_without_expanding() {
        assert_eq!(gaps("g 3 2 1.5", 4), (7.5, 0));
        assert_eq!(gaps("g 18446744073709551615 1", 5), (5.0, 0));
        assert_eq!(gaps("1 2 x 3", 5), (3.0, 3));
        assert_eq!(gaps("", 5), (0.0, 5));
        // Three gaps given, the last glyph's width estimated; none given: all estimated.
        assert_eq!(advance("1 1 1", "一二三四", 4.0), 7.0);
        assert_eq!(advance("", "一二a", 4.0), 10.0);
    }
}
