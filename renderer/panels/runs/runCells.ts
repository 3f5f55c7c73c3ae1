// What a run summary shows in the runs table: its key settings and headline metrics as cells.
import { formatNumber } from '../../../app/format.ts';
import type { RunSummary } from '../../../app/store/types.ts';

/** "adam, lr 0.001, batch 32, 10 epochs". */
export function keySettings(run: Pick<RunSummary, 'config'>): string {
  const c = run.config;
  if (!c) return '—';
  return `${c.optimizer.name}, lr ${formatNumber(c.optimizer.learningRate)}, batch ${c.batchSize}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
}

/** The metric that says how good a run is: accuracy for classifiers, else the loss. */
export function headlineMetric(values: Readonly<Record<string, number | null>>): string | null {
  for (const name of ['accuracy', 'auc', 'r2', 'mae', 'mse', 'loss']) if (name in values) return name;
  const names = Object.keys(values);
  return names[0] ?? null;
}

/** Best validation metric as a cell: "val_accuracy 0.9667". */
export function bestValidation(run: Pick<RunSummary, 'best'>): { metric: string; value: number | null } | null {
  const names = Object.keys(run.best ?? {}).filter((k) => k.startsWith('val_'));
  if (names.length === 0) return null;
  const plain = Object.fromEntries(names.map((n) => [n.slice(4), run.best[n]]));
  const metric = headlineMetric(plain);
  return metric ? { metric: `val_${metric}`, value: plain[metric] } : null;
}

export function testHeadline(run: Pick<RunSummary, 'test'>): { metric: string; value: number | null } | null {
  const metric = headlineMetric(run.test ?? {});
  return metric ? { metric, value: run.test[metric] } : null;
}

export function metricCell(entry: { metric: string; value: number | null } | null): string {
  if (!entry) return '—';
  return `${entry.metric} ${formatNumber(entry.value)}`;
}
