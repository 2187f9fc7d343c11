//! Numbered schema migrations, embedded in the binary.
//!
//! `PRAGMA user_version` holds the number of migrations applied. A migration is never edited
//! once released: a change of schema is a new entry at the end. Each runs in the same
//! transaction as the version bump, so a crash leaves the database at the old version, whole.
//! A database whose version is above the last entry was written by a newer app and is refused
//! before anything is written (see `db::open`).

use crate::error::Result;

/// One schema step: plain SQL, frozen once released. Work that SQL cannot express is never done
/// by calling today's code from here (that would let an old migration change meaning later):
/// data a migration installs is written out in its SQL, and tables derived from others (the
/// search index, the sync heads) are only marked for a rebuild, which `Catalog::open` does with
/// the current rules (see `DERIVED`).
pub struct Migration {
    pub sql: &'static str,
}

pub const MIGRATIONS: &[Migration] = &[
    Migration {
        sql: include_str!("migrations/0001_catalog.sql"),
    },
    Migration {
        sql: include_str!("migrations/0002_search.sql"),
    },
    Migration {
        sql: include_str!("migrations/0003_review.sql"),
    },
    Migration {
        sql: include_str!("migrations/0004_list_indexes.sql"),
    },
    Migration {
        sql: include_str!("migrations/0005_sync.sql"),
    },
    Migration {
        sql: include_str!("migrations/0006_export.sql"),
    },
    Migration {
        sql: include_str!("migrations/0007_segment_headers.sql"),
    },
    Migration {
        sql: include_str!("migrations/0008_kept_aside.sql"),
    },
    Migration {
        sql: include_str!("migrations/0009_trust.sql"),
    },
    Migration {
        sql: include_str!("migrations/0010_device_keys.sql"),
    },
    Migration {
        sql: include_str!("migrations/0011_moved_ops.sql"),
    },
    Migration {
        sql: include_str!("migrations/0012_redaction_checks.sql"),
    },
];

/// The `meta` keys a migration sets when a derived table must be built again from its sources.
pub mod derived {
    /// The search index, from the items and their keywords.
    pub const SEARCH: &str = "rebuild:search";
    /// The heads of every register and set element (and the operations' bases), from the log.
    pub const HEADS: &str = "rebuild:heads";
}

pub const LATEST_VERSION: i64 = MIGRATIONS.len() as i64;

/// Applies every migration above `from`, each in its own transaction.
pub fn migrate(conn: &mut rusqlite::Connection, from: i64) -> Result<()> {
    for (index, migration) in MIGRATIONS.iter().enumerate().skip(from.max(0) as usize) {
        let version = index as i64 + 1;
        let tx = conn.transaction()?;
        tx.execute_batch(migration.sql)?;
        tx.pragma_update(None, "user_version", version)?;
        tx.commit()?;
        log::info!("database migrated to schema {version}");
    }
    Ok(())
}
