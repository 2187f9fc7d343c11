//! The Disclosure Desk window: state, Tauri commands (thin adapters over `desk-store`), native
//! dialogs and logging. Everything the app knows about the catalog lives in the domain crates.

mod commands;
mod state;
mod sync;
mod update;

use state::AppState;
use std::path::PathBuf;
use tauri::Manager;

/// `--data-dir DIR` (or `--data-dir=DIR`) from the command line, for tests and portable use.
fn data_dir_argument(args: impl Iterator<Item = String>) -> Option<PathBuf> {
    let mut args = args.skip(1);
    while let Some(arg) = args.next() {
        if arg == "--data-dir" {
            return args.next().map(PathBuf::from);
        }
        if let Some(dir) = arg.strip_prefix("--data-dir=") {
            return Some(PathBuf::from(dir));
        }
    }
    None
}

/// The log folder: beside the database, so a portable data folder carries its own logs. When
/// the data folder cannot be written (the app then explains why), logs go to the temp folder.
fn log_dir(data_dir: &std::path::Path) -> PathBuf {
    let beside_data = data_dir.join("logs");
    let writable = std::fs::create_dir_all(&beside_data).is_ok()
        && desk_store::db::probe_write(&beside_data).is_ok();
    if writable {
        beside_data
    } else {
        std::env::temp_dir().join("disclosure-desk-logs")
    }
}

fn logger(log_dir: PathBuf) -> tauri_plugin_log::Builder {
    use tauri_plugin_log::{RotationStrategy, Target, TargetKind};
    tauri_plugin_log::Builder::new()
        .clear_targets()
        .targets([
            Target::new(TargetKind::Folder {
                path: log_dir,
                file_name: Some("disclosure-desk".into()),
            }),
            Target::new(TargetKind::Stdout),
        ])
        .level(log::LevelFilter::Info)
        .max_file_size(2 * 1024 * 1024)
        .rotation_strategy(RotationStrategy::KeepSome(5))
}

/// The app on any runtime (the mock runtime in tests).
pub fn build<R: tauri::Runtime>(builder: tauri::Builder<R>, state: AppState) -> tauri::Builder<R> {
    builder
        .manage(update::UpdateState::new(state.data_dir.clone()))
        .manage(state)
        .manage(commands::export::ExportJobs::default())
        .manage(commands::ledger::LedgerDrafts::default())
        .invoke_handler(commands::handler())
}

pub fn run() {
    let data_dir = desk_store::db::resolve_data_dir(data_dir_argument(std::env::args()).as_deref());
    let data_dir = match data_dir {
        Ok(dir) => dir,
        Err(e) => {
            eprintln!("Disclosure Desk: {e}");
            std::process::exit(1);
        }
    };
    if let Err(e) = tauri::webview_version() {
        explain_missing_webview(&e.to_string());
        std::process::exit(1);
    }
    let log_dir = log_dir(&data_dir);
    let state = AppState::open(data_dir.clone(), log_dir.clone());
    let builder = tauri::Builder::default()
        .plugin(logger(log_dir).build())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build());
    let result = build(builder, state)
        .setup(move |app| {
            log::info!("Disclosure Desk {} started", env!("CARGO_PKG_VERSION"));
            let host = sync::WindowHost {
                app: app.handle().clone(),
            };
            app.manage(sync::SyncWorker::start(data_dir, host));
            Ok(())
        })
        .run(tauri::generate_context!());
    if let Err(e) = result {
        eprintln!("Disclosure Desk could not start: {e}");
        std::process::exit(1);
    }
}

/// The window needs the system's web view (WebView2 on Windows, which old office images lack; WebKitGTK
/// elsewhere, which the package depends on). Without it nothing can be shown but a message box:
/// it says what is missing and what to do, in both languages (no setting is read yet).
fn explain_missing_webview(detail: &str) {
    let text = format!(
        "本机缺少显示窗口所需的 Microsoft Edge WebView2 运行时，政务公开工作台无法打开。\n\
         请本单位信息化人员安装 WebView2 运行时（微软的 Evergreen Standalone Installer 可离线安装），\
         装好后再打开本程序。目录数据没有受到任何影响；命令行工具 desk 不需要它，可以照常使用。\n\n\
         This PC lacks the Microsoft Edge WebView2 Runtime that the window needs, so Disclosure Desk \
         cannot open. Ask your IT staff to install the WebView2 Runtime (Microsoft's Evergreen \
         Standalone Installer works offline), then start the app again. Nothing in the catalog was \
         touched, and the desk command line works without it.\n\n({detail})"
    );
    eprintln!("{text}");
    rfd::MessageDialog::new()
        .set_level(rfd::MessageLevel::Error)
        .set_title("政务公开工作台 · Disclosure Desk")
        .set_description(text)
        .set_buttons(rfd::MessageButtons::Ok)
        .show();
}

#[cfg(test)]
mod tests {
    use super::data_dir_argument;
    use std::path::PathBuf;

    fn check(args: &[&str], expected: Option<&str>) {
        let args = args.iter().map(|s| s.to_string());
        assert_eq!(data_dir_argument(args), expected.map(PathBuf::from));
    }

    #[test]
    fn data_dir_from_the_command_line() {
        check(&["app"], None);
        check(&["app", "--data-dir", "/tmp/d"], Some("/tmp/d"));
        check(&["app", "--data-dir=/tmp/e"], Some("/tmp/e"));
        check(&["app", "--data-dir"], None);
    }
}
