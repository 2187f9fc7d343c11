import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import type { SyncStatus } from '../../ipc/bindings';

vi.mock('../../ipc/api', () => ({}));

const { default: SyncScreen } = await import('./SyncScreen.svelte');
const { setLang } = await import('../../i18n/index.svelte');
const { sync } = await import('../../lib/sync.svelte');

const status: SyncStatus = {
  device_id: 'a1b2c3d4e5f6',
  catalog_id: 'cat',
  folder: '/mnt/share',
  last_sync: '2026-11-24T08:00:00Z',
  last_error: null,
  ops_waiting_to_go_out: 0,
  conflicts: 0,
  clock_warnings: [],
  waiting: [],
  cursors: [],
  damaged: [],
  duplicate_index_numbers: [],
  kept_aside: [
    {
      device_id: 'f0f0f0f0f0f0',
      op_id: 'f0f0f0f0f0f0:7',
      reason: 'unknown_reference',
      message: 'the person names the unknown department d-1',
      app_version: '0.1.0',
    },
  ],
};

describe('the sync screen', () => {
  it('lists the changes kept aside with the PC they came from and the translated reason', () => {
    setLang('en');
    sync.status = status;
    render(SyncScreen);
    flushSync();
    const list = screen.getByTestId('sync-kept-aside');
    expect(list.textContent).toContain('f0f0f0f0f0f0:7');
    expect(list.textContent).toContain('refers to something this PC does not have');
    setLang('zh-CN');
    flushSync();
    expect(screen.getByTestId('sync-kept-aside').textContent).toContain('引用了本机没有的内容');
  });

  it('shows no such list when nothing is kept aside', () => {
    setLang('en');
    sync.status = { ...status, kept_aside: [] };
    render(SyncScreen);
    flushSync();
    expect(screen.queryByTestId('sync-kept-aside')).toBeNull();
  });
});
