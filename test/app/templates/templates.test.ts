// Every template is a valid graph whose Input and output fit its built-in dataset binding, and every
// template becomes a project that saves and opens again unchanged.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { builtinDatasetIds } from '../../../app/data/binding.ts';
import { parseProject, serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate, templates } from '../../../app/templates/index.ts';
import { SENSOR_READINGS } from '../../../app/templates/sensorAttention.ts';

const requiredIds = [
  'tabular-classifier', 'regression', 'binary-classifier', 'digit-recognizer', 'image-from-base',
  'intent-classifier', 'transformer-intent', 'sentiment', 'transformer-sentiment', 'sensor-attention', 'residual-cnn', 'autoencoder',
];

function outputLayer(id: string) {
  const t = getTemplate(id)!;
  const a = analyzeGraph(t.graph);
  expect(a.outputs).toHaveLength(1);
  const layer = t.graph.layers.find((l) => l.id === a.outputs[0])!;
  return { layer, shape: a.layers[layer.id].outputShape };
}

function inputShape(id: string) {
  const t = getTemplate(id)!;
  const a = analyzeGraph(t.graph);
  expect(a.inputs).toHaveLength(1);
  return a.layers[a.inputs[0]].outputShape;
}

describe('templates', () => {
  it('has every required template, each with a unique id, a title and a when-to-use sentence', () => {
    expect(templates.map((t) => t.id)).toEqual(requiredIds);
    for (const t of templates) {
      expect(t.title.length).toBeGreaterThan(3);
      expect(t.description).toMatch(/^Use it (to|when) .{20,}\.$/);
    }
  });

  it.each(requiredIds)('%s is valid per analyzeGraph and bound to a built-in dataset', (id) => {
    const t = getTemplate(id)!;
    const analysis = analyzeGraph(t.graph);
    expect(analysis.errors).toEqual([]);
    expect(analysis.valid).toBe(true);
    expect(analysis.totalParams).toBeGreaterThan(0);
    const source = t.dataset.source.replace(/^builtin:/, '');
    expect(t.dataset.source.startsWith('builtin:')).toBe(true);
    expect(builtinDatasetIds).toContain(source);
  });

  it.each(requiredIds)('%s becomes a project that round-trips through its file format', (id) => {
    const doc = projectFromTemplate(getTemplate(id)!, { now: '2025-01-01T00:00:00.000Z' });
    expect(doc.dataset).toEqual(getTemplate(id)!.dataset);
    expect(doc.training).toEqual(getTemplate(id)!.training);
    // Every layer is on the canvas, data flowing downward.
    for (const layer of doc.graph.layers) expect(doc.layout.positions[layer.id]).toBeDefined();
    for (const c of doc.graph.connections) expect(doc.layout.positions[c.to].y).toBeGreaterThan(doc.layout.positions[c.from].y);
    const text = serializeProject(doc);
    expect(parseProject(text)).toEqual(doc);
  });

  it('image-from-base marks its convolutional base and its project notes say how to bring one', () => {
    const t = getTemplate('image-from-base')!;
    const withWeights = analyzeGraph(t.graph);
    const base = t.graph.layers.filter((l) => l.name.startsWith('base_'));
    expect(base.map((l) => l.type)).toEqual(['Conv2D', 'MaxPooling2D', 'Conv2D', 'MaxPooling2D']);
    // Everything with weights before the Flatten is in the base.
    const flatten = t.graph.layers.findIndex((l) => l.type === 'Flatten');
    for (const l of t.graph.layers.slice(0, flatten)) if (withWeights.layers[l.id].params > 0) expect(l.name).toMatch(/^base_/);
    const doc = projectFromTemplate(t);
    expect(doc.notes).toBe(t.notes);
    // The notes name the studio's own buttons and the base's last layer, as they are spelled.
    for (const words of ['Import a trained model folder (with weights)…', 'Freeze everything up to here', 'New head for this data', 'base_pool_2', 'Start from', 'tensorflowjs_converter']) {
      expect(doc.notes).toContain(words);
    }
    expect(t.graph.layers.some((l) => l.name === 'base_pool_2')).toBe(true);
  });

  it('gives each project its own copy of the template graph', () => {
    const doc = projectFromTemplate(getTemplate('tabular-classifier')!);
    doc.graph.layers[1].params.units = 999;
    expect(getTemplate('tabular-classifier')!.graph.layers[1].params.units).toBe(16);
  });

  it('fits Input and output to the data each template is bound to', () => {
    expect(inputShape('tabular-classifier')).toEqual([4]); // four iris measurements
    expect(outputLayer('tabular-classifier')).toMatchObject({ shape: [3], layer: { params: { activation: 'softmax' } } });
    expect(inputShape('binary-classifier')).toEqual([2]);
    expect(outputLayer('binary-classifier')).toMatchObject({ shape: [1], layer: { params: { activation: 'sigmoid' } } });
    expect(outputLayer('regression')).toMatchObject({ shape: [1], layer: { params: { activation: 'linear' } } });
    for (const id of ['digit-recognizer', 'image-from-base', 'residual-cnn', 'autoencoder']) expect(inputShape(id)).toEqual([28, 28, 1]);
    expect(outputLayer('digit-recognizer').shape).toEqual([10]);
    expect(outputLayer('residual-cnn').shape).toEqual([10]);
    // Reconstruction targets are the flattened pixels.
    expect(outputLayer('autoencoder').shape).toEqual([28 * 28]);
    expect(getTemplate('autoencoder')!.dataset.task).toBe('reconstruction');
    expect(outputLayer('intent-classifier')).toMatchObject({ shape: [4], layer: { params: { activation: 'softmax' } } });
    expect(outputLayer('sentiment')).toMatchObject({ shape: [1], layer: { params: { activation: 'sigmoid' } } });
    // 32 readings in, one of normal / drift / spike / oscillation out.
    expect(inputShape('sensor-attention')).toEqual([SENSOR_READINGS]);
    expect(outputLayer('sensor-attention')).toMatchObject({ shape: [4], layer: { params: { activation: 'softmax' } } });
  });

  it.each(['intent-classifier', 'transformer-intent', 'sentiment'])('%s sizes its Input and Embedding from the text binding', (id) => {
    const t = getTemplate(id)!;
    const text = t.dataset.text!;
    expect(t.dataset.kind).toBe('text');
    expect(inputShape(id)).toEqual([text.sequenceLength]);
    const embedding = t.graph.layers.find((l) => l.type === 'Embedding' || l.type === 'TokenAndPositionEmbedding')!;
    // Token ids run from 0 (padding) to vocabSize − 1; learned positions cover every token.
    expect(embedding.params.inputDim ?? embedding.params.vocabularySize).toBe(text.vocabSize);
    if (embedding.type === 'TokenAndPositionEmbedding') expect(embedding.params.sequenceLength).toBe(text.sequenceLength);
  });

  it('uses the layer kinds each template promises', () => {
    const types = (id: string) => getTemplate(id)!.graph.layers.map((l) => l.type);
    expect(types('intent-classifier')).toEqual(expect.arrayContaining(['Embedding', 'Conv1D', 'GlobalMaxPooling1D', 'Dense']));
    expect(types('sentiment').some((t) => t === 'LSTM' || t === 'GRU')).toBe(true);
    expect(types('residual-cnn').filter((t) => t === 'Add')).toHaveLength(2);
    expect(types('transformer-intent')).toEqual(expect.arrayContaining(['TokenAndPositionEmbedding', 'MultiHeadAttention', 'LayerNormalization', 'Add']));
    expect(types('digit-recognizer')).toContain('Conv2D');
    // The time-series template: learned positions and the built-in TransformerEncoder block.
    expect(types('sensor-attention')).toEqual(expect.arrayContaining(['Reshape', 'PositionEmbedding', 'Add', 'Block']));
    expect(getTemplate('sensor-attention')!.graph.layers.find((l) => l.type === 'Block')!.block!.definition).toBe('TransformerEncoder');
  });
});
