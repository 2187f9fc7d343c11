//! Counting working days for due dates (条例 第二十六条: 20 working days).
//!
//! Weekends are not working days; the office's holiday calendar (public holidays and make-up
//! workdays 调休, per year) overrides them day by day when it is loaded.
//!
//! The official calendar is built from one text file per year under `data/calendar/`, each
//! transcribed from the State Council General Office notice for that year (国务院办公厅关于
//! 某年部分节假日安排的通知, plus any later notice amending it). The format is meant to be
//! edited by hand:
//!
//! ```text
//! # comment lines start with '#'
//! year 2019
//! holiday 2019-02-04..2019-02-10 春节
//! workday 2019-02-02 春节调休
//! ```
//!
//! `holiday` (or `放假`) marks days off, `workday` (or `上班`) marks make-up workdays; the date
//! is `YYYY-MM-DD` or an inclusive range `FROM..TO`; anything after the date is a free note.
//! The `year` line is optional (the first date sets the year otherwise); every date in a file
//! must fall in that year.

use crate::problem::Code;
use crate::validate::FieldProblem;
use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::{BTreeSet, HashMap};
use std::ops::RangeInclusive;

/// The embedded official files, by the year each one covers.
const OFFICIAL_FILES: [(i32, &str); 8] = [
    (2019, include_str!("../data/calendar/2019.txt")),
    (2020, include_str!("../data/calendar/2020.txt")),
    (2021, include_str!("../data/calendar/2021.txt")),
    (2022, include_str!("../data/calendar/2022.txt")),
    (2023, include_str!("../data/calendar/2023.txt")),
    (2024, include_str!("../data/calendar/2024.txt")),
    (2025, include_str!("../data/calendar/2025.txt")),
    (2026, include_str!("../data/calendar/2026.txt")),
];

/// The shipped file for `year`, if the application ships one.
pub fn official_year_text(year: i32) -> Option<&'static str> {
    OFFICIAL_FILES
        .iter()
        .find(|(y, _)| *y == year)
        .map(|(_, text)| *text)
}

pub fn official_years() -> impl Iterator<Item = i32> {
    OFFICIAL_FILES.iter().map(|(year, _)| *year)
}

/// The year a calendar file is about, after checking the whole file.
pub fn calendar_file_year(text: &str) -> Result<i32, CalendarError> {
    parse_entries(text).map(|(year, _)| year)
}

/// The years an office may write a calendar file for (a typo such as 2207 is refused).
pub const OFFICE_YEAR_MIN: i32 = 2000;
pub const OFFICE_YEAR_MAX: i32 = 2100;

/// The year an office's calendar file is about, after checking the whole file and the year's
/// range; a refusal names the line (its `field`) where there is one.
pub fn office_file_year(text: &str) -> Result<i32, FieldProblem> {
    let year = calendar_file_year(text).map_err(|e| e.problem())?;
    if !(OFFICE_YEAR_MIN..=OFFICE_YEAR_MAX).contains(&year) {
        return Err(Code::CalendarYearOutOfRange.problem(
            "year",
            format!("{year} is outside {OFFICE_YEAR_MIN}–{OFFICE_YEAR_MAX}: check the year line"),
        ));
    }
    Ok(year)
}

/// One year of the working-day calendar as the settings screen shows it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct CalendarYear {
    pub year: i32,
    pub text: String,
    /// Whether the office changed (or added) it; `false` for the shipped file as is.
    pub edited: bool,
    /// Whether the application ships a file for this year (so a reset goes back to it).
    pub shipped: bool,
    pub holidays: u32,
    pub workdays: u32,
    /// Every day the file names, in date order: what the month grid shows.
    pub days: Vec<CalendarDay>,
}

/// One day that differs from the Monday-to-Friday rule, with the file's note for it (春节 …).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize, ts_rs::TS)]
pub struct CalendarDay {
    pub date: NaiveDate,
    /// A make-up workday (调休上班) when true, a holiday (放假) when false.
    pub working: bool,
    pub note: String,
}

/// Every day a year file names, with its note, in date order.
pub fn calendar_days(text: &str) -> Result<Vec<CalendarDay>, CalendarError> {
    let (_, entries) = parse_entries(text)?;
    let mut days: Vec<CalendarDay> = entries
        .iter()
        .flat_map(|entry| {
            entry.days().map(move |date| CalendarDay {
                date,
                working: entry.working,
                note: entry.note.clone(),
            })
        })
        .collect();
    days.sort_by_key(|day| day.date);
    days.dedup_by_key(|day| day.date);
    Ok(days)
}

/// The year file for `days` as marked on the month grid: the comment lines that head
/// `previous` (the notice it was transcribed from) are kept, then the `year` line, then one line
/// per run of consecutive days of one kind and one note. The result reads back to the same days;
/// a day outside `year` or marked twice is refused as the text would be.
pub fn write_year_file(
    year: i32,
    previous: Option<&str>,
    days: &[CalendarDay],
) -> Result<String, CalendarError> {
    let mut out = String::new();
    for line in previous.unwrap_or_default().lines() {
        let trimmed = line.trim();
        if !(trimmed.is_empty() || trimmed.starts_with('#')) {
            break;
        }
        if trimmed.starts_with('#') {
            out.push_str(line.trim_end());
            out.push('\n');
        }
    }
    out.push_str(&format!("year {year}\n\n"));
    let mut sorted: Vec<&CalendarDay> = days.iter().collect();
    sorted.sort_by_key(|day| day.date);
    let mut index = 0;
    while index < sorted.len() {
        let first = sorted[index];
        let mut last = first;
        let mut next = index + 1;
        while let Some(day) = sorted.get(next) {
            let follows = last.date.succ_opt() == Some(day.date);
            if !(follows && day.working == first.working && day.note == first.note) {
                break;
            }
            last = day;
            next += 1;
        }
        let keyword = kind_name(first.working);
        let dates = if first.date == last.date {
            first.date.to_string()
        } else {
            format!("{}..{}", first.date, last.date)
        };
        let note = first.note.split_whitespace().collect::<Vec<_>>().join(" ");
        if note.is_empty() {
            out.push_str(&format!("{keyword} {dates}\n"));
        } else {
            out.push_str(&format!("{keyword} {dates} {note}\n"));
        }
        index = next;
    }
    parse_entries(&out)?;
    Ok(out)
}

/// Counts of holidays and make-up workdays in a year file.
pub fn count_days(text: &str) -> Result<(u32, u32), CalendarError> {
    let days = parse_calendar_year(text)?;
    let workdays = days.iter().filter(|(_, work)| *work).count() as u32;
    Ok((days.len() as u32 - workdays, workdays))
}

/// A problem in a calendar file; `line` is 1-based.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    #[error("line {line}: unknown keyword `{keyword}` (expected `holiday`, `workday` or `year`)")]
    UnknownKeyword { line: usize, keyword: String },
    #[error(
        "line {line}: `{keyword}` needs a date (YYYY-MM-DD) or a range (YYYY-MM-DD..YYYY-MM-DD)"
    )]
    MissingDate { line: usize, keyword: String },
    #[error("line {line}: `{text}` is not a valid date (write it as YYYY-MM-DD, e.g. 2019-02-04)")]
    BadDate { line: usize, text: String },
    #[error("line {line}: the range ends on {end}, before it starts on {start}")]
    RangeBackwards {
        line: usize,
        start: NaiveDate,
        end: NaiveDate,
    },
    #[error("line {line}: `{text}` is not a year (write e.g. `year 2019`)")]
    BadYear { line: usize, text: String },
    #[error("line {line}: year {year} contradicts year {earlier} set on line {earlier_line}")]
    YearChanged {
        line: usize,
        year: i32,
        earlier: i32,
        earlier_line: usize,
    },
    #[error("line {line}: {date} is outside this file's year {year}")]
    OutsideYear {
        line: usize,
        date: NaiveDate,
        year: i32,
    },
    #[error(
        "line {line}: {date} is listed as a {kind} here but as a {other_kind} on line {other_line}"
    )]
    Conflict {
        line: usize,
        date: NaiveDate,
        kind: &'static str,
        other_kind: &'static str,
        other_line: usize,
    },
    #[error("the file names no year: add a line such as `year 2019`")]
    NoYear,
    #[error("the calendar already has a file for {year}")]
    DuplicateYear { year: i32 },
}

impl CalendarError {
    pub fn code(&self) -> Code {
        match self {
            CalendarError::UnknownKeyword { .. } => Code::CalendarUnknownKeyword,
            CalendarError::MissingDate { .. } => Code::CalendarMissingDate,
            CalendarError::BadDate { .. } => Code::CalendarBadDate,
            CalendarError::RangeBackwards { .. } => Code::CalendarRangeBackwards,
            CalendarError::BadYear { .. } => Code::CalendarBadYear,
            CalendarError::YearChanged { .. } => Code::CalendarYearChanged,
            CalendarError::OutsideYear { .. } => Code::CalendarOutsideYear,
            CalendarError::Conflict { .. } => Code::CalendarConflict,
            CalendarError::NoYear => Code::CalendarNoYear,
            CalendarError::DuplicateYear { .. } => Code::CalendarDuplicateYear,
        }
    }

    /// The line the problem is on, when it is on one.
    pub fn line(&self) -> Option<usize> {
        match self {
            CalendarError::UnknownKeyword { line, .. }
            | CalendarError::MissingDate { line, .. }
            | CalendarError::BadDate { line, .. }
            | CalendarError::RangeBackwards { line, .. }
            | CalendarError::BadYear { line, .. }
            | CalendarError::YearChanged { line, .. }
            | CalendarError::OutsideYear { line, .. }
            | CalendarError::Conflict { line, .. } => Some(*line),
            CalendarError::NoYear | CalendarError::DuplicateYear { .. } => None,
        }
    }

    /// The error as a problem whose `field` is the line number ("year" for the file as a whole).
    pub fn problem(&self) -> FieldProblem {
        let field = self
            .line()
            .map_or_else(|| "year".to_string(), |l| l.to_string());
        self.code().problem(field, self.to_string())
    }
}

/// One `holiday` / `workday` line: an inclusive range of days.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    line: usize,
    working: bool,
    start: NaiveDate,
    end: NaiveDate,
    note: String,
}

impl Entry {
    /// Every day of the entry, first to last.
    fn days(&self) -> impl Iterator<Item = NaiveDate> + '_ {
        self.start.iter_days().take_while(move |d| *d <= self.end)
    }
}

fn kind_name(working: bool) -> &'static str {
    if working {
        "workday"
    } else {
        "holiday"
    }
}

fn parse_date(line: usize, text: &str) -> Result<NaiveDate, CalendarError> {
    NaiveDate::parse_from_str(text, "%Y-%m-%d").map_err(|_| CalendarError::BadDate {
        line,
        text: text.to_string(),
    })
}

/// Reads a year file into its year and its entries (ranges kept, not yet expanded).
fn parse_entries(text: &str) -> Result<(i32, Vec<Entry>), CalendarError> {
    // The year and the line that set it (explicitly or by the first date).
    let mut year: Option<(i32, usize)> = None;
    let mut entries: Vec<Entry> = Vec::new();
    let mut seen: HashMap<NaiveDate, (bool, usize)> = HashMap::new();

    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let content = raw.trim();
        if content.is_empty() || content.starts_with('#') {
            continue;
        }
        let mut words = content.split_whitespace();
        let keyword = words.next().unwrap_or_default();
        let working = match keyword.to_ascii_lowercase().as_str() {
            "holiday" | "放假" => false,
            "workday" | "上班" => true,
            "year" | "年度" => {
                let text = words.next().unwrap_or_default();
                let value: i32 = text
                    .parse()
                    .ok()
                    .filter(|y| (1900..=9999).contains(y))
                    .ok_or_else(|| CalendarError::BadYear {
                        line,
                        text: text.to_string(),
                    })?;
                match year {
                    Some((earlier, earlier_line)) if earlier != value => {
                        return Err(CalendarError::YearChanged {
                            line,
                            year: value,
                            earlier,
                            earlier_line,
                        })
                    }
                    Some(_) => {}
                    None => year = Some((value, line)),
                }
                continue;
            }
            _ => {
                return Err(CalendarError::UnknownKeyword {
                    line,
                    keyword: keyword.to_string(),
                })
            }
        };

        let dates = words.next().ok_or_else(|| CalendarError::MissingDate {
            line,
            keyword: keyword.to_string(),
        })?;
        let (start, end) = match dates.split_once("..") {
            Some((from, to)) => (parse_date(line, from)?, parse_date(line, to)?),
            None => {
                let day = parse_date(line, dates)?;
                (day, day)
            }
        };
        if end < start {
            return Err(CalendarError::RangeBackwards { line, start, end });
        }
        let (file_year, _) = *year.get_or_insert((start.year(), line));
        for date in [start, end] {
            if date.year() != file_year {
                return Err(CalendarError::OutsideYear {
                    line,
                    date,
                    year: file_year,
                });
            }
        }
        for date in start.iter_days().take_while(|d| *d <= end) {
            if let Some(&(other, other_line)) = seen.get(&date) {
                if other != working {
                    return Err(CalendarError::Conflict {
                        line,
                        date,
                        kind: kind_name(working),
                        other_kind: kind_name(other),
                        other_line,
                    });
                }
            } else {
                seen.insert(date, (working, line));
            }
        }
        entries.push(Entry {
            line,
            working,
            start,
            end,
            note: words.collect::<Vec<_>>().join(" "),
        });
    }

    let (year, _) = year.ok_or(CalendarError::NoYear)?;
    Ok((year, entries))
}

fn expand(entries: &[Entry]) -> Vec<(NaiveDate, bool)> {
    entries
        .iter()
        .flat_map(|entry| entry.days().map(move |d| (d, entry.working)))
        .collect()
}

/// Parses one year file: every day it names, `true` for a make-up workday and `false` for a
/// holiday (ranges expanded, one pair per day).
pub fn parse_calendar_year(text: &str) -> Result<Vec<(NaiveDate, bool)>, CalendarError> {
    parse_entries(text).map(|(_, entries)| expand(&entries))
}

/// Days that differ from the Monday-to-Friday rule: `true` for a make-up workday, `false` for a
/// holiday. `Default` is the weekends-only calendar, which covers no year.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    exceptions: HashMap<NaiveDate, bool>,
    /// Years loaded from a year file (see [`WorkCalendar::covers`]).
    years: BTreeSet<i32>,
}

impl WorkCalendar {
    /// A calendar from ad-hoc exceptions; it claims to cover no year.
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, bool)>) -> Self {
        WorkCalendar {
            exceptions: exceptions.into_iter().collect(),
            years: BTreeSet::new(),
        }
    }

    /// The State Council calendar for the years shipped with the application (2019–2026).
    ///
    /// The embedded files are checked by the tests; should one ever fail to load, its year is
    /// left out (so [`covers`](Self::covers) reports it) rather than failing the caller.
    pub fn official() -> Self {
        let mut calendar = WorkCalendar::default();
        for (year, text) in OFFICIAL_FILES {
            match parse_entries(text) {
                Ok((found, entries)) if found == year => {
                    calendar.insert_year(year, &entries);
                }
                Ok((found, _)) => {
                    log::error!("calendar file for {year} is about {found}; year left out")
                }
                Err(err) => log::error!("calendar file for {year}: {err}; year left out"),
            }
        }
        calendar
    }

    /// Adds one year file (same format as the official files), e.g. a year the application
    /// does not ship yet. Returns the year it covers.
    pub fn load_year(&mut self, text: &str) -> Result<i32, CalendarError> {
        let (year, entries) = parse_entries(text)?;
        if self.years.contains(&year) {
            return Err(CalendarError::DuplicateYear { year });
        }
        self.insert_year(year, &entries);
        Ok(year)
    }

    /// Puts one year file in place of whatever the calendar had for that year (the office's
    /// edit of a shipped year, or a year not shipped). Returns the year.
    pub fn set_year(&mut self, text: &str) -> Result<i32, CalendarError> {
        let (year, entries) = parse_entries(text)?;
        self.exceptions.retain(|day, _| day.year() != year);
        self.years.remove(&year);
        self.insert_year(year, &entries);
        Ok(year)
    }

    /// Forgets a year's holidays: only weekends count there, and it is reported uncovered.
    pub fn remove_year(&mut self, year: i32) {
        self.exceptions.retain(|day, _| day.year() != year);
        self.years.remove(&year);
    }

    fn insert_year(&mut self, year: i32, entries: &[Entry]) {
        self.exceptions.extend(expand(entries));
        self.years.insert(year);
    }

    /// Whether the holidays and make-up workdays of `year` are known. When not, only weekends
    /// are counted for that year and callers should say so.
    pub fn covers(&self, year: i32) -> bool {
        self.years.contains(&year)
    }

    /// First and last year loaded; `None` for a weekends-only calendar. Years in between are
    /// covered too unless a file was left out, which [`covers`](Self::covers) tells exactly.
    pub fn covered_years(&self) -> Option<RangeInclusive<i32>> {
        let first = *self.years.first()?;
        let last = *self.years.last()?;
        Some(first..=last)
    }

    /// The years from `from` to `to` (inclusive, in either order) that the calendar does not
    /// cover, for warnings such as "the calendar does not cover 2027; weekends only were
    /// counted".
    pub fn uncovered_years(&self, from: NaiveDate, to: NaiveDate) -> Vec<i32> {
        let (low, high) = if from <= to {
            (from.year(), to.year())
        } else {
            (to.year(), from.year())
        };
        (low..=high).filter(|y| !self.covers(*y)).collect()
    }

    pub fn is_working_day(&self, day: NaiveDate) -> bool {
        self.exceptions
            .get(&day)
            .copied()
            .unwrap_or(!matches!(day.weekday(), Weekday::Sat | Weekday::Sun))
    }

    /// The date `count` working days after `start` (the start day itself does not count).
    pub fn add_working_days(&self, start: NaiveDate, count: u32) -> Option<NaiveDate> {
        let mut day = start;
        let mut left = count;
        while left > 0 {
            day = day.checked_add_days(Days::new(1))?;
            if self.is_working_day(day) {
                left -= 1;
            }
        }
        Some(day)
    }

    /// Working days from `from` (exclusive) up to `to` (inclusive); 0 when `to` is not later.
    pub fn working_days_between(&self, from: NaiveDate, to: NaiveDate) -> u32 {
        from.iter_days()
            .skip(1)
            .take_while(|d| *d <= to)
            .filter(|d| self.is_working_day(*d))
            .count() as u32
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const WORK: bool = true;
    const OFF: bool = false;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").unwrap_or_default()
    }

    fn check(calendar: &WorkCalendar, start: &str, count: u32, expected: &str) {
        assert_eq!(
            calendar.add_working_days(d(start), count),
            Some(d(expected)),
            "{start} + {count}"
        );
    }

    /// One day of the official calendar: working (`WORK`) or not (`OFF`).
    fn day(date: &str, working: bool) {
        let calendar = WorkCalendar::official();
        assert_eq!(
            calendar.is_working_day(d(date)),
            working,
            "{date} should be {}",
            if working {
                "a working day"
            } else {
                "a day off"
            }
        );
    }

    fn parse_error(text: &str) -> CalendarError {
        match parse_calendar_year(text) {
            Ok(days) => panic!("expected an error, parsed {days:?}"),
            Err(err) => err,
        }
    }

    fn is_weekend(date: NaiveDate) -> bool {
        matches!(date.weekday(), Weekday::Sat | Weekday::Sun)
    }

    #[test]
    fn an_edited_year_replaces_the_shipped_one_and_a_removed_year_is_uncovered() {
        let mut calendar = WorkCalendar::official();
        let day = NaiveDate::from_ymd_opt(2026, 10, 10).unwrap_or_default();
        assert!(calendar.is_working_day(day), "make-up Saturday");
        let year = calendar
            .set_year("year 2026\nholiday 2026-10-01..2026-10-08 国庆节\n")
            .unwrap_or_default();
        assert_eq!(year, 2026);
        assert!(!calendar.is_working_day(day), "no longer a make-up day");
        assert!(!calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 8).unwrap_or_default()));
        assert!(calendar.covers(2026));
        calendar.remove_year(2026);
        assert!(!calendar.covers(2026));
        assert!(calendar.is_working_day(NaiveDate::from_ymd_opt(2026, 10, 8).unwrap_or_default()));
        let added = calendar.set_year("year 2027\nholiday 2027-01-01 元旦\n");
        assert_eq!(added, Ok(2027));
        assert!(calendar.covers(2027));
        assert_eq!(
            count_days("year 2027\nholiday 2027-01-01..2027-01-03 元旦\nworkday 2027-01-04 调休\n"),
            Ok((3, 1))
        );
        assert!(calendar
            .set_year("year 2027\nholiday 2028-01-01 x\n")
            .is_err());
    }

    #[test]
    fn weekends_are_skipped() {
        let plain = WorkCalendar::default();
        check(&plain, "2019-03-01", 1, "2019-03-04");
        check(&plain, "2019-03-04", 20, "2019-04-01");
        check(&plain, "2019-03-02", 5, "2019-03-08");
        assert_eq!(
            plain.working_days_between(d("2019-03-01"), d("2019-03-08")),
            5
        );
        assert_eq!(
            plain.working_days_between(d("2019-03-08"), d("2019-03-01")),
            0
        );
    }

    #[test]
    fn exceptions_override_the_week() {
        // National Day 2019: 10-01..10-07 off; 09-29 (Sun) and 10-12 (Sat) worked.
        let mut days: Vec<(NaiveDate, bool)> = (1..=7)
            .map(|n| (d(&format!("2019-10-0{n}")), false))
            .collect();
        days.push((d("2019-09-29"), true));
        days.push((d("2019-10-12"), true));
        let calendar = WorkCalendar::new(days);
        check(&calendar, "2019-09-27", 1, "2019-09-29");
        check(&calendar, "2019-09-30", 1, "2019-10-08");
        check(&calendar, "2019-10-11", 1, "2019-10-12");
    }

    #[test]
    fn spring_festival_2019() {
        day("2019-02-01", WORK);
        day("2019-02-02", WORK); // Saturday, 调休
        day("2019-02-03", WORK); // Sunday, 调休
        day("2019-02-04", OFF);
        day("2019-02-05", OFF);
        day("2019-02-08", OFF);
        day("2019-02-10", OFF);
        day("2019-02-11", WORK);
    }

    #[test]
    fn labour_day_2019_after_the_amendment() {
        day("2019-04-28", WORK); // Sunday, 国办发明电〔2019〕3号
        day("2019-04-30", WORK);
        day("2019-05-01", OFF);
        day("2019-05-02", OFF);
        day("2019-05-03", OFF);
        day("2019-05-04", OFF);
        day("2019-05-05", WORK); // Sunday, 国办发明电〔2019〕3号
        day("2019-05-06", WORK);
    }

    #[test]
    fn national_day_2019() {
        day("2019-09-28", OFF); // plain Saturday
        day("2019-09-29", WORK); // Sunday, 调休
        day("2019-09-30", WORK);
        day("2019-10-01", OFF);
        day("2019-10-04", OFF);
        day("2019-10-07", OFF);
        day("2019-10-08", WORK);
        day("2019-10-12", WORK); // Saturday, 调休
        day("2019-10-13", OFF);
    }

    #[test]
    fn spring_festival_2020_extension() {
        day("2020-01-19", WORK); // Sunday, 调休
        day("2020-01-23", WORK);
        day("2020-01-24", OFF);
        day("2020-01-30", OFF);
        day("2020-01-31", OFF); // extension, 国办发明电〔2020〕1号
        day("2020-02-01", OFF); // Saturday: the planned 调休 was cancelled by the extension
        day("2020-02-02", OFF);
        day("2020-02-03", WORK);
    }

    #[test]
    fn other_years() {
        day("2021-02-07", WORK);
        day("2021-02-11", OFF);
        day("2022-01-29", WORK);
        day("2022-10-09", WORK);
        day("2023-01-02", OFF);
        day("2023-09-29", OFF);
        day("2023-10-08", WORK);
        day("2024-02-09", WORK); // 除夕 only "encouraged" off
        day("2024-02-18", WORK);
        day("2025-01-28", OFF); // 除夕, a holiday from 2025
        day("2025-04-27", WORK);
        day("2025-10-08", OFF);
    }

    #[test]
    fn year_2026() {
        day("2026-01-04", WORK); // Sunday, 调休
        day("2026-02-13", WORK);
        day("2026-02-14", WORK); // Saturday, 调休
        day("2026-02-15", OFF);
        day("2026-02-19", OFF);
        day("2026-02-23", OFF);
        day("2026-02-24", WORK);
        day("2026-02-28", WORK); // Saturday, 调休
        day("2026-09-20", WORK); // Sunday, 调休
        day("2026-10-07", OFF);
        day("2026-10-10", WORK);
    }

    #[test]
    fn adding_working_days_across_holidays() {
        let official = WorkCalendar::official();
        // 2019-09-27 (Fri) + 20: 09-29 Sun 调休 (1), 09-30 (2), 10-01..07 off, 10-08..11 (3-6),
        // 10-12 Sat 调休 (7), 10-14..18 (8-12), 10-21..25 (13-17), 10-28..30 (18-20).
        check(&official, "2019-09-27", 20, "2019-10-30");
        assert_eq!(
            official.working_days_between(d("2019-09-27"), d("2019-10-30")),
            20
        );
        // Weekends only, the same count ends five days earlier.
        check(&WorkCalendar::default(), "2019-09-27", 20, "2019-10-25");
        // 2019-12-20 (Fri) + 20: 12-23..27 (1-5), 12-30..31 (6-7), 01-01 off, 01-02..03 (8-9),
        // 01-06..10 (10-14), 01-13..17 (15-19), 01-19 Sun 调休 (20).
        check(&official, "2019-12-20", 20, "2020-01-19");
        check(&official, "2020-01-23", 1, "2020-02-03");
        check(&official, "2026-02-13", 1, "2026-02-14");
        check(&official, "2026-02-14", 1, "2026-02-24");
        check(&official, "2019-04-30", 1, "2019-05-05");
    }

    #[test]
    fn coverage() {
        let official = WorkCalendar::official();
        for year in 2019..=2026 {
            assert!(official.covers(year), "{year}");
        }
        assert!(!official.covers(2018));
        assert!(!official.covers(2027));
        assert_eq!(official.covered_years(), Some(2019..=2026));
        assert_eq!(
            official.uncovered_years(d("2026-12-20"), d("2027-01-25")),
            vec![2027]
        );
        assert_eq!(
            official.uncovered_years(d("2026-01-25"), d("2025-12-20")),
            Vec::<i32>::new()
        );
        let plain = WorkCalendar::default();
        assert!(!plain.covers(2019));
        assert_eq!(plain.covered_years(), None);
        assert!(!WorkCalendar::new([(d("2019-10-01"), false)]).covers(2019));
    }

    #[test]
    fn loading_another_year() {
        let mut calendar = WorkCalendar::official();
        let text = "year 2027\nholiday 2027-01-01 元旦\n";
        assert_eq!(calendar.load_year(text), Ok(2027));
        assert!(calendar.covers(2027));
        assert!(!calendar.is_working_day(d("2027-01-01")));
        assert_eq!(
            calendar.load_year(text),
            Err(CalendarError::DuplicateYear { year: 2027 })
        );
        assert_eq!(
            calendar.load_year("holiday 2019-01-01"),
            Err(CalendarError::DuplicateYear { year: 2019 })
        );
    }

    #[test]
    fn every_official_file_parses_within_its_year() {
        for (year, text) in OFFICIAL_FILES {
            let (found, entries) = match parse_entries(text) {
                Ok(parsed) => parsed,
                Err(err) => panic!("{year}.txt: {err}"),
            };
            assert_eq!(found, year, "{year}.txt names another year");
            assert!(!entries.is_empty(), "{year}.txt is empty");
            let days = parse_calendar_year(text).unwrap_or_default();
            assert!(days.iter().all(|(date, _)| date.year() == year), "{year}");
            // Every file cites its notice in the first comment line.
            let first = text.lines().next().unwrap_or_default();
            assert!(
                first.starts_with("# 国务院办公厅关于")
                    && first.contains(&format!("{year}年"))
                    && first.contains("国办发明电"),
                "{year}.txt: {first}"
            );
        }
    }

    #[test]
    fn no_day_is_both_holiday_and_workday() {
        for (year, text) in OFFICIAL_FILES {
            let mut kinds: HashMap<NaiveDate, bool> = HashMap::new();
            for (date, working) in parse_calendar_year(text).unwrap_or_default() {
                let previous = kinds.insert(date, working);
                assert!(
                    previous.is_none_or(|p| p == working),
                    "{year}: {date} is both"
                );
            }
        }
    }

    #[test]
    fn workdays_are_weekends_and_holidays_touch_the_week() {
        for (year, text) in OFFICIAL_FILES {
            let (_, entries) = parse_entries(text).unwrap_or((year, Vec::new()));
            assert!(!entries.is_empty(), "{year}");
            for entry in entries {
                let mut days = entry.start.iter_days().take_while(|d| *d <= entry.end);
                if entry.working {
                    assert_eq!(entry.start, entry.end, "{year} line {}", entry.line);
                    assert!(is_weekend(entry.start), "{year} line {}", entry.line);
                } else {
                    assert!(
                        days.any(|d| !is_weekend(d)),
                        "{year} line {}: a holiday on weekend days only",
                        entry.line
                    );
                }
            }
        }
    }

    #[test]
    fn every_year_has_the_seven_festivals() {
        // Each notice sets seven festivals; Mid-Autumn may share a range with National Day.
        for (year, text) in OFFICIAL_FILES {
            let notes: Vec<&str> = text.lines().filter(|l| l.starts_with("holiday")).collect();
            for festival in [
                "元旦",
                "春节",
                "清明节",
                "劳动节",
                "端午节",
                "中秋节",
                "国庆节",
            ] {
                assert!(
                    notes.iter().any(|l| l.contains(festival)),
                    "{year}: no {festival}"
                );
            }
        }
    }

    #[test]
    fn parser_reads_the_format() {
        let text = "# 注释\n\n  year 2019  \nholiday 2019-10-01..2019-10-03 国庆节\n\
                    workday 2019-09-29 调休\n放假 2019-06-07\n上班 2019-10-12 调休\n\
                    holiday 2019-10-02..2019-10-02 overlap is fine\n";
        let days = parse_calendar_year(text).unwrap_or_default();
        assert_eq!(
            days,
            vec![
                (d("2019-10-01"), false),
                (d("2019-10-02"), false),
                (d("2019-10-03"), false),
                (d("2019-09-29"), true),
                (d("2019-06-07"), false),
                (d("2019-10-12"), true),
                (d("2019-10-02"), false),
            ]
        );
        // Without a `year` line the first date sets the year.
        assert_eq!(
            parse_calendar_year("HOLIDAY 2020-01-01 元旦"),
            Ok(vec![(d("2020-01-01"), false)])
        );
        assert_eq!(parse_calendar_year("year 2027\n# none yet"), Ok(Vec::new()));
    }

    #[test]
    fn parser_errors() {
        use CalendarError::*;
        let cases: Vec<(&str, CalendarError)> = vec![
            (
                "year 2019\nvacation 2019-01-01",
                UnknownKeyword {
                    line: 2,
                    keyword: "vacation".into(),
                },
            ),
            (
                "year 2019\n\nholiday",
                MissingDate {
                    line: 3,
                    keyword: "holiday".into(),
                },
            ),
            (
                "holiday 2019-02-30",
                BadDate {
                    line: 1,
                    text: "2019-02-30".into(),
                },
            ),
            (
                "holiday 2019/02/04",
                BadDate {
                    line: 1,
                    text: "2019/02/04".into(),
                },
            ),
            (
                "holiday 2019-02-04..",
                BadDate {
                    line: 1,
                    text: "".into(),
                },
            ),
            (
                "holiday 2019-02-04..2019-02-1x",
                BadDate {
                    line: 1,
                    text: "2019-02-1x".into(),
                },
            ),
            (
                "# c\nholiday 2019-02-10..2019-02-04",
                RangeBackwards {
                    line: 2,
                    start: d("2019-02-10"),
                    end: d("2019-02-04"),
                },
            ),
            (
                "year 2019\nholiday 2018-12-31",
                OutsideYear {
                    line: 2,
                    date: d("2018-12-31"),
                    year: 2019,
                },
            ),
            (
                "year 2019\nholiday 2019-12-31..2020-01-01",
                OutsideYear {
                    line: 2,
                    date: d("2020-01-01"),
                    year: 2019,
                },
            ),
            (
                "holiday 2019-01-01\nworkday 2020-01-19",
                OutsideYear {
                    line: 2,
                    date: d("2020-01-19"),
                    year: 2019,
                },
            ),
            (
                "year 20x9",
                BadYear {
                    line: 1,
                    text: "20x9".into(),
                },
            ),
            (
                "year",
                BadYear {
                    line: 1,
                    text: "".into(),
                },
            ),
            (
                "year 2019\nyear 2020",
                YearChanged {
                    line: 2,
                    year: 2020,
                    earlier: 2019,
                    earlier_line: 1,
                },
            ),
            (
                "holiday 2019-01-01\nyear 2020",
                YearChanged {
                    line: 2,
                    year: 2020,
                    earlier: 2019,
                    earlier_line: 1,
                },
            ),
            (
                "holiday 2020-01-24..2020-02-02\nworkday 2020-02-01",
                Conflict {
                    line: 2,
                    date: d("2020-02-01"),
                    kind: "workday",
                    other_kind: "holiday",
                    other_line: 1,
                },
            ),
            ("", NoYear),
            ("# only comments\n", NoYear),
        ];
        for (text, expected) in cases {
            assert_eq!(parse_error(text), expected, "{text:?}");
        }
    }

    #[test]
    fn error_messages_name_the_line() {
        let cases = [
            (
                "year 2019\nvacation 2019-01-01",
                "line 2: unknown keyword `vacation`",
            ),
            (
                "holiday 2019-13-01",
                "line 1: `2019-13-01` is not a valid date",
            ),
            (
                "holiday 2019-02-10..2019-02-04",
                "line 1: the range ends on 2019-02-04, before it starts on 2019-02-10",
            ),
            (
                "year 2019\nholiday 2020-01-01",
                "line 2: 2020-01-01 is outside this file's year 2019",
            ),
            (
                "workday 2019-02-02\nholiday 2019-02-02",
                "line 2: 2019-02-02 is listed as a holiday here but as a workday on line 1",
            ),
        ];
        for (text, start) in cases {
            let message = parse_error(text).to_string();
            assert!(message.starts_with(start), "{message}");
        }
    }

    #[test]
    fn every_official_year_written_from_its_days_reads_back_the_same_days_and_keeps_its_notice() {
        for year in official_years() {
            let text = official_year_text(year).unwrap_or_default();
            let days = calendar_days(text).expect("shipped file parses");
            let written = write_year_file(year, Some(text), &days).expect("writes");
            assert_eq!(calendar_days(&written).expect("reads back"), days, "{year}");
            let notice = text.lines().next().unwrap_or_default();
            assert!(written.starts_with(notice), "{year}: {written}");
            assert_eq!(office_file_year(&written), Ok(year));
        }
    }

    #[test]
    fn marked_days_become_ranges_by_kind_and_note() {
        let day = |date: &str, working: bool, note: &str| CalendarDay {
            date: d(date),
            working,
            note: note.to_string(),
        };
        let days = [
            day("2030-02-05", false, "春节"),
            day("2030-02-03", false, "春节"),
            day("2030-02-04", false, "春节"),
            day("2030-02-06", false, "春节 补休"),
            day("2030-02-09", true, "春节调休"),
            day("2030-10-01", false, ""),
        ];
        let written = write_year_file(2030, None, &days).expect("writes");
        assert_eq!(
            written,
            "year 2030\n\nholiday 2030-02-03..2030-02-05 春节\nholiday 2030-02-06 春节 补休\n\
             workday 2030-02-09 春节调休\nholiday 2030-10-01\n"
        );
    }

    #[test]
    fn marked_days_outside_the_year_or_both_kinds_are_refused() {
        let day = |date: &str, working: bool| CalendarDay {
            date: d(date),
            working,
            note: String::new(),
        };
        let outside = write_year_file(2030, None, &[day("2031-01-01", false)]);
        assert!(matches!(outside, Err(CalendarError::OutsideYear { .. })));
        let both = write_year_file(
            2030,
            None,
            &[day("2030-05-01", false), day("2030-05-01", true)],
        );
        assert!(matches!(both, Err(CalendarError::Conflict { .. })));
    }
}
