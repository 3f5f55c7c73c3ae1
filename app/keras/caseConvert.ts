// The one place where Keras's on-disk spelling (snake_case keys, Python activation and initializer names)
// meets Modelwright's in-memory spelling (TF.js camelCase), in both directions, as tfjs-layers' keras_format does.

/** `kernel_size` → `kernelSize`, exactly as tfjs-layers' `toCamelCase` does it. */
export function snakeToCamel(identifier: string): string {
  if (identifier.length <= 1 || !identifier.includes('_')) return identifier;
  return identifier.replace(/_+(\w|$)/g, (_m, c: string) => c.toUpperCase());
}

/** `kernelSize` → `kernel_size`, exactly as tfjs-layers' `toSnakeCase` does it. */
export function camelToSnake(name: string): string {
  const intermediate = name.replace(/(.)([A-Z][a-z0-9]+)/g, '$1_$2');
  const snake = intermediate.replace(/([a-z])([A-Z])/g, '$1_$2').toLowerCase();
  return snake.startsWith('_') ? `private${snake}` : snake;
}

// ---- activations ---------------------------------------------------------------------------------

/** TF.js activation identifiers (tfjs-layers `ActivationIdentifier`). */
export const TFJS_ACTIVATIONS: ReadonlySet<string> = new Set([
  'elu', 'hardSigmoid', 'linear', 'relu', 'relu6', 'selu', 'sigmoid', 'softmax', 'softplus', 'softsign',
  'tanh', 'swish', 'mish', 'gelu', 'gelu_new',
]);

/** Python Keras spellings that are not just snake_case of a TF.js identifier. */
const ACTIVATION_ALIASES: Record<string, string> = {
  hard_sigmoid: 'hardSigmoid',
  silu: 'swish',
  gelu_new: 'gelu_new',
  // Keras 3 spells some as "leaky_relu", "hard_silu"...: these stay camelCased and are reported as unsupported.
};

export interface Converted<T> {
  value: T;
  /** Why the value is not exactly what the file said, for the import warnings. */
  warning?: string;
}

/**
 * A Keras / TF.js activation (a name, or Keras 3's `{class_name: "function", config: "relu"}`) as a TF.js
 * identifier. Names TF.js does not know are kept camelCased (so validation can point at them) with a warning.
 */
export function activationFromKeras(raw: unknown): Converted<string | null> {
  if (raw === null || raw === undefined) return { value: null };
  let name: unknown = raw;
  if (isRecord(raw)) name = typeof raw.config === 'string' ? raw.config : (raw.class_name ?? raw.className);
  if (typeof name !== 'string') {
    return { value: null, warning: `a custom activation object that Modelwright cannot read (${short(raw)})` };
  }
  const id = ACTIVATION_ALIASES[name] ?? snakeToCamel(name);
  if (TFJS_ACTIVATIONS.has(id)) return { value: id };
  return { value: id, warning: `activation "${name}" does not exist in TF.js` };
}

/** A TF.js activation identifier as Keras writes it (`hardSigmoid` → `hard_sigmoid`). */
export function activationToKeras(id: string): string {
  return id === 'gelu_new' ? id : camelToSnake(id);
}

// ---- initializers ----------------------------------------------------------------------------------

/** How TF.js serializes each named initializer (tfjs-layers `serializeInitializer`), in Keras JSON spelling. */
const INITIALIZER_CONFIGS: Record<string, { class_name: string; config: Record<string, unknown> }> = {
  zeros: { class_name: 'Zeros', config: {} },
  ones: { class_name: 'Ones', config: {} },
  glorotNormal: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'normal', seed: null } },
  glorotUniform: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_avg', distribution: 'uniform', seed: null } },
  heNormal: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'normal', seed: null } },
  heUniform: { class_name: 'VarianceScaling', config: { scale: 2, mode: 'fan_in', distribution: 'uniform', seed: null } },
  leCunNormal: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'normal', seed: null } },
  leCunUniform: { class_name: 'VarianceScaling', config: { scale: 1, mode: 'fan_in', distribution: 'uniform', seed: null } },
  randomNormal: { class_name: 'RandomNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  randomUniform: { class_name: 'RandomUniform', config: { minval: -0.05, maxval: 0.05, seed: null } },
  truncatedNormal: { class_name: 'TruncatedNormal', config: { mean: 0, stddev: 0.05, seed: null } },
  orthogonal: { class_name: 'Orthogonal', config: { gain: 1, seed: null } },
  identity: { class_name: 'Identity', config: { gain: 1 } },
};

/** Keras / TF.js initializer class names that stand for a named initializer with no settings of their own. */
const INITIALIZER_CLASSES: Record<string, string> = {
  Zeros: 'zeros', Ones: 'ones', GlorotNormal: 'glorotNormal', GlorotUniform: 'glorotUniform',
  HeNormal: 'heNormal', HeUniform: 'heUniform', LecunNormal: 'leCunNormal', LeCunNormal: 'leCunNormal',
  LecunUniform: 'leCunUniform', LeCunUniform: 'leCunUniform', RandomNormal: 'randomNormal',
  RandomUniform: 'randomUniform', TruncatedNormal: 'truncatedNormal', Orthogonal: 'orthogonal', Identity: 'identity',
};

/** Python string shorthands (`kernel_initializer="he_normal"`) whose snake→camel form is not the TF.js name. */
const INITIALIZER_STRINGS: Record<string, string> = {
  lecun_normal: 'leCunNormal', lecun_uniform: 'leCunUniform', glorot_normal: 'glorotNormal',
  glorot_uniform: 'glorotUniform', he_normal: 'heNormal', he_uniform: 'heUniform', zero: 'zeros', one: 'ones',
  uniform: 'randomUniform', normal: 'randomNormal',
};

/**
 * A Keras / TF.js initializer (object or string) as a TF.js identifier. Settings Modelwright does not keep
 * (a RandomNormal's stddev, a Constant's value) are dropped with a warning when they differ from TF.js's.
 */
export function initializerFromKeras(raw: unknown): Converted<string | null> {
  if (raw === null || raw === undefined) return { value: null };
  if (typeof raw === 'string') {
    const id = INITIALIZER_STRINGS[raw] ?? snakeToCamel(raw);
    return INITIALIZER_CONFIGS[id] ? { value: id } : { value: id, warning: `initializer "${raw}" is not one Modelwright knows` };
  }
  if (!isRecord(raw)) return { value: null, warning: `an initializer Modelwright cannot read (${short(raw)})` };
  const className = String(raw.class_name ?? raw.className ?? '');
  const config = isRecord(raw.config) ? raw.config : {};
  let id: string | undefined;
  if (className === 'VarianceScaling') {
    const scale = Number(config.scale ?? 1);
    const mode = snakeToCamel(String(config.mode ?? 'fan_in'));
    const dist = snakeToCamel(String(config.distribution ?? 'normal'));
    const shape = dist === 'uniform' ? 'Uniform' : 'Normal';
    if (scale === 1 && mode === 'fanAvg') id = `glorot${shape}`;
    else if (scale === 2 && mode === 'fanIn') id = `he${shape}`;
    else if (scale === 1 && mode === 'fanIn') id = `leCun${shape}`;
    if (!id) {
      return {
        value: 'glorotNormal',
        warning: `a VarianceScaling initializer (scale ${scale}, mode ${String(config.mode)}) that TF.js has no name for; glorotNormal is used instead`,
      };
    }
    return { value: id };
  }
  if (className === 'Constant') {
    const v = Number(config.value ?? 0);
    if (v === 0) return { value: 'zeros' };
    if (v === 1) return { value: 'ones' };
    return { value: 'zeros', warning: `a Constant(${v}) initializer; Modelwright only offers zeros and ones, so zeros is used` };
  }
  id = INITIALIZER_CLASSES[className];
  if (!id) return { value: 'glorotNormal', warning: `initializer "${className}" is not one Modelwright knows; glorotNormal is used instead` };
  const defaults = INITIALIZER_CONFIGS[id].config;
  const changed = Object.entries(config).filter(([k, v]) => k !== 'seed' && k in defaults && v !== null && v !== defaults[k]);
  if (changed.length > 0) {
    const what = changed.map(([k, v]) => `${k}=${JSON.stringify(v)}`).join(', ');
    return { value: id, warning: `${className} settings ${what} are not kept; TF.js defaults are used` };
  }
  return { value: id };
}

/** A TF.js initializer identifier as the `{class_name, config}` object that TF.js's `toJSON` writes. */
export function initializerToKeras(id: string): { class_name: string; config: Record<string, unknown> } {
  const known = INITIALIZER_CONFIGS[id];
  if (!known) throw new Error(`Cannot export initializer "${id}": it is not a TF.js initializer name.`);
  return { class_name: known.class_name, config: { ...known.config } };
}

// ---- whole configs ---------------------------------------------------------------------------------

const isActivationKey = (key: string): boolean => key === 'activation' || key === 'recurrentActivation';
const isInitializerKey = (key: string): boolean => key.endsWith('Initializer');

export interface ConvertedConfig {
  /** camelCase keys; activations and initializers as TF.js identifiers; other strings camelCased like TF.js does. */
  params: Record<string, unknown>;
  /** Per key, why its value is not exactly what the file said. */
  notes: Record<string, string>;
}

/**
 * A Keras layer `config` (snake_case, Python names) in TF.js spelling. Nested objects other than
 * activations and initializers (regularizers, constraints, dtype policies) pass through with camelCase keys
 * for the caller to judge; `name` values are never touched.
 */
export function kerasConfigToParams(config: Record<string, unknown>): ConvertedConfig {
  const params: Record<string, unknown> = {};
  const notes: Record<string, string> = {};
  for (const [snakeKey, value] of Object.entries(config)) {
    const key = snakeToCamel(snakeKey);
    if (isActivationKey(key)) {
      const c = activationFromKeras(value);
      params[key] = c.value;
      if (c.warning) notes[key] = c.warning;
    } else if (isInitializerKey(key)) {
      const c = initializerFromKeras(value);
      params[key] = c.value;
      if (c.warning) notes[key] = c.warning;
    } else if (key === 'name' || key === 'layer' || key === 'backwardLayer') {
      // Names are identities, and wrapped layers are converted by the caller with their own catalog entry.
      params[key] = value;
    } else {
      params[key] = valueToTs(value);
    }
  }
  return { params, notes };
}

/** Modelwright params (TF.js spelling) as a Keras layer `config`: the reverse of kerasConfigToParams. */
export function paramsToKerasConfig(params: Record<string, unknown>): Record<string, unknown> {
  const config: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(params)) {
    const snakeKey = camelToSnake(key);
    if (isActivationKey(key) && typeof value === 'string') config[snakeKey] = activationToKeras(value);
    else if (isInitializerKey(key) && typeof value === 'string') config[snakeKey] = initializerToKeras(value);
    else if (key === 'name') config[snakeKey] = value;
    else config[snakeKey] = valueToPython(value);
  }
  return config;
}

/** Strings camelCased, object keys camelCased, recursively: tfjs-layers' `convertPythonicToTs` for values. */
function valueToTs(value: unknown): unknown {
  if (typeof value === 'string') return snakeToCamel(value);
  if (Array.isArray(value)) return value.map(valueToTs);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k === 'name' ? k : snakeToCamel(k)] = k === 'name' ? v : valueToTs(v);
    return out;
  }
  return value;
}

function valueToPython(value: unknown): unknown {
  if (typeof value === 'string') return camelToSnake(value);
  if (Array.isArray(value)) return value.map(valueToPython);
  if (isRecord(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[camelToSnake(k)] = valueToPython(v);
    return out;
  }
  return value;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A value shortened for an error or warning message. */
export function short(value: unknown, max = 80): string {
  let text: string;
  try {
    text = JSON.stringify(value) ?? String(value);
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max - 1)}…` : text;
}
