// Buffers for live training charts: progress events append rows to column arrays (what uPlot draws);
// ui/frameScheduler.ts coalesces any number of appends into at most one redraw per animation frame.
import type { ProgressEvent } from '../../app/training/progress.ts';

/** Column-oriented rows for one chart: `x` plus one column per series, null where a series has no value. */
export class SeriesBuffer {
  readonly series: readonly string[];
  readonly x: number[] = [];
  readonly columns: (number | null)[][];
  /** Rows kept before the oldest half is thinned out; bounds memory and redraw cost for long runs. */
  readonly maxPoints: number;
  /** Bumped on every change, so a chart can tell whether it must redraw. */
  version = 0;

  private readonly protectedColumns: number[];

  /** `protect`: series whose rows thinning drops last (sparse epoch values among dense batch values). */
  constructor(series: readonly string[], maxPoints = 4000, protect: readonly string[] = []) {
    if (series.length === 0) throw new Error('a chart needs at least one series');
    this.protectedColumns = protect.map((name) => series.indexOf(name)).filter((i) => i >= 0);
    if (!(maxPoints >= 16)) throw new Error(`maxPoints must be at least 16, got ${maxPoints}`);
    this.series = series;
    this.columns = series.map(() => []);
    this.maxPoints = maxPoints;
  }

  get length(): number {
    return this.x.length;
  }

  /**
   * Adds values at `x`. Values for the same x as the last row merge into it (an epoch event brings
   * loss and val_loss together); an x smaller than the last one is ignored rather than drawn backwards.
   */
  append(x: number, values: Readonly<Record<string, number | null | undefined>>): void {
    if (!Number.isFinite(x)) return;
    const last = this.x.length - 1;
    if (last >= 0 && x < this.x[last]) return;
    const merge = last >= 0 && x === this.x[last];
    if (!merge) {
      this.x.push(x);
      for (const col of this.columns) col.push(null);
    }
    const row = this.x.length - 1;
    this.series.forEach((name, i) => {
      const v = values[name];
      // Non-finite values (a diverging run) become gaps: one Infinity would flatten the whole chart.
      if (v !== undefined) this.columns[i][row] = v !== null && Number.isFinite(v) ? v : null;
    });
    this.version++;
    if (this.x.length > this.maxPoints) this.thin();
  }

  /**
   * Thins the buffer (all but its newest row). Rows of the `protect`ed series (epoch averages) are kept
   * and every other remaining row (per-batch values) is dropped; when that would free too little, the
   * older half's rows are halved pairwise, preferring the row with more values. Either way the run keeps
   * its whole shape, and each thinning frees enough rows that its cost is spread over many appends.
   */
  private thin(): void {
    const half = Math.floor(this.x.length / 2);
    const isProtected = (row: number) => this.protectedColumns.some((c) => this.columns[c][row] !== null);
    const drop = new Set<number>();
    let unprotected = 0;
    for (let i = 0; i < this.x.length - 1; i++) {
      if (isProtected(i)) continue;
      if (unprotected++ % 2 === 1) drop.add(i);
    }
    if (drop.size < this.maxPoints / 8) {
      drop.clear();
      for (let i = 0; i + 1 < half; i += 2) drop.add(this.filled(i + 1) > this.filled(i) ? i : i + 1);
    }
    const keep: number[] = [];
    for (let i = 0; i < this.x.length; i++) if (!drop.has(i)) keep.push(i);
    const x = keep.map((i) => this.x[i]);
    this.x.length = 0;
    this.x.push(...x);
    for (const col of this.columns) {
      const kept = keep.map((i) => col[i]);
      col.length = 0;
      col.push(...kept);
    }
  }

  private filled(row: number): number {
    let n = 0;
    for (const col of this.columns) if (col[row] !== null) n++;
    return n;
  }

  /** The data in uPlot's aligned form (the same arrays, not copies). */
  aligned(): [number[], ...(number | null)[][]] {
    return [this.x, ...this.columns];
  }

  clear(): void {
    this.x.length = 0;
    for (const col of this.columns) col.length = 0;
    this.version++;
  }
}

/** Series of every training chart: per-batch training values, epoch averages, validation. */
export const curveSeries = ['batch', 'train', 'validation'] as const;

/** `val_accuracy` → `accuracy`: training and validation values of a metric share a chart. */
export function baseMetric(key: string): string {
  return key.startsWith('val_') ? key.slice(4) : key;
}

/**
 * One SeriesBuffer per metric (loss first), filled from progress events. The x axis is epochs:
 * batch b of epoch e sits at e + (b+1)/batchesPerEpoch, and the epoch average at e + 1.
 */
export class TrainingCurves {
  readonly charts = new Map<string, SeriesBuffer>();
  /** Bumped when a chart is added, so the UI knows to mount a new one. */
  layoutVersion = 0;
  private readonly maxPoints: number;

  constructor(maxPoints = 4000) {
    this.maxPoints = maxPoints;
  }

  private chart(metric: string): SeriesBuffer {
    let buffer = this.charts.get(metric);
    if (!buffer) {
      buffer = new SeriesBuffer(curveSeries, this.maxPoints, ['train', 'validation']);
      // Loss leads, whatever order metrics first appear in.
      const entries = [...this.charts.entries(), [metric, buffer] as const].sort(([a], [b]) => (a === 'loss' ? -1 : b === 'loss' ? 1 : 0));
      this.charts.clear();
      for (const [k, v] of entries) this.charts.set(k, v);
      this.layoutVersion++;
    }
    return buffer;
  }

  add(event: ProgressEvent): void {
    if (event.type === 'batch') {
      const per = Math.max(1, event.batchesPerEpoch);
      const x = event.epoch + (event.batch + 1) / per;
      for (const [key, value] of Object.entries(event.logs)) {
        if (key.startsWith('val_')) continue;
        this.chart(key).append(x, { batch: value });
      }
      return;
    }
    const x = event.epoch + 1;
    const byMetric = new Map<string, Record<string, number | null>>();
    for (const [key, value] of Object.entries(event.logs)) {
      const base = baseMetric(key);
      const row = byMetric.get(base) ?? {};
      row[key.startsWith('val_') ? 'validation' : 'train'] = value;
      byMetric.set(base, row);
    }
    for (const [metric, row] of byMetric) this.chart(metric).append(x, row);
  }

  clear(): void {
    this.charts.clear();
    this.layoutVersion++;
  }
}
