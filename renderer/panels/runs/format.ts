// How run facts read in tables and bars: durations, ETAs, times, throughput, and the key settings and
// headline metrics of a run summary.
import { metricDirection, type RunSummary } from '../../../app/store/types.ts';
import { formatNumber } from './compareDiff.ts';

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 60) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** ETA for a progress bar: "about 2 min left"; "finishing" under a second. */
export function formatEta(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '';
  if (ms < 1000) return 'finishing';
  return `about ${formatDuration(ms).replace(/\.\d s$/, ' s')} left`;
}

export function formatRate(samplesPerSec: number | null | undefined): string {
  if (!samplesPerSec || !Number.isFinite(samplesPerSec)) return '—';
  return samplesPerSec >= 100 ? `${Math.round(samplesPerSec).toLocaleString('en-US')} samples/s` : `${samplesPerSec.toFixed(1)} samples/s`;
}

/** Local date and time, short: "2025-11-22 17:04". */
export function formatTime(iso: string | null | undefined): string {
  if (!iso) return '—';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '—';
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

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

/** Higher or lower is better, in words, for a column title. */
export function betterWord(metric: string): string {
  return metricDirection(metric) === 'max' ? 'higher is better' : 'lower is better';
}

/** 1,234 or 1.2 M parameters. */
export function formatParams(n: number | null | undefined): string {
  if (n === null || n === undefined) return '—';
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} M`;
  return n.toLocaleString('en-US');
}
