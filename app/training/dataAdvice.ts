// Advice that fits the bound data: a layer the graph cannot shape (a Conv2D after a Dense, an LSTM on
// raw numbers) means something different on a table, on text and on images, and so does the fix.
import { getLayerDef, resolveParams } from '../graph/catalog.ts';
import { wordEmbeddingTypes } from '../graph/layers/common.ts';
import type { Graph, GraphAnalysis, GraphError, LayerNode } from '../graph/types.ts';
import type { ModelFix } from './modelFixes.ts';

export type DataKind = 'table' | 'text' | 'image';

/** What a problem says and offers when the data explains it better than the shape rule alone. */
export interface Advice {
  message: string;
  advice: string;
  fixes: ModelFix[];
}

const q = (l: LayerNode) => `"${l.name}"`;

/** Convolution, pooling and recurrent layers look at neighbours: pixels of an image or steps of a sequence. */
function neighbourKind(type: string): 'image' | 'sequence' | null {
  const def = getLayerDef(type);
  if (!def) return null;
  if (def.category === 'Recurrent' || type === 'Bidirectional') return 'sequence';
  if (def.category !== 'Convolution' && def.category !== 'Pooling' && type !== 'SpatialDropout1D') return null;
  return /1D$/.test(type) ? 'sequence' : 'image';
}

function isPooling(type: string): boolean {
  return getLayerDef(type)?.category === 'Pooling';
}

/** The layer feeding input 0 of `layer`, if any. */
function feeder(graph: Graph, layer: LayerNode): LayerNode | undefined {
  const c = graph.connections.find((x) => x.to === layer.id && x.toSlot === 0);
  return c ? graph.layers.find((l) => l.id === c.from) : undefined;
}

function removeFix(layer: LayerNode): ModelFix {
  return { label: `Remove ${q(layer)}`, actions: [{ kind: 'remove-layers', layerIds: [layer.id], bridge: true }] };
}

function denseInstead(layer: LayerNode): ModelFix {
  const p = resolveParams(layer);
  const inner = p.layer && typeof p.layer === 'object' && !Array.isArray(p.layer) ? p.layer.params : {};
  const width = [p.filters, p.units, inner.units].find((v) => typeof v === 'number' && v > 0) ?? 32;
  return {
    label: `Replace ${q(layer)} with a Dense layer (${width} units, relu)`,
    actions: [{ kind: 'replace-layer', layerId: layer.id, layer: { type: 'Dense', params: { units: width, activation: 'relu' } } }],
  };
}

/**
 * Whether the model reads text — an Input layer feeds a word embedding (Embedding, TokenAndPositionEmbedding),
 * so a CSV bound to it is read as sentences and labels, not as a table — and then how it wants it read: as
 * many word numbers as its Input holds and, when its embedding says, as many words as that knows. Null when
 * the model does not read text.
 */
export function textReadingOf(graph: Graph): { sequenceLength?: number; vocabSize?: number } | null {
  const byId = new Map(graph.layers.map((l) => [l.id, l]));
  for (const c of graph.connections) {
    const input = byId.get(c.from);
    const embedding = byId.get(c.to);
    if (input?.type !== 'Input' || !embedding || !wordEmbeddingTypes.has(embedding.type)) continue;
    const shape = resolveParams(input).shape;
    const params = resolveParams(embedding);
    // Embedding calls its vocabulary inputDim; TokenAndPositionEmbedding, vocabularySize.
    const vocab = params.inputDim ?? params.vocabularySize;
    const length = Array.isArray(shape) && shape.length === 1 && typeof shape[0] === 'number' && shape[0] >= 1 ? shape[0] : undefined;
    return { ...(length !== undefined ? { sequenceLength: length } : {}), ...(typeof vocab === 'number' && vocab >= 2 ? { vocabSize: vocab } : {}) };
  }
  return null;
}

/**
 * A table whose columns could be the pixels of square grey images (784 = 28×28, as in MNIST exported to
 * CSV): the one case where a Reshape in front of image layers is the right fix for table data.
 */
function pixelSide(graph: Graph, analysis: GraphAnalysis, columns: number | undefined): { side: number; inputId: string } | null {
  if (!columns || columns < 64) return null;
  const side = Math.round(Math.sqrt(columns));
  const inputId = analysis.inputs[0];
  if (side * side !== columns || !inputId || !graph.connections.some((c) => c.from === inputId)) return null;
  return { side, inputId };
}

function tableAdvice(graph: Graph, analysis: GraphAnalysis, layer: LayerNode, kind: 'image' | 'sequence', columns: number | undefined): Advice {
  const pixels = kind === 'image' ? pixelSide(graph, analysis, columns) : null;
  if (pixels && !isPooling(layer.type)) {
    const shape = [pixels.side, pixels.side, 1];
    return {
      message: `${layer.type} ${q(layer)} is for images, and the data is a table of ${columns} columns: if they are the pixels of ${pixels.side}×${pixels.side} images, the model must lay them out as an image first`,
      advice: `add a Reshape to [${shape.join(', ')}] after the Input if the columns are pixels; otherwise use a Dense layer instead`,
      fixes: [
        { label: `Add a Reshape to [${shape.join(', ')}] after the Input (the columns are pixels)`, actions: [{ kind: 'insert-after', layerId: pixels.inputId, layers: [{ type: 'Reshape', params: { targetShape: shape } }] }] },
        denseInstead(layer),
      ],
    };
  }
  const what = kind === 'image'
    ? 'is for images: it looks at neighbouring pixels'
    : 'is for sequences such as text or time series: it reads values in order, step by step';
  if (isPooling(layer.type)) {
    return {
      message: `${layer.type} ${q(layer)} ${what}, but the data is a table, whose columns have no neighbours or order to pool`,
      advice: 'remove it: a table model is Dense layers one after another',
      fixes: [removeFix(layer)],
    };
  }
  return {
    message: `${layer.type} ${q(layer)} ${what}, but the data is a table, whose columns have no neighbours or order`,
    advice: 'use a Dense layer instead: it combines all the columns of a row',
    fixes: [denseInstead(layer)],
  };
}

function textAdvice(graph: Graph, analysis: GraphAnalysis, layer: LayerNode, vocabSize: number | undefined): Advice | null {
  const input = graph.layers.find((l) => l.id === analysis.inputs[0]);
  if (!input || graph.layers.some((l) => wordEmbeddingTypes.has(l.type))) return null;
  const first = graph.connections.find((c) => c.from === input.id);
  const fixes: ModelFix[] = first ? [{
    label: 'Add an Embedding layer after the Input (word numbers → word vectors)',
    actions: [
      { kind: 'set-params', layerId: input.id, params: { dtype: 'int32' } },
      { kind: 'insert-after', layerId: input.id, layers: [{ type: 'Embedding', params: { inputDim: vocabSize ?? 2000, outputDim: 32 } }] },
    ],
  }] : [];
  return {
    message: `${layer.type} ${q(layer)} reads a sequence of word vectors, but the text arrives as one list of word numbers`,
    advice: 'put an Embedding layer right after the Input: it turns each word number into a vector the layer can read',
    fixes,
  };
}

function imageAdvice(graph: Graph, layer: LayerNode): Advice | null {
  const before = feeder(graph, layer);
  if (before?.type !== 'Flatten') return null;
  return {
    message: `${layer.type} ${q(layer)} looks at an image, but ${q(before)} before it has already laid the image out flat`,
    advice: `remove ${q(before)} here and flatten after the image layers, just before the first Dense layer`,
    fixes: [removeFix(before)],
  };
}

/**
 * Better words and a fix for a graph error, given what the data is; null when the shape rule's own
 * advice stands. The Reshape the shape rule may suggest is right only where no data says otherwise.
 */
export function adviceForData(graph: Graph, analysis: GraphAnalysis, error: GraphError, data: { kind?: DataKind; inputShape?: number[]; vocabSize?: number } | null): Advice | null {
  const kind = data?.kind;
  const layer = graph.layers.find((l) => l.id === error.layerId);
  if (!layer) return null;
  if (error.kind === 'shape' && layer.type === 'Flatten' && /already flat/.test(error.fix ?? '')) {
    return { message: `Flatten ${q(layer)} gets values that are already flat`, advice: 'remove it', fixes: [removeFix(layer)] };
  }
  if (error.kind === 'invalid-param' && error.param === 'dtype' && layer.type === 'Input') {
    if (kind === 'text') return textAdvice(graph, analysis, layer, data?.vocabSize);
    return {
      message: error.message,
      advice: 'set its number type to float32',
      fixes: [{ label: `Set ${q(layer)} to float32`, actions: [{ kind: 'set-params', layerId: layer.id, params: { dtype: 'float32' } }] }],
    };
  }
  if (error.kind !== 'shape' || !kind) return null;
  const looksAt = neighbourKind(layer.type);
  if (!looksAt) return null;
  if (kind === 'table') return tableAdvice(graph, analysis, layer, looksAt, data?.inputShape?.length === 1 ? data.inputShape[0] : undefined);
  if (kind === 'text' && looksAt === 'sequence') return textAdvice(graph, analysis, layer, data?.vocabSize);
  if (kind === 'image' && looksAt === 'image') return imageAdvice(graph, layer);
  return null;
}

/**
 * Text arrives as word numbers (1 = the most frequent word, ...); a layer that does arithmetic on them
 * treats "word 40" as twice "word 20". Without an Embedding the model trains, but on meaningless values.
 */
export function wordNumbersAdvice(graph: Graph, analysis: GraphAnalysis, vocabSize: number | undefined): (Advice & { layer: LayerNode }) | null {
  if (graph.layers.some((l) => wordEmbeddingTypes.has(l.type))) return null;
  const input = graph.layers.find((l) => l.id === analysis.inputs[0]);
  const first = input && graph.connections.find((c) => c.from === input.id);
  const reader = first && graph.layers.find((l) => l.id === first.to);
  if (!input || !reader) return null;
  return {
    layer: reader,
    message: `${reader.type} ${q(reader)} reads the text as word numbers, as if word 40 were twice word 20; the model trains, but on meaningless values`,
    advice: 'put an Embedding layer (and a pooling layer that averages the words) right after the Input',
    fixes: [{
      label: 'Add an Embedding and a GlobalAveragePooling1D layer after the Input',
      actions: [
        { kind: 'set-params', layerId: input.id, params: { dtype: 'int32' } },
        { kind: 'insert-after', layerId: input.id, layers: [{ type: 'Embedding', params: { inputDim: vocabSize ?? 2000, outputDim: 32 } }, { type: 'GlobalAveragePooling1D', params: {} }] },
      ],
    }],
  };
}
