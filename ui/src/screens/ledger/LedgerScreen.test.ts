import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { LedgerSummary } from '../../ipc/bindings';

const openLedgerFile = vi.fn();
const chooseLedgerColumns = vi.fn();
const importLedger = vi.fn();
vi.mock('../../ipc/api', () => ({
  openLedgerFile: () => openLedgerFile(),
  chooseLedgerColumns: (id: number, choices: unknown) => chooseLedgerColumns(id, choices),
  importLedger: (id: number) => importLedger(id),
  onLedgerProgress: async () => () => {},
  appInfo: async () => null,
  listDepartments: async () => [],
}));

const { default: LedgerScreen } = await import('./LedgerScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');

const summary: LedgerSummary = {
  preview_id: 4,
  header_line: 2,
  columns: [
    { index: 0, header: '索引号', field: 'index_no' },
    { index: 1, header: '标题', field: 'title' },
    { index: 2, header: '说明', field: null },
  ],
  total_rows: 3,
  new_rows: 1,
  existing_rows: 1,
  duplicate_rows: 0,
  rows_with_problems: 1,
  unknown_departments: ['督导室'],
  sample: [
    { line: 3, index_no: 'A-1', title: '关于公开的通知', doc_no: '', state: 'new', problems: [], duplicate_of_line: null },
    { line: 4, index_no: 'A-2', title: '旧事项', doc_no: '', state: 'existing', problems: [], duplicate_of_line: null },
  ],
  problem_rows: [
    {
      line: 5,
      index_no: '',
      title: '',
      doc_no: '',
      state: 'problems',
      problems: [{ field: 'title', code: 'title_empty', message: 'title is empty' }],
      duplicate_of_line: null,
    },
  ],
};

beforeEach(() => {
  setLang('zh-CN');
  openLedgerFile.mockReset();
  chooseLedgerColumns.mockReset();
  importLedger.mockReset();
  openLedgerFile.mockResolvedValue(summary);
  chooseLedgerColumns.mockResolvedValue({ ...summary, preview_id: 5 });
  importLedger.mockResolvedValue({ items_created: 1, rows_already_in_catalog: 1, rows_duplicated_in_ledger: 0, rows_with_problems: 1 });
});

describe('LedgerScreen', () => {
  it('previews, corrects a column, imports the preview shown and reports', async () => {
    const { getByTestId, findByTestId, getAllByTestId } = render(LedgerScreen);
    await fireEvent.click(getByTestId('ledger-open-file'));
    await findByTestId('ledger-preview');
    expect(getByTestId('ledger-new').textContent).toBe('1');
    expect(getAllByTestId('ledger-problem-row')[0].textContent).toContain('第 5 行');
    expect(getByTestId('ledger-unknown-departments').textContent).toContain('督导室');
    expect(getAllByTestId('ledger-sample-row')[1].textContent).toContain('已在目录中');

    const selects = getAllByTestId('ledger-column-field') as HTMLSelectElement[];
    await fireEvent.change(selects[2], { target: { value: 'summary' } });
    await waitFor(() => expect(chooseLedgerColumns).toHaveBeenCalled());
    expect(chooseLedgerColumns.mock.calls[0]).toEqual([
      4,
      [
        { index: 0, field: 'index_no' },
        { index: 1, field: 'title' },
        { index: 2, field: 'summary' },
      ],
    ]);

    await waitFor(() => expect((getByTestId('ledger-import-button') as HTMLButtonElement).disabled).toBe(false));
    await fireEvent.click(getByTestId('ledger-import-button'));
    const report = await findByTestId('ledger-report');
    expect(importLedger).toHaveBeenCalledWith(5);
    expect(report.textContent).toContain('新建事项 1 项');
    expect(report.textContent).toContain('有问题未导入 1 行');
  });

  it('explains an unreadable file by its code', async () => {
    openLedgerFile.mockRejectedValue({ code: 'ledger_no_header', message: 'x', problems: [] });
    const { getByTestId, findByTestId } = render(LedgerScreen);
    await fireEvent.click(getByTestId('ledger-open-file'));
    await waitFor(async () => expect((await findByTestId('error-banner')).textContent).toContain('表头行'));
  });
});
