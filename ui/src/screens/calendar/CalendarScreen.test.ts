import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { CalendarYear } from '../../ipc/bindings';

const api = vi.hoisted(() => ({
  listCalendarYears: vi.fn(),
  saveCalendarYear: vi.fn(),
  saveCalendarDays: vi.fn(),
  resetCalendarYear: vi.fn(),
}));
vi.mock('../../ipc/api', () => api);

import CalendarScreen from './CalendarScreen.svelte';
import { newYearTemplate } from './calendarText';

const y2026: CalendarYear = {
  year: 2026,
  text: 'year 2026\nholiday 2026-01-01 元旦\n',
  edited: false,
  shipped: true,
  holidays: 1,
  workdays: 0,
  days: [{ date: '2026-01-01', working: false, note: '元旦' }],
};
const y2027: CalendarYear = {
  year: 2027,
  text: 'year 2027\nholiday 2027-01-01 元旦\n',
  edited: true,
  shipped: false,
  holidays: 1,
  workdays: 0,
  days: [{ date: '2027-01-01', working: false, note: '元旦' }],
};

describe('CalendarScreen', () => {
  beforeEach(() => {
    vi.resetAllMocks();
    api.listCalendarYears.mockResolvedValue([y2026]);
  });

  it('lists the years and shows the newest one', async () => {
    render(CalendarScreen);
    expect(await screen.findByTestId('calendar-year-2026')).toBeTruthy();
    expect(screen.getByTestId('calendar-day-2026-01-01').getAttribute('aria-label')).toContain('放假 元旦');
    await fireEvent.click(screen.getByTestId('calendar-view-text'));
    const text = screen.getByTestId('calendar-text') as HTMLTextAreaElement;
    expect(text.value).toBe(y2026.text);
    expect((screen.getByTestId('calendar-save') as HTMLButtonElement).disabled).toBe(true);
  });

  it('adds the next year from a template and saves it', async () => {
    api.saveCalendarYear.mockResolvedValue(y2027);
    render(CalendarScreen);
    await fireEvent.click(await screen.findByTestId('calendar-add-year'));
    await fireEvent.click(screen.getByTestId('calendar-view-text'));
    const text = screen.getByTestId('calendar-text') as HTMLTextAreaElement;
    expect(text.value).toContain('year 2027');
    api.listCalendarYears.mockResolvedValue([y2026, y2027]);
    await fireEvent.click(screen.getByTestId('calendar-save'));
    await waitFor(() => expect(api.saveCalendarYear).toHaveBeenCalledWith(newYearTemplate(2027)));
    expect(await screen.findByTestId('calendar-reset')).toBeTruthy();
  });

  it('shows the backend refusal and keeps the text', async () => {
    api.saveCalendarYear.mockRejectedValue({ code: 'invalid_argument', message: 'the calendar does not read: line 2: 2027-02-30 is not a date', problems: [] });
    render(CalendarScreen);
    await fireEvent.click(await screen.findByTestId('calendar-view-text'));
    const text = (await screen.findByTestId('calendar-text')) as HTMLTextAreaElement;
    await fireEvent.input(text, { target: { value: 'year 2027\nholiday 2027-02-30 x\n' } });
    await fireEvent.click(screen.getByTestId('calendar-save'));
    expect(await screen.findByText(/line 2/)).toBeTruthy();
    expect(text.value).toContain('2027-02-30');
  });

  it('marks days off on the month grid with a note and saves them as days', async () => {
    api.saveCalendarDays.mockResolvedValue({ ...y2026, edited: true, holidays: 3 });
    render(CalendarScreen);
    await fireEvent.input(await screen.findByTestId('calendar-note'), { target: { value: '地方假日' } });
    const tenth = screen.getByTestId('calendar-day-2026-03-10');
    await fireEvent.pointerDown(tenth, { button: 0 });
    await fireEvent.pointerDown(screen.getByTestId('calendar-day-2026-03-12'), { button: 0, shiftKey: true });
    expect(tenth.getAttribute('aria-label')).toContain('放假 地方假日');
    await fireEvent.click(screen.getByTestId('calendar-tool-workday'));
    await fireEvent.keyDown(screen.getByTestId('calendar-day-2026-03-12'), { key: 'ArrowDown' });
    await fireEvent.keyDown(screen.getByTestId('calendar-day-2026-03-19'), { key: 'Enter' });
    await fireEvent.click(screen.getByTestId('calendar-save'));
    await waitFor(() =>
      expect(api.saveCalendarDays).toHaveBeenCalledWith(2026, [
        { date: '2026-01-01', working: false, note: '元旦' },
        { date: '2026-03-10', working: false, note: '地方假日' },
        { date: '2026-03-11', working: false, note: '地方假日' },
        { date: '2026-03-12', working: false, note: '地方假日' },
        { date: '2026-03-19', working: true, note: '地方假日' },
      ]),
    );
  });

  it('keeps an unsaved grid edit until it is saved or undone before showing the text', async () => {
    render(CalendarScreen);
    await fireEvent.pointerDown(await screen.findByTestId('calendar-day-2026-05-06'), { button: 0 });
    await fireEvent.click(screen.getByTestId('calendar-view-text'));
    expect(screen.getByTestId('calendar-switch-blocked')).toBeTruthy();
    expect(screen.queryByTestId('calendar-text')).toBeNull();
    await fireEvent.click(screen.getByTestId('calendar-undo'));
    await fireEvent.click(screen.getByTestId('calendar-view-text'));
    expect(screen.getByTestId('calendar-text')).toBeTruthy();
  });
});
