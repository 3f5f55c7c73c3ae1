// Augmentation in the trainer: refused on data that are not images, seeded per (epoch, batch) over in-memory
// batches, never applied to validation or test rows, and a real digits run with it learns (trainer process, wasm).
import { describe, expect, it } from 'vitest';
import { augmentBatches, augmentPlan, memoryBatches } from '../../../main/trainer/augment.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { mulberry32 } from '../../../app/data/split.ts';
import type { Batch } from '../../../main/data/stream.ts';
import { blobsJob } from './fixtures.ts';

const augment = { flip: 'horizontal', rotation: 20, zoom: 0.1, shift: 0.1, brightness: 0.2 } as const;

async function collect(batches: AsyncIterable<Batch>): Promise<Batch[]> {
  const out: Batch[] = [];
  for await (const b of batches) out.push(b);
  return out;
}

const bytes = (batches: Batch[]) => Buffer.concat(batches.map((b) => Buffer.from(b.x.buffer, b.x.byteOffset, b.x.byteLength)));

describe('augmentation in the trainer', () => {
  const n = 10;
  const split = { x: Float32Array.from({ length: n * 6 * 6 }, (_, i) => (i % 37) / 37), y: Float32Array.from({ length: n }, (_, i) => i % 2), n };
  const plan = augmentPlan(makeTrainingConfig({ seed: 5, augment }), [6, 6, 1], 'classification')!;

  it('is off without settings, and takes the run\'s seed unless it has its own', () => {
    expect(augmentPlan(makeTrainingConfig({}), [6, 6, 1], 'classification')).toBeNull();
    expect(augmentPlan(makeTrainingConfig({ augment: { flip: 'none' } }), [4], 'classification')).toBeNull();
    expect(plan.seed).toBe(5);
    expect(augmentPlan(makeTrainingConfig({ seed: 5, augment: { ...augment, seed: 9 } }), [6, 6, 1], 'classification')!.seed).toBe(9);
  });

  it('gives the same batches for the same epoch and other ones for the next epoch, keeping the targets', async () => {
    const epoch = async (e: number) => collect(augmentBatches(memoryBatches(split, [6, 6, 1], 4, mulberry32(e + 1)), plan, e));
    const [a, b, next] = [await epoch(0), await epoch(0), await epoch(1)];
    expect(a.map((x) => x.size)).toEqual([4, 4, 2]);
    expect(bytes(a).equals(bytes(b))).toBe(true);
    expect(bytes(a).equals(bytes(next))).toBe(false);
    const plain = await collect(memoryBatches(split, [6, 6, 1], 4, mulberry32(1)));
    expect(a.map((x) => Array.from(x.y))).toEqual(plain.map((x) => Array.from(x.y)));
    expect(bytes(a).equals(bytes(plain))).toBe(false);
  });

  it('gives an autoencoder the augmented picture as its target too', async () => {
    const recon = augmentPlan(makeTrainingConfig({ augment }), [6, 6, 1], 'reconstruction')!;
    const [b] = await collect(augmentBatches(memoryBatches({ ...split, y: split.x }, [6, 6, 1], 10), recon, 0));
    expect(Array.from(b.y)).toEqual(Array.from(b.x));
  });

  it('fails a run on table data with one sentence saying what to do', async () => {
    const result = await startTraining(blobsJob({ config: { augment: { rotation: 10 } } })).done;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^augmentation .* works on images, and this data gives each sample the shape \[2\], not \[height, width, channels\]$/);
    expect(result.advice).toMatch(/turn augmentation off/);
  });

  it('trains the digits template with augmentation, and learns; validation and test rows are not augmented', async () => {
    const project = projectFromTemplate(getTemplate('digit-recognizer')!);
    const run = (config: Record<string, unknown>) => startTraining({
      model: { kind: 'graph', graph: project.graph },
      data: { kind: 'binding', binding: project.dataset! },
      config: { ...project.training, backend: 'wasm', ...config },
      outputDir: null,
    }).done;
    // A learning rate of ~0 leaves the weights as initialized: the validation and test scores must then be
    // the same with and without augmentation (their rows are the same), while the training loss is not.
    const still = { epochs: 1, optimizer: { name: 'sgd', learningRate: 1e-12 } };
    const [plain, augmented] = [await run(still), await run({ ...still, augment: { ...augment, brightness: 1 } })];
    expect(augmented.status, augmented.message).toBe('completed');
    const gap = (key: string) => Math.abs(augmented.history[key][0]! - plain.history[key][0]!);
    expect(gap('val_loss')).toBeLessThan(1e-6);
    expect(Math.abs(augmented.test!.logs.loss! - plain.test!.logs.loss!)).toBeLessThan(1e-6);
    // An untrained model's loss hardly depends on its input (about ln 10 whatever it sees), but it does.
    expect(gap('loss')).toBeGreaterThan(Math.max(1e-5, 20 * gap('val_loss')));

    const learned = await run({ epochs: 3, augment: { rotation: 10, zoom: 0.1, shift: 0.1 } });
    expect(learned.status, learned.message).toBe('completed');
    expect(learned.epochsCompleted).toBe(3);
    expect(learned.test!.evaluation.task === 'classification' && learned.test!.evaluation.accuracy).toBeGreaterThan(0.8);
  }, 300_000);
});
