// What every ONNX layer converter is given and returns, and the helpers they share (activations,
// channels-last ⇄ channels-first around the operators that need NCHW).
import type { LayerNode, ParamValue, Shape } from '../../../app/graph/types.ts';
import { OnnxExportError, type ElemType, type OnnxGraphBuilder } from './builder.ts';
import type { Weight } from './weights.ts';

/** A tensor of the graph being built: its name, its shape without the batch axis, as TF.js has it (channels last). */
export interface Value {
  name: string;
  shape: Shape;
  /**
   * For a padded token sequence whose Embedding ignores padding (maskZero): the int32 [batch] tensor of
   * valid lengths, which the next recurrent layer takes as `sequence_lens`. Null otherwise.
   */
  lengths: string | null;
  /** float32 everywhere but at an int32 Input (token ids). */
  type: ElemType;
}

export interface LayerContext {
  b: OnnxGraphBuilder;
  layer: LayerNode;
  /** Parameters with the catalog's (TF.js) defaults filled in. */
  params: Record<string, ParamValue>;
  inputs: Value[];
  /** The output shape analyzeGraph infers (batch left out). */
  outShape: Shape;
  weights: Weight[];
}

/** A converter returns its output tensor, and the padding lengths when the output still carries them. */
export interface LayerResult {
  name: string;
  lengths?: string | null;
}

export type LayerConverter = (ctx: LayerContext) => LayerResult;

/** The refusal every converter gives for something ONNX (or this exporter) cannot express. */
export function cannot(layer: LayerNode, what: string, fix: string): never {
  throw new OnnxExportError(`layer "${layer.name}" (${layer.type}) cannot be exported to ONNX: ${what}; ${fix}`);
}

// TF.js's SELU constants (tfjs-core selu_util.ts), stated so ONNX's slightly different defaults are not used.
const SELU_ALPHA = 1.6732632423543772;
const SELU_SCALE = 1.0507009873554805;

/** Applies a catalog activation to `x`; returns the result's name. */
export function activation(b: OnnxGraphBuilder, x: string, name: string, base: string): string {
  switch (name) {
    case 'linear': return x;
    case 'relu': return b.op('Relu', [x], base);
    case 'relu6': return b.op('Clip', [x, b.constant(`${base}/zero`, 'float32', [], [0]), b.constant(`${base}/six`, 'float32', [], [6])], base);
    case 'sigmoid': return b.op('Sigmoid', [x], base);
    // TF.js: clip(0.2 x + 0.5, 0, 1), ONNX HardSigmoid's defaults.
    case 'hardSigmoid': return b.op('HardSigmoid', [x], base, { alpha: { float: 0.2 }, beta: { float: 0.5 } });
    case 'tanh': return b.op('Tanh', [x], base);
    case 'softmax': return b.op('Softmax', [x], base, { axis: -1 });
    case 'elu': return b.op('Elu', [x], base, { alpha: { float: 1 } });
    case 'selu': return b.op('Selu', [x], base, { alpha: { float: SELU_ALPHA }, gamma: { float: SELU_SCALE } });
    case 'softplus': return b.op('Softplus', [x], base);
    case 'softsign': return b.op('Softsign', [x], base);
    case 'swish': return b.op('Mul', [x, b.op('Sigmoid', [x], `${base}/sigmoid`)], base);
    case 'mish': return b.op('Mul', [x, b.op('Tanh', [b.op('Softplus', [x], `${base}/softplus`)], `${base}/tanh`)], base);
    case 'gelu': {
      // TF.js's gelu is the exact one: 0.5 x (1 + erf(x / √2)).
      const half = b.constant(`${base}/half`, 'float32', [], [0.5]);
      const one = b.constant(`${base}/one`, 'float32', [], [1]);
      const root2 = b.constant(`${base}/sqrt2`, 'float32', [], [Math.SQRT2]);
      const erf = b.op('Erf', [b.op('Div', [x, root2], `${base}/scaled`)], `${base}/erf`);
      return b.op('Mul', [b.op('Mul', [x, half], `${base}/half_x`), b.op('Add', [erf, one], `${base}/one_plus`)], base);
    }
    default: throw new OnnxExportError(`the activation "${name}" has no ONNX equivalent in this exporter`);
  }
}

/** Permutation from channels last (N, d1..dk, C) to channels first (N, C, d1..dk), for a tensor of `rank` axes with batch. */
export function toChannelsFirst(rank: number): number[] {
  return [0, rank - 1, ...Array.from({ length: rank - 2 }, (_, i) => i + 1)];
}

export function toChannelsLast(rank: number): number[] {
  return [0, ...Array.from({ length: rank - 2 }, (_, i) => i + 2), 1];
}

/**
 * Runs an operator that wants channels first (Conv, pooling, Resize) on a channels-last tensor: transposes
 * in, applies `op`, transposes back. ONNX Runtime's optimizer folds the transposes between consecutive ones.
 */
export function channelsFirst(b: OnnxGraphBuilder, x: string, rank: number, base: string, op: (nchw: string) => string): string {
  const nchw = b.op('Transpose', [x], `${base}/nchw`, { perm: toChannelsFirst(rank) });
  return b.op('Transpose', [op(nchw)], `${base}/nhwc`, { perm: toChannelsLast(rank) });
}

/** An int list parameter that may be given as one number for every axis. */
export function intList(value: ParamValue, length: number): number[] {
  if (typeof value === 'number') return new Array<number>(length).fill(value);
  return (value as number[]).slice(0, length);
}
