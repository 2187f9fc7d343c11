import { describe, expect, it } from 'vitest';
import { PageCache, type Page } from './pageCache';

function deferred<T>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

describe('PageCache', () => {
  it('fetches each page once, on demand', async () => {
    const calls: [number, number][] = [];
    const cache = new PageCache<number>(async (offset, limit) => {
      calls.push([offset, limit]);
      return { items: Array.from({ length: limit }, (_, i) => offset + i), total: 1000 };
    }, 200);
    await cache.ensure(0, 30);
    await cache.ensure(10, 40);
    expect(calls).toEqual([[0, 200]]);
    expect(cache.get(5)).toBe(5);
    expect(cache.get(250)).toBeUndefined();
    await cache.ensure(190, 410);
    expect(calls).toEqual([[0, 200], [200, 200], [400, 200]]);
    expect(cache.get(401)).toBe(401);
    expect(cache.total).toBe(1000);
  });

  it('hands out the pages it holds, each the same array until it is dropped', async () => {
    const cache = new PageCache<number>(async (offset, limit) => ({ items: Array.from({ length: limit }, (_, i) => offset + i), total: 1000 }), 200);
    expect(cache.loadedPages()).toEqual([]);
    await cache.ensure(0, 10);
    const [first] = cache.loadedPages();
    expect(first[3]).toBe(3);
    await cache.ensure(190, 210);
    expect(cache.loadedPages()).toHaveLength(2);
    expect(cache.loadedPages()).toContain(first);
    cache.reset();
    expect(cache.loadedPages()).toEqual([]);
  });

  it('drops answers to a query that was replaced', async () => {
    const slow = deferred<Page<string>>();
    let changes = 0;
    const cache = new PageCache<string>(() => slow.promise, 200, () => changes++);
    const first = cache.ensure(0, 10);
    cache.reset(async () => ({ items: ['new'], total: 1 }));
    await cache.ensure(0, 10);
    slow.resolve({ items: ['old'], total: 5 });
    await first;
    expect(cache.get(0)).toBe('new');
    expect(cache.total).toBe(1);
    expect(changes).toBe(1);
  });

  it('reports errors and lets the page be fetched again', async () => {
    let fail = true;
    const errors: unknown[] = [];
    const cache = new PageCache<number>(
      async () => {
        if (fail) throw { code: 'storage', message: 'disk', problems: [] };
        return { items: [7], total: 1 };
      },
      200,
      () => {},
      (e) => errors.push(e),
    );
    await cache.ensure(0, 1);
    expect(errors).toHaveLength(1);
    expect(cache.isLoading()).toBe(false);
    fail = false;
    await cache.ensure(0, 1);
    expect(cache.get(0)).toBe(7);
  });
});

describe('PageCache bound', () => {
  function counting(total: number) {
    const fetched: number[] = [];
    const fetch = async (offset: number, limit: number) => {
      fetched.push(offset);
      return { items: Array.from({ length: Math.min(limit, total - offset) }, (_, i) => offset + i), total };
    };
    return { fetched, fetch };
  }

  it('keeps at most maxPages pages while the list is scrolled to its end', async () => {
    const { fetched, fetch } = counting(100_000);
    const cache = new PageCache<number>(fetch, 200, () => {}, () => {}, 4);
    let most = 0;
    for (let start = 0; start < 100_000; start += 37) {
      await cache.ensure(start, Math.min(100_000, start + 40));
      most = Math.max(most, cache.pageCount);
      expect(cache.get(start)).toBe(start);
    }
    expect(most).toBe(4);
    expect(cache.pageCount).toBeLessThanOrEqual(4);
    expect(fetched).toHaveLength(500);
    // The pages near the end are kept; the first ones were dropped.
    expect(cache.get(99_999)).toBe(99_999);
    expect(cache.get(0)).toBeUndefined();
  });

  it('drops the pages farthest from the rows asked for, and fetches them again when scrolled back', async () => {
    const { fetched, fetch } = counting(10_000);
    const cache = new PageCache<number>(fetch, 200, () => {}, () => {}, 3);
    await cache.ensure(0, 30); // page 0
    await cache.ensure(390, 420); // pages 1 and 2
    await cache.ensure(600, 630); // page 3: page 0 is the farthest
    expect(cache.pageCount).toBe(3);
    expect(cache.get(10)).toBeUndefined();
    expect(cache.get(250)).toBe(250);
    await cache.ensure(0, 30);
    expect(cache.get(10)).toBe(10);
    expect(fetched).toEqual([0, 200, 400, 600, 0]);
    // Page 3 was the farthest from rows 0–30.
    expect(cache.get(610)).toBeUndefined();
  });

  it('never drops the pages of the rows asked for, even above the bound', async () => {
    const { fetch } = counting(10_000);
    const cache = new PageCache<number>(fetch, 200, () => {}, () => {}, 2);
    await cache.ensure(0, 1000);
    expect(cache.pageCount).toBe(5);
    expect(cache.get(999)).toBe(999);
  });
});
