// ONNX converters for the catalog's feed-forward layers: dense, convolution, pooling, reshaping,
// normalization, regularization and merge layers. Tensors stay channels last, as in TF.js; operators
// that need channels first (Conv, pooling, Resize) are wrapped in transposes (context.ts).
import { axisIndex } from '../../../app/graph/layers/common.ts';
import type { ParamValue } from '../../../app/graph/types.ts';
import type { AttributeValue, OnnxGraphBuilder } from './builder.ts';
import { activation, cannot, channelsFirst, intList, type LayerContext, type LayerConverter, type LayerResult } from './context.ts';
import { findWeight, needWeight, transposeValues, type Weight } from './weights.ts';

const INT64_MAX = Number.MAX_SAFE_INTEGER;

function weightConstant(b: OnnxGraphBuilder, w: Weight, shape?: number[]): string {
  return b.constant(w.name, 'float32', shape ?? w.shape, w.values);
}

/** Dense (also the layer TimeDistributed wraps): x · kernel + bias on the last axis, any rank. */
function dense(ctx: LayerContext): LayerResult {
  const { b, layer, params, weights } = ctx;
  const base = layer.name;
  const kernel = needWeight(weights, 'kernel', layer.name);
  let y = b.op('MatMul', [ctx.inputs[0].name, weightConstant(b, kernel)], `${base}/matmul`);
  const bias = findWeight(weights, 'bias');
  if (bias) y = b.op('Add', [y, weightConstant(b, bias)], `${base}/bias`);
  return { name: activation(b, y, params.activation as string, base), lengths: ctx.inputs[0].lengths };
}

function timeDistributed(ctx: LayerContext): LayerResult {
  const inner = ctx.params.layer as { type: string; params: Record<string, ParamValue> };
  if (inner?.type !== 'Dense') cannot(ctx.layer, `it wraps ${inner?.type ?? 'nothing'}`, 'only TimeDistributed(Dense) is exported');
  return dense({ ...ctx, params: { activation: 'linear', ...inner.params } });
}

/**
 * Padding as TensorFlow computes it: "same" pads (k − 1)·d + 1 − s more rows than fit, the odd one at the
 * end. Explicit pads when the input size is known (ONNX Runtime refuses SAME_UPPER with dilation), else
 * ONNX's SAME_UPPER, which is the same rule.
 */
function padding(ctx: LayerContext, kernel: number[], strides: number[], dilations: number[]): Record<string, AttributeValue> {
  if (ctx.params.padding !== 'same') return { pads: [...kernel.map(() => 0), ...kernel.map(() => 0)] };
  const sizes = ctx.inputs[0].shape.slice(0, kernel.length);
  if (sizes.some((d) => d === null)) {
    if (dilations.some((d) => d > 1)) cannot(ctx.layer, 'a dilated "same" convolution over an input whose size is only known at run time', 'give the Input a fixed size');
    return { auto_pad: 'SAME_UPPER' };
  }
  const total = kernel.map((k, i) => {
    const n = sizes[i] as number;
    return Math.max((Math.ceil(n / strides[i]) - 1) * strides[i] + (k - 1) * dilations[i] + 1 - n, 0);
  });
  return { pads: [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))] };
}

function conv(ctx: LayerContext, spatial: 1 | 2): LayerResult {
  const { b, layer, params, weights } = ctx;
  const base = layer.name;
  const kernel = needWeight(weights, 'kernel', layer.name);
  // Keras kernel [k..., in, out] → ONNX [out, in, k...].
  const perm = [spatial + 1, spatial, ...Array.from({ length: spatial }, (_, i) => i)];
  const w = transposeValues(kernel.values, kernel.shape, perm);
  const bias = findWeight(weights, 'bias');
  const inputs = [b.constant(kernel.name, 'float32', w.shape, w.values), ...(bias ? [weightConstant(b, bias)] : [])];
  const kernelShape = w.shape.slice(2);
  const strides = intList(params.strides, spatial);
  const dilations = intList(params.dilationRate, spatial);
  const y = channelsFirst(b, ctx.inputs[0].name, spatial + 2, base, (x) => b.op('Conv', [x, ...inputs], `${base}/conv`, {
    kernel_shape: kernelShape, strides, dilations, ...padding(ctx, kernelShape, strides, dilations),
  }));
  return { name: activation(b, y, params.activation as string, base) };
}

/** Depthwise kernel [kh, kw, C, M] → ONNX grouped Conv weights [C·M, 1, kh, kw] (output channel c·M + m, as TF). */
function depthwiseWeights(kernel: Weight): { values: Float32Array; shape: number[] } {
  const [kh, kw, c, m] = kernel.shape;
  return { values: transposeValues(kernel.values, kernel.shape, [2, 3, 0, 1]).values, shape: [c * m, 1, kh, kw] };
}

function depthwise(ctx: LayerContext, separable: boolean): LayerResult {
  const { b, layer, params, weights } = ctx;
  const base = layer.name;
  const kernel = needWeight(weights, 'depthwise_kernel', layer.name);
  const dw = depthwiseWeights(kernel);
  const bias = findWeight(weights, 'bias');
  const kernelShape = dw.shape.slice(2);
  const strides = intList(params.strides, 2);
  const dilations = intList(params.dilationRate ?? 1, 2);
  const y = channelsFirst(b, ctx.inputs[0].name, 4, base, (x) => {
    const depth = b.op('Conv', [x, b.constant(kernel.name, 'float32', dw.shape, dw.values), ...(bias && !separable ? [weightConstant(b, bias)] : [])], `${base}/depthwise`, {
      kernel_shape: kernelShape, strides, dilations, group: kernel.shape[2], ...padding(ctx, kernelShape, strides, dilations),
    });
    if (!separable) return depth;
    const pointwise = needWeight(weights, 'pointwise_kernel', layer.name);
    const pw = transposeValues(pointwise.values, pointwise.shape, [3, 2, 0, 1]);
    return b.op('Conv', [depth, b.constant(pointwise.name, 'float32', pw.shape, pw.values), ...(bias ? [weightConstant(b, bias)] : [])], `${base}/pointwise`, { kernel_shape: [1, 1] });
  });
  return { name: activation(b, y, params.activation as string, base) };
}

function convTranspose(ctx: LayerContext): LayerResult {
  const { b, layer, params, weights } = ctx;
  const base = layer.name;
  const kernel = needWeight(weights, 'kernel', layer.name);
  // TF.js kernel [kh, kw, out, in] → ONNX ConvTranspose [in, out, kh, kw].
  const w = transposeValues(kernel.values, kernel.shape, [3, 2, 0, 1]);
  const bias = findWeight(weights, 'bias');
  const k = w.shape.slice(2);
  const s = intList(params.strides, 2);
  // TF's output size is in·s ("same") or in·s + max(k − s, 0) ("valid"); ONNX crops `pads` from s·(in−1) + k
  // and appends `output_padding` zeros, which gives the same sizes and values.
  const total = k.map((ki, i) => (params.padding === 'same' ? Math.max(ki - s[i], 0) : 0));
  const outputPadding = k.map((ki, i) => Math.max(s[i] - ki, 0));
  const pads = [...total.map((t) => Math.floor(t / 2)), ...total.map((t) => t - Math.floor(t / 2))];
  const y = channelsFirst(b, ctx.inputs[0].name, 4, base, (x) => b.op('ConvTranspose', [x, b.constant(kernel.name, 'float32', w.shape, w.values), ...(bias ? [weightConstant(b, bias)] : [])], `${base}/deconv`, {
    kernel_shape: k, strides: s, pads, output_padding: outputPadding,
  }));
  return { name: activation(b, y, params.activation as string, base) };
}

function pool(ctx: LayerContext, op: 'MaxPool' | 'AveragePool', spatial: 1 | 2): LayerResult {
  const { b, layer, params } = ctx;
  const size = intList(params.poolSize, spatial);
  const strides = params.strides === null ? size : intList(params.strides, spatial);
  // AveragePool leaves padding out of the mean (count_include_pad 0), as TF does.
  const pads = padding(ctx, size, strides, size.map(() => 1));
  return { name: channelsFirst(b, ctx.inputs[0].name, spatial + 2, layer.name, (x) => b.op(op, [x], `${layer.name}/pool`, { kernel_shape: size, strides, ...pads })) };
}

function globalPool(ctx: LayerContext, op: 'ReduceMax' | 'ReduceMean', spatial: 1 | 2): LayerResult {
  const axes = Array.from({ length: spatial }, (_, i) => i + 1);
  return { name: ctx.b.op(op, [ctx.inputs[0].name], ctx.layer.name, { axes, keepdims: 0 }) };
}

function reshape(ctx: LayerContext, target: number[]): LayerResult {
  // 0 copies the batch size from the input.
  return { name: ctx.b.op('Reshape', [ctx.inputs[0].name, ctx.b.ints(`${ctx.layer.name}/shape`, [0, ...target])], ctx.layer.name) };
}

function repeatVector(ctx: LayerContext): LayerResult {
  const { b, layer } = ctx;
  const n = ctx.params.n as number;
  const expanded = b.op('Unsqueeze', [ctx.inputs[0].name, b.ints(`${layer.name}/axis`, [1])], `${layer.name}/unsqueeze`);
  return { name: b.op('Tile', [expanded, b.ints(`${layer.name}/repeats`, [1, n, 1])], layer.name) };
}

function upSampling(ctx: LayerContext): LayerResult {
  const { b, layer, params } = ctx;
  const [sh, sw] = params.size as number[];
  // TF.js resizes with align_corners and half_pixel_centers off: ONNX's "asymmetric" coordinates.
  const mode: Record<string, string> = params.interpolation === 'bilinear' ? { mode: 'linear' } : { mode: 'nearest', nearest_mode: 'floor' };
  return {
    name: channelsFirst(b, ctx.inputs[0].name, 4, layer.name, (x) => b.op('Resize', [x, '', b.constant(`${layer.name}/scales`, 'float32', [4], [1, 1, sh, sw])], `${layer.name}/resize`, {
      coordinate_transformation_mode: 'asymmetric', ...mode,
    })),
  };
}

/** ZeroPadding2D / Cropping2D amounts as [[top, bottom], [left, right]]. */
function pairs(value: ParamValue): [[number, number], [number, number]] {
  if (typeof value === 'number') return [[value, value], [value, value]];
  const v = value as (number | number[])[];
  if (typeof v[0] === 'number') return [[v[0], v[0]], [v[1] as number, v[1] as number]];
  return [v[0] as [number, number], v[1] as [number, number]];
}

function zeroPadding(ctx: LayerContext): LayerResult {
  const [[t, bottom], [l, r]] = pairs(ctx.params.padding);
  const pads = ctx.b.ints(`${ctx.layer.name}/pads`, [0, t, l, 0, 0, bottom, r, 0]);
  return { name: ctx.b.op('Pad', [ctx.inputs[0].name, pads], ctx.layer.name, { mode: 'constant' }) };
}

function cropping(ctx: LayerContext): LayerResult {
  const { b, layer } = ctx;
  const [[t, bottom], [l, r]] = pairs(ctx.params.cropping);
  const inputs = [
    ctx.inputs[0].name,
    b.ints(`${layer.name}/starts`, [t, l]),
    b.ints(`${layer.name}/ends`, [bottom > 0 ? -bottom : INT64_MAX, r > 0 ? -r : INT64_MAX]),
    b.ints(`${layer.name}/axes`, [1, 2]),
  ];
  return { name: b.op('Slice', inputs, layer.name) };
}

/** The shape a per-channel constant needs to broadcast along `axis` of a tensor with `rank` axes (batch included). */
function broadcastShape(size: number, axis: number, rank: number): number[] {
  return [size, ...new Array<number>(rank - 1 - axis).fill(1)];
}

function batchNormalization(ctx: LayerContext): LayerResult {
  const { b, layer, params, weights } = ctx;
  const rank = ctx.inputs[0].shape.length;
  const axis = axisIndex(params.axis as number, rank);
  if (axis === null) cannot(layer, `axis ${String(params.axis)} is outside the input`, 'set the axis to -1');
  const mean = needWeight(weights, 'moving_mean', layer.name);
  const variance = needWeight(weights, 'moving_variance', layer.name);
  const gamma = findWeight(weights, 'gamma');
  const beta = findWeight(weights, 'beta');
  const eps = params.epsilon as number;
  // Inference folds to one scale and one shift per channel: y = x·scale + shift.
  const n = mean.values.length;
  const scale = new Float32Array(n);
  const shift = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    scale[i] = (gamma ? gamma.values[i] : 1) / Math.sqrt(variance.values[i] + eps);
    shift[i] = (beta ? beta.values[i] : 0) - mean.values[i] * scale[i];
  }
  const shape = broadcastShape(n, axis + 1, rank + 1);
  const scaled = b.op('Mul', [ctx.inputs[0].name, b.constant(`${layer.name}/scale`, 'float32', shape, scale)], `${layer.name}/scaled`);
  return { name: b.op('Add', [scaled, b.constant(`${layer.name}/shift`, 'float32', shape, shift)], layer.name), lengths: ctx.inputs[0].lengths };
}

function layerNormalization(ctx: LayerContext): LayerResult {
  const { b, layer, params, weights } = ctx;
  const shape = ctx.inputs[0].shape;
  const rank = shape.length;
  const axes = intList(params.axis, typeof params.axis === 'number' ? 1 : (params.axis as number[]).length).map((a) => {
    const i = axisIndex(a, rank);
    if (i === null) cannot(layer, `axis ${a} is outside the input`, 'set the axis to -1');
    return i + 1;
  }).sort((x, y) => x - y);
  const x = ctx.inputs[0].name;
  const mean = b.op('ReduceMean', [x], `${layer.name}/mean`, { axes, keepdims: 1 });
  const centred = b.op('Sub', [x, mean], `${layer.name}/centred`);
  const variance = b.op('ReduceMean', [b.op('Mul', [centred, centred], `${layer.name}/squared`)], `${layer.name}/variance`, { axes, keepdims: 1 });
  const eps = b.constant(`${layer.name}/epsilon`, 'float32', [], [params.epsilon as number]);
  let y = b.op('Div', [centred, b.op('Sqrt', [b.op('Add', [variance, eps], `${layer.name}/var_eps`)], `${layer.name}/std`)], `${layer.name}/normalized`);
  // gamma and beta span the normalized axes; elsewhere they broadcast.
  const first = axes[0];
  const constShape = Array.from({ length: rank + 1 - first }, (_, i) => (axes.includes(first + i) ? (shape[first + i - 1] as number) : 1));
  const gamma = findWeight(weights, 'gamma');
  const beta = findWeight(weights, 'beta');
  if (gamma) y = b.op('Mul', [y, weightConstant(b, gamma, constShape)], `${layer.name}/gamma`);
  if (beta) y = b.op('Add', [y, weightConstant(b, beta, constShape)], `${layer.name}/beta`);
  return { name: y, lengths: ctx.inputs[0].lengths };
}

function embedding(ctx: LayerContext): LayerResult {
  const { b, layer, params, weights } = ctx;
  const table = needWeight(weights, 'embeddings', layer.name);
  // TF.js casts float ids to int32 the same way (truncation towards zero).
  const ids = ctx.inputs[0].type === 'int32' ? ctx.inputs[0].name : b.op('Cast', [ctx.inputs[0].name], `${layer.name}/ids`, { to: 6 });
  const y = b.op('Gather', [weightConstant(b, table), ids], layer.name, { axis: 0 });
  if (!params.maskZero) return { name: y, lengths: null };
  // Padding is id 0 at the end of each sequence (the studio's tokenizer): the valid length is the count of non-zero ids.
  const zero = b.constant(`${layer.name}/pad_id`, 'int32', [], [0]);
  const valid = b.op('Cast', [b.op('Not', [b.op('Equal', [ids, zero], `${layer.name}/is_pad`)], `${layer.name}/is_token`)], `${layer.name}/token`, { to: 6 });
  const lengths = b.op('ReduceSum', [valid, b.ints(`${layer.name}/time_axis`, [1])], `${layer.name}/lengths`, { keepdims: 0 });
  return { name: y, lengths };
}

/** The padding lengths shared by every input of a merge (they must agree, as Keras's mask would). */
function mergedLengths(ctx: LayerContext): string | null {
  const all = new Set(ctx.inputs.map((i) => i.lengths));
  if (all.size > 1) cannot(ctx.layer, 'it merges a sequence whose padding is ignored (Embedding "Ignore padding") with one whose padding is not', 'turn "Ignore padding" on or off for both branches');
  return ctx.inputs[0].lengths;
}

function merge(op: 'Sum' | 'Sub' | 'Mul' | 'Mean' | 'Max'): LayerConverter {
  return (ctx) => {
    const names = ctx.inputs.map((i) => i.name);
    let y: string;
    if (op === 'Sub' || op === 'Mul') y = names.slice(1).reduce((acc, n, i) => ctx.b.op(op, [acc, n], i === names.length - 2 ? ctx.layer.name : `${ctx.layer.name}/${i}`), names[0]);
    else y = ctx.b.op(op, names, ctx.layer.name);
    return { name: y, lengths: mergedLengths(ctx) };
  };
}

function passThrough(ctx: LayerContext): LayerResult {
  return { name: ctx.inputs[0].name, lengths: ctx.inputs[0].lengths };
}

export const feedForwardConverters: Record<string, LayerConverter> = {
  Dense: dense,
  TimeDistributed: timeDistributed,
  Activation: (ctx) => ({ name: activation(ctx.b, ctx.inputs[0].name, ctx.params.activation as string, ctx.layer.name), lengths: ctx.inputs[0].lengths }),
  LeakyReLU: (ctx) => ({ name: ctx.b.op('LeakyRelu', [ctx.inputs[0].name], ctx.layer.name, { alpha: { float: ctx.params.alpha as number } }), lengths: ctx.inputs[0].lengths }),
  Conv1D: (ctx) => conv(ctx, 1),
  Conv2D: (ctx) => conv(ctx, 2),
  DepthwiseConv2D: (ctx) => depthwise(ctx, false),
  SeparableConv2D: (ctx) => depthwise(ctx, true),
  Conv2DTranspose: convTranspose,
  MaxPooling1D: (ctx) => pool(ctx, 'MaxPool', 1),
  MaxPooling2D: (ctx) => pool(ctx, 'MaxPool', 2),
  AveragePooling1D: (ctx) => pool(ctx, 'AveragePool', 1),
  AveragePooling2D: (ctx) => pool(ctx, 'AveragePool', 2),
  GlobalMaxPooling1D: (ctx) => globalPool(ctx, 'ReduceMax', 1),
  GlobalMaxPooling2D: (ctx) => globalPool(ctx, 'ReduceMax', 2),
  GlobalAveragePooling1D: (ctx) => globalPool(ctx, 'ReduceMean', 1),
  GlobalAveragePooling2D: (ctx) => globalPool(ctx, 'ReduceMean', 2),
  Flatten: (ctx) => ({ name: ctx.b.op('Flatten', [ctx.inputs[0].name], ctx.layer.name, { axis: 1 }) }),
  Reshape: (ctx) => reshape(ctx, ctx.params.targetShape as number[]),
  Permute: (ctx) => ({ name: ctx.b.op('Transpose', [ctx.inputs[0].name], ctx.layer.name, { perm: [0, ...(ctx.params.dims as number[])] }) }),
  RepeatVector: repeatVector,
  UpSampling2D: upSampling,
  ZeroPadding2D: zeroPadding,
  Cropping2D: cropping,
  BatchNormalization: batchNormalization,
  LayerNormalization: layerNormalization,
  // Noise and dropout do nothing once the model is trained.
  Dropout: passThrough,
  SpatialDropout1D: passThrough,
  GaussianNoise: passThrough,
  Rescaling: (ctx) => {
    const { b, layer } = ctx;
    const scaled = b.op('Mul', [ctx.inputs[0].name, b.constant(`${layer.name}/scale`, 'float32', [], [Number(ctx.params.scale)])], `${layer.name}/scaled`);
    return { name: b.op('Add', [scaled, b.constant(`${layer.name}/offset`, 'float32', [], [Number(ctx.params.offset ?? 0)])], layer.name), lengths: ctx.inputs[0].lengths };
  },
  Embedding: embedding,
  Add: merge('Sum'),
  Subtract: merge('Sub'),
  Multiply: merge('Mul'),
  Average: merge('Mean'),
  Maximum: merge('Max'),
  Concatenate: (ctx) => ({ name: ctx.b.op('Concat', ctx.inputs.map((i) => i.name), ctx.layer.name, { axis: ctx.params.axis as number }), lengths: mergedLengths(ctx) }),
};
