// The readiness check: every failure case is flagged on the right layer, and its fix, applied, passes.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { sequential } from '../../../app/templates/types.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { applyFix, type FixTarget } from '../../../app/training/modelFixes.ts';
import { checkReadiness, fitModelToData, type BoundData, type ReadinessProblem } from '../../../app/training/readiness.ts';

const table3: BoundData = { task: 'classification', kind: 'table', inputShape: [4], outputUnits: 3, classes: ['a', 'b', 'c'] };
const binary: BoundData = { task: 'classification', kind: 'table', inputShape: [5], outputUnits: 2, classes: ['no', 'yes'] };
const regression: BoundData = { task: 'regression', kind: 'table', inputShape: [3], outputUnits: 1 };
const images: BoundData = { task: 'classification', kind: 'image', inputShape: [28, 28, 1], outputUnits: 10 };
const text: BoundData = { task: 'classification', kind: 'text', inputShape: [24], outputUnits: 4, vocabSize: 2000 };

const iris = () => structuredClone(getTemplate('tabular-classifier')!.graph);

function mlp(inputShape: number[], outUnits: number, outActivation: string): Graph {
  return sequential([
    { id: 'in', type: 'Input', params: { shape: inputShape } },
    { id: 'h', type: 'Dense', params: { units: 8, activation: 'relu' } },
    { id: 'out', type: 'Dense', params: { units: outUnits, activation: outActivation } },
  ]);
}

function errorsOf(graph: Graph, data: BoundData | null, loss: FixTarget['loss'] = 'auto'): ReadinessProblem[] {
  return checkReadiness(graph, data, { loss }).problems.filter((p) => p.severity === 'error');
}

/** Applies fix `n` of the only problem and expects the check to pass afterwards. */
function expectFixWorks(graph: Graph, data: BoundData | null, n = 0, loss: FixTarget['loss'] = 'auto'): FixTarget {
  const [problem] = errorsOf(graph, data, loss);
  const fixed = applyFix({ graph, loss }, problem.fixes[n]);
  const after = checkReadiness(fixed.graph, data, { loss: fixed.loss });
  expect(after.problems.filter((p) => p.severity === 'error')).toEqual([]);
  expect(after.ready).toBe(true);
  return fixed;
}

describe('readiness: the graph alone', () => {
  it('a model with two outputs names the loose end, offers connect and remove, and both fixes work', () => {
    const graph = iris();
    graph.layers.push({ id: 'extra', type: 'Dense', name: 'dense', params: { units: 32 } });
    graph.connections.push({ from: 'hidden1', to: 'extra', toSlot: 0 });
    expect(analyzeGraph(graph).valid).toBe(true);
    const problems = errorsOf(graph, null);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatchObject({ code: 'outputs', layerId: 'extra', layerName: 'dense' });
    expect(problems[0].message).toMatch(/"dense" is a loose end.*2 outputs.*exactly one \("species"\)/);
    expect(problems[0].fixes.map((f) => f.label)).toEqual(['Connect "dense" into the chain, before "hidden_2"', 'Remove "dense"']);
    const connected = expectFixWorks(graph, table3, 0);
    expect(connected.graph.connections).toContainEqual({ from: 'extra', to: 'hidden2', toSlot: 0 });
    expect(connected.graph.connections).not.toContainEqual({ from: 'hidden1', to: 'hidden2', toSlot: 0 });
    const removed = expectFixWorks(graph, table3, 1);
    expect(removed.graph.layers.map((l) => l.id)).not.toContain('extra');
  });

  it('a loose branch of several layers is removed as a whole', () => {
    const graph = iris();
    graph.layers.push({ id: 'b1', type: 'Dense', name: 'b1', params: { units: 4 } }, { id: 'b2', type: 'Dropout', name: 'b2', params: {} });
    graph.connections.push({ from: 'hidden2', to: 'b1', toSlot: 0 }, { from: 'b1', to: 'b2', toSlot: 0 });
    // The branch is longer, but "species" fits the data (and is older): the branch is the loose end.
    for (const data of [table3, null]) {
      const [p] = errorsOf(graph, data);
      expect(p).toMatchObject({ code: 'outputs', layerId: 'b2' });
      expect(p.fixes.map((f) => f.label)).toEqual(['Remove "b2" and "b1"']);
    }
    const fixed = expectFixWorks(graph, table3);
    expect(fixed.graph.layers.map((l) => l.id)).toEqual(['input', 'hidden1', 'hidden2', 'output']);
  });

  it('a disconnected layer is a graph problem with a remove fix', () => {
    const graph = iris();
    graph.layers.push({ id: 'lonely', type: 'Dense', name: 'lonely', params: { units: 3 } });
    const [p] = errorsOf(graph, null);
    expect(p).toMatchObject({ code: 'graph', layerId: 'lonely' });
    expectFixWorks(graph, table3);
  });

  it('a dilated convolution TF.js cannot train is refused with a fix', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [28, 28, 1] } },
      { id: 'c', type: 'Conv2D', params: { filters: 4, kernelSize: 3, dilationRate: 2 } },
      { id: 'f', type: 'Flatten' },
      { id: 'out', type: 'Dense', params: { units: 10, activation: 'softmax' } },
    ]);
    const [p] = errorsOf(graph, images);
    expect(p).toMatchObject({ code: 'not-trainable', layerId: 'c' });
    expectFixWorks(graph, images);
  });

  it('without data, a valid single-output graph is ready but says the data was not checked', () => {
    const r = checkReadiness(iris(), null);
    expect(r).toMatchObject({ ready: true, dataChecked: false, problems: [] });
  });
});

describe('readiness: the output layer against the data', () => {
  it('a linear classification output is refused (it would train to chance) and the fix sets softmax', () => {
    const graph = mlp([4], 3, 'linear');
    const [p] = errorsOf(graph, table3);
    expect(p).toMatchObject({ code: 'output', layerId: 'out', layerName: 'out' });
    expect(p.message).toMatch(/raw scores \(linear activation\).*chance/);
    const fixed = expectFixWorks(graph, table3);
    expect(fixed.graph.layers[2].params).toMatchObject({ units: 3, activation: 'softmax' });
  });

  it('a 2-unit linear output on a two-class table gets softmax; a 1-unit one gets sigmoid', () => {
    expect(expectFixWorks(mlp([5], 2, 'linear'), binary).graph.layers[2].params.activation).toBe('softmax');
    expect(expectFixWorks(mlp([5], 1, 'linear'), binary).graph.layers[2].params.activation).toBe('sigmoid');
    expect(errorsOf(mlp([5], 1, 'sigmoid'), binary)).toEqual([]);
  });

  it('wrong units name the classes; the fix sets units and activation together', () => {
    const graph = mlp([4], 5, 'relu');
    const [p] = errorsOf(graph, table3);
    expect(p.message).toMatch(/gives 5 values but the data has 3 classes \(a, b, c\)/);
    expect(p.fixes[0].label).toBe('Set units to 3 and set activation to softmax');
    expectFixWorks(graph, table3);
  });

  it('a loss that does not fit the output is refused; the fix lets it be chosen', () => {
    const graph = mlp([4], 3, 'softmax');
    const [p] = errorsOf(graph, table3, 'meanSquaredError');
    expect(p.code).toBe('loss');
    expect(p.message).toMatch(/Mean squared error/);
    expect(expectFixWorks(graph, table3, 0, 'meanSquaredError').loss).toBe('auto');
    expect(errorsOf(graph, table3, 'categoricalCrossentropy')).toEqual([]);
  });

  it('regression needs one linear unit', () => {
    const graph = mlp([3], 2, 'softmax');
    const [p] = errorsOf(graph, regression);
    expect(p).toMatchObject({ code: 'output', layerId: 'out' });
    const fixed = expectFixWorks(graph, regression);
    expect(fixed.graph.layers[2].params).toMatchObject({ units: 1, activation: 'linear' });
  });

  it('the activation is looked up through a trailing Activation or Dropout layer, and fixed there', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [4] } },
      { id: 'out', type: 'Dense', params: { units: 3 } },
      { id: 'act', type: 'Activation', params: { activation: 'softmax' } },
      { id: 'drop', type: 'Dropout', params: { rate: 0.1 } },
    ]);
    expect(errorsOf(graph, table3)).toEqual([]);
    graph.layers[2].params.activation = 'tanh';
    const [p] = errorsOf(graph, table3);
    expect(p.message).toMatch(/uses tanh/);
    expect(expectFixWorks(graph, table3).graph.layers[2].params.activation).toBe('softmax');
  });

  it('a model that ends in a layer without units gets a Dense output layer of the right size', () => {
    const tiny: BoundData = { task: 'classification', kind: 'image', inputShape: [2, 2, 1], outputUnits: 3 };
    const graph = sequential([{ id: 'in', type: 'Input', params: { shape: [2, 2, 1] } }, { id: 'flat', type: 'Flatten' }]);
    const [p] = errorsOf(graph, tiny);
    expect(p.fixes[0].label).toBe('Add a Dense layer with 3 units (softmax) after it');
    const fixed = expectFixWorks(graph, tiny);
    expect(fixed.graph.layers.map((l) => l.type)).toEqual(['Input', 'Flatten', 'Dense']);
  });

  it('the wrong Input shape is flagged on the Input layer with the shape to set', () => {
    const graph = mlp([7], 3, 'softmax');
    const [p] = errorsOf(graph, table3);
    expect(p).toMatchObject({ code: 'input-shape', layerId: 'in' });
    expect(p.message).toBe('The Input layer "in" has shape [7] but each row has 4 input values after encoding');
    expect(p.advice).toBe('set the Input shape to [4]');
    expectFixWorks(graph, table3);
  });
});

describe('readiness: advice that fits the kind of data', () => {
  it('table: a Conv2D after a Dense says what Conv2D is for and offers a Dense layer, not a Reshape', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [4] } },
      { id: 'h', type: 'Dense', params: { units: 8, activation: 'relu' } },
      { id: 'conv', type: 'Conv2D', params: { filters: 16, kernelSize: 3 } },
      { id: 'out', type: 'Dense', params: { units: 3, activation: 'softmax' } },
    ]);
    const [p] = errorsOf(graph, table3);
    expect(p).toMatchObject({ code: 'graph', layerId: 'conv' });
    expect(p.message).toMatch(/Conv2D "conv" is for images.*the data is a table/);
    expect(`${p.message} ${p.advice} ${p.fixes.map((f) => f.label)}`).not.toMatch(/Reshape/);
    expect(p.fixes[0].label).toBe('Replace "conv" with a Dense layer (16 units, relu)');
    expectFixWorks(graph, table3);
    // Without data the shape rule's own advice (which may be a Reshape) stands.
    expect(errorsOf(graph, null)[0].advice).toMatch(/Reshape/);
  });

  it('table of pixel columns (784 = 28×28): here, and only here, a Reshape to an image is offered first', () => {
    const pixels: BoundData = { task: 'classification', kind: 'table', inputShape: [784], outputUnits: 10 };
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [784] } },
      { id: 'conv', type: 'Conv2D', params: { filters: 8, kernelSize: 3, activation: 'relu' } },
      { id: 'flat', type: 'Flatten' },
      { id: 'out', type: 'Dense', params: { units: 10, activation: 'softmax' } },
    ]);
    const [p] = errorsOf(graph, pixels);
    expect(p.message).toMatch(/table of 784 columns: if they are the pixels of 28×28 images/);
    expect(p.fixes.map((f) => f.label)).toEqual(['Add a Reshape to [28, 28, 1] after the Input (the columns are pixels)', 'Replace "conv" with a Dense layer (8 units, relu)']);
    const fixed = expectFixWorks(graph, pixels);
    expect(fixed.graph.layers.map((l) => l.type)).toEqual(['Input', 'Reshape', 'Conv2D', 'Flatten', 'Dense']);
  });

  it('table: an LSTM or a pooling layer is for sequences or images; the pooling fix removes it', () => {
    const lstm = sequential([
      { id: 'in', type: 'Input', params: { shape: [4] } },
      { id: 'rnn', type: 'LSTM', params: { units: 8 } },
      { id: 'out', type: 'Dense', params: { units: 3, activation: 'softmax' } },
    ]);
    expect(errorsOf(lstm, table3)[0].message).toMatch(/LSTM "rnn" is for sequences/);
    expectFixWorks(lstm, table3);
    const pool = sequential([
      { id: 'in', type: 'Input', params: { shape: [4] } },
      { id: 'p', type: 'MaxPooling2D' },
      { id: 'out', type: 'Dense', params: { units: 3, activation: 'softmax' } },
    ]);
    expect(errorsOf(pool, table3)[0].fixes[0].label).toBe('Remove "p"');
    expectFixWorks(pool, table3);
  });

  it('images: Dense layers straight on an image get "add a Flatten first" on the first of them', () => {
    const graph = mlp([28, 28, 1], 10, 'softmax');
    const [p] = errorsOf(graph, images);
    expect(p).toMatchObject({ code: 'output-shape', layerId: 'h' });
    expect(p.message).toMatch(/Dense "h" gets an image \[28, 28, 1\].*each pixel separately.*\[28, 28, 10\]/);
    expect(p.fixes[0].label).toBe('Add a Flatten layer before "h"');
    const fixed = expectFixWorks(graph, images);
    expect(fixed.graph.layers.map((l) => l.type)).toEqual(['Input', 'Flatten', 'Dense', 'Dense']);
  });

  it('images: a Conv2D after a Flatten gets "remove the Flatten", not a Reshape', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [28, 28, 1] } },
      { id: 'flat', type: 'Flatten' },
      { id: 'conv', type: 'Conv2D', params: { filters: 8, kernelSize: 3 } },
      { id: 'f2', type: 'Flatten' },
      { id: 'out', type: 'Dense', params: { units: 10, activation: 'softmax' } },
    ]);
    const [p] = errorsOf(graph, images);
    expect(p.message).toMatch(/"flat" before it has already laid the image out flat/);
    expect(p.fixes[0].label).toBe('Remove "flat"');
    expectFixWorks(graph, images);
  });

  it('text: an LSTM on word numbers gets an Embedding layer after the Input', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [24] } },
      { id: 'rnn', type: 'LSTM', params: { units: 16 } },
      { id: 'out', type: 'Dense', params: { units: 4, activation: 'softmax' } },
    ]);
    const [p] = errorsOf(graph, text);
    expect(p.message).toMatch(/LSTM "rnn" reads a sequence of word vectors/);
    const fixed = expectFixWorks(graph, text);
    expect(fixed.graph.layers.find((l) => l.type === 'Embedding')!.params).toMatchObject({ inputDim: 2000 });
  });
});

describe('readiness: text read as word numbers', () => {
  it('a Dense layer straight on the word numbers is a warning (it trains, badly) with the Embedding fix', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [24] } },
      { id: 'h', type: 'Dense', params: { units: 16, activation: 'relu' } },
      { id: 'out', type: 'Dense', params: { units: 4, activation: 'softmax' } },
    ]);
    const r = checkReadiness(graph, text);
    expect(r.ready).toBe(true);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatchObject({ code: 'layer-for-data', severity: 'warning', layerId: 'h' });
    expect(r.problems[0].message).toMatch(/as if word 40 were twice word 20/);
    const fixed = applyFix({ graph, loss: 'auto' }, r.problems[0].fixes[0]);
    expect(fixed.graph.layers.map((l) => l.type)).toEqual(['Input', 'Embedding', 'GlobalAveragePooling1D', 'Dense', 'Dense']);
    expect(checkReadiness(fixed.graph, text).problems).toEqual([]);
  });
});

describe('make the model fit this data', () => {
  it('sets the input shape, units, activation and loss together, so the result trains', () => {
    const { target, applied, readiness } = fitModelToData({ graph: mlp([7], 2, 'linear'), loss: 'meanSquaredError' }, table3);
    expect(readiness.ready).toBe(true);
    expect(applied.length).toBeGreaterThanOrEqual(2);
    expect(target.graph.layers[0].params.shape).toEqual([4]);
    expect(target.graph.layers[2].params).toMatchObject({ units: 3, activation: 'softmax' });
    expect(target.loss).toBe('auto');
  });

  it('a table model bound to text gets the text Input shape and an Embedding, so it learns from the words', () => {
    const { target, applied, readiness } = fitModelToData({ graph: mlp([4], 4, 'softmax'), loss: 'auto' }, text);
    expect(applied.map((f) => f.label)).toEqual(['Set the Input shape to [24]', 'Add an Embedding and a GlobalAveragePooling1D layer after the Input']);
    expect(target.graph.layers.map((l) => l.type)).toEqual(['Input', 'Embedding', 'GlobalAveragePooling1D', 'Dense', 'Dense']);
    // No warning left: "ready" here means the words are read as words.
    expect(readiness.problems).toEqual([]);
  });

  it('turns an image model bound to a table into a table model', () => {
    const cnn = sequential([
      { id: 'in', type: 'Input', params: { shape: [28, 28, 1] } },
      { id: 'conv', type: 'Conv2D', params: { filters: 8, kernelSize: 3, activation: 'relu' } },
      { id: 'pool', type: 'MaxPooling2D' },
      { id: 'flat', type: 'Flatten' },
      { id: 'out', type: 'Dense', params: { units: 10, activation: 'softmax' } },
    ]);
    const { target, readiness } = fitModelToData({ graph: cnn, loss: 'auto' }, table3);
    expect(readiness.problems).toEqual([]);
    expect(target.graph.layers.map((l) => l.type)).toEqual(['Input', 'Dense', 'Dense']);
  });
});
