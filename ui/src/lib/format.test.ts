import { describe, expect, it } from 'vitest';
import { formatDate, formatDateTime, shortDeviceId } from './format';

describe('formatDate', () => {
  const check = (iso: string | null, zh: string, en: string) => {
    expect(formatDate(iso, 'zh-CN')).toBe(zh);
    expect(formatDate(iso, 'en')).toBe(en);
  };
  it('writes dates as people read them', () => {
    check('2026-11-24', '2026年11月24日', '2026-11-24');
    check('2019-03-05', '2019年3月5日', '2019-03-05');
    check('2020-02-29', '2020年2月29日', '2020-02-29');
    check(null, '', '');
    check('not a date', 'not a date', 'not a date');
  });
});

describe('formatDateTime', () => {
  it('shows local date and time to the minute', () => {
    const at = new Date(2026, 10, 24, 9, 5, 30).toISOString();
    expect(formatDateTime(at, 'zh-CN')).toBe('2026年11月24日 09:05');
    expect(formatDateTime(at, 'en')).toBe('2026-11-24 09:05');
    expect(formatDateTime('garbage', 'en')).toBe('garbage');
    expect(formatDateTime('', 'en')).toBe('');
  });
});

describe('shortDeviceId', () => {
  it('keeps eight characters', () => {
    expect(shortDeviceId('a3f9c2d17e4b4c0e')).toBe('a3f9c2d1');
    expect(shortDeviceId('pc1')).toBe('pc1');
  });
});
