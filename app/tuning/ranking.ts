// How a sweep ranks its trials: one metric of the epoch logs (by default the validation loss, which
// every task measures), read at the epoch whose weights the trial's model kept.
import { metricDirection } from '../store/types.ts';
import { compareScores, type Direction } from './halving.ts';
import type { TrialStatus } from './types.ts';
import { defaultMetrics, type MetricName, type Task } from '../training/loss.ts';

export const defaultSweepMetric = 'val_loss';

export function sweepMetricDirection(metric: string): Direction {
  return metricDirection(metric);
}

/** The names a metric goes by in epoch logs (`val_acc` and `val_accuracy` are the same). */
function metricAliases(metric: string): string[] {
  return [metric, metric.replace(/accuracy$/, 'acc'), metric.replace(/acc$/, 'accuracy')];
}

/** The metric's value in one epoch's logs (`val_acc` and `val_accuracy` are the same), or null. */
export function metricValue(metric: string, logs: Record<string, number | null | undefined>): number | null {
  for (const key of metricAliases(metric)) {
    const v = logs[key];
    if (typeof v === 'number' && Number.isFinite(v)) return v;
  }
  return null;
}

/**
 * A finished trial's score: the metric at the epoch whose weights the model ended with (the restored
 * best epoch under early stopping, else the last one), or null when the run has no such value.
 */
export function trialScore(metric: string, history: Record<string, (number | null)[]>, epochsCompleted: number, restoredEpoch: number | null): number | null {
  const epoch = restoredEpoch ?? epochsCompleted - 1;
  if (epoch < 0) return null;
  const logs = Object.fromEntries(Object.entries(history).map(([k, series]) => [k, series[epoch] ?? null]));
  return metricValue(metric, logs);
}

/**
 * Why no trial can ever be ranked on `metric`, when a trial that trained recorded epochs without it (a
 * regression asked for val_accuracy, a misspelt name), naming what its epochs do record; else null — a
 * trial that recorded nothing, or recorded the metric as NaN, says nothing about the next one.
 */
export function unrecordedMetric(metric: string, history: Record<string, (number | null)[]>): string | null {
  const recorded = Object.keys(history).filter((k) => (history[k]?.length ?? 0) > 0);
  if (recorded.length === 0 || metricAliases(metric).some((k) => k in history)) return null;
  return `the trials' epochs do not record ${metric} (they record ${recorded.join(', ')}): rank the trials on one of those, such as ${recorded.includes('val_loss') ? 'val_loss' : recorded[0]}`;
}

/** The best of several scored items (better score first, then the earlier one), or null when none has a score. */
export function bestOf<T extends { score: number | null }>(items: readonly T[], direction: Direction): T | null {
  let best: T | null = null;
  for (const item of items) {
    if (item.score === null || !Number.isFinite(item.score)) continue;
    if (best === null || compareScores(item.score, best.score, direction) < 0) best = item;
  }
  return best;
}

/**
 * What the sweep's best-so-far says while no trial has a score: that none has ended yet, or that those that
 * ended have no `label` (they failed, were stopped, or never recorded it) — not that none has finished.
 */
export function noBestYet(trials: readonly { status: TrialStatus }[], label: string): string {
  const ended = trials.filter((t) => t.status !== 'pending' && t.status !== 'running').length;
  if (ended === 0) return 'No trial has finished yet.';
  const which = ended === 1 ? 'the one trial that ended has' : `the ${ended} trials that ended have`;
  return `No trial has a ${label} to rank by yet (${which} none: see each trial's status and run).`;
}

/** Whether a metric name is one a sweep can rank on before any trial ran: a validation metric needs validation rows. */
export function metricProblem(metric: string, validationSplit: number): string | null {
  if (!/^[A-Za-z_][\w]*$/.test(metric)) return `"${metric}" is not a metric name (e.g. val_loss, val_accuracy)`;
  if (metric.startsWith('val_') && validationSplit <= 0) {
    return `${metric} is measured on validation rows, but the project holds none out (validation split 0); set a validation split or rank on a training metric such as ${metric.slice(4)}`;
  }
  return null;
}

/**
 * What trials can be ranked by: the validation loss and the validation value of every metric the runs record
 * (the project's, else the task's default). Before the data is read, every metric a run may record.
 */
export function rankableMetrics(task: Task | null, projectMetrics: readonly MetricName[]): string[] {
  const recorded = projectMetrics.length > 0 ? projectMetrics : task ? defaultMetrics(task) : (['accuracy', 'mae'] as const);
  return ['val_loss', ...recorded.map((m) => `val_${m}`)];
}
