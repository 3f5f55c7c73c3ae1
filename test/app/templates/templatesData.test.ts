// Each template is ready to train on the built-in dataset it is bound to, as the real data pipeline
// prepares it (the readiness check finds nothing), so Train works without edits.
import { describe, expect, it } from 'vitest';
import { checkReadiness } from '../../../app/training/readiness.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import { loadDataset } from '../../../main/data/load.ts';

async function fit(id: string) {
  const t = getTemplate(id)!;
  const data = await loadDataset(t.dataset);
  const readiness = checkReadiness(t.graph, data, t.training);
  return { data, readiness, problems: readiness.problems };
}

describe('templates against their built-in data', () => {
  it.each(templates.map((t) => t.id))('%s is ready to train on its data (no problem, not even a warning)', async (id) => {
    const { data, problems, readiness } = await fit(id);
    expect(problems).toEqual([]);
    expect(readiness).toMatchObject({ ready: true, dataChecked: true });
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
