import { describe, expect, it } from 'vitest';
import { applyTool, datesBetween, daysOf, isWorking, marksOf, monthsOf, sameMarks, shiftDate, weekdayOf } from './monthGrid';

describe('monthGrid', () => {
  it('lays out a year in months starting on Monday', () => {
    const months = monthsOf(2019);
    expect(months).toHaveLength(12);
    expect(months.map((m) => m.days.length)).toEqual([31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]);
    // 2019-01-01 was a Tuesday; 2019-02-04 (除夕) a Monday.
    expect(months[0].lead).toBe(1);
    expect(weekdayOf('2019-02-04')).toBe(0);
    expect(monthsOf(2024)[1].days).toHaveLength(29);
    const saturday = months[1].days[1];
    expect(saturday).toMatchObject({ date: '2019-02-02', weekday: 5, weekend: true });
  });

  it('moves across months and years', () => {
    expect(shiftDate('2019-02-28', 1)).toBe('2019-03-01');
    expect(shiftDate('2019-01-03', -7)).toBe('2018-12-27');
    expect(datesBetween('2019-02-10', '2019-02-04')).toEqual(['2019-02-04', '2019-02-05', '2019-02-06', '2019-02-07', '2019-02-08', '2019-02-09', '2019-02-10']);
  });

  it('marks, re-marks and clears days, keeping a note unless a new one is typed', () => {
    const start = marksOf([{ date: '2019-02-04', working: false, note: '春节' }]);
    const marked = applyTool(start, ['2019-02-04', '2019-02-05'], 'holiday', '');
    expect(daysOf(marked)).toEqual([
      { date: '2019-02-04', working: false, note: '春节' },
      { date: '2019-02-05', working: false, note: '' },
    ]);
    const switched = applyTool(marked, ['2019-02-04'], 'workday', '');
    expect(switched.get('2019-02-04')).toEqual({ working: true, note: '' });
    const named = applyTool(marked, ['2019-02-05'], 'holiday', ' 春节 ');
    expect(named.get('2019-02-05')?.note).toBe('春节');
    const cleared = applyTool(named, ['2019-02-04', '2019-02-05'], 'clear', '');
    expect(cleared.size).toBe(0);
    expect(start.size).toBe(1);
  });

  it('compares marks and tells worked days', () => {
    const a = marksOf([{ date: '2019-02-02', working: true, note: '调休' }]);
    expect(sameMarks(a, marksOf([{ date: '2019-02-02', working: true, note: '调休' }]))).toBe(true);
    expect(sameMarks(a, marksOf([{ date: '2019-02-02', working: true, note: '' }]))).toBe(false);
    const saturday = monthsOf(2019)[1].days[1];
    const monday = monthsOf(2019)[1].days[3];
    expect(isWorking(saturday, a)).toBe(true);
    expect(isWorking(saturday, new Map())).toBe(false);
    expect(isWorking(monday, applyTool(a, [monday.date], 'holiday', ''))).toBe(false);
  });
});
