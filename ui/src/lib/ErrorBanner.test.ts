import { afterEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import ErrorBanner from './ErrorBanner.svelte';
import { setLang } from '../i18n/index.svelte';

afterEach(() => setLang('zh-CN'));

const corrupt = {
  code: 'database_corrupt',
  message: 'the database D:\\政务公开\\catalog.db is damaged (file is not a database); it was left untouched: restore it from a backup',
  problems: [],
};

describe('ErrorBanner', () => {
  it('shows the translated sentence with the backend message beneath it for a storage error', () => {
    setLang('zh-CN');
    const { getByTestId } = render(ErrorBanner, { error: corrupt });
    const banner = getByTestId('error-banner');
    expect(banner.querySelector('.headline')?.textContent).toContain('数据库已损坏');
    expect(banner.querySelector('.headline')?.textContent).not.toContain('删除');
    expect(getByTestId('error-detail').textContent).toBe(corrupt.message);
  });

  it.each(['database_corrupt', 'database_foreign', 'database_newer', 'data_dir_read_only', 'data_dir_unavailable', 'storage'])(
    '%s shows the message beneath the sentence',
    (code) => {
      const { getByTestId } = render(ErrorBanner, { error: { code, message: 'C:\\data\\catalog.db: what to do', problems: [] } });
      expect(getByTestId('error-detail').textContent).toBe('C:\\data\\catalog.db: what to do');
    },
  );

  it('keeps the message to itself for other codes and when a text replaces the sentence', () => {
    const notFound = render(ErrorBanner, { error: { code: 'not_found', message: 'no item with id x', problems: [] } });
    expect(notFound.queryByTestId('error-detail')).toBeNull();
    expect(notFound.getByTestId('error-banner').textContent).not.toContain('no item with id x');
    notFound.unmount();
    const replaced = render(ErrorBanner, { error: corrupt, text: '有 2 处需要修改' });
    expect(replaced.queryByTestId('error-detail')).toBeNull();
  });

  it('never suggests deleting anything for a storage error', () => {
    for (const lang of ['zh-CN', 'en'] as const) {
      setLang(lang);
      for (const code of ['database_corrupt', 'database_foreign', 'database_newer', 'data_dir_read_only', 'data_dir_unavailable', 'storage']) {
        const { getByTestId, unmount } = render(ErrorBanner, { error: { code, message: '', problems: [] } });
        expect(getByTestId('error-banner').textContent, `${lang} ${code}`).not.toMatch(/删除|delete/i);
        unmount();
      }
    }
  });

  it('retries once per click and waits for the retry to finish', async () => {
    let finish: () => void = () => {};
    const onretry = vi.fn(() => new Promise<void>((resolve) => (finish = resolve)));
    const { getByTestId } = render(ErrorBanner, { error: corrupt, onretry });
    const button = getByTestId('error-retry') as HTMLButtonElement;
    expect(button.textContent).toContain('重试');
    await fireEvent.click(button);
    expect(onretry).toHaveBeenCalledTimes(1);
    await waitFor(() => expect(button.disabled).toBe(true));
    await fireEvent.click(button);
    expect(onretry).toHaveBeenCalledTimes(1);
    finish();
    await waitFor(() => expect(button.disabled).toBe(false));
    await fireEvent.click(button);
    expect(onretry).toHaveBeenCalledTimes(2);
  });

  it('retries with a plain callback too', async () => {
    const onretry = vi.fn();
    const { getByTestId } = render(ErrorBanner, { error: corrupt, onretry });
    await fireEvent.click(getByTestId('error-retry'));
    expect(onretry).toHaveBeenCalledTimes(1);
    await waitFor(() => expect((getByTestId('error-retry') as HTMLButtonElement).disabled).toBe(false));
  });
});
