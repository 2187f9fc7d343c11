// The catalog's filters as the person set them, and the ItemQuery the backend receives.

import type { Disclosure, DueFilter, ItemQuery, SortKey, Status } from '../ipc/bindings';

export const PAGE_SIZE = 200;
export const MAX_LIMIT = 1000;

export interface CatalogFilters {
  text: string;
  departmentId: string | null;
  status: Status | null;
  categoryId: string | null;
  disclosure: Disclosure | null;
  due: DueFilter | null;
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

export function clearFilters(filters: CatalogFilters): CatalogFilters {
  return { ...defaultFilters(), text: filters.text, sort: filters.sort, descending: filters.descending };
}
