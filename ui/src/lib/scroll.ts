// Scrolling inside the window's panes, never the window itself.

/** The nearest ancestor of `element` that scrolls on its own (overflow auto or scroll). */
export function scrollingAncestor(element: HTMLElement): HTMLElement | null {
  for (let node = element.parentElement; node && node !== document.body; node = node.parentElement) {
    const overflow = getComputedStyle(node).overflowY;
    if (overflow === 'auto' || overflow === 'scroll') return node;
  }
  return null;
}

/** Scrolls the pane holding `element` so that the element's top is `offset` px below its top. */
export function scrollPaneTo(element: HTMLElement, offset = 0): void {
  const pane = scrollingAncestor(element);
  if (!pane) return;
  pane.scrollTop += element.getBoundingClientRect().top - pane.getBoundingClientRect().top - offset;
}
