// The settings the studio's Tune mode offers, each with a sensible starting range around the project's
// current value (learning rate a tenth to ten times, units half to double...), and the space a new sweep
// starts with. The output layers' size and activation are left out: they must fit the data.
import { settingLabel } from '../explanations.ts';
import { getLayerDef, type ParamDef } from '../graph/catalog.ts';
import type { Graph } from '../graph/types.ts';
import { flattenPaths } from '../store/diff.ts';
import type { TrainingConfig } from '../training/config.ts';
import type { DistributionKind } from './space.ts';

export interface TunableSetting {
  path: string;
  /** As the settings form and the inspector name it: "Learning rate", "hidden_1 · Units". */
  label: string;
  /** The distributions that fit it (numbers: all; whole numbers: choice and int; the rest: choice). */
  kinds: DistributionKind[];
  /** A starting distribution, in the space's JSON form. */
  suggestion: Record<string, unknown>;
}

const trainingSettings = ['optimizer.learningRate', 'batchSize', 'epochs', 'optimizer.name', 'optimizer.momentum'];
const numberKinds: DistributionKind[] = ['logUniform', 'uniform', 'choice', 'int'];
const wholeKinds: DistributionKind[] = ['choice', 'int'];

function tidy(x: number): number {
  return Number(x.toPrecision(3));
}

function trainingSuggestion(path: string, value: unknown): TunableSetting {
  const label = settingLabel(path);
  switch (path) {
    case 'optimizer.learningRate': {
      const lr = typeof value === 'number' && value > 0 ? value : 0.001;
      return { path, label, kinds: numberKinds, suggestion: { logUniform: [tidy(lr / 10), tidy(Math.min(lr * 10, 1))] } };
    }
    case 'batchSize': {
      const b = typeof value === 'number' ? value : 32;
      return { path, label, kinds: wholeKinds, suggestion: { choice: [...new Set([Math.max(1, Math.round(b / 2)), b, b * 2])] } };
    }
    case 'epochs': {
      const e = typeof value === 'number' ? value : 10;
      return { path, label, kinds: wholeKinds, suggestion: { choice: [...new Set([Math.max(1, Math.round(e / 2)), e, e * 2])] } };
    }
    case 'optimizer.name':
      return { path, label, kinds: ['choice'], suggestion: { choice: ['adam', 'rmsprop', 'sgd'] } };
    default:
      return { path, label, kinds: numberKinds, suggestion: { uniform: [0, 0.9] } };
  }
}

function layerSuggestion(path: string, label: string, p: ParamDef, value: unknown): TunableSetting | null {
  if (p.kind === 'int') {
    const n = typeof value === 'number' ? value : typeof p.default === 'number' ? p.default : 16;
    const low = Math.max(p.min ?? 1, Math.round(n / 2));
    return { path, label, kinds: wholeKinds, suggestion: { choice: [...new Set([low, n, n * 2])] } };
  }
  if (p.kind === 'float') {
    const lo = p.min ?? 0;
    const hi = p.max !== undefined ? (p.maxExclusive ? p.max * 0.9 : p.max) : 1;
    return { path, label, kinds: numberKinds, suggestion: { uniform: [lo, tidy(Math.min(hi, lo + 0.5))] } };
  }
  if (p.kind === 'enum' && p.options?.length) {
    const current = typeof value === 'string' ? value : String(p.default);
    return { path, label, kinds: ['choice'], suggestion: { choice: [...new Set([current, ...p.options.filter((o) => o !== current).slice(0, 1)])] } };
  }
  if (p.kind === 'bool') return { path, label, kinds: ['choice'], suggestion: { choice: [true, false] } };
  return null;
}

/** Every setting the Tune mode offers for this project: the main training settings, then each layer's parameters. */
export function tunableSettings(graph: Graph, config: TrainingConfig): TunableSetting[] {
  const flat = flattenPaths(config);
  const out = trainingSettings.map((path) => trainingSuggestion(path, flat.get(path)));
  const feeds = new Set(graph.connections.map((c) => c.from));
  for (const layer of graph.layers) {
    const def = getLayerDef(layer.type);
    if (!def || layer.type === 'Input') continue;
    const isOutput = !feeds.has(layer.id);
    for (const p of def.params) {
      if (isOutput && ['units', 'filters', 'activation'].includes(p.name)) continue;
      const s = layerSuggestion(`layers.${layer.name}.${p.name}`, `${layer.name} · ${p.label}`, p, layer.params[p.name]);
      if (s) out.push(s);
    }
  }
  return out;
}

/** The space a new sweep starts with: learning rate, batch size, and the first hidden layer's size or rate. */
export function starterSpace(graph: Graph, config: TrainingConfig): Record<string, unknown> {
  const all = tunableSettings(graph, config);
  const pick = (path: string) => all.find((s) => s.path === path);
  const layer = all.find((s) => /^layers\..+\.(units|filters|rate)$/.test(s.path));
  return Object.fromEntries([pick('optimizer.learningRate'), pick('batchSize'), layer].filter((s): s is TunableSetting => Boolean(s)).map((s) => [s.path, s.suggestion]));
}
