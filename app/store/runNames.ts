// Default run names that tell runs apart: the first run of a project is "<project> on <data>", every later
// one says what changed since the project's previous run ("lr 0.001 · batch 8", "+dropout", "data
// customers.csv"), or "same settings as #12". Pure, so the studio's service and the CLI name runs alike.
import { settingExplanation, settingExplanations } from '../explanations.ts';
import type { Graph } from '../graph/types.ts';
import { comparableConfig, type TrainingConfig } from '../training/config.ts';
import { dataSourceName } from '../data/sourceName.ts';
import { diffGraphs, diffValues } from './diff.ts';

/** What a run was made of, as far as its name is concerned. */
export interface RunRecipe {
  config: TrainingConfig;
  graph: Graph;
  /** The binding's source (`builtin:iris`, a file path); null without data. */
  dataSource: string | null;
}

/** At most this many differences are spelled out; the rest is "+N more". */
const maxParts = 4;
export const maxRunNameLength = 200;

/** "Iris flower classifier on iris": a project's first run. */
export function firstRunName(project: string | undefined, dataSource: string | null): string {
  const data = dataSource ? dataSourceName(dataSource) : null;
  return clip(`${project?.trim() || 'model'}${data ? ` on ${data}` : ''}`);
}

/** The differences between two runs' recipes as short phrases, settings first, then data and layers. */
export function recipeChanges(previous: RunRecipe, current: RunRecipe): string[] {
  const parts: string[] = [];
  const seen = new Set<string>();
  // In the order of the settings table (optimizer, learning rate, batch size, epochs…), not of the objects' keys.
  const order = Object.keys(settingExplanations);
  const rank = (path: string) => { const i = order.indexOf(settingExplanation(path) === settingExplanations.classWeights ? 'classWeights' : path); return i < 0 ? order.length : i; };
  const diffs = diffValues([namedConfig(previous.config), namedConfig(current.config)]).sort((a, b) => rank(a.path) - rank(b.path));
  for (const diff of diffs) {
    const entry = settingExplanation(diff.path);
    const key = entry ? entry.label : diff.path;
    // Explicit class weights differ per label, but they are one setting.
    if (seen.has(key)) continue;
    seen.add(key);
    const value = diff.path.startsWith('classWeights.') ? current.config.classWeights : diff.values[1];
    parts.push(entry ? entry.short(value) : `${diff.path} ${String(value)}`);
  }
  if ((previous.dataSource ?? null) !== (current.dataSource ?? null)) {
    parts.push(current.dataSource ? `data ${dataSourceName(current.dataSource)}` : 'no data');
  }
  const graph = diffGraphs(previous.graph, current.graph);
  for (const l of graph.added) parts.push(`+${l.name}`);
  for (const l of graph.removed) parts.push(`−${l.name}`);
  for (const c of graph.changed) {
    if (c.type) parts.push(`${c.name} ${c.type.after}`);
    for (const p of c.params) parts.push(`${c.name} ${p.key} ${formatParam(p.after)}`);
    if (c.inputs && !c.type && c.params.length === 0) parts.push(`${c.name} rewired`);
  }
  return parts;
}

/**
 * A configuration as names compare it: the cores a run computed with change its speed, not what it learns
 * (threads split each product by output tiles, docs/engine.md), so a run is not named after them.
 */
function namedConfig(config: TrainingConfig): TrainingConfig {
  const { threads: _threads, ...rest } = comparableConfig(config);
  return rest;
}

/**
 * The default name of a new run: what differs from the project's previous run, joined with " · ";
 * "same settings as #<id>" when nothing does; the first-run name when there is no previous run.
 */
export function defaultRunName(project: string | undefined, current: RunRecipe, previous: (RunRecipe & { id: number }) | null): string {
  if (!previous) return firstRunName(project, current.dataSource);
  const parts = recipeChanges(previous, current);
  if (parts.length === 0) return `same settings as #${previous.id}`;
  const shown = parts.slice(0, maxParts);
  if (parts.length > maxParts) shown.push(`+${parts.length - maxParts} more`);
  return clip(shown.join(' · '));
}

function formatParam(value: unknown): string {
  if (value === null || value === undefined) return 'auto';
  if (Array.isArray(value)) return value.join('×');
  if (typeof value === 'object') return (value as { type?: string }).type ?? 'custom';
  return String(value);
}

function clip(text: string): string {
  return text.length <= maxRunNameLength ? text : `${text.slice(0, maxRunNameLength - 1)}…`;
}
