// What every screen shares: facts about the app, the departments, categories and settings.
// Loaded once at start and refreshed after changes that affect them.

import type { AppInfo, Category, CatalogSettings, Department, ErrorPayload, Person } from '../ipc/bindings';
import * as api from '../ipc/api';
import { toErrorPayload } from './errors';
import { categoryOptions, type CategoryOption } from './categories';

interface Session {
  info: AppInfo | null;
  departments: Department[];
  categories: Category[];
  categoryOptions: CategoryOption[];
  settings: CatalogSettings | null;
  /** The error of the start-up load, shown until a retry succeeds. */
  error: ErrorPayload | null;
  loaded: boolean;
  /** Bumped whenever items change, so lists reload. */
  itemsVersion: number;
  /** Whether the "who are you" panel is open (at first run, or to switch person). */
  chooserOpen: boolean;
  /** The person put the first-run question off ("later") for this run of the app. */
  chooserPutOff: boolean;
  /** How the person answered the start question in this run, if they did. */
  startAnswer: 'join' | 'empty' | 'sample' | null;
}

export const session = $state<Session>({
  info: null,
  departments: [],
  categories: [],
  categoryOptions: [],
  settings: null,
  error: null,
  loaded: false,
  itemsVersion: 0,
  chooserOpen: false,
  chooserPutOff: false,
  startAnswer: null,
});

export async function loadSession(): Promise<void> {
  try {
    const [info, departments, categories, settings] = await Promise.all([
      api.appInfo(),
      api.listDepartments(),
      api.listCategories(),
      api.getSettings(),
    ]);
    session.info = info;
    session.departments = departments;
    session.categories = categories;
    session.categoryOptions = categoryOptions(categories);
    session.settings = settings;
    session.error = null;
    // First run on this PC: ask who works here, unless the person already put it off.
    if (!info.current_person && !session.chooserPutOff) session.chooserOpen = true;
  } catch (error) {
    session.error = toErrorPayload(error);
  } finally {
    session.loaded = true;
  }
}

export async function refreshInfo(): Promise<void> {
  try {
    session.info = await api.appInfo();
  } catch {
    // The status bar keeps the last known facts.
  }
}

export async function refreshDepartments(): Promise<void> {
  session.departments = await api.listDepartments();
}

/** Reads the settings again (the CLI or another window may have changed them). */
export async function refreshSettings(): Promise<CatalogSettings> {
  const settings = await api.getSettings();
  session.settings = settings;
  return settings;
}

/** After a save: every screen that offers channels, levels or the due period sees the new ones. */
export function setSettings(settings: CatalogSettings): void {
  session.settings = settings;
}

export function setInfo(info: AppInfo): void {
  session.info = info;
}

/** After items were created or changed: lists reload and the count refreshes. */
export function itemsChanged(): void {
  session.itemsVersion++;
  void refreshInfo();
}

export function departmentNames(): Map<string, string> {
  return new Map(session.departments.map((d) => [d.id, d.name]));
}

export function currentPerson(): Person | null {
  return session.info?.current_person ?? null;
}

/**
 * Whether to ask how to start: the sample catalog, untouched, on a PC that never synced (joining
 * the office's folder removes such a sample; see `SampleState`).
 */
export function startQuestionOpen(): boolean {
  const info = session.info;
  return info !== null && info.sample.state === 'untouched' && !info.synced && session.startAnswer === null;
}

export function startChoiceMade(answer: 'join' | 'empty' | 'sample'): void {
  session.startAnswer = answer;
}

/** Whether to ask "who are you": not before a PC that is joining the office's folder has joined (the office's people come with it). */
export function personQuestionOpen(): boolean {
  const joining = session.startAnswer === 'join' && session.info?.synced === false;
  return session.chooserOpen && !joining;
}

export function openPersonChooser(): void {
  session.chooserOpen = true;
}

/** Closes the "who are you" panel; without a person chosen it is not asked again this run. */
export function closePersonChooser(): void {
  session.chooserOpen = false;
  if (!currentPerson()) session.chooserPutOff = true;
}
