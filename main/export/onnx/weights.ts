// A layer's trained weights as the ONNX converter reads them: looked up by their Keras weight name
// (`kernel`, `bias`, `moving_mean`...) and re-laid out for ONNX operators (channels first, gate order).
import { OnnxExportError } from './builder.ts';

export interface Weight {
  /** The TF.js variable's original name, e.g. `dense1/kernel` or `bi/forward_lstm1/recurrent_kernel`. */
  name: string;
  shape: number[];
  values: Float32Array;
}

/** The weight of `layer` whose name ends with `/suffix` (inside `part`, e.g. `forward_`, for wrappers); null when absent. */
export function findWeight(weights: readonly Weight[], suffix: string, part?: string): Weight | null {
  const found = weights.filter((w) => w.name.endsWith(`/${suffix}`) && (part === undefined || w.name.split('/').some((s) => s.startsWith(part))));
  if (found.length > 1) throw new OnnxExportError(`the layer has ${found.length} weights named ${suffix}; the model file is not one Modelwright wrote`);
  return found[0] ?? null;
}

export function needWeight(weights: readonly Weight[], suffix: string, layerName: string, part?: string): Weight {
  const w = findWeight(weights, suffix, part);
  if (!w) throw new OnnxExportError(`layer "${layerName}" has no ${suffix} weight in the saved model; the model file is not one Modelwright wrote`);
  return w;
}

/** Row-major transpose: `perm[i]` is the source axis of result axis i (as numpy.transpose). */
export function transposeValues(values: Float32Array, shape: readonly number[], perm: readonly number[]): { values: Float32Array; shape: number[] } {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]);
  const srcStrides = new Array<number>(rank);
  let s = 1;
  for (let i = rank - 1; i >= 0; i--) {
    srcStrides[i] = s;
    s *= shape[i];
  }
  const out = new Float32Array(values.length);
  const index = new Array<number>(rank).fill(0);
  const stride = perm.map((p) => srcStrides[p]);
  for (let o = 0; o < out.length; o++) {
    let src = 0;
    for (let i = 0; i < rank; i++) src += index[i] * stride[i];
    out[o] = values[src];
    for (let i = rank - 1; i >= 0; i--) {
      if (++index[i] < outShape[i]) break;
      index[i] = 0;
    }
  }
  return { values: out, shape: outShape };
}

/**
 * Reorders gate blocks along the first axis: a [gates × units, ...] array whose blocks are in Keras
 * order, rearranged so block i of the result is block `order[i]` of the source.
 */
export function reorderBlocks(values: Float32Array, blocks: number, order: readonly number[]): Float32Array {
  const size = values.length / blocks;
  const out = new Float32Array(values.length);
  order.forEach((from, to) => out.set(values.subarray(from * size, (from + 1) * size), to * size));
  return out;
}

/** A weights manifest entry as TF.js writes it (name, shape, dtype, optional quantization). */
export interface WeightSpec {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: unknown;
}

/**
 * The float32 weights of a model folder, grouped by layer (the name before the first `/`: TF.js layer
 * names cannot contain one), in manifest order — which is each layer's own weight order.
 */
export function weightsByLayer(specs: readonly WeightSpec[], data: ArrayBuffer): Map<string, Weight[]> {
  const byLayer = new Map<string, Weight[]>();
  let offset = 0;
  for (const spec of specs) {
    const count = spec.shape.reduce((a, b) => a * b, 1);
    if (spec.dtype !== 'float32' || spec.quantization !== undefined) {
      throw new OnnxExportError(`weight ${spec.name} is stored as ${spec.quantization ? 'quantized ' : ''}${spec.dtype}; the ONNX export reads the trained float32 model`);
    }
    const values = new Float32Array(data.slice(offset, offset + count * 4));
    offset += count * 4;
    const layer = spec.name.split('/')[0];
    const list = byLayer.get(layer) ?? [];
    list.push({ name: spec.name, shape: [...spec.shape], values });
    byLayer.set(layer, list);
  }
  return byLayer;
}
