// The month grid of one calendar year: which days are off or make-up workdays, as the office marks
// them by pointing. The domain writes the year file from these marks and checks it (workdays.rs);
// this module only lays out the months and keeps the marks.

import type { CalendarDay } from '../../ipc/bindings';

export type Mark = { working: boolean; note: string };
export type Marks = ReadonlyMap<string, Mark>;

/** What a click on a day does: mark it off, mark it a make-up workday, or take the mark away. */
export type Tool = 'holiday' | 'workday' | 'clear';

export interface DayCell {
  date: string;
  day: number;
  /** Monday 0 … Sunday 6, as Chinese calendars start the week. */
  weekday: number;
  weekend: boolean;
}

export interface Month {
  month: number;
  /** Blank cells before the 1st, so the 1st sits under its weekday. */
  lead: number;
  days: DayCell[];
}

const MS_PER_DAY = 86_400_000;

function utc(date: string): Date {
  return new Date(`${date}T00:00:00Z`);
}

function iso(date: Date): string {
  return date.toISOString().slice(0, 10);
}

/** `date` moved by `days` (negative goes back). */
export function shiftDate(date: string, days: number): string {
  return iso(new Date(utc(date).getTime() + days * MS_PER_DAY));
}

export function weekdayOf(date: string): number {
  return (utc(date).getUTCDay() + 6) % 7;
}

/** The twelve months of `year`, each day with its weekday. */
export function monthsOf(year: number): Month[] {
  const months: Month[] = [];
  for (let month = 1; month <= 12; month++) {
    const length = new Date(Date.UTC(year, month, 0)).getUTCDate();
    const days: DayCell[] = [];
    for (let day = 1; day <= length; day++) {
      const date = `${String(year).padStart(4, '0')}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
      const weekday = weekdayOf(date);
      days.push({ date, day, weekday, weekend: weekday >= 5 });
    }
    months.push({ month, lead: days[0].weekday, days });
  }
  return months;
}

export function marksOf(days: readonly CalendarDay[]): Map<string, Mark> {
  return new Map(days.map((d) => [d.date, { working: d.working, note: d.note }]));
}

/** The marks after the tool is used on `dates`; a mark the day already has keeps its note when none is given. */
export function applyTool(marks: Marks, dates: readonly string[], tool: Tool, note: string): Map<string, Mark> {
  const next = new Map(marks);
  const typed = note.trim();
  for (const date of dates) {
    if (tool === 'clear') {
      next.delete(date);
      continue;
    }
    const working = tool === 'workday';
    const before = next.get(date);
    next.set(date, { working, note: typed || (before?.working === working ? before.note : '') });
  }
  return next;
}

/** Every day from `from` to `to`, either way round. */
export function datesBetween(from: string, to: string): string[] {
  const [start, end] = from <= to ? [from, to] : [to, from];
  const dates: string[] = [];
  for (let date = start; date <= end; date = shiftDate(date, 1)) dates.push(date);
  return dates;
}

export function daysOf(marks: Marks): CalendarDay[] {
  return [...marks.entries()]
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([date, mark]) => ({ date, working: mark.working, note: mark.note }));
}

export function sameMarks(a: Marks, b: Marks): boolean {
  if (a.size !== b.size) return false;
  for (const [date, mark] of a) {
    const other = b.get(date);
    if (!other || other.working !== mark.working || other.note !== mark.note) return false;
  }
  return true;
}

/** Whether a day is worked once the marks are applied to the Monday-to-Friday week. */
export function isWorking(cell: DayCell, marks: Marks): boolean {
  return marks.get(cell.date)?.working ?? !cell.weekend;
}
