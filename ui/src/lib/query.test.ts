import { describe, expect, it } from 'vitest';
import {
  activeTab,
  buildQuery,
  clearFilters,
  defaultFilters,
  hasActiveFilters,
  queryKey,
  tabCountQuery,
  toggleSort,
  withTab,
} from './query';

describe('buildQuery', () => {
  it('sends every field with defaults', () => {
    expect(buildQuery(defaultFilters())).toEqual({
      text: '',
      department_id: null,
      status: null,
      category_id: null,
      disclosure: null,
      due: null,
      view: null,
      sort: 'relevance',
      descending: false,
      offset: 0,
      limit: 200,
    });
  });

  it('maps filters to the query', () => {
    const query = buildQuery(
      {
        text: '  招生 ',
        departmentId: 'd-gfc',
        status: 'awaiting_signoff',
        categoryId: 'c-1',
        disclosure: 'proactive',
        due: 'overdue',
        view: 'my_work',
        sort: 'due_date',
        descending: true,
      },
      400,
      200,
    );
    expect(query).toEqual({
      text: '招生',
      department_id: 'd-gfc',
      status: 'awaiting_signoff',
      category_id: 'c-1',
      disclosure: 'proactive',
      due: 'overdue',
      view: 'my_work',
      sort: 'due_date',
      descending: true,
      offset: 400,
      limit: 200,
    });
  });

  it('keeps offset and limit in range', () => {
    expect(buildQuery(defaultFilters(), -5, 5000)).toMatchObject({ offset: 0, limit: 1000 });
    expect(buildQuery(defaultFilters(), 10.7, 0)).toMatchObject({ offset: 10, limit: 1 });
    expect(buildQuery(defaultFilters(), Number.NaN, Number.NaN)).toMatchObject({ offset: 0, limit: 200 });
  });

  it('treats empty strings as no filter', () => {
    const filters = { ...defaultFilters(), departmentId: '' };
    expect(buildQuery(filters).department_id).toBeNull();
  });
});

describe('sorting and filters', () => {
  it('flips the order on the same column and starts ascending on another', () => {
    const byTitle = toggleSort(defaultFilters(), 'title');
    expect(byTitle).toMatchObject({ sort: 'title', descending: false });
    expect(toggleSort(byTitle, 'title')).toMatchObject({ sort: 'title', descending: true });
    expect(toggleSort({ ...byTitle, descending: true }, 'status')).toMatchObject({ sort: 'status', descending: false });
  });

  it('knows when filters are set and clears them but keeps the search', () => {
    const f = { ...defaultFilters(), text: 'x', status: 'draft' as const };
    expect(hasActiveFilters(f)).toBe(true);
    const cleared = clearFilters(f);
    expect(hasActiveFilters(cleared)).toBe(false);
    expect(cleared.text).toBe('x');
  });

  it('has a key that ignores paging and whitespace', () => {
    expect(queryKey({ ...defaultFilters(), text: ' a ' })).toBe(queryKey({ ...defaultFilters(), text: 'a' }));
    expect(queryKey(defaultFilters())).not.toBe(queryKey({ ...defaultFilters(), due: 'overdue' }));
  });
});

describe('view tabs', () => {
  it('turns a tab into a view or the attention due filter, and back', () => {
    const mine = withTab(defaultFilters(), 'my_work');
    expect(mine).toMatchObject({ view: 'my_work', due: null, sort: 'due_date', descending: false });
    expect(activeTab(mine)).toBe('my_work');

    const attention = withTab(mine, 'attention');
    expect(attention).toMatchObject({ view: null, due: 'overdue_or_due_this_week' });
    expect(activeTab(attention)).toBe('attention');

    const all = withTab(attention, 'all');
    expect(all).toMatchObject({ view: null, due: null });
    expect(activeTab(all)).toBe('all');
  });

  it('keeps the other filters, a chosen order and a due filter the person set', () => {
    const f = { ...defaultFilters(), status: 'draft' as const, due: 'overdue' as const, sort: 'title' as const };
    expect(withTab(f, 'awaiting_my_signoff')).toMatchObject({ view: 'awaiting_my_signoff', status: 'draft', due: 'overdue', sort: 'title' });
    expect(withTab({ ...f, view: 'my_work' }, 'all')).toMatchObject({ view: null, due: 'overdue' });
    expect(withTab({ ...defaultFilters(), text: '招生' }, 'my_work').sort).toBe('relevance');
  });

  it('clearing filters keeps the view', () => {
    expect(clearFilters({ ...defaultFilters(), view: 'my_department', status: 'draft' })).toMatchObject({ view: 'my_department', status: null });
  });

  it('counts a tab with a one-row query', () => {
    expect(tabCountQuery('all')).toMatchObject({ view: null, due: null, limit: 1, offset: 0 });
    expect(tabCountQuery('my_department')).toMatchObject({ view: 'my_department', due: null, limit: 1 });
    expect(tabCountQuery('attention')).toMatchObject({ view: null, due: 'overdue_or_due_this_week', limit: 1 });
  });
});
