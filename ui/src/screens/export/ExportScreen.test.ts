import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen, waitFor } from '@testing-library/svelte';
import type { ExportPreview, ExportReport, VerifyReport } from '../../ipc/bindings';

const exportBundle = vi.fn();
const verifyBundle = vi.fn();
const printHandover = vi.fn();
vi.mock('../../ipc/api', () => ({
  onExportProgress: async () => () => {},
  exportPreview: async (): Promise<ExportPreview> => ({
    scope: 'incremental',
    items: [{ id: 'item-1', index_no: 'GFC-1', title: '关于招生工作的通知', status: 'signed_off', attachment_count: 0 }],
    attachment_count: 0,
    attachment_bytes: 0,
    excluded_counts: [],
    void: [],
  }),
  listBundles: async () => [],
  exportBundle: (full: boolean, path: string, overwrite: boolean) => exportBundle(full, path, overwrite),
  verifyBundle: (path: string) => verifyBundle(path),
  printHandover: (bundle: string, save: boolean) => printHandover(bundle, save),
  cancelExport: async () => {},
}));

const { default: ExportScreen } = await import('./ExportScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');

const BUNDLE = '/share/政务公开/导出包.zip';

const report: ExportReport = {
  bundle_id: 'b-20260306',
  path: BUNDLE,
  scope: 'incremental',
  item_ids: ['item-1'],
  marked_exported: 1,
  attachment_count: 0,
  bytes: 2048,
  excluded_counts: [],
  void: [],
};

function verified(path: string): VerifyReport {
  return {
    ok: true,
    path,
    bundle_id: 'b-older',
    catalog_id: 'c-1',
    created_at: '2026-03-01T02:00:00Z',
    created_by: '王芳',
    manifest_sha256: 'sha256:00',
    office_key: null,
    office_key_pinned: false,
    items: [],
    entries: 3,
    bytes: 100,
    problems: [],
    warnings: [],
    left_out: 0,
  };
}

beforeEach(() => {
  for (const f of [exportBundle, verifyBundle, printHandover]) f.mockReset();
  printHandover.mockResolvedValue({ path: '/home/wang/移送明细表.pdf', bytes: 10, sheets: [], bundle_id: 'b-20260306', items: 1 });
  setLang('zh-CN');
});

describe('the 移送明细表 from the export screen', () => {
  it('prints or saves the handover list of the bundle just written', async () => {
    exportBundle.mockResolvedValue(report);
    render(ExportScreen);
    await screen.findByTestId('export-summary');
    await fireEvent.input(screen.getByTestId('export-path'), { target: { value: BUNDLE } });
    await fireEvent.click(screen.getByTestId('export-run'));
    const print = await screen.findByTestId('export-handover-print');
    expect(print.textContent).toContain('打印移送明细表');
    await fireEvent.click(print);
    expect(printHandover).toHaveBeenLastCalledWith(BUNDLE, false);
    await fireEvent.click(screen.getByTestId('export-handover-save'));
    expect(printHandover).toHaveBeenLastCalledWith(BUNDLE, true);
    expect((await screen.findByTestId('export-handover-done')).textContent).toContain('/home/wang/移送明细表.pdf');
  });

  it('prints the handover list of the bundle verified, even after the field changed', async () => {
    const chosen = '/share/旧导出包.zip';
    verifyBundle.mockImplementation(async (path: string) => verified(path));
    render(ExportScreen);
    await fireEvent.click(screen.getByTestId('export-tab-verify'));
    const path = screen.getByTestId('verify-path');
    await fireEvent.input(path, { target: { value: chosen } });
    await fireEvent.click(screen.getByTestId('verify-run'));
    await screen.findByTestId('verify-ok');
    await fireEvent.input(path, { target: { value: '/share/另一个.zip' } });
    await fireEvent.click(screen.getByTestId('verify-handover-save'));
    expect(printHandover).toHaveBeenCalledWith(chosen, true);
  });

  it('offers no handover list for a bundle that fails verification', async () => {
    verifyBundle.mockResolvedValue({ ...verified('/x.zip'), ok: false, problems: [{ code: 'zip_unreadable', subject: '', message: 'bad' }] });
    render(ExportScreen);
    await fireEvent.click(screen.getByTestId('export-tab-verify'));
    await fireEvent.input(screen.getByTestId('verify-path'), { target: { value: '/x.zip' } });
    await fireEvent.click(screen.getByTestId('verify-run'));
    await screen.findByTestId('verify-problems');
    expect(screen.queryByTestId('verify-handover')).toBeNull();
  });

  it('shows a refused handover list by its code', async () => {
    verifyBundle.mockImplementation(async (path: string) => verified(path));
    printHandover.mockRejectedValue({ code: 'bundle_invalid', message: 'changed since', problems: [] });
    render(ExportScreen);
    await fireEvent.click(screen.getByTestId('export-tab-verify'));
    await fireEvent.input(screen.getByTestId('verify-path'), { target: { value: '/x.zip' } });
    await fireEvent.click(screen.getByTestId('verify-run'));
    await fireEvent.click(await screen.findByTestId('verify-handover-print'));
    await waitFor(() => expect(screen.getByTestId('verify-handover').textContent).toContain('导出包未通过核验'));
  });
});
