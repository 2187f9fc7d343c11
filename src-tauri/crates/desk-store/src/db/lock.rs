//! Who has the database open: a lock file that every open catalog holds.
//!
//! The app and the CLI (and the app's sync thread) may have the catalog open at once; SQLite's
//! WAL mode is made for that. A `catalog.db-wal` that exists because another process is running
//! holds that process's committed work, so nothing may ever rename or judge it. Before the
//! leftover-file check (`db::leftover`) touches a file, this module must show that no other
//! catalog is open on the folder.
//!
//! How: `catalog.lock` in the data folder. Every open takes a shared lock on it before its SQLite
//! connection exists and keeps it as long as the `Catalog` lives; the leftover check runs only
//! under an exclusive lock, which the system grants only when nobody holds the shared one. The
//! exclusive lock is given up before the shared one is taken, and the SQLite connection is opened
//! only after that, so no check ever runs while a connection of ours is open.
//!
//! Why a file of our own and not SQLite's own locks: SQLite holds a shared lock on the `-shm`
//! file's "DMS" byte while a connection is open, but on Unix those are POSIX record locks, which
//! belong to the process: opening and closing the `-shm` here to test them would silently drop
//! the locks of this process's own connections. `std::fs::File::lock` is `flock` on Unix (kept
//! apart from SQLite's record locks) and `LockFileEx` on Windows; both are released by the system
//! when a process ends, however it ends, so a crashed process never leaves the folder locked. The
//! file is never deleted (deleting a lock file races with a process about to lock it).

use crate::error::{Result, StoreError};
use std::fs::{File, TryLockError};
use std::path::Path;

pub const LOCK_FILE: &str = "catalog.lock";

/// Held while a catalog is open on the folder (dropping it releases the lock).
#[derive(Debug)]
pub struct OpenLock {
    _file: File,
}

/// The lock file, locked exclusively or not at all.
pub(crate) enum Access {
    /// No other catalog is open on the folder: leftover files may be judged and set aside.
    Alone(File),
    /// Another catalog is open (in this process or another): touch no file.
    Shared(OpenLock),
}

fn unavailable(dir: &Path, source: std::io::Error) -> StoreError {
    StoreError::DataDirUnavailable {
        path: dir.into(),
        source,
    }
}

fn open_lock_file(dir: &Path) -> Result<File> {
    std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(dir.join(LOCK_FILE))
        .map_err(|e| unavailable(dir, e))
}

/// Takes the lock exclusively when nobody holds it, else joins the others with a shared lock.
pub(crate) fn acquire(dir: &Path) -> Result<Access> {
    let file = open_lock_file(dir)?;
    match file.try_lock() {
        Ok(()) => Ok(Access::Alone(file)),
        Err(TryLockError::WouldBlock) => share(dir, file).map(Access::Shared),
        Err(TryLockError::Error(e)) => Err(unavailable(dir, e)),
    }
}

/// Gives up the exclusive lock and takes the shared one. Waits only while another process runs
/// its own short leftover check.
///
/// The exclusive lock is given up by closing its handle, not by unlocking it: closing releases
/// every lock of the handle on every system, while an unlock's answer for a range no longer
/// locked differs (Windows says "not locked", Wine "lock violation", and the standard library
/// takes only the first for success). A fresh handle then takes the shared lock.
pub(crate) fn downgrade(dir: &Path, file: File) -> Result<OpenLock> {
    drop(file);
    share(dir, open_lock_file(dir)?)
}

fn share(dir: &Path, file: File) -> Result<OpenLock> {
    file.lock_shared().map_err(|e| unavailable(dir, e))?;
    Ok(OpenLock { _file: file })
}

/// Holds the folder's lock as an open catalog would, for tests that play another process.
#[cfg(feature = "test-support")]
pub fn hold_for_test(dir: &Path) -> Result<OpenLock> {
    match acquire(dir)? {
        Access::Alone(file) => downgrade(dir, file),
        Access::Shared(lock) => Ok(lock),
    }
}
