//! Leftover `-wal` files: replayed when they belong to the database, set aside when they do not.
//!
//! SQLite replays any `catalog.db-wal` it finds beside `catalog.db`, whoever wrote it: nothing in
//! the WAL's format names its database. Another catalog's WAL, or a stale one left beside a
//! database restored from a backup, would mix another history's pages into ours. A WAL left by a
//! crash, on the other hand, holds committed work that only it has, and must be replayed.
//!
//! The check runs only when no other catalog is open on the folder (`db::lock`): a WAL that
//! exists because another process is running is never judged. It then compares what the database
//! file says on its own (opened `immutable=1`, which ignores the WAL) with what it says through
//! the WAL (a read-only connection, which replays the WAL in memory and never writes it back):
//!
//! - the WAL must read with the database at all, and `PRAGMA quick_check` must pass through it
//!   (every b-tree page in its place: pages of another history rarely fit);
//! - a legitimate WAL only adds transactions to what the file holds, so the facts may only grow:
//!   the same `application_id`, `user_version` and operation count and highest operation row
//!   not lower (operations are never deleted), the same catalog id (unless this PC had not synced
//!   yet: joining an office adopts the office's id) and the same device id (unless the WAL took a
//!   new one, which it records among the previous ones), `op_seq` not lower (unless so re-keyed).
//!
//! When the check fails, the WAL and its `-shm` are renamed `….set-aside-<UTC time>` (never
//! deleted: they may hold another catalog's work someone wants back) and the catalog opens as
//! the database file alone says; the person is told (`Catalog::set_aside_at_open`, and the files'
//! names stay visible to the app until someone moves them away). A `-shm` without a WAL, or an
//! empty WAL, carries no data (SQLite rebuilds the `-shm` from the WAL at the first open) and is
//! left to SQLite. Cost: nothing without a WAL; with one (only after a crash, as the last
//! connection to close checkpoints and removes it), a read of every page for `quick_check`.

use super::{sqlite_file, DATABASE_FILE};
use crate::error::{Result, StoreError};
use rusqlite::{Connection, ErrorCode, OpenFlags, OptionalExtension};
use std::path::{Path, PathBuf};

/// The mark in a set-aside file's name: `catalog.db-wal.set-aside-20260105T093000Z`.
pub const SET_ASIDE_MARK: &str = ".set-aside-";

/// A file that did not belong to the database, and where it was moved.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetAside {
    pub file: PathBuf,
    pub moved_to: PathBuf,
    /// Why it was judged not to belong, in words for the log and the administrator.
    pub reason: String,
}

/// `catalog.db-wal`, `catalog.db-shm`.
pub fn companion(database: &Path, suffix: &str) -> PathBuf {
    let mut name = database.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

/// The files set aside in `dir` so far (by this open or an earlier one), sorted by name.
pub fn set_aside_files(dir: &Path) -> Vec<PathBuf> {
    let prefix = format!("{DATABASE_FILE}-");
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|entries| {
            entries
                .filter_map(|e| e.ok())
                .filter(|e| {
                    let name = e.file_name();
                    let name = name.to_string_lossy();
                    name.starts_with(&prefix) && name.contains(SET_ASIDE_MARK)
                })
                .map(|e| e.path())
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Judges the WAL beside `dir`'s database and sets it aside when it does not belong. Must be
/// called only while no connection to the database is open (the exclusive `db::lock`).
pub(crate) fn check(dir: &Path) -> Result<Vec<SetAside>> {
    let database = dir.join(DATABASE_FILE);
    let wal = companion(&database, "-wal");
    let wal_len = match std::fs::metadata(&wal) {
        Ok(meta) => meta.len(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(StoreError::DataDirUnavailable { path: wal, source }),
    };
    if wal_len == 0 {
        return Ok(Vec::new());
    }
    match judge(&database)? {
        Verdict::Belongs => Ok(Vec::new()),
        Verdict::Foreign(reason) => {
            log::warn!(
                "{} does not belong to {}: {reason}; setting it aside",
                wal.display(),
                database.display()
            );
            set_aside(&database, &reason)
        }
    }
}

enum Verdict {
    Belongs,
    Foreign(String),
}

fn judge(database: &Path) -> Result<Verdict> {
    let db_len = std::fs::metadata(database).map(|m| m.len()).unwrap_or(0);
    if db_len == 0 {
        // SQLite would delete it; it is not ours to drop.
        return Ok(Verdict::Foreign("there is no database beside it".into()));
    }
    let alone = open_alone(database).and_then(|c| read_facts(&c));
    let through = match open_through(database).and_then(|c| Ok((read_facts(&c)?, quick_check(&c)?)))
    {
        Ok(found) => found,
        Err(e) if is_damage(&e) => {
            return Ok(match alone {
                Ok(_) => Verdict::Foreign(format!("the database does not read with it ({e})")),
                // Damaged either way: not the WAL's doing, and no reason to drop it.
                Err(_) => Verdict::Belongs,
            });
        }
        Err(e) => return Err(super::open_failure(database, e)),
    };
    let (through, through_checked) = through;
    if !through_checked {
        let alone_checked = open_alone(database).and_then(|c| quick_check(&c));
        return Ok(match alone_checked {
            Ok(true) => Verdict::Foreign("the database fails its integrity check with it".into()),
            _ => Verdict::Belongs,
        });
    }
    Ok(match alone {
        Ok(alone) => match grows(&alone, &through) {
            Some(reason) => Verdict::Foreign(reason),
            None => Verdict::Belongs,
        },
        // The file alone does not read (a checkpoint cut short): only the WAL completes it, and
        // the whole passed its check.
        Err(_) => Verdict::Belongs,
    })
}

fn is_damage(e: &rusqlite::Error) -> bool {
    matches!(
        e.sqlite_error_code(),
        Some(ErrorCode::DatabaseCorrupt) | Some(ErrorCode::NotADatabase)
    )
}

/// The database file alone, as if no WAL were there.
pub(super) fn open_alone(database: &Path) -> rusqlite::Result<Connection> {
    sqlite_file::open_immutable(database)
}

/// The database with its WAL replayed in memory; closing it never checkpoints.
fn open_through(database: &Path) -> rusqlite::Result<Connection> {
    let conn = sqlite_file::open(
        database,
        OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )?;
    conn.set_db_config(
        rusqlite::config::DbConfig::SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE,
        true,
    )?;
    Ok(conn)
}

/// What a database says about itself that a later transaction may only keep or grow.
#[derive(Debug, Default)]
struct Facts {
    application_id: i32,
    user_version: i64,
    catalog_id: Option<String>,
    device_id: Option<String>,
    previous_device_ids: Vec<String>,
    synced: bool,
    op_seq: u64,
    ops: i64,
    last_op_row: i64,
}

fn read_facts(conn: &Connection) -> rusqlite::Result<Facts> {
    let mut facts = Facts {
        application_id: conn.pragma_query_value(None, "application_id", |r| r.get(0))?,
        user_version: conn.pragma_query_value(None, "user_version", |r| r.get(0))?,
        ..Facts::default()
    };
    let has = |table: &str| -> rusqlite::Result<bool> {
        conn.query_row(
            "SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = ?1",
            [table],
            |r| r.get::<_, i64>(0),
        )
        .map(|n| n > 0)
    };
    if has("meta")? {
        let meta = |key: &str| -> rusqlite::Result<Option<String>> {
            conn.query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
                .optional()
        };
        facts.catalog_id = meta("catalog_id")?;
        facts.device_id = meta("device_id")?;
        facts.synced = meta("sync:folder_catalog")?.is_some();
        facts.previous_device_ids = meta("sync:previous_device_ids")?
            .and_then(|text| serde_json::from_str(&text).ok())
            .unwrap_or_default();
        facts.op_seq = meta("op_seq")?.and_then(|s| s.parse().ok()).unwrap_or(0);
    }
    if has("ops")? {
        (facts.ops, facts.last_op_row) = conn.query_row(
            "SELECT count(*), coalesce(max(rowid), 0) FROM ops",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
    }
    Ok(facts)
}

fn quick_check(conn: &Connection) -> rusqlite::Result<bool> {
    let first: String = conn.query_row("PRAGMA quick_check(1)", [], |r| r.get(0))?;
    Ok(first == "ok")
}

/// Why `after` cannot be `before` plus transactions, or `None` when it can.
fn grows(before: &Facts, after: &Facts) -> Option<String> {
    if before.application_id != 0 && after.application_id != before.application_id {
        return Some("it belongs to another program's database".into());
    }
    if after.user_version < before.user_version {
        return Some(format!(
            "it holds an older schema ({} against {})",
            after.user_version, before.user_version
        ));
    }
    if let Some(id) = &before.catalog_id {
        let joined = !before.synced;
        if after.catalog_id.as_ref() != Some(id) && !joined {
            return Some("it belongs to another catalog".into());
        }
    }
    let mut rekeyed = false;
    if let Some(id) = &before.device_id {
        if after.device_id.as_ref() != Some(id) {
            if !after.previous_device_ids.contains(id) {
                return Some("it belongs to another PC's catalog".into());
            }
            rekeyed = true;
        }
    }
    if after.ops < before.ops || after.last_op_row < before.last_op_row {
        return Some(format!(
            "it holds fewer operations than the database ({} against {})",
            after.ops, before.ops
        ));
    }
    if after.op_seq < before.op_seq && !rekeyed {
        return Some(format!(
            "it goes back in this PC's history (operation {} against {})",
            after.op_seq, before.op_seq
        ));
    }
    None
}

/// Renames the WAL and its `-shm`; the WAL first, as it is the one that must never be replayed.
fn set_aside(database: &Path, reason: &str) -> Result<Vec<SetAside>> {
    let stamp = chrono::Utc::now().format("%Y%m%dT%H%M%SZ").to_string();
    let mut moved = Vec::new();
    for suffix in ["-wal", "-shm"] {
        let file = companion(database, suffix);
        if !file.exists() {
            continue;
        }
        let mut moved_to = companion(&file, &format!("{SET_ASIDE_MARK}{stamp}"));
        let mut n = 1;
        while moved_to.exists() {
            n += 1;
            moved_to = companion(&file, &format!("{SET_ASIDE_MARK}{stamp}-{n}"));
        }
        // An antivirus scanning the WAL holds it for a moment: waited for, not failed on.
        match desk_core::windows::held::retry_while_held(|| std::fs::rename(&file, &moved_to)) {
            Ok(()) => moved.push(SetAside {
                file,
                moved_to,
                reason: reason.to_string(),
            }),
            // Without its WAL the -shm is rebuilt at the next open: nothing is replayed from it.
            Err(e) if suffix == "-shm" => {
                log::warn!("{} could not be set aside: {e}", file.display())
            }
            Err(source) => return Err(StoreError::DataDirUnavailable { path: file, source }),
        }
    }
    Ok(moved)
}
