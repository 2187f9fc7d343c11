// Rows of a long result fetched page by page on demand. A new query makes a new cache: answers to
// an older query that arrive late are dropped.

import { pagesFor } from './virtual';

export interface Page<T> {
  items: T[];
  total: number;
}

export type FetchPage<T> = (offset: number, limit: number) => Promise<Page<T>>;

export class PageCache<T> {
  private pages = new Map<number, T[]>();
  private pending = new Set<number>();
  private generation = 0;
  total: number | null = null;

  constructor(
    private fetchPage: FetchPage<T>,
    readonly pageSize: number,
    private onChange: () => void = () => {},
    private onError: (error: unknown) => void = () => {},
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

  isLoading(): boolean {
    return this.pending.size > 0;
  }

  /** Makes sure the rows [start, end) are loaded or on their way. */
  ensure(start: number, end: number): Promise<void> {
    const wanted = pagesFor(start, Math.max(end, start + 1), this.pageSize).filter(
      (p) => !this.pages.has(p) && !this.pending.has(p),
    );
    return Promise.all(wanted.map((p) => this.load(p))).then(() => undefined);
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
      this.onChange();
    } catch (error) {
      if (generation !== this.generation) return;
      this.pending.delete(page);
      this.onError(error);
      this.onChange();
    }
  }
}
