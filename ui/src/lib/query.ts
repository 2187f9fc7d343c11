// The catalog's filters as the person set them, and the ItemQuery the backend receives.

import type { Disclosure, DueFilter, ItemQuery, SortKey, Status, View } from '../ipc/bindings';

export const PAGE_SIZE = 200;
export const MAX_LIMIT = 1000;

export interface CatalogFilters {
  text: string;
  departmentId: string | null;
  status: Status | null;
  categoryId: string | null;
  disclosure: Disclosure | null;
  due: DueFilter | null;
  /** A personal view, resolved by the backend against the current person. */
  view: View | null;
  sort: SortKey;
  descending: boolean;
}

export function defaultFilters(): CatalogFilters {
  return {
    text: '',
    departmentId: null,
    status: null,
    categoryId: null,
    disclosure: null,
    due: null,
    view: null,
    sort: 'relevance',
    descending: false,
  };
}

function orNull<T extends string>(value: T | null | undefined): T | null {
  return value === undefined || value === null || value === '' ? null : value;
}

/** The query for one page of the list. Every field is sent, as the backend expects. */
export function buildQuery(filters: CatalogFilters, offset = 0, limit = PAGE_SIZE): ItemQuery {
  const safeOffset = Number.isFinite(offset) ? Math.max(0, Math.floor(offset)) : 0;
  const safeLimit = Number.isFinite(limit) ? Math.min(MAX_LIMIT, Math.max(1, Math.floor(limit))) : PAGE_SIZE;
  return {
    text: filters.text.trim(),
    department_id: orNull(filters.departmentId),
    status: orNull(filters.status),
    category_id: orNull(filters.categoryId),
    disclosure: orNull(filters.disclosure),
    due: orNull(filters.due),
    view: orNull(filters.view),
    sort: filters.sort,
    descending: filters.descending,
    offset: safeOffset,
    limit: safeLimit,
  };
}

/** A key that changes whenever the result set changes (used to reset the page cache). */
export function queryKey(filters: CatalogFilters): string {
  const { offset: _offset, limit: _limit, ...rest } = buildQuery(filters);
  return JSON.stringify(rest);
}

/** Clicking a column header: the same column flips the order, another column sorts ascending. */
export function toggleSort(filters: CatalogFilters, key: SortKey): CatalogFilters {
  if (filters.sort === key) return { ...filters, descending: !filters.descending };
  return { ...filters, sort: key, descending: false };
}

export function hasActiveFilters(filters: CatalogFilters): boolean {
  return (
    filters.departmentId !== null ||
    filters.status !== null ||
    filters.categoryId !== null ||
    filters.disclosure !== null ||
    filters.due !== null
  );
}

/** Clears the filters but keeps the search, the order and the view (a view is not a filter). */
export function clearFilters(filters: CatalogFilters): CatalogFilters {
  return { ...defaultFilters(), text: filters.text, view: filters.view, sort: filters.sort, descending: filters.descending };
}

/** The catalog's tabs: every item, the three personal views, and what needs attention soon. */
export type ViewTab = 'all' | View | 'attention';
export const VIEW_TABS: readonly ViewTab[] = ['all', 'my_work', 'my_department', 'awaiting_my_signoff', 'attention'];
/** The due filter the "attention" tab stands for. */
export const ATTENTION_DUE: DueFilter = 'overdue_or_due_this_week';

export function isPersonalTab(tab: ViewTab): tab is View {
  return tab === 'my_work' || tab === 'my_department' || tab === 'awaiting_my_signoff';
}

/** Which tab the filters amount to: a view, or "attention" for the due filter without a view. */
export function activeTab(filters: CatalogFilters): ViewTab {
  if (filters.view) return filters.view;
  return filters.due === ATTENTION_DUE ? 'attention' : 'all';
}

/**
 * The filters after choosing a tab. A personal view keeps the other filters; "all" takes the view
 * away (and the attention due filter, which would otherwise still be the attention tab); the
 * attention tab is that due filter over every item. Lists of work come by due date unless the
 * person chose another order.
 */
export function withTab(filters: CatalogFilters, tab: ViewTab): CatalogFilters {
  const byDue = (f: CatalogFilters): CatalogFilters =>
    f.sort === 'relevance' && f.text.trim() === '' ? { ...f, sort: 'due_date', descending: false } : f;
  switch (tab) {
    case 'all':
      return { ...filters, view: null, due: filters.due === ATTENTION_DUE ? null : filters.due };
    case 'attention':
      return byDue({ ...filters, view: null, due: ATTENTION_DUE });
    case 'my_department':
      return { ...filters, view: tab };
    default:
      return byDue({ ...filters, view: tab });
  }
}

/** The query that counts a tab's items (only `total` is read). */
export function tabCountQuery(tab: ViewTab): ItemQuery {
  const filters = defaultFilters();
  if (tab === 'attention') filters.due = ATTENTION_DUE;
  else if (tab !== 'all') filters.view = tab;
  return buildQuery(filters, 0, 1);
}
