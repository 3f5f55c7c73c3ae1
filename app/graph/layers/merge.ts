// Catalog: merge layers, which combine several branches of a model into one.
import type { Shape } from '../types.ts';
import { axisIndex, formatShape, LayerProblem, type LayerDef } from './common.ts';

function listShapes(inputs: Shape[]): string {
  const s = inputs.map(formatShape);
  return s.length === 2 ? `${s[0]} and ${s[1]}` : `${s.slice(0, -1).join(', ')} and ${s[s.length - 1]}`;
}

/**
 * Element-wise merge shape as TF.js computes it (Merge.computeElementwiseOpOutputShape): sizes must
 * match or be 1. Different ranks are refused outright: TF.js would line them up in a way
 * (expanding at axis 1) that seldom means what the user wants.
 */
function elementwiseShape(type: string, inputs: Shape[]): Shape {
  const rank = inputs[0].length;
  const fix = 'make the branches end in the same shape, e.g. give the last Dense layers of both branches the same number of units';
  if (inputs.some((s) => s.length !== rank)) {
    throw new LayerProblem('merge-shape', `${type} needs inputs of the same shape but gets ${listShapes(inputs)}`, fix);
  }
  let out: Shape = inputs[0].slice();
  for (const s of inputs.slice(1)) {
    const next: Shape = [];
    for (let k = 0; k < rank; k++) {
      const i = out[k];
      const j = s[k];
      if (i === null || j === null) next.push(null);
      else if (i === 1) next.push(j);
      else if (j === 1 || i === j) next.push(i);
      else throw new LayerProblem('merge-shape', `${type} needs inputs of the same shape but gets ${listShapes(inputs)}`, fix);
    }
    out = next;
  }
  return out;
}

function elementwiseLayer(type: string, description: string, maxInputs = Infinity): LayerDef {
  return {
    type,
    category: 'Merge',
    description,
    minInputs: 2,
    maxInputs,
    keyParams: [],
    // Subtract has no tf.layers factory; buildModel supplies its own layer class.
    tfjsFactory: type === 'Subtract' ? undefined : type.toLowerCase(),
    params: [],
    infer(inputs) {
      return { shape: elementwiseShape(type, inputs), params: 0 };
    },
  };
}

export const addLayer = elementwiseLayer('Add', 'Adds its inputs value by value, e.g. to join a shortcut (residual) connection back in.');
export const subtractLayer = elementwiseLayer('Subtract', 'Subtracts its second input from its first, value by value.', 2);
export const multiplyLayer = elementwiseLayer('Multiply', 'Multiplies its inputs value by value, e.g. to let one branch act as a gate on another.');
export const averageLayer = elementwiseLayer('Average', 'Averages its inputs value by value, e.g. to combine the answers of several branches.');
export const maximumLayer = elementwiseLayer('Maximum', 'Keeps the largest of its inputs at each position.');

export const concatenateLayer: LayerDef = {
  type: 'Concatenate',
  category: 'Merge',
  description: 'Joins its inputs side by side into one longer list of values, e.g. to combine features from different branches.',
  minInputs: 2,
  maxInputs: Infinity,
  keyParams: ['axis'],
  tfjsFactory: 'concatenate',
  params: [{
    // TF.js joins along the last axis for every negative axis (tfjs_backend.ts concatenate), so -1 is the only negative one allowed.
    name: 'axis', kind: 'int', label: 'Axis', default: -1, min: -1, max: 6, advanced: true,
    help: 'The dimension along which inputs are joined: -1 is the last one (features or channels) and is almost always right; 1, 2, ... count from the first.',
  }],
  checkParams(p) {
    return p.axis === 0 ? { param: 'axis', message: 'Axis 0 is the batch; inputs cannot be joined along it', fix: 'use -1 (the last dimension)' } : null;
  },
  infer(inputs, p) {
    const rank = inputs[0].length;
    const axis = p.axis as number;
    const i = axisIndex(axis, rank);
    if (i === null) {
      throw new LayerProblem('shape', `Concatenate's axis ${axis} does not exist in its inputs ${listShapes(inputs)}`, `use -1 or a number from 1 to ${rank}`);
    }
    const matches = inputs.every((s) => s.length === rank && s.every((d, k) => k === i || d === inputs[0][k]));
    if (!matches) {
      throw new LayerProblem('merge-shape',
        `Concatenate needs inputs that match in every dimension except the joined one (${axis === -1 ? 'the last' : `axis ${axis}`}) but gets ${listShapes(inputs)}`,
        rank > 1 ? 'make the other dimensions equal, e.g. with the same pooling or a Reshape, or Flatten the branches first' : undefined);
    }
    const out = inputs[0].slice();
    out[i] = inputs.some((s) => s[i] === null) ? null : inputs.reduce((sum, s) => sum + (s[i] as number), 0);
    return { shape: out, params: 0 };
  },
};

export const mergeLayers: LayerDef[] = [addLayer, subtractLayer, multiplyLayer, averageLayer, maximumLayer, concatenateLayer];
