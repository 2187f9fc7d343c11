import { afterEach, describe, expect, it } from 'vitest';
import { errorDetail, errorText, problemText, problemsByField, toErrorPayload } from './errors';
import { setLang } from '../i18n/index.svelte';

afterEach(() => setLang('zh-CN'));

describe('errors', () => {
  it('translates by code, never by message', () => {
    setLang('en');
    const text = errorText({ code: 'database_newer', message: 'whatever the backend said', problems: [] });
    expect(text).toContain('newer version');
    expect(text).not.toContain('whatever');
  });

  it('shows the message for a code it does not know', () => {
    setLang('zh-CN');
    expect(errorText({ code: 'sync_conflict', message: 'two PCs changed it', problems: [] })).toBe('出错了：two PCs changed it');
    expect(problemText({ field: 'title', code: 'new_rule', message: 'the backend explains' })).toBe('the backend explains');
    expect(problemText({ field: 'title', code: 'title_empty', message: 'x' })).toBe('名称不能为空：请填写事项名称。');
  });

  it('adds the backend message beneath the sentence for storage errors and refused arguments', () => {
    const path = 'the database /data/catalog.db is damaged';
    expect(errorDetail({ code: 'database_corrupt', message: ` ${path} `, problems: [] })).toBe(path);
    expect(errorDetail({ code: 'storage', message: 'database error: disk I/O error', problems: [] })).toBe('database error: disk I/O error');
    expect(errorDetail({ code: 'invalid_argument', message: 'the 索引号 rule must contain {seq} exactly once', problems: [] })).toContain('{seq}');
    expect(errorDetail({ code: 'not_found', message: 'no item with id x', problems: [] })).toBe('');
    expect(errorDetail({ code: 'sync_conflict', message: 'already in the headline', problems: [] })).toBe('');
  });

  it('says a refusal\'s problems in the person\'s language instead of the backend\'s words', () => {
    setLang('en');
    const refused = {
      code: 'invalid_argument',
      message: 'the due period must be between 1 and 250 working days',
      problems: [{ field: 'due_working_days', code: 'due_days_out_of_range', message: 'the due period must be between 1 and 250 working days' }],
    };
    expect(errorDetail(refused)).toBe('A time limit must be from 1 to 250 working days.');
    setLang('zh-CN');
    const line = { field: '2', code: 'calendar_bad_date', message: 'line 2: `2027-02-30` is not a valid date' };
    expect(errorDetail({ code: 'invalid_argument', message: line.message, problems: [line] })).toBe('第 2 行：日期无效，应写作 YYYY-MM-DD（例如 2019-02-04）。');
  });

  it('turns anything thrown into a payload', () => {
    expect(toErrorPayload({ code: 'not_found', message: 'gone', problems: [] }).code).toBe('not_found');
    expect(toErrorPayload({ code: 'x' })).toEqual({ code: 'x', message: '', problems: [] });
    expect(toErrorPayload(new Error('boom'))).toMatchObject({ message: 'boom' });
    expect(toErrorPayload('plain')).toMatchObject({ message: 'plain' });
  });

  it('groups problems by field', () => {
    const grouped = problemsByField([
      { field: 'title', code: 'title_empty', message: '' },
      { field: 'title', code: 'title_control_chars', message: '' },
      { field: 'links', code: 'link_to_self', message: '' },
    ]);
    expect(grouped.get('title')?.map((p) => p.code)).toEqual(['title_empty', 'title_control_chars']);
    expect(grouped.get('links')).toHaveLength(1);
  });
});
