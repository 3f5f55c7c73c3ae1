// ONNX converters for MultiHeadAttention and the position embeddings, from the same weights TF.js
// trains (Keras's shapes): projections as MatMul over the flattened heads, scaled dot-product
// attention as batched MatMul + Softmax, positions as constant tables.
import { attentionAxesOf, outputShapeOf } from '../../../app/graph/layers/attention.ts';
import { sineEncoding } from '../../../app/graph/tfjs/positionLayers.ts';
import type { Shape } from '../../../app/graph/types.ts';
import { cannot, type LayerContext, type LayerConverter, type LayerResult } from './context.ts';
import { findWeight, needWeight } from './weights.ts';

const prod = (xs: number[]) => xs.reduce((a, b) => a * b, 1);

/** Sizes of the positions (every axis but the features), refusing sizes known only at run time. */
function positions(ctx: LayerContext, shape: Shape): number[] {
  const dims = shape.slice(0, -1);
  if (dims.some((d) => d === null)) cannot(ctx.layer, `its input ${JSON.stringify(shape)} has a size known only at run time`, 'give the Input layer a fixed shape');
  return dims as number[];
}

/**
 * x [N, ...positions, d] · kernel [...in, ...rest] (+ bias [...rest]), flattened to [N, ...positions, prod(rest)];
 * `inAxes` kernel axes make up d (the output projection's kernel is [heads, valueDim, ...out]).
 */
function project(ctx: LayerContext, x: string, name: string, inAxes = 1): string {
  const { b, layer, weights } = ctx;
  const kernel = needWeight(weights, `${name}/kernel`, layer.name);
  const flat = b.constant(kernel.name, 'float32', [prod(kernel.shape.slice(0, inAxes)), prod(kernel.shape.slice(inAxes))], kernel.values);
  let y = b.op('MatMul', [x, flat], `${layer.name}/${name}`);
  const bias = findWeight(weights, `${name}/bias`);
  if (bias) y = b.op('Add', [y, b.constant(bias.name, 'float32', [bias.values.length], bias.values)], `${layer.name}/${name}_bias`);
  return y;
}

function multiHeadAttention(ctx: LayerContext): LayerResult {
  const { b, layer, params } = ctx;
  const [query, value = query, key = value] = ctx.inputs;
  const base = layer.name;
  const heads = params.numHeads as number;
  const keyDim = params.keyDim as number;
  const valueDim = (params.valueDim as number | null) ?? keyDim;
  const n = query.shape.length - 1; // position axes
  const axes = attentionAxesOf(params.attentionAxes, query.shape.length).map((a) => a + 1);
  const others = Array.from({ length: n }, (_, i) => i + 1).filter((a) => !axes.includes(a));
  const order = [0, ...others, n + 1, ...axes, n + 2];
  const qPos = positions(ctx, query.shape);
  const kPos = positions(ctx, key.shape);
  const shape = (name: string, dims: number[]) => b.ints(`${base}/${name}_shape`, dims);
  // [N, ...positions, H·d] → [N·others·H, attended positions, d].
  const toHeads = (x: string, pos: number[], d: number, name: string): string => {
    const split = b.op('Reshape', [x, shape(`${name}_split`, [0, ...pos, heads, d])], `${base}/${name}_split`);
    const moved = b.op('Transpose', [split], `${base}/${name}_heads`, { perm: order });
    return b.op('Reshape', [moved, shape(`${name}_batched`, [-1, prod(axes.map((a) => pos[a - 1])), d])], `${base}/${name}_batched`);
  };
  const scale = b.constant(`${base}/scale`, 'float32', [], [1 / Math.sqrt(keyDim)]);
  const q = toHeads(b.op('Mul', [project(ctx, query.name, 'query'), scale], `${base}/query_scaled`), qPos, keyDim, 'query');
  const k = toHeads(project(ctx, key.name, 'key'), kPos, keyDim, 'key');
  const v = toHeads(project(ctx, value.name, 'value'), kPos, valueDim, 'value');
  let scores = b.op('MatMul', [q, b.op('Transpose', [k], `${base}/key_t`, { perm: [0, 2, 1] })], `${base}/scores`);
  if (params.useCausalMask) {
    const tq = prod(axes.map((a) => qPos[a - 1]));
    const tk = prod(axes.map((a) => kPos[a - 1]));
    const mask = Array.from({ length: tq * tk }, (_, i) => (i % tk <= Math.floor(i / tk) ? 0 : -1e9));
    scores = b.op('Add', [scores, b.constant(`${base}/causal_mask`, 'float32', [tq, tk], mask)], `${base}/masked`);
  }
  const probs = b.op('Softmax', [scores], `${base}/probs`, { axis: -1 });
  const attended = b.op('MatMul', [probs, v], `${base}/attended`);
  // Back to [N, ...positions, H·vDim] in the query's axis order.
  const layout = [-1, ...others.map((a) => qPos[a - 1]), heads, ...axes.map((a) => qPos[a - 1]), valueDim];
  const unbatched = b.op('Reshape', [attended, shape('unbatched', layout)], `${base}/unbatched`);
  const back = b.op('Transpose', [unbatched], `${base}/positions`, { perm: order.map((_, i) => order.indexOf(i)) });
  const merged = b.op('Reshape', [back, shape('merged', [0, ...qPos, heads * valueDim])], `${base}/merged`);
  const out = outputShapeOf(params.outputShape) ?? [query.shape[query.shape.length - 1] as number];
  const y = project(ctx, merged, 'attention_output', 2);
  return { name: out.length === 1 ? y : b.op('Reshape', [y, shape('output', [0, ...qPos, ...out])], base) };
}

/**
 * The position vectors for the first `steps` positions as a [steps, dim] constant: the first rows of the
 * learned table (the layer's weight `weight`), or the sine waves with `positionEncoding: "sinusoidal"`.
 */
function positionTable(ctx: LayerContext, weight: string, steps: number, dim: number): string {
  const { b, layer, params, weights } = ctx;
  const values = params.positionEncoding === 'sinusoidal'
    ? sineEncoding(steps, dim)
    : needWeight(weights, weight, layer.name).values.subarray(0, steps * dim);
  return b.constant(`${layer.name}/positions`, 'float32', [steps, dim], values);
}

function positionEmbedding(ctx: LayerContext): LayerResult {
  const { b, layer } = ctx;
  const x = ctx.inputs[0];
  const pos = positions(ctx, x.shape);
  const dim = x.shape[x.shape.length - 1] as number;
  const table = positionTable(ctx, 'embeddings', pos[pos.length - 1], dim);
  const shape = b.op('Shape', [x.name], `${layer.name}/input_shape`);
  return { name: b.op('Expand', [table, shape], layer.name) };
}

function tokenAndPositionEmbedding(ctx: LayerContext): LayerResult {
  const { b, layer, weights } = ctx;
  const x = ctx.inputs[0];
  const [steps] = positions(ctx, [...x.shape, 1]);
  const tokens = needWeight(weights, 'token_embedding/embeddings', layer.name);
  const dim = tokens.shape[1];
  const ids = x.type === 'int32' ? x.name : b.op('Cast', [x.name], `${layer.name}/ids`, { to: 6 });
  const words = b.op('Gather', [b.constant(tokens.name, 'float32', tokens.shape, tokens.values), ids], `${layer.name}/words`, { axis: 0 });
  return { name: b.op('Add', [words, positionTable(ctx, 'position_embedding/embeddings', steps, dim)], layer.name) };
}

export const attentionConverters: Record<string, LayerConverter> = {
  MultiHeadAttention: multiHeadAttention,
  PositionEmbedding: positionEmbedding,
  TokenAndPositionEmbedding: tokenAndPositionEmbedding,
};
