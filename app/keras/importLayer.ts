// One Keras / TF.js layer config read into a Modelwright layer: type and parameter aliases, the input
// shape and number type of an InputLayer, wrapped layers, and a warning for every setting that is dropped.
import { getLayerDef } from '../graph/catalog.ts';
import type { LayerDef, ParamDef } from '../graph/layers/common.ts';
import type { LayerNode, ParamValue, WrappedLayer } from '../graph/types.ts';
import { isRecord, kerasConfigToParams, short } from './caseConvert.ts';
import { KerasImportError } from './importError.ts';

export interface RawLayer {
  layer: Record<string, unknown>;
  className: string;
  config: Record<string, unknown>;
  name: string | undefined;
}

export function checkLayerShape(raw: unknown, where: string): RawLayer {
  if (!isRecord(raw)) throw new KerasImportError(`Cannot import the model: ${where} should be a layer object but is ${describeValue(raw)}.`);
  if (typeof raw.class_name !== 'string') {
    throw new KerasImportError(`Cannot import the model: ${where} has no "class_name"; each layer must look like {"class_name": "Dense", "config": {...}}.`);
  }
  if (!isRecord(raw.config)) {
    throw new KerasImportError(`Cannot import the model: ${where} (${raw.class_name}) has no "config" object.`);
  }
  const name = typeof raw.name === 'string' ? raw.name : typeof raw.config.name === 'string' ? raw.config.name : undefined;
  return { layer: raw, className: raw.class_name, config: raw.config, name };
}

/** Keras class names that are other spellings of a catalog type. */
const TYPE_ALIASES: Record<string, string> = {
  InputLayer: 'Input',
  Convolution1D: 'Conv1D',
  Convolution2D: 'Conv2D',
  Convolution2DTranspose: 'Conv2DTranspose',
  Deconvolution2D: 'Conv2DTranspose',
  SeparableConvolution2D: 'SeparableConv2D',
  DepthwiseConvolution2D: 'DepthwiseConv2D',
  MaxPool1D: 'MaxPooling1D',
  MaxPool2D: 'MaxPooling2D',
  AvgPool1D: 'AveragePooling1D',
  AvgPool2D: 'AveragePooling2D',
  GlobalMaxPool1D: 'GlobalMaxPooling1D',
  GlobalMaxPool2D: 'GlobalMaxPooling2D',
  GlobalAvgPool1D: 'GlobalAveragePooling1D',
  GlobalAvgPool2D: 'GlobalAveragePooling2D',
};

/** Keras 3 renamed a few parameters; TF.js kept the Keras 2 names. */
const PARAM_ALIASES: Record<string, Record<string, string>> = {
  LeakyReLU: { negativeSlope: 'alpha' },
};

/** Keys that describe the layer object rather than what it computes; handled elsewhere or meaningless here. */
const META_KEYS = new Set([
  'name', 'trainable', 'dtype', 'batchInputShape', 'batchShape', 'inputShape', 'inputDim', 'inputLength',
  'batchSize', 'autocast', 'module', 'registeredName', 'buildConfig', 'queryShape', 'keyShape', 'valueShape',
]);

/**
 * Defaults of parameters the catalog does not model, TF.js's and Keras's. Dropping one of these values
 * changes nothing, so it is silent; any other value is dropped with a warning. `ANY` marks settings that
 * only affect speed or randomness (never the architecture), which are dropped silently whatever they are.
 */
const ANY = Symbol('any');
const UNMODELED_DEFAULTS: Record<string, readonly unknown[] | typeof ANY> = {
  dataFormat: ['channelsLast'],
  dilationRate: [1],
  depthMultiplier: [1],
  groups: [1],
  biasInitializer: ['zeros'],
  kernelInitializer: ['glorotNormal', 'glorotUniform'],
  recurrentInitializer: ['orthogonal'],
  depthwiseInitializer: ['glorotNormal', 'glorotUniform'],
  pointwiseInitializer: ['glorotNormal', 'glorotUniform'],
  embeddingsInitializer: ['randomUniform'],
  betaInitializer: ['zeros'],
  gammaInitializer: ['ones'],
  movingMeanInitializer: ['zeros'],
  movingVarianceInitializer: ['ones'],
  activation: ['linear'],
  useBias: [true],
  noiseShape: [null],
  seed: ANY,
  implementation: ANY,
  useCudnn: ANY,
  fused: ANY,
  stateful: [false],
  unroll: [false],
  returnState: [false],
  goBackwards: [false],
  timeMajor: [false],
  unitForgetBias: [true],
  resetAfter: [false],
  keepdims: [false],
  interpolation: ['nearest'],
  outputPadding: [null],
  sparse: [false],
  ragged: [false],
  optional: [false],
  synchronized: [false],
  renorm: [false],
  renormClipping: [null],
  renormMomentum: ANY,
  virtualBatchSize: [null],
  adjustment: [null],
  rmsScaling: [false],
  loraRank: [null],
  loraAlpha: [null],
  dropout: [0],
  recurrentDropout: [0],
  mergeMode: ['concat'],
  maskZero: [false],
  center: [true],
  scale: [true],
  flashAttention: [null],
};

/** Why dropping a particular setting matters, for the warning. */
const DROP_HINTS: Record<string, string> = {
  resetAfter: 'TF.js GRUs only support reset_after=false, so the parameter count differs from the original',
  recurrentActivation: 'TF.js uses hard_sigmoid',
  kernelInitializer: 'TF.js uses its default initializer',
  dataFormat: 'Modelwright only supports channels_last (height, width, channels) images',
  returnState: 'Modelwright layers have a single output',
  stateful: 'Modelwright trains stateless recurrent layers',
};

export function convertLayer(raw: RawLayer, names: Names, warnings: string[]): LayerNode {
  const name = names.claim(raw.name ?? raw.className.toLowerCase(), raw.name !== undefined);
  const label = `Layer "${name}" (${raw.className})`;
  const type = TYPE_ALIASES[raw.className] ?? raw.className;
  if (type === 'Input') return convertInput(raw, name, label, warnings);
  const { type: outType, params } = convertParams(type, raw.config, label, warnings);
  // A frozen Keras layer stays frozen (trainable = false); trainable is the default and is not written.
  return { id: name, type: outType, name, params, ...(raw.config.trainable === false ? { trainable: false } : {}) };
}

function convertInput(raw: RawLayer, name: string, label: string, warnings: string[]): LayerNode {
  const c = raw.config;
  const batch = Array.isArray(c.batch_input_shape) ? c.batch_input_shape : Array.isArray(c.batch_shape) ? c.batch_shape : null;
  let shape: (number | null)[] | null = null;
  if (batch) shape = checkShape(batch.slice(1), `${name}.batch_input_shape`);
  else if (Array.isArray(c.input_shape)) shape = checkShape(c.input_shape, `${name}.input_shape`);
  else if (Array.isArray(c.shape)) shape = checkShape(c.shape, `${name}.shape`);
  if (!shape) {
    throw new KerasImportError(`Cannot import the model: ${label} does not say its shape (no batch_input_shape, batch_shape or input_shape).`);
  }
  let dtype = dtypeName(c.dtype) ?? 'float32';
  if (dtype === 'int64' || dtype === 'int16' || dtype === 'int8' || dtype === 'uint8') {
    warnings.push(`${label} has number type ${dtype}; TF.js uses int32 instead.`);
    dtype = 'int32';
  } else if (dtype === 'float64' || dtype === 'float16' || dtype === 'bfloat16') {
    warnings.push(`${label} has number type ${dtype}; TF.js uses float32 instead.`);
    dtype = 'float32';
  }
  if (c.sparse === true || c.ragged === true) warnings.push(`${label} takes sparse or ragged tensors; Modelwright feeds ordinary dense tensors.`);
  return { id: name, type: 'Input', name, params: { shape, dtype } };
}

/** A layer config (or a wrapped layer's) as catalog params; an unknown type keeps whatever values are plain. */
function convertParams(type: string, rawConfig: Record<string, unknown>, label: string, warnings: string[]): WrappedLayer {
  const def = getLayerDef(type);
  const { params: converted, notes } = kerasConfigToParams(rawConfig);
  const aliases = PARAM_ALIASES[type] ?? {};
  const params: Record<string, ParamValue> = {};
  if (!def) {
    const nested = rawConfig.layer !== undefined ? ' (it wraps another layer)' : '';
    warnings.push(
      ['Sequential', 'Functional', 'Model'].includes(type)
        ? `${label} is a whole model used as a layer; nested models are not supported, so it is kept as an unknown layer for you to replace.`
        : `${label} has a type Modelwright does not know${nested}; it is kept so you can see where it was, but the model is not valid until you replace or remove it.`,
    );
    for (const [key, value] of Object.entries(converted)) {
      if (!META_KEYS.has(key) && isParamValue(value)) params[key] = value as ParamValue;
    }
    return { type, params };
  }
  for (const [rawKey, value] of Object.entries(converted)) {
    const key = aliases[rawKey] ?? rawKey;
    const paramDef = def.params.find((p) => p.name === key);
    // Meta keys are skipped only when the catalog does not own the name (Embedding's inputDim is real).
    if (!paramDef && META_KEYS.has(key)) continue;
    if (key === 'backwardLayer') continue; // Keras 3 always writes the mirrored backward layer; TF.js derives it.
    if (notes[rawKey]) warnings.push(`${label}: ${notes[rawKey]}.`);
    if (paramDef) {
      const kept = keepParam(paramDef, value, label, warnings);
      if (kept !== undefined) params[key] = kept;
    } else {
      warnUnmodeled(def, key, value, label, warnings);
    }
  }
  return { type, params };
}

function keepParam(p: ParamDef, value: unknown, label: string, warnings: string[]): ParamValue | undefined {
  if (p.kind === 'layer') {
    if (!isRecord(value) || typeof value.class_name !== 'string' || !isRecord(value.config)) {
      throw new KerasImportError(`Cannot import the model: ${label} should wrap a layer given as {"class_name": ..., "config": {...}} but its "layer" is ${short(value)}.`);
    }
    const innerType = TYPE_ALIASES[value.class_name] ?? value.class_name;
    return convertParams(innerType, value.config, `${label}, wrapped ${value.class_name}`, warnings);
  }
  // Keras 2 writes a built BatchNormalization/LayerNormalization axis as a one-item list.
  if ((p.kind === 'int' || p.kind === 'float') && Array.isArray(value) && value.length === 1 && typeof value[0] === 'number') {
    return value[0];
  }
  if (value === null && !p.nullable) return undefined; // Null means "not set": the catalog default applies.
  if (!isParamValue(value)) {
    warnings.push(`${label}: ${p.name} = ${short(value)} cannot be read, so the default (${short(p.default)}) is used.`);
    return undefined;
  }
  return value as ParamValue;
}

function warnUnmodeled(def: LayerDef, key: string, value: unknown, label: string, warnings: string[]): void {
  if (value === null || value === undefined) return;
  if (key.endsWith('Regularizer')) {
    warnings.push(`${label}: the ${snakeKey(key)} (${short(value)}) is dropped; Modelwright does not support weight regularizers.`);
    return;
  }
  if (key.endsWith('Constraint')) {
    warnings.push(`${label}: the ${snakeKey(key)} (${short(value)}) is dropped; Modelwright does not support weight constraints.`);
    return;
  }
  const defaults = UNMODELED_DEFAULTS[key];
  if (defaults === ANY) return;
  if (defaults && defaults.some((d) => sameValue(d, value))) return;
  const hint = DROP_HINTS[key];
  warnings.push(`${label}: ${snakeKey(key)} = ${short(value)} is dropped because Modelwright's ${def.type} has no such setting${hint ? ` (${hint})` : ''}.`);
}

/** Equal as JSON, where a list of identical numbers equals that number (dilation_rate [1, 1] is 1). */
function sameValue(a: unknown, b: unknown): boolean {
  if (typeof a === 'number' && Array.isArray(b)) return b.length > 0 && b.every((x) => x === a);
  return JSON.stringify(a) === JSON.stringify(b);
}

function snakeKey(key: string): string {
  return key.replace(/([A-Z])/g, (c) => `_${c.toLowerCase()}`);
}


function isParamValue(value: unknown): boolean {
  if (value === null || ['number', 'string', 'boolean'].includes(typeof value)) return true;
  if (!Array.isArray(value)) return false;
  return value.every((v) => v === null || typeof v === 'number' || (Array.isArray(v) && v.every((x) => typeof x === 'number')));
}

export function checkShape(dims: unknown[], where: string): (number | null)[] {
  return dims.map((d) => {
    if (d === null || (typeof d === 'number' && Number.isInteger(d) && d > 0)) return d as number | null;
    throw new KerasImportError(`Cannot import the model: ${where} contains ${short(d)}; every size must be a whole number above 0 or null.`);
  });
}

/** Keras 3 writes dtype as a DTypePolicy object; Keras 2 and TF.js as a string. */
function dtypeName(raw: unknown): string | undefined {
  if (typeof raw === 'string') return raw;
  if (isRecord(raw) && isRecord(raw.config) && typeof raw.config.name === 'string') return raw.config.name;
  return undefined;
}

export function describeValue(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  return typeof v === 'object' ? 'an object' : `a ${typeof v} (${short(v, 40)})`;
}

/** Layer names: the file's own must be unique; made-up ones get a free suffix. */
export class Names {
  private used = new Set<string>();
  private reserved: string[] = [];
  claim(name: string, fromFile: boolean): string {
    if (fromFile) {
      if (this.used.has(name)) throw new KerasImportError(`Cannot import the model: two layers are named "${name}"; layer names must be unique.`);
      this.used.add(name);
      return name;
    }
    return this.fresh(name);
  }
  /** A made-up name that must not clash with names read later from the file. */
  reserveLater(base: string): string {
    this.reserved.push(base);
    return base;
  }
  commitReserved(layers: LayerNode[]): void {
    for (const base of this.reserved) {
      const layer = layers.find((l) => l.id === base && l.type === 'Input');
      if (!layer || !this.used.has(base)) {
        this.used.add(base);
        continue;
      }
      const name = this.fresh(base);
      layer.id = name;
      layer.name = name;
    }
  }
  private fresh(base: string): string {
    let name = base;
    for (let i = 1; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }
}
