// "Use best settings": a trial's training settings and layer parameters as one undoable patch.
import { describe, expect, it } from 'vitest';
import { getTemplate, projectFromTemplate } from '../../app/templates/index.ts';
import { applySweepSettings } from '../../renderer/commands/tuningEdits.ts';
import { CommandError } from '../../renderer/commands/graphEdits.ts';

const doc = projectFromTemplate(getTemplate('binary-classifier')!, { name: 'Moons' });

describe('applySweepSettings', () => {
  it('changes only what differs: the training settings field and the layers whose parameters change', () => {
    const result = applySweepSettings(doc, { settings: { 'optimizer.learningRate': 0.03, batchSize: 16, 'layers.hidden_1.units': 32 } })!;
    expect(result.patch.fields).toHaveLength(1);
    expect(result.patch.fields![0].key).toBe('training');
    const after = result.patch.fields![0].after as NonNullable<typeof doc.training>;
    expect(after.optimizer.learningRate).toBe(0.03);
    expect(after.batchSize).toBe(16);
    expect(after.epochs).toBe(doc.training!.epochs);
    expect(result.patch.layers!.map((l) => l.after!.name)).toEqual(['hidden_1']);
    expect(result.patch.layers![0].after!.params.units).toBe(32);
    expect(result.patch.layers![0].before).toBe(doc.graph.layers[1]);
  });

  it('is no edit when the project already has the settings, and refuses settings that no longer fit', () => {
    expect(applySweepSettings(doc, { settings: { 'optimizer.learningRate': 0.01, 'layers.hidden_1.units': 16 } })).toBeNull();
    expect(() => applySweepSettings(doc, { settings: { 'layers.gone.units': 8 } })).toThrow(CommandError);
    expect(() => applySweepSettings(doc, { settings: { 'layers.gone.units': 8 } })).toThrow(/^These settings no longer fit the project: layers\.gone\.units: there is no layer named "gone"/);
  });
});
