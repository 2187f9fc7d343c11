// The settings screen's form: CatalogSettings with its two lists as rows that keep their identity
// while they are renamed and reordered, and the small list operations the rows need.

import type { CatalogSettings } from '../../ipc/bindings';

/** One row of a list: `key` stays with the row when it moves, so focus and inputs follow it. */
export interface Entry {
  key: number;
  value: string;
}

export interface SettingsForm {
  channels: Entry[];
  levels: Entry[];
  index_rule: string;
  org_code: string;
  /** null while the number box is empty. */
  due_working_days: number | null;
}

export const DUE_MIN = 1;
export const DUE_MAX = 250;

let lastKey = 0;

export function newEntry(value = ''): Entry {
  lastKey += 1;
  return { key: lastKey, value };
}

export function toEntries(values: readonly string[]): Entry[] {
  return values.map((value) => newEntry(value));
}

export function toForm(settings: CatalogSettings): SettingsForm {
  return {
    channels: toEntries(settings.channels),
    levels: toEntries(settings.levels),
    index_rule: settings.index_rule,
    org_code: settings.org_code,
    due_working_days: settings.due_working_days,
  };
}

/**
 * What is sent to the backend: entries and codes without surrounding spaces. A due period that is
 * not a whole number goes as 0, which the backend rejects with its own explanation.
 */
export function fromForm(form: SettingsForm): CatalogSettings {
  const due = form.due_working_days;
  return {
    channels: form.channels.map((e) => e.value.trim()),
    levels: form.levels.map((e) => e.value.trim()),
    index_rule: form.index_rule.trim(),
    org_code: form.org_code.trim(),
    due_working_days: typeof due === 'number' && Number.isInteger(due) && due >= 0 ? due : 0,
  };
}

export function sameSettings(a: CatalogSettings, b: CatalogSettings): boolean {
  const sameList = (x: string[], y: string[]) => x.length === y.length && x.every((v, i) => v === y[i]);
  return (
    sameList(a.channels, b.channels) &&
    sameList(a.levels, b.levels) &&
    a.index_rule === b.index_rule &&
    a.org_code === b.org_code &&
    a.due_working_days === b.due_working_days
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
