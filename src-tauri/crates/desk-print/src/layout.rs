//! Pages as marks (text, lines, boxes) laid out top to bottom: wrapped text, and tables whose
//! header row is repeated on each page a table runs onto.

use crate::font::Font;

/// A4 in points.
pub(crate) const PAGE_WIDTH: f32 = 595.28;
pub(crate) const PAGE_HEIGHT: f32 = 841.89;
pub(crate) const MARGIN_X: f32 = 50.0;
const MARGIN_TOP: f32 = 48.0;
/// Below this the footer sits.
const MARGIN_BOTTOM: f32 = 56.0;
const FOOTER_BASELINE: f32 = 30.0;
pub(crate) const CONTENT_WIDTH: f32 = PAGE_WIDTH - 2.0 * MARGIN_X;
const CELL_PAD: f32 = 4.0;
const LEADING: f32 = 1.45;

/// Something drawn on a page; y grows upwards from the page's bottom, as in PDF.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Mark {
    /// `y` is the baseline.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
    },
    /// `y` is the bottom edge; `fill` a gray level, `stroke` a thin black outline.
    Box {
        x: f32,
        y: f32,
        width: f32,
        height: f32,
        fill: Option<f32>,
        stroke: bool,
    },
}

#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) struct Page {
    pub(crate) marks: Vec<Mark>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

#[derive(Debug, Clone)]
pub(crate) struct Cell {
    pub(crate) text: String,
    /// How many of the table's columns it covers.
    pub(crate) span: usize,
    pub(crate) shade: bool,
    pub(crate) align: Align,
}

impl Cell {
    pub(crate) fn text(text: impl Into<String>) -> Cell {
        Cell {
            text: text.into(),
            span: 1,
            shade: false,
            align: Align::Left,
        }
    }

    /// A label: shaded and centred.
    pub(crate) fn label(text: impl Into<String>) -> Cell {
        Cell {
            shade: true,
            align: Align::Center,
            ..Cell::text(text)
        }
    }

    pub(crate) fn centered(text: impl Into<String>) -> Cell {
        Cell {
            align: Align::Center,
            ..Cell::text(text)
        }
    }

    pub(crate) fn span(mut self, columns: usize) -> Cell {
        self.span = columns.max(1);
        self
    }
}

#[derive(Debug, Clone)]
pub(crate) struct Row {
    pub(crate) cells: Vec<Cell>,
    /// Room for a handwritten signature, however short the text.
    pub(crate) min_height: f32,
}

impl Row {
    pub(crate) fn new(cells: Vec<Cell>) -> Row {
        Row {
            cells,
            min_height: 0.0,
        }
    }

    pub(crate) fn tall(mut self, height: f32) -> Row {
        self.min_height = height;
        self
    }
}

/// Column widths are fractions of the content width.
#[derive(Debug, Clone)]
pub(crate) struct Table {
    pub(crate) columns: Vec<f32>,
    pub(crate) header: Option<Row>,
    pub(crate) rows: Vec<Row>,
    pub(crate) size: f32,
}

/// Breaks `text` into lines no wider than `width`: between any two Chinese characters, at
/// spaces between words, inside a word only when the word alone is too wide. Closing
/// punctuation stays with what it closes, so no line starts with "，" or "）".
pub(crate) fn wrap(font: &Font, text: &str, size: f32, width: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for paragraph in desk_core::windows::text::as_lf(text).split('\n') {
        let mut line = String::new();
        let mut line_width = 0.0;
        for token in tokens(paragraph) {
            let token_width = font.width(&token, size);
            if line_width + token_width <= width || line.is_empty() && token_width <= width {
                line.push_str(&token);
                line_width += token_width;
                continue;
            }
            if token.trim().is_empty() {
                // A space at a break is dropped.
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
                continue;
            }
            if !line.is_empty() {
                lines.push(std::mem::take(&mut line));
                line_width = 0.0;
            }
            if token_width <= width {
                line.push_str(&token);
                line_width = token_width;
                continue;
            }
            for c in token.chars() {
                let w = font.width(c.encode_utf8(&mut [0; 4]), size);
                if line_width + w > width && !line.is_empty() {
                    lines.push(std::mem::take(&mut line));
                    line_width = 0.0;
                }
                line.push(c);
                line_width += w;
            }
        }
        lines.push(line);
    }
    lines
}

fn is_wide(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x9FFF | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFFEF | 0x20000..=0x3FFFF)
}

fn closes(c: char) -> bool {
    "，。、；：！？）》」』】〕’”…,.;:!?)]%".contains(c)
}

/// Words, spaces and single Chinese characters, closing punctuation joined to what precedes it.
fn tokens(text: &str) -> Vec<String> {
    let mut tokens: Vec<String> = Vec::new();
    let mut in_word = false;
    for c in text.chars() {
        let joins_previous = closes(c) || (in_word && !c.is_whitespace() && !is_wide(c));
        match tokens.last_mut() {
            Some(last) if joins_previous => last.push(c),
            _ => tokens.push(c.to_string()),
        }
        in_word = !c.is_whitespace() && !is_wide(c) && !closes(c)
            || (closes(c) && in_word && !is_wide(c));
    }
    tokens
}

/// Lays pages out from the top; a form adds blocks and gets its pages back, numbered.
pub(crate) struct Flow<'f> {
    font: &'f Font,
    pages: Vec<Page>,
    /// The top of the free space on the current page.
    y: f32,
    /// Written small at the top of every page after the first.
    running_head: String,
}

impl<'f> Flow<'f> {
    pub(crate) fn new(font: &'f Font, running_head: impl Into<String>) -> Flow<'f> {
        Flow {
            font,
            pages: vec![Page::default()],
            y: PAGE_HEIGHT - MARGIN_TOP,
            running_head: running_head.into(),
        }
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    pub(crate) fn mark(&mut self, mark: Mark) {
        if let Some(page) = self.pages.last_mut() {
            page.marks.push(mark);
        }
    }

    fn space_left(&self) -> f32 {
        self.y - MARGIN_BOTTOM
    }

    fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = PAGE_HEIGHT - MARGIN_TOP;
        if !self.running_head.is_empty() {
            let size = 8.0;
            let lines = wrap(self.font, &self.running_head, size, CONTENT_WIDTH);
            if let Some(first) = lines.into_iter().next() {
                self.mark(Mark::Text {
                    x: MARGIN_X,
                    y: self.y - size,
                    size,
                    text: first,
                });
            }
            self.y -= size * 2.5;
        }
    }

    pub(crate) fn gap(&mut self, height: f32) {
        self.y -= height;
    }

    /// Starts a new page unless `height` still fits on this one.
    pub(crate) fn keep(&mut self, height: f32) {
        if self.space_left() < height {
            self.new_page();
        }
    }

    /// Centred lines, e.g. a form's title.
    pub(crate) fn heading(&mut self, text: &str, size: f32) {
        for line in wrap(self.font, text, size, CONTENT_WIDTH) {
            self.keep(size * LEADING);
            let width = self.font.width(&line, size);
            self.mark(Mark::Text {
                x: MARGIN_X + (CONTENT_WIDTH - width) / 2.0,
                y: self.y - size,
                size,
                text: line,
            });
            self.y -= size * LEADING;
        }
    }

    /// Left-aligned wrapped text within `width` from the left margin.
    pub(crate) fn paragraph(&mut self, text: &str, size: f32, width: f32) {
        for line in wrap(self.font, text, size, width) {
            self.keep(size * LEADING);
            self.mark(Mark::Text {
                x: MARGIN_X,
                y: self.y - size,
                size,
                text: line,
            });
            self.y -= size * LEADING;
        }
    }

    /// Draws a table; a row that does not fit goes to the next page under the header again,
    /// and a row taller than a page is split between its lines.
    pub(crate) fn table(&mut self, table: &Table) {
        let edges = column_edges(&table.columns);
        if let Some(header) = &table.header {
            let laid = self.lay_row(header, &edges, table.size);
            // The header and at least one line of the first row stay together.
            self.keep(laid.height + table.size * LEADING + 2.0 * CELL_PAD);
            self.draw_row(&laid, 0, laid.lines_max());
        }
        for row in &table.rows {
            let laid = self.lay_row(row, &edges, table.size);
            let mut from = 0;
            loop {
                let remaining = laid.lines_max() - from;
                let needed = laid.height_of(remaining, table.size);
                if needed <= self.space_left() {
                    self.draw_row(&laid, from, remaining);
                    break;
                }
                let fits = ((self.space_left() - 2.0 * CELL_PAD) / (table.size * LEADING))
                    .floor()
                    .max(0.0) as usize;
                if fits == 0 || fits >= remaining || from == 0 && needed <= self.page_room(table) {
                    self.new_page();
                    if let Some(header) = &table.header {
                        let head = self.lay_row(header, &edges, table.size);
                        self.draw_row(&head, 0, head.lines_max());
                    }
                    continue;
                }
                self.draw_row(&laid, from, fits);
                from += fits;
            }
        }
    }

    /// The room a fresh page has for rows, below the running head and the table's header.
    fn page_room(&self, table: &Table) -> f32 {
        let head = if self.running_head.is_empty() {
            0.0
        } else {
            8.0 * 2.5
        };
        let header = table
            .header
            .as_ref()
            .map(|h| {
                self.lay_row(h, &column_edges(&table.columns), table.size)
                    .height
            })
            .unwrap_or(0.0);
        PAGE_HEIGHT - MARGIN_TOP - MARGIN_BOTTOM - head - header
    }

    fn lay_row(&self, row: &Row, edges: &[f32], size: f32) -> LaidRow {
        let mut cells = Vec::with_capacity(row.cells.len());
        let mut column = 0;
        for cell in &row.cells {
            let last = (column + cell.span).min(edges.len() - 1);
            if column >= last {
                break;
            }
            let x = edges[column];
            let width = edges[last] - x;
            let lines = wrap(self.font, &cell.text, size, width - 2.0 * CELL_PAD);
            cells.push(LaidCell {
                x,
                width,
                lines,
                shade: cell.shade,
                align: cell.align,
            });
            column = last;
        }
        let lines = cells.iter().map(|c| c.lines.len()).max().unwrap_or(1);
        let height = (lines as f32 * size * LEADING + 2.0 * CELL_PAD).max(row.min_height);
        LaidRow {
            cells,
            height,
            min_height: row.min_height,
            size,
        }
    }

    fn draw_row(&mut self, row: &LaidRow, from: usize, count: usize) {
        let height = if from == 0 && from + count >= row.lines_max() {
            row.height
        } else {
            row.height_of(count, row.size)
        };
        let top = self.y;
        for cell in &row.cells {
            self.mark(Mark::Box {
                x: cell.x,
                y: top - height,
                width: cell.width,
                height,
                fill: cell.shade.then_some(0.92),
                stroke: true,
            });
            for (n, line) in cell.lines.iter().skip(from).take(count).enumerate() {
                let text_width = self.font.width(line, row.size);
                let x = match cell.align {
                    Align::Left => cell.x + CELL_PAD,
                    Align::Center => cell.x + (cell.width - text_width) / 2.0,
                };
                let lines_here = cell.lines.len().saturating_sub(from).min(count);
                // A centred cell's few lines sit in the middle of a tall row.
                let offset = if cell.align == Align::Center {
                    (height - 2.0 * CELL_PAD - lines_here as f32 * row.size * LEADING) / 2.0
                } else {
                    0.0
                };
                self.mark(Mark::Text {
                    x,
                    y: top
                        - CELL_PAD
                        - offset.max(0.0)
                        - row.size * 1.1
                        - n as f32 * row.size * LEADING,
                    size: row.size,
                    text: line.clone(),
                });
            }
        }
        self.y -= height;
    }

    /// The pages, each with "第 n 页 共 m 页" at its foot.
    pub(crate) fn finish(mut self) -> Vec<Page> {
        let total = self.pages.len();
        let size = 9.0;
        for (n, page) in self.pages.iter_mut().enumerate() {
            let text = format!("第 {} 页 共 {} 页", n + 1, total);
            let width = self.font.width(&text, size);
            page.marks.push(Mark::Text {
                x: (PAGE_WIDTH - width) / 2.0,
                y: FOOTER_BASELINE,
                size,
                text,
            });
        }
        self.pages
    }
}

struct LaidCell {
    x: f32,
    width: f32,
    lines: Vec<String>,
    shade: bool,
    align: Align,
}

struct LaidRow {
    cells: Vec<LaidCell>,
    height: f32,
    min_height: f32,
    size: f32,
}

impl LaidRow {
    fn lines_max(&self) -> usize {
        self.cells.iter().map(|c| c.lines.len()).max().unwrap_or(1)
    }

    fn height_of(&self, lines: usize, size: f32) -> f32 {
        (lines as f32 * size * LEADING + 2.0 * CELL_PAD).max(self.min_height)
    }
}

fn column_edges(columns: &[f32]) -> Vec<f32> {
    let total: f32 = columns.iter().sum::<f32>().max(f32::EPSILON);
    let mut edges = vec![MARGIN_X];
    let mut x = MARGIN_X;
    for fraction in columns {
        x += fraction / total * CONTENT_WIDTH;
        edges.push(x);
    }
    edges
}

#[cfg(test)]
mod tests {
    use super::*;

    fn font() -> &'static Font {
        Font::embedded().expect("font")
    }

    #[test]
    fn text_pasted_on_windows_wraps_as_text_with_lf() {
        let lf = "审查意见：同意公开。\n依据：条例第十九条。\n\n附件一份";
        let crlf = lf.replace('\n', "\r\n");
        assert_eq!(
            wrap(font(), &crlf, 10.0, 120.0),
            wrap(font(), lf, 10.0, 120.0)
        );
    }

    #[test]
    fn wrapping_keeps_every_character_and_every_line_within_the_width() {
        let cases = [
            "关于印发《宿迁市2021年政务公开工作要点》的通知，请各地各部门认真贯彻落实。",
            "Disclosure of the annual report under the Regulations on Open Government Information",
            "超长单词ABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZABCDEFGHIJKLMNOPQRSTUVWXYZ结束",
            "",
        ];
        for text in cases {
            let lines = wrap(font(), text, 10.0, 120.0);
            assert!(!lines.is_empty());
            for line in &lines {
                assert!(font().width(line, 10.0) <= 120.0 + 10.0, "{line}");
            }
            let joined: String = lines.concat();
            let kept: String = text.chars().filter(|c| !c.is_whitespace()).collect();
            let got: String = joined.chars().filter(|c| !c.is_whitespace()).collect();
            assert_eq!(got, kept);
        }
    }

    #[test]
    fn no_line_starts_with_closing_punctuation() {
        for width in [40.0, 55.0, 61.0, 70.0, 83.0, 100.0] {
            for line in wrap(
                font(),
                "各地各部门，要认真贯彻落实（试行）。请于每季度末报送。",
                10.0,
                width,
            ) {
                let first = line.chars().next().unwrap_or(' ');
                assert!(!"，。）".contains(first), "{line:?} at {width}");
            }
        }
    }

    #[test]
    fn a_long_table_continues_on_the_next_page_under_its_header() {
        let mut flow = Flow::new(font(), "续表");
        let table = Table {
            columns: vec![1.0, 4.0],
            header: Some(Row::new(vec![Cell::label("序号"), Cell::label("事项")])),
            rows: (1..=120)
                .map(|n| {
                    Row::new(vec![
                        Cell::centered(n.to_string()),
                        Cell::text(format!("第{n}项")),
                    ])
                })
                .collect(),
            size: 10.0,
        };
        flow.table(&table);
        let pages = flow.finish();
        assert!(pages.len() >= 3, "{} pages", pages.len());
        for (n, page) in pages.iter().enumerate() {
            let texts: Vec<&str> = page
                .marks
                .iter()
                .filter_map(|m| match m {
                    Mark::Text { text, y, .. } => {
                        assert!(*y > 20.0 && *y < PAGE_HEIGHT, "{text} off the page");
                        Some(text.as_str())
                    }
                    _ => None,
                })
                .collect();
            assert!(texts.contains(&"序号"), "page {} lacks the header", n + 1);
            let footer = format!("第 {} 页 共 {} 页", n + 1, pages.len());
            assert!(texts.contains(&footer.as_str()));
        }
    }

    #[test]
    fn a_row_taller_than_a_page_is_split_between_pages() {
        let mut flow = Flow::new(font(), "");
        let long = "很长的内容".repeat(600);
        flow.table(&Table {
            columns: vec![1.0],
            header: None,
            rows: vec![Row::new(vec![Cell::text(long.clone())])],
            size: 10.0,
        });
        let pages = flow.finish();
        assert!(pages.len() >= 2);
        let printed: String = pages
            .iter()
            .flat_map(|p| p.marks.iter())
            .filter_map(|m| match m {
                Mark::Text { text, size, .. } if *size == 10.0 => Some(text.as_str()),
                _ => None,
            })
            .collect();
        assert_eq!(printed, long);
    }
}
