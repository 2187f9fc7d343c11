//! A QR code drawn as filled boxes, so the form needs no image.

use crate::layout::Mark;
use qrcode::{Color, EcLevel, QrCode};

/// The dark modules of `text`'s QR code in a square of `side` points whose top-left corner is
/// at (`x`, `top`), with its quiet zone inside the square. `None` when the text cannot be encoded.
pub(crate) fn marks(text: &str, x: f32, top: f32, side: f32) -> Option<Vec<Mark>> {
    let code = QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let quiet = 2;
    let module = side / (width + 2 * quiet) as f32;
    let mut marks = Vec::new();
    for row in 0..width {
        let mut column = 0;
        while column < width {
            if colors.get(row * width + column) != Some(&Color::Dark) {
                column += 1;
                continue;
            }
            // One box for a run of dark modules in a row.
            let start = column;
            while column < width && colors.get(row * width + column) == Some(&Color::Dark) {
                column += 1;
            }
            marks.push(Mark::Box {
                x: x + (start + quiet) as f32 * module,
                y: top - (row + quiet + 1) as f32 * module,
                width: (column - start) as f32 * module,
                height: module,
                fill: Some(0.0),
                stroke: false,
            });
        }
    }
    Some(marks)
}
