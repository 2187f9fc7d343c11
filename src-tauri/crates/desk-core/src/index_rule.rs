//! The 索引号 rule.
//!
//! Each office writes its index numbers its own way (region code, department code, category,
//! year, serial), so the rule is a template: `{org}-{dept}-{cat}-{year}-{seq:4}`. The serial is
//! the only part that needs the catalog (the next free number for the same prefix), so the rule
//! splits into the text around `{seq}` and leaves counting to the store.

use crate::problem::Code;
use crate::validate::FieldProblem;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IndexRule {
    before_seq: Vec<Piece>,
    seq_width: usize,
    after_seq: Vec<Piece>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Org,
    Dept,
    Cat,
    Year,
}

/// What the rule's placeholders stand for, for one item.
#[derive(Debug, Clone, Default)]
pub struct IndexContext<'a> {
    pub org: &'a str,
    pub dept: &'a str,
    pub cat: &'a str,
    pub year: i32,
}

/// The widest serial a rule may ask for (`{seq:12}`).
pub const MAX_SEQ_WIDTH: usize = 12;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IndexRuleError {
    #[error("the 索引号 rule must contain {{seq}} exactly once (for example {{org}}-{{year}}-{{seq:4}})")]
    SeqCount,
    #[error(
        "the 索引号 rule has an unknown placeholder {{{0}}}: use org, dept, cat, year or seq:N"
    )]
    Unknown(String),
    #[error("the 索引号 rule has an unclosed {{")]
    Unclosed,
}

impl IndexRuleError {
    pub fn code(&self) -> Code {
        match self {
            IndexRuleError::SeqCount => Code::IndexRuleSeqCount,
            IndexRuleError::Unknown(_) => Code::IndexRuleUnknownPlaceholder,
            IndexRuleError::Unclosed => Code::IndexRuleUnclosed,
        }
    }

    /// The refusal as a problem of the settings' `index_rule`.
    pub fn problem(&self) -> FieldProblem {
        self.code().problem("index_rule", self.to_string())
    }
}

impl IndexRule {
    pub fn parse(template: &str) -> Result<IndexRule, IndexRuleError> {
        let mut before = Vec::new();
        let mut after = Vec::new();
        let mut seq_width = None;
        let mut rest = template;
        let mut text = String::new();
        while let Some(open) = rest.find('{') {
            text.push_str(&rest[..open]);
            let close = rest[open..].find('}').ok_or(IndexRuleError::Unclosed)? + open;
            let name = &rest[open + 1..close];
            let target = if seq_width.is_some() {
                &mut after
            } else {
                &mut before
            };
            if !text.is_empty() {
                target.push(Piece::Text(std::mem::take(&mut text)));
            }
            let piece = match name {
                "org" => Some(Piece::Org),
                "dept" => Some(Piece::Dept),
                "cat" => Some(Piece::Cat),
                "year" => Some(Piece::Year),
                "seq" => None,
                _ => match name.strip_prefix("seq:").map(str::parse::<usize>) {
                    Some(Ok(width)) if width <= MAX_SEQ_WIDTH => None,
                    _ => return Err(IndexRuleError::Unknown(name.to_string())),
                },
            };
            match piece {
                Some(piece) => target.push(piece),
                None => {
                    if seq_width.is_some() {
                        return Err(IndexRuleError::SeqCount);
                    }
                    seq_width = Some(
                        name.strip_prefix("seq:")
                            .and_then(|w| w.parse().ok())
                            .unwrap_or(1),
                    );
                }
            }
            rest = &rest[close + 1..];
        }
        text.push_str(rest);
        let seq_width = seq_width.ok_or(IndexRuleError::SeqCount)?;
        if !text.is_empty() {
            after.push(Piece::Text(text));
        }
        Ok(IndexRule {
            before_seq: before,
            seq_width,
            after_seq: after,
        })
    }

    fn render(pieces: &[Piece], ctx: &IndexContext) -> String {
        pieces
            .iter()
            .map(|p| match p {
                Piece::Text(t) => t.clone(),
                Piece::Org => ctx.org.to_string(),
                Piece::Dept => ctx.dept.to_string(),
                Piece::Cat => ctx.cat.to_string(),
                Piece::Year => ctx.year.to_string(),
            })
            .collect()
    }

    /// The fixed text before and after the serial for this item.
    pub fn frame(&self, ctx: &IndexContext) -> (String, String) {
        (
            Self::render(&self.before_seq, ctx),
            Self::render(&self.after_seq, ctx),
        )
    }

    /// The index number with serial `seq`.
    pub fn format(&self, ctx: &IndexContext, seq: u64) -> String {
        let (before, after) = self.frame(ctx);
        format!("{before}{seq:0width$}{after}", width = self.seq_width)
    }

    /// The serial of `index_no` if it was made by this rule for this context.
    pub fn serial_of(&self, ctx: &IndexContext, index_no: &str) -> Option<u64> {
        let (before, after) = self.frame(ctx);
        let digits = index_no.strip_prefix(&before)?.strip_suffix(&after)?;
        if digits.is_empty() || !digits.chars().all(|c| c.is_ascii_digit()) {
            return None;
        }
        digits.parse().ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ctx() -> IndexContext<'static> {
        IndexContext {
            org: "210200-JY",
            dept: "GFC",
            cat: "ZCWJ",
            year: 2019,
        }
    }

    #[test]
    fn formats_and_reads_back() {
        let rule =
            IndexRule::parse("{org}-{dept}-{cat}-{year}-{seq:4}").unwrap_or_else(|e| panic!("{e}"));
        let no = rule.format(&ctx(), 7);
        assert_eq!(no, "210200-JY-GFC-ZCWJ-2019-0007");
        assert_eq!(rule.serial_of(&ctx(), &no), Some(7));
        assert_eq!(rule.serial_of(&ctx(), "210200-JY-GFC-ZCWJ-2018-0007"), None);
        let wide = rule.format(&ctx(), 12345);
        assert_eq!(rule.serial_of(&ctx(), &wide), Some(12345));
    }

    #[test]
    fn text_after_the_serial() {
        let rule = IndexRule::parse("{year}/{seq}号").unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(rule.format(&ctx(), 3), "2019/3号");
        assert_eq!(rule.serial_of(&ctx(), "2019/3号"), Some(3));
    }

    #[test]
    fn bad_rules_are_explained() {
        assert_eq!(
            IndexRule::parse("{org}-{year}"),
            Err(IndexRuleError::SeqCount)
        );
        assert_eq!(
            IndexRule::parse("{seq}-{seq}"),
            Err(IndexRuleError::SeqCount)
        );
        assert_eq!(
            IndexRule::parse("{region}-{seq}"),
            Err(IndexRuleError::Unknown("region".into()))
        );
        assert_eq!(IndexRule::parse("{org"), Err(IndexRuleError::Unclosed));
    }
}
