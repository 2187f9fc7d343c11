import { describe, expect, it } from 'vitest';
import { render } from '@testing-library/svelte';
import type { ItemSummary } from '../../ipc/bindings';
import CatalogRow from './CatalogRow.svelte';
import { setLang } from '../../i18n/index.svelte';

const HOSTILE = '<img src=x onerror=alert(1)>';

function summary(overrides: Partial<ItemSummary> = {}): ItemSummary {
  return {
    id: 'item-1',
    index_no: '210200-JY-GFC-2026-0001',
    title: HOSTILE,
    doc_no: '<script>alert(2)</script>',
    status: 'awaiting_signoff',
    disclosure: 'proactive',
    category_name: null,
    lead_department_name: '<b>规法处</b>',
    date_written: '2026-11-24',
    due_date: '2026-12-01',
    overdue_days: null,
    days_left: 5,
    clerk_name: '王芳',
    changed_after_signoff: [],
    updated_at: '2026-11-24T09:00:00Z',
    hits: [],
    ...overrides,
  };
}

describe('CatalogRow', () => {
  it('shows hostile text literally and creates no element from it', () => {
    setLang('zh-CN');
    const { container, getByTestId } = render(CatalogRow, { item: summary(), index: 0 });
    expect(getByTestId('item-row-title').textContent).toBe(HOSTILE);
    expect(container.querySelector('img')).toBeNull();
    expect(container.querySelector('script')).toBeNull();
    expect(container.querySelector('b')).toBeNull();
    expect(container.textContent).toContain('<script>alert(2)</script>');
  });

  it('shows status as text, dates in Chinese, and the id for tests', () => {
    setLang('zh-CN');
    const { getByTestId, getByText } = render(CatalogRow, { item: summary({ title: '招生' }), index: 3 });
    const row = getByTestId('item-row');
    expect(row.getAttribute('data-id')).toBe('item-1');
    expect(getByText('待签批')).toBeTruthy();
    expect(row.textContent).toContain('2026年11月24日');
  });

  it('marks the searched words in the title and says where they are when the title lacks them', () => {
    setLang('zh-CN');
    const titled = render(CatalogRow, {
      item: summary({ title: '2019年招生工作方案', hits: [{ field: 'title', text: '2019年招生工作方案', cut_before: false, cut_after: false, marks: [[5, 7]] }] }),
      index: 0,
    });
    expect([...titled.container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['招生']);
    expect(titled.queryByTestId('item-row-hit')).toBeNull();
    titled.unmount();

    const { container, getByTestId } = render(CatalogRow, {
      item: summary({
        title: '政策解读',
        hits: [{ field: 'summary', text: '对<招生>范围、报名条件进行解读', cut_before: true, cut_after: true, marks: [[2, 4]] }],
      }),
      index: 0,
    });
    const hit = getByTestId('item-row-hit');
    expect(hit.textContent).toBe('摘要…对<招生>范围、报名条件进行解读…');
    expect([...container.querySelectorAll('mark')].map((m) => m.textContent)).toEqual(['招生']);
  });

  it('shows the overdue working days in words', () => {
    setLang('zh-CN');
    const { getByText } = render(CatalogRow, { item: summary({ overdue_days: 3 }), index: 0 });
    expect(getByText('逾期3个工作日').className).toContain('overdue-text');
  });

  it('shows a placeholder while the row loads', () => {
    setLang('en');
    const { queryByTestId, getByText } = render(CatalogRow, { item: undefined, index: 5 });
    expect(queryByTestId('item-row')).toBeNull();
    expect(getByText('Loading…')).toBeTruthy();
    setLang('zh-CN');
  });

  it('shows the working days left, the clerk, and a mark when a sign-off was voided by an edit', () => {
    setLang('zh-CN');
    const { getByTestId, queryByTestId } = render(CatalogRow, {
      item: summary({ title: '招生', days_left: 3, changed_after_signoff: ['doc_no', 'title'] }),
      index: 0,
    });
    expect(getByTestId('item-row-days-left').textContent?.trim()).toBe('剩3个工作日');
    expect(getByTestId('item-row-clerk').textContent).toBe('王芳');
    const mark = getByTestId('item-row-changed');
    expect(mark.textContent).toContain('签批后修改');
    expect(mark.getAttribute('title')).toContain('文号、名称');
    expect(queryByTestId('item-row-overdue')).toBeNull();
  });

  it('says "due today" on the last day and nothing about days once overdue is shown', () => {
    setLang('zh-CN');
    const today = render(CatalogRow, { item: summary({ days_left: 0 }), index: 0 });
    expect(today.getByTestId('item-row-days-left').textContent).toBe('今天到期');
    today.unmount();
    const late = render(CatalogRow, { item: summary({ overdue_days: 2, days_left: null }), index: 0 });
    expect(late.getByTestId('item-row-overdue').textContent).toBe('逾期2个工作日');
    expect(late.queryByTestId('item-row-days-left')).toBeNull();
    expect(late.queryByTestId('item-row-changed')).toBeNull();
    late.unmount();
    setLang('en');
    const one = render(CatalogRow, { item: summary({ days_left: 1 }), index: 0 });
    expect(one.getByTestId('item-row-days-left').textContent?.trim()).toBe('1 workday left');
    one.unmount();
    const many = render(CatalogRow, { item: summary({ overdue_days: 1, days_left: null }), index: 0 });
    expect(many.getByTestId('item-row-overdue').textContent).toBe('1 workday overdue');
    setLang('zh-CN');
  });

  it('shows only the columns asked for, in their order, and the whole title on hover', () => {
    setLang('zh-CN');
    const title = '关于印发《大连市教育局2019年招生工作实施方案》的通知';
    const { getByTestId, queryByTestId } = render(CatalogRow, {
      item: summary({ title, doc_no: '大教发〔2019〕12号' }),
      index: 0,
      columns: ['title', 'doc_no', 'due_date'],
    });
    const cells = getByTestId('item-row').querySelectorAll('[role=gridcell]');
    expect(cells).toHaveLength(3);
    expect(cells[0].textContent).toContain(title);
    expect(getByTestId('item-row-title').getAttribute('title')).toBe(title);
    expect(cells[1].getAttribute('title')).toBe('大教发〔2019〕12号');
    expect(cells[2]).toBe(getByTestId('item-row-due'));
    expect(queryByTestId('item-row-clerk')).toBeNull();
    expect(queryByTestId('item-row-date-written')).toBeNull();
    expect(getByTestId('item-row').textContent).not.toContain('210200-JY-GFC-2026-0001');
  });

  it('shows every column by default', () => {
    const { getByTestId } = render(CatalogRow, { item: summary(), index: 0 });
    expect(getByTestId('item-row').querySelectorAll('[role=gridcell]')).toHaveLength(8);
  });
});
