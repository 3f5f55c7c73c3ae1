// The one-reduction Tile gradient (main/engine/fastGradients.ts) against a brute-force sum and against tfjs's
// stock gradient, on cpu and wasm, for ranks 1 to 5 — and it really is fewer kernels on the tape.
import { describe, expect, it } from 'vitest';
import { loadBackend, type BackendName } from '../../../main/engine/backends.ts';
import { useStockGradients } from '../../../main/engine/fastGradients.ts';

const CASES: { shape: number[]; reps: number[] }[] = [
  { shape: [3], reps: [4] },
  { shape: [2, 3], reps: [3, 1] },
  { shape: [1, 5, 4], reps: [6, 1, 1] },
  { shape: [2, 3, 2], reps: [2, 2, 3] },
  { shape: [1, 2, 3, 2], reps: [3, 2, 1, 2] },
  { shape: [2, 1, 2, 1, 3], reps: [1, 3, 1, 2, 1] },
];

/** d/dx of sum(tile(x, reps) · w): each x element collects the w entries its copies sit on. */
function bruteForce(shape: number[], reps: number[], w: Float32Array): number[] {
  const outShape = shape.map((s, i) => s * reps[i]);
  const size = shape.reduce((a, b) => a * b, 1);
  const grad = new Array<number>(size).fill(0);
  for (let flat = 0; flat < w.length; flat++) {
    let rest = flat;
    let xIndex = 0;
    let stride = 1;
    for (let axis = outShape.length - 1; axis >= 0; axis--) {
      const coord = rest % outShape[axis];
      rest = Math.floor(rest / outShape[axis]);
      xIndex += (coord % shape[axis]) * stride;
      stride *= shape[axis];
    }
    grad[xIndex] += w[flat];
  }
  return grad;
}

describe.each(['cpu', 'wasm'] as BackendName[])('Tile gradient on %s', (backend) => {
  it('equals the brute-force sum and tfjs\'s stock gradient for ranks 1 to 5', async () => {
    const { tf } = await loadBackend(backend);
    for (const { shape, reps } of CASES) {
      const x = tf.randomNormal(shape, 0, 1, 'float32', 7);
      const w = tf.randomNormal(shape.map((s, i) => s * reps[i]), 0, 1, 'float32', 8);
      const f = (t: typeof x) => tf.sum(tf.mul(tf.tile(t, reps), w));
      const fast = await tf.grad(f)(x).data();
      // tfjs's own Tile gradient stops at rank 4 ("not implemented for rank-5 tensors yet"); this one has no limit.
      let stockGrad: Float32Array | Int32Array | Uint8Array | null = null;
      if (shape.length <= 4) {
        useStockGradients(tf, true);
        try {
          stockGrad = await tf.grad(f)(x).data();
        } finally {
          useStockGradients(tf, false);
        }
      }
      const expected = bruteForce(shape, reps, (await w.data()) as Float32Array);
      const label = `shape ${JSON.stringify(shape)} reps ${JSON.stringify(reps)}`;
      Array.from(fast).forEach((v, i) => {
        expect(v, `${label} [${i}] vs brute force`).toBeCloseTo(expected[i], 4);
        if (stockGrad) expect(v, `${label} [${i}] vs stock`).toBeCloseTo(stockGrad[i], 4);
      });
      tf.dispose([x, w]);
    }
  });

  it('takes a handful of kernels where the stock gradient takes one Slice and one Add per repetition', async () => {
    const { tf } = await loadBackend(backend);
    const x = tf.randomNormal([1, 40, 8], 0, 1, 'float32', 3);
    const f = (t: typeof x) => tf.sum(tf.tile(t, [32, 1, 1]));
    const kernels = async () => (await tf.profile(() => tf.grad(f)(x))).kernels.map((k) => k.name);
    const fast = await kernels();
    useStockGradients(tf, true);
    const stock = await kernels().finally(() => useStockGradients(tf, false));
    expect(stock.filter((k) => k === 'Slice').length).toBe(32);
    expect(fast.filter((k) => k === 'Slice').length).toBe(0);
    expect(fast.length).toBeLessThan(10);
    x.dispose();
  });
});
