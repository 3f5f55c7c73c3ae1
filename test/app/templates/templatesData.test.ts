// Each template fits the built-in dataset it is bound to, as the real data pipeline prepares it:
// same Input shape, output units and activation, so Train works without edits.
import { describe, expect, it } from 'vitest';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { checkDataAgainstModel } from '../../../app/data/check.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import { loadDataset } from '../../../main/data/load.ts';

async function fit(id: string) {
  const t = getTemplate(id)!;
  const data = await loadDataset(t.dataset);
  const a = analyzeGraph(t.graph);
  const output = t.graph.layers.find((l) => l.id === a.outputs[0])!;
  const shape = a.layers[output.id].outputShape!;
  const activation = typeof output.params.activation === 'string' ? output.params.activation : 'linear';
  return { data, problems: checkDataAgainstModel(a.layers[a.inputs[0]].outputShape!, shape[shape.length - 1] as number, activation, data) };
}

describe('templates against their built-in data', () => {
  it.each(templates.map((t) => t.id))('%s fits its data exactly', async (id) => {
    const { data, problems } = await fit(id);
    expect(problems).toEqual([]);
    expect(data.task).toBe(getTemplate(id)!.dataset.task);
    expect(data.train.count).toBeGreaterThan(0);
  });

  it('intent-classifier predicts exactly the four desk intents', async () => {
    const { data } = await fit('intent-classifier');
    expect(data.classes).toEqual(['complaint', 'help', 'info', 'other']);
  });

  it('autoencoder: the targets are the images themselves, one value per pixel', async () => {
    const { data } = await fit('autoencoder');
    expect(data.task).toBe('reconstruction');
    expect(data.outputUnits).toBe(784);
    expect(data.train.yShape).toEqual([data.train.count, 784]);
    expect(Array.from(data.train.y.subarray(0, 784))).toEqual(Array.from(data.train.x.subarray(0, 784)));
  });
});
