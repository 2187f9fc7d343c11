// Every call from the UI to the backend goes through this file: one typed function per Tauri
// command. Components never call `invoke` themselves. A rejected call throws an ErrorPayload
// (see lib/errors.ts for turning it into text).

import { invoke } from '@tauri-apps/api/core';
import type {
  AppInfo,
  Category,
  CatalogSettings,
  Department,
  HistoryEntry,
  Item,
  ItemPage,
  ItemQuery,
  Person,
  PlanImportReport,
  PlanImportRequest,
  PlanPreview,
} from './bindings';

export function appInfo(): Promise<AppInfo> {
  return invoke<AppInfo>('app_info');
}

export function listItems(query: ItemQuery): Promise<ItemPage> {
  return invoke<ItemPage>('list_items', { query });
}

export function getItem(id: string): Promise<Item> {
  return invoke<Item>('get_item', { id });
}

export function saveItem(item: Item): Promise<Item> {
  return invoke<Item>('save_item', { item });
}

export function itemHistory(id: string): Promise<HistoryEntry[]> {
  return invoke<HistoryEntry[]>('item_history', { id });
}

export function listDepartments(): Promise<Department[]> {
  return invoke<Department[]>('list_departments');
}

export function saveDepartment(department: Department): Promise<Department> {
  return invoke<Department>('save_department', { department });
}

export function listPeople(): Promise<Person[]> {
  return invoke<Person[]>('list_people');
}

export function savePerson(person: Person): Promise<Person> {
  return invoke<Person>('save_person', { person });
}

export function setCurrentPerson(id: string): Promise<AppInfo> {
  return invoke<AppInfo>('set_current_person', { id });
}

export function listCategories(): Promise<Category[]> {
  return invoke<Category[]>('list_categories');
}

export function getSettings(): Promise<CatalogSettings> {
  return invoke<CatalogSettings>('get_settings');
}

/** Saves the catalog settings; answers with them as stored, or rejects with invalid_argument. */
export function saveSettings(settings: CatalogSettings): Promise<CatalogSettings> {
  return invoke<CatalogSettings>('save_settings', { settings });
}

export function previewPlanText(text: string): Promise<PlanPreview> {
  return invoke<PlanPreview>('preview_plan_text', { text });
}

export function openPlanFile(): Promise<PlanPreview | null> {
  return invoke<PlanPreview | null>('open_plan_file');
}

export function importPlan(request: PlanImportRequest): Promise<PlanImportReport> {
  return invoke<PlanImportReport>('import_plan', { request });
}
