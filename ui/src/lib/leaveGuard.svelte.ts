// Keeps an edit screen from being left while it holds unsaved changes: the navigation waits in
// `pending` until the person discards the changes or goes back to editing.

import { onDestroy, onMount } from 'svelte';
import { clearLeaveGuard, setLeaveGuard } from './nav.svelte';

export class UnsavedGuard {
  /** The navigation held back, while the screen asks whether to discard. */
  pending: (() => void) | null = $state(null);
  readonly #dirty: () => boolean;

  /** Call while the component initialises: it registers the guard on mount and drops it on destroy. */
  constructor(dirty: () => boolean) {
    this.#dirty = dirty;
    onMount(() => setLeaveGuard(this.#guard));
    onDestroy(() => clearLeaveGuard(this.#guard));
  }

  readonly #guard = (next: () => void): boolean => {
    if (!this.#dirty()) return true;
    this.pending = next;
    return false;
  };

  /** Drops the changes with `revert`, then goes where the person wanted to go. */
  discard(revert: () => void): void {
    const next = this.pending;
    this.pending = null;
    revert();
    next?.();
  }

  keepEditing(): void {
    this.pending = null;
  }
}
