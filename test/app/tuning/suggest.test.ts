// The Tune mode's offer of settings: around the project's values, never the output layer's size, and a
// starter space that checks against the project.
import { describe, expect, it } from 'vitest';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { parseSpace } from '../../../app/tuning/space.ts';
import { checkSpace } from '../../../app/tuning/settings.ts';
import { starterSpace, tunableSettings } from '../../../app/tuning/suggest.ts';

describe('tunableSettings', () => {
  it('offers training settings and hidden layers\' parameters, with ranges around the current values, each valid for the project', () => {
    const project = projectFromTemplate(getTemplate('binary-classifier')!, { name: 'Moons' });
    const config = makeTrainingConfig(project.training);
    const all = tunableSettings(project.graph, config);
    const paths = all.map((s) => s.path);
    expect(paths.slice(0, 3)).toEqual(['optimizer.learningRate', 'batchSize', 'epochs']);
    expect(paths).toContain('layers.hidden_1.units');
    expect(paths).toContain('layers.hidden_2.activation');
    // The output layer must keep one sigmoid unit: it is not offered.
    expect(paths).not.toContain('layers.is_upper_moon.units');
    expect(paths).not.toContain('layers.is_upper_moon.activation');
    expect(all.find((s) => s.path === 'optimizer.learningRate')).toMatchObject({ label: 'Learning rate', suggestion: { logUniform: [0.001, 0.1] } });
    expect(all.find((s) => s.path === 'layers.hidden_1.units')).toMatchObject({ label: 'hidden_1 · Units', kinds: ['choice', 'int'], suggestion: { choice: [8, 16, 32] } });
    for (const s of all) expect(() => checkSpace(parseSpace({ [s.path]: s.suggestion }), project.graph, config), s.path).not.toThrow();
    expect(Object.keys(starterSpace(project.graph, config))).toEqual(['optimizer.learningRate', 'batchSize', 'layers.hidden_1.units']);
  });

  it('suggests a dropout rate range for a model with dropout', () => {
    const project = projectFromTemplate(getTemplate('digit-recognizer')!, { name: 'Digits' });
    const all = tunableSettings(project.graph, makeTrainingConfig(project.training));
    expect(all.find((s) => s.path === 'layers.dropout.rate')).toMatchObject({ label: 'dropout · Rate', suggestion: { uniform: [0, 0.5] } });
    expect(all.find((s) => s.path === 'layers.conv_1.filters')?.suggestion).toEqual({ choice: [8, 16, 32] });
  });
});
