import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor, within } from '@testing-library/svelte';
import type { DepartmentProgress } from '../../ipc/bindings';

const departmentProgress = vi.fn();
vi.mock('../../ipc/api', () => ({ departmentProgress: () => departmentProgress() }));

const { default: ProgressScreen } = await import('./ProgressScreen.svelte');
const { catalogState } = await import('../catalog/catalogState.svelte');
const { defaultFilters } = await import('../../lib/query');
const { route } = await import('../../lib/nav.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { cellFilters, toTsv, totalsLine } = await import('./progressTable');

//                         draft review await signed exported published withdrawn not
const LINES: DepartmentProgress[] = [
  { department_id: 'd-gfc', department_name: '规法处', by_status: [2, 3, 1, 4, 0, 5, 0, 1], total: 16, overdue: 2, due_this_week: 1 },
  { department_id: 'd-xqc', department_name: '学前处', by_status: [1, 0, 0, 0, 0, 2, 1, 0], total: 4, overdue: 0, due_this_week: 1 },
  { department_id: null, department_name: '', by_status: [3, 0, 0, 0, 0, 0, 0, 0], total: 3, overdue: 1, due_this_week: 0 },
];

beforeEach(() => {
  departmentProgress.mockReset();
  departmentProgress.mockResolvedValue(LINES);
  catalogState.filters = defaultFilters();
  route.screen = 'progress';
  setLang('zh-CN');
});

describe('ProgressScreen', () => {
  it('shows each department with its counts by status, a totals row, and status as colour plus text', async () => {
    const { findByTestId, getAllByTestId, getByTestId } = render(ProgressScreen);
    const table = await findByTestId('progress-table');
    const headers = [...table.querySelectorAll('thead th')].map((th) => th.textContent?.trim());
    expect(headers).toEqual(['部门', '草稿', '审查中', '待签批', '已签批', '已导出', '已发布', '已撤销公开', '不予公开', '合计', '逾期', '本周到期']);
    expect(table.querySelectorAll('thead .badge')).toHaveLength(8);

    const rows = getAllByTestId('progress-row');
    expect(rows.map((r) => r.querySelector('th')?.textContent)).toEqual(['规法处', '学前处', '（未定牵头部门）']);
    expect(getByTestId('progress-cell-d-gfc-in_review').textContent).toBe('3');
    expect(getByTestId('progress-cell-d-gfc-overdue').textContent).toBe('2');
    expect(getByTestId('progress-cell-d-gfc-overdue').closest('td')?.className).toContain('overdue');
    expect(getByTestId('progress-cell-d-xqc-due_this_week').textContent).toBe('1');
    expect(getByTestId('progress-cell-none-draft').textContent).toBe('3');

    const totals = getByTestId('progress-totals');
    expect(within(totals).getByText('合计', { selector: 'th' })).toBeTruthy();
    expect(getByTestId('progress-cell-all-draft').textContent).toBe('6');
    expect(getByTestId('progress-cell-all-published').textContent).toBe('7');
    expect(getByTestId('progress-cell-all-total').textContent).toBe('23');
    expect(getByTestId('progress-cell-all-overdue').textContent).toBe('3');
    expect(getByTestId('progress-cell-all-due_this_week').textContent).toBe('2');
  });

  it('opens the catalog on the items of a count', async () => {
    const { findByTestId } = render(ProgressScreen);
    const cell = await findByTestId('progress-cell-d-gfc-awaiting_signoff');
    expect(cell.tagName).toBe('BUTTON');
    await fireEvent.click(cell);
    expect(route.screen).toBe('catalog');
    expect(catalogState.filters).toMatchObject({ departmentId: 'd-gfc', status: 'awaiting_signoff', due: null, view: null, text: '' });
  });

  it('opens overdue items of a department, and every department\'s from the totals row', async () => {
    const { findByTestId, getByTestId } = render(ProgressScreen);
    await fireEvent.click(await findByTestId('progress-cell-d-gfc-overdue'));
    expect(catalogState.filters).toMatchObject({ departmentId: 'd-gfc', status: null, due: 'overdue' });
    route.screen = 'progress';
    await fireEvent.click(getByTestId('progress-cell-all-due_this_week'));
    expect(catalogState.filters).toMatchObject({ departmentId: null, status: null, due: 'due_this_week' });
  });

  it('does not offer zero counts or the items without a lead department as links', async () => {
    const { findByTestId, getByTestId } = render(ProgressScreen);
    expect((await findByTestId('progress-cell-d-gfc-exported')).tagName).toBe('SPAN');
    expect(getByTestId('progress-cell-none-draft').tagName).toBe('SPAN');
    expect(getByTestId('progress-cell-none-draft').getAttribute('title')).toContain('无法在目录中单独筛选');
  });

  it('copies the table as tab-separated text for a report', async () => {
    const writeText = vi.fn(async (_text: string) => undefined);
    Object.defineProperty(navigator, 'clipboard', { value: { writeText }, configurable: true });
    const { findByTestId, getByTestId } = render(ProgressScreen);
    await findByTestId('progress-table');
    await fireEvent.click(getByTestId('progress-copy'));
    await waitFor(() => expect(getByTestId('progress-copy-state').textContent).toContain('已复制'));
    const text = writeText.mock.calls[0][0];
    const lines = text.trimEnd().split('\r\n').map((l) => l.split('\t'));
    expect(lines[0]).toEqual(['部门', '草稿', '审查中', '待签批', '已签批', '已导出', '已发布', '已撤销公开', '不予公开', '合计', '逾期', '本周到期']);
    expect(lines[1]).toEqual(['规法处', '2', '3', '1', '4', '0', '5', '0', '1', '16', '2', '1']);
    expect(lines[3][0]).toBe('（未定牵头部门）');
    expect(lines[4]).toEqual(['合计', '6', '3', '1', '4', '0', '7', '1', '1', '23', '3', '2']);
  });

  it('says when there is nothing to count, and shows a failure with a retry', async () => {
    departmentProgress.mockResolvedValueOnce([]);
    const empty = render(ProgressScreen);
    expect((await empty.findByTestId('progress-empty')).textContent).toContain('还没有事项');
    empty.unmount();

    departmentProgress.mockRejectedValueOnce({ code: 'storage', message: 'disk I/O error', problems: [] });
    const { findByTestId, getByTestId } = render(ProgressScreen);
    await findByTestId('error-banner');
    await fireEvent.click(getByTestId('error-retry'));
    await findByTestId('progress-table');
  });
});

describe('progress table helpers', () => {
  it('sums the departments and maps a cell to catalog filters', () => {
    const totals = totalsLine(LINES, 'Total');
    expect(totals).toMatchObject({ department_id: null, total: 23, overdue: 3, due_this_week: 2 });
    expect(totals.by_status).toEqual([6, 3, 1, 4, 0, 7, 1, 1]);
    expect(cellFilters('d1', 'total')).toMatchObject({ departmentId: 'd1', status: null, due: null });
    expect(cellFilters('d1', 'published')).toMatchObject({ departmentId: 'd1', status: 'published' });
  });

  it('keeps tabs and line breaks in names from breaking the text table', () => {
    expect(toTsv(['a', 'b'], [['x\ty', 1]])).toBe('a\tb\r\nx y\t1\r\n');
  });
});
