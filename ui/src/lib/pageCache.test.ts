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
