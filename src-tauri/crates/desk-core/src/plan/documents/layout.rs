//! Text placed on pages (OFD and PDF) put back into paragraphs.
//!
//! Fixed-layout formats keep no paragraphs, only pieces of text at positions, in whatever order
//! the writer emitted them. The pieces of a page are read as a person reads: lines from top to
//! bottom (pieces whose baselines lie within half a font size of each other share a line), each
//! line left to right. Lines are then joined into paragraphs: a line continues the paragraph
//! above unless the gap above it is clearly wider than the document's usual line pitch (a blank
//! line), the line above stopped short of the right margin (a paragraph's last line), or the
//! line starts indented (a first line). A line holding only a page number at the top or bottom
//! of a page is dropped, so a task running over a page break stays one paragraph.

/// One piece of text on a page. Coordinates grow rightwards and downwards, in any unit.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) page: usize,
    pub(crate) x: f64,
    /// The baseline.
    pub(crate) y: f64,
    /// Where the text ends on the right.
    pub(crate) right: f64,
    /// The font size (about a CJK character's width).
    pub(crate) size: f64,
    pub(crate) text: String,
}

struct Line {
    page: usize,
    x: f64,
    y: f64,
    right: f64,
    /// A character's width: the font size, or the line's average advance where writers give
    /// sizes in another unit than positions.
    em: f64,
    text: String,
}

/// The runs as paragraphs, in reading order.
pub(crate) fn paragraphs(mut runs: Vec<Run>) -> Vec<String> {
    runs.retain(|run| {
        run.x.is_finite() && run.y.is_finite() && run.right.is_finite() && run.size.is_finite()
    });
    for run in &mut runs {
        run.size = run.size.abs().max(f64::EPSILON);
        run.right = run.right.max(run.x);
    }
    // Stable sorts: pieces at one position keep the order they were written in.
    runs.sort_by(|a, b| a.page.cmp(&b.page).then(a.y.total_cmp(&b.y)));
    let mut lines: Vec<Vec<Run>> = Vec::new();
    for run in runs {
        match lines.last_mut() {
            Some(line)
                if line[0].page == run.page
                    && (run.y - line[0].y).abs() <= 0.5 * run.size.max(line[0].size) =>
            {
                line.push(run)
            }
            _ => lines.push(vec![run]),
        }
    }
    let mut lines: Vec<Line> = lines.into_iter().filter_map(line).collect();
    drop_page_numbers(&mut lines);
    join(&lines)
}

fn line(mut runs: Vec<Run>) -> Option<Line> {
    runs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let first = runs.first()?;
    let (page, x, y) = (first.page, first.x, first.y);
    let mut text = String::new();
    let mut right = f64::MIN;
    let mut size: f64 = 0.0;
    for run in &runs {
        let mut piece = run.text.as_str();
        // Chinese is set without spaces next to its characters, but writers add one where the
        // font changes (`2019 年`): dropped where a piece meets a CJK character.
        if text.trim_end().chars().last().is_some_and(wide)
            || piece.trim_start().chars().next().is_some_and(wide)
        {
            let kept = text.trim_end().len();
            text.truncate(kept);
            piece = piece.trim_start();
        } else if !text.is_empty() && run.x - right > run.size && !text.ends_with(' ') {
            // A wide gap between Latin pieces (columns, a tab) reads as a space.
            text.push(' ');
        }
        text.push_str(piece);
        right = right.max(run.right);
        size = size.max(run.size);
    }
    let trimmed = text.trim_end();
    if trimmed.trim_start().is_empty() {
        return None;
    }
    let chars = trimmed.chars().count().max(1) as f64;
    Some(Line {
        page,
        x,
        y,
        right,
        em: size.max((right - x) / chars),
        text: trimmed.to_owned(),
    })
}

/// A CJK character or full-width form, set without spaces around it.
fn wide(c: char) -> bool {
    matches!(c,
        '\u{2E80}'..='\u{9FFF}' | '\u{F900}'..='\u{FAFF}' | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FFEF}' | '\u{20000}'..='\u{3FFFF}')
}

/// `1`, `- 1 -`, `— 12 —`, `第3页`, `3/10` alone on a page's first or last line.
fn is_page_number(text: &str) -> bool {
    let core: String = text
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '-' | '—' | '–' | '－'))
        .collect();
    let core = core
        .strip_prefix('第')
        .and_then(|c| c.strip_suffix('页').or_else(|| c.strip_suffix('頁')))
        .unwrap_or(&core);
    let mut parts = core.splitn(2, '/');
    let digits = |s: &str| !s.is_empty() && s.len() <= 4 && s.chars().all(|c| c.is_ascii_digit());
    match (parts.next(), parts.next()) {
        (Some(n), None) => digits(n),
        (Some(n), Some(of)) => digits(n) && digits(of),
        _ => false,
    }
}

fn drop_page_numbers(lines: &mut Vec<Line>) {
    let mut keep = vec![true; lines.len()];
    for (i, line) in lines.iter().enumerate() {
        let first = i == 0 || lines[i - 1].page != line.page;
        let last = i + 1 == lines.len() || lines[i + 1].page != line.page;
        if (first || last) && is_page_number(&line.text) {
            keep[i] = false;
        }
    }
    let mut flags = keep.into_iter();
    lines.retain(|_| flags.next().unwrap_or(true));
}

fn median(mut values: Vec<f64>) -> Option<f64> {
    values.sort_by(f64::total_cmp);
    values.get(values.len() / 2).copied()
}

fn join(lines: &[Line]) -> Vec<String> {
    // The usual distance between baselines, from lines of one page that follow each other.
    let pitch = median(
        lines
            .windows(2)
            .filter(|w| w[0].page == w[1].page)
            .map(|w| w[1].y - w[0].y)
            .filter(|gap| *gap > 0.0)
            .collect(),
    );
    let mut margins: Vec<(usize, f64, f64)> = Vec::new();
    for line in lines {
        match margins.last_mut() {
            Some((page, left, right)) if *page == line.page => {
                *left = left.min(line.x);
                *right = right.max(line.right);
            }
            _ => margins.push((line.page, line.x, line.right)),
        }
    }
    let margin = |page: usize| {
        margins
            .iter()
            .find(|(p, _, _)| *p == page)
            .map_or((0.0, 0.0), |(_, left, right)| (*left, *right))
    };
    let mut paragraphs: Vec<String> = Vec::new();
    let mut previous: Option<&Line> = None;
    for line in lines {
        let continues = previous.is_some_and(|above| {
            let (_, above_right) = margin(above.page);
            let (left, _) = margin(line.page);
            // Chinese line breaking moves a character or two to the next line (no closing mark
            // may start a line, no opening one end it), so a full line may stop that short.
            let full = above.right >= above_right - 2.5 * above.em;
            let indented = line.x > left + 1.5 * line.em;
            let close = above.page != line.page
                || pitch.is_none_or(|pitch| line.y - above.y <= 1.4 * pitch);
            full && !indented && close
        });
        match paragraphs.last_mut() {
            Some(paragraph) if continues => {
                // A Latin word broken at the line's end is joined with a space; CJK text is not.
                let ascii_end = paragraph
                    .chars()
                    .last()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                let ascii_start = line
                    .text
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphanumeric());
                if ascii_end && ascii_start {
                    paragraph.push(' ');
                }
                paragraph.push_str(line.text.trim_start());
            }
            _ => paragraphs.push(line.text.trim().to_owned()),
        }
        previous = Some(line);
    }
    paragraphs
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(page: usize, x: f64, y: f64, text: &str) -> Run {
        Run {
            page,
            x,
            y,
            right: x + text.chars().count() as f64 * 10.0,
            size: 10.0,
            text: text.into(),
        }
    }

    #[test]
    fn lines_are_read_top_down_and_left_to_right_then_joined() {
        let runs = vec![
            // Written out of order; the second half of the first line before its start.
            run(0, 50.0, 100.0, "公开工作"),
            run(0, 0.0, 100.5, "一、做好"),
            run(0, 0.0, 112.0, "要点如下"),
            // A blank line's gap, then a paragraph over a page break (full line above).
            run(0, 0.0, 136.0, "（一）推进决策公开。严格落"),
            run(0, 0.0, 790.0, "3"),
            run(1, 0.0, 20.0, "实规定。（责任部门：办公室）"),
            // An indented first line right below: a new paragraph.
            run(1, 20.0, 32.0, "（二）做好解读。"),
        ];
        assert_eq!(
            paragraphs(runs),
            [
                "一、做好公开工作",
                "要点如下",
                "（一）推进决策公开。严格落实规定。（责任部门：办公室）",
                "（二）做好解读。"
            ]
        );
    }

    #[test]
    fn page_numbers_are_told_apart() {
        for text in ["3", "- 3 -", "— 12 —", "第3页", "3/10"] {
            assert!(is_page_number(text), "{text}");
        }
        for text in ["2019年", "一、", "12345", "3/"] {
            assert!(!is_page_number(text), "{text}");
        }
    }

    #[test]
    fn nonsense_positions_never_panic() {
        let mut runs = vec![run(0, f64::NAN, 1.0, "x"), run(0, 1.0, f64::INFINITY, "y")];
        runs.push(Run {
            size: 0.0,
            ..run(0, 1.0, 1.0, "z")
        });
        assert_eq!(paragraphs(runs), ["z"]);
        assert!(paragraphs(Vec::new()).is_empty());
    }
}
