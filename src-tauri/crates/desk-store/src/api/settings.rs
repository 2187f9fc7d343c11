//! The catalog's settings and its working-day calendar (the office's edited or added years);
//! each change counts every due date again.

use crate::catalog::{registry, save};
use crate::db::meta::{calendar_overrides, meta_get, meta_set};
use crate::error::{Result, StoreError};
use crate::Catalog;
use desk_core::index_rule::IndexRule;
use desk_core::ops::EntityKind;
use desk_core::settings::CatalogSettings;
use desk_core::workdays::{
    calendar_file_year, count_days, official_year_text, official_years, CalendarYear,
};
use std::collections::HashSet;

impl Catalog {
    /// Changes the catalog's settings (lists, 索引号 rule, due days); refuses a rule that does not
    /// parse or a list with empty or repeated entries, and records what changed.
    pub fn save_settings(&mut self, mut settings: CatalogSettings) -> Result<CatalogSettings> {
        for list in [&mut settings.channels, &mut settings.levels] {
            for entry in list.iter_mut() {
                *entry = entry.trim().to_string();
            }
            let mut seen = HashSet::new();
            if list.iter().any(|e| e.is_empty() || !seen.insert(e.clone())) {
                return Err(StoreError::InvalidArgument(
                    "a list of channels or levels has an empty or repeated entry".into(),
                ));
            }
        }
        if settings.channels.is_empty() {
            return Err(StoreError::InvalidArgument(
                "the list of channels is empty: keep at least one".into(),
            ));
        }
        IndexRule::parse(&settings.index_rule)
            .map_err(|e| StoreError::InvalidArgument(e.to_string()))?;
        let categories = registry::categories(&self.conn)?;
        let mut seen = HashSet::new();
        for deadline in &settings.category_deadlines {
            if !categories.iter().any(|c| c.id == deadline.category_id) {
                return Err(StoreError::InvalidArgument(format!(
                    "the category {} of a time limit does not exist",
                    deadline.category_id
                )));
            }
            if !seen.insert(deadline.category_id.clone()) {
                return Err(StoreError::InvalidArgument(
                    "a category has two time limits: keep one".into(),
                ));
            }
            if !(1..=250).contains(&deadline.working_days) {
                return Err(StoreError::InvalidArgument(
                    "a category's time limit must be between 1 and 250 working days".into(),
                ));
            }
        }
        if !(1..=250).contains(&settings.due_working_days) {
            return Err(StoreError::InvalidArgument(
                "the due period must be between 1 and 250 working days".into(),
            ));
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
            out.push(CalendarYear {
                year,
                text,
                edited: edited.is_some(),
                shipped: official_year_text(year).is_some(),
                holidays,
                workdays,
            });
        }
        Ok(out)
    }

    /// Saves one year file (an edit of a shipped year or a new year), then counts every due
    /// date again. A file that does not read is refused with its line and nothing changes.
    pub fn save_calendar_year(&mut self, text: &str) -> Result<CalendarYear> {
        let year = calendar_file_year(text)
            .map_err(|e| StoreError::InvalidArgument(format!("the calendar does not read: {e}")))?;
        if !(2000..=2100).contains(&year) {
            return Err(StoreError::InvalidArgument(format!(
                "{year} is outside 2000–2100: check the year line"
            )));
        }
        let mut calendar = self.calendar.clone();
        calendar
            .set_year(text)
            .map_err(|e| StoreError::InvalidArgument(e.to_string()))?;
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
