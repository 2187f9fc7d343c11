import { beforeEach, describe, expect, it } from 'vitest';
import { emptyPrefs } from './columnLayout';
import { PREFS_KEY_PREFIX, clearColumnPrefs, loadColumnPrefs, prefsKey, saveColumnPrefs } from './columnPrefs';

beforeEach(() => localStorage.clear());

describe('column preferences', () => {
  it('keeps each person’s choices under their own versioned key', () => {
    saveColumnPrefs('p1', { widths: { doc_no: 220 }, hidden: { clerk: true } });
    saveColumnPrefs('p2', { widths: {}, hidden: { index_no: true } });
    expect(prefsKey('p1')).toBe('disclosure-desk.catalog-columns.v1.p1');
    expect(PREFS_KEY_PREFIX).toContain('.v1.');
    expect(loadColumnPrefs('p1')).toEqual({ widths: { doc_no: 220 }, hidden: { clerk: true } });
    expect(loadColumnPrefs('p2')).toEqual({ widths: {}, hidden: { index_no: true } });
    expect(loadColumnPrefs(null)).toEqual(emptyPrefs());
    clearColumnPrefs('p1');
    expect(loadColumnPrefs('p1')).toEqual(emptyPrefs());
    expect(loadColumnPrefs('p2').hidden.index_no).toBe(true);
  });

  it('reads damaged or foreign values as no choice, and clamps widths', () => {
    localStorage.setItem(prefsKey('p1'), '{not json');
    expect(loadColumnPrefs('p1')).toEqual(emptyPrefs());
    localStorage.setItem(prefsKey('p1'), '"text"');
    expect(loadColumnPrefs('p1')).toEqual(emptyPrefs());
    localStorage.setItem(
      prefsKey('p1'),
      JSON.stringify({ widths: { doc_no: 5, status: 9999, nope: 100, title: 300, clerk: 'wide' }, hidden: { title: true, nope: true, clerk: 'yes', due_date: false } }),
    );
    expect(loadColumnPrefs('p1')).toEqual({ widths: { doc_no: 64, status: 640 }, hidden: { due_date: false } });
  });

  it('keys odd person ids safely', () => {
    expect(prefsKey('a.b/c d')).toBe(PREFS_KEY_PREFIX + 'a.b%2Fc%20d');
    expect(prefsKey(null)).toBe(PREFS_KEY_PREFIX + '-');
  });
});
