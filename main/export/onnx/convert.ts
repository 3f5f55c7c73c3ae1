// A trained TF.js layers model → one ONNX graph. The topology is read with the studio's own Keras importer
// and analysed like any canvas graph (order, shapes); each layer is converted by its converter with its
// trained weights. The ONNX input is the preprocessed feature tensor the TF.js model takes, the output what it gives.
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { resolveParams } from '../../../app/graph/catalog.ts';
import type { Shape } from '../../../app/graph/types.ts';
import { importKerasModel, KerasImportError } from '../../../app/keras/import.ts';
import { OnnxExportError, OnnxGraphBuilder, type Dim, type ElemType } from './builder.ts';
import type { LayerConverter, Value } from './context.ts';
import { attentionConverters } from './attention.ts';
import { feedForwardConverters } from './layers.ts';
import { recurrentConverters } from './recurrent.ts';
import type { Weight } from './weights.ts';

const converters: Record<string, LayerConverter> = { ...feedForwardConverters, ...recurrentConverters, ...attentionConverters };

/** Layer types the ONNX export can write (every catalog layer but Input, which becomes the graph input). */
export const onnxLayerTypes: readonly string[] = Object.keys(converters);

export interface OnnxConversionInput {
  /** The model.json `modelTopology` (Keras JSON) of the trained model. */
  topology: unknown;
  /** Trained weights per layer name, in the layer's weight order. */
  weights: ReadonlyMap<string, Weight[]>;
  producerVersion: string;
  /** Strings stored in the model's metadata_props (e.g. the preprocessing). */
  metadata?: Record<string, string>;
  docString?: string;
}

export interface OnnxConversion {
  bytes: Uint8Array;
  input: { name: string; type: 'float32' | 'int32'; shape: Dim[] };
  output: { name: string; shape: Dim[] };
}

function dims(shape: Shape, prefix: string): Dim[] {
  return ['batch', ...shape.map((d, i) => d ?? `${prefix}${i + 1}`)];
}

/** Converts the model; throws OnnxExportError with a plain sentence for a model it cannot express. */
export function convertToOnnx(input: OnnxConversionInput): OnnxConversion {
  let graph;
  try {
    const imported = importKerasModel(input.topology);
    if (imported.warnings.length > 0) throw new OnnxExportError(`the model cannot be read exactly: ${imported.warnings[0]}`);
    graph = imported.graph;
    // TF.js writes the size a Reshape infers as null where the catalog (and Keras) spell it -1.
    for (const layer of graph.layers) {
      if (layer.type === 'Reshape' && Array.isArray(layer.params.targetShape)) layer.params.targetShape = layer.params.targetShape.map((d) => d ?? -1) as number[];
    }
  } catch (err) {
    if (err instanceof KerasImportError) throw new OnnxExportError(`the model's topology cannot be read: ${err.message}`);
    throw err;
  }
  const analysis = analyzeGraph(graph);
  if (!analysis.valid) throw new OnnxExportError(`the model is not valid: ${analysis.errors[0].message}`);
  if (analysis.inputs.length !== 1 || analysis.outputs.length !== 1) {
    throw new OnnxExportError(`the model has ${analysis.inputs.length} inputs and ${analysis.outputs.length} outputs; the ONNX export handles one input and one output, as the trainer does`);
  }
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  const b = new OnnxGraphBuilder();
  const values = new Map<string, Value>();
  let inputInfo: OnnxConversion['input'] | null = null;
  for (const id of analysis.order) {
    const layer = byId.get(id)!;
    const outShape = analysis.layers[id].outputShape!;
    const params = resolveParams(layer);
    if (layer.type === 'Input') {
      const type: ElemType = params.dtype === 'int32' ? 'int32' : 'float32';
      const shape = dims(params.shape as Shape, 'd');
      const name = b.input(layer.name, type, shape);
      inputInfo = { name, type, shape };
      values.set(id, { name, shape: outShape, lengths: null, type });
      continue;
    }
    const convert = converters[layer.type];
    if (!convert) throw new OnnxExportError(`layer "${layer.name}" (${layer.type}) has no ONNX equivalent in this exporter; export the model as TF.js instead (--format tfjs)`);
    const inputs = graph.connections.filter((c) => c.to === id).sort((a, c) => a.toSlot - c.toSlot).map((c) => values.get(c.from)!);
    const result = convert({ b, layer, params, inputs, outShape, weights: input.weights.get(layer.name) ?? [] });
    values.set(id, { name: result.name, shape: outShape, lengths: result.lengths ?? null, type: 'float32' });
  }
  const out = values.get(analysis.outputs[0])!;
  // The graph output needs a tensor of its own (an Identity when the last layer was a pass-through).
  const outputName = out.name === inputInfo!.name ? b.op('Identity', [out.name], 'output') : out.name;
  const outputDims = dims(out.shape, 'o');
  b.output(outputName, out.type, outputDims);
  const bytes = b.encode({
    graphName: 'modelwright',
    producerVersion: input.producerVersion,
    docString: input.docString ?? '',
    metadata: input.metadata ?? {},
  });
  return { bytes, input: inputInfo!, output: { name: outputName, shape: outputDims } };
}
