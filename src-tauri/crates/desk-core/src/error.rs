//! The one error shape that crosses IPC and the CLI's `--json` output.
//!
//! `code` is a stable key: the UI translates it and scripts branch on it; nobody parses
//! `message`, which is an English sentence for logs and the terminal.

use crate::validate::FieldProblem;
use serde::{Deserialize, Serialize};
use ts_rs::TS;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, TS)]
pub struct ErrorPayload {
    pub code: String,
    pub message: String,
    /// Per-field problems when `code` is `invalid_item` (and similar).
    pub problems: Vec<FieldProblem>,
}

impl ErrorPayload {
    pub fn new(code: impl Into<String>, message: impl Into<String>) -> Self {
        ErrorPayload {
            code: code.into(),
            message: message.into(),
            problems: Vec::new(),
        }
    }
}
