//! The local catalog: one SQLite file per PC, in the user's data folder.
//!
//! [`Catalog`] is the storage API the app and the CLI share. Every change goes through it, and
//! each change and its operations commit in one transaction (the operation log is at once the
//! audit trail and the sync outbox). Business rules live in `desk-core`; this crate applies them
//! to the database. No Tauri or GUI dependency lives here.

// The layers, bottom-up: error, clock → attachments, db → oplog → catalog → sync → api and this
// file (the `Catalog` handle). A module never imports one above it; tests/layers.rs checks it.
mod api;
pub mod attachments;
pub(crate) mod catalog;
pub mod clock;
pub mod db;
pub mod error;
pub(crate) mod oplog;
mod saved_file;
pub(crate) mod sync;

pub use api::export::{ExportSource, FeedbackRefusal};
pub use api::plan::read_plan_file;
pub use api::sample::SAMPLE_PLAN;
pub use api::sync::AppliedCut;
pub use api::trust::{pc_secret, pc_secret_path, DeviceKeyRequest, SegmentTrust};
pub use catalog::registry::DEFAULT_CATEGORIES;
pub use db::migrations;
pub use sync::{ApplyOutcome, RemoteSegment, BATCH_OPS, SYNC_AUTHOR};

use catalog::registry;
use db::meta::{meta_get, meta_set};
use desk_core::ipc::AppInfo;
use desk_core::model::Category;
use desk_core::ops::Operation;
use desk_core::settings::CatalogSettings;
use desk_core::workdays::WorkCalendar;
pub use error::{Result, StoreError};
use oplog::Recorder;
use rusqlite::{Connection, OptionalExtension, Transaction};
pub use saved_file::save_whole;
use std::path::{Path, PathBuf};

#[derive(Debug, Clone, Copy, Default)]
pub struct OpenOptions {
    /// Fill a new, empty catalog with the sample catalog (the 2019 work plan).
    pub seed_sample: bool,
}

pub struct Catalog {
    conn: Connection,
    /// Keeps other opens from judging this catalog's WAL (`db::lock`); dropped after `conn`.
    _lock: db::lock::OpenLock,
    set_aside: Vec<db::leftover::SetAside>,
    data_dir: PathBuf,
    device_id: String,
    settings: CatalogSettings,
    calendar: WorkCalendar,
    /// The running app's version (the caller's, see `Catalog::set_app_version`): operations
    /// kept aside by another version are tried again.
    app_version: String,
}

impl Catalog {
    /// Opens the catalog in `data_dir`, creating or upgrading it as needed.
    pub fn open(data_dir: &Path, options: OpenOptions) -> Result<Catalog> {
        let db::Opened {
            conn,
            is_new,
            lock,
            set_aside,
        } = db::open_database(data_dir)?;
        let mut catalog = Catalog {
            conn,
            _lock: lock,
            set_aside,
            data_dir: data_dir.to_path_buf(),
            device_id: String::new(),
            settings: CatalogSettings::default(),
            // Public holidays and 调休 workdays from the State Council notices (2019–2026).
            calendar: WorkCalendar::official(),
            app_version: env!("CARGO_PKG_VERSION").to_string(),
        };
        if is_new {
            catalog.initialise()?;
        }
        catalog.rebuild_derived()?;
        catalog.device_id = meta_get(&catalog.conn, "device_id")?
            .ok_or_else(|| StoreError::Decode("the catalog has no device id".into()))?;
        if let Some(json) = meta_get(&catalog.conn, "settings")? {
            catalog.settings = serde_json::from_str(&json)
                .map_err(|e| StoreError::Decode(format!("settings: {e}")))?;
        }
        for (year, text) in db::meta::calendar_overrides(&catalog.conn)? {
            if let Err(e) = catalog.calendar.set_year(&text) {
                log::error!(
                    "the office's calendar for {year} does not read ({e}); shipped one kept"
                );
            }
        }
        if is_new && options.seed_sample {
            api::sample::seed(&mut catalog)?;
        }
        Ok(catalog)
    }

    fn initialise(&mut self) -> Result<()> {
        let tx = write_transaction(&mut self.conn)?;
        meta_set(&tx, "catalog_id", &clock::uuid_v4().to_string())?;
        meta_set(&tx, "device_id", &clock::new_device_id())?;
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

    /// Builds again what a migration marked (see `db::migrations::derived`), with today's rules,
    /// in one transaction that also clears the mark: a crash leaves the mark for the next open.
    fn rebuild_derived(&mut self) -> Result<()> {
        use db::migrations::derived;
        let search = meta_get(&self.conn, derived::SEARCH)?.is_some();
        let heads = meta_get(&self.conn, derived::HEADS)?.is_some();
        if !search && !heads {
            return Ok(());
        }
        let tx = write_transaction(&mut self.conn)?;
        if search {
            catalog::search::reindex_all(&tx)?;
        }
        if heads {
            oplog::heads::rebuild(&tx)?;
        }
        tx.execute(
            "DELETE FROM meta WHERE key IN (?1, ?2)",
            rusqlite::params![derived::SEARCH, derived::HEADS],
        )?;
        tx.commit()?;
        Ok(())
    }

    pub fn data_dir(&self) -> &Path {
        &self.data_dir
    }

    pub fn database_path(&self) -> PathBuf {
        self.data_dir.join(db::DATABASE_FILE)
    }

    /// The catalog's id (the same on every PC that shares it).
    pub fn catalog_id(&self) -> Result<String> {
        db::meta::catalog_id(&self.conn)
    }

    /// Leftover files this open found beside the database, judged not to belong to it and set
    /// aside unreplayed (see `db::leftover`): the person must be told.
    pub fn set_aside_at_open(&self) -> &[db::leftover::SetAside] {
        &self.set_aside
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

    /// The raw connection, for tests that read tables directly or tamper with them as an
    /// outside program would, and for benchmarks' pragmas. Not in the app: every write of the
    /// app goes through `Catalog`'s methods.
    #[cfg(feature = "test-support")]
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

    pub fn app_info(&self, version: &str, log_dir: &Path) -> Result<AppInfo> {
        Ok(AppInfo {
            version: version.to_string(),
            data_dir: self.data_dir.display().to_string(),
            database_path: self.database_path().display().to_string(),
            log_dir: log_dir.display().to_string(),
            device_id: self.device_id.clone(),
            current_person: self.current_person()?,
            item_count: self.item_count()?,
            set_aside_files: db::leftover::set_aside_files(&self.data_dir)
                .iter()
                .map(|path| path.display().to_string())
                .collect(),
            sample: self.sample_state()?,
            synced: self.sync_value("folder_catalog")?.is_some(),
            devices: self.device_names()?,
        })
    }

    /// Every PC whose operations this catalog holds, with the person behind its newest one
    /// (changes the app makes by itself, such as due dates counted again, name nobody).
    pub fn device_names(&self) -> Result<Vec<desk_core::ipc::DeviceName>> {
        // The distinct devices by hopping along the (device, seq) index: a few lookups per PC,
        // not a scan of the whole log.
        let devices: Vec<String> = self
            .conn
            .prepare_cached(
                "WITH RECURSIVE d(id) AS (SELECT min(device_id) FROM ops \
                 UNION ALL SELECT (SELECT min(device_id) FROM ops WHERE device_id > d.id) \
                 FROM d WHERE d.id IS NOT NULL) SELECT id FROM d WHERE id IS NOT NULL",
            )?
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let mut newest = self.conn.prepare_cached(
            "SELECT o.author_id, p.name FROM ops o LEFT JOIN people p ON p.id = o.author_id \
             WHERE o.device_id = ?1 AND o.author_id <> 'system' ORDER BY o.seq DESC LIMIT 1",
        )?;
        let mut names = Vec::with_capacity(devices.len() + 1);
        for device_id in devices {
            let author: Option<(String, Option<String>)> = newest
                .query_row(rusqlite::params![device_id], |r| Ok((r.get(0)?, r.get(1)?)))
                .optional()?;
            names.push(desk_core::ipc::DeviceName {
                this_pc: device_id == self.device_id,
                user_name: author.and_then(|(id, person)| {
                    person.or_else(|| id.strip_prefix("os:").map(String::from))
                }),
                device_id,
            });
        }
        if !names.iter().any(|d| d.this_pc) {
            names.push(desk_core::ipc::DeviceName {
                device_id: self.device_id.clone(),
                this_pc: true,
                user_name: None,
            });
        }
        Ok(names)
    }

    /// All operations, in (device, sequence) order.
    pub fn operations(&self) -> Result<Vec<Operation>> {
        oplog::log::all_operations(&self.conn)
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
pub(crate) fn write_transaction(conn: &mut Connection) -> Result<Transaction<'_>> {
    Ok(conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?)
}
