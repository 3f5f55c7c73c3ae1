// Catalog: recurrent layers, which read a sequence step by step while keeping a memory, and the
// wrappers that run another layer in both directions or at every time step.
import type { WrappedLayer } from '../types.ts';
import {
  activationOptions,
  activationParam,
  expectKnown,
  expectMinRank,
  expectRank,
  fillDefaults,
  LayerProblem,
  useBiasParam,
  type LayerDef,
  type ParamDef,
} from './common.ts';
import { denseLayer } from './core.ts';

function recurrentLayer(type: 'SimpleRNN' | 'LSTM' | 'GRU', gates: number, description: string): LayerDef {
  const params: ParamDef[] = [
    {
      name: 'units', kind: 'int', label: 'Units', default: 32, required: true, min: 1, max: 100_000,
      help: 'Size of the memory carried from step to step, and of the output.',
    },
    activationParam('tanh', 'The function applied to the memory at each step; tanh is the usual choice.'),
  ];
  if (type !== 'SimpleRNN') {
    params.push({
      name: 'recurrentActivation', kind: 'enum', label: 'Gate activation', default: 'hardSigmoid', options: activationOptions, advanced: true,
      help: 'The function that opens and closes the gates deciding what to remember and forget; hardSigmoid or sigmoid.',
    });
  }
  params.push(
    {
      name: 'returnSequences', kind: 'bool', label: 'Output every step', default: false,
      help: 'On: output a value for every step (needed before another recurrent layer). Off: output only the final summary.',
    },
    {
      name: 'goBackwards', kind: 'bool', label: 'Read backwards', default: false, advanced: true,
      help: 'Read the sequence from its end to its start.',
    },
    {
      name: 'dropout', kind: 'float', label: 'Input dropout', default: 0, min: 0, max: 1, maxExclusive: true, advanced: true,
      help: 'Fraction of the inputs switched off at random during training.',
    },
    {
      name: 'recurrentDropout', kind: 'float', label: 'Memory dropout', default: 0, min: 0, max: 1, maxExclusive: true, advanced: true,
      help: 'Fraction of the memory connections switched off at random during training.',
    },
    useBiasParam,
  );
  if (type === 'LSTM') {
    params.push({
      name: 'unitForgetBias', kind: 'bool', label: 'Remember by default', default: false, advanced: true,
      help: 'Start training with the forget gate open, which often helps an LSTM learn long-range patterns.',
    });
  }
  return {
    type,
    category: 'Recurrent',
    description,
    minInputs: 1,
    maxInputs: 1,
    keyParams: ['units', 'returnSequences'],
    tfjsFactory: type === 'SimpleRNN' ? 'simpleRNN' : type.toLowerCase(),
    params,
    infer(inputs, p) {
      const [x] = inputs;
      expectRank(type, x, 2);
      const features = expectKnown(type, x, 1, 'features per step (last dimension)');
      const units = p.units as number;
      const weights = gates * (units * (features + units) + (p.useBias ? units : 0));
      return { shape: p.returnSequences ? [x[0], units] : [units], params: weights };
    },
  };
}

export const simpleRnnLayer = recurrentLayer('SimpleRNN', 1, 'Reads a sequence one step at a time, keeping a short memory of what came before.');
export const lstmLayer = recurrentLayer('LSTM', 4, 'Reads a sequence one step at a time with a long-term memory that learns what to keep and what to forget; good for text and time series.');
export const gruLayer = recurrentLayer('GRU', 3, 'A simpler, faster variant of LSTM that reads a sequence step by step with a learned memory.');

const recurrentDefs: Record<string, LayerDef> = { SimpleRNN: simpleRnnLayer, LSTM: lstmLayer, GRU: gruLayer };

/** The catalog definition of a wrapped layer, or a problem naming what is allowed. */
function wrappedDef(owner: string, value: WrappedLayer, allowed: Record<string, LayerDef>): LayerDef {
  const def = allowed[value.type];
  if (!def) {
    throw new LayerProblem('invalid-param', `${owner} can only wrap ${Object.keys(allowed).join(', ')}, not ${value.type}`);
  }
  return def;
}

export const bidirectionalLayer: LayerDef = {
  type: 'Bidirectional',
  category: 'Wrapper',
  description: 'Runs a recurrent layer over the sequence both forwards and backwards and combines the two, so each step sees what comes before and after it.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['layer', 'mergeMode'],
  tfjsFactory: 'bidirectional',
  params: [
    {
      name: 'layer', kind: 'layer', label: 'Recurrent layer', default: { type: 'LSTM', params: { units: 32 } }, required: true,
      options: ['LSTM', 'GRU', 'SimpleRNN'],
      help: 'The recurrent layer to run in both directions; its settings apply to both.',
    },
    {
      name: 'mergeMode', kind: 'enum', label: 'Combine by', default: 'concat', options: ['concat', 'sum', 'mul', 'ave'],
      help: '"concat" puts both results side by side (twice the units); "sum", "mul" and "ave" add, multiply or average them.',
    },
  ],
  infer(inputs, p) {
    const inner = p.layer as WrappedLayer;
    const def = wrappedDef('Bidirectional', inner, recurrentDefs);
    const one = def.infer(inputs, fillDefaults(def, inner.params));
    const shape = one.shape.slice();
    if (p.mergeMode === 'concat') shape[shape.length - 1] = (shape[shape.length - 1] as number) * 2;
    return { shape, params: 2 * one.params };
  },
};

export const timeDistributedLayer: LayerDef = {
  type: 'TimeDistributed',
  category: 'Wrapper',
  description: 'Applies the same Dense layer separately to every step of a sequence.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['layer'],
  tfjsFactory: 'timeDistributed',
  params: [{
    name: 'layer', kind: 'layer', label: 'Layer', default: { type: 'Dense', params: { units: 32 } }, required: true, options: ['Dense'],
    help: 'The layer applied at every step; the same weights are used for all steps.',
  }],
  infer(inputs, p) {
    const [x] = inputs;
    expectMinRank('TimeDistributed', x, 2, 'give it a sequence [steps, features], e.g. from a recurrent layer with "Output every step" on');
    const inner = p.layer as WrappedLayer;
    const def = wrappedDef('TimeDistributed', inner, { Dense: denseLayer });
    const one = def.infer([x.slice(1)], fillDefaults(def, inner.params));
    return { shape: [x[0], ...one.shape], params: one.params };
  },
};

export const recurrentLayers: LayerDef[] = [simpleRnnLayer, lstmLayer, gruLayer];
export const wrapperLayers: LayerDef[] = [bidirectionalLayer, timeDistributedLayer];
