//! Comma- (or tab-) separated rows, as Excel and WPS save a sheet: quoted fields may hold the
//! separator, doubled quotes and line breaks. The text is already decoded (WPS and Excel on
//! Chinese Windows save CSV in GBK), and is at most `MAX_PLAN_BYTES`; rows, columns and cells
//! are capped like a sheet's.

use super::super::PlanError;
use super::{MAX_CELLS, MAX_COLUMNS, MAX_ROWS};

/// The separator of a header line: a comma, or a tab if the line has more tabs than commas.
pub(crate) fn separator(line: &str) -> char {
    let tabs = line.matches('\t').count();
    let commas = line.matches(',').count();
    if tabs > commas {
        '\t'
    } else {
        ','
    }
}

/// One line's fields, for recognising a header before the whole text is split.
pub(crate) fn fields(line: &str, separator: char) -> Vec<String> {
    rows(line, separator)
        .ok()
        .and_then(|mut r| r.pop())
        .unwrap_or_default()
}

pub(crate) fn rows(text: &str, separator: char) -> Result<Vec<Vec<String>>, PlanError> {
    let too_large = |detail: String| PlanError::TableTooLarge { detail };
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut quoted = false;
    let mut cells = 0usize;
    let mut chars = text.chars().peekable();
    let mut end_field = |field: &mut String, row: &mut Vec<String>| {
        cells += 1;
        if cells > MAX_CELLS {
            return Err(too_large(format!("more than {MAX_CELLS} cells")));
        }
        if row.len() >= MAX_COLUMNS {
            return Err(too_large(format!("more than {MAX_COLUMNS} columns")));
        }
        row.push(std::mem::take(field).trim().to_owned());
        Ok(())
    };
    while let Some(c) = chars.next() {
        if quoted {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => quoted = false,
                _ => field.push(c),
            }
        } else if c == '"' && field.trim().is_empty() {
            field.clear();
            quoted = true;
        } else if c == separator {
            end_field(&mut field, &mut row)?;
        } else if c == '\r' || c == '\n' {
            if c == '\r' && chars.peek() == Some(&'\n') {
                chars.next();
            }
            end_field(&mut field, &mut row)?;
            rows.push(std::mem::take(&mut row));
            if rows.len() > MAX_ROWS {
                return Err(too_large(format!("more than {MAX_ROWS} rows")));
            }
        } else {
            field.push(c);
        }
    }
    if !field.is_empty() || !row.is_empty() {
        end_field(&mut field, &mut row)?;
        rows.push(row);
    }
    Ok(rows)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, expected: &[&[&str]]) {
        let expected: Vec<Vec<String>> = expected
            .iter()
            .map(|row| row.iter().map(|c| c.to_string()).collect())
            .collect();
        assert_eq!(rows(text, separator(text)), Ok(expected), "{text:?}");
    }

    #[test]
    fn fields_quotes_and_breaks() {
        check("a,b,c\r\n1,2,3\r\n", &[&["a", "b", "c"], &["1", "2", "3"]]);
        check(
            "序号,任务\n1,\"做好公开，\n按时报送\"\n2,\"说 \"\"谁公开\"\"\"",
            &[
                &["序号", "任务"],
                &["1", "做好公开，\n按时报送"],
                &["2", "说 \"谁公开\""],
            ],
        );
        check("a\tb\n1\t2", &[&["a", "b"], &["1", "2"]]);
        check("a,,b", &[&["a", "", "b"]]);
    }

    #[test]
    fn caps() {
        let wide = ",".repeat(MAX_COLUMNS + 1);
        assert!(matches!(
            rows(&wide, ','),
            Err(PlanError::TableTooLarge { .. })
        ));
        let long = "\n".repeat(MAX_ROWS + 1);
        assert!(matches!(
            rows(&long, ','),
            Err(PlanError::TableTooLarge { .. })
        ));
    }
}
