//! All file access of sync goes through [`SyncFolder`], so a simulator can stand in for the share
//! and inject faults (files seen late, renames that fail, a full disk) deterministically.
//!
//! The operations are the few a shared folder does reliably: list a folder, read a file, create a
//! file that must be new, replace one of this PC's own small files, remove one of this PC's own
//! files. There is no locking and no appending: every file a PC writes is complete when it gets
//! its name (written under a temporary name, flushed, then renamed), so a reader sees either
//! nothing or the whole file, and checks it anyway (SMB clients cache, copies tear).
//!
//! Paths are relative to `<shared>/disclosure-desk/`, with `/` between parts; every part is
//! checked to be a plain name Windows accepts, so nothing read from the folder can point outside
//! it.

use std::fs;
use std::io::{self, Write};
use std::path::{Path, PathBuf};

pub trait SyncFolder {
    /// The names in a folder (files and folders); an absent folder lists as empty.
    fn list(&self, dir: &str) -> io::Result<Vec<String>>;
    fn read(&self, path: &str) -> io::Result<Vec<u8>>;
    /// Writes a new file: under a temporary name, flushed, renamed without overwriting. Fails
    /// with `AlreadyExists` when the name is taken.
    fn create_new(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Replaces one of this PC's own small files (its device card, its acknowledgements).
    fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()>;
    /// Removes one of this PC's own files (compaction).
    fn remove(&self, path: &str) -> io::Result<()>;
}

/// A file written under its temporary name that could not be given its final one (another
/// program holds it, or the share refuses renames). Carried inside the `io::Error` (same kind) so
/// the person is told that, and not that the share is unreachable.
#[derive(Debug)]
pub struct RenameFailed {
    pub name: String,
    pub source: io::Error,
}

impl std::fmt::Display for RenameFailed {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "renaming the new file {} failed: {}",
            self.name, self.source
        )
    }
}

impl std::error::Error for RenameFailed {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        Some(&self.source)
    }
}

/// The error for a failed rename of `path` (kept as it is when the name was taken: that is an
/// answer, not a fault).
pub fn rename_failed(path: &str, source: io::Error) -> io::Error {
    if source.kind() == io::ErrorKind::AlreadyExists {
        return source;
    }
    io::Error::new(
        source.kind(),
        RenameFailed {
            name: path.to_string(),
            source,
        },
    )
}

/// Whether a name is one sync may write or follow: ASCII letters, digits, `-`, `_` and `.`, not
/// starting with a dot, at most 100 characters (no character Windows forbids, no case games).
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

/// Checks a relative path and splits it into its names.
pub fn parts(path: &str) -> io::Result<Vec<&str>> {
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.iter().all(|p| is_plain_name(p)) {
        Ok(parts)
    } else {
        Err(io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("{path} is not a path sync writes"),
        ))
    }
}

/// The shared folder on a disk, a mapped drive or a UNC path (`\\server\share\…`).
pub struct FsFolder {
    root: PathBuf,
}

/// The name of the folder sync keeps inside the chosen one.
pub const APP_FOLDER: &str = "disclosure-desk";

impl FsFolder {
    /// Opens `<chosen>/disclosure-desk`. The chosen folder must exist (a share that is not
    /// mounted must not be mistaken for an empty one); the app folder is made on first use.
    pub fn open(chosen: &Path) -> io::Result<FsFolder> {
        let chosen = long_path(chosen);
        let meta = fs::metadata(&chosen)?;
        if !meta.is_dir() {
            return Err(io::Error::new(
                io::ErrorKind::NotADirectory,
                "the shared folder is a file, not a folder",
            ));
        }
        Ok(FsFolder {
            root: chosen.join(APP_FOLDER),
        })
    }

    fn full(&self, path: &str) -> io::Result<PathBuf> {
        let mut full = self.root.clone();
        for part in parts(path)? {
            full.push(part);
        }
        Ok(full)
    }

    fn write_temp(&self, target: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
        let dir = target
            .parent()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent folder"))?;
        fs::create_dir_all(dir)?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file");
        let temp = dir.join(format!("{name}.{}.tmp", std::process::id()));
        let mut file = fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&temp)?;
        let written = file.write_all(bytes).and_then(|_| file.sync_all());
        if let Err(e) = written {
            drop(file);
            let _ = fs::remove_file(&temp);
            return Err(e);
        }
        Ok(temp)
    }
}

impl SyncFolder for FsFolder {
    fn list(&self, dir: &str) -> io::Result<Vec<String>> {
        let full = self.full(dir)?;
        let entries = match fs::read_dir(&full) {
            Ok(entries) => entries,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        let mut names = Vec::new();
        for entry in entries {
            if let Some(name) = entry?.file_name().to_str() {
                names.push(name.to_string());
            }
        }
        names.sort();
        Ok(names)
    }

    fn read(&self, path: &str) -> io::Result<Vec<u8>> {
        fs::read(self.full(path)?)
    }

    fn create_new(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.full(path)?;
        if target.exists() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "name taken"));
        }
        let temp = self.write_temp(&target, bytes)?;
        // A hard link fails when the name exists: a rename that cannot overwrite. Shares without
        // hard links fall back to a checked rename (only this PC writes in its own folders).
        let placed = match fs::hard_link(&temp, &target) {
            Ok(()) => fs::remove_file(&temp),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            Err(_) => {
                if target.exists() {
                    Err(io::Error::new(io::ErrorKind::AlreadyExists, "name taken"))
                } else {
                    fs::rename(&temp, &target)
                }
            }
        };
        if placed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        placed.map_err(|e| rename_failed(path, e))
    }

    fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.full(path)?;
        let temp = self.write_temp(&target, bytes)?;
        let placed = fs::rename(&temp, &target);
        if placed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        placed.map_err(|e| rename_failed(path, e))
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        match fs::remove_file(self.full(path)?) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// On Windows, an absolute path in the extended form (`\\?\C:\…`, `\\?\UNC\server\share\…`) so
/// that paths past 260 characters work; elsewhere the path unchanged.
pub fn long_path(path: &Path) -> PathBuf {
    if cfg!(windows) {
        PathBuf::from(extended_windows_path(&path.to_string_lossy()))
    } else {
        path.to_path_buf()
    }
}

/// The extended form of a Windows path, as text (testable on any system).
pub fn extended_windows_path(path: &str) -> String {
    let path = path.replace('/', "\\");
    if path.starts_with("\\\\?\\") || path.starts_with("\\\\.\\") {
        path
    } else if let Some(unc) = path.strip_prefix("\\\\") {
        format!("\\\\?\\UNC\\{unc}")
    } else if path.len() >= 3 && path.as_bytes()[1] == b':' && path.as_bytes()[2] == b'\\' {
        format!("\\\\?\\{path}")
    } else {
        path
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names() {
        let check = |name: &str, ok: bool| assert_eq!(is_plain_name(name), ok, "{name}");
        check("000000000001.seg", true);
        check("a1b2c3d4e5f6", true);
        check("format.json", true);
        check("", false);
        check("..", false);
        check(".hidden", false);
        check("a:b", false);
        check("a\\b", false);
        check("con?", false);
        check("x (conflicted copy).seg", false);
        check("中文", false);
    }

    #[test]
    fn windows_paths() {
        let check = |from: &str, to: &str| assert_eq!(extended_windows_path(from), to, "{from}");
        check("\\\\server\\share\\公开", "\\\\?\\UNC\\server\\share\\公开");
        check("Z:\\共享\\desk", "\\\\?\\Z:\\共享\\desk");
        check("Z:/shared/desk", "\\\\?\\Z:\\shared\\desk");
        check("\\\\?\\C:\\x", "\\\\?\\C:\\x");
        check("relative\\x", "relative\\x");
    }

    #[test]
    fn paths_outside_are_refused() {
        assert!(parts("a/../b").is_err());
        assert!(parts("a/b.seg").is_ok());
        assert!(parts("/etc/passwd").is_ok_and(|p| p == vec!["etc", "passwd"]));
    }
}
