//! Files the office saves (bundles, workbooks, paper forms): the name judged by the Windows rules
//! and refused when one is there unless it is to be replaced (never a read-only one), written
//! under a temporary name beside it, then renamed, so a reader never sees half a file. A target
//! another program holds is waited for, then named in the error; the old file stays whole.

use crate::error::{ExportError, Result};
use desk_core::windows::files;
use std::path::{Path, PathBuf};

/// Everything checked before a byte is written: the name, and a file already there.
pub(crate) fn refuse_existing(out: &Path, overwrite: bool) -> Result<()> {
    files::check_name(out)?;
    files::check_case_twin(out)?;
    if !out.exists() {
        return Ok(());
    }
    if !overwrite {
        return Err(ExportError::FileExists {
            path: out.to_path_buf(),
        });
    }
    files::check_replaceable(out)?;
    Ok(())
}

/// The temporary name beside `out` a file is written under before it is renamed.
pub(crate) fn partial_beside(out: &Path) -> Result<PathBuf> {
    let name = out.file_name().and_then(|n| n.to_str()).ok_or_else(|| {
        ExportError::InvalidArgument(format!("{} is not a file name", out.display()))
    })?;
    Ok(out.with_file_name(format!(".{name}.{}.partial", uuid::Uuid::new_v4().simple())))
}

/// Renames the finished `partial` to `out`; on failure the partial file is removed and the file
/// at `out` is as it was.
pub(crate) fn put_in_place(partial: &Path, out: &Path) -> Result<()> {
    let placed = match files::rename_into_place(partial, out) {
        Ok(Ok(())) => Ok(()),
        Ok(Err(source)) => Err(ExportError::Write {
            path: out.to_path_buf(),
            source,
        }),
        Err(held) => Err(held.into()),
    };
    if placed.is_err() {
        let _ = std::fs::remove_file(partial);
    }
    placed
}

/// Writes `bytes` to `out` through a temporary name beside it.
pub(crate) fn save_bytes(bytes: &[u8], out: &Path) -> Result<()> {
    let partial = partial_beside(out)?;
    if let Err(source) = std::fs::write(&partial, bytes) {
        let _ = std::fs::remove_file(&partial);
        return Err(ExportError::Write {
            path: out.to_path_buf(),
            source,
        });
    }
    put_in_place(&partial, out)
}
