// What a run summary shows in the runs table: its settings (those that differ across the listed runs
// first) and headline metrics as cells.
import { metricLabel, settingExplanation, settingExplanations } from '../../../app/explanations.ts';
import { formatNumber } from '../../../app/format.ts';
import { diffValues } from '../../../app/store/diff.ts';
import type { RunSummary } from '../../../app/store/types.ts';
import { comparableConfig, type TrainingConfig } from '../../../app/training/config.ts';

/** "adam, lr 0.001, batch 32, 10 epochs". */
/** An ensemble's config is its first member's: its settings are its members', shown in its details instead. */
const ensembleSettings = 'ensemble of fused runs';

export function keySettings(run: Pick<RunSummary, 'config'> & { kind?: RunSummary['kind'] }): string {
  const c = run.config;
  if (run.kind === 'ensemble') return ensembleSettings;
  if (!c) return '—';
  return `${c.optimizer.name}, lr ${formatNumber(c.optimizer.learningRate)}, batch ${c.batchSize}, ${c.epochs} epoch${c.epochs === 1 ? '' : 's'}`;
}

/** The settings every run's cell shows even when they are the same for all: the four people tune first. */
export const keySettingPaths = ['optimizer.name', 'optimizer.learningRate', 'batchSize', 'epochs'] as const;

const settingOrder = Object.keys(settingExplanations);

/** The table's entry for a path; explicit class weights (`classWeights.<label>`) are the one setting `classWeights`. */
function settingKey(path: string): string {
  return path.startsWith('classWeights.') ? 'classWeights' : path;
}

/**
 * Setting paths whose values are not the same in every listed run, in the order of the settings table
 * (optimizer, learning rate, batch size, epochs, splits…); empty with fewer than two runs.
 */
export function differingSettings(configs: readonly (TrainingConfig | null | undefined)[]): string[] {
  if (configs.length < 2) return [];
  const keys = new Set(diffValues(configs.map((c) => comparableConfig(c ?? {}))).map((d) => settingKey(d.path)));
  const rank = (k: string) => { const i = settingOrder.indexOf(k); return i < 0 ? settingOrder.length : i; };
  return [...keys].sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
}

export interface SettingPart {
  path: string;
  /** The run's value in a run name's words: `lr 0.001`, `batch 8`. */
  text: string;
  /** The setting's one-sentence explanation, for the hover. */
  explanation: string;
}

/** A run's settings cell: the settings that differ across the listed runs first, then the key settings that do not. */
export function settingsCell(run: Pick<RunSummary, 'config'> & { kind?: RunSummary['kind'] }, differing: readonly string[]): { differing: SettingPart[]; same: SettingPart[] } {
  if (run.kind === 'ensemble') {
    return { differing: [], same: [{ path: 'kind', text: ensembleSettings, explanation: 'Fused from other runs: its members and their weights are in its details' }] };
  }
  const part = (path: string): SettingPart => {
    const entry = settingExplanation(path);
    const value = path.split('.').reduce<unknown>((v, k) => (v && typeof v === 'object' ? (v as Record<string, unknown>)[k] : undefined), run.config);
    return { path, text: entry ? entry.short(value) : `${path} ${String(value)}`, explanation: entry ? `${entry.label}: ${entry.text}` : path };
  };
  if (!run.config) return { differing: [], same: [] };
  return {
    differing: differing.map(part),
    same: keySettingPaths.filter((p) => !differing.includes(p)).map(part),
  };
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
  return `${metricLabel(entry.metric)} ${formatNumber(entry.value)}`;
}

/** A run's status as the table shows it: a completed run whose model learned nothing says so. */
export function statusText(run: Pick<RunSummary, 'status' | 'learned'>): string {
  return run.learned === false ? 'did not learn' : run.status;
}

/** The CSS class that colours a run's status: a run that did not learn reads as a warning, not a success. */
export function statusClass(run: Pick<RunSummary, 'status' | 'learned'>): string {
  return `mw-wp-st-${run.learned === false ? 'did-not-learn' : run.status}`;
}
