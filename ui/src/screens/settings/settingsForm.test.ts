import { describe, expect, it } from 'vitest';
import type { CatalogSettings } from '../../ipc/bindings';
import { deadlineIssues, dueIsValid, entryIssues, newDeadlineRow, fromForm, moveAt, newEntry, removeAt, replaceAt, sameSettings, toEntries, toForm } from './settingsForm';

const settings: CatalogSettings = {
  channels: ['政府网站', '政府公报', '两微一端'],
  levels: ['市级', '区县级'],
  index_rule: '{org}-{dept}-{cat}-{year}-{seq:4}',
  org_code: '210200-JY',
  due_working_days: 20,
  category_deadlines: [{ category_id: 'c-gz', working_days: 30 }],
  office_signs: false,
  export_omit_names: false,
};

describe('list editing', () => {
  it('moves an entry up or down and leaves the ends alone', () => {
    const list = ['a', 'b', 'c'];
    expect(moveAt(list, 1, -1)).toEqual(['b', 'a', 'c']);
    expect(moveAt(list, 1, 1)).toEqual(['a', 'c', 'b']);
    expect(moveAt(list, 0, -1)).toEqual(['a', 'b', 'c']);
    expect(moveAt(list, 2, 1)).toEqual(['a', 'b', 'c']);
    expect(moveAt(list, 5, -1)).toEqual(['a', 'b', 'c']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  it('removes and replaces without touching the original', () => {
    const list = ['a', 'b', 'c'];
    expect(removeAt(list, 1)).toEqual(['a', 'c']);
    expect(removeAt(list, 9)).toEqual(['a', 'b', 'c']);
    expect(replaceAt(list, 2, 'z')).toEqual(['a', 'b', 'z']);
    expect(list).toEqual(['a', 'b', 'c']);
  });

  it('gives every row its own key, kept when it moves', () => {
    const rows = toEntries(['a', 'b']);
    const extra = newEntry();
    expect(new Set([...rows, extra].map((r) => r.key)).size).toBe(3);
    const moved = moveAt(rows, 0, 1);
    expect(moved.map((r) => r.key)).toEqual([rows[1].key, rows[0].key]);
    expect(extra.value).toBe('');
  });

  it('marks empty and repeated entries as the backend would refuse them', () => {
    expect(entryIssues(['政府网站', ' ', '政府公报', ' 政府网站 ', '政府公报'])).toEqual([null, 'empty', null, 'repeated', 'repeated']);
    expect(entryIssues([])).toEqual([]);
  });
});

describe('the settings form', () => {
  it('round-trips the stored settings', () => {
    const form = toForm(settings);
    expect(form.channels.map((e) => e.value)).toEqual(settings.channels);
    expect(fromForm(form)).toEqual(settings);
    expect(sameSettings(fromForm(form), settings)).toBe(true);
  });

  it('sends entries and codes without surrounding spaces', () => {
    const form = toForm(settings);
    form.channels[0].value = '  政府网站 ';
    form.org_code = ' 210200-JY ';
    form.index_rule = '{org}-{seq} ';
    const sent = fromForm(form);
    expect(sent.channels[0]).toBe('政府网站');
    expect(sent.org_code).toBe('210200-JY');
    expect(sent.index_rule).toBe('{org}-{seq}');
  });

  it('sends an empty or fractional due period as 0 for the backend to refuse', () => {
    const form = toForm(settings);
    form.due_working_days = null;
    expect(fromForm(form).due_working_days).toBe(0);
    form.due_working_days = 2.5;
    expect(fromForm(form).due_working_days).toBe(0);
    form.due_working_days = 300;
    expect(fromForm(form).due_working_days).toBe(300);
  });

  it('notices every kind of change, including order', () => {
    expect(sameSettings(settings, { ...settings, channels: ['政府公报', '政府网站', '两微一端'] })).toBe(false);
    expect(sameSettings(settings, { ...settings, levels: ['市级'] })).toBe(false);
    expect(sameSettings(settings, { ...settings, index_rule: '{seq}' })).toBe(false);
    expect(sameSettings(settings, { ...settings, org_code: 'X' })).toBe(false);
    expect(sameSettings(settings, { ...settings, due_working_days: 15 })).toBe(false);
    expect(sameSettings(settings, { ...settings, office_signs: true })).toBe(false);
    expect(sameSettings(settings, { ...settings, category_deadlines: [] })).toBe(false);
    expect(sameSettings(settings, { ...settings, category_deadlines: [{ category_id: 'c-gz', working_days: 25 }] })).toBe(false);
    expect(sameSettings(settings, { ...settings, category_deadlines: [{ category_id: 'c-x', working_days: 30 }] })).toBe(false);
  });

  it('sends per-category limits, an unchosen category as "" and a missing number as 0', () => {
    const form = toForm(settings);
    form.category_deadlines.push(newDeadlineRow(), newDeadlineRow('c-gfxwj', 15));
    expect(fromForm(form).category_deadlines).toEqual([
      { category_id: 'c-gz', working_days: 30 },
      { category_id: '', working_days: 0 },
      { category_id: 'c-gfxwj', working_days: 15 },
    ]);
  });

  it('flags a per-category limit without a category, repeated, or out of range', () => {
    const rows = [newDeadlineRow('a', 30), newDeadlineRow(null, 10), newDeadlineRow('a', 0), newDeadlineRow('b', 251)];
    expect(deadlineIssues(rows)).toEqual([[], ['no_category'], ['repeated', 'days'], ['days']]);
  });

  it('checks the due period range', () => {
    expect([1, 20, 250].every(dueIsValid)).toBe(true);
    expect([0, 251, 2.5, null, Number.NaN].some(dueIsValid)).toBe(false);
  });
});
