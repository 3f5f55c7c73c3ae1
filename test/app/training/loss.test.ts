import { describe, expect, it } from 'vitest';
import { chooseLoss, outputLayerInfo, type LossChoiceInput } from '../../../app/training/loss.ts';
import type { Graph } from '../../../app/graph/types.ts';

describe('chooseLoss', () => {
  const table: [string, LossChoiceInput, string, string, string[]][] = [
    ['softmax + class numbers', { task: 'classification', output: { activation: 'softmax', units: 3 }, numClasses: 3 }, 'sparseCategoricalCrossentropy', 'class-index', ['accuracy']],
    ['softmax + one-hot labels', { task: 'classification', output: { activation: 'softmax', units: 3 }, numClasses: 3, labels: 'one-hot' }, 'categoricalCrossentropy', 'one-hot', ['accuracy']],
    ['single sigmoid unit', { task: 'classification', output: { activation: 'sigmoid', units: 1 }, numClasses: 2 }, 'binaryCrossentropy', 'binary', ['accuracy']],
    ['several sigmoid units', { task: 'classification', output: { activation: 'sigmoid', units: 4 }, numClasses: 4 }, 'binaryCrossentropy', 'one-hot', ['accuracy']],
    ['regression', { task: 'regression', output: { activation: 'linear', units: 1 } }, 'meanSquaredError', 'values', ['mae']],
    ['reconstruction', { task: 'reconstruction', output: { activation: 'sigmoid', units: 784 } }, 'meanSquaredError', 'values', ['mae']],
    ['override: huber for regression', { task: 'regression', output: { activation: 'linear', units: 1 }, loss: 'huber' }, 'huber', 'values', ['mae']],
    ['override: categorical on class numbers', { task: 'classification', output: { activation: 'softmax', units: 3 }, numClasses: 3, loss: 'categoricalCrossentropy' }, 'categoricalCrossentropy', 'one-hot', ['accuracy']],
    ['explicit metrics kept', { task: 'regression', output: { activation: 'linear', units: 1 }, metrics: ['mse', 'mae'] }, 'meanSquaredError', 'values', ['mse', 'mae']],
  ];
  it.each(table)('%s', (_name, input, loss, format, metrics) => {
    const choice = chooseLoss(input);
    expect(choice.loss).toBe(loss);
    expect(choice.targetFormat).toBe(format);
    expect(choice.metrics).toEqual(metrics);
    expect(choice.auto).toBe(!input.loss);
    expect(choice.warnings).toEqual([]);
  });

  it('explains the choice in plain words', () => {
    expect(chooseLoss({ task: 'classification', output: { activation: 'sigmoid', units: 1 } }).explanation)
      .toBe('Binary crossentropy. The output is a single unit, so the model answers one yes/no question.');
    expect(chooseLoss({ task: 'regression', output: { activation: 'linear', units: 1 }, loss: 'huber' }).explanation).toMatch(/^Huber\. Set by you\./);
  });

  it('warns about an output that does not fit the target or the loss', () => {
    expect(chooseLoss({ task: 'classification', output: { activation: 'softmax', units: 4 }, numClasses: 3 }).warnings)
      .toEqual(['The output layer has 4 units but the target has 3 classes: give it 3 units.']);
    expect(chooseLoss({ task: 'classification', output: { activation: 'relu', units: 3 }, numClasses: 3 }).warnings)
      .toEqual(['Sparse categorical crossentropy expects probabilities that sum to 1, but the output activation is relu: set it to softmax.']);
    expect(chooseLoss({ task: 'classification', output: { activation: 'softmax', units: 1 }, numClasses: 2 }).warnings[0]).toMatch(/set it to sigmoid/);
    expect(chooseLoss({ task: 'classification', output: { activation: 'sigmoid', units: 1 }, numClasses: 5 }).warnings)
      .toContain('The output layer has 1 unit but the target has 5 classes: give it 5 units with softmax.');
    expect(chooseLoss({ task: 'regression', output: { activation: 'linear', units: 1 }, loss: 'binaryCrossentropy' }).warnings[0]).toMatch(/meant for classes/);
  });
});

describe('outputLayerInfo', () => {
  const layer = (id: string, type: string, params: Record<string, unknown> = {}) => ({ id, type, name: id, params }) as Graph['layers'][number];
  it('looks back through dropout and activation layers', () => {
    const graph: Graph = {
      layers: [layer('i', 'Input', { shape: [4] }), layer('d', 'Dense', { units: 3, activation: 'linear' }), layer('a', 'Activation', { activation: 'softmax' }), layer('o', 'Dropout', { rate: 0.1 })],
      connections: [{ from: 'i', to: 'd', toSlot: 0 }, { from: 'd', to: 'a', toSlot: 0 }, { from: 'a', to: 'o', toSlot: 0 }],
    };
    expect(outputLayerInfo(graph)).toEqual({ activation: 'softmax', units: 3 });
  });
  it('reads a Dense output directly, and a missing activation means linear', () => {
    const graph: Graph = { layers: [layer('i', 'Input'), layer('d', 'Dense', { units: 1 })], connections: [{ from: 'i', to: 'd', toSlot: 0 }] };
    expect(outputLayerInfo(graph)).toEqual({ activation: 'linear', units: 1 });
  });
});
