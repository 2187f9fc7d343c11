// The 台账 import screen's logic, kept out of the component so it is tested on its own: which
// choices to send when a column's field is changed, how far the import is, and the rows listed.

import type { ColumnChoice, ItemField, LedgerColumn, LedgerProgress, LedgerSummary } from '../../ipc/bindings';
import { LEDGER_FIELDS } from '../../ipc/rules';

/** The fields a column may be set to, in the domain's order (the select's options). */
export const fieldOptions: readonly ItemField[] = LEDGER_FIELDS;

/**
 * Every column's field as the person now wants it, with column `index` set to `field` (null: left
 * out). A field fills one column: the column that had it before is left out, as the backend does.
 */
export function choicesAfter(columns: LedgerColumn[], index: number, field: string | null): ColumnChoice[] {
  return columns.map((column) => {
    if (column.index === index) return { index: column.index, field };
    if (field !== null && column.field === field) return { index: column.index, field: null };
    return { index: column.index, field: column.field };
  });
}

/** Whole percent of the rows done, 0–100 (0 before any progress). */
export function percentDone(progress: LedgerProgress | null): number {
  if (!progress || progress.total <= 0) return 0;
  return Math.min(100, Math.max(0, Math.floor((progress.done * 100) / progress.total)));
}

/** Rows with problems not listed (the summary lists a bounded number of them). */
export function unlistedProblemRows(summary: LedgerSummary): number {
  return Math.max(0, summary.rows_with_problems - summary.problem_rows.length);
}

/** Whether the summary has a 名称 column: without one, nothing can be imported. */
export function hasTitleColumn(summary: LedgerSummary): boolean {
  return summary.columns.some((c) => c.field === 'title');
}

/** The column's letter as a spreadsheet shows it (A, B, … AA). */
export function columnLetter(index: number): string {
  let n = index + 1;
  let out = '';
  while (n > 0) {
    const r = (n - 1) % 26;
    out = String.fromCharCode(65 + r) + out;
    n = Math.floor((n - 1) / 26);
  }
  return out;
}
