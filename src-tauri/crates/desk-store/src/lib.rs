//! The local catalog: one SQLite file per PC, in the user's data folder.
//!
//! [`Catalog`] is the storage API the app and the CLI share. Every change goes through it, and
//! each change and its operations commit in one transaction (the operation log is at once the
//! audit trail and the sync outbox). Business rules live in `desk-core`; this crate applies them
//! to the database. No Tauri or GUI dependency lives here.

pub mod attachments;
pub mod audit;
pub(crate) mod checklist_batch;
pub mod clock;
pub mod db;
pub mod error;
pub mod export;
pub mod items;
pub mod migrations;
pub mod oplog;
pub mod plan;
pub mod registry;
pub mod review;
pub mod sample;
pub(crate) mod save;
pub mod search;
pub mod sync_apply;

use attachments::AttachmentStore;
use chrono::NaiveDate;
use desk_core::checklist::{CheckState, ChecklistTemplate};
use desk_core::due::DueInfo;
use desk_core::ipc::AppInfo;
use desk_core::model::{Attachment, Category, Department, Item, Person};
use desk_core::ops::{EntityKind, HistoryEntry, Operation};
use desk_core::pii::PiiHit;
use desk_core::query::{AuditPage, AuditQuery, DepartmentProgress, ItemPage, ItemQuery};
use desk_core::review::{ActionState, ItemReview};
use desk_core::settings::CatalogSettings;
use desk_core::signoff::Signoff;
use desk_core::workdays::{
    count_days, office_file_year, official_year_text, official_years, CalendarYear, WorkCalendar,
};
use desk_core::workflow::{self, Action, Policy};
pub use error::{Result, StoreError};
use oplog::{meta_get, meta_set, Recorder};
use rusqlite::{Connection, Transaction};
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Fill a new, empty catalog with the sample catalog (the 2019 work plan).
    pub seed_sample: bool,
}

pub struct Catalog {
    conn: Connection,
    data_dir: PathBuf,
    device_id: String,
    settings: CatalogSettings,
    calendar: WorkCalendar,
}

impl Catalog {
    /// Opens the catalog in `data_dir`, creating or upgrading it as needed.
    pub fn open(data_dir: &Path, options: OpenOptions) -> Result<Catalog> {
        let (conn, is_new) = db::open_database(data_dir)?;
        let mut catalog = Catalog {
            conn,
            data_dir: data_dir.to_path_buf(),
            device_id: String::new(),
            settings: CatalogSettings::default(),
            // Public holidays and 调休 workdays from the State Council notices (2019–2026).
            calendar: WorkCalendar::official(),
        };
        if is_new {
            catalog.initialise()?;
        }
        catalog.device_id = meta_get(&catalog.conn, "device_id")?
            .ok_or_else(|| StoreError::Decode("the catalog has no device id".into()))?;
        if let Some(json) = meta_get(&catalog.conn, "settings")? {
            catalog.settings = serde_json::from_str(&json)
                .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        }
        for (year, text) in calendar_overrides(&catalog.conn)? {
            if let Err(e) = catalog.calendar.set_year(&text) {
                log::error!(
                    "the office's calendar for {year} does not read ({e}); shipped one kept"
                );
            }
        }
        if is_new && options.seed_sample {
            sample::seed(&mut catalog)?;
        }
        Ok(catalog)
    }

    fn initialise(&mut self) -> Result<()> {
        let tx = write_transaction(&mut self.conn)?;
        meta_set(&tx, "catalog_id", &clock::uuid_v4().to_string())?;
        meta_set(&tx, "device_id", &new_device_id())?;
        meta_set(
            &tx,
            "settings",
            &serde_json::to_string(&CatalogSettings::default()).unwrap_or_default(),
        )?;
        for (position, (id, parent, name, code)) in registry::DEFAULT_CATEGORIES.iter().enumerate()
        {
            registry::write_category(
                &tx,
                &Category {
                    id: id.to_string(),
                    parent_id: parent.map(String::from),
                    name: name.to_string(),
                    code: code.to_string(),
                },
                position as i64,
            )?;
        }
        tx.commit()?;
        Ok(())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(db::DATABASE_FILE)
    }

    pub fn device_id(&self) -> &str {
        &self.device_id
    }

    pub fn settings(&self) -> &CatalogSettings {
        &self.settings
    }

    pub fn calendar(&self) -> &WorkCalendar {
        &self.calendar
    }

    pub fn connection(&self) -> &Connection {
        &self.conn
    }

    /// Who changes are recorded as: the chosen person, else the operating-system user.
    fn author_id(&self) -> Result<String> {
        if let Some(id) = meta_get(&self.conn, "current_person_id")? {
            return Ok(id);
        }
        let user = std::env::var("USER")
            .or_else(|_| std::env::var("USERNAME"))
            .unwrap_or_else(|_| "unknown".into());
        Ok(format!("os:{user}"))
    }

    pub fn current_person(&self) -> Result<Option<Person>> {
        match meta_get(&self.conn, "current_person_id")? {
            Some(id) => registry::person(&self.conn, &id),
            None => Ok(None),
        }
    }

    pub fn set_current_person(&mut self, id: &str) -> Result<Person> {
        let person = registry::person(&self.conn, id)?.ok_or_else(|| StoreError::NotFound {
            what: "person",
            id: id.to_string(),
        })?;
        meta_set(&self.conn, "current_person_id", id)?;
        Ok(person)
    }

    pub fn app_info(&self, version: &str, log_dir: &Path) -> Result<AppInfo> {
        Ok(AppInfo {
            version: version.to_string(),
            data_dir: self.data_dir.display().to_string(),
            database_path: self.database_path().display().to_string(),
            log_dir: log_dir.display().to_string(),
            device_id: self.device_id.clone(),
            current_person: self.current_person()?,
            item_count: self.item_count()?,
        })
    }

    pub fn item_count(&self) -> Result<u32> {
        Ok(self
            .conn
            .query_row("SELECT count(*) FROM items", [], |r| r.get::<_, i64>(0))? as u32)
    }

    // ---- items ----

    pub fn item(&self, id: &str) -> Result<Item> {
        items::load(&self.conn, id)
    }

    pub fn list_items(&self, query: &ItemQuery, today: NaiveDate) -> Result<ItemPage> {
        let person = self.current_person()?;
        let viewer = items::Viewer {
            person: person.as_ref(),
            office_signs: self.settings.office_signs,
        };
        items::list(&self.conn, query, today, &self.calendar, &viewer)
    }

    /// Per department: items in each status, overdue, due within the week.
    pub fn department_progress(&self, today: NaiveDate) -> Result<Vec<DepartmentProgress>> {
        audit::department_progress(&self.conn, today)
    }

    /// The catalog-wide log, newest first, filtered by person and dates.
    pub fn audit_log(&self, query: &AuditQuery) -> Result<AuditPage> {
        audit::audit_log(&self.conn, query)
    }

    /// Every entry the query matches (all pages) as CSV.
    pub fn audit_csv(&self, query: &AuditQuery) -> Result<String> {
        audit::audit_csv(&self.conn, query)
    }

    // ---- working-day calendar ----

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

    // ---- review ----

    /// The local attachment store (sync reads blobs in through it while a batch holds the catalog).
    pub fn attachment_store(&self) -> AttachmentStore {
        AttachmentStore::new(&self.data_dir)
    }

    fn policy(&self) -> Policy {
        Policy {
            office_signs: self.settings.office_signs,
        }
    }

    pub fn due_info(&self, item: &Item, today: NaiveDate) -> Result<DueInfo> {
        let ancestry = review::category_ancestry(&self.conn, item.category_id.as_deref())?;
        Ok(desk_core::due::due_info(
            item,
            &self.settings,
            &ancestry,
            &self.calendar,
            today,
        ))
    }

    /// The item's checklist, due date, sign-offs and the actions the current person may take.
    pub fn item_review(&self, id: &str, today: NaiveDate) -> Result<ItemReview> {
        let item = self.item(id)?;
        let store = self.attachment_store();
        // The section head sees what the sign-off will check: every attachment re-read.
        let verify = item.status == desk_core::model::Status::AwaitingSignoff;
        let checklist = review::checklist(&self.conn, &item, &store, verify)?;
        let person = self.current_person()?;
        let subject = review::subject(&item, &checklist);
        let actor = review::actor(person.as_ref());
        let actions = workflow::available(&subject, actor.as_ref(), self.policy())
            .into_iter()
            .map(|(action, verdict)| ActionState {
                action,
                allowed: verdict.is_ok(),
                to: verdict.as_ref().ok().copied(),
                refusal_code: verdict.as_ref().err().map(|e| e.code().to_string()),
                refusal: verdict.as_ref().err().map(|e| e.to_string()),
                asks_text: action.needs_reason() || action == Action::MarkPublished,
            })
            .collect();
        let signoffs = review::signoffs(&self.conn, id)?;
        let content_hash = desk_core::signoff::content_hash(&item, &checklist.checks);
        let signoff_matches = signoffs
            .first()
            .map(|s| desk_core::signoff::record_matches(s, &item, &checklist.checks));
        Ok(ItemReview {
            item_id: item.id.clone(),
            status: item.status,
            due: self.due_info(&item, today)?,
            checklist,
            signoffs,
            content_hash,
            signoff_matches,
            actions,
        })
    }

    /// Marks one check of an item's checklist (as the current person).
    pub fn mark_check(&mut self, id: &str, key: &str, state: CheckState, note: &str) -> Result<()> {
        let store = self.attachment_store();
        self.change(|tx, recorder, _, _| {
            review::mark_check_in(tx, recorder, &store, id, key, state, note)
        })
    }

    /// Takes a workflow action as the current person; `text` is the reason or the address.
    pub fn act(&mut self, id: &str, action: Action, text: &str) -> Result<Item> {
        let store = self.attachment_store();
        let person = self.current_person()?;
        let policy = self.policy();
        let device_id = self.device_id.clone();
        self.change(|tx, recorder, _, _| {
            review::act_in(
                tx,
                recorder,
                &store,
                policy,
                person.as_ref(),
                &device_id,
                id,
                action,
                text,
            )
        })
    }

    /// Moves the item's checklist to the newest template for its category.
    pub fn upgrade_checklist(&mut self, id: &str) -> Result<()> {
        self.change(|tx, recorder, _, _| {
            let mut item = items::load(tx, id)?;
            review::upgrade_checklist_in(tx, recorder, &mut item)
        })
    }

    pub fn signoffs(&self, id: &str) -> Result<Vec<Signoff>> {
        review::signoffs(&self.conn, id)
    }

    /// The newest version of every checklist template.
    pub fn templates(&self) -> Result<Vec<ChecklistTemplate>> {
        review::latest_templates(&self.conn)
    }

    pub fn template_versions(&self, id: &str) -> Result<Vec<ChecklistTemplate>> {
        review::template_versions(&self.conn, id)
    }

    /// Saves a template as a new version; items keep the version they are worked under.
    pub fn save_template(&mut self, template: ChecklistTemplate) -> Result<ChecklistTemplate> {
        self.change(|tx, recorder, _, _| review::save_template_in(tx, recorder, template))
    }

    /// Replaces the personal numbers found in the item's text with their masked forms.
    pub fn apply_masks(&mut self, id: &str, hits: &[PiiHit]) -> Result<Item> {
        let item = desk_core::pii::mask_item(&self.item(id)?, hits)
            .map_err(|e| StoreError::Decode(e.to_string()))?;
        self.save_item(item)
    }

    // ---- attachments ----

    /// Copies a file into the attachment store and attaches it to the item.
    pub fn add_attachment(&mut self, id: &str, path: &Path) -> Result<Item> {
        let mut item = self.item(id)?;
        let attachment = self.attachment_store().add(path)?;
        if !item.attachments.contains(&attachment) {
            item.attachments.push(attachment);
        }
        self.save_item_with_attachments(item)
    }

    pub fn remove_attachment(&mut self, id: &str, sha256: &str) -> Result<Item> {
        let mut item = self.item(id)?;
        item.attachments.retain(|a| a.sha256 != sha256);
        self.save_item_with_attachments(item)
    }

    fn attachment_of(&self, id: &str, sha256: &str) -> Result<Attachment> {
        self.item(id)?
            .attachments
            .into_iter()
            .find(|a| a.sha256 == sha256)
            .ok_or_else(|| StoreError::NotFound {
                what: "attachment",
                id: sha256.to_string(),
            })
    }

    /// Copies an attachment out to `destination` after checking its content.
    pub fn save_attachment_to(&self, id: &str, sha256: &str, destination: &Path) -> Result<()> {
        let attachment = self.attachment_of(id, sha256)?;
        self.attachment_store().save_to(&attachment, destination)
    }

    /// A checked copy under its own name in the data folder's `opened/`, for the system viewer.
    pub fn attachment_for_opening(&self, id: &str, sha256: &str) -> Result<PathBuf> {
        let attachment = self.attachment_of(id, sha256)?;
        let folder = self
            .data_dir
            .join("opened")
            .join(&sha256[..sha256.len().min(12)]);
        self.attachment_store()
            .export_for_opening(&attachment, &folder)
    }

    pub fn item_history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        if !items::exists(&self.conn, id)? {
            return Err(StoreError::NotFound {
                what: "item",
                id: id.to_string(),
            });
        }
        oplog::history(&self.conn, EntityKind::Item, id)
    }

    /// Saves an item: creates it when its id is empty, else changes what differs. Validates,
    /// fills the 索引号 when empty, and records one operation per changed field.
    pub fn save_item(&mut self, item: Item) -> Result<Item> {
        self.change(|tx, recorder, settings, calendar| {
            save::save_item_in(
                tx,
                recorder,
                settings,
                calendar,
                item,
                save::Attachments::Keep,
            )
        })
    }

    fn save_item_with_attachments(&mut self, item: Item) -> Result<Item> {
        self.change(|tx, recorder, settings, calendar| {
            save::save_item_in(
                tx,
                recorder,
                settings,
                calendar,
                item,
                save::Attachments::Replace,
            )
        })
    }

    // ---- registry ----

    pub fn departments(&self) -> Result<Vec<Department>> {
        registry::departments(&self.conn)
    }

    pub fn people(&self) -> Result<Vec<Person>> {
        registry::people(&self.conn)
    }

    pub fn categories(&self) -> Result<Vec<Category>> {
        registry::categories(&self.conn)
    }

    pub fn save_department(&mut self, department: Department) -> Result<Department> {
        self.change(|tx, recorder, _, _| registry::save_department_in(tx, recorder, department))
    }

    pub fn save_person(&mut self, mut person: Person) -> Result<Person> {
        person.name = person.name.trim().to_string();
        let departments = registry::departments(&self.conn)?;
        let problems =
            desk_core::registry::check_person(&person, |id| departments.iter().any(|d| d.id == id));
        if !problems.is_empty() {
            return Err(StoreError::Refused(problems));
        }
        person.roles.dedup();
        self.change(|tx, recorder, _, _| {
            let old = if person.id.is_empty() {
                person.id = clock::uuid_v7().to_string();
                None
            } else {
                Some(
                    registry::person(tx, &person.id)?.ok_or_else(|| StoreError::NotFound {
                        what: "person",
                        id: person.id.clone(),
                    })?,
                )
            };
            registry::write_person(tx, &person)?;
            recorder.record_entity(tx, EntityKind::Person, &person.id, old.as_ref(), &person)?;
            Ok(person)
        })
    }

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

    /// All operations, in (device, sequence) order.
    pub fn operations(&self) -> Result<Vec<Operation>> {
        oplog::all_operations(&self.conn)
    }

    /// Runs `work` in one transaction with an operation recorder (for multi-entity changes such
    /// as a plan import).
    pub(crate) fn change<T>(
        &mut self,
        work: impl FnOnce(&Transaction, &mut Recorder, &CatalogSettings, &WorkCalendar) -> Result<T>,
    ) -> Result<T> {
        let author = self.author_id()?;
        let tx = write_transaction(&mut self.conn)?;
        let mut recorder = Recorder::begin(&tx, &self.device_id, &author)?;
        let result = work(&tx, &mut recorder, &self.settings, &self.calendar)?;
        recorder.finish(&tx)?;
        tx.commit()?;
        Ok(result)
    }
}

/// The office's edited or added calendar years, from `meta`.
fn calendar_overrides(conn: &Connection) -> Result<Vec<(i32, String)>> {
    let mut stmt =
        conn.prepare("SELECT key, value FROM meta WHERE key LIKE 'calendar:%' ORDER BY key")?;
    let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?;
    let mut years = Vec::new();
    for row in rows {
        let (key, text) = row?;
        if let Some(year) = key.strip_prefix("calendar:").and_then(|y| y.parse().ok()) {
            years.push((year, text));
        }
    }
    Ok(years)
}

/// A transaction that takes the write lock at once: when the app and `desk` write the same
/// catalog, the second waits (busy timeout) instead of failing half-way through its reads.
fn write_transaction(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

pub(crate) fn new_device_id() -> String {
    clock::uuid_v4().simple().to_string()[..12].to_string()
}
