// The layer classes a generated JavaScript program defines (attention, position embeddings) compute what
// the studio's TF.js classes compute: the generated source is evaluated here against the same weights.
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { jsLayerDefinitions } from '../../../app/codegen/javascriptLayers.ts';
import type { JsContext } from '../../../app/codegen/javascriptData.ts';
import { createTfLayer } from '../../../app/graph/buildModel.ts';
import type { ParamValue } from '../../../app/graph/types.ts';

type LayerClass = new (args: Record<string, unknown>) => tf.layers.Layer;

/** The generated classes, built against this tf without replacing the studio's registered classes. */
function generatedClasses(): Record<string, LayerClass> {
  const ctx: JsContext = { typed: false, runtime: 'tfjs', modelDir: 'model', ty: () => '' };
  const types = new Set(['Subtract', 'MultiHeadAttention', 'PositionEmbedding', 'TokenAndPositionEmbedding']);
  const source = jsLayerDefinitions(types, ctx).flatMap(([, lines]) => lines).join('\n');
  const quietTf = { ...tf, serialization: { ...tf.serialization, registerClass: () => undefined } };
  return new Function('tf', `${source}\nreturn { Subtract, MultiHeadAttention, PositionEmbedding, TokenAndPositionEmbedding };`)(quietTf);
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const cases: [string, Record<string, ParamValue>, number[][], boolean?][] = [
  ['MultiHeadAttention', { numHeads: 2, keyDim: 3, useCausalMask: true }, [[2, 6, 4]]],
  ['MultiHeadAttention', { numHeads: 3, keyDim: 2, valueDim: 5, outputShape: 7, useBias: false }, [[2, 6, 4], [2, 5, 3], [2, 5, 2]]],
  ['MultiHeadAttention', { numHeads: 2, keyDim: 2, attentionAxes: [2], outputShape: [2, 3] }, [[2, 3, 4, 5], [2, 3, 6, 5]]],
  ['PositionEmbedding', { sequenceLength: 9 }, [[2, 6, 4]]],
  ['PositionEmbedding', { sequenceLength: 2, positionEncoding: 'sinusoidal' }, [[2, 6, 5]]],
  ['TokenAndPositionEmbedding', { vocabularySize: 12, sequenceLength: 8, embeddingDim: 5 }, [[2, 8]], true],
  ['TokenAndPositionEmbedding', { vocabularySize: 12, sequenceLength: 3, embeddingDim: 6, positionEncoding: 'sinusoidal' }, [[2, 8]], true],
  ['Subtract', {}, [[2, 3], [2, 3]]],
];

describe('generated JavaScript layer classes', () => {
  const classes = generatedClasses();
  it.each(cases.map((c) => [`${c[0]} ${JSON.stringify(c[1])}`, ...c] as const))('%s computes what the studio computes', (_title, type, params, shapes, ids) => {
    const inputs = shapes.map((s, i) => (ids ? tf.randomUniform(s, 0, 12, 'int32', 3 + i) : tf.randomNormal(s, 0, 1, 'float32', 3 + i)));
    const studio = createTfLayer(tf, type, params);
    const generated = new classes[type]({ ...params });
    const arg = inputs.length === 1 ? inputs[0] : inputs;
    const expected = studio.apply(arg) as tf.Tensor;
    generated.apply(arg);
    generated.setWeights(studio.getWeights());
    const got = generated.apply(arg) as tf.Tensor;
    expect(got.shape).toEqual(expected.shape);
    expect(tf.max(tf.abs(tf.sub(got, expected))).dataSync()[0]).toBeLessThan(1e-5);
    expect(generated.getConfig()).toMatchObject(Object.fromEntries(Object.entries(params).map(([k, v]) => [k, v])));
    studio.dispose();
    generated.dispose();
  });
});
