fn main() {
    tauri_build::try_build(
        tauri_build::Attributes::new()
            .app_manifest(tauri_build::AppManifest::new().commands(disclosure_commands::ALL)),
    )
    .unwrap_or_else(|e| panic!("tauri build: {e}"));
}

/// Every app command, so that each gets an `allow-…` permission the capability grants.
mod disclosure_commands {
    pub const ALL: &[&str] = &[
        "app_info",
        "list_items",
        "get_item",
        "save_item",
        "item_history",
        "list_departments",
        "save_department",
        "list_people",
        "save_person",
        "set_current_person",
        "list_categories",
        "get_settings",
        "save_settings",
        "preview_plan_text",
        "open_plan_file",
        "import_plan",
        "item_review",
        "mark_check",
        "act_on_item",
        "upgrade_checklist",
        "apply_masks",
        "list_templates",
        "template_versions",
        "save_template",
        "add_attachments",
        "remove_attachment",
        "open_attachment",
        "save_attachment",
        "department_progress",
        "audit_log",
        "export_audit_csv",
        "list_calendar_years",
        "save_calendar_year",
        "reset_calendar_year",
        "export_preview",
        "choose_bundle_destination",
        "choose_file",
        "export_bundle",
        "cancel_export",
        "list_bundles",
        "verify_bundle",
        "import_feedback",
        "annual_figures",
        "save_ledger",
        "save_annual_report",
        "update_settings",
        "check_update",
        "install_update",
        "restart_app",
    ];
}
