// The background sync as the window sees it: the last status, whether a round runs now, and the
// error of the last round asked for here. The worker in the backend runs the rounds; this only
// listens, asks for a round, and refreshes what other PCs' operations may have changed.

import type { ErrorPayload, KeptAsideReason, SyncProgress, SyncStatus } from '../ipc/bindings';
import { ALERT_REASONS } from '../ipc/rules';
import * as api from '../ipc/api';
import { toErrorPayload } from './errors';
import { itemsChanged, refreshDepartments, refreshInfo, refreshSettings } from './session.svelte';

interface SyncState {
  status: SyncStatus | null;
  running: boolean;
  /** How far the running round has applied other PCs' segments; null when none runs. */
  progress: SyncProgress | null;
  /** The error of a round or a folder choice made from this window. */
  error: ErrorPayload | null;
  /** Bumped when operations from other PCs arrived (or conflicts were settled), so screens reload. */
  version: number;
}

export const sync = $state<SyncState>({ status: null, running: false, progress: null, error: null, version: 0 });

export type SyncTone = 'none' | 'ok' | 'waiting' | 'offline' | 'problem';

/**
 * What the status area shows first: the most pressing fact, as a tone (colour plus text).
 * Conflicts have a badge of their own beside it, so they do not colour the summary.
 */
export function syncTone(status: SyncStatus | null): SyncTone {
  if (!status || !status.folder) return 'none';
  if (status.last_error === 'sync_folder_unreachable') return 'offline';
  if (status.last_error || status.clock_warnings.length > 0) return 'problem';
  if ((status.damaged ?? []).length > 0) return 'waiting';
  if (status.ops_waiting_to_go_out > 0) return 'waiting';
  return 'ok';
}

/** Whether a change kept aside is an alert: something no PC of the office writes (a forgery). */
export function isAlert(reason: KeptAsideReason): boolean {
  return ALERT_REASONS.includes(reason);
}

/**
 * Damaged files in the shared folder as the status shows them: how many, and the PCs that must
 * come online because only they hold what a damaged file carries (its writer, with no other PC
 * known to hold it). Sorted, each PC once.
 */
export function damageSummary(status: SyncStatus | null): { count: number; mustComeOnline: string[] } {
  const damaged = status?.damaged ?? [];
  const only = new Set<string>();
  for (const file of damaged) {
    if (file.holders.length === 1 && file.holders[0] === file.device_id && file.device_id !== '') {
      only.add(file.device_id);
    }
  }
  return { count: damaged.length, mustComeOnline: [...only].sort() };
}

let started = false;

/** Loads the status and listens to the worker (once per window). */
export async function startSync(): Promise<void> {
  if (started) return;
  started = true;
  await api.onSyncEvents({
    status: (status) => {
      sync.status = status;
    },
    running: (running) => {
      sync.running = running;
      if (!running) sync.progress = null;
    },
    progress: (progress) => {
      sync.progress = progress;
    },
    applied: () => void remoteChanged(),
  });
  await refreshSyncStatus();
}

export async function refreshSyncStatus(): Promise<void> {
  try {
    sync.status = await api.syncStatus();
  } catch (e) {
    sync.error = toErrorPayload(e);
  }
}

async function remoteChanged(): Promise<void> {
  sync.version++;
  itemsChanged();
  await Promise.allSettled([refreshInfo(), refreshDepartments(), refreshSettings()]);
}

/**
 * The share of a long round done, 0–1, or null when there is nothing worth a bar: no round, or
 * one with a single segment to apply.
 */
export function progressShare(progress: SyncProgress | null): number | null {
  if (!progress || progress.segments_total < 2) return null;
  return Math.min(1, progress.segments_done / progress.segments_total);
}

/** A round now, from the sync-now button; its error stays shown until the next round. */
export async function syncNow(): Promise<void> {
  sync.running = true;
  try {
    await api.syncNow();
    sync.error = null;
  } catch (e) {
    sync.error = toErrorPayload(e);
  } finally {
    sync.running = false;
    sync.progress = null;
    await refreshSyncStatus();
  }
}

/** Stores the folder and starts a round there (joining or creating the catalog). */
export async function chooseFolder(folder: string): Promise<void> {
  sync.error = null;
  await api.setSyncFolder(folder);
  await syncNow();
}

/** A conflict settled here: the lists and the status change. */
export async function settled(): Promise<void> {
  sync.version++;
  itemsChanged();
  await refreshSyncStatus();
}
