// Virtualization math for the runs table: which rows a scroll position shows, where they sit, and which
// pages of the run list must be fetched, so 10,000 runs cost as much to draw as the 20 on screen.

export interface ViewportInput {
  scrollTop: number;
  viewportHeight: number;
  rowHeight: number;
  count: number;
  /** Rows drawn beyond each edge, so fast scrolling does not show blank space for a frame. */
  overscan?: number;
}

export interface RowWindow {
  /** First row index drawn (inclusive). */
  start: number;
  /** One past the last row index drawn. */
  end: number;
  /** Pixel offset of row `start` from the top of the scrolled content. */
  offsetTop: number;
  /** Height of the whole (mostly undrawn) content, for the scrollbar. */
  totalHeight: number;
}

export function visibleRows(input: ViewportInput): RowWindow {
  const { rowHeight, viewportHeight } = input;
  if (!(rowHeight > 0)) throw new Error(`rowHeight must be positive, got ${rowHeight}`);
  const count = Math.max(0, Math.floor(input.count));
  const overscan = Math.max(0, Math.floor(input.overscan ?? 6));
  const totalHeight = count * rowHeight;
  // A scroll position past the end (the list just got shorter) is clamped, not drawn as empty space.
  const maxScroll = Math.max(0, totalHeight - Math.max(0, viewportHeight));
  const scrollTop = Math.min(Math.max(0, input.scrollTop), maxScroll);
  const first = Math.floor(scrollTop / rowHeight);
  const lastVisible = Math.ceil((scrollTop + Math.max(0, viewportHeight)) / rowHeight);
  const start = Math.max(0, first - overscan);
  const end = Math.min(count, lastVisible + overscan);
  return { start, end: Math.max(start, end), offsetTop: start * rowHeight, totalHeight };
}

/** Page numbers (offset / pageSize) covering rows [start, end). */
export function pagesFor(start: number, end: number, pageSize: number): number[] {
  if (!(pageSize >= 1)) throw new Error(`pageSize must be at least 1, got ${pageSize}`);
  if (end <= start) return [];
  const pages: number[] = [];
  for (let p = Math.floor(start / pageSize); p <= Math.floor((end - 1) / pageSize); p++) pages.push(p);
  return pages;
}

/** The scrollTop that brings row `index` into view, or null when it is visible already. */
export function scrollToReveal(index: number, scrollTop: number, viewportHeight: number, rowHeight: number): number | null {
  const top = index * rowHeight;
  if (top < scrollTop) return top;
  if (top + rowHeight > scrollTop + viewportHeight) return top + rowHeight - viewportHeight;
  return null;
}

/**
 * A cache of pages of rows fetched on demand: rows come back by index, missing pages are fetched once
 * (not again while in flight), and the pages farthest from the view are dropped beyond `maxPages`.
 */
export class PagedRows<T> {
  private readonly pages = new Map<number, T[]>();
  private readonly inFlight = new Set<number>();
  readonly pageSize: number;
  private readonly maxPages: number;
  private generation = 0;

  constructor(pageSize = 200, maxPages = 50) {
    this.pageSize = pageSize;
    this.maxPages = maxPages;
  }

  get(index: number): T | undefined {
    return this.pages.get(Math.floor(index / this.pageSize))?.[index % this.pageSize];
  }

  /**
   * Fetches the pages [start, end) needs and that are neither cached nor in flight. Resolves when they
   * are stored; results of a fetch started before `reset()` are discarded (the query changed meanwhile).
   */
  async ensure(start: number, end: number, fetchPage: (offset: number, limit: number) => Promise<T[]>): Promise<boolean> {
    const wanted = pagesFor(start, end, this.pageSize).filter((p) => !this.pages.has(p) && !this.inFlight.has(p));
    if (wanted.length === 0) return false;
    const generation = this.generation;
    for (const p of wanted) this.inFlight.add(p);
    try {
      const results = await Promise.all(wanted.map((p) => fetchPage(p * this.pageSize, this.pageSize)));
      if (generation !== this.generation) return false;
      wanted.forEach((p, i) => this.pages.set(p, results[i]));
      this.evict(Math.floor(start / this.pageSize));
      return true;
    } finally {
      if (generation === this.generation) for (const p of wanted) this.inFlight.delete(p);
    }
  }

  private evict(center: number): void {
    if (this.pages.size <= this.maxPages) return;
    const byDistance = [...this.pages.keys()].sort((a, b) => Math.abs(b - center) - Math.abs(a - center));
    for (const p of byDistance.slice(0, this.pages.size - this.maxPages)) this.pages.delete(p);
  }

  /** Replaces one cached row in place (after a rename or tag), if its page is loaded. */
  update(predicate: (row: T) => boolean, change: (row: T) => T): void {
    for (const rows of this.pages.values()) {
      rows.forEach((row, i) => {
        if (predicate(row)) rows[i] = change(row);
      });
    }
  }

  reset(): void {
    this.pages.clear();
    this.inFlight.clear();
    this.generation++;
  }

  get cachedPages(): number {
    return this.pages.size;
  }
}
