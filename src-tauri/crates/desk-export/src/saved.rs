//! Files the office saves (workbooks, paper forms): refused when one is there unless it is to be
//! replaced, written under a temporary name beside it, then renamed, so a reader never sees half
//! a file.

use crate::error::{ExportError, Result};
use std::path::{Path, PathBuf};

pub(crate) fn refuse_existing(out: &Path, overwrite: bool) -> Result<()> {
    if !overwrite && out.exists() {
        return Err(ExportError::FileExists {
            path: out.to_path_buf(),
        });
    }
    Ok(())
}

/// The temporary name beside `out` a file is written under before it is renamed.
pub(crate) fn partial_beside(out: &Path) -> Result<PathBuf> {
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        ExportError::InvalidArgument(format!("{} is not a file name", out.display()))
    })?;
    Ok(out.with_file_name(format!(".{name}.{}.partial", uuid::Uuid::new_v4().simple())))
}

/// Writes `bytes` to `out` through a temporary name beside it.
pub(crate) fn save_bytes(bytes: &[u8], out: &Path) -> Result<()> {
    let partial = partial_beside(out)?;
    let written = std::fs::write(&partial, bytes).and_then(|()| std::fs::rename(&partial, out));
    written.map_err(|source| {
        let _ = std::fs::remove_file(&partial);
        ExportError::Write {
            path: out.to_path_buf(),
            source,
        }
    })
}
