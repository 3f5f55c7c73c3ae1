// Parity of the wasm kernels Modelwright adds (and the faster matmul) with the cpu backend's own kernels.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { planMatMul } from '../../../main/engine/wasmKernels/batchMatMul.ts';
import { usesPatchMatMul } from '../../../main/engine/wasmKernels/conv2DBackpropFilter.ts';
import { simdKernels, withoutSimdKernels } from '../../../main/engine/wasmKernels/simd.ts';
import type { BackendWasm } from '@tensorflow/tfjs-backend-wasm';
import { compareKernel, depthwiseGradientsByDefinition, randomData, relativeMaxDiff, runKernelOn } from './parityHelpers.ts';

const TOLERANCE = 1e-4;
type Pad = 'same' | 'valid' | [[number, number], [number, number], [number, number], [number, number]];

beforeAll(async () => {
  await loadBackend('wasm');
});

const wasmBackend = () => tf.findBackend('wasm') as unknown as BackendWasm;
/** Our SIMD kernels (main/engine/wasmKernels/simd.ts) and, without them, the other way each kernel has (the threaded build's). */
const WAYS = [{ way: 'SIMD' }, { way: 'without SIMD' }] as const;
const inWay = <T>(way: (typeof WAYS)[number]['way'], body: () => Promise<T>) => (way === 'SIMD' ? body() : withoutSimdKernels(wasmBackend(), body));

it('the single-threaded wasm backend has our SIMD kernels, so the SIMD cases below test them', () => {
  expect(simdKernels(wasmBackend())).not.toBeNull();
});

/** Conv2D shapes over strides and paddings (incl. a Conv1D as height 1 and explicit padding), for both backprop kernels. */
function conv2DCases(): { x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] {
  const cases: { x: number[]; filter: number[]; strides: [number, number]; pad: Pad }[] = [];
  for (const [x, filter] of [
    [[2, 7, 7, 3], [3, 3, 3, 4]],
    [[1, 8, 6, 2], [2, 3, 2, 5]],
    [[3, 1, 10, 2], [1, 3, 2, 4]], // Conv1D is a Conv2D of height 1
    [[2, 9, 9, 1], [5, 5, 1, 3]],
  ]) {
    for (const strides of [[1, 1], [2, 2], [3, 2]] as [number, number][]) {
      for (const pad of ['same', 'valid'] as Pad[]) {
        if (pad === 'valid' && (filter[0] > x[1] || filter[1] > x[2])) continue;
        cases.push({ x, filter, strides, pad });
      }
    }
  }
  cases.push({ x: [2, 6, 6, 2], filter: [3, 3, 2, 3], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });
  // Input channels in fours and output channels in eights: the tiled SIMD loop.
  for (const strides of [[1, 1], [2, 2], [1, 3]] as [number, number][]) {
    for (const pad of ['same', 'valid'] as Pad[]) cases.push({ x: [2, 7, 9, 4], filter: [3, 3, 4, 8], strides, pad });
  }
  cases.push({ x: [3, 5, 6, 8], filter: [2, 3, 8, 16], strides: [2, 1], pad: [[0, 0], [2, 1], [0, 2], [0, 0]] });
  cases.push({ x: [1, 4, 4, 4], filter: [5, 5, 4, 8], strides: [1, 1], pad: 'same' }); // filter wider than x
  return cases;
}

describe('Conv2DBackpropFilter on wasm', () => {
  const cases = conv2DCases();

  /** The filter gradient on wasm against cpu; returns which way wasm computed it. */
  async function expectParity({ x, filter, strides, pad }: (typeof cases)[number], seed: number): Promise<boolean> {
    const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], strides, 1, pad);
    const { wasm, cpu, diff } = await compareKernel('Conv2DBackpropFilter',
      { x: randomData(x, seed), dy: randomData(info.outShape, seed + 1) },
      { strides, pad, dataFormat: 'NHWC', filterShape: filter });
    expect(wasm.shape).toEqual(filter);
    expect(cpu.shape).toEqual(filter);
    expect(diff).toBeLessThan(TOLERANCE);
    return usesPatchMatMul(info);
  }

  it.each(WAYS.flatMap(({ way }) => cases.map((c) => ({ ...c, way }))))('$way: x $x, filter $filter, strides $strides, pad $pad', async ({ way, ...c }) => {
    await inWay(way, () => expectParity(c, 1));
  });

  // Few input channels for many output channels: the patch-matrix product (usesPatchMatMul), e.g. a first layer on images.
  const patchCases: typeof cases = [];
  for (const [x, filter] of [[[3, 9, 8, 1], [3, 3, 1, 16]], [[2, 7, 9, 2], [2, 3, 2, 8]], [[2, 1, 12, 1], [1, 5, 1, 4]]]) {
    for (const strides of [[1, 1], [2, 2], [3, 2]] as [number, number][]) for (const pad of ['same', 'valid'] as Pad[]) patchCases.push({ x, filter, strides, pad });
  }
  patchCases.push({ x: [2, 6, 6, 1], filter: [3, 3, 1, 8], strides: [2, 1], pad: [[0, 0], [1, 2], [0, 1], [0, 0]] });
  patchCases.push({ x: [2, 6, 7, 1], filter: [3, 3, 1, 8], strides: [1, 2], pad: [[0, 0], [-1, 0], [2, -1], [0, 0]] as never });

  // With an odd channel count too, so the SIMD kernel's leftover channels are covered.
  patchCases.push({ x: [2, 8, 7, 3], filter: [3, 2, 3, 10], strides: [1, 1], pad: 'same' });
  patchCases.push({ x: [2, 5, 5, 1], filter: [5, 5, 1, 13], strides: [2, 2], pad: 'same' });
  const patchWays = WAYS.flatMap(({ way }) => patchCases.map((c) => ({ ...c, way })));
  it.each(patchWays)('patch product ($way): x $x, filter $filter, strides $strides, pad $pad', async ({ way, ...c }) => {
    expect(await inWay(way, () => expectParity(c, 5))).toBe(true);
  });

  it('takes the patch product for the reference CNN\'s first layer and the Conv2D way for its second', () => {
    const first = tf.backend_util.computeConv2DInfo([256, 28, 28, 1], [3, 3, 1, 16], 1, 1, 'valid');
    const second = tf.backend_util.computeConv2DInfo([256, 13, 13, 16], [3, 3, 16, 32], 1, 1, 'valid');
    expect([usesPatchMatMul(first), usesPatchMatMul(second)]).toEqual([true, false]);
  });

  it('accepts channels-first (NCHW) operands', async () => {
    const x = [2, 3, 7, 6];
    const filter = [3, 3, 3, 4];
    const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], 2, 1, 'same', undefined, false, 'channelsFirst');
    const { wasm, diff } = await compareKernel('Conv2DBackpropFilter',
      { x: randomData(x, 3), dy: randomData(info.outShape, 4) },
      { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', filterShape: filter });
    expect(wasm.shape).toEqual(filter);
    expect(diff).toBeLessThan(TOLERANCE);
  });
});

describe('DepthwiseConv2dNative gradients on wasm', () => {
  const cases: { x: number[]; filter: number[]; strides: [number, number]; dilations: [number, number]; pad: Pad }[] = [];
  for (const [x, filter] of [
    [[2, 7, 7, 3], [3, 3, 3, 1]],
    [[2, 8, 6, 2], [3, 2, 2, 2]], // depth multiplier 2
    [[1, 9, 9, 4], [5, 5, 4, 3]],
  ]) {
    for (const strides of [[1, 1], [2, 2], [2, 1]] as [number, number][]) {
      for (const pad of ['same', 'valid'] as Pad[]) cases.push({ x, filter, strides, dilations: [1, 1], pad });
    }
    for (const pad of ['same', 'valid'] as Pad[]) cases.push({ x, filter, strides: [1, 1], dilations: [2, 2], pad });
  }
  cases.push({ x: [2, 6, 6, 2], filter: [3, 3, 2, 2], strides: [2, 2], dilations: [1, 1], pad: [[0, 0], [2, 1], [1, 0], [0, 0]] });

  // The cpu backend's depthwise gradient kernels ignore dilation (tfjs only asks for it undilated), so dilated
  // cases are checked against the definition instead.
  async function reference(kernel: string, c: (typeof cases)[number], inputs: Record<string, ReturnType<typeof randomData>>, attrs: object) {
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, c.dilations, c.pad, undefined, true);
    if (c.dilations[0] === 1 && c.dilations[1] === 1) return (await runKernelOn('cpu', kernel, inputs, attrs)).values;
    const byDefinition = depthwiseGradientsByDefinition(
      kernel.endsWith('Filter') ? inputs.x : { shape: c.x, values: new Float32Array(c.x.reduce((a, b) => a * b, 1)) },
      kernel.endsWith('Filter') ? { shape: c.filter, values: new Float32Array(c.filter.reduce((a, b) => a * b, 1)) } : inputs.filter,
      inputs.dy, info);
    return kernel.endsWith('Filter') ? byDefinition.df : byDefinition.dx;
  }

  it.each(cases)('filter gradient: x $x, filter $filter, strides $strides, dilations $dilations, pad $pad', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, c.dilations, c.pad, undefined, true);
    const inputs = { x: randomData(c.x, 5), dy: randomData(info.outShape, 6) };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, filterShape: c.filter };
    const wasm = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropFilter', inputs, attrs);
    expect(wasm.shape).toEqual(c.filter);
    expect(relativeMaxDiff(wasm.values, await reference('DepthwiseConv2dNativeBackpropFilter', c, inputs, attrs))).toBeLessThan(TOLERANCE);
  });

  it.each(cases)('input gradient: x $x, filter $filter, strides $strides, dilations $dilations, pad $pad', async (c) => {
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, c.dilations, c.pad, undefined, true);
    const inputs = { dy: randomData(info.outShape, 7), filter: randomData(c.filter, 8) };
    const attrs = { strides: c.strides, dilations: c.dilations, pad: c.pad, inputShape: c.x };
    const wasm = await runKernelOn('wasm', 'DepthwiseConv2dNativeBackpropInput', inputs, attrs);
    expect(wasm.shape).toEqual(c.x);
    expect(relativeMaxDiff(wasm.values, await reference('DepthwiseConv2dNativeBackpropInput', c, inputs, attrs))).toBeLessThan(TOLERANCE);
  });

  it('the definition-based reference agrees with the cpu kernels where both apply', async () => {
    const c = cases[2];
    const info = tf.backend_util.computeConv2DInfo(c.x as [number, number, number, number], c.filter as [number, number, number, number], c.strides, 1, c.pad, undefined, true);
    const x = randomData(c.x, 5);
    const f = randomData(c.filter, 8);
    const dy = randomData(info.outShape, 6);
    const ref = depthwiseGradientsByDefinition(x, f, dy, info);
    const cpuFilter = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropFilter', { x, dy }, { strides: c.strides, dilations: 1, pad: c.pad, filterShape: c.filter });
    const cpuInput = await runKernelOn('cpu', 'DepthwiseConv2dNativeBackpropInput', { dy, filter: f }, { strides: c.strides, dilations: 1, pad: c.pad, inputShape: c.x });
    expect(relativeMaxDiff(ref.df, cpuFilter.values)).toBeLessThan(TOLERANCE);
    expect(relativeMaxDiff(ref.dx, cpuInput.values)).toBeLessThan(TOLERANCE);
  });
});

describe('UnsortedSegmentSum on wasm', () => {
  it('sums rows with duplicate ids and leaves unused segments at zero', async () => {
    const ids = { shape: [6], values: Int32Array.from([0, 2, 0, 5, 2, 2]), dtype: 'int32' as const };
    const { wasm, cpu, diff } = await compareKernel('UnsortedSegmentSum', { x: randomData([6, 3], 9), segmentIds: ids }, { numSegments: 7 });
    expect(wasm.shape).toEqual([7, 3]);
    expect(diff).toBeLessThan(TOLERANCE);
    // Segments 1, 3, 4 and 6 receive nothing.
    for (const seg of [1, 3, 4, 6]) expect(Array.from(cpu.values.slice(seg * 3, seg * 3 + 3))).toEqual([0, 0, 0]);
    expect(Array.from(wasm.values.slice(18, 21))).toEqual([0, 0, 0]);
  });

  it('sums whole sub-tensors of a 3-D input', async () => {
    const ids = { shape: [5], values: Int32Array.from([1, 1, 0, 3, 1]), dtype: 'int32' as const };
    const { wasm, diff } = await compareKernel('UnsortedSegmentSum', { x: randomData([5, 3, 4], 10), segmentIds: ids }, { numSegments: 4 });
    expect(wasm.shape).toEqual([4, 3, 4]);
    expect(diff).toBeLessThan(TOLERANCE);
  });

  it('drops ids outside [0, numSegments) like the cpu backend', async () => {
    const ids = { shape: [5], values: Int32Array.from([-1, 1, 4, 1, 0]), dtype: 'int32' as const };
    const { wasm, diff } = await compareKernel('UnsortedSegmentSum', { x: randomData([5, 2], 11), segmentIds: ids }, { numSegments: 3 });
    expect(wasm.shape).toEqual([3, 2]);
    expect(diff).toBeLessThan(TOLERANCE);
  });

  it('returns zeros when every id is out of range', async () => {
    const ids = { shape: [2], values: Int32Array.from([-1, 9]), dtype: 'int32' as const };
    const { wasm, diff } = await compareKernel('UnsortedSegmentSum', { x: randomData([2, 2], 12), segmentIds: ids }, { numSegments: 3 });
    expect(Array.from(wasm.values)).toEqual([0, 0, 0, 0, 0, 0]);
    expect(diff).toBe(0);
  });

  it('frees its intermediate buffers, also when it has to drop ids', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.ones([4, 2]);
    for (const ids of [tf.tensor1d([0, 1, 1, 0], 'int32'), tf.tensor1d([0, 1, 1, -1], 'int32'), tf.tensor1d([-1, 5, 7, -2], 'int32')]) {
      const run = () => (tf.engine().runKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 2 }) as tf.Tensor).dispose();
      run();
      const before = backend.numDataIds();
      for (let i = 0; i < 3; i++) run();
      expect(backend.numDataIds()).toBe(before);
      ids.dispose();
    }
    x.dispose();
  });

  it('sums int32 rows exactly', async () => {
    const ids = { shape: [4], values: Int32Array.from([1, 1, 0, 1]), dtype: 'int32' as const };
    const x = { shape: [4, 2], values: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8]), dtype: 'int32' as const };
    const { wasm } = await compareKernel('UnsortedSegmentSum', { x, segmentIds: ids }, { numSegments: 2 });
    expect(Array.from(wasm.values)).toEqual([5, 6, 11, 14]);
  });
});

describe('BatchMatMul / _FusedMatMul replacement on wasm', () => {
  const combos = [[false, false], [true, false], [false, true], [true, true]] as const;
  it.each(combos)('BatchMatMul transposeA=%s transposeB=%s matches cpu (2-D and batched)', async (transposeA, transposeB) => {
    // [1, 8, 50, 200] makes the planner compute (Bᵀ·Aᵀ)ᵀ; [3, …] is batched and goes to the stock kernel.
    for (const [batch, m, k, n] of [[1, 5, 7, 3], [1, 64, 97, 33], [1, 8, 50, 200], [3, 4, 6, 5]]) {
      const aShape = [batch, ...(transposeA ? [k, m] : [m, k])];
      const bShape = [batch, ...(transposeB ? [n, k] : [k, n])];
      const { wasm, diff } = await compareKernel('BatchMatMul', { a: randomData(aShape, 13), b: randomData(bShape, 14) }, { transposeA, transposeB });
      expect(wasm.shape).toEqual([batch, m, n]);
      expect(diff).toBeLessThan(TOLERANCE);
    }
  });

  it('keeps rank-2 shapes and reuses a packed right-hand operand', async () => {
    for (const [transposeA, transposeB] of combos) {
      const a = randomData(transposeA ? [50, 8] : [8, 50], 31);
      const b = randomData(transposeB ? [200, 50] : [50, 200], 32);
      const { wasm, diff } = await compareKernel('BatchMatMul', { a, b }, { transposeA, transposeB });
      expect(wasm.shape).toEqual([8, 200]);
      expect(diff).toBeLessThan(TOLERANCE);
    }
  });

  it('plans the product by the elements it moves', () => {
    // Forward pass of a 784→256 Dense layer with a weight that changed since the last step: pack the batch, not the weight.
    expect(planMatMul(64, 784, 256, false, false, false, false).swap).toBe(true);
    // The same weight already packed (inference with fixed weights): use XNNPACK's cached packing.
    expect(planMatMul(64, 784, 256, false, false, false, true).swap).toBe(false);
    // dX = dY·Wᵀ: W is already Wᵀ's transpose, so only the small dY needs moving.
    expect(planMatMul(64, 128, 256, false, true, false, false).swap).toBe(true);
    // dW = Xᵀ·dY: swapping would pack X and transpose the large [784, 256] result.
    expect(planMatMul(784, 64, 256, true, false, false, false).swap).toBe(false);
  });

  it.each(combos)('_FusedMatMul with bias and relu, transposeA=%s transposeB=%s, matches cpu', async (transposeA, transposeB) => {
    const [m, k, n] = [6, 9, 4];
    const { wasm, diff } = await compareKernel('_FusedMatMul', {
      a: randomData([1, ...(transposeA ? [k, m] : [m, k])], 15),
      b: randomData([1, ...(transposeB ? [n, k] : [k, n])], 16),
      bias: randomData([n], 17),
    }, { transposeA, transposeB, activation: 'relu', leakyreluAlpha: 0 });
    expect(wasm.shape).toEqual([1, m, n]);
    expect(diff).toBeLessThan(TOLERANCE);
  });

  it('frees every intermediate wasm buffer, whichever way the product is planned', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const a = tf.tensor(randomData([8, 50], 18).values, [8, 50]);
    const b = tf.tensor(randomData([50, 200], 19).values, [50, 200]);
    const [aT, bT] = [a.transpose(), b.transpose()];
    for (const [transposeA, transposeB] of combos) {
      const run = () => tf.matMul(transposeA ? aT : a, transposeB ? bT : b, transposeA, transposeB).dispose();
      run();
      const before = backend.numDataIds();
      for (let i = 0; i < 5; i++) run();
      expect(backend.numDataIds()).toBe(before);
    }
    tf.dispose([a, b, aT, bT]);
  });
});

describe('Conv2DBackpropInput replacement on wasm', () => {
  const cases = conv2DCases();
  // Input channels in eights: our SIMD loop on the single-threaded build.
  for (const strides of [[1, 1], [2, 2], [3, 1]] as [number, number][]) {
    for (const pad of ['same', 'valid'] as Pad[]) cases.push({ x: [2, 7, 9, 8], filter: [3, 3, 8, 5], strides, pad });
  }
  cases.push({ x: [1, 4, 4, 16], filter: [5, 5, 16, 3], strides: [1, 1], pad: 'same' }); // filter wider than x
  cases.push({ x: [2, 6, 7, 8], filter: [2, 3, 8, 4], strides: [2, 1], pad: [[0, 0], [2, 1], [0, 2], [0, 0]] });

  it.each(WAYS.flatMap(({ way }) => cases.map((c) => ({ ...c, way }))))('$way: x $x, filter $filter, strides $strides, pad $pad', async ({ way, x, filter, strides, pad }) => {
    const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], strides, 1, pad);
    const { wasm, diff } = await inWay(way, () => compareKernel('Conv2DBackpropInput',
      { dy: randomData(info.outShape, 23), filter: randomData(filter, 24) },
      { strides, pad, dataFormat: 'NHWC', inputShape: x }));
    expect(wasm.shape).toEqual(x);
    expect(diff).toBeLessThan(TOLERANCE);
  });

  it.each([[2, 3, 7, 6], [2, 8, 5, 6]])('accepts channels-first (NCHW) operands: x %j', async (...x) => {
    const filter = [3, 3, x[1], 4];
    const info = tf.backend_util.computeConv2DInfo(x as [number, number, number, number], filter as [number, number, number, number], 2, 1, 'same', undefined, false, 'channelsFirst');
    const { wasm, diff } = await compareKernel('Conv2DBackpropInput',
      { dy: randomData(info.outShape, 25), filter: randomData(filter, 26) },
      { strides: [2, 2], pad: 'same', dataFormat: 'NCHW', inputShape: x });
    expect(wasm.shape).toEqual(x);
    expect(diff).toBeLessThan(TOLERANCE);
  });
});

describe('MaxPoolGrad replacement on wasm', () => {
  // Inputs pass through ReLU so many windows are all zeros: ties must go where the cpu backend sends them.
  const relu = (d: ReturnType<typeof randomData>) => ({ ...d, values: d.values.map((v) => Math.max(0, v)) });
  const cases: { x: number[]; filterSize: [number, number]; strides: [number, number]; pad: 'same' | 'valid'; nan?: boolean }[] = [
    { x: [2, 8, 8, 3], filterSize: [2, 2], strides: [2, 2], pad: 'valid' },
    { x: [3, 11, 11, 4], filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, // remainder row/column gets no gradient
    { x: [2, 9, 6, 2], filterSize: [3, 2], strides: [3, 2], pad: 'valid' },
    { x: [2, 8, 8, 2], filterSize: [2, 2], strides: [2, 2], pad: 'same' },
    { x: [2, 7, 7, 2], filterSize: [2, 2], strides: [2, 2], pad: 'same' }, // padded
    { x: [2, 7, 7, 2], filterSize: [3, 3], strides: [1, 1], pad: 'same' }, // overlapping windows
    { x: [2, 9, 8, 3], filterSize: [3, 3], strides: [2, 2], pad: 'valid' }, // overlapping, strided
    { x: [4, 1, 12, 3], filterSize: [1, 2], strides: [1, 2], pad: 'valid' }, // MaxPooling1D
    { x: [2, 6, 7, 6], filterSize: [2, 2], strides: [2, 2], pad: 'valid' }, // four channels at a time and two left over
    { x: [2, 4, 4, 16], filterSize: [2, 2], strides: [2, 2], pad: 'valid', nan: true }, // NaN in windows: passed over as on cpu
  ];
  const withWays = WAYS.flatMap(({ way }) => cases.map((c) => ({ ...c, way })));
  it.each(withWays)('$way: x $x, pool $filterSize, strides $strides, pad $pad', async ({ way, x, filterSize, strides, pad, nan }) => {
    const info = tf.backend_util.computePool2DInfo(x as [number, number, number, number], filterSize, strides, 1, pad);
    const input = relu(randomData(x, 27));
    // Every fifth value NaN, wherever it falls in its window.
    if (nan) input.values = input.values.map((v, i) => (i % 5 === 2 ? NaN : v));
    await tf.setBackend('cpu');
    const xCpu = tf.tensor4d(input.values, x as [number, number, number, number]);
    const y = tf.maxPool(xCpu, filterSize, strides, pad);
    const output = { shape: y.shape, values: (await y.data()) as Float32Array };
    tf.dispose([xCpu, y]);
    const { wasm, cpu, diff } = await inWay(way, () => compareKernel('MaxPoolGrad', { dy: randomData(info.outShape, 28), input, output }, { filterSize, strides, pad }));
    expect(wasm.shape).toEqual(x);
    if (nan) expect(Array.from(wasm.values)).toEqual(Array.from(cpu.values));
    // Overlapping windows add several dy values into one cell, possibly in another order than the cpu kernel.
    expect(diff).toBeLessThan(1e-6);
  });
});

describe('Add of a row (a bias) on wasm', () => {
  const cases: { a: number[]; b: number[] }[] = [
    { a: [4, 5, 6, 16], b: [16] }, // a Conv2D's bias
    { a: [3, 5], b: [5] }, // a Dense bias, five channels: four at a time and one left over
    { a: [7], b: [2, 7] }, // the row first
    { a: [3, 4, 6], b: [1, 1, 6] },
    { a: [4, 16], b: [4, 1] }, // not a row: the stock kernel
    { a: [2, 3], b: [2, 3] }, // same shape: the stock kernel
  ];
  const withWays = WAYS.flatMap(({ way }) => cases.map((c) => ({ ...c, way })));
  it.each(withWays)('$way: $a + $b', async ({ way, a, b }) => {
    const { wasm, cpu, diff } = await inWay(way, () => compareKernel('Add', { a: randomData(a, 41), b: randomData(b, 42) }, {}));
    expect(wasm.shape).toEqual(cpu.shape);
    expect(diff).toBe(0);
  });
});

describe('Identity and GatherV2 replacements on wasm', () => {
  it('GatherV2 on axis 0 matches cpu for float32, int32 and bool rows and for 2-D indices', async () => {
    const ids = { shape: [2, 3], values: Int32Array.from([4, 0, 4, 2, 1, 3]), dtype: 'int32' as const };
    for (const x of [
      randomData([5, 3, 2], 33),
      { shape: [5, 2], values: Int32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]), dtype: 'int32' as const },
    ]) {
      const { wasm, cpu, diff } = await compareKernel('GatherV2', { x, indices: ids }, { axis: 0, batchDims: 0 });
      expect(wasm.shape).toEqual([2, 3, ...x.shape.slice(1)]);
      expect(wasm.shape).toEqual(cpu.shape);
      expect(diff).toBe(0);
    }
    await tf.setBackend('wasm');
    const flags = tf.tensor1d([true, false, true], 'bool');
    const picked = tf.gather(flags, tf.tensor1d([2, 1, 1, 0], 'int32'));
    expect(picked.dtype).toBe('bool');
    expect(Array.from(await picked.data())).toEqual([1, 0, 0, 1]);
    tf.dispose([flags, picked]);
  });

  it('GatherV2 on another axis still works (stock kernel) and bad indices are refused', async () => {
    const { diff } = await compareKernel('GatherV2', { x: randomData([3, 4], 34), indices: { shape: [2], values: Int32Array.from([3, 0]), dtype: 'int32' } }, { axis: 1, batchDims: 0 });
    expect(diff).toBe(0);
    await tf.setBackend('wasm');
    const x = tf.ones([3, 2]);
    const bad = tf.tensor1d([0, 3], 'int32');
    expect(() => tf.gather(x, bad)).toThrow('GatherV2: the index value 3 is not in [0, 2]');
    tf.dispose([x, bad]);
  });

  it('Cast shares the buffer only when the dtype stays the same, and converts otherwise', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.tensor1d([1.5, -2.5, 0, 256]);
    const before = backend.numDataIds();
    const same = tf.cast(x, 'float32');
    expect(backend.numDataIds()).toBe(before);
    const ints = tf.cast(x, 'int32');
    const bools = tf.cast(x, 'bool');
    expect(backend.numDataIds()).toBe(before + 2);
    expect(Array.from(await ints.data())).toEqual([1, -2, 0, 256]);
    expect(Array.from(await bools.data())).toEqual([1, 1, 0, 1]);
    const intBools = tf.cast(ints, 'bool');
    expect(Array.from(await intBools.data())).toEqual([1, 1, 0, 1]);
    x.dispose();
    expect(Array.from(await same.data())).toEqual([1.5, -2.5, 0, 256]);
    tf.dispose([same, ints, bools, intBools]);
  });

  it('Identity shares the buffer safely: a clone outlives its source and is unaffected by later ops', async () => {
    await tf.setBackend('wasm');
    const backend = tf.backend();
    const x = tf.tensor1d([1, 2, 3]);
    const before = backend.numDataIds();
    const y = x.clone();
    expect(backend.numDataIds()).toBe(before);
    x.dispose();
    const z = y.add(1);
    expect(Array.from(await y.data())).toEqual([1, 2, 3]);
    expect(Array.from(await z.data())).toEqual([2, 3, 4]);
    tf.dispose([y, z]);
    expect(backend.numDataIds()).toBe(before - 1);
  });
});

describe('Sum replacement on wasm (leading axes)', () => {
  const cases: { shape: number[]; axis: number[]; keepDims: boolean }[] = [
    { shape: [64, 26, 26, 16], axis: [0, 1, 2], keepDims: false }, // a Conv2D bias gradient
    { shape: [5, 7], axis: [0], keepDims: false },
    { shape: [3, 4, 5], axis: [1, 0], keepDims: true },
    { shape: [3, 4, 5], axis: [0], keepDims: false },
    { shape: [2, 3], axis: [1], keepDims: false }, // not leading: stock kernel
    { shape: [2, 3], axis: [0, 1], keepDims: true }, // everything: stock kernel
    { shape: [1, 6], axis: [0], keepDims: false }, // one row: stock kernel
  ];
  it.each(cases)('shape $shape, axis $axis, keepDims $keepDims', async ({ shape, axis, keepDims }) => {
    const { wasm, cpu, diff } = await compareKernel('Sum', { x: randomData(shape, 35) }, { axis, keepDims });
    expect(wasm.shape).toEqual(cpu.shape);
    expect(diff).toBeLessThan(1e-5);
  });

  it('leaves int32 sums exact (stock kernel)', async () => {
    const x = { shape: [3, 2], values: Int32Array.from([1, 2, 3, 4, 5, 2 ** 24 + 1]), dtype: 'int32' as const };
    const { wasm } = await compareKernel('Sum', { x }, { axis: [0], keepDims: false });
    expect(Array.from(wasm.values)).toEqual([9, 2 ** 24 + 7]);
  });
});

describe('Tile replacement on wasm', () => {
  it('matches cpu for float32, int32 and bool over ranks 1 to 5, size-1 axes and reps of 1', async () => {
    const cases: { shape: number[]; reps: number[] }[] = [
      { shape: [3], reps: [4] },
      { shape: [2, 3], reps: [3, 1] },
      { shape: [32, 40, 1], reps: [1, 1, 64] }, // LayerNormalization's mean over channels
      { shape: [1, 1, 8], reps: [4, 5, 1] }, // ... and its scale over batch and steps
      { shape: [2, 3, 2], reps: [2, 2, 3] },
      { shape: [1, 2, 3, 2], reps: [3, 2, 1, 2] },
      { shape: [2, 1, 2, 1, 3], reps: [1, 3, 1, 2, 1] },
      { shape: [2, 3], reps: [1, 1] },
      { shape: [2, 0], reps: [2, 3] },
    ];
    for (const { shape, reps } of cases) {
      const size = shape.reduce((a, b) => a * b, 1);
      for (const x of [
        randomData(shape, 51),
        { shape, values: Int32Array.from({ length: size }, (_, i) => i * 7 - 20), dtype: 'int32' as const },
        { shape, values: Uint8Array.from({ length: size }, (_, i) => i % 3 === 0 ? 1 : 0), dtype: 'bool' as const },
      ]) {
        const { wasm, cpu, diff } = await compareKernel('Tile', { x }, { reps });
        expect(wasm.shape, `${x.dtype} ${JSON.stringify(shape)} × ${JSON.stringify(reps)}`).toEqual(cpu.shape);
        expect(diff, `${x.dtype} ${JSON.stringify(shape)} × ${JSON.stringify(reps)}`).toBe(0);
      }
    }
  });
});
