//! The local catalog: one SQLite file per PC, in the user's data folder.
//!
//! [`Catalog`] is the storage API the app and the CLI share. Every change goes through it, and
//! each change and its operations commit in one transaction (the operation log is at once the
//! audit trail and the sync outbox). Business rules live in `desk-core`; this crate applies them
//! to the database. No Tauri or GUI dependency lives here.

pub mod db;
pub mod error;
pub mod items;
pub mod migrations;
pub mod oplog;
pub mod plan;
pub mod registry;
pub mod sample;
pub mod search;

use chrono::NaiveDate;
use desk_core::fields::{diff, FieldChange};
use desk_core::index_rule::{IndexContext, IndexRule};
use desk_core::ipc::AppInfo;
use desk_core::model::{Category, Department, DepartmentKind, Item, Person};
use desk_core::ops::{EntityKind, HistoryEntry, OpKind, Operation};
use desk_core::query::{ItemPage, ItemQuery};
use desk_core::settings::CatalogSettings;
use desk_core::validate::{check_item, CatalogFacts};
use desk_core::workdays::WorkCalendar;
pub use error::{Result, StoreError};
use oplog::{meta_get, meta_set, Recorder};
use rusqlite::{params, Connection, Transaction};
use serde_json::Value;
use std::collections::HashSet;
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
            calendar: WorkCalendar::default(),
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
        if is_new && options.seed_sample {
            sample::seed(&mut catalog)?;
        }
        Ok(catalog)
    }

    fn initialise(&mut self) -> Result<()> {
        let tx = write_transaction(&mut self.conn)?;
        meta_set(&tx, "catalog_id", &uuid::Uuid::new_v4().to_string())?;
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
        items::list(&self.conn, query, today, &self.calendar)
    }

    pub fn item_history(&self, id: &str) -> Result<Vec<HistoryEntry>> {
        items::load(&self.conn, id)?;
        oplog::history(&self.conn, EntityKind::Item, id)
    }

    /// Saves an item: creates it when its id is empty, else changes what differs. Validates,
    /// fills the 索引号 when empty, and records one operation per changed field.
    pub fn save_item(&mut self, item: Item) -> Result<Item> {
        let author = self.author_id()?;
        let tx = write_transaction(&mut self.conn)?;
        let mut recorder = Recorder::begin(&tx, &self.device_id, &author)?;
        let saved = save_item_in(&tx, &mut recorder, &self.settings, &self.calendar, item)?;
        recorder.finish(&tx)?;
        tx.commit()?;
        Ok(saved)
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
        let author = self.author_id()?;
        let tx = write_transaction(&mut self.conn)?;
        let mut recorder = Recorder::begin(&tx, &self.device_id, &author)?;
        let saved = save_department_in(&tx, &mut recorder, department)?;
        recorder.finish(&tx)?;
        tx.commit()?;
        Ok(saved)
    }

    pub fn save_person(&mut self, mut person: Person) -> Result<Person> {
        person.name = person.name.trim().to_string();
        if person.name.is_empty() {
            return Err(StoreError::InvalidArgument(
                "the person's name is empty".into(),
            ));
        }
        if let Some(department) = &person.department_id {
            if registry::department(&self.conn, department)?.is_none() {
                return Err(StoreError::InvalidArgument(format!(
                    "the department {department} does not exist: add it first"
                )));
            }
        }
        person.roles.dedup();
        let author = self.author_id()?;
        let tx = write_transaction(&mut self.conn)?;
        let mut recorder = Recorder::begin(&tx, &self.device_id, &author)?;
        let old = if person.id.is_empty() {
            person.id = uuid::Uuid::now_v7().to_string();
            None
        } else {
            Some(
                registry::person(&tx, &person.id)?.ok_or_else(|| StoreError::NotFound {
                    what: "person",
                    id: person.id.clone(),
                })?,
            )
        };
        registry::write_person(&tx, &person)?;
        record_entity(
            &tx,
            &mut recorder,
            EntityKind::Person,
            &person.id,
            old.as_ref(),
            &person,
        )?;
        recorder.finish(&tx)?;
        tx.commit()?;
        Ok(person)
    }

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
        if !(1..=250).contains(&settings.due_working_days) {
            return Err(StoreError::InvalidArgument(
                "the due period must be between 1 and 250 working days".into(),
            ));
        }
        let old = self.settings.clone();
        let json = serde_json::to_string(&settings)
            .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        let author = self.author_id()?;
        let tx = write_transaction(&mut self.conn)?;
        let mut recorder = Recorder::begin(&tx, &self.device_id, &author)?;
        meta_set(&tx, "settings", &json)?;
        record_entity(
            &tx,
            &mut recorder,
            EntityKind::Setting,
            "catalog",
            Some(&old),
            &settings,
        )?;
        recorder.finish(&tx)?;
        tx.commit()?;
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

/// A transaction that takes the write lock at once: when the app and `desk` write the same
/// catalog, the second waits (busy timeout) instead of failing half-way through its reads.
fn write_transaction(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}

fn new_device_id() -> String {
    uuid::Uuid::new_v4().simple().to_string()[..12].to_string()
}

/// Records a registry entity's creation, or one `set` per changed JSON field.
fn record_entity<T: serde::Serialize>(
    tx: &Transaction,
    recorder: &mut Recorder,
    entity: EntityKind,
    id: &str,
    old: Option<&T>,
    new: &T,
) -> Result<()> {
    let new_json = serde_json::to_value(new).unwrap_or(Value::Null);
    match old.map(|o| serde_json::to_value(o).unwrap_or(Value::Null)) {
        None => {
            recorder.record(
                tx,
                entity,
                id,
                OpKind::Create,
                None,
                &Value::Null,
                &new_json,
            )?;
        }
        Some(Value::Object(old_fields)) => {
            if let Value::Object(new_fields) = &new_json {
                for (key, value) in new_fields {
                    let before = old_fields.get(key).cloned().unwrap_or(Value::Null);
                    if &before != value {
                        recorder.record(tx, entity, id, OpKind::Set, Some(key), &before, value)?;
                    }
                }
            }
        }
        Some(_) => {}
    }
    Ok(())
}

pub(crate) fn save_department_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    mut department: Department,
) -> Result<Department> {
    department.name = department.name.trim().to_string();
    department.code = department.code.trim().to_string();
    if department.name.is_empty() {
        return Err(StoreError::InvalidArgument(
            "the department's name is empty".into(),
        ));
    }
    let existing = registry::departments(tx)?;
    let folded = desk_core::plan_import::fold_name(&department.name);
    if let Some(other) = existing
        .iter()
        .find(|d| d.id != department.id && desk_core::plan_import::fold_name(&d.name) == folded)
    {
        return Err(StoreError::InvalidArgument(format!(
            "a department named {} already exists",
            other.name
        )));
    }
    let old = if department.id.is_empty() {
        department.id = uuid::Uuid::now_v7().to_string();
        None
    } else {
        Some(
            existing
                .iter()
                .find(|d| d.id == department.id)
                .cloned()
                .ok_or_else(|| StoreError::NotFound {
                    what: "department",
                    id: department.id.clone(),
                })?,
        )
    };
    if department.code.is_empty() {
        department.code = format!("D{:02}", existing.len() + 1);
    }
    registry::write_department(tx, &department)?;
    record_entity(
        tx,
        recorder,
        EntityKind::Department,
        &department.id,
        old.as_ref(),
        &department,
    )?;
    Ok(department)
}

/// A department's kind guessed from its name (局属单位 end in 中心, 学校, 单位 …).
pub fn guess_department_kind(name: &str) -> DepartmentKind {
    let folded = desk_core::text::fold(name);
    if [
        "中心",
        "学校",
        "单位",
        "学院",
        "大学",
        "中学",
        "小学",
        "幼儿园",
        "馆",
        "站",
        "所",
    ]
    .iter()
    .any(|end| folded.ends_with(end))
    {
        DepartmentKind::Unit
    } else {
        DepartmentKind::Department
    }
}

/// Facts validation needs, read once per save.
struct Facts {
    departments: HashSet<String>,
    categories: HashSet<String>,
    linked_items: HashSet<String>,
    index_no_taken: bool,
    channels: Vec<String>,
    levels: Vec<String>,
}

impl CatalogFacts for Facts {
    fn department_exists(&self, id: &str) -> bool {
        self.departments.contains(id)
    }
    fn category_exists(&self, id: &str) -> bool {
        self.categories.contains(id)
    }
    fn item_exists(&self, id: &str) -> bool {
        self.linked_items.contains(id)
    }
    fn index_no_taken(&self, _index_no: &str, _item_id: &str) -> bool {
        self.index_no_taken
    }
    fn channels(&self) -> &[String] {
        &self.channels
    }
    fn levels(&self) -> &[String] {
        &self.levels
    }
}

fn collect_ids(tx: &Transaction, sql: &str) -> Result<HashSet<String>> {
    let mut stmt = tx.prepare_cached(sql)?;
    let ids = stmt.query_map([], |r| r.get::<_, String>(0))?;
    Ok(ids.collect::<rusqlite::Result<_>>()?)
}

/// Trims text, drops empty and repeated set elements: what a person would expect on save.
fn tidy(item: &mut Item) {
    item.title = item.title.trim().to_string();
    item.index_no = item.index_no.trim().to_string();
    item.doc_no = item.doc_no.trim().to_string();
    for list in [
        &mut item.keywords,
        &mut item.channels,
        &mut item.other_responsible,
    ] {
        let mut seen = HashSet::new();
        list.retain(|v| !v.trim().is_empty() && seen.insert(v.trim().to_string()));
        for v in list.iter_mut() {
            *v = v.trim().to_string();
        }
    }
    let mut seen = HashSet::new();
    item.co_department_ids.retain(|v| seen.insert(v.clone()));
    let mut seen = HashSet::new();
    item.links.retain(|l| seen.insert(l.clone()));
}

pub(crate) fn save_item_in(
    tx: &Transaction,
    recorder: &mut Recorder,
    settings: &CatalogSettings,
    calendar: &WorkCalendar,
    mut item: Item,
) -> Result<Item> {
    tidy(&mut item);
    let old = if item.id.is_empty() {
        item.id = uuid::Uuid::now_v7().to_string();
        None
    } else {
        Some(items::load(tx, &item.id)?)
    };
    let facts = Facts {
        departments: collect_ids(tx, "SELECT id FROM departments")?,
        categories: collect_ids(tx, "SELECT id FROM categories")?,
        linked_items: {
            let mut found = HashSet::new();
            for link in &item.links {
                let exists: bool = tx.query_row(
                    "SELECT EXISTS (SELECT 1 FROM items WHERE id = ?1)",
                    params![link.target_id],
                    |r| r.get(0),
                )?;
                if exists {
                    found.insert(link.target_id.clone());
                }
            }
            found
        },
        index_no_taken: !item.index_no.is_empty()
            && tx.query_row(
                "SELECT EXISTS (SELECT 1 FROM items WHERE index_no = ?1 AND id <> ?2)",
                params![item.index_no, item.id],
                |r| r.get(0),
            )?,
        channels: settings.channels.clone(),
        levels: settings.levels.clone(),
    };
    let problems = check_item(&item, &facts);
    if !problems.is_empty() {
        return Err(StoreError::Invalid(problems));
    }
    if item.index_no.is_empty() {
        item.index_no = next_index_no(tx, settings, &item, recorder.clock().wall_ms)?;
    }
    let effective_due = item.due_date.or_else(|| {
        item.date_formed
            .and_then(|formed| calendar.add_working_days(formed, settings.due_working_days))
    });
    let changes = match &old {
        Some(old) => diff(old, &item),
        None => Vec::new(),
    };
    if old.is_some() && changes.is_empty() {
        return Ok(item);
    }
    match &old {
        None => {
            let whole = serde_json::to_value(&item).unwrap_or(Value::Null);
            recorder.record(
                tx,
                EntityKind::Item,
                &item.id,
                OpKind::Create,
                None,
                &Value::Null,
                &whole,
            )?;
        }
        Some(_) => {
            for change in changes {
                let (kind, field, old_value, new_value) = match change {
                    FieldChange::Set { field, old, new } => (OpKind::Set, field, old, new),
                    FieldChange::Add { field, element } => {
                        (OpKind::Add, field, Value::Null, element)
                    }
                    FieldChange::Remove { field, element } => {
                        (OpKind::Remove, field, element, Value::Null)
                    }
                };
                recorder.record(
                    tx,
                    EntityKind::Item,
                    &item.id,
                    kind,
                    Some(field.key()),
                    &old_value,
                    &new_value,
                )?;
            }
        }
    }
    let now = recorder
        .clock()
        .to_datetime()
        .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Millis, true))
        .unwrap_or_default();
    items::write(tx, &item, effective_due, &now)?;
    Ok(item)
}

/// The next free 索引号 under the catalog's rule for this item.
fn next_index_no(
    tx: &Transaction,
    settings: &CatalogSettings,
    item: &Item,
    now_ms: i64,
) -> Result<String> {
    let rule = IndexRule::parse(&settings.index_rule)
        .map_err(|e| StoreError::InvalidArgument(e.to_string()))?;
    let dept = match &item.lead_department_id {
        Some(id) => registry::department(tx, id)?
            .map(|d| d.code)
            .unwrap_or_default(),
        None => "00".to_string(),
    };
    let cat = match &item.category_id {
        Some(id) => registry::category_code(tx, id)?.unwrap_or_default(),
        None => "00".to_string(),
    };
    let year = item
        .date_written
        .or(item.date_formed)
        .map(|d| chrono::Datelike::year(&d))
        .or_else(|| {
            chrono::DateTime::from_timestamp_millis(now_ms).map(|t| chrono::Datelike::year(&t))
        })
        .unwrap_or(2000);
    let ctx = IndexContext {
        org: &settings.org_code,
        dept: &dept,
        cat: &cat,
        year,
    };
    // The last serial issued per frame is kept, so finding the next one does not scan every
    // index number; numbers typed by hand or arriving from other PCs are skipped over.
    let (before, after) = rule.frame(&ctx);
    let counter = format!("index_serial:{before}\u{1f}{after}");
    let mut serial: u64 = meta_get(tx, &counter)?
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let mut taken = tx.prepare_cached("SELECT EXISTS (SELECT 1 FROM items WHERE index_no = ?1)")?;
    let index_no = loop {
        serial += 1;
        let candidate = rule.format(&ctx, serial);
        if !taken.query_row(params![candidate], |r| r.get::<_, bool>(0))? {
            break candidate;
        }
    };
    meta_set(tx, &counter, &serial.to_string())?;
    Ok(index_no)
}
