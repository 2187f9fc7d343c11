// The UI's own errors go to the app's log file (tauri-plugin-log) so that the log folder shown on
// the About screen tells the whole story. Outside Tauri (tests, a plain browser) it does nothing.

import { error as logError, warn as logWarn } from '@tauri-apps/plugin-log';

function inTauri(): boolean {
  return typeof window !== 'undefined' && '__TAURI_INTERNALS__' in window;
}

export function logUiError(message: string): void {
  if (!inTauri()) return;
  logError(`[ui] ${message}`).catch(() => {});
}

export function logUiWarning(message: string): void {
  if (!inTauri()) return;
  logWarn(`[ui] ${message}`).catch(() => {});
}

/** Sends uncaught errors and rejected promises to the log. */
export function installErrorLogging(): void {
  window.addEventListener('error', (event) => {
    logUiError(`${event.message} at ${event.filename}:${event.lineno}`);
  });
  window.addEventListener('unhandledrejection', (event) => {
    const reason = event.reason as unknown;
    const text =
      reason && typeof reason === 'object' && 'code' in reason
        ? JSON.stringify(reason)
        : reason instanceof Error
          ? (reason.stack ?? reason.message)
          : String(reason);
    logUiError(`unhandled rejection: ${text}`);
  });
}
