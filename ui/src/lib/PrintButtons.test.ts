import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, screen } from '@testing-library/svelte';
import type { PaperReport } from '../ipc/bindings';
import PrintButtons from './PrintButtons.svelte';
import { setLang } from '../i18n/index.svelte';

const REPORT: PaperReport = { path: '/home/wang/审查呈批单.pdf', bytes: 1200, sheets: [], bundle_id: null, items: 1 };

beforeEach(() => setLang('zh-CN'));

describe('the print buttons', () => {
  it('opens the form to print, or saves it, and says which', async () => {
    const print = vi.fn(async (_save: boolean) => REPORT);
    render(PrintButtons, { print, printLabel: '打印呈批单', testid: 'p' });
    expect(screen.getByTestId('p-print').textContent).toContain('打印呈批单');
    expect(screen.getByTestId('p-save').textContent).toContain('另存为 PDF…');
    await fireEvent.click(screen.getByTestId('p-print'));
    expect(print).toHaveBeenLastCalledWith(false);
    expect((await screen.findByTestId('p-done')).textContent).toContain('PDF 阅读器');
    await fireEvent.click(screen.getByTestId('p-save'));
    expect(print).toHaveBeenLastCalledWith(true);
    expect((await screen.findByTestId('p-done')).textContent).toContain('/home/wang/审查呈批单.pdf');
  });

  it('says nothing when the save dialog was cancelled', async () => {
    const print = vi.fn(async () => null);
    render(PrintButtons, { print, printLabel: '打印', testid: 'p' });
    await fireEvent.click(screen.getByTestId('p-save'));
    await Promise.resolve();
    expect(screen.queryByTestId('p-done')).toBeNull();
    expect(screen.queryByTestId('error-banner')).toBeNull();
  });

  it('shows a refusal by its code', async () => {
    const print = vi.fn(async () => {
      throw { code: 'print_open_failed', message: 'no viewer', problems: [] };
    });
    render(PrintButtons, { print, printLabel: '打印', testid: 'p' });
    await fireEvent.click(screen.getByTestId('p-print'));
    expect((await screen.findByTestId('error-banner')).textContent).toContain('另存为 PDF');
  });

  it('is disabled with its reason', async () => {
    const print = vi.fn(async () => REPORT);
    render(PrintButtons, { print, printLabel: '打印', testid: 'p', disabled: true, disabledReason: '请先保存' });
    expect((screen.getByTestId('p-print') as HTMLButtonElement).disabled).toBe(true);
    expect((screen.getByTestId('p-save') as HTMLButtonElement).disabled).toBe(true);
    expect(screen.getByTestId('p').textContent).toContain('请先保存');
    await fireEvent.click(screen.getByTestId('p-print'));
    expect(print).not.toHaveBeenCalled();
  });
});
