//! Numbered schema migrations, embedded in the binary.
//!
//! `PRAGMA user_version` holds the number of migrations applied. A migration is never edited
//! once released: a change of schema is a new entry at the end. Each runs in the same
//! transaction as the version bump, so a crash leaves the database at the old version, whole.
//! A database whose version is above the last entry was written by a newer app and is refused
//! before anything is written (see `db::open`).

use crate::error::Result;
use rusqlite::Transaction;

pub struct Migration {
    pub sql: &'static str,
    /// Work that SQL cannot express (filling a new index from existing rows).
    pub after: Option<fn(&Transaction) -> Result<()>>,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_catalog.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("migrations/0002_search.sql"),
        after: Some(crate::search::reindex_all),
    },
    Migration {
        sql: include_str!("migrations/0003_review.sql"),
        after: Some(crate::review::install_default_templates),
    },
    Migration {
        sql: include_str!("migrations/0004_list_indexes.sql"),
        after: None,
    },
    Migration {
        sql: include_str!("migrations/0005_sync.sql"),
        after: Some(crate::sync_apply::build_heads),
    },
    Migration {
        sql: include_str!("migrations/0006_export.sql"),
        after: None,
    },
];

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration above `from`, each in its own transaction.
pub fn migrate(conn: &mut rusqlite::Connection, from: i64) -> Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        if let Some(after) = migration.after {
            after(&tx)?;
        }
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        log::info!("database migrated to schema {version}");
    }
    Ok(())
}
