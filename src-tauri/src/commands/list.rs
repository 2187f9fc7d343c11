// The one list of app commands, as `module::name` under `src/commands/`. Adding a command here
// registers it with the window (`commands::handler`), gives it an `allow-…` permission (build.rs)
// and, through `tests/commands.rs`, grants it in `capabilities/main.json` and declares its
// arguments and result in `ui/src/ipc/commands.ts`.
//
// Plain comments only: build.rs and the tests `include!` this file.

/// Calls `$then!` with every app command as `module::name`, comma separated.
macro_rules! app_commands {
    ($then:ident) => {
        $then! {
            app::app_info,
            app::keep_sample,
            app::discard_sample,
            items::list_items,
            items::get_item,
            items::save_item,
            items::item_history,
            registry::list_departments,
            registry::save_department,
            registry::list_people,
            registry::save_person,
            registry::set_current_person,
            registry::list_categories,
            registry::get_settings,
            registry::save_settings,
            plan::preview_plan_text,
            plan::open_plan_file,
            plan::import_plan,
            review::item_review,
            review::mark_check,
            review::act_on_item,
            review::upgrade_checklist,
            review::apply_masks,
            review::list_templates,
            review::template_versions,
            review::save_template,
            review::add_attachments,
            review::remove_attachment,
            review::open_attachment,
            review::save_attachment,
            review::department_progress,
            review::audit_log,
            review::export_audit_csv,
            review::list_calendar_years,
            review::save_calendar_year,
            review::reset_calendar_year,
            export::export_preview,
            export::choose_bundle_destination,
            export::choose_file,
            export::export_bundle,
            export::cancel_export,
            export::list_bundles,
            export::verify_bundle,
            export::import_feedback,
            export::annual_figures,
            export::save_ledger,
            export::save_annual_report,
            update::update_settings,
            update::check_update,
            update::install_update,
            update::restart_app,
            sync::sync_status,
            sync::sync_now,
            sync::set_sync_folder,
            sync::pick_sync_folder,
            sync::list_conflicts,
            sync::settle_conflict,
        }
    };
}
