// Rows of a long result fetched page by page on demand. A new query makes a new cache: answers to
// an older query that arrive late are dropped.
//
// The cache holds at most `maxPages` pages: when more arrive, the pages farthest from the rows
// last asked for are dropped, and fetched again if the list is scrolled back to them. Keeping
// every page fetched made the web process grow by about 2 KB per row scrolled past (255 MB after
// scrolling through 100,000 items).

import { pagesFor } from './virtual';

export interface Page<T> {
  items: T[];
  total: number;
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<Page<T>>;

/** Pages kept by default: a few screens either side of the viewport at 200 rows a page. */
export const DEFAULT_MAX_PAGES = 6;

export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private pending = new Set<number>();
  private generation = 0;
  /** The rows last asked for: the pages nearest to them are the ones kept. */
  private focus = { start: 0, end: 0 };
  total: number | null = null;

  constructor(
    private fetchPage: FetchPage<T>,
    readonly pageSize: number,
    private onChange: () => void = () => {},
    private onError: (error: unknown) => void = () => {},
    readonly maxPages: number = DEFAULT_MAX_PAGES,
  ) {}

  /** Forgets everything (for a new query, or after the data changed). */
  reset(fetchPage?: FetchPage<T>): void {
    if (fetchPage) this.fetchPage = fetchPage;
    this.generation++;
    this.pages.clear();
    this.pending.clear();
    this.total = null;
  }

  get(index: number): T | undefined {
    const page = this.pages.get(Math.floor(index / this.pageSize));
    return page?.[index % this.pageSize];
  }

  /** How many pages are held now. */
  get pageCount(): number {
    return this.pages.size;
  }

  /** The pages held now, each an array kept as it arrived (so a caller can tell which it has seen). */
  loadedPages(): T[][] {
    return [...this.pages.values()];
  }

  isLoading(): boolean {
    return this.pending.size > 0;
  }

  /** Makes sure the rows [start, end) are loaded or on their way. */
  ensure(start: number, end: number): Promise<void> {
    const last = Math.max(end, start + 1);
    this.focus = { start, end: last };
    const wanted = pagesFor(start, last, this.pageSize).filter((p) => !this.pages.has(p) && !this.pending.has(p));
    this.trim();
    return Promise.all(wanted.map((p) => this.load(p))).then(() => undefined);
  }

  /** Rows between page `page` and the focus (0 when they overlap). */
  private distance(page: number): number {
    const first = page * this.pageSize;
    const end = first + this.pageSize;
    return Math.max(0, this.focus.start - end, first - this.focus.end);
  }

  /** Drops the pages farthest from the focus until at most `maxPages` are left. */
  private trim(): void {
    if (this.pages.size <= this.maxPages) return;
    const byDistance = [...this.pages.keys()].sort((a, b) => this.distance(b) - this.distance(a));
    for (const page of byDistance) {
      if (this.pages.size <= this.maxPages || this.distance(page) === 0) break;
      this.pages.delete(page);
    }
  }

  private async load(page: number): Promise<void> {
    const generation = this.generation;
    this.pending.add(page);
    try {
      const result = await this.fetchPage(page * this.pageSize, this.pageSize);
      if (generation !== this.generation) return;
      this.pages.set(page, result.items);
      this.total = result.total;
      this.pending.delete(page);
      this.trim();
      this.onChange();
    } catch (error) {
      if (generation !== this.generation) return;
      this.pending.delete(page);
      this.onError(error);
      this.onChange();
    }
  }
}
