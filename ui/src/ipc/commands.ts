// Generated from the #[tauri::command] signatures by `src-tauri/tests/commands.rs`: do not
// edit. Regenerate with UPDATE_COMMANDS=1 cargo test -p disclosure-desk --test commands.

import type {
  Action,
  AnnualFigures,
  AppInfo,
  AuditPage,
  AuditQuery,
  BundleRecord,
  CalendarDay,
  CalendarYear,
  CatalogSettings,
  Category,
  CheckState,
  ChecklistTemplate,
  ColumnChoice,
  Conflict,
  Department,
  DepartmentProgress,
  ExportPreview,
  ExportReport,
  FeedbackReport,
  HistoryEntry,
  Item,
  ItemPage,
  ItemQuery,
  ItemReview,
  LedgerImportReport,
  LedgerReport,
  LedgerSummary,
  PaperCheck,
  PaperReport,
  Person,
  PiiHit,
  PlanImportReport,
  PlanImportRequest,
  PlanPreview,
  Role,
  RosterView,
  SigningState,
  Signoff,
  SyncReport,
  SyncStatus,
  UpdateCheck,
  UpdateProgress,
  UpdateSettings,
  VerifyReport,
} from './bindings';

/** Every app command (src-tauri/src/commands/list.rs): the arguments the UI sends, by
 * name (an empty list when it sends none), and what the command answers. */
export interface Commands {
  app_info: { args: []; result: AppInfo };
  keep_sample: { args: []; result: AppInfo };
  discard_sample: { args: []; result: AppInfo };
  list_items: { args: [{ query: ItemQuery }]; result: ItemPage };
  get_item: { args: [{ id: string }]; result: Item };
  save_item: { args: [{ item: Item }]; result: Item };
  item_history: { args: [{ id: string }]; result: Array<HistoryEntry> };
  parse_date: { args: [{ text: string }]; result: string | null };
  list_departments: { args: []; result: Array<Department> };
  save_department: { args: [{ department: Department }]; result: Department };
  list_people: { args: []; result: Array<Person> };
  save_person: { args: [{ person: Person }]; result: Person };
  set_current_person: { args: [{ id: string }]; result: AppInfo };
  list_categories: { args: []; result: Array<Category> };
  get_settings: { args: []; result: CatalogSettings };
  save_settings: { args: [{ settings: CatalogSettings }]; result: CatalogSettings };
  preview_plan_text: { args: [{ text: string }]; result: PlanPreview };
  open_plan_file: { args: [{ title: string }]; result: PlanPreview | null };
  import_plan: { args: [{ request: PlanImportRequest }]; result: PlanImportReport };
  open_ledger_file: { args: [{ title: string }]; result: LedgerSummary | null };
  choose_ledger_columns: { args: [{ previewId: number; choices: Array<ColumnChoice> }]; result: LedgerSummary };
  import_ledger: { args: [{ previewId: number }]; result: LedgerImportReport };
  item_review: { args: [{ id: string }]; result: ItemReview };
  mark_check: { args: [{ id: string; key: string; checkState: CheckState; note: string }]; result: ItemReview };
  pass_pending_checks: { args: [{ id: string }]; result: ItemReview };
  act_on_item: { args: [{ id: string; action: Action; text: string }]; result: Item };
  upgrade_checklist: { args: [{ id: string }]; result: ItemReview };
  apply_masks: { args: [{ id: string; hits: Array<PiiHit> }]; result: Item };
  list_templates: { args: []; result: Array<ChecklistTemplate> };
  template_versions: { args: [{ id: string }]; result: Array<ChecklistTemplate> };
  save_template: { args: [{ template: ChecklistTemplate }]; result: ChecklistTemplate };
  add_attachments: { args: [{ id: string; title: string }]; result: Item | null };
  remove_attachment: { args: [{ id: string; sha256: string }]; result: Item };
  open_attachment: { args: [{ id: string; sha256: string }]; result: void };
  save_attachment: { args: [{ id: string; sha256: string; name: string; title: string }]; result: string | null };
  department_progress: { args: []; result: Array<DepartmentProgress> };
  audit_log: { args: [{ query: AuditQuery }]; result: AuditPage };
  export_audit_csv: { args: [{ query: AuditQuery; title: string }]; result: string | null };
  list_calendar_years: { args: []; result: Array<CalendarYear> };
  save_calendar_year: { args: [{ text: string }]; result: CalendarYear };
  save_calendar_days: { args: [{ year: number; days: Array<CalendarDay> }]; result: CalendarYear };
  reset_calendar_year: { args: [{ year: number }]; result: void };
  export_preview: { args: [{ full: boolean }]; result: ExportPreview };
  choose_bundle_destination: { args: [{ title: string }]; result: string | null };
  choose_file: { args: [{ kind: string; title: string }]; result: string | null };
  export_bundle: { args: [{ full: boolean; path: string; overwrite: boolean }]; result: ExportReport };
  cancel_export: { args: []; result: void };
  list_bundles: { args: []; result: Array<BundleRecord> };
  verify_bundle: { args: [{ path: string }]; result: VerifyReport };
  import_feedback: { args: [{ path: string }]; result: FeedbackReport };
  annual_figures: { args: [{ year: number }]; result: AnnualFigures };
  save_ledger: { args: [{ year: number; title: string }]; result: LedgerReport | null };
  save_annual_report: { args: [{ year: number; title: string }]; result: string | null };
  print_signoff_sheets: { args: [{ ids: Array<string>; title: string; save: boolean }]; result: PaperReport | null };
  print_listed_sheets: { args: [{ query: ItemQuery; title: string; save: boolean }]; result: PaperReport | null };
  print_handover: { args: [{ bundle: string; title: string; save: boolean }]; result: PaperReport | null };
  check_paper: { args: [{ code: string }]; result: PaperCheck };
  update_settings: { args: []; result: UpdateSettings };
  check_update: { args: []; result: UpdateCheck };
  install_update: { args: [{ onProgress: import('@tauri-apps/api/core').Channel<UpdateProgress> }]; result: void };
  restart_app: { args: []; result: void };
  sync_status: { args: []; result: SyncStatus };
  sync_now: { args: []; result: SyncReport };
  set_sync_folder: { args: [{ folder: string }]; result: void };
  pick_sync_folder: { args: [{ title: string }]; result: string | null };
  list_conflicts: { args: []; result: Array<Conflict> };
  settle_conflict: { args: [{ key: string; opId: string }]; result: void };
  signing_state: { args: []; result: SigningState };
  set_up_office: { args: [{ password: string }]; result: string };
  pin_office_key: { args: [{ fingerprintText: string }]; result: SigningState };
  create_personal_key: { args: [{ password: string }]; result: string };
  roster_view: { args: []; result: RosterView | null };
  enrol_person: { args: [{ personId: string; roles: Array<Role>; password: string }]; result: RosterView | null };
  enrol_device: { args: [{ deviceId: string; password: string }]; result: RosterView | null };
  revoke_key: { args: [{ fingerprintText: string; password: string }]; result: RosterView | null };
  sign_off_item: { args: [{ id: string; password: string }]; result: Item };
  sign_again_item: { args: [{ id: string; password: string }]; result: Signoff };
  accept_signoff_item: { args: [{ id: string; password: string }]; result: Signoff };
}

export const COMMAND_NAMES = [
  'app_info',
  'keep_sample',
  'discard_sample',
  'list_items',
  'get_item',
  'save_item',
  'item_history',
  'parse_date',
  'list_departments',
  'save_department',
  'list_people',
  'save_person',
  'set_current_person',
  'list_categories',
  'get_settings',
  'save_settings',
  'preview_plan_text',
  'open_plan_file',
  'import_plan',
  'open_ledger_file',
  'choose_ledger_columns',
  'import_ledger',
  'item_review',
  'mark_check',
  'pass_pending_checks',
  'act_on_item',
  'upgrade_checklist',
  'apply_masks',
  'list_templates',
  'template_versions',
  'save_template',
  'add_attachments',
  'remove_attachment',
  'open_attachment',
  'save_attachment',
  'department_progress',
  'audit_log',
  'export_audit_csv',
  'list_calendar_years',
  'save_calendar_year',
  'save_calendar_days',
  'reset_calendar_year',
  'export_preview',
  'choose_bundle_destination',
  'choose_file',
  'export_bundle',
  'cancel_export',
  'list_bundles',
  'verify_bundle',
  'import_feedback',
  'annual_figures',
  'save_ledger',
  'save_annual_report',
  'print_signoff_sheets',
  'print_listed_sheets',
  'print_handover',
  'check_paper',
  'update_settings',
  'check_update',
  'install_update',
  'restart_app',
  'sync_status',
  'sync_now',
  'set_sync_folder',
  'pick_sync_folder',
  'list_conflicts',
  'settle_conflict',
  'signing_state',
  'set_up_office',
  'pin_office_key',
  'create_personal_key',
  'roster_view',
  'enrol_person',
  'enrol_device',
  'revoke_key',
  'sign_off_item',
  'sign_again_item',
  'accept_signoff_item',
] as const satisfies readonly (keyof Commands)[];
