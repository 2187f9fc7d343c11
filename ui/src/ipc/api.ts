// Every call from the UI to the backend goes through this file: one typed function per Tauri
// command, each through `call`, which knows every command's arguments and result from the
// generated commands.ts. Components never call `invoke` themselves. A rejected call throws an
// ErrorPayload (see lib/errors.ts for turning it into text).

import { Channel, invoke } from '@tauri-apps/api/core';
import { listen, type UnlistenFn } from '@tauri-apps/api/event';
import { t } from '../i18n/index.svelte';
import type { Commands } from './commands';
import type {
  Action,
  AppInfo,
  AuditPage,
  AuditQuery,
  CalendarDay,
  CalendarYear,
  Category,
  CatalogSettings,
  CheckState,
  Conflict,
  ChecklistTemplate,
  Department,
  DepartmentProgress,
  HistoryEntry,
  Item,
  ItemPage,
  ItemQuery,
  ItemReview,
  Person,
  PiiHit,
  Role,
  RosterView,
  SigningState,
  Signoff,
  ColumnChoice,
  LedgerImportReport,
  LedgerProgress,
  LedgerSummary,
  PlanImportReport,
  PlanImportRequest,
  PlanPreview,
  SyncProgress,
  SyncReport,
  SyncStatus,
  UpdateCheck,
  UpdateProgress,
  UpdateSettings,
} from './bindings';
import type {
  AnnualFigures,
  BundleRecord,
  ExportPreview,
  ExportProgress,
  ExportReport,
  FeedbackReport,
  LedgerReport,
  PaperCheck,
  PaperReport,
  VerifyReport,
} from './bindings';

/** Calls a command with the arguments its Rust signature takes; answers what the command returns. */
function call<K extends keyof Commands>(command: K, ...args: Commands[K]['args']): Promise<Commands[K]['result']> {
  return invoke<Commands[K]['result']>(command, ...args);
}

export function appInfo(): Promise<AppInfo> {
  return call('app_info');
}

/** Keeps the sample, with the person's changes, as this PC's catalog. */
export function keepSample(): Promise<AppInfo> {
  return call('keep_sample');
}

/** Removes the sample and everything made in it: an empty catalog. */
export function discardSample(): Promise<AppInfo> {
  return call('discard_sample');
}

export function listItems(query: ItemQuery): Promise<ItemPage> {
  return call('list_items', { query });
}

export function getItem(id: string): Promise<Item> {
  return call('get_item', { id });
}

export function saveItem(item: Item): Promise<Item> {
  return call('save_item', { item });
}

export function itemHistory(id: string): Promise<HistoryEntry[]> {
  return call('item_history', { id });
}

export function listDepartments(): Promise<Department[]> {
  return call('list_departments');
}

export function saveDepartment(department: Department): Promise<Department> {
  return call('save_department', { department });
}

export function listPeople(): Promise<Person[]> {
  return call('list_people');
}

export function savePerson(person: Person): Promise<Person> {
  return call('save_person', { person });
}

export function setCurrentPerson(id: string): Promise<AppInfo> {
  return call('set_current_person', { id });
}

export function listCategories(): Promise<Category[]> {
  return call('list_categories');
}

export function getSettings(): Promise<CatalogSettings> {
  return call('get_settings');
}

/** Saves the catalog settings; answers with them as stored, or rejects with invalid_argument. */
export function saveSettings(settings: CatalogSettings): Promise<CatalogSettings> {
  return call('save_settings', { settings });
}

export function previewPlanText(text: string): Promise<PlanPreview> {
  return call('preview_plan_text', { text });
}

export function openPlanFile(): Promise<PlanPreview | null> {
  return call('open_plan_file', { title: t('fileDialog.openPlan') });
}

export function importPlan(request: PlanImportRequest): Promise<PlanImportReport> {
  return call('import_plan', { request });
}

/** Asks for a 台账 and previews it; null when cancelled. The full preview stays in the app. */
export function openLedgerFile(): Promise<LedgerSummary | null> {
  return call('open_ledger_file', { title: t('fileDialog.openLedger') });
}

/** Previews the same ledger again with the columns chosen; the answer replaces `previewId`. */
export function chooseLedgerColumns(previewId: number, choices: ColumnChoice[]): Promise<LedgerSummary> {
  return call('choose_ledger_columns', { previewId, choices });
}

/** Imports the preview shown; progress arrives as `ledger-progress` events (onLedgerProgress). */
export function importLedger(previewId: number): Promise<LedgerImportReport> {
  return call('import_ledger', { previewId });
}

export function onLedgerProgress(handler: (progress: LedgerProgress) => void): Promise<UnlistenFn> {
  return listen<LedgerProgress>('ledger-progress', (event) => handler(event.payload));
}

/** The item's checklist, due date, sign-offs and the actions the current person may take. */
export function itemReview(id: string): Promise<ItemReview> {
  return call('item_review', { id });
}

/** Marks one check as the current person; answers with the review as it now stands. */
export function passPendingChecks(id: string): Promise<ItemReview> {
  return call('pass_pending_checks', { id });
}

export function markCheck(id: string, key: string, checkState: CheckState, note: string): Promise<ItemReview> {
  return call('mark_check', { id, key, checkState, note });
}

/** A workflow action; `text` is the written reason, or the published address for mark_published. */
export function actOnItem(id: string, action: Action, text: string): Promise<Item> {
  return call('act_on_item', { id, action, text });
}

export function upgradeChecklist(id: string): Promise<ItemReview> {
  return call('upgrade_checklist', { id });
}

/** Replaces the given personal-data hits in the item's text with their masked forms. */
export function applyMasks(id: string, hits: PiiHit[]): Promise<Item> {
  return call('apply_masks', { id, hits });
}

export function listTemplates(): Promise<ChecklistTemplate[]> {
  return call('list_templates');
}

export function templateVersions(id: string): Promise<ChecklistTemplate[]> {
  return call('template_versions', { id });
}

/** Saves a template as its next version (id '' for a new template). */
export function saveTemplate(template: ChecklistTemplate): Promise<ChecklistTemplate> {
  return call('save_template', { template });
}

/** Opens the native file dialog and attaches the chosen files; null when cancelled. */
export function addAttachments(id: string): Promise<Item | null> {
  return call('add_attachments', { id, title: t('fileDialog.attachFiles') });
}

export function removeAttachment(id: string, sha256: string): Promise<Item> {
  return call('remove_attachment', { id, sha256 });
}

export function openAttachment(id: string, sha256: string): Promise<void> {
  return call('open_attachment', { id, sha256 });
}

/** Asks where to save with the native dialog; the path written, or null when cancelled. */
export function saveAttachment(id: string, sha256: string, name: string): Promise<string | null> {
  return call('save_attachment', { id, sha256, name, title: t('fileDialog.saveAttachment') });
}

export function departmentProgress(): Promise<DepartmentProgress[]> {
  return call('department_progress');
}

export function auditLog(query: AuditQuery): Promise<AuditPage> {
  return call('audit_log', { query });
}

/** Asks where to save and writes the filtered log as CSV; the path, or null when cancelled. */
export function exportAuditCsv(query: AuditQuery): Promise<string | null> {
  return call('export_audit_csv', { query, title: t('fileDialog.exportLog') });
}

/** Every year of the working-day calendar: shipped, edited or added by the office. */
export function listCalendarYears(): Promise<CalendarYear[]> {
  return call('list_calendar_years');
}

/** Saves one year file (rejects with invalid_argument naming the line that does not read). */
export function saveCalendarYear(text: string): Promise<CalendarYear> {
  return call('save_calendar_year', { text });
}

/** Saves one year as marked on the month grid; the backend writes and checks the year file. */
export function saveCalendarDays(year: number, days: CalendarDay[]): Promise<CalendarYear> {
  return call('save_calendar_days', { year, days });
}

/** Drops the office's version of a year: back to the shipped file, or not covered. */
export function resetCalendarYear(year: number): Promise<void> {
  return call('reset_calendar_year', { year });
}

// Export for the web team, publication feedback, the ledger and the annual figures.

/** What an export would carry (nothing is written). */
export function exportPreview(full: boolean): Promise<ExportPreview> {
  return call('export_preview', { full });
}

/** Asks where to save a bundle; null when the person cancels. */
export function chooseBundleDestination(): Promise<string | null> {
  return call('choose_bundle_destination', { title: t('fileDialog.saveBundle') });
}

/** Asks for a bundle ('bundle') or a feedback file ('feedback'); null when cancelled. */
export function chooseFile(kind: 'bundle' | 'feedback'): Promise<string | null> {
  return call('choose_file', { kind, title: t(kind === 'feedback' ? 'fileDialog.feedback' : 'fileDialog.verifyBundle') });
}

/** Writes a bundle; progress arrives as `export-progress` events (see onExportProgress). */
export function exportBundle(full: boolean, path: string, overwrite: boolean): Promise<ExportReport> {
  return call('export_bundle', { full, path, overwrite });
}

export function cancelExport(): Promise<void> {
  return call('cancel_export');
}

export function onExportProgress(handler: (progress: ExportProgress) => void): Promise<UnlistenFn> {
  return listen<ExportProgress>('export-progress', (event) => handler(event.payload));
}

export function listBundles(): Promise<BundleRecord[]> {
  return call('list_bundles');
}

export function verifyBundle(path: string): Promise<VerifyReport> {
  return call('verify_bundle', { path });
}

export function importFeedback(path: string): Promise<FeedbackReport> {
  return call('import_feedback', { path });
}

export function annualFigures(year: number): Promise<AnnualFigures> {
  return call('annual_figures', { year });
}

/** Writes the year's ledger where the person chooses; null when cancelled. */
export function saveLedger(year: number): Promise<LedgerReport | null> {
  return call('save_ledger', { year, title: t('fileDialog.saveLedger') });
}

/** Writes the year's table 二 where the person chooses; the path, or null when cancelled. */
export function saveAnnualReport(year: number): Promise<string | null> {
  return call('save_annual_report', { year, title: t('fileDialog.saveAnnualReport') });
}

/**
 * The 审查呈批单 of `ids`: opened in the PDF viewer to print, or (`save`) saved where the person
 * chooses. Null when the save dialog was cancelled.
 */
export function printSignoffSheets(ids: string[], save: boolean): Promise<PaperReport | null> {
  return call('print_signoff_sheets', { ids, title: t('fileDialog.saveSignoffSheets'), save });
}

/** The 审查呈批单 of every item the list's query shows (its page aside); refused above MAX_SHEETS. */
export function printListedSheets(query: ItemQuery, save: boolean): Promise<PaperReport | null> {
  return call('print_listed_sheets', { query, title: t('fileDialog.saveSignoffSheets'), save });
}

/** The 移送明细表 of the bundle at `bundle`, opened to print or saved. Null when cancelled. */
export function printHandover(bundle: string, save: boolean): Promise<PaperReport | null> {
  return call('print_handover', { bundle, title: t('fileDialog.saveHandover'), save });
}

/** The item a printed sheet's code names, and whether it changed since printing. */
export function checkPaper(code: string): Promise<PaperCheck> {
  return call('check_paper', { code });
}

export function updateSettings(): Promise<UpdateSettings> {
  return call('update_settings');
}

export function checkUpdate(): Promise<UpdateCheck> {
  return call('check_update');
}

/** Downloads (or reads from the folder), verifies and installs the update the last check found. */
export function installUpdate(onProgress: (progress: UpdateProgress) => void): Promise<void> {
  const channel = new Channel<UpdateProgress>();
  channel.onmessage = onProgress;
  return call('install_update', { onProgress: channel });
}

export function restartApp(): Promise<void> {
  return call('restart_app');
}

/** Last sync, what waits to go out, conflicts, PCs with a bad clock. */
export function syncStatus(): Promise<SyncStatus> {
  return call('sync_status');
}

/** Runs a sync round now and answers with what it did (rejects with the round's error). */
export function syncNow(): Promise<SyncReport> {
  return call('sync_now');
}

/** Stores the shared folder this PC syncs with and starts a round (joins or creates the catalog there). */
export function setSyncFolder(folder: string): Promise<void> {
  return call('set_sync_folder', { folder });
}

/** The native folder dialog; null when cancelled. */
export function pickSyncFolder(): Promise<string | null> {
  return call('pick_sync_folder', { title: t('fileDialog.syncFolder') });
}

export function listConflicts(): Promise<Conflict[]> {
  return call('list_conflicts');
}

/** Keeps the value of operation opId for the conflict `key`; the choice syncs like any edit. */
export function settleConflict(key: string, opId: string): Promise<void> {
  return call('settle_conflict', { key, opId });
}

/** What the background sync tells the window: its status, a round running, operations that arrived. */
export interface SyncEvents {
  status: (status: SyncStatus) => void;
  running: (running: boolean) => void;
  /** How far a running round has applied other PCs' segments (a few times a second at most). */
  progress: (progress: SyncProgress) => void;
  applied: (ops: number) => void;
}

export async function onSyncEvents(handlers: SyncEvents): Promise<UnlistenFn> {
  const unlisten = await Promise.all([
    listen<SyncStatus>('sync-status', (e) => handlers.status(e.payload)),
    listen<boolean>('sync-running', (e) => handlers.running(e.payload)),
    listen<SyncProgress>('sync-progress', (e) => handlers.progress(e.payload)),
    listen<number>('sync-applied', (e) => handlers.applied(e.payload)),
  ]);
  return () => unlisten.forEach((u) => u());
}

// Signing: the office key, personal keys, the roster, signed sign-offs. Passwords are passed
// through and never kept here.

export function signingState(): Promise<SigningState> {
  return call('signing_state');
}

export function setUpOffice(password: string): Promise<string> {
  return call('set_up_office', { password });
}

export function pinOfficeKey(fingerprintText: string): Promise<SigningState> {
  return call('pin_office_key', { fingerprintText });
}

export function createPersonalKey(password: string): Promise<string> {
  return call('create_personal_key', { password });
}

export function rosterView(): Promise<RosterView | null> {
  return call('roster_view');
}

export function enrolPerson(personId: string, roles: Role[], password: string): Promise<RosterView | null> {
  return call('enrol_person', { personId, roles, password });
}

export function enrolDevice(deviceId: string, password: string): Promise<RosterView | null> {
  return call('enrol_device', { deviceId, password });
}

export function revokeKey(fingerprintText: string, password: string): Promise<RosterView | null> {
  return call('revoke_key', { fingerprintText, password });
}

export function signOffItem(id: string, password: string): Promise<Item> {
  return call('sign_off_item', { id, password });
}

export function acceptSignoffItem(id: string, password: string): Promise<Signoff> {
  return call('accept_signoff_item', { id, password });
}

export function signAgainItem(id: string, password: string): Promise<Signoff> {
  return call('sign_again_item', { id, password });
}

/** A date as typed, read by the backend's rule: `YYYY-MM-DD`, null for empty text; rejects with why not. */
export function parseDate(text: string): Promise<string | null> {
  return call('parse_date', { text });
}
