import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fireEvent, render, waitFor } from '@testing-library/svelte';
import type { AppInfo } from '../../ipc/bindings';

const keepSample = vi.fn();
const discardSample = vi.fn();
const syncNow = vi.fn();
const appInfo = vi.fn();
vi.mock('../../ipc/api', () => ({
  keepSample: () => keepSample(),
  discardSample: () => discardSample(),
  listDepartments: async () => [],
  appInfo: () => appInfo(),
}));
vi.mock('../../lib/sync.svelte', () => ({ syncNow: () => syncNow(), sync: { error: null, status: null } }));

const { default: SampleChoice } = await import('./SampleChoice.svelte');
const { session } = await import('../../lib/session.svelte');
const { setLang } = await import('../../i18n/index.svelte');

const info: AppInfo = {
  version: '0.1.0',
  data_dir: '/data',
  database_path: '/data/catalog.db',
  log_dir: '/data/logs',
  device_id: 'pc-1',
  current_person: null,
  item_count: 18,
  set_aside_files: [],
  sample: { state: 'edited', changes: 3n },
  synced: false,
  devices: [],
};

beforeEach(() => {
  setLang('zh-CN');
  keepSample.mockReset();
  discardSample.mockReset();
  syncNow.mockReset();
  syncNow.mockResolvedValue(undefined);
  session.info = info;
});

describe('SampleChoice', () => {
  it('only notes an untouched sample: joining removes it', () => {
    session.info = { ...info, sample: { state: 'untouched' } };
    const { getByTestId, queryByTestId } = render(SampleChoice);
    expect(getByTestId('sync-sample-note').textContent).toContain('会被删除');
    expect(queryByTestId('sync-sample-choice')).toBeNull();
  });

  it('says nothing for a catalog that is not the sample, or that synced', () => {
    session.info = { ...info, sample: { state: 'none' } };
    const first = render(SampleChoice);
    expect(first.container.textContent?.trim()).toBe('');
    first.unmount();
    session.info = { ...info, synced: true };
    const { container } = render(SampleChoice);
    expect(container.textContent?.trim()).toBe('');
  });

  it('keeps an edited sample at the person\'s word, then syncs', async () => {
    keepSample.mockResolvedValue({ ...info, sample: { state: 'none' } });
    const { getByTestId, queryByTestId } = render(SampleChoice);
    expect(getByTestId('sync-sample-choice').textContent).toContain('3 处改动');
    await fireEvent.click(getByTestId('sync-sample-keep'));
    await waitFor(() => expect(syncNow).toHaveBeenCalledTimes(1));
    expect(keepSample).toHaveBeenCalledTimes(1);
    expect(discardSample).not.toHaveBeenCalled();
    expect(queryByTestId('sync-sample-choice')).toBeNull();
  });

  it('removes an edited sample only after a confirmation that says what is lost', async () => {
    const removed: AppInfo = { ...info, sample: { state: 'none' }, item_count: 0 };
    discardSample.mockResolvedValue(removed);
    appInfo.mockResolvedValue(removed);
    const { getByTestId, findByTestId, queryByTestId } = render(SampleChoice);
    await fireEvent.click(getByTestId('sync-sample-remove'));
    expect(discardSample).not.toHaveBeenCalled();
    const confirm = await findByTestId('sync-sample-remove-confirm');
    expect(document.body.textContent).toContain('3 处改动');
    await fireEvent.click(confirm);
    await waitFor(() => expect(syncNow).toHaveBeenCalledTimes(1));
    expect(discardSample).toHaveBeenCalledTimes(1);
    expect(keepSample).not.toHaveBeenCalled();
    expect(queryByTestId('sync-sample-choice')).toBeNull();
  });
});
