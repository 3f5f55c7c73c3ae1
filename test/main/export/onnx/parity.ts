// Test helper: builds a graph as the studio does (TF.js, random initial weights, Glorot-normal kernels
// plus random biases and normalization statistics so nothing is trivially zero), converts it to ONNX
// and runs both on the same random inputs: ONNX Runtime against TF.js.
import * as tf from '@tensorflow/tfjs';
import * as ort from 'onnxruntime-node';
import { analyzeGraph } from '../../../../app/graph/analyze.ts';
import { buildTfModel, registerCustomLayers } from '../../../../app/graph/buildModel.ts';
import type { Graph, LayerNode } from '../../../../app/graph/types.ts';
import { convertToOnnx, type OnnxConversion } from '../../../../main/export/onnx/convert.ts';
import { weightsByLayer } from '../../../../main/export/onnx/weights.ts';
import { mulberry32 } from '../../../../app/data/split.ts';

export const node = (id: string, type: string, params: LayerNode['params'] = {}): LayerNode => ({ id, type, name: id, params });

/** A chain of layers, each feeding the next. */
export function chain(...layers: LayerNode[]): Graph {
  return { layers, connections: layers.slice(1).map((l, i) => ({ from: layers[i].id, to: l.id, toSlot: 0 })) };
}

export interface Parity {
  conversion: OnnxConversion;
  maxAbsDiff: number;
  tfOutput: Float32Array;
  onnxOutput: Float32Array;
}

/** Replaces zero-initialised weights (biases, BN statistics) with seeded random values. */
function perturb(model: tf.LayersModel, seed: number): void {
  const random = mulberry32(seed);
  for (const layer of model.layers) {
    const weights = layer.getWeights();
    if (weights.length === 0) continue;
    layer.setWeights(weights.map((w) => {
      const name = w.shape.length;
      void name;
      const values = w.dataSync().map((v) => v + (random() - 0.5) * 0.2);
      return tf.tensor(values, w.shape);
    }));
  }
  // Variances must stay positive.
  for (const layer of model.layers) {
    if (layer.getClassName() !== 'BatchNormalization') continue;
    const ws = layer.weights.map((v, i) => ({ v, i, t: layer.getWeights()[i] }));
    layer.setWeights(ws.map(({ v, t }) => (v.originalName.endsWith('moving_variance') ? tf.abs(t).add(0.5) : t)));
  }
}

export async function artifactsOf(model: tf.LayersModel): Promise<tf.io.ModelArtifacts> {
  let saved: tf.io.ModelArtifacts | null = null;
  await model.save(tf.io.withSaveHandler(async (a) => {
    saved = a;
    return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: 'JSON' } };
  }));
  return saved!;
}

export function randomInput(graph: Graph, batch: number, seed: number): { data: Float32Array; shape: number[]; int: boolean; vocab: number } {
  const input = graph.layers.find((l) => l.type === 'Input')!;
  const shape = (input.params.shape as number[]).map((d) => d ?? 5);
  const int = input.params.dtype === 'int32';
  const emb = graph.layers.find((l) => l.type === 'Embedding');
  const vocab = (emb?.params.inputDim as number | undefined) ?? 10;
  const random = mulberry32(seed);
  const count = batch * shape.reduce((a, b) => a * b, 1);
  const data = new Float32Array(count);
  const width = count / batch;
  for (let i = 0; i < count; i++) {
    if (int) {
      // Token ids with padding at the end of some rows, as the tokenizer writes them.
      const row = Math.floor(i / width);
      const pos = i % width;
      data[i] = pos >= width - (row % 4) * Math.floor(width / 4) ? 0 : 1 + Math.floor(random() * (vocab - 1));
    } else {
      data[i] = (random() - 0.5) * 4;
    }
  }
  return { data, shape: [batch, ...shape], int, vocab };
}

/** Converts `graph` (with fresh random weights) and compares ONNX Runtime's output with TF.js's. */
export async function parity(graph: Graph, options: { batch?: number; seed?: number } = {}): Promise<Parity> {
  registerCustomLayers(tf);
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) throw new Error(`test graph invalid: ${analysis.errors.map((e) => e.message).join('; ')}`);
  const model = buildTfModel(graph, tf);
  try {
    perturb(model, options.seed ?? 1);
    const artifacts = await artifactsOf(model);
    const conversion = convertToOnnx({
      topology: artifacts.modelTopology,
      weights: weightsByLayer(artifacts.weightSpecs as never, artifacts.weightData as ArrayBuffer),
      producerVersion: 'test',
    });
    const x = randomInput(graph, options.batch ?? 5, options.seed ?? 1);
    const tfOut = tf.tidy(() => model.predict(tf.tensor(x.data, x.shape, x.int ? 'int32' : 'float32')) as tf.Tensor);
    const tfOutput = new Float32Array(await tfOut.data());
    tfOut.dispose();
    const session = await ort.InferenceSession.create(conversion.bytes);
    try {
      const feed = new ort.Tensor(x.int ? 'int32' : 'float32', x.int ? Int32Array.from(x.data) : x.data, x.shape);
      const result = await session.run({ [conversion.input.name]: feed });
      const onnxOutput = result[conversion.output.name].data as Float32Array;
      let max = onnxOutput.length === tfOutput.length ? 0 : Infinity;
      for (let i = 0; i < tfOutput.length; i++) max = Math.max(max, Math.abs(tfOutput[i] - onnxOutput[i]) || (Number.isNaN(onnxOutput[i]) ? Infinity : 0));
      return { conversion, maxAbsDiff: max, tfOutput, onnxOutput };
    } finally {
      await session.release();
    }
  } finally {
    model.dispose();
  }
}
