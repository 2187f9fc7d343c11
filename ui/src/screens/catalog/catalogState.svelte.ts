// The catalog's filters, selection and scroll position outlive the screen, so coming back from
// an item finds the list as it was left.

import { defaultFilters, type CatalogFilters } from '../../lib/query';

export const catalogState = $state<{
  filters: CatalogFilters;
  selected: number;
  scrollTop: number;
  /** Set to ask the catalog to focus its search box (Ctrl+F, /); the catalog clears it. */
  focusSearch: boolean;
  /**
   * Set once the list has shown its first answer since the app started. The reminder's counts
   * wait for it: every command waits its turn for the catalog, and counts sent first would hold
   * the first page back.
   */
  firstListShown: boolean;
}>({
  filters: defaultFilters(),
  selected: -1,
  scrollTop: 0,
  focusSearch: false,
  firstListShown: false,
});

export function requestSearchFocus(): void {
  catalogState.focusSearch = true;
}
