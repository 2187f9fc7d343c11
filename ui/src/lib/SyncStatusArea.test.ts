import { describe, expect, it, vi } from 'vitest';
import { render, screen, fireEvent } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import type { SyncProgress, SyncStatus } from '../ipc/bindings';

let handlers: {
  status: (s: SyncStatus) => void;
  running: (r: boolean) => void;
  progress: (p: SyncProgress) => void;
} | null = null;
const syncNow = vi.fn(async () => ({}));
vi.mock('../ipc/api', () => ({
  onSyncEvents: async (h: typeof handlers) => {
    handlers = h;
    return () => {};
  },
  syncStatus: async () => base,
  syncNow: () => syncNow(),
}));

const base: SyncStatus = {
  device_id: 'dev-a',
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
  kept_aside: [],
};

const { default: SyncStatusArea } = await import('./SyncStatusArea.svelte');
const { setLang } = await import('../i18n/index.svelte');
const { route } = await import('./nav.svelte');
const { progressShare, syncTone } = await import('./sync.svelte');

function show(status: SyncStatus) {
  handlers?.status(status);
  flushSync();
}

describe('the sync status area', () => {
  it('says what matters most, shows conflicts and a bad clock, and syncs on request', async () => {
    setLang('en');
    render(SyncStatusArea);
    await vi.waitFor(() => expect(handlers).not.toBeNull());
    show({ ...base, last_error: 'sync_folder_unreachable', ops_waiting_to_go_out: 3 });
    expect(screen.getByTestId('sync-summary').textContent).toContain('Shared folder unreachable — 3 changes waiting to go out');
    show({ ...base, ops_waiting_to_go_out: 2 });
    expect(screen.getByTestId('sync-summary').textContent).toContain('2 changes waiting to go out');
    expect(screen.queryByTestId('sync-conflicts')).toBeNull();
    show({ ...base, conflicts: 2, clock_warnings: [{ device_id: 'dev-b', ahead_minutes: 4320n }] });
    expect(screen.getByTestId('sync-clock').textContent).toContain('4320 min ahead');
    await fireEvent.click(screen.getByTestId('sync-conflicts'));
    expect(route.screen).toBe('conflicts');
    await fireEvent.click(screen.getByTestId('sync-now'));
    expect(syncNow).toHaveBeenCalledTimes(1);
  });

  it('shows forged changes as an alert badge that opens the sync screen', async () => {
    setLang('zh-CN');
    render(SyncStatusArea);
    await vi.waitFor(() => expect(handlers).not.toBeNull());
    const kept = (reason: 'unknown_field' | 'signature_invalid' | 'refused_transition', seq: number) => ({
      device_id: 'f4f4f4f4f4f4',
      op_id: `f4f4f4f4f4f4:${seq}`,
      author_id: 'p-head',
      reason,
      message: '',
      app_version: '0.1.0',
    });
    show({ ...base, kept_aside: [kept('unknown_field', 1)] });
    expect(screen.queryByTestId('sync-alert')).toBeNull();
    show({ ...base, kept_aside: [kept('unknown_field', 1), kept('signature_invalid', 2), kept('refused_transition', 3)] });
    const badge = screen.getByTestId('sync-alert');
    expect(badge.textContent).toContain('2 项可疑修改');
    await fireEvent.click(badge);
    expect(route.screen).toBe('sync');
  });

  it('shows how far a long round has got, and forgets it when the round ends', async () => {
    setLang('zh-CN');
    render(SyncStatusArea);
    await vi.waitFor(() => expect(handlers).not.toBeNull());
    show(base);
    handlers?.running(true);
    flushSync();
    expect(screen.getByTestId('sync-running').textContent).toContain('正在同步…');
    handlers?.progress({ segments_done: 12, segments_total: 40, ops_applied: 24000 });
    flushSync();
    const running = screen.getByTestId('sync-running');
    expect(running.textContent).toContain('正在同步 12/40 批（24000 项修改）');
    expect(document.querySelector('progress')?.getAttribute('value')).toBe('0.3');
    handlers?.running(false);
    flushSync();
    expect(screen.queryByTestId('sync-running')).toBeNull();
    expect(document.querySelector('progress')).toBeNull();
    handlers?.running(true);
    flushSync();
    expect(screen.getByTestId('sync-running').textContent).toContain('正在同步…');
    handlers?.running(false);
    flushSync();
  });

  it('says when files of the shared folder are damaged, and which PC must come online', async () => {
    setLang('zh-CN');
    render(SyncStatusArea);
    await vi.waitFor(() => expect(handlers).not.toBeNull());
    const held = { file: 'ops/aaaaaaaaaaaa/000000000001.seg', device_id: 'aaaaaaaaaaaa', since: '2026-12-01T08:00:00Z', holders: ['aaaaaaaaaaaa', 'bbbbbbbbbbbb'] };
    show({ ...base, damaged: [held, { ...held, file: 'blobs/ab/x', device_id: '', holders: [] }] });
    expect(screen.getByTestId('sync-summary').textContent).toContain('共享文件夹中有 2 个文件损坏，正在修复');
    expect(syncTone({ ...base, damaged: [held] })).toBe('waiting');
    const onlyWriter = { ...held, file: 'ops/cccccccccccc/000000000009.seg', device_id: 'cccccccccccc', holders: ['cccccccccccc'] };
    show({ ...base, damaged: [held, onlyWriter] });
    expect(screen.getByTestId('sync-summary').textContent).toContain('需要电脑 cccccccc上线才能修复');
    show(base);
    expect(screen.getByTestId('sync-summary').textContent).not.toContain('损坏');
  });

  it('gives a bar only to rounds with more than one segment', () => {
    expect(progressShare(null)).toBeNull();
    expect(progressShare({ segments_done: 0, segments_total: 1, ops_applied: 0 })).toBeNull();
    expect(progressShare({ segments_done: 0, segments_total: 4, ops_applied: 0 })).toBe(0);
    expect(progressShare({ segments_done: 3, segments_total: 4, ops_applied: 900 })).toBe(0.75);
    // A segment that turned up during the round can take "done" past the listed total.
    expect(progressShare({ segments_done: 5, segments_total: 4, ops_applied: 900 })).toBe(1);
  });

  it('picks the tone from the status', () => {
    expect(syncTone(null)).toBe('none');
    expect(syncTone({ ...base, folder: null })).toBe('none');
    expect(syncTone(base)).toBe('ok');
    expect(syncTone({ ...base, ops_waiting_to_go_out: 1 })).toBe('waiting');
    expect(syncTone({ ...base, last_error: 'sync_folder_unreachable' })).toBe('offline');
    expect(syncTone({ ...base, last_error: 'sync_catalog_mismatch' })).toBe('problem');
    expect(syncTone({ ...base, conflicts: 1 })).toBe('ok');
    expect(syncTone({ ...base, clock_warnings: [{ device_id: 'b', ahead_minutes: 90n }] })).toBe('problem');
  });
});
