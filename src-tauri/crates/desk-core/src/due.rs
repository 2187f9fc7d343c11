//! Due dates (办理期限): 形成/变更日期 plus the time limit in working days (条例 第二十六条:
//! 20, unless the category sets another), counted on the working-day calendar.

use crate::model::Item;
use crate::settings::CatalogSettings;
use crate::workdays::WorkCalendar;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use ts_rs::TS;

/// An item's due date and how it was found, for the item screen and the CLI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct DueInfo {
    pub due_date: Option<NaiveDate>,
    /// Set by hand rather than computed.
    pub explicit: bool,
    /// The day counting started from (形成/变更日期).
    pub counted_from: Option<NaiveDate>,
    /// The time limit applied.
    pub working_days: u32,
    /// Years between the start and the due date that the calendar has no holiday schedule for:
    /// only weekends were skipped there, so the date may be early.
    pub uncovered_years: Vec<i32>,
    /// For open items: working days left (0 on the due date itself), or past it.
    pub working_days_left: Option<u32>,
    pub overdue_working_days: Option<u32>,
}

/// The computed due date: explicit when set, else start + the category's working days.
pub fn effective_due(
    item: &Item,
    settings: &CatalogSettings,
    ancestry: &[String],
    calendar: &WorkCalendar,
) -> Option<NaiveDate> {
    item.due_date.or_else(|| {
        item.date_formed.and_then(|formed| {
            calendar.add_working_days(formed, settings.working_days_for(ancestry))
        })
    })
}

pub fn due_info(
    item: &Item,
    settings: &CatalogSettings,
    ancestry: &[String],
    calendar: &WorkCalendar,
    today: NaiveDate,
) -> DueInfo {
    let working_days = settings.working_days_for(ancestry);
    let due_date = effective_due(item, settings, ancestry, calendar);
    let mut uncovered_years = match (item.date_formed, due_date) {
        (Some(from), Some(to)) if item.due_date.is_none() => calendar.uncovered_years(from, to),
        _ => Vec::new(),
    };
    let (mut working_days_left, mut overdue_working_days) = (None, None);
    if let (Some(due), true) = (due_date, item.status.is_open()) {
        if today > due {
            overdue_working_days = Some(calendar.working_days_between(due, today));
            for year in calendar.uncovered_years(due, today) {
                if !uncovered_years.contains(&year) {
                    uncovered_years.push(year);
                }
            }
        } else {
            working_days_left = Some(calendar.working_days_between(today, due));
            if !calendar.covers(today.year()) && !uncovered_years.contains(&today.year()) {
                uncovered_years.push(today.year());
            }
        }
    }
    uncovered_years.sort_unstable();
    DueInfo {
        due_date,
        explicit: item.due_date.is_some(),
        counted_from: item.date_formed,
        working_days,
        uncovered_years,
        working_days_left,
        overdue_working_days,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Status;
    use crate::settings::CategoryDeadline;

    fn date(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or_default()
    }

    fn formed(on: NaiveDate) -> Item {
        let mut item = Item::blank("i".into());
        item.date_formed = Some(on);
        item
    }

    #[test]
    fn twenty_working_days_across_national_day_2019() {
        let calendar = WorkCalendar::official();
        let settings = CatalogSettings::default();
        // 09-29 (Sunday) and 10-12 (Saturday) were make-up workdays; 10-01..07 were holidays.
        let info = due_info(
            &formed(date(2019, 9, 27)),
            &settings,
            &[],
            &calendar,
            date(2019, 9, 30),
        );
        assert_eq!(info.due_date, Some(date(2019, 10, 30)));
        assert!(info.uncovered_years.is_empty());
        assert_eq!(info.working_days, 20);
        assert_eq!(
            info.working_days_left,
            Some(calendar.working_days_between(date(2019, 9, 30), date(2019, 10, 30)))
        );
    }

    #[test]
    fn spring_festival_2019() {
        let calendar = WorkCalendar::official();
        let settings = CatalogSettings::default();
        // 2019-02-02 (Saturday) and 02-03 (Sunday) were workdays; 02-04..02-10 holidays.
        let info = due_info(
            &formed(date(2019, 1, 25)),
            &settings,
            &[],
            &calendar,
            date(2019, 1, 25),
        );
        // 01-28..02-01 (5), 02-02, 02-03 (7), 02-11..15 (12), 02-18..22 (17), 02-25..27 (20).
        assert_eq!(info.due_date, Some(date(2019, 2, 27)));
    }

    #[test]
    fn category_rule_overrides_the_catalog_limit_and_inherits_down() {
        let calendar = WorkCalendar::official();
        let mut settings = CatalogSettings::default();
        settings.category_deadlines.push(CategoryDeadline {
            category_id: "cat-policy".into(),
            working_days: 5,
        });
        let ancestry = vec!["cat-rules".to_string(), "cat-policy".to_string()];
        let info = due_info(
            &formed(date(2019, 9, 27)),
            &settings,
            &ancestry,
            &calendar,
            date(2019, 9, 27),
        );
        assert_eq!(info.working_days, 5);
        // 09-29 (make-up Sunday), 09-30, then 10-08, 10-09, 10-10.
        assert_eq!(info.due_date, Some(date(2019, 10, 10)));
        let other = due_info(
            &formed(date(2019, 9, 27)),
            &settings,
            &["cat-plans".into()],
            &calendar,
            date(2019, 9, 27),
        );
        assert_eq!(other.working_days, 20);
    }

    #[test]
    fn uncovered_year_is_reported() {
        let calendar = WorkCalendar::official();
        let settings = CatalogSettings::default();
        let info = due_info(
            &formed(date(2026, 12, 15)),
            &settings,
            &[],
            &calendar,
            date(2026, 12, 15),
        );
        assert_eq!(info.uncovered_years, vec![2027]);
        let inside = due_info(
            &formed(date(2026, 3, 2)),
            &settings,
            &[],
            &calendar,
            date(2026, 3, 2),
        );
        assert!(inside.uncovered_years.is_empty());
    }

    #[test]
    fn overdue_counts_working_days_and_closed_items_are_never_overdue() {
        let calendar = WorkCalendar::official();
        let settings = CatalogSettings::default();
        let mut item = formed(date(2019, 9, 2));
        item.due_date = Some(date(2019, 9, 27));
        let info = due_info(&item, &settings, &[], &calendar, date(2019, 10, 8));
        // 09-29, 09-30, 10-08.
        assert_eq!(info.overdue_working_days, Some(3));
        assert!(info.explicit);
        item.status = Status::SignedOff;
        let closed = due_info(&item, &settings, &[], &calendar, date(2019, 10, 8));
        assert_eq!(closed.overdue_working_days, None);
        assert_eq!(closed.working_days_left, None);
    }

    #[test]
    fn no_start_date_no_due_date() {
        let calendar = WorkCalendar::official();
        let info = due_info(
            &Item::blank("x".into()),
            &CatalogSettings::default(),
            &[],
            &calendar,
            date(2019, 1, 1),
        );
        assert_eq!(info.due_date, None);
        assert!(info.uncovered_years.is_empty());
    }
}
