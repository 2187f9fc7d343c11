//! The catalog's settings and its working-day calendar (the office's edited or added years);
//! each change counts every due date again.

use crate::catalog::{registry, save};
use crate::db::meta::{calendar_overrides, meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::ops::EntityKind;
use desk_core::settings::CatalogSettings;
use desk_core::workdays::{
    calendar_days, count_days, office_file_year, official_year_text, official_years,
    write_year_file, CalendarDay, CalendarYear,
};

impl Catalog {
    /// Changes the catalog's settings (lists, 索引号 rule, due days); refuses a rule that does not
    /// parse or a list with empty or repeated entries, and records what changed.
    pub fn save_settings(&mut self, mut settings: CatalogSettings) -> Result<CatalogSettings> {
        desk_core::settings::tidy(&mut settings);
        let categories = registry::categories(&self.conn)?;
        let problems =
            desk_core::settings::check(&settings, |id| categories.iter().any(|c| c.id == id));
        if !problems.is_empty() {
            return Err(StoreError::Refused(problems));
        }
        let old = self.settings.clone();
        let json = serde_json::to_string(&settings)
            .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        let calendar = self.calendar.clone();
        self.change(|tx, recorder, _, _| {
            meta_set(tx, "settings", &json)?;
            recorder.record_entity(tx, EntityKind::Setting, "catalog", Some(&old), &settings)?;
            save::recompute_due_dates(tx, &settings, &calendar).map(|_| ())
        })?;
        self.settings = settings.clone();
        Ok(settings)
    }

    /// Every year the calendar knows: shipped, edited or added by the office.
    pub fn calendar_years(&self) -> Result<Vec<CalendarYear>> {
        let overrides = calendar_overrides(&self.conn)?;
        let mut years: Vec<i32> = official_years().collect();
        years.extend(overrides.iter().map(|(y, _)| *y));
        years.sort_unstable();
        years.dedup();
        let mut out = Vec::new();
        for year in years {
            let edited = overrides.iter().find(|(y, _)| *y == year);
            let text = match (edited, official_year_text(year)) {
                (Some((_, text)), _) => text.clone(),
                (None, Some(text)) => text.to_string(),
                (None, None) => continue,
            };
            let (holidays, workdays) = count_days(&text).unwrap_or((0, 0));
            let days = calendar_days(&text).unwrap_or_default();
            out.push(CalendarYear {
                year,
                text,
                edited: edited.is_some(),
                shipped: official_year_text(year).is_some(),
                holidays,
                workdays,
                days,
            });
        }
        Ok(out)
    }

    /// Saves one year file (an edit of a shipped year or a new year), then counts every due
    /// date again. A file that does not read is refused with its line and nothing changes.
    pub fn save_calendar_year(&mut self, text: &str) -> Result<CalendarYear> {
        let year = office_file_year(text).map_err(StoreError::refused)?;
        let mut calendar = self.calendar.clone();
        calendar
            .set_year(text)
            .map_err(|e| StoreError::refused(e.problem()))?;
        let key = format!("calendar:{year}");
        let old =
            meta_get(&self.conn, &key)?.or_else(|| official_year_text(year).map(String::from));
        let settings = self.settings.clone();
        self.change(|tx, recorder, _, _| {
            meta_set(tx, &key, text)?;
            recorder.record(
                tx,
                EntityKind::Setting,
                &key,
                desk_core::ops::OpKind::Set,
                Some("text"),
                &old.map_or(serde_json::Value::Null, serde_json::Value::String),
                &serde_json::Value::String(text.to_string()),
            )?;
            save::recompute_due_dates(tx, &settings, &calendar).map(|_| ())
        })?;
        self.calendar = calendar;
        self.calendar_years()?
            .into_iter()
            .find(|y| y.year == year)
            .ok_or_else(|| StoreError::Decode(format!("calendar {year}")))
    }

    /// Saves one year as marked on the month grid: the file is written from the days (keeping
    /// the notice it was transcribed from) and saved as if typed.
    pub fn save_calendar_days(&mut self, year: i32, days: &[CalendarDay]) -> Result<CalendarYear> {
        let previous = self
            .calendar_years()?
            .into_iter()
            .find(|y| y.year == year)
            .map(|y| y.text);
        let text = write_year_file(year, previous.as_deref(), days)
            .map_err(|e| StoreError::refused(e.problem()))?;
        self.save_calendar_year(&text)
    }

    /// Drops the office's version of a year: back to the shipped file, or uncovered.
    pub fn reset_calendar_year(&mut self, year: i32) -> Result<()> {
        let key = format!("calendar:{year}");
        let Some(old) = meta_get(&self.conn, &key)? else {
            return Ok(());
        };
        let mut calendar = self.calendar.clone();
        match official_year_text(year) {
            Some(text) => {
                calendar
                    .set_year(text)
                    .map_err(|e| StoreError::Decode(e.to_string()))?;
            }
            None => calendar.remove_year(year),
        }
        let settings = self.settings.clone();
        self.change(|tx, recorder, _, _| {
            tx.execute("DELETE FROM meta WHERE key = ?1", rusqlite::params![key])?;
            recorder.record(
                tx,
                EntityKind::Setting,
                &key,
                desk_core::ops::OpKind::Set,
                Some("text"),
                &serde_json::Value::String(old),
                &official_year_text(year).map_or(serde_json::Value::Null, |t| {
                    serde_json::Value::String(t.into())
                }),
            )?;
            save::recompute_due_dates(tx, &settings, &calendar).map(|_| ())
        })?;
        self.calendar = calendar;
        Ok(())
    }
}
