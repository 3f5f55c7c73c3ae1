// ONNX converters for SimpleRNN, LSTM and GRU, alone or inside Bidirectional: ONNX's RNN/LSTM/GRU
// operators with TF.js's weights re-laid out (gate order, transposed kernels) and its activations,
// including the hard sigmoid TF.js uses for gates. Ignored padding becomes `sequence_lens`.
import type { LayerNode, ParamValue } from '../../../app/graph/types.ts';
import { resolveParams } from '../../../app/graph/catalog.ts';
import type { OnnxGraphBuilder } from './builder.ts';
import { cannot, type LayerContext, type LayerConverter, type LayerResult } from './context.ts';
import { findWeight, needWeight, reorderBlocks, transposeValues, type Weight } from './weights.ts';

type RecurrentType = 'SimpleRNN' | 'LSTM' | 'GRU';

const operators: Record<RecurrentType, { op: string; gates: number }> = {
  SimpleRNN: { op: 'RNN', gates: 1 },
  LSTM: { op: 'LSTM', gates: 4 },
  GRU: { op: 'GRU', gates: 3 },
};

/** Keras LSTM gates are i, f, c, o; ONNX wants i, o, f, c. GRU (z, r, h) and RNN are in ONNX order already. */
const lstmOrder = [0, 3, 1, 2];

/** The activation names ONNX's recurrent operators accept, for the catalog's activations that have one. */
const recurrentActivations: Record<string, string> = {
  tanh: 'Tanh', sigmoid: 'Sigmoid', hardSigmoid: 'HardSigmoid', relu: 'Relu', softsign: 'Softsign', softplus: 'Softplus', elu: 'Elu',
};

function onnxActivation(layer: LayerNode, name: string): string {
  const op = recurrentActivations[name];
  if (!op) cannot(layer, `ONNX recurrent operators have no "${name}" activation`, `use ${Object.keys(recurrentActivations).join(', ')}`);
  return op;
}

/** One direction's W, R and B in ONNX layout: W [gates·H, C], R [gates·H, H], B [2·gates·H] (input bias, then recurrent bias 0). */
function directionWeights(layer: LayerNode, type: RecurrentType, weights: readonly Weight[], part?: string): { w: Float32Array; r: Float32Array; bias: Float32Array; units: number; channels: number } {
  const { gates } = operators[type];
  const kernel = needWeight(weights, 'kernel', layer.name, part);
  const recurrent = needWeight(weights, 'recurrent_kernel', layer.name, part);
  const bias = findWeight(weights, 'bias', part);
  const units = recurrent.shape[0];
  const order = type === 'LSTM' ? lstmOrder : Array.from({ length: gates }, (_, i) => i);
  const w = reorderBlocks(transposeValues(kernel.values, kernel.shape, [1, 0]).values, gates, order);
  const r = reorderBlocks(transposeValues(recurrent.values, recurrent.shape, [1, 0]).values, gates, order);
  const b = new Float32Array(2 * gates * units);
  if (bias) b.set(reorderBlocks(bias.values, gates, order));
  return { w, r, bias: b, units, channels: kernel.shape[0] };
}

function concat(parts: Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

interface RecurrentSpec {
  type: RecurrentType;
  params: Record<string, ParamValue>;
  /** `forward`/`reverse` for one layer, `bidirectional` for Bidirectional (forward first). */
  direction: 'forward' | 'reverse' | 'bidirectional';
  /** Weight-name parts of each direction (Bidirectional's `forward_` / `backward_`). */
  parts: (string | undefined)[];
}

/** Runs the recurrent operator; returns Y as [N, T, dirs, H] (when `sequences`) or Y_h as [N, dirs, H]. */
function runRecurrent(ctx: LayerContext, spec: RecurrentSpec, sequences: boolean): { y: string; units: number } {
  const { b, layer } = ctx;
  const base = layer.name;
  const { op, gates } = operators[spec.type];
  const input = ctx.inputs[0];
  if (input.lengths && sequences) {
    cannot(layer, 'it returns every step of a sequence whose padding is ignored, and ONNX fills padded steps with zeros where TF.js repeats the last state', 'turn "Output every step" off, or turn "Ignore padding" off in the Embedding');
  }
  const dirs = spec.parts.map((part) => directionWeights(layer, spec.type, ctx.weights, part));
  const { units: hidden, channels } = dirs[0];
  const n = dirs.length;
  const W = b.constant(`${base}/W`, 'float32', [n, gates * hidden, channels], concat(dirs.map((d) => d.w)));
  const R = b.constant(`${base}/R`, 'float32', [n, gates * hidden, hidden], concat(dirs.map((d) => d.r)));
  const B = b.constant(`${base}/B`, 'float32', [n, 2 * gates * hidden], concat(dirs.map((d) => d.bias)));
  const activation = onnxActivation(layer, spec.params.activation as string);
  const perDirection = spec.type === 'SimpleRNN' ? [activation] : spec.type === 'LSTM'
    ? [onnxActivation(layer, spec.params.recurrentActivation as string), activation, activation]
    : [onnxActivation(layer, spec.params.recurrentActivation as string), activation];
  const timeMajor = b.op('Transpose', [input.name], `${base}/time_major`, { perm: [1, 0, 2] });
  const [y, yH] = b.node(op, [timeMajor, W, R, B, input.lengths ?? ''], `${base}/${op.toLowerCase()}`, {
    hidden_size: hidden,
    direction: spec.direction,
    activations: { strings: spec.direction === 'bidirectional' ? [...perDirection, ...perDirection] : perDirection },
    ...(spec.type === 'GRU' ? { linear_before_reset: 0 } : {}),
  }, 2);
  if (sequences) return { y: b.op('Transpose', [y], `${base}/batch_major`, { perm: [2, 0, 1, 3] }), units: hidden };
  return { y: b.op('Transpose', [yH], `${base}/batch_major`, { perm: [1, 0, 2] }), units: hidden };
}

function recurrent(type: RecurrentType): LayerConverter {
  return (ctx): LayerResult => {
    const { b, layer, params } = ctx;
    const sequences = params.returnSequences === true;
    const backwards = params.goBackwards === true;
    const { y, units } = runRecurrent(ctx, { type, params, direction: backwards ? 'reverse' : 'forward', parts: [undefined] }, sequences);
    if (!sequences) return { name: b.op('Reshape', [y, b.ints(`${layer.name}/shape`, [0, units])], layer.name) };
    let out = b.op('Reshape', [y, b.ints(`${layer.name}/shape`, [0, 0, units])], backwards ? `${layer.name}/steps` : layer.name);
    // TF.js returns a backwards layer's steps in the order it read them (last input first); ONNX in input order.
    if (backwards) out = reverseTime(b, out, layer.name);
    return { name: out };
  };
}

function reverseTime(b: OnnxGraphBuilder, x: string, base: string): string {
  return b.op('Slice', [x, b.ints(`${base}/rev_start`, [-1]), b.ints(`${base}/rev_end`, [-Number.MAX_SAFE_INTEGER]), b.ints(`${base}/rev_axis`, [1]), b.ints(`${base}/rev_step`, [-1])], base);
}

function bidirectional(ctx: LayerContext): LayerResult {
  const { b, layer, params } = ctx;
  const inner = params.layer as { type: string; params: Record<string, ParamValue> };
  if (!(inner?.type in operators)) cannot(layer, `it wraps ${inner?.type ?? 'nothing'}`, 'wrap SimpleRNN, LSTM or GRU');
  const innerParams = resolveParams({ type: inner.type, params: inner.params ?? {} });
  if (innerParams.goBackwards === true) cannot(layer, 'its wrapped layer reads backwards, which Bidirectional already does for its second half', 'turn "Read backwards" off in the wrapped layer');
  const sequences = innerParams.returnSequences === true;
  const { y, units } = runRecurrent(ctx, { type: inner.type as RecurrentType, params: innerParams, direction: 'bidirectional', parts: ['forward_', 'backward_'] }, sequences);
  const dirAxis = sequences ? 2 : 1;
  const keep = sequences ? [0, 0] : [0];
  switch (params.mergeMode) {
    case 'concat': return { name: b.op('Reshape', [y, b.ints(`${layer.name}/shape`, [...keep, 2 * units])], layer.name) };
    case 'sum': return { name: b.op('ReduceSum', [y, b.ints(`${layer.name}/dir_axis`, [dirAxis])], layer.name, { keepdims: 0 }) };
    case 'mul': return { name: b.op('ReduceProd', [y], layer.name, { axes: [dirAxis], keepdims: 0 }) };
    case 'ave': return { name: b.op('ReduceMean', [y], layer.name, { axes: [dirAxis], keepdims: 0 }) };
    default: return cannot(layer, `merge mode "${String(params.mergeMode)}" is not one Modelwright knows`, 'use concat, sum, mul or ave');
  }
}

export const recurrentConverters: Record<string, LayerConverter> = {
  SimpleRNN: recurrent('SimpleRNN'),
  LSTM: recurrent('LSTM'),
  GRU: recurrent('GRU'),
  Bidirectional: bidirectional,
};
