// Small DOM helpers used as Svelte actions.

/** Focuses the element once it is in the document (for rows that turn into forms). */
export function focusOnMount(node: HTMLElement): void {
  queueMicrotask(() => node.focus());
}

/** A key handler for a row that is a small form: Enter saves it, Escape leaves it unsaved. */
export function rowFormKeys(save: () => void, cancel: () => void): (event: KeyboardEvent) => void {
  return (event) => {
    if (event.key === 'Enter') {
      event.preventDefault();
      save();
    } else if (event.key === 'Escape') {
      cancel();
    }
  };
}
