// The catalog's columns: their labels and the sort key each one offers (if any).

import type { SortKey } from '../../ipc/bindings';
import type { MessageKey } from '../../i18n/index.svelte';

export type ColumnId = 'index_no' | 'title' | 'doc_no' | 'status' | 'lead_department' | 'clerk' | 'date_written' | 'due_date';

export interface Column {
  id: ColumnId;
  sort: SortKey | null;
}

export const COLUMNS: readonly Column[] = [
  { id: 'index_no', sort: 'index_no' },
  { id: 'title', sort: 'title' },
  { id: 'doc_no', sort: null },
  { id: 'status', sort: 'status' },
  { id: 'lead_department', sort: null },
  { id: 'clerk', sort: null },
  { id: 'date_written', sort: 'date_written' },
  { id: 'due_date', sort: 'due_date' },
];

/** The message that names a column in its header. */
export function columnLabel(id: ColumnId): MessageKey {
  return id === 'clerk' ? 'catalog.columnClerk' : `columns.${id}`;
}

export const ROW_HEIGHT = 32;

/** Working days left at or below which an open item's due date is pointed out. */
export const SOON_DAYS = 5;
