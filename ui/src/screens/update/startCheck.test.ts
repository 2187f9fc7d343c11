import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { UpdateCheck, UpdateSettings } from '../../ipc/bindings';

const updateSettings = vi.fn<() => Promise<UpdateSettings>>();
const checkUpdate = vi.fn<() => Promise<UpdateCheck>>();
vi.mock('../../ipc/api', () => ({
  updateSettings: () => updateSettings(),
  checkUpdate: () => checkUpdate(),
}));

const { checkAtStart, updateState } = await import('./updateState.svelte');

function settings(configured: boolean, check_at_start: boolean): UpdateSettings {
  return { config_path: null, searched: [], endpoints: [], folder: '/srv/releases', check_at_start, key_id: 'AB', configured };
}

beforeEach(() => {
  updateSettings.mockReset();
  checkUpdate.mockReset();
  updateState.phase = 'idle';
  updateState.update = null;
});

describe('the check at start', () => {
  it.each([
    [true, true, 1],
    [true, false, 0],
    [false, true, 0],
    [false, false, 0],
  ])('configured %s, check_at_start %s: %i checks', async (configured, atStart, checks) => {
    updateSettings.mockResolvedValue(settings(configured, atStart));
    checkUpdate.mockResolvedValue({ current_version: '0.1.0', update: null, offered_version: null });
    await checkAtStart();
    expect(checkUpdate).toHaveBeenCalledTimes(checks);
  });

  it('a failure at start is not pushed at the person', async () => {
    updateSettings.mockResolvedValue(settings(true, true));
    checkUpdate.mockRejectedValue({ code: 'update_folder_unreachable', message: 'x', problems: [] });
    await checkAtStart();
    expect(updateState.phase).toBe('failed');
    expect(updateState.asked).toBe(false);
  });

  it('an update found at start is offered', async () => {
    updateSettings.mockResolvedValue(settings(true, true));
    const update = { version: '0.2.0', current_version: '0.1.0', notes: '', date: null, source: 'folder' as const, location: '/srv/releases/x.deb' };
    checkUpdate.mockResolvedValue({ current_version: '0.1.0', update, offered_version: null });
    await checkAtStart();
    expect(updateState.phase).toBe('available');
    expect(updateState.update).toEqual(update);
  });
});
