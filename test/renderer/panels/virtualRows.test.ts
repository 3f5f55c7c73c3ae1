import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { PagedRows, pagesFor, scrollToReveal, visibleRows } from '../../../renderer/panels/runs/virtualRows.ts';

describe('visibleRows', () => {
  it('draws only the rows in view plus overscan', () => {
    const w = visibleRows({ scrollTop: 1000, viewportHeight: 300, rowHeight: 25, count: 10_000, overscan: 5 });
    expect(w).toEqual({ start: 35, end: 57, offsetTop: 875, totalHeight: 250_000 });
  });

  it('clamps a scroll position past the end of a list that got shorter', () => {
    const w = visibleRows({ scrollTop: 100_000, viewportHeight: 300, rowHeight: 25, count: 20, overscan: 2 });
    expect(w.end).toBe(20);
    expect(w.start).toBe(6);
  });

  it('handles an empty list', () => {
    expect(visibleRows({ scrollTop: 0, viewportHeight: 300, rowHeight: 25, count: 0 })).toEqual({ start: 0, end: 0, offsetTop: 0, totalHeight: 0 });
  });

  it('always covers every row that intersects the viewport, and never more than viewport + 2·overscan rows', () => {
    fc.assert(fc.property(
      fc.integer({ min: 0, max: 20_000 }), fc.integer({ min: 1, max: 2000 }), fc.integer({ min: 10, max: 60 }),
      fc.integer({ min: 0, max: 600_000 }), fc.integer({ min: 0, max: 10 }),
      (count, viewportHeight, rowHeight, scrollTop, overscan) => {
        const w = visibleRows({ scrollTop, viewportHeight, rowHeight, count, overscan });
        const clamped = Math.min(scrollTop, Math.max(0, count * rowHeight - viewportHeight));
        const firstVisible = Math.floor(clamped / rowHeight);
        const lastVisible = Math.min(count, Math.ceil((clamped + viewportHeight) / rowHeight));
        expect(w.start).toBeLessThanOrEqual(firstVisible);
        expect(w.end).toBeGreaterThanOrEqual(lastVisible);
        expect(w.end - w.start).toBeLessThanOrEqual(Math.ceil(viewportHeight / rowHeight) + 1 + 2 * overscan);
        expect(w.offsetTop).toBe(w.start * rowHeight);
      },
    ));
  });
});

describe('pagesFor and scrollToReveal', () => {
  it('lists the pages that cover a row range', () => {
    expect(pagesFor(190, 410, 200)).toEqual([0, 1, 2]);
    expect(pagesFor(200, 400, 200)).toEqual([1]);
    expect(pagesFor(5, 5, 200)).toEqual([]);
  });

  it('scrolls the least needed to reveal a row', () => {
    expect(scrollToReveal(10, 0, 300, 25)).toBeNull();
    expect(scrollToReveal(20, 0, 300, 25)).toBe(225);
    expect(scrollToReveal(2, 100, 300, 25)).toBe(50);
  });
});

describe('PagedRows', () => {
  it('fetches each missing page once and serves rows by index', async () => {
    const calls: number[] = [];
    const rows = new PagedRows<number>(10, 100);
    const fetchPage = async (offset: number, limit: number) => {
      calls.push(offset);
      return Array.from({ length: limit }, (_, i) => offset + i);
    };
    await Promise.all([rows.ensure(0, 25, fetchPage), rows.ensure(5, 25, fetchPage)]);
    expect(calls).toEqual([0, 10, 20]);
    expect(rows.get(23)).toBe(23);
    expect(rows.get(35)).toBeUndefined();
  });

  it('drops results of a fetch that started before reset (the filter changed meanwhile)', async () => {
    const rows = new PagedRows<string>(10);
    let release!: () => void;
    const slow = rows.ensure(0, 5, () => new Promise((resolve) => { release = () => resolve(['old']); }));
    rows.reset();
    release();
    expect(await slow).toBe(false);
    expect(rows.get(0)).toBeUndefined();
    await rows.ensure(0, 5, async () => ['new']);
    expect(rows.get(0)).toBe('new');
  });

  it('evicts the pages farthest from the view beyond its limit', async () => {
    const rows = new PagedRows<number>(10, 3);
    const fetchPage = async (offset: number) => [offset];
    for (const p of [0, 1, 2, 3, 9]) await rows.ensure(p * 10, p * 10 + 1, fetchPage);
    expect(rows.cachedPages).toBe(3);
    expect(rows.get(90)).toBe(90);
    expect(rows.get(0)).toBeUndefined();
  });
});
