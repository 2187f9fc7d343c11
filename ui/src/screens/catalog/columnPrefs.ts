// Each person's column widths and hidden columns, kept on this PC. Several people may share a PC,
// so the key names the person; the version in the key lets a later format start afresh instead of
// misreading an old one.

import { COLUMN_IDS, type ColumnId } from './columns';
import { clampWidth, emptyPrefs, type ColumnPrefs } from './columnLayout';

export const PREFS_KEY_PREFIX = 'disclosure-desk.catalog-columns.v1.';

/** The storage key for a person (before anyone is chosen, one shared key). */
export function prefsKey(personId: string | null): string {
  return PREFS_KEY_PREFIX + (personId === null ? '-' : encodeURIComponent(personId));
}

function isColumn(id: string): id is ColumnId {
  return (COLUMN_IDS as readonly string[]).includes(id);
}

/** The person's choices; anything unreadable or unknown is dropped, never an error. */
export function loadColumnPrefs(personId: string | null): ColumnPrefs {
  const prefs = emptyPrefs();
  let raw: unknown;
  try {
    raw = JSON.parse(globalThis.localStorage?.getItem(prefsKey(personId)) ?? 'null');
  } catch {
    return prefs;
  }
  if (raw === null || typeof raw !== 'object') return prefs;
  const { widths, hidden } = raw as { widths?: unknown; hidden?: unknown };
  if (widths && typeof widths === 'object') {
    for (const [id, width] of Object.entries(widths)) {
      if (isColumn(id) && id !== 'title' && typeof width === 'number' && Number.isFinite(width)) prefs.widths[id] = clampWidth(id, width);
    }
  }
  if (hidden && typeof hidden === 'object') {
    for (const [id, value] of Object.entries(hidden)) {
      if (isColumn(id) && id !== 'title' && typeof value === 'boolean') prefs.hidden[id] = value;
    }
  }
  return prefs;
}

export function saveColumnPrefs(personId: string | null, prefs: ColumnPrefs): void {
  try {
    globalThis.localStorage?.setItem(prefsKey(personId), JSON.stringify(prefs));
  } catch {
    // Storage full or unavailable: the columns still work for this run.
  }
}

export function clearColumnPrefs(personId: string | null): void {
  try {
    globalThis.localStorage?.removeItem(prefsKey(personId));
  } catch {
    // As above.
  }
}
