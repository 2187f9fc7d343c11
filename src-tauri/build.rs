fn main() {
    // tauri-build names the files it watches, which turns off "rerun on any change": the list is
    // one more of them.
    println!("cargo:rerun-if-changed=src/commands/list.rs");
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(COMMAND_NAMES)),
    )
    .unwrap_or_else(|e| panic!("tauri build: {e}"));
}

include!("src/commands/list.rs");

macro_rules! names_of {
    ($($module:ident::$name:ident),* $(,)?) => {
        &[$(stringify!($name)),*]
    };
}

/// Every app command, so that each gets an `allow-…` permission the capability grants.
const COMMAND_NAMES: &[&str] = app_commands!(names_of);
