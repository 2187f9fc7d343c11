//! How a database file is named to SQLite.
//!
//! On Windows, SQLite's default VFS ("win32") takes names of at most 1,040 UTF-8 bytes and hands
//! them to `CreateFileW` as they are, where a path past 260 characters (`MAX_PATH`) fails unless
//! the PC has long paths enabled. So on Windows SQLite gets the absolute path in its extended
//! form (`\\?\C:\…`, `\\?\UNC\server\share\…`) and the "win32-longpath" VFS, which takes names
//! up to 32,767 characters and passes them on unchanged. Elsewhere the path goes as it is.

use desk_core::windows::paths::extended_form;
use rusqlite::{Connection, OpenFlags};
use std::path::{Path, PathBuf};

/// The VFS SQLite opens our files with on Windows (see the module's comment).
#[cfg(windows)]
const WINDOWS_VFS: &str = "win32-longpath";

/// The longest name SQLite takes for a database, in UTF-8 bytes: the VFS's `mxPathname` less
/// the 8 it keeps for the `-journal` suffix (65,534 for win32-longpath, 512 for unix).
pub const MAX_NAME_BYTES: usize = if cfg!(windows) { 65_534 - 8 } else { 512 - 8 };

/// Opens the database file `path` with `flags`.
pub(crate) fn open(path: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    open_name(&sqlite_name(path), flags)
}

/// Opens `path` read-only as the file alone says, ignoring any WAL beside it (`immutable=1`).
pub(crate) fn open_immutable(path: &Path) -> rusqlite::Result<Connection> {
    open_name(
        Path::new(&immutable_uri(&sqlite_name(path))),
        OpenFlags::SQLITE_OPEN_READ_ONLY
            | OpenFlags::SQLITE_OPEN_URI
            | OpenFlags::SQLITE_OPEN_NO_MUTEX,
    )
}

/// Opens what SQLite is to get exactly as `name` says it.
fn open_name(name: &Path, flags: OpenFlags) -> rusqlite::Result<Connection> {
    #[cfg(windows)]
    {
        Connection::open_with_flags_and_vfs(name, flags, WINDOWS_VFS)
    }
    #[cfg(not(windows))]
    {
        Connection::open_with_flags(name, flags)
    }
}

/// The length of `path`'s name as SQLite measures it (absolute, in UTF-8 bytes), when that is
/// more than it takes.
pub fn name_too_long(path: &Path) -> Option<usize> {
    let name = sqlite_name(path);
    let absolute = std::path::absolute(&name).unwrap_or(name);
    let bytes = absolute.to_string_lossy().len();
    (bytes > MAX_NAME_BYTES).then_some(bytes)
}

/// The name SQLite gets for `path`: on Windows its absolute extended form, elsewhere `path`.
pub fn sqlite_name(path: &Path) -> PathBuf {
    if cfg!(windows) {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        match absolute.to_str() {
            Some(text) => PathBuf::from(extended_form(text)),
            // Not Unicode: SQLite cannot take it in any form, and says so.
            None => absolute,
        }
    } else {
        path.to_path_buf()
    }
}

/// `file:` URI of a name as [`sqlite_name`] gives it, with `immutable=1`, its bytes
/// percent-encoded where a URI needs it. An extended Windows name keeps its backslashes and its
/// `?` (encoded): SQLite decodes the URI's path to `/\\?\C:\…` and drops the leading slash.
fn immutable_uri(name: &Path) -> String {
    let text = name.to_string_lossy();
    let (mut uri, keep) = if text.starts_with(r"\\?\") {
        (String::from("file:///"), "-._~:")
    } else {
        (String::from("file:"), "-._~/:")
    };
    for byte in text.bytes() {
        if byte.is_ascii_alphanumeric() || keep.as_bytes().contains(&byte) {
            uri.push(byte as char);
        } else {
            uri.push_str(&format!("%{byte:02X}"));
        }
    }
    uri.push_str("?immutable=1");
    uri
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_encode_what_a_uri_cannot_hold() {
        assert_eq!(
            immutable_uri(Path::new("/data/my desk?/catalog.db")),
            "file:/data/my%20desk%3F/catalog.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new("data/目录/catalog.db")),
            "file:data/%E7%9B%AE%E5%BD%95/catalog.db?immutable=1"
        );
        // The extended Windows forms, drive and share.
        assert_eq!(
            immutable_uri(Path::new(r"\\?\C:\政务\catalog.db")),
            "file:///%5C%5C%3F%5CC:%5C%E6%94%BF%E5%8A%A1%5Ccatalog.db?immutable=1"
        );
        assert_eq!(
            immutable_uri(Path::new(r"\\?\UNC\server\share\catalog.db")),
            "file:///%5C%5C%3F%5CUNC%5Cserver%5Cshare%5Ccatalog.db?immutable=1"
        );
    }

    #[test]
    fn windows_paths_take_their_extended_form() {
        for (path, extended) in [
            (r"C:\政务公开\catalog.db", r"\\?\C:\政务公开\catalog.db"),
            (r"Z:/share/catalog.db", r"\\?\Z:\share\catalog.db"),
            (r"\\server\share\desk", r"\\?\UNC\server\share\desk"),
            (r"\\?\C:\desk", r"\\?\C:\desk"),
            (r"\\?\UNC\server\share", r"\\?\UNC\server\share"),
            (r"\\.\pipe\x", r"\\.\pipe\x"),
            (r"relative\desk", r"relative\desk"),
            ("C:", "C:"),
        ] {
            assert_eq!(extended_form(path), extended, "{path}");
        }
    }

    #[test]
    fn a_name_past_the_limit_is_told() {
        assert_eq!(name_too_long(Path::new("catalog.db")), None);
        let long = format!("{}/catalog.db", "目".repeat(MAX_NAME_BYTES / 3 + 1));
        assert!(name_too_long(Path::new(&long)).is_some());
    }
}
