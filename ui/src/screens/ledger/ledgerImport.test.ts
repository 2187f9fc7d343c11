import { describe, expect, it } from 'vitest';
import type { LedgerColumn, LedgerSummary } from '../../ipc/bindings';
import { choicesAfter, columnLetter, fieldOptions, hasTitleColumn, percentDone, unlistedProblemRows } from './ledgerImport';

const columns: LedgerColumn[] = [
  { index: 0, header: '序号', field: null },
  { index: 1, header: '标题', field: 'title' },
  { index: 2, header: '说明', field: null },
  { index: 3, header: '文号', field: 'doc_no' },
];

function summary(over: Partial<LedgerSummary>): LedgerSummary {
  return {
    preview_id: 1,
    header_line: 1,
    columns,
    total_rows: 0,
    new_rows: 0,
    existing_rows: 0,
    duplicate_rows: 0,
    rows_with_problems: 0,
    unknown_departments: [],
    sample: [],
    problem_rows: [],
    ...over,
  };
}

describe('ledger import', () => {
  it('sends every column with the one changed', () => {
    expect(choicesAfter(columns, 2, 'summary')).toEqual([
      { index: 0, field: null },
      { index: 1, field: 'title' },
      { index: 2, field: 'summary' },
      { index: 3, field: 'doc_no' },
    ]);
  });

  it('gives a field to one column only', () => {
    const choices = choicesAfter(columns, 0, 'doc_no');
    expect(choices[0]).toEqual({ index: 0, field: 'doc_no' });
    expect(choices[3]).toEqual({ index: 3, field: null });
  });

  it('leaves a column out', () => {
    expect(choicesAfter(columns, 3, null)[3]).toEqual({ index: 3, field: null });
  });

  it('counts progress in whole percent', () => {
    expect(percentDone(null)).toBe(0);
    expect(percentDone({ done: 0, total: 0 })).toBe(0);
    expect(percentDone({ done: 1500, total: 3000 })).toBe(50);
    expect(percentDone({ done: 2999, total: 3000 })).toBe(99);
    expect(percentDone({ done: 3000, total: 3000 })).toBe(100);
  });

  it('says how many rows with problems are not listed', () => {
    const row = { line: 3, index_no: '', title: '', doc_no: '', state: 'problems' as const, problems: [], duplicate_of_line: null };
    expect(unlistedProblemRows(summary({ rows_with_problems: 301, problem_rows: Array(300).fill(row) }))).toBe(1);
    expect(unlistedProblemRows(summary({ rows_with_problems: 2, problem_rows: [row, row] }))).toBe(0);
  });

  it('needs a 名称 column', () => {
    expect(hasTitleColumn(summary({}))).toBe(true);
    expect(hasTitleColumn(summary({ columns: columns.map((c) => ({ ...c, field: null })) }))).toBe(false);
  });

  it('names columns by letter', () => {
    expect([0, 1, 25, 26, 27].map(columnLetter)).toEqual(['A', 'B', 'Z', 'AA', 'AB']);
  });

  it('offers only fields a ledger may fill', () => {
    expect(fieldOptions).toContain('title');
    expect(fieldOptions).not.toContain('status');
  });
});
