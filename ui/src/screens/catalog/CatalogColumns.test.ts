// The catalog's columns in the screen: sized from the items, resized by pointer and keyboard,
// hidden from the 列 menu, remembered per person, and fitted to a narrow window.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { ItemQuery, ItemSummary } from '../../ipc/bindings';

const listItems = vi.fn();
vi.mock('../../ipc/api', () => ({ listItems: (q: ItemQuery) => listItems(q) }));

const { default: CatalogScreen } = await import('./CatalogScreen.svelte');
const { catalogState } = await import('./catalogState.svelte');
const { defaultFilters } = await import('../../lib/query');
const { setLang } = await import('../../i18n/index.svelte');
const { session } = await import('../../lib/session.svelte');
const { route } = await import('../../lib/nav.svelte');
const { contentWidths, emptySeen, observeItems } = await import('./columnLayout');
const { prefsKey } = await import('./columnPrefs');

type Person = { id: string; name: string; department_id: string; roles: 'clerk'[] };
const WANG: Person = { id: 'p1', name: '王芳', department_id: 'd-gfc', roles: ['clerk'] };
const LI: Person = { id: 'p2', name: '李强', department_id: 'd-gfc', roles: ['clerk'] };

function withPerson(person: Person | null) {
  session.info = {
    version: '0.1.0',
    data_dir: '/data',
    database_path: '/data/catalog.db',
    log_dir: '/data/logs',
    device_id: 'pc-1',
    current_person: person,
    item_count: 5,
    set_aside_files: [],
    sample: { state: 'none' },
    synced: false,
    devices: [],
  };
}

function row(i: number): ItemSummary {
  return {
    id: `item-${i}`,
    index_no: `11500000MB1234567X/2026-0000${i}`,
    title: `关于印发《大连市教育局2019年招生工作实施方案》的通知 ${i}`,
    doc_no: '大教发〔2019〕12号',
    status: 'draft',
    disclosure: 'proactive',
    category_name: null,
    lead_department_name: '规法处',
    date_written: '2025-04-10',
    due_date: '2025-05-09',
    overdue_days: i === 0 ? 12 : null,
    days_left: i === 0 ? null : 3,
    clerk_name: '王芳',
    changed_after_signoff: [],
    updated_at: '',
    hits: [],
  };
}

const ITEMS = Array.from({ length: 5 }, (_, i) => row(i));

function expectedWidths() {
  const seen = emptySeen();
  observeItems(seen, ITEMS);
  return contentWidths(seen, 'zh-CN');
}

const heads = (container: HTMLElement) =>
  [...container.querySelectorAll('[role=columnheader]')].map((h) => h.getAttribute('data-testid')?.replace('column-head-', ''));

function listArea(container: HTMLElement): HTMLElement {
  return container.querySelector('[data-testid=catalog-list-area]') as HTMLElement;
}

async function shown() {
  const view = render(CatalogScreen);
  await waitFor(() => expect(view.getAllByTestId('item-row')).toHaveLength(5));
  return view;
}

beforeEach(() => {
  localStorage.clear();
  listItems.mockReset();
  listItems.mockImplementation(async (q: ItemQuery) => ({ items: ITEMS.slice(q.offset, q.offset + q.limit), total: ITEMS.length, offset: q.offset }));
  catalogState.filters = defaultFilters();
  catalogState.selected = -1;
  catalogState.scrollTop = 0;
  route.screen = 'catalog';
  withPerson(WANG);
  setLang('zh-CN');
});

afterEach(() => vi.restoreAllMocks());

describe('catalog columns', () => {
  it('sizes the columns from the loaded items, the title taking what is left', async () => {
    const { container, getAllByTestId } = await shown();
    const widths = expectedWidths();
    const template = listArea(container).style.getPropertyValue('--catalog-columns');
    expect(template).toBe(
      `${widths.index_no}px minmax(160px, 1fr) ${widths.doc_no}px ${widths.status}px ${widths.lead_department}px ${widths.clerk}px ${widths.date_written}px ${widths.due_date}px`,
    );
    expect(listArea(container).style.getPropertyValue('--catalog-min-width')).toMatch(/^\d+px$/);
    expect(heads(container)).toEqual(['index_no', 'title', 'doc_no', 'status', 'lead_department', 'clerk', 'date_written', 'due_date']);
    expect(getAllByTestId('item-row-title')[0].getAttribute('title')).toBe(ITEMS[0].title);
  });

  it('resizes a column by dragging its edge, within its minimum, and remembers it', async () => {
    const { getByTestId } = await shown();
    const start = expectedWidths().doc_no;
    const handle = getByTestId('resize-doc_no');
    expect(handle.getAttribute('role')).toBe('separator');
    expect(handle.getAttribute('aria-orientation')).toBe('vertical');
    expect(handle.getAttribute('aria-valuenow')).toBe(String(start));
    expect(handle.getAttribute('aria-valuemin')).toBe('64');
    expect(handle.getAttribute('aria-label')).toContain('文号');
    // Right of the title the edge is on the left: dragging left widens.
    expect(handle.classList.contains('left')).toBe(true);
    await fireEvent.pointerDown(handle, { pointerId: 1, button: 0, clientX: 500 });
    await fireEvent.pointerMove(handle, { pointerId: 1, clientX: 440 });
    expect(handle.getAttribute('aria-valuenow')).toBe(String(start + 60));
    expect(localStorage.getItem(prefsKey('p1'))).toBeNull();
    await fireEvent.pointerUp(handle, { pointerId: 1, clientX: 440 });
    expect(JSON.parse(localStorage.getItem(prefsKey('p1')) ?? '{}').widths).toEqual({ doc_no: start + 60 });

    // 索引号, left of the title, widens to the right; never below its minimum.
    const index = getByTestId('resize-index_no');
    expect(index.classList.contains('left')).toBe(false);
    await fireEvent.pointerDown(index, { pointerId: 2, button: 0, clientX: 300 });
    await fireEvent.pointerMove(index, { pointerId: 2, clientX: 0 });
    await fireEvent.pointerUp(index, { pointerId: 2, clientX: 0 });
    expect(index.getAttribute('aria-valuenow')).toBe('72');
  });

  it('resizes with the arrow keys on a focused edge, and fits the content on double-click or Enter', async () => {
    const { getByTestId, container } = await shown();
    const widths = expectedWidths();
    const index = getByTestId('resize-index_no');
    expect(index.tabIndex).toBe(0);
    index.focus();
    await fireEvent.keyDown(index, { key: 'ArrowRight' });
    await fireEvent.keyDown(index, { key: 'ArrowRight' });
    expect(index.getAttribute('aria-valuenow')).toBe(String(widths.index_no + 16));
    await fireEvent.keyDown(index, { key: 'ArrowLeft', shiftKey: true });
    expect(index.getAttribute('aria-valuenow')).toBe(String(widths.index_no - 16));
    expect(listArea(container).style.getPropertyValue('--catalog-columns')).toMatch(new RegExp(`^${widths.index_no - 16}px `));

    // Left of the edge means wider for a column right of the title.
    const due = getByTestId('resize-due_date');
    await fireEvent.keyDown(due, { key: 'ArrowLeft' });
    expect(due.getAttribute('aria-valuenow')).toBe(String(widths.due_date + 8));
    expect(JSON.parse(localStorage.getItem(prefsKey('p1')) ?? '{}').widths).toEqual({ index_no: widths.index_no - 16, due_date: widths.due_date + 8 });

    await fireEvent.dblClick(due);
    expect(due.getAttribute('aria-valuenow')).toBe(String(widths.due_date));
    // Enter fits too, and does not open the selected item behind it.
    catalogState.selected = 0;
    await fireEvent.keyDown(index, { key: 'Enter' });
    expect(index.getAttribute('aria-valuenow')).toBe(String(widths.index_no));
    expect(route.screen).toBe('catalog');
    expect(JSON.parse(localStorage.getItem(prefsKey('p1')) ?? '{}').widths).toEqual({});
    // The title takes the slack: it has no edge of its own.
    expect(container.querySelector('[data-testid=resize-title]')).toBeNull();
  });

  it('hides and shows columns from the 列 menu, by keyboard, and never the title', async () => {
    const { getByTestId, queryByTestId, container } = await shown();
    const button = getByTestId('columns-menu-button');
    expect(button.textContent).toContain('列');
    expect(button.getAttribute('aria-expanded')).toBe('false');
    await fireEvent.click(button);
    expect(button.getAttribute('aria-expanded')).toBe('true');
    const menu = getByTestId('columns-menu');
    await waitFor(() => expect(document.activeElement).toBe(getByTestId('columns-menu-index_no')));
    expect((getByTestId('columns-menu-title') as HTMLInputElement).disabled).toBe(true);
    expect((getByTestId('columns-menu-title') as HTMLInputElement).checked).toBe(true);
    await fireEvent.keyDown(menu, { key: 'ArrowDown' });
    expect(document.activeElement).toBe(getByTestId('columns-menu-doc_no'));

    await fireEvent.click(getByTestId('columns-menu-doc_no'));
    expect((getByTestId('columns-menu-doc_no') as HTMLInputElement).checked).toBe(false);
    expect(heads(container)).not.toContain('doc_no');
    expect(queryByTestId('item-row-doc-no')).toBeNull();
    expect(container.querySelector('[data-testid=item-row]')?.querySelectorAll('[role=gridcell]')).toHaveLength(7);
    expect(listArea(container).style.getPropertyValue('--catalog-columns').split(' ')).toHaveLength(8);
    expect(JSON.parse(localStorage.getItem(prefsKey('p1')) ?? '{}').hidden).toEqual({ doc_no: true });

    await fireEvent.keyDown(getByTestId('columns-menu-doc_no'), { key: 'Escape' });
    expect(queryByTestId('columns-menu')).toBeNull();
    expect(document.activeElement).toBe(button);

    await fireEvent.click(button);
    await fireEvent.click(getByTestId('columns-menu-doc_no'));
    expect(heads(container)).toContain('doc_no');
    // A click elsewhere closes it.
    await fireEvent.pointerDown(document.body);
    expect(queryByTestId('columns-menu')).toBeNull();
  });

  it('remembers each person’s columns, and resets them to the defaults', async () => {
    const { getByTestId, container, unmount } = await shown();
    await fireEvent.click(getByTestId('columns-menu-button'));
    await fireEvent.click(getByTestId('columns-menu-clerk'));
    await fireEvent.keyDown(getByTestId('resize-doc_no'), { key: 'ArrowLeft' });
    expect(heads(container)).not.toContain('clerk');

    // Someone else at the same PC has their own (the defaults).
    withPerson(LI);
    await waitFor(() => expect(heads(container)).toContain('clerk'));
    expect(getByTestId('resize-doc_no').getAttribute('aria-valuenow')).toBe(String(expectedWidths().doc_no));

    withPerson(WANG);
    await waitFor(() => expect(heads(container)).not.toContain('clerk'));
    unmount();

    // And they are still there the next time the catalog opens.
    const again = await shown();
    expect(heads(again.container)).not.toContain('clerk');
    expect(again.getByTestId('resize-doc_no').getAttribute('aria-valuenow')).toBe(String(expectedWidths().doc_no + 8));

    await fireEvent.click(again.getByTestId('columns-menu-button'));
    await fireEvent.click(again.getByTestId('columns-menu-reset'));
    expect(heads(again.container)).toContain('clerk');
    expect(again.getByTestId('resize-doc_no').getAttribute('aria-valuenow')).toBe(String(expectedWidths().doc_no));
    expect(localStorage.getItem(prefsKey('p1'))).toBeNull();
  });

  it('in a 1024 px window leaves out 经办人, 牵头部门 and 索引号 by default, keeping 办理期限 in sight', async () => {
    // The catalog pane of a 1024 px window: less the navigation, the padding and the border.
    const pane = 1024 - 184 - 28 - 2;
    vi.spyOn(Element.prototype, 'clientWidth', 'get').mockImplementation(function (this: Element) {
      return this.getAttribute('data-testid') === 'catalog-list-area' ? pane : 0;
    });
    const { container, getByTestId, getAllByTestId } = await shown();
    expect(heads(container)).toEqual(['title', 'doc_no', 'status', 'date_written', 'due_date']);
    const minWidth = parseInt(listArea(container).style.getPropertyValue('--catalog-min-width'), 10);
    expect(minWidth).toBeLessThanOrEqual(pane - 17);
    expect(getAllByTestId('item-row-overdue')[0].textContent).toBe('逾期12个工作日');

    // The menu says why they are off, and a person may bring one back.
    await fireEvent.click(getByTestId('columns-menu-button'));
    const clerk = getByTestId('columns-menu-clerk') as HTMLInputElement;
    expect(clerk.checked).toBe(false);
    expect(clerk.closest('label')?.textContent).toContain('窗口较窄');
    expect(getByTestId('columns-menu-due_date').closest('label')?.textContent).not.toContain('窗口较窄');
    await fireEvent.click(getByTestId('columns-menu-index_no'));
    expect(heads(container)).toEqual(['index_no', 'title', 'doc_no', 'status', 'date_written', 'due_date']);
    expect(JSON.parse(localStorage.getItem(prefsKey('p1')) ?? '{}').hidden).toEqual({ index_no: false });
  });

  it('names the menu and the edges in English too', async () => {
    setLang('en');
    const { getByTestId } = await shown();
    expect(getByTestId('columns-menu-button').textContent).toContain('Columns');
    expect(getByTestId('resize-doc_no').getAttribute('aria-label')).toContain('Document no.');
    setLang('zh-CN');
  });
});
