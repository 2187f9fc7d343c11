// The catalog's columns: their labels, the sort key each one offers (if any), and how narrow each
// may be made.

import type { SortKey } from '../../ipc/bindings';
import type { MessageKey } from '../../i18n/index.svelte';

export type ColumnId = 'index_no' | 'title' | 'doc_no' | 'status' | 'lead_department' | 'clerk' | 'date_written' | 'due_date';

export interface Column {
  id: ColumnId;
  sort: SortKey | null;
  /** The narrowest a person may drag the column, in px. */
  min: number;
}

export const COLUMNS: readonly Column[] = [
  { id: 'index_no', sort: 'index_no', min: 72 },
  { id: 'title', sort: 'title', min: 160 },
  { id: 'doc_no', sort: null, min: 64 },
  { id: 'status', sort: 'status', min: 64 },
  { id: 'lead_department', sort: null, min: 64 },
  { id: 'clerk', sort: null, min: 56 },
  { id: 'date_written', sort: 'date_written', min: 72 },
  { id: 'due_date', sort: 'due_date', min: 96 },
];

export const COLUMN_IDS: readonly ColumnId[] = COLUMNS.map((c) => c.id);

export function columnById(id: ColumnId): Column {
  return COLUMNS.find((c) => c.id === id) ?? COLUMNS[1];
}

/** The message that names a column in its header. */
export function columnLabel(id: ColumnId): MessageKey {
  return id === 'clerk' ? 'catalog.columnClerk' : `columns.${id}`;
}

export const ROW_HEIGHT = 32;

/** Working days left at or below which an open item's due date is pointed out. */
export const SOON_DAYS = 5;
