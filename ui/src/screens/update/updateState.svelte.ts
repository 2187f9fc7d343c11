// The app's one update flow, shared by the notice above every screen and the About screen: look
// for an update (at start when the office allows it, or when asked), install it with its progress,
// then ask before restarting. The backend checks every signature; nothing here decides trust.

import type { ErrorPayload, UpdateCheck, UpdateInfo, UpdateProgress, UpdateSettings } from '../../ipc/bindings';
import * as api from '../../ipc/api';
import { toErrorPayload } from '../../lib/errors';

export type UpdatePhase =
  | 'idle'
  | 'checking'
  | 'current'
  | 'available'
  | 'downloading'
  | 'installing'
  | 'installed'
  | 'failed';

export const updateState = $state({
  settings: null as UpdateSettings | null,
  phase: 'idle' as UpdatePhase,
  check: null as UpdateCheck | null,
  update: null as UpdateInfo | null,
  done: 0,
  total: null as number | null,
  verified: false,
  error: null as ErrorPayload | null,
  /** The person closed the notice; the About screen still shows the state. */
  dismissed: false,
  /** Whether the last check was asked for (a failed check at start is not pushed at the person). */
  asked: false,
});

export async function loadUpdateSettings(): Promise<void> {
  try {
    updateState.settings = await api.updateSettings();
  } catch (e) {
    updateState.settings = null;
    updateState.error = toErrorPayload(e);
  }
}

export async function checkNow(asked = true): Promise<void> {
  if (updateState.phase === 'checking' || updateState.phase === 'downloading' || updateState.phase === 'installing') return;
  updateState.asked = asked;
  updateState.dismissed = false;
  updateState.phase = 'checking';
  updateState.error = null;
  // update.json is read again at every check, so the panel shows what this check used.
  await loadUpdateSettings();
  try {
    const check = await api.checkUpdate();
    updateState.check = check;
    updateState.update = check.update;
    updateState.phase = check.update ? 'available' : 'current';
  } catch (e) {
    updateState.error = toErrorPayload(e);
    updateState.phase = 'failed';
  }
}

/** At start: only when the office set a source and a key and did not switch the check off. */
export async function checkAtStart(): Promise<void> {
  await loadUpdateSettings();
  const s = updateState.settings;
  if (s && s.configured && s.check_at_start) await checkNow(false);
}

export function applyProgress(progress: UpdateProgress): void {
  switch (progress.stage) {
    case 'downloading':
      updateState.phase = 'downloading';
      updateState.done = progress.done;
      updateState.total = progress.total;
      break;
    case 'verified':
      updateState.verified = true;
      break;
    case 'installing':
      updateState.phase = 'installing';
      break;
    case 'installed':
      updateState.phase = 'installed';
      break;
  }
}

export async function install(): Promise<void> {
  if (updateState.phase !== 'available') return;
  updateState.asked = true;
  updateState.phase = 'downloading';
  updateState.done = 0;
  updateState.total = null;
  updateState.verified = false;
  updateState.error = null;
  try {
    await api.installUpdate(applyProgress);
    updateState.phase = 'installed';
  } catch (e) {
    updateState.error = toErrorPayload(e);
    updateState.phase = 'failed';
  }
}

export async function restart(): Promise<void> {
  try {
    await api.restartApp();
  } catch (e) {
    updateState.error = toErrorPayload(e);
    updateState.phase = 'failed';
  }
}

/** 0–100, or null while the size is unknown. */
export function percent(done: number, total: number | null): number | null {
  if (!total || total <= 0) return null;
  return Math.min(100, Math.round((done / total) * 100));
}

/** Sizes as people read them: 820 KB, 14.2 MB. */
export function formatBytes(bytes: number): string {
  if (bytes < 1024 * 1024) return `${Math.max(0, Math.round(bytes / 1024))} KB`;
  return `${(bytes / (1024 * 1024)).toFixed(1)} MB`;
}
