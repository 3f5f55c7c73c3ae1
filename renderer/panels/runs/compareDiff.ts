// What the compare view shows: every setting of 2–6 runs with the differing ones marked (cell by cell,
// against the first run), architecture differences as sentences, and test metrics with the best marked.
import { formatNumber } from '../../../app/format.ts';
import { canonicalJson, flattenPaths } from '../../../app/store/diff.ts';
import { metricDirection, type GraphDiff } from '../../../app/store/types.ts';

export interface SettingRow {
  /** Dotted path: `optimizer.learningRate`. */
  path: string;
  values: unknown[];
  /** True when not every run has the same value. */
  differs: boolean;
  /** changed[i]: run i's value is not the first run's (the first run is the baseline). */
  changed: boolean[];
}

/**
 * One row per setting path of any run, in first-seen order. With `onlyDifferences` the rows where all
 * runs agree are left out; otherwise they are kept and simply not marked.
 */
export function settingRows(configs: readonly unknown[], onlyDifferences = false): SettingRow[] {
  const flat = configs.map((c) => flattenPaths(c ?? {}));
  const paths: string[] = [];
  const seen = new Set<string>();
  for (const map of flat) {
    for (const key of map.keys()) {
      if (!seen.has(key)) {
        seen.add(key);
        paths.push(key);
      }
    }
  }
  const rows: SettingRow[] = [];
  for (const path of paths) {
    const values = flat.map((m) => (m.has(path) ? m.get(path) : null));
    const texts = values.map((v) => canonicalJson(v ?? null));
    const changed = texts.map((t) => t !== texts[0]);
    const differs = changed.some(Boolean);
    if (onlyDifferences && !differs) continue;
    rows.push({ path, values, differs, changed });
  }
  return rows;
}

/** A setting value as a table cell shows it. */
export function formatSetting(value: unknown): string {
  if (value === null || value === undefined) return '—';
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatNumber(value);
  if (typeof value === 'string') return value;
  return canonicalJson(value);
}

export type ArchitectureLineKind = 'added' | 'removed' | 'changed';

export interface ArchitectureLine {
  kind: ArchitectureLineKind;
  text: string;
}

/** How a run's graph differs from the baseline run's, as short sentences (empty when identical). */
export function architectureLines(diff: GraphDiff): ArchitectureLine[] {
  if (diff.identical) return [];
  const lines: ArchitectureLine[] = [];
  for (const l of diff.added) lines.push({ kind: 'added', text: `+ ${l.name} (${l.type})` });
  for (const l of diff.removed) lines.push({ kind: 'removed', text: `− ${l.name} (${l.type})` });
  for (const c of diff.changed) {
    const parts: string[] = [];
    if (c.type) parts.push(`type ${c.type.before} → ${c.type.after}`);
    for (const p of c.params) parts.push(`${p.key} ${formatSetting(p.before)} → ${formatSetting(p.after)}`);
    if (c.inputs) parts.push(`inputs ${c.inputs.before.join(', ') || 'none'} → ${c.inputs.after.join(', ') || 'none'}`);
    lines.push({ kind: 'changed', text: `~ ${c.name}: ${parts.join('; ')}` });
  }
  return lines;
}

/** Index of the best value of a metric across runs (higher accuracy, lower loss); null when none has one. */
export function bestIndex(metric: string, values: readonly (number | null)[]): number | null {
  const direction = metricDirection(metric);
  let best: number | null = null;
  values.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    if (best === null || (direction === 'max' ? v > values[best]! : v < values[best]!)) best = i;
  });
  return best;
}
