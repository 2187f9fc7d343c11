//! What Windows does differently with files, as rules every platform applies: a file made on
//! Linux goes to Windows PCs (the share, a bundle, a workbook mailed on), and desk.exe runs there.
//! `names` judges and adjusts names; `held` says when an error means another program holds a file
//! and tries the operation again for a bounded time; `files` saves a file the person named with
//! both; `text` reads CRLF text as LF; `paths` gives a path's extended (`\\?\`) form.

pub mod files;
pub mod held;
pub mod names;
pub mod paths;
pub mod text;
