// The compare view's one sentence: which run is better on the held-out (test) metric, by how much, and
// whether that difference is larger than run-to-run noise. Pure, so the studio and the CLI say the same.
//
// How noise is judged (docs/history.md#which-run-is-better): a test score is measured on a finite sample
// of rows, so two equally good models score differently by chance. The difference between two runs counts
// as within noise when it is smaller than two standard errors of that difference (about a 95% band):
// - accuracy: each run's standard error is sqrt(p(1 − p) / n) for n test rows, with p taken as
//   (correct + 1) / (n + 2) so that a perfect score still has some uncertainty;
// - mean absolute error: each run's standard error is the standard deviation of its per-row absolute
//   errors (from the evaluation's predicted-against-actual pairs) divided by sqrt(n);
// - any other metric: not judged (the sentence says so).
// The two standard errors add as independent (sqrt(se1² + se2²)). For two runs scored on the same test
// rows that is on the safe side: it calls fewer differences real, never more.
import { formatNumber, formatPercent } from '../format.ts';
import { metricLabel } from '../explanations.ts';
import { numericPairs, type Evaluation } from '../training/evaluate.ts';
import { metricDirection } from './types.ts';

export interface VerdictRun {
  id: number;
  name: string;
  /** Test metrics as recorded (`test` of a run summary). */
  test: Readonly<Record<string, number | null>>;
  evaluation: Evaluation | null;
}

export interface CompareVerdict {
  /** The held-out metric judged: `accuracy` for classifiers, `mae` for regression, else the first shared one. */
  metric: string;
  /** The better run and the one it is compared with (with more than two runs: the runner-up). */
  better: { id: number; name: string; value: number };
  other: { id: number; name: string; value: number };
  /** |better − other|, in the metric's units (a fraction for accuracy). */
  difference: number;
  /** Two standard errors of the difference; null when it cannot be judged. */
  noise: number | null;
  /** True when the difference is smaller than `noise`; null when noise cannot be judged. */
  withinNoise: boolean | null;
  /** The verdict in one sentence. */
  sentence: string;
}

const preferred = ['accuracy', 'mae', 'auc', 'r2', 'mse', 'loss'];

/** A run's standard error for the metric, or null when it cannot be estimated. */
export function standardError(metric: string, value: number, evaluation: Evaluation | null): number | null {
  if (!evaluation || evaluation.count <= 0) return null;
  const n = evaluation.count;
  if (metric === 'accuracy' && evaluation.task === 'classification') {
    const p = (value * n + 1) / (n + 2);
    return Math.sqrt((p * (1 - p)) / n);
  }
  const pairs = evaluation.task === 'regression' ? numericPairs(evaluation.pairs) : [];
  if (metric === 'mae' && evaluation.task === 'regression' && pairs.length >= 2) {
    const errors = pairs.map(([actual, predicted]) => Math.abs(actual - predicted));
    const mean = errors.reduce((a, b) => a + b, 0) / errors.length;
    const variance = errors.reduce((a, e) => a + (e - mean) ** 2, 0) / (errors.length - 1);
    return Math.sqrt(variance / n);
  }
  return null;
}

function show(metric: string, value: number): string {
  return metric === 'accuracy' ? formatPercent(value) : formatNumber(value);
}

function showDifference(metric: string, difference: number): string {
  return metric === 'accuracy' ? `${(difference * 100).toFixed(1)} points` : formatNumber(difference);
}

const quoted = (r: { id: number; name: string }) => `“${r.name}” (#${r.id})`;

/** The verdict over 2–6 runs; null when fewer than two of them have a test score in common. */
export function compareVerdict(runs: readonly VerdictRun[]): CompareVerdict | null {
  const scored = (m: string) => runs.filter((r) => typeof r.test[m] === 'number' && Number.isFinite(r.test[m]));
  const metric = preferred.find((m) => scored(m).length >= 2)
    ?? [...new Set(runs.flatMap((r) => Object.keys(r.test)))].find((m) => scored(m).length >= 2);
  if (!metric) return null;
  const higher = metricDirection(metric) === 'max';
  const ranked = scored(metric).map((r) => ({ run: r, value: r.test[metric] as number }))
    .sort((a, b) => (higher ? b.value - a.value : a.value - b.value));
  const [first, second] = ranked;
  const difference = Math.abs(first.value - second.value);
  const se1 = standardError(metric, first.value, first.run.evaluation);
  const se2 = standardError(metric, second.value, second.run.evaluation);
  const noise = se1 !== null && se2 !== null ? 2 * Math.sqrt(se1 ** 2 + se2 ** 2) : null;
  const withinNoise = noise === null ? null : difference < noise;
  const words = metricLabel(metric);
  // "test accuracy", "test macro F1", but "test AUC" and "test R²".
  const label = `test ${/^[A-Z][a-z]/.test(words) ? words.charAt(0).toLowerCase() + words.slice(1) : words}`;
  const better = { id: first.run.id, name: first.run.name, value: first.value };
  const other = { id: second.run.id, name: second.run.name, value: second.value };

  let sentence: string;
  if (difference === 0) {
    sentence = `${quoted(better)} and ${quoted(other)} score the same ${label}: ${show(metric, better.value)}.`;
  } else {
    const how = `${showDifference(metric, difference)} ${higher ? 'higher' : 'lower'}`;
    const head = runs.length > 2
      ? `${quoted(better)} is best on ${label}: ${show(metric, better.value)}, ${how} than the next best, ${quoted(other)} at ${show(metric, other.value)}`
      : `${quoted(better)} is better on ${label}: ${show(metric, better.value)} against ${show(metric, other.value)} for ${quoted(other)}, ${how}`;
    const rows = first.run.evaluation?.count;
    let tail: string;
    if (withinNoise === null) tail = ' — whether that is more than run-to-run noise cannot be judged for this metric.';
    else if (withinNoise) tail = ` — within run-to-run noise: with ${rows} test rows, differences under ${showDifference(metric, noise!)} can come from chance alone.`;
    else tail = ` — more than run-to-run noise (±${showDifference(metric, noise!)} with ${rows} test rows).`;
    sentence = `${head}${tail}`;
  }
  return { metric, better, other, difference, noise, withinNoise, sentence };
}
