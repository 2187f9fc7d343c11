//! Tauri commands: each parses its arguments, calls one catalog function, maps the error.
//! Which functions are commands is said once, in `list.rs`.

pub mod app;
pub mod export;
pub mod items;
pub mod ledger;
pub mod paper;
pub mod plan;
pub mod registry;
pub mod review;
pub mod sync;
pub mod trust;
pub mod update;

/// Today in the PC's time zone (due dates are local dates).
pub(crate) fn today() -> chrono::NaiveDate {
    chrono::Local::now().date_naive()
}

include!("list.rs");

/// The window's invoke handler: every command of `list.rs`.
pub fn handler<R: tauri::Runtime>() -> impl Fn(tauri::ipc::Invoke<R>) -> bool + Send + Sync + 'static
{
    macro_rules! handler_of {
        ($($module:ident::$name:ident),* $(,)?) => {
            tauri::generate_handler![$($module::$name),*]
        };
    }
    app_commands!(handler_of)
}
