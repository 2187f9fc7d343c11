//! A task's 完成时限 as written, and the date it means when it names one.
//!
//! Plans give deadlines relative to the plan's year (`6月底前`, `年底前`, `三季度末`), as
//! dates (`2025年9月30日前`, `2025-09-30`, an Excel date cell), or as no deadline at all
//! (`长期坚持`, `持续推进`). The first two become a date; "ongoing" wording is kept as text
//! without one; anything else is kept as text and the caller warns, because a guessed date
//! would be worse than none.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

use std::ops::Range;

use super::chars::{is_ideograph, starts_with, trim};
use super::headings::chinese_numeral;
use super::PlanWarning;
use crate::text::fold;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct PlanDeadline {
    /// As written: `6月底前`, `长期坚持`.
    pub text: String,
    /// The day it means, when it names one: `6月底前` in a 2025 plan is 2025-06-30.
    pub date: Option<NaiveDate>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Reading {
    Date(NaiveDate),
    /// `长期坚持`, `持续推进`: no date, and nothing wrong.
    Ongoing,
    /// A day of the year (`6月底前`) in a plan whose year was not found.
    NeedsYear,
    Unknown,
}

/// Words that mean the task has no end date.
const ONGOING: &[&str] = &[
    "长期", "持续", "常态", "经常", "日常", "全年", "常年", "随时",
];

pub(crate) fn read_deadline(text: &str, plan_year: Option<i32>) -> Reading {
    let folded: String = fold(text).chars().filter(|c| !c.is_whitespace()).collect();
    let mut s = folded.as_str();
    for prefix in ["截止到", "截至", "截止", "于", "在", "到", "至"] {
        if let Some(rest) = s.strip_prefix(prefix) {
            s = rest;
            break;
        }
    }
    let mut stripped = true;
    while stripped {
        stripped = false;
        for suffix in ["完成", "之前", "以前", "为止", "前", "止", "。", ";", "."] {
            if let Some(rest) = s.strip_suffix(suffix) {
                s = rest;
                stripped = true;
            }
        }
    }
    if let Some(date) = excel_serial(s).or_else(|| numeric_date(s)) {
        return Reading::Date(date);
    }
    let chars: Vec<char> = s.chars().collect();
    match chinese_date(&chars, plan_year) {
        Some(reading) => reading,
        None if ONGOING.iter().any(|w| folded.contains(w)) => Reading::Ongoing,
        None => Reading::Unknown,
    }
}

/// An Excel date cell read as its serial number (days since 1899-12-30), within 1954–2119.
fn excel_serial(s: &str) -> Option<NaiveDate> {
    if s.len() != 5 || !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let days: i64 = s.parse().ok()?;
    if !(20_000..=80_000).contains(&days) {
        return None;
    }
    NaiveDate::from_ymd_opt(1899, 12, 30)?.checked_add_signed(chrono::Duration::days(days))
}

/// `2025-09-30`, `2025/9/30`, `2025.9.30`.
fn numeric_date(s: &str) -> Option<NaiveDate> {
    let parts: Vec<&str> = s.split(['-', '/', '.']).collect();
    let [y, m, d] = parts.as_slice() else {
        return None;
    };
    if y.len() != 4 {
        return None;
    }
    NaiveDate::from_ymd_opt(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

fn last_day(year: i32, month: u32) -> Option<NaiveDate> {
    let first_next = if month == 12 {
        NaiveDate::from_ymd_opt(year + 1, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    first_next.pred_opt()
}

/// A number at `at` in ASCII or Chinese digits: its value and end.
fn number(f: &[char], at: usize) -> Option<(u32, usize)> {
    let digits = f[at.min(f.len())..]
        .iter()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if digits > 0 {
        let value: String = f[at..at + digits].iter().collect();
        return Some((value.parse().ok()?, at + digits));
    }
    chinese_numeral(f, at, f.len())
}

/// `[2025年]` then `6月底`, `9月30日`, `年底`, `上半年`, `三季度末` … with nothing after.
fn chinese_date(f: &[char], plan_year: Option<i32>) -> Option<Reading> {
    let mut at = 0;
    let mut year = None;
    if f.len() >= 5 && f[..4].iter().all(char::is_ascii_digit) && f[4] == '年' {
        let value: String = f[..4].iter().collect();
        year = value.parse::<i32>().ok();
        at = 5;
    }
    let rest: String = f[at..].iter().collect();
    let year_end = |y: i32| NaiveDate::from_ymd_opt(y, 12, 31);
    let day_of_year: Option<Box<dyn Fn(i32) -> Option<NaiveDate>>> = match rest.as_str() {
        "" if year.is_some() => Some(Box::new(year_end)),
        "底" | "末" | "内" | "年底" | "年末" | "年内" | "度" | "年度" | "下半年" => {
            Some(Box::new(year_end))
        }
        "上半年" | "年中" => Some(Box::new(|y| NaiveDate::from_ymd_opt(y, 6, 30))),
        _ => quarter(&rest).or_else(|| month_day(f, at)),
    };
    let day_of_year = day_of_year?;
    Some(match year.or(plan_year) {
        Some(y) => day_of_year(y).map_or(Reading::Unknown, Reading::Date),
        None => Reading::NeedsYear,
    })
}

/// `一季度`, `第三季度末`, `4季度底`: the quarter's last day.
fn quarter(rest: &str) -> Option<Box<dyn Fn(i32) -> Option<NaiveDate>>> {
    let rest = rest.strip_prefix('第').unwrap_or(rest);
    let mut chars = rest.chars();
    let q = match chars.next()? {
        '一' | '1' => 1,
        '二' | '2' => 2,
        '三' | '3' => 3,
        '四' | '4' => 4,
        _ => return None,
    };
    let tail: String = chars.collect();
    if !matches!(
        tail.as_str(),
        "季度" | "季度末" | "季度底" | "季末" | "季度内"
    ) {
        return None;
    }
    Some(Box::new(move |y| last_day(y, q * 3)))
}

/// `6月`, `6月底`, `六月末`, `6月中旬`, `9月30日`, `9月30号`.
fn month_day(f: &[char], at: usize) -> Option<Box<dyn Fn(i32) -> Option<NaiveDate>>> {
    let (month, k) = number(f, at)?;
    if f.get(k) != Some(&'月') || !(1..=12).contains(&month) {
        return None;
    }
    let tail: String = f[k + 1..].iter().collect();
    let day = match tail.as_str() {
        "" | "底" | "末" | "份" | "下旬" | "内" => None,
        "上旬" => Some(10),
        "中旬" => Some(20),
        _ => {
            let (day, j) = number(f, k + 1)?;
            let rest: String = f[j..].iter().collect();
            if !matches!(rest.as_str(), "日" | "号") {
                return None;
            }
            Some(day)
        }
    };
    Some(Box::new(move |y| match day {
        Some(d) => NaiveDate::from_ymd_opt(y, month, d),
        None => last_day(y, month),
    }))
}

/// Labels of a deadline in a paragraph (folded): `完成时限：6月底前`.
const LABELS: &[&str] = &[
    "完成时限",
    "完成时间",
    "完成期限",
    "时限要求",
    "时间节点",
    "时限",
];

/// A labelled deadline in a paragraph's folded chars: the whole clause (from its opening
/// parenthesis, if the label starts one) and the value, which ends at a closing parenthesis,
/// `;`, a full stop or a line break.
pub(crate) fn labelled(f: &[char]) -> Option<(Range<usize>, Range<usize>)> {
    (0..f.len()).find_map(|i| {
        let label = LABELS.iter().find(|label| starts_with(f, i, label))?;
        if i > 0 && is_ideograph(f[i - 1]) {
            return None;
        }
        let mut k = i + label.chars().count();
        while k < f.len() && f[k] == ' ' {
            k += 1;
        }
        if f.get(k) != Some(&':') {
            return None;
        }
        let start = k + 1;
        let end = (start..f.len())
            .find(|&j| matches!(f[j], ')' | ';' | '。' | '\n'))
            .unwrap_or(f.len());
        let mut clause_start = i;
        while clause_start > 0 && f[clause_start - 1] == ' ' {
            clause_start -= 1;
        }
        if clause_start > 0 && f[clause_start - 1] == '(' {
            clause_start -= 1;
        }
        Some((clause_start..end, trim(f, start..end)))
    })
}

/// A task's deadline as written, read against the plan's year; a deadline not understood is
/// kept as text and warned about (`task` and `number` name the task in the warning).
pub(crate) fn deadline(
    text: &str,
    plan_year: Option<i32>,
    task: usize,
    number: &str,
    warnings: &mut Vec<PlanWarning>,
) -> Option<PlanDeadline> {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.is_empty() {
        return None;
    }
    let (date, problem) = match read_deadline(&text, plan_year) {
        Reading::Date(date) => (Some(date), None),
        Reading::Ongoing => (None, None),
        Reading::NeedsYear => (
            None,
            Some((
                "deadline_without_year",
                format!("The deadline of task {number} names no year and the plan's year was not found; it is kept as text."),
            )),
        ),
        Reading::Unknown => (
            None,
            Some((
                "deadline_not_understood",
                format!("The deadline of task {number} was not understood as a date; it is kept as text."),
            )),
        ),
    };
    if let Some((code, message)) = problem {
        warnings.push(PlanWarning {
            task: Some(task),
            code: code.to_owned(),
            message,
            excerpt: text.chars().take(60).collect(),
        });
    }
    Some(PlanDeadline { text, date })
}

/// The plan's year: the first `2025年` (or `2025年度`) in the text, between 2000 and 2099.
pub(crate) fn plan_year(text: &str) -> Option<i32> {
    let chars: Vec<char> = text.chars().collect();
    chars.windows(5).find_map(|w| {
        let digits = &w[..4];
        (w[4] == '年'
            && digits[0] == '2'
            && digits[1] == '0'
            && digits.iter().all(char::is_ascii_digit))
        .then(|| digits.iter().collect::<String>().parse().ok())
        .flatten()
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(text: &str, year: Option<i32>, expected: Reading) {
        assert_eq!(read_deadline(text, year), expected, "{text:?} in {year:?}");
    }

    fn date(y: i32, m: u32, d: u32) -> Reading {
        NaiveDate::from_ymd_opt(y, m, d).map_or(Reading::Unknown, Reading::Date)
    }

    #[test]
    fn deadlines() {
        let plan = Some(2025);
        check("6月底前", plan, date(2025, 6, 30));
        check("2月底前", Some(2024), date(2024, 2, 29));
        check("六月底前完成", plan, date(2025, 6, 30));
        check("9月30日前", plan, date(2025, 9, 30));
        check("2025年9月30日前", None, date(2025, 9, 30));
        check("2026年3月底", plan, date(2026, 3, 31));
        check("2025年底前", None, date(2025, 12, 31));
        check("年底前", plan, date(2025, 12, 31));
        check("年内完成", plan, date(2025, 12, 31));
        check("上半年", plan, date(2025, 6, 30));
        check("三季度末", plan, date(2025, 9, 30));
        check("第一季度", plan, date(2025, 3, 31));
        check("11月中旬前", plan, date(2025, 11, 20));
        check("2025-09-30", None, date(2025, 9, 30));
        check("2025/9/30", None, date(2025, 9, 30));
        check("45930", None, date(2025, 9, 30));
        check(" 截至 12 月 31 日 ", plan, date(2025, 12, 31));
        check("长期坚持", plan, Reading::Ongoing);
        check("持续推进", plan, Reading::Ongoing);
        check("常态化开展", None, Reading::Ongoing);
        check("6月底前", None, Reading::NeedsYear);
        check("年底前", None, Reading::NeedsYear);
        check("按要求", plan, Reading::Unknown);
        check("6月底前启动，12月底前完成", plan, Reading::Unknown);
        check("13月底前", plan, Reading::Unknown);
        check("2月30日前", plan, Reading::Unknown);
        check("", plan, Reading::Unknown);
    }

    #[test]
    fn years() {
        assert_eq!(plan_year("2025年政务公开工作要点任务分解表"), Some(2025));
        assert_eq!(plan_year("关于印发《2019年度实施方案》的通知"), Some(2019));
        assert_eq!(plan_year("第1年"), None);
        assert_eq!(plan_year("1999年"), None);
    }
}
