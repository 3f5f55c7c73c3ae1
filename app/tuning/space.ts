// A sweep's search space: which settings to vary and over what values, read from JSON such as
// {"optimizer.learningRate": {"logUniform": [0.0001, 0.1]}, "layers.hidden_1.units": {"choice": [16, 32]}}.
// Parsing checks the form only; app/tuning/settings.ts checks the paths against a project.

/** A value a setting can take: what a training setting or a layer parameter holds. */
export type SettingValue = number | string | boolean | null;

export type Distribution =
  /** One of the listed values. */
  | { kind: 'choice'; values: SettingValue[] }
  /** A number between low and high, every value equally likely. */
  | { kind: 'uniform'; low: number; high: number }
  /** A positive number between low and high, every power of ten equally likely (learning rates). */
  | { kind: 'logUniform'; low: number; high: number }
  /** A whole number from low to high, both included. */
  | { kind: 'int'; low: number; high: number };

export type DistributionKind = Distribution['kind'];

/** Setting path (as the compare view names it: `optimizer.learningRate`, `layers.hidden_1.units`) → distribution. */
export interface SearchSpace {
  params: { path: string; distribution: Distribution }[];
}

/** The values one trial uses, by setting path. */
export type TrialSettings = Record<string, SettingValue>;

export const distributionKinds: readonly DistributionKind[] = ['choice', 'uniform', 'logUniform', 'int'];

/** A search space that cannot be used, with a message that names the setting at fault. */
export class SpaceError extends Error {
  readonly path: string | null;
  constructor(message: string, path: string | null = null) {
    super(message);
    this.name = 'SpaceError';
    this.path = path;
  }
}

const example = '{"optimizer.learningRate": {"logUniform": [0.0001, 0.1]}, "batchSize": {"choice": [16, 32, 64]}}';

function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

function isSettingValue(value: unknown): value is SettingValue {
  return value === null || typeof value === 'boolean' || typeof value === 'string' || (typeof value === 'number' && Number.isFinite(value));
}

function parseRange(path: string, kind: Exclude<DistributionKind, 'choice'>, raw: unknown): Distribution {
  const form = `"${path}": {"${kind}": [low, high]}`;
  if (!Array.isArray(raw) || raw.length !== 2 || !raw.every((v) => typeof v === 'number' && Number.isFinite(v))) {
    throw new SpaceError(`${path}: ${kind} needs two numbers, low and high, as in ${form}`, path);
  }
  const [low, high] = raw as [number, number];
  if (!(low < high)) throw new SpaceError(`${path}: ${kind} needs low below high, got [${low}, ${high}]`, path);
  if (kind === 'logUniform' && low <= 0) throw new SpaceError(`${path}: logUniform needs numbers above 0, got [${low}, ${high}] (use uniform for ranges that include 0)`, path);
  if (kind === 'int' && !(Number.isInteger(low) && Number.isInteger(high))) {
    throw new SpaceError(`${path}: int needs whole numbers, got [${low}, ${high}]`, path);
  }
  return { kind, low, high };
}

function parseDistribution(path: string, raw: unknown): Distribution {
  if (Array.isArray(raw)) throw new SpaceError(`${path}: give the values as {"choice": [...]}, not a bare list`, path);
  if (!isObject(raw)) {
    throw new SpaceError(`${path}: expected one of ${distributionKinds.map((k) => `{"${k}": ...}`).join(', ')}`, path);
  }
  const keys = Object.keys(raw);
  if (keys.length !== 1 || !(distributionKinds as readonly string[]).includes(keys[0])) {
    const got = keys.length === 0 ? 'nothing' : keys.map((k) => `"${k}"`).join(', ');
    throw new SpaceError(`${path}: expected exactly one of ${distributionKinds.join(', ')}, got ${got}`, path);
  }
  const kind = keys[0] as DistributionKind;
  const value = raw[kind];
  if (kind !== 'choice') return parseRange(path, kind, value);
  if (!Array.isArray(value) || value.length === 0) throw new SpaceError(`${path}: choice needs a list of at least one value, as in {"choice": [16, 32, 64]}`, path);
  const bad = value.find((v) => !isSettingValue(v));
  if (bad !== undefined) throw new SpaceError(`${path}: choice values must be numbers, text, true/false or null, got ${JSON.stringify(bad)}`, path);
  const distinct = [...new Map(value.map((v) => [JSON.stringify(v), v as SettingValue])).values()];
  return { kind, values: distinct };
}

/** Reads a search space from parsed JSON; throws SpaceError naming the setting at fault. */
export function parseSpace(raw: unknown): SearchSpace {
  if (!isObject(raw)) throw new SpaceError(`a search space is a JSON object of setting → values, e.g. ${example}`);
  const entries = Object.entries(raw);
  if (entries.length === 0) throw new SpaceError(`the search space names no setting; e.g. ${example}`);
  return { params: entries.map(([path, value]) => ({ path, distribution: parseDistribution(path, value) })) };
}

/** Reads a search space from JSON text; throws SpaceError (also for text that is not JSON). */
export function parseSpaceText(text: string): SearchSpace {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (err) {
    throw new SpaceError(`the search space is not valid JSON (${(err as Error).message.split('\n')[0]})`);
  }
  return parseSpace(raw);
}

/** The space as JSON again (the form parseSpace reads), for storing a sweep. */
export function spaceToJson(space: SearchSpace): Record<string, unknown> {
  return Object.fromEntries(space.params.map(({ path, distribution: d }) =>
    [path, d.kind === 'choice' ? { choice: d.values } : { [d.kind]: [d.low, d.high] }]));
}
