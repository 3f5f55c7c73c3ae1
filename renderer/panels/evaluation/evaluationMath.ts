// The numbers behind the evaluation views: confusion-matrix normalization, the feature grid that the
// decision-region plot asks the model to predict on, ranges for the scatter plots, and the CSV download.
import type { ClassificationEvaluation, RegressionEvaluation } from '../../../app/training/evaluate.ts';

export type ConfusionMode = 'counts' | 'row' | 'column';

/**
 * confusion[actual][predicted] as counts, or normalized: `row` divides by the actual class's total (the
 * diagonal is recall), `column` by the predicted class's total (the diagonal is precision). A class with
 * no rows gives zeros, not NaN.
 */
export function normalizeConfusion(confusion: readonly (readonly number[])[], mode: ConfusionMode): number[][] {
  if (mode === 'counts') return confusion.map((row) => [...row]);
  const k = confusion.length;
  if (mode === 'row') {
    return confusion.map((row) => {
      const total = row.reduce((a, b) => a + b, 0);
      return row.map((v) => (total > 0 ? v / total : 0));
    });
  }
  const totals = Array.from({ length: k }, (_, c) => confusion.reduce((sum, row) => sum + (row[c] ?? 0), 0));
  return confusion.map((row) => row.map((v, c) => (totals[c] > 0 ? v / totals[c] : 0)));
}

/** Share of the colour scale a cell takes: 0 for empty cells, 1 for the largest. */
export function cellIntensity(value: number, max: number): number {
  if (!(max > 0) || !(value > 0)) return 0;
  return Math.min(1, value / max);
}

export function matrixMax(matrix: readonly (readonly number[])[]): number {
  let max = 0;
  for (const row of matrix) for (const v of row) if (v > max) max = v;
  return max;
}

export interface Range {
  min: number;
  max: number;
}

/** A linear map from `range` onto [from, to] (screen coordinates; `to` may be smaller, for y axes). */
export function scale(range: Range, from: number, to: number): (v: number) => number {
  const span = range.max - range.min || 1;
  return (v: number) => from + ((v - range.min) / span) * (to - from);
}

/** `count` evenly spaced axis ticks from min to max. */
export function ticks(range: Range, count = 5): number[] {
  const step = (range.max - range.min) / (count - 1);
  return Array.from({ length: count }, (_, i) => range.min + i * step);
}

/** The span of the values, widened by `pad` of its width on each side (and to ±0.5 around a single value). */
export function paddedRange(values: Iterable<number>, pad = 0.05): Range | null {
  let min = Infinity;
  let max = -Infinity;
  for (const v of values) {
    if (!Number.isFinite(v)) continue;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  if (min === Infinity) return null;
  if (min === max) return { min: min - 0.5, max: max + 0.5 };
  const w = (max - min) * pad;
  return { min: min - w, max: max + w };
}

export interface GridSpec {
  xFeature: string;
  yFeature: string;
  x: Range;
  y: Range;
  /** Cells per side; steps × steps rows are predicted. */
  steps: number;
}

/**
 * The rows to predict for a decision-region plot: the centre of every cell of a steps × steps grid over
 * the two features, row by row from the bottom (y.min) up. Other columns take `fill`'s values.
 */
export function gridRows(spec: GridSpec, fill: Readonly<Record<string, string | number>> = {}): Record<string, string | number>[] {
  const { steps } = spec;
  if (!Number.isInteger(steps) || steps < 2 || steps > 100) throw new Error(`the grid needs 2–100 steps per side, got ${steps}`);
  const dx = (spec.x.max - spec.x.min) / steps;
  const dy = (spec.y.max - spec.y.min) / steps;
  const rows: Record<string, string | number>[] = [];
  for (let j = 0; j < steps; j++) {
    for (let i = 0; i < steps; i++) {
      rows.push({ ...fill, [spec.xFeature]: spec.x.min + (i + 0.5) * dx, [spec.yFeature]: spec.y.min + (j + 0.5) * dy });
    }
  }
  return rows;
}

/** The grid cell (column, row from the bottom) a point falls in, or null outside the grid. */
export function gridCell(spec: GridSpec, x: number, y: number): { i: number; j: number } | null {
  const i = Math.floor(((x - spec.x.min) / (spec.x.max - spec.x.min)) * spec.steps);
  const j = Math.floor(((y - spec.y.min) / (spec.y.max - spec.y.min)) * spec.steps);
  if (i < 0 || j < 0 || i >= spec.steps || j >= spec.steps) return null;
  return { i, j };
}

export interface LabelledPoint {
  x: number;
  y: number;
  label: string;
}

/**
 * Points of a two-feature data preview: rows whose two feature cells are numbers. Rows with a missing or
 * non-numeric cell are left out (they could not be placed on the plot).
 */
export function previewPoints(
  preview: { columns: readonly string[]; rows: readonly (readonly string[])[] },
  xFeature: string,
  yFeature: string,
  target: string | null,
): LabelledPoint[] {
  const xi = preview.columns.indexOf(xFeature);
  const yi = preview.columns.indexOf(yFeature);
  const ti = target === null ? -1 : preview.columns.indexOf(target);
  if (xi < 0 || yi < 0) return [];
  const points: LabelledPoint[] = [];
  for (const row of preview.rows) {
    const x = Number(row[xi]);
    const y = Number(row[yi]);
    if (row[xi]?.trim() === '' || row[yi]?.trim() === '' || !Number.isFinite(x) || !Number.isFinite(y)) continue;
    points.push({ x, y, label: ti >= 0 ? String(row[ti] ?? '') : '' });
  }
  return points;
}

/** Test samples behind a confusion-matrix cell, from per-sample records when the evaluation has them. */
import type { TestSample } from '../../../app/training/evaluate.ts';
export type { TestSample };

export function samplesInCell(samples: readonly TestSample[], actual: number, predicted: number, limit = 200): { samples: TestSample[]; total: number } {
  const all = samples.filter((s) => s.actual === actual && s.predicted === predicted);
  return { samples: all.slice(0, limit), total: all.length };
}

/** The wrong predictions the model was surest of, surest first: where it is most confidently mistaken. */
export function worstPredictions(samples: readonly TestSample[], limit = 8): TestSample[] {
  return samples.filter((s) => s.actual !== s.predicted)
    .sort((a, b) => (b.confidence ?? -1) - (a.confidence ?? -1) || a.index - b.index)
    .slice(0, limit);
}

/** One CSV field: quoted when it holds a delimiter, a quote or a line break (RFC 4180). */
function csvField(value: string | number | null): string {
  const text = value === null ? '' : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/**
 * A run's test evaluation as CSV for a download: the headline metrics, then (classification) one row per
 * class and the confusion matrix, or (regression) the predicted-against-actual pairs kept with the run.
 */
export function evaluationCsv(evaluation: ClassificationEvaluation | RegressionEvaluation): string {
  const rows: (string | number | null)[][] = [['metric', 'value'], ['test rows', evaluation.count]];
  if (evaluation.task === 'classification') {
    rows.push(['accuracy', evaluation.accuracy], ['macro precision', evaluation.macro.precision], ['macro recall', evaluation.macro.recall],
      ['macro F1', evaluation.macro.f1], ['AUC', evaluation.auc]);
    rows.push([], ['class', 'precision', 'recall', 'F1', 'support']);
    for (const c of evaluation.perClass) rows.push([c.label, c.precision, c.recall, c.f1, c.support]);
    rows.push([], ['actual \\ predicted', ...evaluation.classes]);
    evaluation.confusion.forEach((row, i) => rows.push([evaluation.classes[i], ...row]));
  } else {
    rows.push(['MSE', evaluation.mse], ['MAE', evaluation.mae], ['R²', evaluation.r2]);
    rows.push([], ['actual', 'predicted']);
    for (const [actual, predicted] of evaluation.pairs) rows.push([actual, predicted]);
  }
  return `${rows.map((r) => r.map(csvField).join(',')).join('\r\n')}\r\n`;
}
