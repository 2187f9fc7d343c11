//! The `desk` the tests run: this build's, or the program `DESK_UNDER_TEST` names (the Windows
//! build under Wine, through tests/windows/desk-under-wine).

use std::process::Command;

pub fn desk_command() -> Command {
    match std::env::var_os("DESK_UNDER_TEST") {
        Some(program) => Command::new(program),
        None => Command::new(env!("CARGO_BIN_EXE_desk")),
    }
}

/// Whether the tests run another build than this one (the Windows build under Wine).
#[allow(dead_code)]
pub fn is_foreign() -> bool {
    std::env::var_os("DESK_UNDER_TEST").is_some()
}
