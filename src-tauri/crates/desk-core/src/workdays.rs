//! Counting working days for due dates (条例 第二十六条: 20 working days).
//!
//! Weekends are not working days; the office's holiday calendar (public holidays and make-up
//! workdays 调休, per year) overrides them day by day when it is loaded.

use chrono::{Datelike, Days, NaiveDate, Weekday};
use std::collections::HashMap;

/// Days that differ from the Monday-to-Friday rule: `true` for a make-up workday, `false` for a
/// holiday.
#[derive(Debug, Clone, Default)]
pub struct WorkCalendar {
    exceptions: HashMap<NaiveDate, bool>,
}

impl WorkCalendar {
    pub fn new(exceptions: impl IntoIterator<Item = (NaiveDate, bool)>) -> Self {
        WorkCalendar {
            exceptions: exceptions.into_iter().collect(),
        }
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
}
