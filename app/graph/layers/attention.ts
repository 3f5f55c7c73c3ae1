// Catalog: attention and positional layers, the parts Transformers are drawn from. Shapes and weight
// counts follow Keras's MultiHeadAttention (four EinsumDense projections) and keras_hub's
// PositionEmbedding and TokenAndPositionEmbedding (with SinePositionEncoding's waves as an option).
import type { Shape } from '../types.ts';
import { expectKnown, formatShape, LayerProblem, product, type LayerDef, type ResolvedParams } from './common.ts';

/** Attention axes as indexes into a batch-less shape of `rank` dimensions (the last one is the features). */
export function attentionAxesOf(value: unknown, rank: number): number[] {
  if (value === null || value === undefined) return Array.from({ length: rank - 1 }, (_, i) => i);
  const list = typeof value === 'number' ? [value] : (value as number[]);
  return [...new Set(list.map((a) => a - 1))].sort((a, b) => a - b);
}

/** `outputShape` as a list of sizes, or null for "the query's width". */
export function outputShapeOf(value: unknown): number[] | null {
  if (value === null || value === undefined) return null;
  return typeof value === 'number' ? [value] : (value as number[]).slice();
}

const mhaFix = 'give the query, value and key the same number of dimensions, e.g. all [steps, features]';

/**
 * MultiHeadAttention's inputs (query, value, key) to apply the TF.js layer to, without a trailing value
 * that is the query or key that is the value: the layer defaults them so (self-attention is `mha(x)`, the
 * same computation and weights as `mha(x, x)`).
 * One tensor listed twice in a layer's inputs breaks tfjs-layers' inference executor (model.predict,
 * evaluate, validation): it counts a tensor's consumers as distinct layers but decrements the count once
 * per input slot, so it disposes the tensor while another layer still needs it ("Tensor is disposed",
 * on any backend).
 */
export function withoutDefaultedInputs<T>(inputs: T[]): T[] {
  const [query, value, key] = inputs;
  if (inputs.length === 3 && key === value) return withoutDefaultedInputs([query, value]);
  if (inputs.length === 2 && value === query) return [query];
  return inputs;
}

/** Output shape and weight count of Keras's MultiHeadAttention for query, value and (optional) key shapes. */
function inferAttention(inputs: Shape[], p: ResolvedParams): { shape: Shape; params: number } {
  const [query, value = query, key = value] = inputs;
  const rank = query.length;
  if (rank < 2) {
    throw new LayerProblem('shape', `MultiHeadAttention needs a sequence [steps, features] (or more dimensions) as its query but gets ${formatShape(query)}`,
      'add an Embedding or a Reshape (e.g. [steps, 1]) before it');
  }
  for (const [what, s] of [['value', value], ['key', key]] as const) {
    if (s.length !== rank) {
      throw new LayerProblem('shape', `MultiHeadAttention's ${what} ${formatShape(s)} must have as many dimensions as its query ${formatShape(query)}`, mhaFix);
    }
  }
  const axes = attentionAxesOf(p.attentionAxes, rank);
  if (axes.some((a) => a < 0 || a >= rank - 1)) {
    throw new LayerProblem('invalid-param', `MultiHeadAttention's attention axes ${JSON.stringify(p.attentionAxes)} must be between 1 and ${rank - 1} for a query ${formatShape(query)} (the last dimension holds the features)`,
      'leave attentionAxes empty to attend over every position');
  }
  for (let i = 0; i < rank - 1; i++) {
    if (axes.includes(i)) {
      if (key[i] !== null && value[i] !== null && key[i] !== value[i]) {
        throw new LayerProblem('merge-shape', `MultiHeadAttention's key ${formatShape(key)} and value ${formatShape(value)} must have the same number of positions`, 'connect the same layer to value and key, or leave the key unconnected');
      }
    } else if (query[i] !== null && value[i] !== null && query[i] !== value[i]) {
      throw new LayerProblem('merge-shape', `MultiHeadAttention's query ${formatShape(query)} and value ${formatShape(value)} must match in dimension ${i + 1}, which is not an attention axis`, mhaFix);
    }
  }
  if (p.useCausalMask && (rank !== 2 || axes.length !== 1)) {
    throw new LayerProblem('invalid-param', `MultiHeadAttention's causal mask works on a sequence [steps, features], but the query is ${formatShape(query)}`, 'turn useCausalMask off, or Reshape the input into [steps, features]');
  }
  const dq = expectKnown('MultiHeadAttention', query, rank - 1, 'features (last dimension) of the query');
  const dv = expectKnown('MultiHeadAttention', value, rank - 1, 'features (last dimension) of the value');
  const dk = expectKnown('MultiHeadAttention', key, rank - 1, 'features (last dimension) of the key');
  const heads = p.numHeads as number;
  const keyDim = p.keyDim as number;
  const valueDim = (p.valueDim as number | null) ?? keyDim;
  const out = outputShapeOf(p.outputShape) ?? [dq];
  const bias = p.useBias ? 1 : 0;
  const params =
    (dq + bias) * heads * keyDim +
    (dk + bias) * heads * keyDim +
    (dv + bias) * heads * valueDim +
    heads * valueDim * product(out) + bias * product(out);
  return { shape: [...query.slice(0, -1), ...out], params };
}

export const multiHeadAttentionLayer: LayerDef = {
  type: 'MultiHeadAttention',
  category: 'Attention',
  description: 'Lets every position of a sequence look at every other position and take in what is relevant to it, the heart of a Transformer: connect one input for self-attention, or a query, a value and optionally a key.',
  minInputs: 1,
  maxInputs: 3,
  keyParams: ['numHeads', 'keyDim'],
  inputNames: ['query', 'value', 'key'],
  params: [
    {
      name: 'numHeads', kind: 'int', label: 'Heads', default: 2, required: true, min: 1, max: 256,
      help: 'How many attention patterns are learned side by side; each head can look for a different kind of relation. 2 to 8 is typical.',
    },
    {
      name: 'keyDim', kind: 'int', label: 'Key size', default: 16, required: true, min: 1, max: 4096,
      help: 'How many numbers each head uses to compare positions (per head). Often the feature size divided by the number of heads.',
    },
    {
      name: 'valueDim', kind: 'int', label: 'Value size', default: null, nullable: true, nullMeaning: 'same as the key size', min: 1, max: 4096, advanced: true,
      help: 'How many numbers each head passes on per position. Empty means the same as the key size.',
    },
    {
      name: 'dropout', kind: 'float', label: 'Attention dropout', default: 0, min: 0, max: 1, maxExclusive: true, advanced: true,
      help: 'Fraction of attention links dropped at random while training, against overfitting. 0 keeps them all.',
    },
    {
      name: 'useBias', kind: 'bool', label: 'Use bias', default: true, advanced: true,
      help: 'Adds a learned offset to each of the four projections (query, key, value and output).',
    },
    {
      name: 'outputShape', kind: 'intList', label: 'Output size', default: null, nullable: true, nullMeaning: "the query's feature size", scalarOk: true, min: 1, minLength: 1, maxLength: 3, advanced: true,
      help: 'Size of the output features of each position. Empty keeps the query\'s feature size, so the result can be added back to the query (a residual connection).',
    },
    {
      name: 'attentionAxes', kind: 'intList', label: 'Attention axes', default: null, nullable: true, nullMeaning: 'every axis except the features', scalarOk: true, min: 1, minLength: 1, maxLength: 5, advanced: true,
      help: 'Which dimensions hold the positions that attend to each other, counting from 1 (e.g. 1 for the steps of [steps, features]). Empty means all but the last.',
    },
    {
      name: 'useCausalMask', kind: 'bool', label: 'Causal mask', default: false, advanced: true,
      help: 'When on, each position only looks at itself and earlier positions, never later ones (for models that predict what comes next).',
    },
  ],
  infer(inputs, p) {
    return inferAttention(inputs, p);
  },
};

function sequenceInput(type: string, shape: Shape, fix: string): void {
  if (shape.length < 2) throw new LayerProblem('shape', `${type} needs a sequence [steps, features] but gets ${formatShape(shape)}`, fix);
}

function positionsFit(type: string, shape: Shape, sequenceLength: number): void {
  const steps = shape[shape.length - 2];
  if (steps !== null && steps > sequenceLength) {
    throw new LayerProblem('shape', `${type} knows ${sequenceLength} positions but its input ${formatShape(shape)} has ${steps} steps`, `set sequenceLength to at least ${steps}`);
  }
}

const sequenceLengthParam = {
  name: 'sequenceLength', kind: 'int', label: 'Positions', default: 32, required: true, min: 1, max: 100_000,
  help: 'The longest sequence this layer has positions for (at least the number of steps coming in). Sine waves ignore it: they fit any length.',
} as const;

/** Learned position vectors or keras_hub's SinePositionEncoding waves, for both position layers. */
const positionEncodingParam = {
  name: 'positionEncoding', kind: 'enum', label: 'Position encoding', default: 'learned', options: ['learned', 'sinusoidal'],
  help: 'How positions are told apart. "learned" trains one vector per position; "sinusoidal" uses fixed sine and cosine waves of different lengths instead (nothing to learn, works for any length).',
} as const;

/** True when the layer trains a position table; false for the fixed sine waves. */
function learnsPositions(p: ResolvedParams): boolean {
  return p.positionEncoding !== 'sinusoidal';
}

export const positionEmbeddingLayer: LayerDef = {
  type: 'PositionEmbedding',
  category: 'Embedding',
  description: 'Gives one list of numbers per position (first word, second word, ...), learned or fixed sine waves, for the incoming sequence; add them to the word vectors with an Add layer so the model knows word order.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['sequenceLength', 'positionEncoding'],
  params: [sequenceLengthParam, positionEncodingParam],
  infer(inputs, p) {
    const [x] = inputs;
    sequenceInput('PositionEmbedding', x, 'put it after an Embedding layer');
    const learned = learnsPositions(p);
    if (learned) positionsFit('PositionEmbedding', x, p.sequenceLength as number);
    const d = expectKnown('PositionEmbedding', x, x.length - 1, 'features (last dimension)');
    return { shape: x.slice(), params: learned ? (p.sequenceLength as number) * d : 0 };
  },
};

export const tokenAndPositionEmbeddingLayer: LayerDef = {
  type: 'TokenAndPositionEmbedding',
  category: 'Embedding',
  description: 'Turns word numbers into learned vectors and adds a vector for each word\'s position, so that the layers after it (such as attention) know both the words and their order.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['vocabularySize', 'embeddingDim'],
  params: [
    {
      name: 'vocabularySize', kind: 'int', label: 'Vocabulary size', default: 1000, required: true, min: 1, max: 10_000_000,
      help: 'How many different word numbers can come in: the largest number plus one.',
    },
    sequenceLengthParam,
    {
      name: 'embeddingDim', kind: 'int', label: 'Vector size', default: 32, required: true, min: 1, max: 100_000,
      help: 'How many numbers describe each word (and each position). 16 to 256 is typical.',
    },
    positionEncodingParam,
  ],
  infer(inputs, p) {
    const [x] = inputs;
    if (x.length !== 1) {
      throw new LayerProblem('shape', `TokenAndPositionEmbedding needs a list of word numbers [steps] but gets ${formatShape(x)}`, 'connect it straight after an int32 Input of shape [steps]');
    }
    const dim = p.embeddingDim as number;
    const learned = learnsPositions(p);
    if (learned) positionsFit('TokenAndPositionEmbedding', [...x, dim], p.sequenceLength as number);
    return { shape: [x[0], dim], params: (p.vocabularySize as number) * dim + (learned ? (p.sequenceLength as number) * dim : 0) };
  },
};

export const attentionLayers: LayerDef[] = [multiHeadAttentionLayer];
export const positionLayers: LayerDef[] = [positionEmbeddingLayer, tokenAndPositionEmbeddingLayer];
