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
//! it. Anyone can put anything in a share, so below the app folder nothing is followed: a link
//! (or a Windows reparse point) is never entered, only real folders are listed, only regular files
//! are opened, and never more than the caller's limit is read. What is refused comes back as an
//! `InvalidData` error carrying a [`Refused`], which the round takes as a foreign file, never as a
//! fault of the share.

use desk_core::windows::held::retry_while_held;
use desk_core::windows::paths::extended_form;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

pub trait SyncFolder {
    /// The names in a folder (files and folders); an absent folder lists as empty. Something
    /// that is not a real folder (a file, a link) is refused (see [`refusal`]).
    fn list(&self, dir: &str) -> io::Result<Vec<String>>;
    /// A regular file's bytes, at most `limit` of them: anything larger, and anything that is not
    /// a regular file (a folder, a link, a pipe, a device) or cannot be opened, is refused (see
    /// [`refusal`]) without reading more than `limit + 1` bytes.
    fn read(&self, path: &str, limit: u64) -> io::Result<Vec<u8>>;
    /// A regular file to read as a stream (a snapshot, too large to hold whole), with the same
    /// checks as [`SyncFolder::read`]; reading past `limit` bytes fails with the refusal, so a
    /// file that grows while it is read is still bounded.
    fn open(&self, path: &str, limit: u64) -> io::Result<Box<dyn Read>>;
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

/// Why something in the folder was not read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refusal {
    /// A regular file larger than sync reads for its kind.
    TooLarge { size: u64, limit: u64 },
    /// Not a regular file: a folder, a link, a pipe, a device.
    NotAFile,
    /// Not a real folder where one is needed: a file, a link.
    NotAFolder,
    /// A regular file this PC may not open.
    Unreadable,
}

/// The payload of an error for something refused, with its path (relative to the app folder).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Refused {
    pub path: String,
    pub refusal: Refusal,
}

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let path = &self.path;
        match self.refusal {
            Refusal::TooLarge { size, limit } => write!(
                f,
                "{path} is {size} bytes, more than the {limit} sync reads for such a file"
            ),
            Refusal::NotAFile => write!(
                f,
                "{path} is not a regular file (a folder, a link, a pipe or a device)"
            ),
            Refusal::NotAFolder => write!(f, "{path} is not a folder (a file or a link)"),
            Refusal::Unreadable => write!(f, "{path} cannot be opened by this PC"),
        }
    }
}

impl std::error::Error for Refused {}

/// The error for something refused.
pub fn refused(path: &str, refusal: Refusal) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        Refused {
            path: path.to_string(),
            refusal,
        },
    )
}

/// What was refused, when `error` is a refusal (and not a fault of the share).
pub fn refusal(error: &io::Error) -> Option<&Refused> {
    error.get_ref().and_then(|e| e.downcast_ref::<Refused>())
}

/// `bytes` when they are within `limit`, else the refusal (the simulated share, and any folder
/// that holds its files in memory, answers as the disk does).
pub fn within_limit(path: &str, bytes: Vec<u8>, limit: u64) -> io::Result<Vec<u8>> {
    let size = bytes.len() as u64;
    if size > limit {
        return Err(refused(path, Refusal::TooLarge { size, limit }));
    }
    Ok(bytes)
}

/// A stream that refuses to give more than `limit` bytes: past them it fails with the refusal
/// [`SyncFolder::read`] gives for a file too large.
pub struct Bounded<R> {
    path: String,
    inner: R,
    read: u64,
    limit: u64,
}

impl<R: Read> Bounded<R> {
    pub fn new(path: &str, inner: R, limit: u64) -> Bounded<R> {
        Bounded {
            path: path.to_string(),
            inner,
            read: 0,
            limit,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        // One byte past the limit is asked for, to tell "exactly the limit" from "more".
        let room = self.limit.saturating_add(1).saturating_sub(self.read);
        let want = buf.len().min(usize::try_from(room).unwrap_or(usize::MAX));
        let n = self.inner.read(&mut buf[..want])?;
        self.read += n as u64;
        if self.read > self.limit {
            return Err(refused(
                &self.path,
                Refusal::TooLarge {
                    size: self.read,
                    limit: self.limit,
                },
            ));
        }
        Ok(n)
    }
}

/// Whether a name is one sync may write or follow: ASCII letters, digits, `-`, `_` and `.`, not
/// starting with a dot, at most 100 characters, and a name every Windows PC of the office can
/// open (no character Windows forbids, no device name like `CON` or `aux.seg`, no trailing dot).
pub fn is_plain_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 100
        && !name.starts_with('.')
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
        && desk_core::windows::names::problem(name).is_none()
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

    /// The full path of `path`, once every folder on the way below the app folder is checked to
    /// be a real one: `NotFound` when one is missing, refused when one is a file or a link.
    fn inside(&self, path: &str) -> io::Result<PathBuf> {
        let parts = parts(path)?;
        let mut full = self.root.clone();
        let Some((last, folders)) = parts.split_last() else {
            return Ok(full);
        };
        for (depth, part) in folders.iter().enumerate() {
            full.push(part);
            if !is_real_folder(&fs::symlink_metadata(&full)?) {
                return Err(refused(&parts[..=depth].join("/"), Refusal::NotAFolder));
            }
        }
        full.push(last);
        Ok(full)
    }

    /// `inside`, making the missing folders on the way (never through a link).
    fn make_folders(&self, path: &str) -> io::Result<PathBuf> {
        let parts = parts(path)?;
        fs::create_dir_all(&self.root)?;
        let mut full = self.root.clone();
        let Some((last, folders)) = parts.split_last() else {
            return Ok(full);
        };
        for (depth, part) in folders.iter().enumerate() {
            full.push(part);
            let meta = match fs::symlink_metadata(&full) {
                Err(e) if e.kind() == io::ErrorKind::NotFound => match fs::create_dir(&full) {
                    Err(e) if e.kind() != io::ErrorKind::AlreadyExists => return Err(e),
                    _ => fs::symlink_metadata(&full)?,
                },
                other => other?,
            };
            if !is_real_folder(&meta) {
                return Err(refused(&parts[..=depth].join("/"), Refusal::NotAFolder));
            }
        }
        full.push(last);
        Ok(full)
    }

    fn write_temp(&self, target: &Path, bytes: &[u8]) -> io::Result<PathBuf> {
        let dir = target
            .parent()
            .ok_or_else(|| io::Error::new(io::ErrorKind::InvalidInput, "no parent folder"))?;
        let name = target
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("file");
        let temp = dir.join(format!("{name}.{}.tmp", std::process::id()));
        // A leftover of this process id (a crash) goes first: the new file must be new, so that
        // nothing already at that name (a link) is written through.
        let _ = fs::remove_file(&temp);
        let mut file = open_options_no_follow()
            .write(true)
            .create_new(true)
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

/// A folder, not a link to one (nor, on Windows, any reparse point: a junction, a mount point).
fn is_real_folder(meta: &fs::Metadata) -> bool {
    meta.is_dir() && !is_link(meta)
}

/// A regular file, not a link to one.
fn is_regular_file(meta: &fs::Metadata) -> bool {
    meta.is_file() && !is_link(meta)
}

#[cfg(windows)]
fn is_link(meta: &fs::Metadata) -> bool {
    use std::os::windows::fs::MetadataExt;
    const FILE_ATTRIBUTE_REPARSE_POINT: u32 = 0x400;
    meta.file_type().is_symlink() || meta.file_attributes() & FILE_ATTRIBUTE_REPARSE_POINT != 0
}

#[cfg(not(windows))]
fn is_link(meta: &fs::Metadata) -> bool {
    meta.file_type().is_symlink()
}

/// Options that open the name itself, never what a link there points to. On Unix the open
/// also does not wait (a pipe would block a plain open until a writer comes).
#[cfg(unix)]
fn open_options_no_follow() -> fs::OpenOptions {
    use std::os::unix::fs::OpenOptionsExt;
    let mut options = fs::OpenOptions::new();
    options.custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK);
    options
}

#[cfg(windows)]
fn open_options_no_follow() -> fs::OpenOptions {
    use std::os::windows::fs::OpenOptionsExt;
    const FILE_FLAG_OPEN_REPARSE_POINT: u32 = 0x0020_0000;
    let mut options = fs::OpenOptions::new();
    options.custom_flags(FILE_FLAG_OPEN_REPARSE_POINT);
    options
}

#[cfg(not(any(unix, windows)))]
fn open_options_no_follow() -> fs::OpenOptions {
    fs::OpenOptions::new()
}

/// Whether an open failed because the name is a link (`O_NOFOLLOW` says so with `ELOOP`, or
/// `EMLINK` on some BSDs).
#[cfg(unix)]
fn is_link_error(error: &io::Error) -> bool {
    matches!(error.raw_os_error(), Some(libc::ELOOP | libc::EMLINK))
}

#[cfg(not(unix))]
fn is_link_error(_: &io::Error) -> bool {
    false
}

/// Checks what `meta` says of the file at `path` against what a read takes.
fn check_readable(path: &str, meta: &fs::Metadata, limit: u64) -> io::Result<()> {
    if !is_regular_file(meta) {
        return Err(refused(path, Refusal::NotAFile));
    }
    if meta.len() > limit {
        return Err(refused(
            path,
            Refusal::TooLarge {
                size: meta.len(),
                limit,
            },
        ));
    }
    Ok(())
}

impl SyncFolder for FsFolder {
    fn list(&self, dir: &str) -> io::Result<Vec<String>> {
        let full = match self.inside(dir) {
            Ok(full) => full,
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        if !parts(dir)?.is_empty() {
            match fs::symlink_metadata(&full) {
                Ok(meta) if is_real_folder(&meta) => {}
                Ok(_) => return Err(refused(dir, Refusal::NotAFolder)),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Vec::new()),
                Err(e) => return Err(e),
            }
        }
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

    fn read(&self, path: &str, limit: u64) -> io::Result<Vec<u8>> {
        let full = self.inside(path)?;
        // The name first, without opening it: a device or a pipe is never opened at all.
        check_readable(path, &fs::symlink_metadata(&full)?, limit)?;
        let file = match open_options_no_follow().read(true).open(&full) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                return Err(refused(path, Refusal::Unreadable))
            }
            Err(e) if is_link_error(&e) => return Err(refused(path, Refusal::NotAFile)),
            Err(e) => return Err(e),
        };
        // Then what was opened: the name may have changed in between.
        let meta = file.metadata()?;
        check_readable(path, &meta, limit)?;
        let mut bytes = Vec::with_capacity(usize::try_from(meta.len()).unwrap_or(0));
        file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
        within_limit(path, bytes, limit)
    }

    fn open(&self, path: &str, limit: u64) -> io::Result<Box<dyn Read>> {
        let full = self.inside(path)?;
        check_readable(path, &fs::symlink_metadata(&full)?, limit)?;
        let file = match open_options_no_follow().read(true).open(&full) {
            Ok(file) => file,
            Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
                return Err(refused(path, Refusal::Unreadable))
            }
            Err(e) if is_link_error(&e) => return Err(refused(path, Refusal::NotAFile)),
            Err(e) => return Err(e),
        };
        check_readable(path, &file.metadata()?, limit)?;
        Ok(Box::new(Bounded::new(
            path,
            io::BufReader::with_capacity(256 * 1024, file),
            limit,
        )))
    }

    fn create_new(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.make_folders(path)?;
        if fs::symlink_metadata(&target).is_ok() {
            return Err(io::Error::new(io::ErrorKind::AlreadyExists, "name taken"));
        }
        let temp = self.write_temp(&target, bytes)?;
        // A hard link fails when the name exists: a rename that cannot overwrite. Shares without
        // hard links fall back to a checked rename (only this PC writes in its own folders).
        let placed = match fs::hard_link(&temp, &target) {
            Ok(()) => retry_while_held(|| fs::remove_file(&temp)),
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists => Err(e),
            Err(_) => {
                if fs::symlink_metadata(&target).is_ok() {
                    Err(io::Error::new(io::ErrorKind::AlreadyExists, "name taken"))
                } else {
                    retry_while_held(|| fs::rename(&temp, &target))
                }
            }
        };
        if placed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        placed.map_err(|e| rename_failed(path, e))
    }

    fn replace(&self, path: &str, bytes: &[u8]) -> io::Result<()> {
        let target = self.make_folders(path)?;
        // A rename replaces a file or a link there (the name is this PC's), never a folder.
        if fs::symlink_metadata(&target).is_ok_and(|meta| meta.is_dir()) {
            return Err(refused(path, Refusal::NotAFile));
        }
        let temp = self.write_temp(&target, bytes)?;
        // Another PC reading the old file, or an antivirus scanning it, holds it a moment.
        let placed = retry_while_held(|| fs::rename(&temp, &target));
        if placed.is_err() {
            let _ = fs::remove_file(&temp);
        }
        placed.map_err(|e| rename_failed(path, e))
    }

    fn remove(&self, path: &str) -> io::Result<()> {
        let target = match self.inside(path) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
            other => other?,
        };
        match retry_while_held(|| fs::remove_file(&target)) {
            Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(()),
            other => other,
        }
    }
}

/// On Windows, an absolute path in the extended form (`\\?\C:\…`, `\\?\UNC\server\share\…`) so
/// that paths past 260 characters work; elsewhere the path unchanged.
pub fn long_path(path: &Path) -> PathBuf {
    if cfg!(windows) {
        PathBuf::from(extended_form(&path.to_string_lossy()))
    } else {
        path.to_path_buf()
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
        check("CON", false);
        check("aux.seg", false);
        check("lpt1", false);
        check("segment.", false);
    }

    #[test]
    fn windows_paths() {
        let check = |from: &str, to: &str| assert_eq!(extended_form(from), to, "{from}");
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
