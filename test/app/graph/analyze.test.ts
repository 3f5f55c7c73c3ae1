// analyzeGraph: one test per error kind (message text and the layer it is attached to), branching
// and merging graphs, totals, and the rule that one problem does not drown its successors in noise.
import { describe, expect, it } from 'vitest';
import { analyzeGraph, isValidLayerName, suggestLayerName } from '../../../app/graph/analyze.ts';
import type { Graph, GraphError, ParamValue } from '../../../app/graph/types.ts';

type L = [id: string, type: string, params?: Record<string, ParamValue>];
type E = [from: string, to: string, slot?: number];

/** A graph whose layer names equal their ids. */
function graph(layers: L[], edges: E[]): Graph {
  return {
    layers: layers.map(([id, type, params]) => ({ id, type, name: id, params: params ?? {} })),
    connections: edges.map(([from, to, toSlot]) => ({ from, to, toSlot: toSlot ?? 0 })),
  };
}

/** A straight line of layers, each feeding the next. */
function chain(...layers: L[]): Graph {
  return graph(layers, layers.slice(1).map((l, i) => [layers[i][0], l[0]]));
}

function only(errors: GraphError[]): GraphError {
  expect(errors).toHaveLength(1);
  return errors[0];
}

describe('analyzeGraph on valid graphs', () => {
  it('infers a CNN for digits, with totals and weight bytes', () => {
    const a = analyzeGraph(chain(
      ['in', 'Input', { shape: [28, 28, 1] }],
      ['conv', 'Conv2D', { filters: 32, kernelSize: 3, activation: 'relu' }],
      ['pool', 'MaxPooling2D'],
      ['bn', 'BatchNormalization'],
      ['flat', 'Flatten'],
      ['drop', 'Dropout', { rate: 0.25 }],
      ['out', 'Dense', { units: 10, activation: 'softmax' }],
    ));
    expect(a.errors).toEqual([]);
    expect(a.valid).toBe(true);
    expect(a.layers.conv.outputShape).toEqual([26, 26, 32]);
    expect(a.layers.pool.outputShape).toEqual([13, 13, 32]);
    expect(a.layers.flat.outputShape).toEqual([13 * 13 * 32]);
    expect(a.layers.out.outputShape).toEqual([10]);
    expect(a.layers.out.inputShapes).toEqual([[5408]]);
    // conv 3·3·1·32+32, bn 4·32 (2·32 of them moving statistics), dense 5408·10+10.
    expect(a.layers.bn.params).toBe(128);
    expect(a.layers.bn.trainableParams).toBe(64);
    expect(a.totalParams).toBe(320 + 128 + 54090);
    expect(a.trainableParams).toBe(320 + 64 + 54090);
    expect(a.weightBytes).toBe(a.totalParams * 4);
    expect(a.inputs).toEqual(['in']);
    expect(a.outputs).toEqual(['out']);
    expect(a.order).toEqual(['in', 'conv', 'pool', 'bn', 'flat', 'drop', 'out']);
  });

  it('handles two inputs, a residual branch and two outputs, with merge inputs in slot order', () => {
    const a = analyzeGraph(graph(
      [
        ['text', 'Input', { shape: [20] }],
        ['meta', 'Input', { shape: [5] }],
        ['emb', 'Embedding', { inputDim: 100, outputDim: 8 }],
        ['gru', 'GRU', { units: 6 }],
        ['m', 'Dense', { units: 6 }],
        ['res', 'Add'],
        ['cat', 'Concatenate'],
        ['label', 'Dense', { units: 3, activation: 'softmax' }],
        ['score', 'Dense', { units: 1 }],
      ],
      [['text', 'emb'], ['emb', 'gru'], ['meta', 'm'], ['gru', 'res', 0], ['m', 'res', 1], ['res', 'cat', 1], ['meta', 'cat', 0], ['cat', 'label'], ['res', 'score']],
    ));
    expect(a.errors).toEqual([]);
    expect(a.inputs).toEqual(['text', 'meta']);
    expect(a.outputs).toEqual(['label', 'score']);
    expect(a.layers.res.outputShape).toEqual([6]);
    // Slot 0 is meta ([5]), slot 1 is res ([6]): the order of inputShapes follows the slots.
    expect(a.layers.cat.inputShapes).toEqual([[5], [6]]);
    expect(a.layers.cat.outputShape).toEqual([11]);
    expect(a.layers.gru.params).toBe(3 * (6 * (8 + 6) + 6));
    const order = a.order;
    expect(order.indexOf('res')).toBeGreaterThan(order.indexOf('gru'));
    expect(order.indexOf('res')).toBeGreaterThan(order.indexOf('m'));
    expect(order.indexOf('label')).toBeGreaterThan(order.indexOf('cat'));
  });

  it('keeps sizes unknown at run time as null through the graph', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [null, 4] }], ['conv', 'Conv1D', { filters: 2, kernelSize: 3 }], ['pool', 'GlobalMaxPooling1D'], ['out', 'Dense', { units: 1 }]));
    expect(a.errors).toEqual([]);
    expect(a.layers.conv.outputShape).toEqual([null, 2]);
    expect(a.layers.out.outputShape).toEqual([1]);
  });

  it('validates a 1,000-layer graph quickly', () => {
    const layers: L[] = [['in', 'Input', { shape: [16] }]];
    for (let i = 0; i < 999; i++) layers.push([`d${i}`, 'Dense', { units: 16, activation: 'relu' }]);
    const g = chain(...layers);
    analyzeGraph(g);
    const t = performance.now();
    const a = analyzeGraph(g);
    const ms = performance.now() - t;
    expect(a.valid).toBe(true);
    expect(a.totalParams).toBe(999 * (16 * 16 + 16));
    // Generous bound for a shared 2-core machine; the benchmark reports the real number.
    expect(ms).toBeLessThan(250);
  });
});

describe('analyzeGraph errors, one per kind', () => {
  it('cycle: names the layers of the loop, on the first of them', () => {
    const a = analyzeGraph(graph(
      [['in', 'Input', { shape: [4] }], ['a', 'Add'], ['b', 'Dense', { units: 4 }], ['c', 'Dense', { units: 4 }], ['out', 'Dense', { units: 1 }]],
      [['in', 'a', 0], ['c', 'a', 1], ['a', 'b'], ['b', 'c'], ['c', 'out']],
    ));
    const e = only(a.errors);
    expect(e).toMatchObject({ kind: 'cycle', layerId: 'a', message: '"a", "b" and "c" form a loop; data must flow one way, from the inputs to the outputs', fix: 'remove one of the connections in the loop' });
    expect(a.order).toEqual([]);
    expect(a.layers.out.outputShape).toBeNull();
  });

  it('cycle: a layer connected to itself', () => {
    const a = analyzeGraph(graph([['in', 'Input', { shape: [4] }], ['a', 'Add'], ['out', 'Dense', { units: 1 }]], [['in', 'a', 0], ['a', 'a', 1], ['a', 'out']]));
    expect(only(a.errors)).toMatchObject({ kind: 'cycle', layerId: 'a', message: '"a" is connected to itself; data must flow one way, from the inputs to the outputs' });
  });

  it('missing-layer: a connection to a layer that does not exist', () => {
    const g = chain(['in', 'Input', { shape: [4] }], ['out', 'Dense', { units: 1 }]);
    g.connections.push({ from: 'out', to: 'ghost', toSlot: 0 });
    const e = only(analyzeGraph(g).errors);
    expect(e).toMatchObject({ kind: 'missing-layer', layerId: 'out', message: 'A connection out of "out" goes to a layer that does not exist (id "ghost")', fix: 'delete that connection' });
  });

  it('no-input', () => {
    const a = analyzeGraph(graph([['a', 'Dense', { units: 2 }]], []));
    expect(a.errors[0]).toEqual({ kind: 'no-input', message: 'The model has no Input layer, so it has nowhere to take data from', fix: 'add an Input layer and connect it to the first layer' });
    expect(a.valid).toBe(false);
  });

  it('no-output: only an Input layer', () => {
    const a = analyzeGraph(graph([['in', 'Input', { shape: [3] }]], []));
    expect(a.errors.map((e) => e.kind)).toEqual(['no-output', 'disconnected']);
    expect(a.errors[0].message).toBe('The model has no layers after its input, so it produces nothing');
    expect(a.errors[0].layerId).toBeUndefined();
  });

  it('disconnected: a layer not connected to anything, and an unused Input', () => {
    const a = analyzeGraph(graph(
      [['in', 'Input', { shape: [4] }], ['out', 'Dense', { units: 1 }], ['stray', 'Dropout', { rate: 0.1 }], ['in2', 'Input', { shape: [2] }]],
      [['in', 'out']],
    ));
    expect(a.errors).toEqual([
      { kind: 'disconnected', layerId: 'stray', layerName: 'stray', message: 'Dropout "stray" is not connected to anything', fix: 'connect it between other layers, or delete it' },
      { kind: 'disconnected', layerId: 'in2', layerName: 'in2', message: 'Input layer "in2" is not connected to any layer', fix: 'connect it to a layer, or delete it' },
    ]);
  });

  it('merge-shape: Add of two different sizes, on the Add', () => {
    const a = analyzeGraph(graph(
      [['in', 'Input', { shape: [8] }], ['a', 'Dense', { units: 32 }], ['b', 'Dense', { units: 16 }], ['sum', 'Add'], ['out', 'Dense', { units: 1 }]],
      [['in', 'a'], ['in', 'b'], ['a', 'sum', 0], ['b', 'sum', 1], ['sum', 'out']],
    ));
    const e = only(a.errors);
    expect(e).toMatchObject({ kind: 'merge-shape', layerId: 'sum', message: 'Add needs inputs of the same shape but gets [32] and [16]' });
    expect(e.fix).toContain('same number of units');
    expect(a.layers.out.outputShape).toBeNull();
  });

  it('merge-shape: Concatenate of images of different sizes', () => {
    const a = analyzeGraph(graph(
      [['x', 'Input', { shape: [8, 8, 3] }], ['y', 'Input', { shape: [4, 4, 3] }], ['cat', 'Concatenate']],
      [['x', 'cat', 0], ['y', 'cat', 1]],
    ));
    expect(only(a.errors)).toMatchObject({
      kind: 'merge-shape', layerId: 'cat',
      message: 'Concatenate needs inputs that match in every dimension except the joined one (the last) but gets [8, 8, 3] and [4, 4, 3]',
    });
  });

  it('invalid-param: names the parameter, with the allowed range', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 0 }], ['out', 'Dense', { units: 1 }]));
    expect(only(a.errors)).toMatchObject({ kind: 'invalid-param', layerId: 'd', param: 'units', message: 'Units must be a whole number from 1 to 1000000, but is 0' });
    expect(a.layers.out.outputShape).toBeNull();
  });

  it('invalid-param: a combination TF.js refuses (strides with dilation)', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [28, 28, 1] }], ['c', 'Conv2D', { filters: 4, kernelSize: 3, strides: 2, dilationRate: 2 }]));
    expect(only(a.errors)).toMatchObject({ kind: 'invalid-param', param: 'dilationRate', message: 'Dilation above 1 cannot be combined with strides above 1', fix: 'set either strides or dilation to 1' });
  });

  it('invalid-param: whole-number (int32) input into anything but an Embedding', () => {
    const bad = analyzeGraph(chain(['in', 'Input', { shape: [4], dtype: 'int32' }], ['d', 'Dense', { units: 1 }]));
    expect(only(bad.errors)).toMatchObject({
      kind: 'invalid-param', layerId: 'in', param: 'dtype',
      message: 'Input "in" gives whole numbers (int32), which only an Embedding layer can take, but it feeds Dense "d"',
    });
    expect(analyzeGraph(chain(['in', 'Input', { shape: [4], dtype: 'int32' }], ['e', 'Embedding', { inputDim: 9, outputDim: 2 }])).errors).toEqual([]);
  });

  it('kernel-too-large: a kernel and a pool bigger than their input', () => {
    const k = analyzeGraph(chain(['in', 'Input', { shape: [4, 4, 1] }], ['c', 'Conv2D', { filters: 4, kernelSize: 5 }]));
    expect(only(k.errors)).toMatchObject({
      kind: 'kernel-too-large', layerId: 'c', message: "Conv2D's kernel (5×5) is larger than its input [4, 4, 1]",
      fix: 'use a smaller kernelSize, set padding to "same", or remove a pooling step before it',
    });
    const p = analyzeGraph(chain(['in', 'Input', { shape: [3, 8] }], ['p', 'MaxPooling1D', { poolSize: 4 }]));
    expect(only(p.errors)).toMatchObject({ kind: 'kernel-too-large', layerId: 'p', message: "MaxPooling1D's pool (4) is larger than its input [3, 8]" });
    // With "same" padding the window always fits.
    expect(analyzeGraph(chain(['in', 'Input', { shape: [3, 8] }], ['p', 'MaxPooling1D', { poolSize: 4, padding: 'same' }])).errors).toEqual([]);
  });

  it('unknown-type', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [4] }], ['q', 'QuantumLayer'], ['out', 'Dense', { units: 1 }]));
    expect(only(a.errors)).toMatchObject({ kind: 'unknown-type', layerId: 'q', message: '"QuantumLayer" is not a layer type Modelwright knows', fix: 'replace it with a layer from the palette' });
    expect(a.layers.out.outputShape).toBeNull();
  });

  it('shape: the Conv2D-on-a-flat-input message', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [13] }], ['conv', 'Conv2D', { filters: 8, kernelSize: 3 }], ['f', 'Flatten'], ['out', 'Dense', { units: 2 }]));
    const e = only(a.errors);
    expect(e).toMatchObject({ kind: 'shape', layerId: 'conv', layerName: 'conv' });
    expect(`${e.message}; ${e.fix}`).toBe('Conv2D needs an image-shaped input [height, width, channels] but gets [13]; add a Reshape layer before it');
  });

  it('shape: Reshape to a different number of values', () => {
    const a = analyzeGraph(chain(['in', 'Input', { shape: [10] }], ['r', 'Reshape', { targetShape: [3, 3] }]));
    expect(only(a.errors)).toMatchObject({ kind: 'shape', message: "Reshape can't turn [10] (10 values) into [3, 3] (9 values)", fix: 'choose a target shape whose sizes multiply to 10' });
  });

  it('input-count: too few, too many, none, and a doubly used slot', () => {
    const few = analyzeGraph(graph([['in', 'Input', { shape: [4] }], ['add', 'Add']], [['in', 'add']]));
    expect(only(few.errors)).toMatchObject({ kind: 'input-count', layerId: 'add', message: 'Add combines at least 2 inputs but "add" has only 1' });

    const many = analyzeGraph(graph([['a', 'Input', { shape: [4] }], ['b', 'Input', { shape: [4] }], ['d', 'Dense', { units: 1 }]], [['a', 'd', 0], ['b', 'd', 1]]));
    expect(only(many.errors)).toMatchObject({ kind: 'input-count', layerId: 'd', message: 'Dense takes one input but "d" has 2 connected', fix: 'join the branches first with a merge layer such as Concatenate or Add' });

    const none = analyzeGraph(graph([['in', 'Input', { shape: [4] }], ['x', 'Dense', { units: 2 }], ['out', 'Dense', { units: 1 }], ['y', 'Dense', { units: 1 }]], [['x', 'out'], ['in', 'y']]));
    expect(only(none.errors)).toMatchObject({ kind: 'input-count', layerId: 'x', message: 'Dense "x" has no input, so nothing flows into it' });

    const twice = analyzeGraph(graph([['a', 'Input', { shape: [4] }], ['b', 'Input', { shape: [4] }], ['add', 'Add']], [['a', 'add', 0], ['b', 'add', 0]]));
    expect(only(twice.errors)).toMatchObject({ kind: 'input-count', layerId: 'add', message: 'Add "add" has two connections into its input 1; each input takes one connection' });

    const sub = analyzeGraph(graph([['a', 'Input', { shape: [4] }], ['b', 'Input', { shape: [4] }], ['c', 'Input', { shape: [4] }], ['s', 'Subtract']], [['a', 's', 0], ['b', 's', 1], ['c', 's', 2]]));
    expect(only(sub.errors)).toMatchObject({ kind: 'input-count', message: 'Subtract takes 2 inputs but "s" has 3 connected' });
  });

  it('duplicate-name, on the second layer with the name', () => {
    const g = chain(['in', 'Input', { shape: [4] }], ['d1', 'Dense', { units: 2 }], ['d2', 'Dense', { units: 1 }]);
    g.layers[2].name = 'd1';
    expect(only(analyzeGraph(g).errors)).toMatchObject({ kind: 'duplicate-name', layerId: 'd2', layerName: 'd1', message: 'Two layers are named "d1"; every layer needs its own name', fix: 'rename one of them' });
  });

  it('invalid-name: a name TF.js cannot use for weights', () => {
    const g = chain(['in', 'Input', { shape: [4] }], ['d', 'Dense', { units: 2 }]);
    g.layers[1].name = 'my layer';
    expect(only(analyzeGraph(g).errors)).toMatchObject({ kind: 'invalid-name', layerId: 'd', fix: 'rename it, e.g. to "dense"' });
  });

  it('does not cascade: one bad layer, no errors on the layers after it', () => {
    const a = analyzeGraph(chain(
      ['in', 'Input', { shape: [13] }], ['conv', 'Conv2D', { filters: 8 }], ['pool', 'MaxPooling2D'], ['flat', 'Flatten'], ['out', 'Dense', { units: 2 }],
    ));
    expect(a.errors.map((e) => e.layerId)).toEqual(['conv']);
    expect(['conv', 'pool', 'flat', 'out'].map((id) => a.layers[id].outputShape)).toEqual([null, null, null, null]);
    expect(a.layers.in.outputShape).toEqual([13]);
  });

  it('checks wrapped layers: an inner parameter and an inner type', () => {
    const bad = analyzeGraph(chain(['in', 'Input', { shape: [5, 3] }], ['bi', 'Bidirectional', { layer: { type: 'LSTM', params: { units: 0 } } }]));
    expect(only(bad.errors)).toMatchObject({ kind: 'invalid-param', param: 'layer', message: 'Recurrent layer (LSTM): Units must be a whole number from 1 to 100000, but is 0' });
    const wrongType = analyzeGraph(chain(['in', 'Input', { shape: [5, 3] }], ['td', 'TimeDistributed', { layer: { type: 'Conv1D', params: {} } }]));
    expect(only(wrongType.errors).message).toBe('Layer must be one of Dense, but is "Conv1D"');
  });
});

describe('layer names', () => {
  it('suggests Keras-style names that do not clash', () => {
    expect(suggestLayerName('Conv2D', [])).toBe('conv2d');
    expect(suggestLayerName('BatchNormalization', [])).toBe('batch_normalization');
    expect(suggestLayerName('Dense', ['dense', 'dense_1'])).toBe('dense_2');
    expect(suggestLayerName('SimpleRNN', [])).toBe('simple_rnn');
  });
  it('accepts the names TF.js accepts', () => {
    expect(isValidLayerName('dense_1')).toBe(true);
    expect(isValidLayerName('block1.conv-a')).toBe(true);
    expect(isValidLayerName('_hidden')).toBe(false);
    expect(isValidLayerName('a/b')).toBe(false);
    expect(isValidLayerName('')).toBe(false);
  });
});
