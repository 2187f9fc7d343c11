import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { ItemQuery, ItemSummary } from '../../ipc/bindings';

const listItems = vi.fn();
vi.mock('../../ipc/api', () => ({ listItems: (q: ItemQuery) => listItems(q) }));

const { default: CatalogScreen } = await import('./CatalogScreen.svelte');
const { catalogState } = await import('./catalogState.svelte');
const { defaultFilters } = await import('../../lib/query');
const { setLang } = await import('../../i18n/index.svelte');

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
    updated_at: '',
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
  catalogState.filters = defaultFilters();
  catalogState.selected = -1;
  catalogState.scrollTop = 0;
  setLang('zh-CN');
});

describe('CatalogScreen', () => {
  it('shows the total and renders only a window of rows out of 100,000', async () => {
    backend(100_000);
    const { getByTestId, getAllByTestId } = render(CatalogScreen);
    await waitFor(() => expect(getByTestId('catalog-total').textContent).toContain('100000'));
    await waitFor(() => expect(getAllByTestId('item-row').length).toBeGreaterThan(5));
    expect(getAllByTestId('item-row').length).toBeLessThan(100);
    expect(listItems).toHaveBeenCalledTimes(1);
    expect(listItems.mock.calls[0][0]).toMatchObject({ offset: 0, limit: 200, text: '' });
  });

  it('searches as you type, after a short pause', async () => {
    backend(50);
    const { getByTestId } = render(CatalogScreen);
    await waitFor(() => expect(listItems).toHaveBeenCalledTimes(1));
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
});
