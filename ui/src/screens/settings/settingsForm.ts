// The settings screen's form: CatalogSettings with its two lists as rows that keep their identity
// while they are renamed and reordered, and the small list operations the rows need.

import type { CatalogSettings, CategoryDeadline } from '../../ipc/bindings';
import { DUE_DAYS_MAX, DUE_DAYS_MIN } from '../../ipc/rules';

/** One row of a list: `key` stays with the row when it moves, so focus and inputs follow it. */
export interface Entry {
  key: number;
  value: string;
}

/** One per-category time limit; both parts are null while not yet chosen or typed. */
export interface DeadlineRow {
  key: number;
  category_id: string | null;
  working_days: number | null;
}

export interface SettingsForm {
  channels: Entry[];
  levels: Entry[];
  index_rule: string;
  org_code: string;
  /** null while the number box is empty. */
  due_working_days: number | null;
  category_deadlines: DeadlineRow[];
  office_signs: boolean;
  export_omit_names: boolean;
}

/** The backend's limits of a due period, in working days (generated from desk-core). */
export const DUE_MIN = DUE_DAYS_MIN;
export const DUE_MAX = DUE_DAYS_MAX;

let lastKey = 0;

export function newEntry(value = ''): Entry {
  lastKey += 1;
  return { key: lastKey, value };
}

export function toEntries(values: readonly string[]): Entry[] {
  return values.map((value) => newEntry(value));
}

export function newDeadlineRow(category_id: string | null = null, working_days: number | null = null): DeadlineRow {
  lastKey += 1;
  return { key: lastKey, category_id, working_days };
}

function wholeOrZero(value: number | null): number {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
}

export function toForm(settings: CatalogSettings): SettingsForm {
  return {
    channels: toEntries(settings.channels),
    levels: toEntries(settings.levels),
    index_rule: settings.index_rule,
    org_code: settings.org_code,
    due_working_days: settings.due_working_days,
    category_deadlines: settings.category_deadlines.map((d) => newDeadlineRow(d.category_id, d.working_days)),
    office_signs: settings.office_signs,
    export_omit_names: settings.export_omit_names,
  };
}

/**
 * What is sent to the backend: entries and codes without surrounding spaces. A due period that is
 * not a whole number goes as 0, which the backend rejects with its own explanation.
 */
export function fromForm(form: SettingsForm): CatalogSettings {
  return {
    channels: form.channels.map((e) => e.value.trim()),
    levels: form.levels.map((e) => e.value.trim()),
    index_rule: form.index_rule.trim(),
    org_code: form.org_code.trim(),
    due_working_days: wholeOrZero(form.due_working_days),
    category_deadlines: form.category_deadlines.map(
      (row): CategoryDeadline => ({ category_id: row.category_id ?? '', working_days: wholeOrZero(row.working_days) }),
    ),
    office_signs: form.office_signs,
    export_omit_names: form.export_omit_names,
  };
}

export function sameSettings(a: CatalogSettings, b: CatalogSettings): boolean {
  const sameList = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    sameList(a.channels, b.channels) &&
    sameList(a.levels, b.levels) &&
    a.index_rule === b.index_rule &&
    a.org_code === b.org_code &&
    a.due_working_days === b.due_working_days &&
    a.category_deadlines.length === b.category_deadlines.length &&
    a.category_deadlines.every(
      (d, i) => d.category_id === b.category_deadlines[i].category_id && d.working_days === b.category_deadlines[i].working_days,
    ) &&
    a.office_signs === b.office_signs &&
    a.export_omit_names === b.export_omit_names
  );
}

/** The list with the element at `index` moved one place up (-1) or down (+1); unchanged at the ends. */
export function moveAt<T>(list: readonly T[], index: number, delta: -1 | 1): T[] {
  const target = index + delta;
  const out = [...list];
  if (index < 0 || index >= list.length || target < 0 || target >= list.length) return out;
  [out[index], out[target]] = [out[target], out[index]];
  return out;
}

export function removeAt<T>(list: readonly T[], index: number): T[] {
  return list.filter((_, i) => i !== index);
}

export function replaceAt<T>(list: readonly T[], index: number, value: T): T[] {
  return list.map((v, i) => (i === index ? value : v));
}

export type EntryIssue = 'empty' | 'repeated';

/**
 * What the backend will refuse in a list, per entry (compared without surrounding spaces): an
 * empty entry, or one that repeats an entry above it.
 */
export function entryIssues(values: readonly string[]): (EntryIssue | null)[] {
  const seen = new Set<string>();
  return values.map((raw) => {
    const value = raw.trim();
    if (value === '') return 'empty';
    if (seen.has(value)) return 'repeated';
    seen.add(value);
    return null;
  });
}

export function dueIsValid(due: number | null): boolean {
  return typeof due === 'number' && Number.isInteger(due) && due >= DUE_MIN && due <= DUE_MAX;
}

export type DeadlineIssue = 'no_category' | 'repeated' | 'days';

/**
 * What is wrong with each per-category time limit: no category chosen, a category that already
 * has a limit above, or a number of working days out of range.
 */
export function deadlineIssues(rows: readonly DeadlineRow[]): DeadlineIssue[][] {
  const seen = new Set<string>();
  return rows.map((row) => {
    const issues: DeadlineIssue[] = [];
    if (!row.category_id) issues.push('no_category');
    else if (seen.has(row.category_id)) issues.push('repeated');
    else seen.add(row.category_id);
    if (!dueIsValid(row.working_days)) issues.push('days');
    return issues;
  });
}
