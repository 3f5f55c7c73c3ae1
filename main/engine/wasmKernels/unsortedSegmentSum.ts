// UnsortedSegmentSum for wasm (the gradient of Gather, i.e. of every Embedding layer): a ScatterNd, whose
// wasm kernel adds up rows that land on the same index — exactly a segment sum with duplicate ids.
import { UnsortedSegmentSum, type KernelConfig, type TensorInfo } from '@tensorflow/tfjs-core';
import { compose, WASM, type KernelArgs, wasmKernel } from './compose.ts';

export function unsortedSegmentSum({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const { x, segmentIds } = inputs as { x: TensorInfo; segmentIds: TensorInfo };
  const { numSegments } = attrs as { numSegments: number };
  const idRank = segmentIds.shape.length;
  const rowShape = x.shape.slice(idRank);
  const outShape = [numSegments, ...rowShape];
  const ids = backend.readSync(segmentIds.dataId) as Int32Array | Float32Array;
  // TensorFlow drops ids outside [0, numSegments); ScatterNd would write out of bounds, so keep only valid rows.
  const keep: number[] = [];
  for (let i = 0; i < ids.length; i++) if (ids[i] >= 0 && ids[i] < numSegments) keep.push(i);
  return compose(backend, (ops) => {
    const rowSize = rowShape.reduce((a, b) => a * b, 1);
    // makeOutput memory is not zeroed, so an all-dropped input needs an explicit zero fill.
    if (keep.length === 0) return ops.run('Fill', {}, { shape: outShape, value: 0, dtype: x.dtype });
    let updates = ops.reshape(x, [ids.length, rowSize]);
    let indices = ops.reshape(segmentIds, [ids.length, 1]);
    if (segmentIds.dtype !== 'int32') indices = ops.run('Cast', { x: indices }, { dtype: 'int32' });
    if (keep.length < ids.length) {
      const rows = ops.keep(backend.makeOutput([keep.length], 'int32'));
      (backend.typedArrayFromHeap(rows) as Int32Array).set(keep);
      updates = ops.run('GatherV2', { x: updates, indices: rows }, { axis: 0, batchDims: 0 });
      indices = ops.run('GatherV2', { x: indices, indices: rows }, { axis: 0, batchDims: 0 });
    }
    const summed = ops.run('ScatterNd', { indices, updates }, { shape: [numSegments, rowSize] });
    return ops.reshape(summed, outShape);
  });
}

export const unsortedSegmentSumConfig: KernelConfig = {
  kernelName: UnsortedSegmentSum,
  backendName: WASM,
  kernelFunc: wasmKernel(unsortedSegmentSum),
};
