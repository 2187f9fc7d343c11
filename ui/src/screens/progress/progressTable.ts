// The progress table's arithmetic and its plain-text form: one line per lead department, a totals
// line, and the same table as tab-separated text for pasting into a report.

import type { DepartmentProgress, DueFilter, Status } from '../../ipc/bindings';
import { STATUSES } from '../../lib/item';
import { defaultFilters, type CatalogFilters } from '../../lib/query';

/** A column that is not a status: every item, the overdue ones, the ones due this week. */
export type SumColumn = 'total' | 'overdue' | 'due_this_week';
export type ProgressColumn = Status | SumColumn;

export const SUM_COLUMNS: readonly SumColumn[] = ['total', 'overdue', 'due_this_week'];
export const PROGRESS_COLUMNS: readonly ProgressColumn[] = [...STATUSES, ...SUM_COLUMNS];

/** The count of one cell; `by_status` follows the order of STATUSES. */
export function cellCount(line: DepartmentProgress, column: ProgressColumn): number {
  switch (column) {
    case 'total':
      return line.total;
    case 'overdue':
      return line.overdue;
    case 'due_this_week':
      return line.due_this_week;
    default:
      return line.by_status[STATUSES.indexOf(column)] ?? 0;
  }
}

/** The sums over every department, as one more line. */
export function totalsLine(lines: readonly DepartmentProgress[], label: string): DepartmentProgress {
  const by_status = STATUSES.map((_, i) => lines.reduce((sum, l) => sum + (l.by_status[i] ?? 0), 0));
  return {
    department_id: null,
    department_name: label,
    by_status,
    total: lines.reduce((sum, l) => sum + l.total, 0),
    overdue: lines.reduce((sum, l) => sum + l.overdue, 0),
    due_this_week: lines.reduce((sum, l) => sum + l.due_this_week, 0),
  };
}

/**
 * The catalog filters that list a cell's items: the department (none for the totals line) and the
 * status, or the due filter for the overdue and due-this-week columns.
 */
export function cellFilters(departmentId: string | null, column: ProgressColumn): CatalogFilters {
  const filters: CatalogFilters = { ...defaultFilters(), departmentId };
  if (column === 'overdue' || column === 'due_this_week') {
    const due: DueFilter = column;
    return { ...filters, due, sort: 'due_date' };
  }
  if (column === 'total') return filters;
  return { ...filters, status: column };
}

/** Tabs between cells and CRLF between lines, as spreadsheets and word processors paste it. */
export function toTsv(header: readonly string[], rows: readonly (readonly (string | number)[])[]): string {
  const clean = (cell: string | number) => String(cell).replace(/[\t\r\n]+/g, ' ');
  return [header, ...rows].map((row) => row.map(clean).join('\t')).join('\r\n') + '\r\n';
}
