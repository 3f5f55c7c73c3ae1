// The settings a sweep may vary and how a trial's values go into a project: training settings by their
// dotted path (`optimizer.learningRate`, `batchSize`) and layer parameters as `layers.<layer name>.<param>`,
// the names the compare view shows. Every value is checked as the settings form and the inspector would.
import { getLayerDef, validateParam, type ParamDef } from '../graph/catalog.ts';
import type { Graph, ParamValue } from '../graph/types.ts';
import { flattenPaths } from '../store/diff.ts';
import { makeTrainingConfig, trainingConfigSchema, type TrainingConfig } from '../training/config.ts';
import { SpaceError, type Distribution, type SearchSpace, type SettingValue, type TrialSettings } from './space.ts';

/** Training settings a sweep may not vary: they change which rows are measured or how, so trials could not be compared. */
const fixedSettings: Record<string, string> = {
  testSplit: 'it decides which rows are the test rows, so the trials would be scored on different rows',
  validationSplit: 'it decides which rows are the validation rows the trials are ranked on',
  metrics: 'it decides what is measured, not how the model learns',
  backend: 'it changes where the model trains, not what it learns',
};

/** Whole-number training settings: ranges over them are `int`, not `uniform`. */
const wholeNumberSettings = new Set(['batchSize', 'epochs', 'seed', 'earlyStopping.patience', 'reduceLrOnPlateau.patience']);

/** Paths of the training settings a sweep can vary, in the settings form's order. */
export const tunableTrainingPaths: readonly string[] = [...flattenPaths(makeTrainingConfig()).keys()].filter((p) => !(p in fixedSettings));

/** What a setting path points at. */
export type SettingTarget =
  | { kind: 'training'; path: string; numeric: boolean; wholeNumber: boolean }
  | { kind: 'layer'; path: string; layerName: string; param: ParamDef; layerType: string };

/** `layers.hidden_1.units` → layer "hidden_1", parameter "units" (layer names may hold dots; parameters do not). */
function splitLayerPath(path: string): { layerName: string; param: string } | null {
  const rest = path.slice('layers.'.length);
  const dot = rest.lastIndexOf('.');
  if (dot <= 0 || dot === rest.length - 1) return null;
  return { layerName: rest.slice(0, dot), param: rest.slice(dot + 1) };
}

function list(names: readonly string[], max = 12): string {
  return names.length > max ? `${names.slice(0, max).join(', ')}, …` : names.join(', ');
}

/** Finds what a path names in this graph; throws SpaceError saying what exists instead. */
export function resolveSetting(path: string, graph: Graph): SettingTarget {
  if (path.startsWith('layers.')) {
    const parts = splitLayerPath(path);
    if (!parts) throw new SpaceError(`${path}: a layer setting is written layers.<layer name>.<parameter>, e.g. layers.${graph.layers[1]?.name ?? 'hidden_1'}.units`, path);
    const layer = graph.layers.find((l) => l.name === parts.layerName);
    if (!layer) throw new SpaceError(`${path}: there is no layer named "${parts.layerName}" (the layers are: ${list(graph.layers.map((l) => l.name))})`, path);
    const def = getLayerDef(layer.type);
    const param = def?.params.find((p) => p.name === parts.param);
    if (!def || !param) {
      const names = def?.params.map((p) => p.name) ?? [];
      throw new SpaceError(`${path}: ${layer.type} layer "${layer.name}" has no setting named "${parts.param}"${names.length ? ` (its settings are: ${list(names)})` : ''}`, path);
    }
    return { kind: 'layer', path, layerName: layer.name, param, layerType: layer.type };
  }
  if (path in fixedSettings) throw new SpaceError(`${path} cannot be tuned: ${fixedSettings[path]}`, path);
  if (!tunableTrainingPaths.includes(path)) {
    throw new SpaceError(`${path}: not a training setting or layers.<layer name>.<parameter> (training settings: ${list(tunableTrainingPaths, 30)})`, path);
  }
  const sample = flattenPaths(makeTrainingConfig()).get(path);
  return { kind: 'training', path, numeric: typeof sample === 'number', wholeNumber: wholeNumberSettings.has(path) };
}

function setPath(target: Record<string, unknown>, path: string, value: unknown): void {
  const keys = path.split('.');
  let node = target;
  for (const key of keys.slice(0, -1)) {
    const next = node[key];
    node[key] = next && typeof next === 'object' && !Array.isArray(next) ? { ...(next as object) } : {};
    node = node[key] as Record<string, unknown>;
  }
  node[keys[keys.length - 1]] = value;
}

/** Why a value does not fit a training setting, in the settings form's words, or null. */
function trainingValueProblem(path: string, value: SettingValue, base: TrainingConfig): string | null {
  const candidate: Record<string, unknown> = structuredClone(base);
  setPath(candidate, path, value);
  const parsed = trainingConfigSchema.safeParse(candidate);
  if (parsed.success) return null;
  const issue = parsed.error.issues[0];
  return `${JSON.stringify(value)} is not a valid value (${issue.message.toLowerCase()})`;
}

function valueProblem(target: SettingTarget, value: SettingValue, config: TrainingConfig): string | null {
  if (target.kind === 'training') return trainingValueProblem(target.path, value, config);
  const def = getLayerDef(target.layerType)!;
  return validateParam(def, target.param.name, value);
}

/** The values a distribution's checks cover: every choice, or both ends of a range. */
function valuesToCheck(d: Distribution): SettingValue[] {
  return d.kind === 'choice' ? d.values : [d.low, d.high];
}

/** Refuses a range where only some values would do: a range over text, or over a whole-number setting without `int`. */
function rangeProblem(target: SettingTarget, d: Distribution): string | null {
  if (d.kind === 'choice') return null;
  const numeric = target.kind === 'training' ? target.numeric : target.param.kind === 'int' || target.param.kind === 'float';
  if (!numeric) return `${d.kind} needs a number setting; list the values with {"choice": [...]}`;
  const whole = target.kind === 'training' ? target.wholeNumber : target.param.kind === 'int';
  if (whole && d.kind !== 'int') return `takes whole numbers: use {"int": [${Math.ceil(d.low)}, ${Math.floor(d.high)}]} or {"choice": [...]}`;
  return null;
}

/**
 * Checks a space against a project: every path names a tunable setting or an existing layer parameter,
 * and every value it can take is valid there. Throws SpaceError with the path at fault.
 */
export function checkSpace(space: SearchSpace, graph: Graph, config: TrainingConfig): SettingTarget[] {
  return space.params.map(({ path, distribution }) => {
    const target = resolveSetting(path, graph);
    const range = rangeProblem(target, distribution);
    if (range) throw new SpaceError(`${path} ${range}`, path);
    for (const value of valuesToCheck(distribution)) {
      const problem = valueProblem(target, value, config);
      if (problem) throw new SpaceError(`${path}: ${problem}`, path);
    }
    return target;
  });
}

/**
 * A trial's graph and training settings: the project's with the trial's values written in. Checks every
 * value again (a stored sweep may meet a changed project); throws SpaceError naming the setting.
 */
export function applySettings(graph: Graph, config: TrainingConfig, settings: TrialSettings): { graph: Graph; config: TrainingConfig } {
  const nextGraph: Graph = { ...graph, layers: graph.layers.map((l) => ({ ...l, params: { ...l.params } })) };
  const rawConfig: Record<string, unknown> = structuredClone(config);
  for (const [path, value] of Object.entries(settings)) {
    const target = resolveSetting(path, graph);
    const problem = valueProblem(target, value, config);
    if (problem) throw new SpaceError(`${path}: ${problem}`, path);
    if (target.kind === 'layer') {
      const layer = nextGraph.layers.find((l) => l.name === target.layerName)!;
      layer.params[target.param.name] = value as ParamValue;
    } else {
      setPath(rawConfig, path, value);
    }
  }
  return { graph: nextGraph, config: trainingConfigSchema.parse(rawConfig) };
}

/** The current value of each setting in a project (the defaults filled in), e.g. to show beside a trial's. */
export function currentSettings(paths: readonly string[], graph: Graph, config: TrainingConfig): TrialSettings {
  const flat = flattenPaths(config);
  const out: TrialSettings = {};
  for (const path of paths) {
    const target = resolveSetting(path, graph);
    if (target.kind === 'training') out[path] = (flat.get(path) ?? null) as SettingValue;
    else {
      const layer = graph.layers.find((l) => l.name === target.layerName)!;
      const value = layer.params[target.param.name] ?? target.param.default;
      out[path] = (typeof value === 'object' && value !== null ? null : value) as SettingValue;
    }
  }
  return out;
}
