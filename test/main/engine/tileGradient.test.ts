// The Tile gradient that replaces tfjs-core's slice loop: the same values as tfjs-core's (and as summing the
// copies by hand) on wasm, for every rank tfjs-core handles and beyond, and a LayerNormalization trains with it.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { tileGradient } from '../../../main/engine/tileGradient.ts';

beforeAll(async () => {
  await loadBackend('wasm');
});

/** dx by definition: element j of x collects dy at every position that copies it. */
function byDefinition(dy: tf.Tensor, xShape: number[]): number[] {
  const dyValues = dy.arraySync() as unknown;
  const size = xShape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(size).fill(0);
  const walk = (v: unknown, index: number[]) => {
    if (!Array.isArray(v)) {
      let flat = 0;
      index.forEach((i, axis) => { flat = flat * xShape[axis] + (i % xShape[axis]); });
      out[flat] += v as number;
      return;
    }
    v.forEach((w, i) => walk(w, [...index, i]));
  };
  walk(dyValues, []);
  return out;
}

describe('Tile gradient', () => {
  const cases: [number[], number[]][] = [
    [[3], [4]],
    [[2, 3], [3, 1]],
    [[1, 1, 5], [4, 6, 1]], // LayerNormalization's scale tiled over batch and steps
    [[4, 6, 1], [1, 1, 5]], // its mean tiled over the features
    [[2, 1, 3, 2], [2, 3, 1, 2]],
    [[2, 1, 2, 1, 2], [1, 2, 2, 3, 1]], // rank 5: tfjs-core's own gradient throws here
  ];

  it.each(cases)('x %j, reps %j: dx sums the copies of dy', (xShape, reps) => {
    const x = tf.randomNormal(xShape, 0, 1, 'float32', 1);
    const weights = tf.randomNormal(xShape.map((s, i) => s * reps[i]), 0, 1, 'float32', 2);
    const dx = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.tile(t, reps), weights)))(x);
    expect(dx.shape).toEqual(xShape);
    const want = byDefinition(weights, xShape);
    const got = Array.from(dx.dataSync());
    got.forEach((g, i) => expect(g).toBeCloseTo(want[i], 4));
    expect(Array.from(tileGradient(tf, weights, xShape, reps).dataSync())).toEqual(got);
  });

  it('differentiates a Transformer-sized LayerNormalization in a few dozen kernels, not thousands', async () => {
    const layer = tf.layers.layerNormalization();
    const x = tf.randomNormal([32, 32, 32]);
    layer.apply(x);
    const variables = layer.trainableWeights.map((w) => (w as unknown as { val: tf.Variable }).val);
    let shapes: number[][] = [];
    const profile = await tf.profile(() => {
      const { value, grads } = tf.variableGrads(() => tf.sum(tf.square(layer.apply(x) as tf.Tensor)) as tf.Scalar, variables);
      shapes = Object.values(grads).map((g) => g.shape);
      return value;
    });
    expect(shapes).toEqual([[32], [32]]);
    // tfjs-core's loop took 2 × 32 × 32 slices and adds for the scale and offset alone.
    expect(profile.kernels.length).toBeLessThan(200);
  });
});
