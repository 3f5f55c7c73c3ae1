// Building blocks of the layer catalog: the shape of a layer definition and the shape arithmetic that
// TF.js uses (conv_utils.ts), so every category module describes its layers the same way.
import type { GraphErrorKind, ParamValue, Shape } from '../types.ts';

export type ParamKind =
  | 'int'
  | 'float'
  | 'bool'
  | 'enum'
  /** A list of whole numbers, or with `scalarOk` a single one meaning "the same along every axis". */
  | 'intList'
  /** A tensor shape: whole numbers, `null` for a size known only at run time (with `nullItems`). */
  | 'shape'
  /** Padding/cropping amounts: one number, [height, width], or [[top, bottom], [left, right]]. */
  | 'intPairs'
  | 'string'
  /** Another layer wrapped by this one (Bidirectional, TimeDistributed). */
  | 'layer';

export interface ParamDef {
  /** Keras / TF.js camelCase name: the key in `LayerNode.params` and in the tfjs layer config. */
  name: string;
  kind: ParamKind;
  label: string;
  help: string;
  /** The TF.js default; for parameters TF.js requires (`required`), a sensible starting value. */
  default: ParamValue;
  /** TF.js has no default for this parameter; the catalog default is only a suggestion. */
  required?: boolean;
  /** Bounds for numbers and for every item of a list. */
  min?: number;
  max?: number;
  /** The bound itself is not allowed (e.g. a dropout rate must stay below 1). */
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** Allowed values of an enum; allowed wrapped layer types for `layer`. */
  options?: readonly string[];
  /** `null` is allowed and means what `nullMeaning` says (e.g. "same as the pool size"). */
  nullable?: boolean;
  nullMeaning?: string;
  /** intList/shape: exact length, or bounds on the length. */
  length?: number;
  minLength?: number;
  maxLength?: number;
  /** intList: a single whole number is accepted and repeated along each axis (Keras "int or tuple"). */
  scalarOk?: boolean;
  /** shape: items may be null (size unknown until run time). */
  nullItems?: boolean;
  /** shape: one item may be -1 (Reshape infers it). */
  allowMinusOne?: boolean;
  /** Shown under "Advanced" in the inspector. */
  advanced?: boolean;
}

export type LayerCategory =
  | 'Input'
  | 'Core'
  | 'Activation'
  | 'Convolution'
  | 'Pooling'
  | 'Reshaping'
  | 'Normalization'
  | 'Regularization'
  | 'Recurrent'
  | 'Attention'
  | 'Embedding'
  | 'Merge'
  | 'Wrapper';

export type ResolvedParams = Record<string, ParamValue>;

/** What inference says about one layer. */
export interface LayerOutcome {
  shape: Shape;
  /** All weights, trainable or not. */
  params: number;
  /** Weights that training does not update (BatchNormalization moving statistics). */
  nonTrainable?: number;
}

export interface LayerDef {
  /** Keras / TF.js class name, e.g. `Conv2D`. */
  type: string;
  category: LayerCategory;
  /** One sentence for someone who has never programmed. */
  description: string;
  minInputs: number;
  /** `Infinity` for merges that take any number of inputs. */
  maxInputs: number;
  /** Names of the input slots, in order, for layers whose inputs play different parts (attention's query, value, key). */
  inputNames?: readonly string[];
  /** Parameters a canvas node shows under its title. */
  keyParams: string[];
  params: ParamDef[];
  /** Factory in `tf.layers` (`dense`, `conv2d`...); absent for layers built specially (Input, Modelwright's own TF.js classes). */
  tfjsFactory?: string;
  /** Output shape and weight count from input shapes (batch dimension left out). Throws LayerProblem. */
  infer(inputs: Shape[], p: ResolvedParams): LayerOutcome;
  /** Problems that involve several parameters at once; single values are checked by validateParam. */
  checkParams?(p: ResolvedParams): ParamProblem | null;
}

export interface ParamProblem {
  param: string;
  message: string;
  fix?: string;
}

/** A shape problem found during inference, turned into a GraphError on the layer. */
export class LayerProblem extends Error {
  kind: GraphErrorKind;
  fix?: string;
  constructor(kind: GraphErrorKind, message: string, fix?: string) {
    super(message);
    this.name = 'LayerProblem';
    this.kind = kind;
    this.fix = fix;
  }
}

/** Layers that read word (or category) numbers and turn them into vectors; an int32 Input may feed only these. */
export const wordEmbeddingTypes: ReadonlySet<string> = new Set(['Embedding', 'TokenAndPositionEmbedding']);

// ---- formatting ---------------------------------------------------------------------------------

/** `[28, 28, 1]`; an unknown size shows as `?`. */
export function formatShape(shape: Shape): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

// ---- shape arithmetic (mirrors tfjs-layers/src/utils/conv_utils.ts) -----------------------------

export function convOutputLength(input: number | null, kernel: number, padding: string, stride: number, dilation = 1): number | null {
  if (input === null) return null;
  const dilated = kernel + (kernel - 1) * (dilation - 1);
  const length = padding === 'same' ? input : input - dilated + 1;
  return Math.floor((length + stride - 1) / stride);
}

export function deconvLength(input: number | null, stride: number, kernel: number, padding: string): number | null {
  if (input === null) return null;
  return padding === 'valid' ? input * stride + Math.max(kernel - stride, 0) : input * stride;
}

/** A Keras "int or tuple" parameter as a tuple of `n` numbers. */
export function tuple(value: ParamValue, n: number): number[] {
  if (typeof value === 'number') return new Array<number>(n).fill(value);
  return (value as number[]).slice(0, n);
}

/** Padding/cropping as [[top, bottom], [left, right]]. */
export function pairs2d(value: ParamValue): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  const v = value as (number | number[])[];
  if (typeof v[0] === 'number') {
    const [h, w] = v as number[];
    return [[h, h], [w, w]];
  }
  const [h, w] = v as number[][];
  return [[h[0], h[1]], [w[0], w[1]]];
}

export function product(dims: number[]): number {
  let p = 1;
  for (const d of dims) p *= d;
  return p;
}

// ---- input checks shared by many layers ----------------------------------------------------------

const rankWords: Record<number, string> = {
  1: 'a flat input [features]',
  2: 'a sequence-shaped input [steps, features]',
  3: 'an image-shaped input [height, width, channels]',
};

/** Fix for a layer that got the wrong number of dimensions, by what it got and what it needs. */
function rankFix(got: number, need: number): string {
  if (need === 1 && got > 1) return 'add a Flatten or a global pooling layer before it';
  if (need === 2 && got === 1) return 'add a Reshape (e.g. [steps, 1]) or an Embedding layer before it';
  if (need === 2 && got === 3) return 'add a Reshape layer before it, or use the 2D version of this layer';
  if (need === 3 && got === 2) return 'add a Reshape layer before it, or use the 1D version of this layer';
  return 'add a Reshape layer before it';
}

/** Throws unless the input has exactly `rank` dimensions (batch left out). */
export function expectRank(type: string, shape: Shape, rank: number): void {
  if (shape.length === rank) return;
  throw new LayerProblem(
    'shape',
    `${type} needs ${rankWords[rank] ?? `an input with ${rank} dimensions`} but gets ${formatShape(shape)}`,
    rankFix(shape.length, rank),
  );
}

export function expectMinRank(type: string, shape: Shape, rank: number, fix: string): void {
  if (shape.length >= rank) return;
  throw new LayerProblem('shape', `${type} needs an input with at least ${rank} dimensions but gets ${formatShape(shape)}`, fix);
}

/** Throws when a dimension the layer's weights depend on is unknown (TF.js cannot build the weights). */
export function expectKnown(type: string, shape: Shape, axis: number, what: string): number {
  const d = shape[axis];
  if (d !== null && d !== undefined) return d;
  throw new LayerProblem(
    'shape',
    `${type} needs to know the number of ${what} of its input, but gets ${formatShape(shape)} where it is unknown (?)`,
    'give that dimension a fixed size: in the Input layer, or in a Reshape target shape instead of -1',
  );
}

/** Spatial output sizes of a sliding window, refusing windows that do not fit (the size would be 0 or less). */
export function windowOutput(
  type: string,
  shape: Shape,
  spatial: (number | null)[],
  window: number[],
  strides: number[],
  padding: string,
  dilation: number[],
  what: 'kernel' | 'pool',
): (number | null)[] {
  const out: (number | null)[] = [];
  for (let i = 0; i < spatial.length; i++) {
    const o = convOutputLength(spatial[i], window[i], padding, strides[i], dilation[i]);
    if (o !== null && o <= 0) {
      const span = window[i] + (window[i] - 1) * (dilation[i] - 1);
      const size = window.length === 1 ? `${window[0]}` : window.join('×');
      throw new LayerProblem(
        'kernel-too-large',
        `${type}'s ${what} (${size}${dilation[i] > 1 ? `, spanning ${span} with dilation` : ''}) is larger than its input ${formatShape(shape)}`,
        `use a smaller ${what === 'kernel' ? 'kernelSize' : 'poolSize'}, set padding to "same", or remove a pooling step before it`,
      );
    }
    out.push(o);
  }
  return out;
}

/** Normalizes a Keras axis (batch counted as 0, negatives from the end) to an index into a batch-less shape. */
export function axisIndex(axis: number, rank: number): number | null {
  const full = axis < 0 ? rank + 1 + axis : axis;
  if (full < 1 || full > rank) return null;
  return full - 1;
}

export const activationOptions = [
  'linear', 'relu', 'relu6', 'sigmoid', 'hardSigmoid', 'tanh', 'softmax', 'elu', 'selu', 'softplus',
  'softsign', 'swish', 'mish', 'gelu',
] as const;

export const initializerOptions = [
  'glorotNormal', 'glorotUniform', 'heNormal', 'heUniform', 'leCunNormal', 'leCunUniform',
  'randomNormal', 'randomUniform', 'truncatedNormal', 'zeros', 'ones',
] as const;

export function activationParam(defaultValue: string, help = 'The function applied to each output value. "linear" leaves values unchanged; "relu" keeps positives and zeroes negatives; "softmax" turns the last layer\'s outputs into probabilities.'): ParamDef {
  return { name: 'activation', kind: 'enum', label: 'Activation', help, default: defaultValue, options: activationOptions };
}

export const useBiasParam: ParamDef = {
  name: 'useBias', kind: 'bool', label: 'Use bias', default: true, advanced: true,
  help: 'Adds a learned offset to every output. Leave on unless a normalization layer follows.',
};

export const kernelInitializerParam: ParamDef = {
  name: 'kernelInitializer', kind: 'enum', label: 'Weight initializer', default: 'glorotNormal', advanced: true,
  options: initializerOptions,
  help: 'How the weights are set before training starts. "heNormal" suits relu layers; the default suits most others.',
};

export const paddingParam: ParamDef = {
  name: 'padding', kind: 'enum', label: 'Padding', default: 'valid', options: ['valid', 'same'],
  help: '"valid" only slides the window where it fits, so the output shrinks; "same" pads the edges with zeros so the output keeps the input size (divided by the stride).',
};

/** A layer's parameters with every missing one taken from its definition's default. */
export function fillDefaults(def: LayerDef, params: Record<string, ParamValue> | undefined): ResolvedParams {
  const out: ResolvedParams = {};
  for (const p of def.params) {
    const v = params ? params[p.name] : undefined;
    out[p.name] = v === undefined ? p.default : v;
  }
  return out;
}
