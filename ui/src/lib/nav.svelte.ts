// Which screen is shown. The app has no URLs to speak of: a small state object is the router.

export type Screen =
  | 'catalog'
  | 'editor'
  | 'history'
  | 'progress'
  | 'plan'
  | 'ledger'
  | 'departments'
  | 'templates'
  | 'audit'
  | 'settings'
  | 'calendar'
  | 'export'
  | 'paper'
  | 'about'
  | 'sync'
  | 'conflicts'
  | 'signing';

interface Route {
  screen: Screen;
  /** The item of the editor and history screens; "" for a new item. */
  itemId: string;
  /** Bumped on every navigation, so opening the same screen again starts it afresh. */
  visit: number;
}

export const route = $state<Route>({ screen: 'catalog', itemId: '', visit: 0 });

/** A screen may refuse to be left (unsaved changes); it registers a guard. */
let leaveGuard: ((next: () => void) => boolean) | null = null;

export function setLeaveGuard(guard: ((next: () => void) => boolean) | null): void {
  leaveGuard = guard;
}

/** Removes the guard if it is still the one registered (a newer screen may have replaced it). */
export function clearLeaveGuard(guard: (next: () => void) => boolean): void {
  if (leaveGuard === guard) leaveGuard = null;
}

export function go(screen: Screen, itemId = ''): void {
  const next = () => {
    leaveGuard = null;
    route.screen = screen;
    route.itemId = itemId;
    route.visit++;
  };
  if (leaveGuard && !leaveGuard(next)) return;
  next();
}

export function openItem(id: string): void {
  go('editor', id);
}

export function newItem(): void {
  go('editor', '');
}
