import { describe, expect, it, vi } from 'vitest';
import { render, screen } from '@testing-library/svelte';
import { flushSync } from 'svelte';
import type { SyncStatus } from '../../ipc/bindings';

vi.mock('../../ipc/api', () => ({
  listPeople: async () => [{ id: 'p-head', name: '李处长', department_id: 'd-1', roles: ['section_head'] }],
}));

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
      author_id: 'p-clerk',
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

  it('shows forged changes as an alert naming the PC and the person, apart from the rest', async () => {
    setLang('zh-CN');
    sync.status = {
      ...status,
      kept_aside: [
        ...status.kept_aside,
        {
          device_id: 'f4f4f4f4f4f4',
          op_id: 'f4f4f4f4f4f4:1',
          author_id: 'p-head',
          reason: 'refused_transition',
          message: '草稿 → 已签批: the workflow makes no such change',
          app_version: '0.1.0',
        },
        {
          device_id: 'f4f4f4f4f4f4',
          op_id: 'f4f4f4f4f4f4:2',
          author_id: 'p-head',
          reason: 'signature_invalid',
          message: 'the signature does not match the sign-off (signoff_bad_signature)',
          app_version: '0.1.0',
        },
      ],
    };
    render(SyncScreen);
    flushSync();
    await new Promise((resolve) => setTimeout(resolve, 0));
    flushSync();
    const alerts = screen.getByTestId('sync-alerts');
    expect(alerts.getAttribute('role')).toBe('alert');
    expect(alerts.textContent).toContain('安全警示');
    expect(alerts.textContent).toContain('电脑 f4f4f4f4以“李处长”的名义');
    expect(alerts.textContent).toContain('李处长');
    expect(alerts.textContent).toContain('工作流程不允许的状态变更');
    expect(alerts.textContent).toContain('签批的签名无效');
    expect(alerts.querySelectorAll('li')).toHaveLength(2);
    // The change waiting for a department stays in its own list, not among the alerts.
    const kept = screen.getByTestId('sync-kept-aside');
    expect(kept.querySelectorAll('li')).toHaveLength(1);
    expect(kept.textContent).toContain('f0f0f0f0f0f0:7');
  });

  it('shows no such list when nothing is kept aside', () => {
    setLang('en');
    sync.status = { ...status, kept_aside: [] };
    render(SyncScreen);
    flushSync();
    expect(screen.queryByTestId('sync-kept-aside')).toBeNull();
    expect(screen.queryByTestId('sync-alerts')).toBeNull();
  });
});
