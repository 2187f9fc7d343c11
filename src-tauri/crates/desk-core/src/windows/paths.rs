//! The extended (`\\?\`) form of a Windows path, which takes paths past 260 characters: SQLite is
//! given the database's path in it, and sync the shared folder's.

/// The extended form of an absolute Windows path, as text (testable on any system), with `/`
/// read as `\` (an extended path takes no `/`): a drive path `C:\x` as `\\?\C:\x`, a share
/// `\\server\share\x` as `\\?\UNC\server\share\x`; a path already extended, a device path or a
/// relative path unchanged.
pub fn extended_form(path: &str) -> String {
    let path = path.replace('/', r"\");
    let bytes = path.as_bytes();
    if path.starts_with(r"\\?\") || path.starts_with(r"\\.\") {
        path
    } else if let Some(share) = path.strip_prefix(r"\\") {
        format!(r"\\?\UNC\{share}")
    } else if bytes.first().is_some_and(u8::is_ascii_alphabetic)
        && bytes.get(1) == Some(&b':')
        && bytes.get(2) == Some(&b'\\')
    {
        format!(r"\\?\{path}")
    } else {
        path
    }
}
