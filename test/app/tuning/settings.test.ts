// Setting paths against a real template: what resolves, what a trial changes, and the errors for paths
// and values that do not fit the project.
import { describe, expect, it } from 'vitest';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { parseSpace, SpaceError } from '../../../app/tuning/space.ts';
import { applySettings, checkSpace, currentSettings, tunableTrainingPaths } from '../../../app/tuning/settings.ts';

const project = projectFromTemplate(getTemplate('binary-classifier')!, { name: 'Moons' });
const graph = project.graph;
const config = makeTrainingConfig(project.training);

function errorOf(fn: () => unknown): string {
  try { fn(); } catch (err) { expect(err).toBeInstanceOf(SpaceError); return (err as Error).message; }
  throw new Error('expected a SpaceError');
}

describe('checkSpace', () => {
  it('accepts training settings by dotted path and layer parameters by layer name', () => {
    const targets = checkSpace(parseSpace({
      'optimizer.learningRate': { logUniform: [0.0001, 0.1] },
      'optimizer.name': { choice: ['adam', 'sgd'] },
      batchSize: { int: [8, 64] },
      'earlyStopping.patience': { choice: [3, 5] },
      'layers.hidden_1.units': { choice: [8, 32] },
      'layers.hidden_2.activation': { choice: ['relu', 'tanh'] },
    }), graph, config);
    expect(targets.map((t) => t.kind)).toEqual(['training', 'training', 'training', 'training', 'layer', 'layer']);
    expect(tunableTrainingPaths).toContain('optimizer.momentum');
    expect(tunableTrainingPaths).not.toContain('testSplit');
  });

  it.each([
    [{ 'layers.hidden_9.units': { choice: [8] } }, 'layers.hidden_9.units: there is no layer named "hidden_9" (the layers are: point, hidden_1, hidden_2, is_upper_moon)'],
    [{ 'layers.hidden_1.size': { choice: [8] } }, /^layers\.hidden_1\.size: Dense layer "hidden_1" has no setting named "size" \(its settings are: units, activation/],
    [{ 'layers.hidden_1': { choice: [8] } }, /^layers\.hidden_1: a layer setting is written layers\.<layer name>\.<parameter>/],
    [{ learningRate: { choice: [0.1] } }, /^learningRate: not a training setting or layers\.<layer name>\.<parameter> \(training settings: optimizer\.name, optimizer\.learningRate/],
    [{ testSplit: { choice: [0.1, 0.2] } }, /^testSplit cannot be tuned: it decides which rows are the test rows/],
    [{ batchSize: { uniform: [8, 64] } }, 'batchSize takes whole numbers: use {"int": [8, 64]} or {"choice": [...]}'],
    [{ 'layers.hidden_1.units': { logUniform: [8, 64] } }, /^layers\.hidden_1\.units takes whole numbers/],
    [{ 'optimizer.name': { uniform: [0, 1] } }, /^optimizer\.name uniform needs a number setting; list the values with \{"choice"/],
    [{ 'optimizer.name': { choice: ['adam', 'lion'] } }, /^optimizer\.name: "lion" is not a valid value/],
    [{ 'optimizer.learningRate': { uniform: [0, 0.1] } }, /^optimizer\.learningRate: 0 is not a valid value/],
    [{ 'layers.hidden_1.units': { int: [0, 8] } }, /^layers\.hidden_1\.units: Units must be a whole number/],
    [{ 'layers.hidden_1.activation': { choice: ['relu', 'banana'] } }, /^layers\.hidden_1\.activation: Activation must be one of/],
  ])('refuses %j', (raw, message) => {
    const text = errorOf(() => checkSpace(parseSpace(raw), graph, config));
    if (typeof message === 'string') expect(text).toBe(message);
    else expect(text).toMatch(message);
  });
});

describe('applySettings', () => {
  it('writes a trial into copies of the graph and settings, leaving the project as it was', () => {
    const before = JSON.stringify({ graph, config });
    const trial = applySettings(graph, config, { 'optimizer.learningRate': 0.003, batchSize: 64, 'layers.hidden_1.units': 32, 'earlyStopping.enabled': true });
    expect(trial.config.optimizer.learningRate).toBe(0.003);
    expect(trial.config.optimizer.name).toBe('adam');
    expect(trial.config.batchSize).toBe(64);
    expect(trial.config.earlyStopping.enabled).toBe(true);
    expect(trial.graph.layers.find((l) => l.name === 'hidden_1')!.params.units).toBe(32);
    expect(trial.graph.layers.find((l) => l.name === 'hidden_2')!.params.units).toBe(16);
    expect(JSON.stringify({ graph, config })).toBe(before);
    expect(currentSettings(['optimizer.learningRate', 'layers.hidden_1.units', 'layers.hidden_1.useBias'], graph, config))
      .toEqual({ 'optimizer.learningRate': 0.01, 'layers.hidden_1.units': 16, 'layers.hidden_1.useBias': true });
  });

  it('refuses an unknown layer or a bad value with the path at fault', () => {
    expect(errorOf(() => applySettings(graph, config, { 'layers.nope.units': 3 }))).toMatch(/^layers\.nope\.units: there is no layer named "nope"/);
    expect(errorOf(() => applySettings(graph, config, { 'layers.hidden_1.units': -3 }))).toMatch(/^layers\.hidden_1\.units: Units must be a whole number/);
    expect(errorOf(() => applySettings(graph, config, { batchSize: 0 }))).toMatch(/^batchSize: 0 is not a valid value/);
  });
});
