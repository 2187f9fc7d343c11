//! The XML of a document's parts, read as a stream that never expands an entity.
//!
//! Word, WPS and Excel never write a DTD, so a `<!DOCTYPE` is refused outright: with no DTD
//! there are no entities to expand ("billion laughs"), and only the five predefined entities and
//! character references are resolved. Elements nested deeper than `MAX_DEPTH` are refused too
//! (Word nests a few dozen levels at most: tables in tables in text boxes). Everything read is
//! already bounded by the part's size in `archive`.

use std::borrow::Cow;

use quick_xml::events::{BytesStart, Event};
use quick_xml::{Reader, XmlVersion};

use super::super::PlanError;

pub(crate) const MAX_DEPTH: usize = 200;

pub(crate) enum Node<'x> {
    Start(BytesStart<'x>),
    /// An element with no content (`<w:tab/>`).
    Empty(BytesStart<'x>),
    /// The local name of the element closed.
    End(String),
    Text(Cow<'x, str>),
    Eof,
}

pub(crate) struct Xml<'x> {
    reader: Reader<&'x [u8]>,
    part: &'x str,
    depth: usize,
}

impl<'x> Xml<'x> {
    pub(crate) fn new(text: &'x str, part: &'x str) -> Self {
        let mut reader = Reader::from_str(text);
        let config = reader.config_mut();
        config.trim_text(false);
        config.check_end_names = true;
        Xml {
            reader,
            part,
            depth: 0,
        }
    }

    pub(crate) fn next(&mut self) -> Result<Node<'x>, PlanError> {
        loop {
            let event = self
                .reader
                .read_event()
                .map_err(|error| PlanError::damaged(format!("{}: {error}", self.part)))?;
            return Ok(match event {
                Event::Start(start) => {
                    self.depth += 1;
                    if self.depth > MAX_DEPTH {
                        return Err(PlanError::XmlTooDeep {
                            part: self.part.to_owned(),
                            max: MAX_DEPTH,
                        });
                    }
                    Node::Start(start)
                }
                Event::Empty(start) => Node::Empty(start),
                Event::End(end) => {
                    self.depth = self.depth.saturating_sub(1);
                    Node::End(local(&end).to_owned())
                }
                Event::Text(text) => Node::Text(text.xml10_content()),
                Event::CData(data) => Node::Text(data.xml10_content()),
                Event::GeneralRef(reference) => Node::Text(Cow::Owned(self.entity(&reference)?)),
                Event::DocType(_) => {
                    return Err(PlanError::XmlDoctype {
                        part: self.part.to_owned(),
                    })
                }
                Event::Decl(_) | Event::PI(_) | Event::Comment(_) => continue,
                Event::Eof => Node::Eof,
            });
        }
    }

    /// A character reference or one of the five predefined entities; any other name is an
    /// error, since without a DTD it cannot be defined.
    fn entity(&self, reference: &quick_xml::events::BytesRef<'_>) -> Result<String, PlanError> {
        let name: &str = reference;
        let predefined = match name {
            "lt" => Some('<'),
            "gt" => Some('>'),
            "amp" => Some('&'),
            "apos" => Some('\''),
            "quot" => Some('"'),
            _ => None,
        };
        let c = match predefined {
            Some(c) => Some(c),
            None => reference.resolve_char_ref().ok().flatten(),
        };
        c.map(String::from)
            .ok_or_else(|| PlanError::damaged(format!("{}: undefined entity &{name};", self.part)))
    }

    /// Skips to the end of the element just started (its whole subtree).
    pub(crate) fn skip(&mut self) -> Result<(), PlanError> {
        let target = self.depth.saturating_sub(1);
        loop {
            match self.next()? {
                Node::End(_) if self.depth == target => return Ok(()),
                Node::Eof => return Ok(()),
                _ => {}
            }
        }
    }
}

/// A name without its namespace prefix: `w:p` is `p`.
pub(crate) fn local(name: &str) -> &str {
    name.rsplit_once(':').map_or(name, |(_, local)| local)
}

/// The element's local name.
pub(crate) fn name<'b>(element: &'b BytesStart<'_>) -> &'b str {
    element.local_name().into_inner()
}

/// The value of the attribute with this local name (`w:val` is `val`), entities resolved.
pub(crate) fn attr(element: &BytesStart<'_>, wanted: &str) -> Option<String> {
    element
        .attributes()
        .flatten()
        .find(|a| a.key.local_name().into_inner() == wanted)
        .and_then(|a| {
            a.normalized_value(XmlVersion::Implicit1_0)
                .ok()
                .map(Cow::into_owned)
        })
}
