import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { ItemQuery, ItemSummary } from '../../ipc/bindings';

const listItems = vi.fn();
const printListedSheets = vi.fn();
vi.mock('../../ipc/api', () => ({
  listItems: (q: ItemQuery) => listItems(q),
  printListedSheets: (q: ItemQuery, save: boolean) => printListedSheets(q, save),
}));

const { default: CatalogScreen } = await import('./CatalogScreen.svelte');
const { catalogState } = await import('./catalogState.svelte');
const { defaultFilters } = await import('../../lib/query');
const { setLang } = await import('../../i18n/index.svelte');
const { session } = await import('../../lib/session.svelte');

const ME = { id: 'p1', name: '王芳', department_id: 'd-gfc', roles: ['clerk' as const] };

function withPerson(person: typeof ME | null) {
  session.info = {
    version: '0.1.0',
    data_dir: '/data',
    database_path: '/data/catalog.db',
    log_dir: '/data/logs',
    device_id: 'pc-1',
    current_person: person,
    item_count: 50,
    set_aside_files: [],
    sample: { state: 'none' },
    synced: false,
    devices: [],
  };
}

/** Totals per tab: the view, or the attention due filter, or every item. */
function viewBackend(totals: Record<string, number>) {
  listItems.mockImplementation(async (q: ItemQuery) => {
    const tab = q.view ?? (q.due === 'overdue_or_due_this_week' ? 'attention' : 'all');
    const total = totals[tab] ?? 0;
    return {
      items: Array.from({ length: Math.max(0, Math.min(q.limit, total - q.offset)) }, (_, i) => row(q.offset + i)),
      total,
      offset: q.offset,
    };
  });
}

function row(i: number): ItemSummary {
  return {
    id: `item-${i}`,
    index_no: `IDX-${i}`,
    title: `事项 ${i}`,
    doc_no: '',
    status: 'draft',
    disclosure: 'proactive',
    category_name: null,
    lead_department_name: null,
    date_written: null,
    due_date: null,
    overdue_days: null,
    days_left: null,
    clerk_name: null,
    changed_after_signoff: [],
    updated_at: '',
    hits: [],
  };
}

function backend(total: number) {
  listItems.mockImplementation(async (q: ItemQuery) => ({
    items: Array.from({ length: Math.max(0, Math.min(q.limit, total - q.offset)) }, (_, i) => row(q.offset + i)),
    total,
    offset: q.offset,
  }));
}

beforeEach(() => {
  listItems.mockReset();
  printListedSheets.mockReset();
  catalogState.filters = defaultFilters();
  catalogState.selected = -1;
  catalogState.scrollTop = 0;
  session.info = null;
  session.chooserOpen = false;
  setLang('zh-CN');
});

describe('CatalogScreen', () => {
  it('shows the total and renders only a window of rows out of 100,000', async () => {
    backend(100_000);
    const { getByTestId, getAllByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('catalog-total').textContent).toContain('100000'));
    await waitFor(() => expect(getAllByTestId('item-row').length).toBeGreaterThan(5));
    expect(getAllByTestId('item-row').length).toBeLessThan(100);
    const pages = listItems.mock.calls.filter(([q]) => q.limit === 200);
    expect(pages).toHaveLength(1);
    expect(pages[0][0]).toMatchObject({ offset: 0, limit: 200, text: '', view: null });
  });

  it('searches as you type, after a short pause', async () => {
    backend(50);
    const { getByTestId } = render(CatalogScreen);
    await waitFor(() => expect(listItems.mock.calls.some(([q]) => q.limit === 200)).toBe(true));
    const input = getByTestId('search-input') as HTMLInputElement;
    await fireEvent.input(input, { target: { value: '招生' } });
    await waitFor(() => expect(listItems.mock.calls.some(([q]) => q.text === '招生')).toBe(true));
  });

  it('moves the selection with the arrow keys', async () => {
    backend(10);
    const { getAllByTestId, getByRole } = render(CatalogScreen);
    await waitFor(() => expect(getAllByTestId('item-row').length).toBe(10));
    const grid = getByRole('grid');
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    await fireEvent.keyDown(grid, { key: 'ArrowDown' });
    expect(catalogState.selected).toBe(1);
    expect(getAllByTestId('item-row')[1].getAttribute('aria-selected')).toBe('true');
  });

  it('shows a hint when the catalog is empty', async () => {
    backend(0);
    const { findByText, getByTestId } = render(CatalogScreen);
    expect(await findByText('目录中还没有事项')).toBeTruthy();
    expect(getByTestId('catalog-total').textContent).toContain('0');
  });

  it('shows a translated banner, with the backend detail beneath, when the list cannot be read', async () => {
    listItems.mockRejectedValue({ code: 'storage', message: 'disk I/O error', problems: [] });
    const { findByTestId, getByTestId } = render(CatalogScreen);
    const banner = await findByTestId('error-banner');
    const headline = banner.querySelector('.headline')?.textContent ?? '';
    expect(headline).toContain('保存数据时出错');
    expect(headline).not.toContain('disk I/O error');
    expect(getByTestId('error-detail').textContent).toBe('disk I/O error');
  });

  it('counts every tab and lists the chosen view', async () => {
    withPerson(ME);
    viewBackend({ all: 50, my_work: 3, my_department: 12, awaiting_my_signoff: 1, attention: 4 });
    const { getByTestId, getAllByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('view-count-my_work').textContent).toContain('3'));
    expect(getByTestId('view-count-all').textContent).toContain('50');
    expect(getByTestId('view-count-my_department').textContent).toContain('12');
    expect(getByTestId('view-count-awaiting_my_signoff').textContent).toContain('1');
    expect(getByTestId('view-count-attention').textContent).toContain('4');
    const counted = listItems.mock.calls.filter(([q]) => q.limit === 1).map(([q]) => q.view);
    expect(counted.sort()).toEqual(['awaiting_my_signoff', 'my_department', 'my_work', null, null].sort());
    expect(getByTestId('view-all').getAttribute('aria-pressed')).toBe('true');

    await fireEvent.click(getByTestId('view-my_work'));
    await waitFor(() => expect(getAllByTestId('item-row')).toHaveLength(3));
    const last = listItems.mock.calls.filter(([q]) => q.limit === 200).at(-1)?.[0];
    expect(last).toMatchObject({ view: 'my_work', due: null, sort: 'due_date' });
    expect(getByTestId('view-my_work').getAttribute('aria-pressed')).toBe('true');
    expect(getByTestId('catalog-total').textContent).toContain('3');

    await fireEvent.click(getByTestId('view-awaiting_my_signoff'));
    await waitFor(() => expect(getAllByTestId('item-row')).toHaveLength(1));
    expect(listItems.mock.calls.filter(([q]) => q.limit === 200).at(-1)?.[0]).toMatchObject({ view: 'awaiting_my_signoff' });

    await fireEvent.click(getByTestId('view-attention'));
    await waitFor(() => expect(getAllByTestId('item-row')).toHaveLength(4));
    expect(listItems.mock.calls.filter(([q]) => q.limit === 200).at(-1)?.[0]).toMatchObject({
      view: null,
      due: 'overdue_or_due_this_week',
    });

    await fireEvent.click(getByTestId('view-my_department'));
    await waitFor(() => expect(getAllByTestId('item-row')).toHaveLength(12));
    expect(listItems.mock.calls.filter(([q]) => q.limit === 200).at(-1)?.[0]).toMatchObject({ view: 'my_department' });

    // Items changed elsewhere: the counts are asked again, and the old ones stay meanwhile.
    viewBackend({ all: 51, my_work: 4, my_department: 12, awaiting_my_signoff: 1, attention: 4 });
    const before = listItems.mock.calls.filter(([q]) => q.limit === 1).length;
    session.itemsVersion++;
    expect(getByTestId('view-count-my_work').textContent).toContain('3');
    await waitFor(() => expect(getByTestId('view-count-my_work').textContent).toContain('4'));
    expect(getByTestId('view-count-all').textContent).toContain('51');
    expect(listItems.mock.calls.filter(([q]) => q.limit === 1).length).toBe(before + 5);
  });

  it('asks for the view counts only once the first page has been answered', async () => {
    withPerson(ME);
    let answerPage: () => void = () => {};
    const pageAnswered = new Promise<void>((resolve) => (answerPage = resolve));
    listItems.mockImplementation(async (q: ItemQuery) => {
      if (q.limit === 200) await pageAnswered;
      return { items: q.limit === 200 ? [row(0)] : [], total: 1, offset: 0 };
    });
    const { getByTestId, findAllByTestId } = render(CatalogScreen);
    await waitFor(() => expect(listItems.mock.calls.some(([q]) => q.limit === 200)).toBe(true));
    // A while with the page still on its way: no count has been sent.
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(listItems.mock.calls.filter(([q]) => q.limit === 1)).toHaveLength(0);
    answerPage();
    expect(await findAllByTestId('item-row')).toHaveLength(1);
    await waitFor(() => expect(getByTestId('view-count-all').textContent).toContain('1'));
    expect(listItems.mock.calls.filter(([q]) => q.limit === 1)).toHaveLength(5);
    expect(listItems.mock.calls[0][0].limit).toBe(200);
  });

  it('asks who you are before a personal view, without asking the backend', async () => {
    withPerson(null);
    viewBackend({ all: 50, attention: 4 });
    const { getByTestId, queryByTestId, findByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('view-count-all').textContent).toContain('50'));
    expect(queryByTestId('view-count-my_work')).toBeNull();

    await fireEvent.click(getByTestId('view-my_work'));
    const prompt = await findByTestId('view-need-person');
    expect(prompt.textContent).toContain('先选择你是谁');
    expect(queryByTestId('item-row')).toBeNull();
    expect(listItems.mock.calls.some(([q]) => q.view !== null)).toBe(false);

    await fireEvent.click(getByTestId('view-choose-person'));
    expect(session.chooserOpen).toBe(true);

    // Once a person is chosen, the view lists their items.
    viewBackend({ all: 50, my_work: 2, attention: 4 });
    withPerson(ME);
    await waitFor(() => expect(queryByTestId('view-need-person')).toBeNull());
    await waitFor(() => expect(listItems.mock.calls.some(([q]) => q.view === 'my_work' && q.limit === 200)).toBe(true));
  });

  it('says what "my department" needs when the person has no department', async () => {
    withPerson({ ...ME, department_id: null } as unknown as typeof ME);
    viewBackend({ all: 5 });
    const { getByTestId, findByTestId } = render(CatalogScreen);
    await fireEvent.click(getByTestId('view-my_department'));
    expect((await findByTestId('view-need-department')).textContent).toContain('部门');
    expect(listItems.mock.calls.some(([q]) => q.view === 'my_department' && q.limit === 200)).toBe(false);
  });

  it('says an empty view is empty in its own words', async () => {
    withPerson(ME);
    viewBackend({ all: 5, awaiting_my_signoff: 0 });
    const { getByTestId, findByTestId } = render(CatalogScreen);
    await fireEvent.click(getByTestId('view-awaiting_my_signoff'));
    expect((await findByTestId('view-empty')).textContent).toBe('没有等你签批的事项。');
  });

  it('prints the sheets of what the list shows: its search and filters, not its page', async () => {
    backend(37);
    printListedSheets.mockResolvedValue({ path: '/tmp/x.pdf', bytes: 1, sheets: [], bundle_id: null, items: 37 });
    catalogState.filters = { ...defaultFilters(), text: '招生', status: 'signed_off', sort: 'title', descending: true };
    const { getByTestId, findByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('catalog-total').textContent).toContain('37'));
    await fireEvent.click(getByTestId('catalog-print'));
    const dialog = await findByTestId('print-list-dialog');
    expect(dialog.textContent).toContain('37 项');
    await fireEvent.click(getByTestId('print-list-save'));
    expect(printListedSheets).toHaveBeenCalledTimes(1);
    const [query, save] = printListedSheets.mock.calls[0];
    expect(save).toBe(true);
    expect(query).toMatchObject({ text: '招生', status: 'signed_off', sort: 'title', descending: true, view: null });
    await fireEvent.click(getByTestId('print-list-print'));
    expect(printListedSheets.mock.calls[1][1]).toBe(false);
    await fireEvent.click(getByTestId('print-list-close'));
    await waitFor(() => expect(document.querySelector('[data-testid=print-list-dialog]')).toBeNull());
  });

  it('says a list longer than one print may hold is too long, and offers no print', async () => {
    backend(2001);
    const { getByTestId, findByTestId, queryByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('catalog-total').textContent).toContain('2001'));
    await fireEvent.click(getByTestId('catalog-print'));
    const tooMany = await findByTestId('print-list-too-many');
    expect(tooMany.textContent).toContain('2001');
    expect(tooMany.textContent).toContain('2000');
    expect(queryByTestId('print-list-print')).toBeNull();
    expect(printListedSheets).not.toHaveBeenCalled();
  });

  it('shows the backend\'s refusal to print too many by its code', async () => {
    backend(12);
    printListedSheets.mockRejectedValue({ code: 'print_too_many', message: '2001 items chosen', problems: [] });
    const { getByTestId, findByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('catalog-total').textContent).toContain('12'));
    await fireEvent.click(getByTestId('catalog-print'));
    await fireEvent.click(await findByTestId('print-list-print'));
    expect((await findByTestId('error-banner')).textContent).toContain('缩小列表');
  });
});
