//! The one font the forms are set in, carried inside the program: a PC without Chinese fonts
//! prints the same page.

use crate::PrintError;
use std::sync::OnceLock;
use ttf_parser::{Face, GlyphId};

/// WenQuanYi Micro Hei, the first face of the collection (the second is its monospaced twin).
pub(crate) const FACE_INDEX: u32 = 0;

static FONT_FILE: &[u8] = include_bytes!("../fonts/wqy-microhei.ttc");

/// What layout and the PDF writer need of the font, read once.
pub(crate) struct Font {
    face: Face<'static>,
    units_per_em: f32,
}

impl Font {
    pub(crate) fn embedded() -> Result<&'static Font, PrintError> {
        static FONT: OnceLock<Option<Font>> = OnceLock::new();
        FONT.get_or_init(|| {
            let face = Face::parse(FONT_FILE, FACE_INDEX).ok()?;
            let units_per_em = f32::from(face.units_per_em());
            Some(Font { face, units_per_em })
        })
        .as_ref()
        .ok_or(PrintError::Font("the embedded font cannot be read"))
    }

    pub(crate) fn file(&self) -> &'static [u8] {
        FONT_FILE
    }

    /// The glyph for `c`; a character the font lacks shows as the font's empty box.
    pub(crate) fn glyph(&self, c: char) -> u16 {
        self.face.glyph_index(c).map(|g| g.0).unwrap_or(0)
    }

    /// Advance of a glyph in thousandths of the font size (PDF's glyph space).
    pub(crate) fn advance(&self, glyph: u16) -> f32 {
        let units = self.face.glyph_hor_advance(GlyphId(glyph)).unwrap_or(0);
        f32::from(units) * 1000.0 / self.units_per_em
    }

    /// Width of `text` set at `size` points.
    pub(crate) fn width(&self, text: &str, size: f32) -> f32 {
        text.chars()
            .map(|c| self.advance(self.glyph(c)))
            .sum::<f32>()
            * size
            / 1000.0
    }

    /// Ascent, descent (negative) and cap height in thousandths, for the font descriptor.
    pub(crate) fn metrics(&self) -> (f32, f32, f32) {
        let scale = 1000.0 / self.units_per_em;
        let ascent = f32::from(self.face.ascender()) * scale;
        let descent = f32::from(self.face.descender()) * scale;
        let cap = self
            .face
            .capital_height()
            .map(|h| f32::from(h) * scale)
            .unwrap_or(ascent * 0.7);
        (ascent, descent, cap)
    }

    /// The font's bounding box in thousandths.
    pub(crate) fn bbox(&self) -> [f32; 4] {
        let scale = 1000.0 / self.units_per_em;
        let b = self.face.global_bounding_box();
        [
            f32::from(b.x_min) * scale,
            f32::from(b.y_min) * scale,
            f32::from(b.x_max) * scale,
            f32::from(b.y_max) * scale,
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_font_holds_the_forms_characters() {
        let font = Font::embedded().expect("font");
        for c in
            "政府信息公开审查呈批单移送明细表第页共索引号〔〕：，。（）ABCxyz0123456789-□".chars()
        {
            assert_ne!(font.glyph(c), 0, "no glyph for {c}");
        }
        assert!(font.width("审查", 10.0) > font.width("ab", 10.0));
    }
}
