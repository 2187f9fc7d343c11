import { describe, expect, it } from 'vitest';
import { pagesFor, scrollToReveal, visibleRange } from './virtual';

describe('visibleRange', () => {
  const range = (scrollTop: number, viewportHeight: number, total: number, overscan = 0, rowHeight = 30) =>
    visibleRange({ scrollTop, viewportHeight, rowHeight, total, overscan });

  it('covers the rows in view, with the overscan on both sides', () => {
    expect(range(0, 300, 1000)).toEqual({ start: 0, end: 10 });
    expect(range(0, 300, 1000, 5)).toEqual({ start: 0, end: 15 });
    expect(range(3000, 300, 1000, 5)).toEqual({ start: 95, end: 115 });
    expect(range(3015, 300, 1000)).toEqual({ start: 100, end: 111 });
  });

  it('is clamped at the end and for short lists', () => {
    expect(range(29_700, 300, 1000, 5)).toEqual({ start: 985, end: 1000 });
    expect(range(99_999, 300, 1000, 5)).toEqual({ start: 1000, end: 1000 });
    expect(range(0, 300, 3, 5)).toEqual({ start: 0, end: 3 });
  });

  it('handles empty lists and odd input', () => {
    expect(range(0, 300, 0)).toEqual({ start: 0, end: 0 });
    expect(range(-50, 300, 100)).toEqual({ start: 0, end: 10 });
    expect(range(0, 0, 100, 2)).toEqual({ start: 0, end: 2 });
    expect(visibleRange({ scrollTop: 0, viewportHeight: 300, rowHeight: 0, total: 10, overscan: 0 })).toEqual({ start: 0, end: 0 });
  });

  it('renders a bounded number of rows at 100,000 items', () => {
    const { start, end } = range(100_000 * 30 - 600, 600, 100_000, 8);
    expect(end).toBe(100_000);
    expect(end - start).toBeLessThanOrEqual(20 + 16);
  });
});

describe('pagesFor', () => {
  it('lists the pages that cover a range', () => {
    expect(pagesFor(0, 10, 200)).toEqual([0]);
    expect(pagesFor(190, 210, 200)).toEqual([0, 1]);
    expect(pagesFor(400, 400, 200)).toEqual([]);
    expect(pagesFor(399, 401, 200)).toEqual([1, 2]);
  });
});

describe('scrollToReveal', () => {
  it('scrolls only when the row is out of view', () => {
    expect(scrollToReveal(5, 0, 300, 30)).toBeNull();
    expect(scrollToReveal(10, 0, 300, 30)).toBe(30);
    expect(scrollToReveal(2, 120, 300, 30)).toBe(60);
  });
});
