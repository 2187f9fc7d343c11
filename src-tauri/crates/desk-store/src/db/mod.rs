//! Finding the data folder and opening the database safely.
//!
//! The database lives in the OS's per-user data folder (never on the shared folder: SQLite's
//! locking and WAL do not work over network filesystems). Before anything is written, the file
//! is inspected read-only: a foreign, damaged or newer-version database is refused with a clear
//! message and left exactly as it was. A leftover `-wal` that does not belong to the database is
//! set aside before SQLite could replay it (`leftover`), and only while no other catalog is open
//! on the folder (`lock`). A full disk is reported as such, never as damage.

pub mod leftover;
pub mod lock;
pub(crate) mod meta;
pub mod migrations;
pub mod sqlite_file;

use crate::error::{Result, StoreError};
use leftover::SetAside;
use lock::{Access, OpenLock};
use migrations::{migrate, LATEST_VERSION};
use rusqlite::{Connection, OpenFlags};
use std::io::Read;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// "DDSK": marks our databases so that another program's SQLite file is recognised.
pub const APPLICATION_ID: i32 = 0x4444_534b;
pub const DATABASE_FILE: &str = "catalog.db";
/// Overrides the data folder, for tests and portable use.
pub const DATA_DIR_ENV: &str = "DISCLOSURE_DESK_DATA_DIR";

/// The data folder: an explicit one, else `DISCLOSURE_DESK_DATA_DIR`, else the OS's per-user
/// data folder (`~/.local/share/disclosure-desk` on Linux, `%APPDATA%\disclosure-desk` on Windows).
pub fn resolve_data_dir(explicit: Option<&Path>) -> Result<PathBuf> {
    if let Some(dir) = explicit {
        return Ok(dir.to_path_buf());
    }
    if let Some(dir) = std::env::var_os(DATA_DIR_ENV).filter(|v| !v.is_empty()) {
        return Ok(PathBuf::from(dir));
    }
    dirs::data_dir()
        .map(|d| d.join("disclosure-desk"))
        .ok_or_else(|| StoreError::DataDirUnavailable {
            path: PathBuf::from("~"),
            source: std::io::Error::other("the system does not say where per-user data goes"),
        })
}

/// Creates and removes a small file in `dir`: whether the folder can really be written (its
/// permission bits do not say so for root, immutable folders or read-only mounts).
pub fn probe_write(dir: &Path) -> std::io::Result<()> {
    let probe = dir.join(format!(".write-test-{}", std::process::id()));
    std::fs::write(&probe, b"")?;
    let _ = std::fs::remove_file(&probe);
    Ok(())
}

/// Makes sure the folder exists and can be written, without touching any file in it.
fn prepare_dir(dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).map_err(|source| {
        if source.kind() == std::io::ErrorKind::PermissionDenied {
            StoreError::DataDirReadOnly { path: dir.into() }
        } else {
            StoreError::DataDirUnavailable {
                path: dir.into(),
                source,
            }
        }
    })?;
    match probe_write(dir) {
        Ok(()) => Ok(()),
        Err(e)
            if e.kind() == std::io::ErrorKind::PermissionDenied || e.raw_os_error() == Some(30) =>
        {
            Err(StoreError::DataDirReadOnly { path: dir.into() })
        }
        Err(source) => Err(StoreError::DataDirUnavailable {
            path: dir.into(),
            source,
        }),
    }
}

/// What a look at an existing file found.
#[derive(Debug, PartialEq, Eq)]
pub enum Existing {
    Missing,
    /// Ours (or an empty SQLite file) at this schema version.
    Ours(i64),
}

/// Inspects `path` read-only, with its WAL as SQLite would replay it.
pub fn inspect(path: &Path) -> Result<Existing> {
    inspect_file(path, false)
}

/// Inspects `path` read-only; `alone`: the file without its WAL.
fn inspect_file(path: &Path, alone: bool) -> Result<Existing> {
    let mut header = [0u8; 16];
    let mut file = match std::fs::File::open(path) {
        Ok(file) => file,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Existing::Missing),
        Err(source) => {
            return Err(StoreError::DataDirUnavailable {
                path: path.into(),
                source,
            })
        }
    };
    let length = file.metadata().map(|m| m.len()).unwrap_or(0);
    if length == 0 {
        return Ok(Existing::Missing);
    }
    if file.read_exact(&mut header).is_err() || &header != b"SQLite format 3\0" {
        return Err(StoreError::DatabaseForeign { path: path.into() });
    }
    let corrupt = |e: rusqlite::Error| open_failure(path, e);
    let conn = if alone {
        leftover::open_alone(path)
    } else {
        sqlite_file::open(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
        )
    }
    .map_err(corrupt)?;
    let application_id: i32 = conn
        .pragma_query_value(None, "application_id", |r| r.get(0))
        .map_err(corrupt)?;
    let version: i64 = conn
        .pragma_query_value(None, "user_version", |r| r.get(0))
        .map_err(corrupt)?;
    let tables: i64 = conn
        .query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get(0))
        .map_err(corrupt)?;
    if application_id != APPLICATION_ID && (tables > 0 || version != 0) {
        return Err(StoreError::DatabaseForeign { path: path.into() });
    }
    if version > LATEST_VERSION {
        return Err(StoreError::DatabaseNewer {
            path: path.into(),
            found: version,
            supported: LATEST_VERSION,
        });
    }
    Ok(Existing::Ours(version))
}

/// An open database and what opening it found.
pub(crate) struct Opened {
    pub conn: Connection,
    /// Whether the catalog was created by this open.
    pub is_new: bool,
    /// Held as long as the connection: see `lock`.
    pub lock: OpenLock,
    /// Leftover files that did not belong to the database and were set aside.
    pub set_aside: Vec<SetAside>,
}

/// Opens (creating or upgrading) the database in `dir`.
pub(crate) fn open_database(dir: &Path) -> Result<Opened> {
    prepare_dir(dir)?;
    let path = dir.join(DATABASE_FILE);
    // What the file alone says is refused before anything, even the lock file, is written.
    inspect_alone(&path)?;
    let (lock, set_aside) = match lock::acquire(dir)? {
        Access::Alone(file) => {
            let set_aside = leftover::check(dir)?;
            (lock::downgrade(dir, file)?, set_aside)
        }
        Access::Shared(lock) => (lock, Vec::new()),
    };
    let existing = inspect(&path)?;
    let mut conn =
        sqlite_file::open(&path, OpenFlags::default()).map_err(|e| open_failure(&path, e))?;
    configure(&conn).map_err(|e| match e {
        StoreError::Sqlite(inner) => open_failure(&path, inner),
        other => other,
    })?;
    let from = match existing {
        Existing::Missing => {
            conn.pragma_update(None, "application_id", APPLICATION_ID)?;
            0
        }
        Existing::Ours(version) => version,
    };
    migrate(&mut conn, from).map_err(|e| match e {
        StoreError::Sqlite(inner) => open_failure(&path, inner),
        other => other,
    })?;
    Ok(Opened {
        conn,
        is_new: from == 0,
        lock,
        set_aside,
    })
}

/// The refusals that the database file alone decides (foreign, newer), before the WAL is
/// judged. Damage is not decided here: a checkpoint cut short leaves a file that reads only with
/// its WAL.
fn inspect_alone(path: &Path) -> Result<()> {
    match inspect_file(path, true) {
        Err(StoreError::DatabaseCorrupt { .. }) if leftover::companion(path, "-wal").exists() => {
            Ok(())
        }
        other => other.map(|_| ()),
    }
}

/// What an error of SQLite at open means: damage only when SQLite says so; a full disk (said
/// by SQLite, or found when an I/O error is followed by a failed write) as a full disk; a path
/// longer than SQLite takes as such; anything else as the storage error it is.
pub(crate) fn open_failure(path: &Path, e: rusqlite::Error) -> StoreError {
    if e.sqlite_error_code() == Some(rusqlite::ErrorCode::CannotOpen) {
        if let Some(bytes) = sqlite_file::name_too_long(path) {
            return StoreError::DataDirPathTooLong {
                path: path.parent().unwrap_or(path).into(),
                bytes,
                limit: sqlite_file::MAX_NAME_BYTES,
            };
        }
    }
    match e.sqlite_error_code() {
        Some(rusqlite::ErrorCode::DatabaseCorrupt) | Some(rusqlite::ErrorCode::NotADatabase) => {
            StoreError::DatabaseCorrupt {
                path: path.into(),
                detail: e.to_string(),
            }
        }
        Some(rusqlite::ErrorCode::DiskFull) => StoreError::disk_full(path, &e),
        Some(rusqlite::ErrorCode::SystemIoFailure) | Some(rusqlite::ErrorCode::CannotOpen)
            if disk_is_full(path.parent().unwrap_or(path)) =>
        {
            StoreError::disk_full(path, &e)
        }
        _ => StoreError::from(e),
    }
}

/// Whether `dir`'s disk has no room for a small file (SQLite's own I/O errors do not always say
/// why; the operating system does: ENOSPC, or ERROR_DISK_FULL / ERROR_HANDLE_DISK_FULL).
fn disk_is_full(dir: &Path) -> bool {
    let probe = dir.join(format!(".space-test-{}", std::process::id()));
    let result = std::fs::write(&probe, vec![0u8; 64 * 1024]);
    let _ = std::fs::remove_file(&probe);
    matches!(result, Err(e) if e.kind() == std::io::ErrorKind::StorageFull)
}

fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    let mode: String = conn.pragma_update_and_check(None, "journal_mode", "WAL", |r| r.get(0))?;
    if !mode.eq_ignore_ascii_case("wal") {
        log::warn!("journal mode is {mode}, not WAL");
    }
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    // SQLite's default page cache is 2 MB. 32 MB holds the list's filter indexes and the hot part
    // of the search index of a 100,000-item catalog (pages are allocated only as they are read),
    // without letting the cache grow towards the database's size against the memory goal.
    conn.pragma_update(None, "cache_size", -32 * 1024)?;
    Ok(())
}
