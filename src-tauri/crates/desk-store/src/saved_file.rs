//! A file the person asked for (the audit log as CSV), saved whole under Windows' rules: a name
//! Windows refuses, a read-only file or one another program holds is refused before anything is
//! changed, and the file appears complete or not at all.

use crate::error::StoreError;
use std::path::Path;

pub fn save_whole(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    match desk_core::windows::files::write_whole(path, bytes) {
        Ok(written) => written.map_err(|source| StoreError::FileWrite {
            path: path.to_path_buf(),
            source,
        }),
        Err(refused) => Err(refused.into()),
    }
}
