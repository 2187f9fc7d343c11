// Small DOM helpers used as Svelte actions.

/** Focuses the element once it is in the document (for rows that turn into forms). */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}
