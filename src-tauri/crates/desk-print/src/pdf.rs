//! Pages of marks written as a PDF: one CID font (a subset of the embedded font, only the
//! glyphs used), a ToUnicode map so the text can be searched and copied, compressed streams.

use crate::font::{Font, FACE_INDEX};
use crate::layout::{Mark, Page, PAGE_HEIGHT, PAGE_WIDTH};
use crate::PrintError;
use pdf_writer::types::{CidFontType, FontFlags, SystemInfo};
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref, Str, TextStr};
use std::collections::BTreeMap;
use subsetter::GlyphRemapper;

const FONT_NAME: Name = Name(b"F1");
const BASE_FONT: Name = Name(b"DDESKA+WenQuanYiMicroHei");

/// Writes `pages` as a PDF whose document title is `title`.
pub(crate) fn write(pages: &[Page], title: &str) -> Result<Vec<u8>, PrintError> {
    let font = Font::embedded()?;

    // Every glyph used, with the character it stands for (the ToUnicode map).
    let mut remapper = GlyphRemapper::new();
    let mut glyph_chars: BTreeMap<u16, char> = BTreeMap::new();
    for page in pages {
        for mark in &page.marks {
            if let Mark::Text { text, .. } = mark {
                for c in text.chars() {
                    let old = font.glyph(c);
                    let new = remapper.remap(old);
                    glyph_chars.entry(new).or_insert(c);
                }
            }
        }
    }
    let subset = subsetter::subset(font.file(), FACE_INDEX, &remapper)
        .map_err(|_| PrintError::Font("the embedded font could not be subset"))?;

    let mut ids = (1..).map(Ref::new);
    let mut next = || ids.next().unwrap_or(Ref::new(1));
    let catalog_id = next();
    let tree_id = next();
    let info_id = next();
    let type0_id = next();
    let cid_id = next();
    let descriptor_id = next();
    let file_id = next();
    let cmap_id = next();
    let page_ids: Vec<(Ref, Ref)> = pages.iter().map(|_| (next(), next())).collect();

    let mut pdf = Pdf::new();
    pdf.catalog(catalog_id).pages(tree_id);
    pdf.pages(tree_id)
        .kids(page_ids.iter().map(|(page, _)| *page))
        .count(page_ids.len() as i32);
    pdf.document_info(info_id)
        .title(TextStr(title))
        .creator(TextStr("Disclosure Desk"));

    for (page, (page_id, content_id)) in pages.iter().zip(&page_ids) {
        let mut writer = pdf.page(*page_id);
        writer
            .media_box(Rect::new(0.0, 0.0, PAGE_WIDTH, PAGE_HEIGHT))
            .parent(tree_id)
            .contents(*content_id);
        writer.resources().fonts().pair(FONT_NAME, type0_id);
        writer.finish();
        let content = page_content(page, font, &remapper);
        let packed = miniz_oxide::deflate::compress_to_vec_zlib(&content, 6);
        pdf.stream(*content_id, &packed).filter(Filter::FlateDecode);
    }

    let system_info = SystemInfo {
        registry: Str(b"Adobe"),
        ordering: Str(b"Identity"),
        supplement: 0,
    };
    pdf.type0_font(type0_id)
        .base_font(BASE_FONT)
        .encoding_predefined(Name(b"Identity-H"))
        .descendant_font(cid_id)
        .to_unicode(cmap_id);
    let widths: Vec<f32> = remapper
        .remapped_gids()
        .map(|old| font.advance(old))
        .collect();
    let mut cid = pdf.cid_font(cid_id);
    cid.subtype(CidFontType::Type2)
        .base_font(BASE_FONT)
        .system_info(system_info)
        .font_descriptor(descriptor_id)
        .default_width(1000.0)
        .cid_to_gid_map_predefined(Name(b"Identity"));
    cid.widths().consecutive(0, widths);
    cid.finish();
    let (ascent, descent, cap_height) = font.metrics();
    let [x0, y0, x1, y1] = font.bbox();
    pdf.font_descriptor(descriptor_id)
        .name(BASE_FONT)
        .flags(FontFlags::NON_SYMBOLIC)
        .bbox(Rect::new(x0, y0, x1, y1))
        .italic_angle(0.0)
        .ascent(ascent)
        .descent(descent)
        .cap_height(cap_height)
        .stem_v(80.0)
        .font_file2(file_id);
    let packed_font = miniz_oxide::deflate::compress_to_vec_zlib(&subset, 6);
    pdf.stream(file_id, &packed_font)
        .filter(Filter::FlateDecode)
        .pair(Name(b"Length1"), subset.len() as i32);
    let mut cmap = pdf_writer::types::UnicodeCmap::new(Name(b"Custom"), system_info);
    for (glyph, c) in &glyph_chars {
        cmap.pair(*glyph, *c);
    }
    pdf.cmap(cmap_id, &cmap.finish());
    Ok(pdf.finish())
}

fn page_content(page: &Page, font: &Font, remapper: &GlyphRemapper) -> Vec<u8> {
    let mut content = Content::new();
    for mark in &page.marks {
        match mark {
            Mark::Box {
                x,
                y,
                width,
                height,
                fill,
                stroke,
            } => {
                if let Some(gray) = fill {
                    content.set_fill_gray(*gray);
                    content.rect(*x, *y, *width, *height);
                    content.fill_nonzero();
                    content.set_fill_gray(0.0);
                }
                if *stroke {
                    content.set_line_width(0.6);
                    content.rect(*x, *y, *width, *height);
                    content.stroke();
                }
            }
            Mark::Text { x, y, size, text } => {
                let mut codes = Vec::with_capacity(text.len() * 2);
                for c in text.chars() {
                    let glyph = remapper.get(font.glyph(c)).unwrap_or(0);
                    codes.extend_from_slice(&glyph.to_be_bytes());
                }
                content.begin_text();
                content.set_font(FONT_NAME, *size);
                content.set_text_matrix([1.0, 0.0, 0.0, 1.0, *x, *y]);
                content.show(Str(&codes));
                content.end_text();
            }
        }
    }
    content.finish().into_vec()
}
