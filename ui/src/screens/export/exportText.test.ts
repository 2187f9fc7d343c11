import { describe, expect, it } from 'vitest';
import zhCN from '../../i18n/zh-CN';
import en from '../../i18n/en';
import { BUNDLE_PROBLEMS, EXCLUSIONS, EXPORT_ERRORS, FEEDBACK_CODES, FEEDBACK_OUTCOMES, percent, reportYear, sizeText } from './exportText';

function lookup(messages: unknown, path: string): unknown {
  return path.split('.').reduce<unknown>((node, key) => (node && typeof node === 'object' ? (node as Record<string, unknown>)[key] : undefined), messages);
}

describe('export screen words', () => {
  const keys = [
    ...EXCLUSIONS.map((c) => `bundle.exclusion.${c}`),
    ...BUNDLE_PROBLEMS.map((c) => `bundle.problem.${c}`),
    ...FEEDBACK_CODES.map((c) => `bundle.feedbackCode.${c}`),
    ...FEEDBACK_OUTCOMES.map((c) => `bundle.outcome.${c}`),
    ...EXPORT_ERRORS.map((c) => `errors.${c}`),
  ];
  for (const [name, messages] of [['zh-CN', zhCN], ['en', en]] as const) {
    it(`${name} translates every code the backend gives`, () => {
      const missing = keys.filter((k) => typeof lookup(messages, k) !== 'string' || lookup(messages, k) === '');
      expect(missing).toEqual([]);
    });
  }
});

describe('numbers', () => {
  it.each([
    [0, '0.0 KB'],
    [1536, '1.5 KB'],
    [5 * 1024 * 1024, '5.0 MB'],
    [3 * 1024 * 1024 * 1024, '3.00 GB'],
  ])('sizeText(%d) = %s', (bytes, text) => expect(sizeText(bytes)).toBe(text));

  it.each([
    [0, 0, 0],
    [5, 10, 50],
    [10, 10, 100],
    [11, 10, 100],
    [1, 3, 33],
  ])('percent(%d, %d) = %d', (done, total, p) => expect(percent(done, total)).toBe(p));

  it('the report is for last year', () => {
    expect(reportYear(new Date(2026, 0, 15))).toBe(2025);
  });
});
