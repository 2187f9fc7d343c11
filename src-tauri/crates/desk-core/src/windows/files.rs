//! Saving a file the person named, the same on every platform: its name judged by the Windows
//! rules before anything is written, a read-only file never replaced, and the finished file
//! renamed into place (replacing the old one only when asked) with a file another program holds
//! waited for a moment and then named in the error. The old file stays whole whenever the save
//! fails.

use super::{held, names};
use std::io;
use std::path::{Path, PathBuf};

/// Why a file could not be saved under the name given; each with a stable code.
#[derive(Debug, thiserror::Error)]
pub enum FileError {
    #[error(
        "\"{name}\" cannot be a file name: {problem}; choose another name (nothing was written)"
    )]
    NameNotAllowed {
        name: String,
        problem: names::NameProblem,
    },
    #[error("{path} is open in another program: close it there (or wait until the antivirus or the preview lets go of it) and try again; the file there was left as it was")]
    InUse { path: PathBuf },
    #[error("{path} is read-only: clear its read-only mark (Properties) or choose another name; it was left as it was")]
    ReadOnly { path: PathBuf },
    #[error("{twin} is there, and on Windows it is the same file as \"{name}\" (names that differ only in case are one file): choose another name, or give its own name to replace it")]
    CaseTwin { name: String, twin: PathBuf },
}

impl FileError {
    pub fn code(&self) -> &'static str {
        match self {
            FileError::NameNotAllowed { .. } => "file_name_not_allowed",
            FileError::InUse { .. } => "file_in_use",
            FileError::ReadOnly { .. } => "file_read_only",
            FileError::CaseTwin { .. } => "file_exists",
        }
    }
}

/// Refuses a file name Windows would refuse or change (`CON.xlsx`, `a:b`, `报告.`); only the
/// last component is judged, the folders above it exist already.
pub fn check_name(path: &Path) -> Result<(), FileError> {
    let Some(name) = path.file_name() else {
        return Ok(());
    };
    let name = name.to_string_lossy();
    match names::problem(&name) {
        Some(problem) => Err(FileError::NameNotAllowed {
            name: name.to_string(),
            problem,
        }),
        None => Ok(()),
    }
}

/// Refuses a name that differs only in case from a file already in its folder: on Windows (and on
/// a share Windows PCs use) the two are one file, so one would replace the other.
pub fn check_case_twin(path: &Path) -> Result<(), FileError> {
    let (Some(name), Some(folder)) = (path.file_name(), path.parent()) else {
        return Ok(());
    };
    let name = name.to_string_lossy();
    let folder = if folder.as_os_str().is_empty() {
        Path::new(".")
    } else {
        folder
    };
    let Ok(entries) = std::fs::read_dir(folder) else {
        return Ok(());
    };
    for entry in entries.flatten() {
        let other = entry.file_name();
        let other = other.to_string_lossy();
        if other != name && names::same_on_windows(&other, &name) {
            return Err(FileError::CaseTwin {
                name: name.to_string(),
                twin: entry.path(),
            });
        }
    }
    Ok(())
}

/// Refuses to replace a read-only file: someone marked it so on purpose, and Windows would
/// refuse the rename anyway.
pub fn check_replaceable(path: &Path) -> Result<(), FileError> {
    match std::fs::metadata(path) {
        Ok(meta) if meta.is_file() && meta.permissions().readonly() => Err(FileError::ReadOnly {
            path: path.to_path_buf(),
        }),
        _ => Ok(()),
    }
}

/// Renames the finished `temp` to `target`, replacing a file there; a hold by another program
/// is waited for (about two seconds) and then reported as [`FileError::InUse`]. `temp` is left
/// for the caller to remove when this fails.
pub fn rename_into_place(temp: &Path, target: &Path) -> Result<io::Result<()>, FileError> {
    match held::retry_while_held(|| std::fs::rename(temp, target)) {
        Err(e) if held::is_held(&e) && target_is_held(target, &e) => Err(FileError::InUse {
            path: target.to_path_buf(),
        }),
        other => Ok(other),
    }
}

/// Writes `bytes` to `path` whole, replacing a file there: the name and a read-only file there
/// refused first, then a temporary file beside it renamed into place.
pub fn write_whole(path: &Path, bytes: &[u8]) -> Result<io::Result<()>, FileError> {
    check_name(path)?;
    check_case_twin(path)?;
    check_replaceable(path)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let temp = path.with_file_name(format!(".{name}.{}.partial", std::process::id()));
    if let Err(e) = std::fs::write(&temp, bytes) {
        let _ = std::fs::remove_file(&temp);
        return Ok(Err(e));
    }
    let placed = rename_into_place(&temp, path);
    if !matches!(placed, Ok(Ok(()))) {
        let _ = std::fs::remove_file(&temp);
    }
    placed
}

/// Removes `path` (gone already counts as removed), waiting for a hold as a rename does.
pub fn remove_waiting(path: &Path) -> Result<io::Result<()>, FileError> {
    match held::retry_while_held(|| std::fs::remove_file(path)) {
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(Ok(())),
        Err(e) if held::is_held(&e) => Err(FileError::InUse {
            path: path.to_path_buf(),
        }),
        other => Ok(other),
    }
}

/// Whether a rename that failed as held failed because of the file at `target`: a sharing or
/// lock violation always is; access denied is, when there is a file there that is not marked
/// read-only (otherwise it is a missing permission, reported as it is).
fn target_is_held(target: &Path, error: &io::Error) -> bool {
    held::is_sharing_violation(error)
        || std::fs::metadata(target).is_ok_and(|m| m.is_file() && !m.permissions().readonly())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_checked_by_their_last_part() {
        let codes = [
            ("/home/王芳/导出/2025年台账.xlsx", None),
            ("/home/王芳/CON.xlsx", Some("file_name_not_allowed")),
            ("aux", Some("file_name_not_allowed")),
            ("导出/报告.", Some("file_name_not_allowed")),
            ("导出/a:b.pdf", Some("file_name_not_allowed")),
        ];
        for (path, code) in codes {
            let found = check_name(Path::new(path)).err();
            assert_eq!(found.as_ref().map(FileError::code), code, "{path}");
            if let Some(error) = found {
                assert!(error.to_string().contains("choose another name"), "{error}");
            }
        }
    }

    #[test]
    fn a_read_only_file_is_not_replaced() {
        let dir = std::env::temp_dir().join(format!("desk-core-files-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("台账.xlsx");
        std::fs::write(&file, b"old").unwrap();
        assert!(check_replaceable(&file).is_ok());
        let mut permissions = std::fs::metadata(&file).unwrap().permissions();
        permissions.set_readonly(true);
        std::fs::set_permissions(&file, permissions).unwrap();
        let error = check_replaceable(&file).unwrap_err();
        assert_eq!(error.code(), "file_read_only");
        assert!(check_replaceable(&dir.join("missing.xlsx")).is_ok());
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn a_name_in_another_case_is_the_same_file() {
        let dir = std::env::temp_dir().join(format!("desk-core-twins-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("Report.pdf"), b"first").unwrap();
        assert!(check_case_twin(&dir.join("Report.pdf")).is_ok());
        assert!(check_case_twin(&dir.join("报告.pdf")).is_ok());
        let error = check_case_twin(&dir.join("REPORT.PDF")).unwrap_err();
        assert_eq!(error.code(), "file_exists");
        assert!(error.to_string().contains("Report.pdf"), "{error}");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
