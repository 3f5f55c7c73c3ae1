// Training on a table streamed from disk: when the trainer streams, that a model really learns from a
// 200,000-row file in a trainer process with bounded memory, and that stop, NaN → diverged, early
// stopping and validation work the same as in memory. The 2,000,000-row epoch is in test/bench/data.bench.ts.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { mulberry32 } from '../../../app/data/split.ts';
import type { ClassificationEvaluation } from '../../../app/training/evaluate.ts';
import type { Batch } from '../../../main/data/stream.ts';
import { shuffleRows, streamingPath, StreamingUnsupported } from '../../../main/trainer/streaming.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { writeNumericCsv } from '../data/streamFixture.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-stream-train-'));
const big = join(dir, 'big.csv');
const small = join(dir, 'small.csv');
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function mlp(inputs: number, units: number, activation: string): Graph {
  const layers: LayerNode[] = [
    { id: 'in', type: 'Input', name: 'features', params: { shape: [inputs] } },
    { id: 'h', type: 'Dense', name: 'hidden', params: { units: 16, activation: 'relu' } },
    { id: 'out', type: 'Dense', name: 'output', params: { units, activation } },
  ];
  return { layers, connections: [{ from: 'in', to: 'h', toSlot: 0 }, { from: 'h', to: 'out', toSlot: 0 }] };
}

const binding = (source: string, extra: Record<string, unknown> = {}) => datasetBindingSchema.parse({ source, target: 'label', stream: true, ...extra });

describe('when the trainer streams', () => {
  beforeAll(() => writeNumericCsv(small, 20_000, 19, { learnable: true }));

  it('streams a table over the size threshold or when the binding asks, and loads everything else', async () => {
    const auto = datasetBindingSchema.parse({ source: small, target: 'label' });
    expect(await streamingPath(auto, undefined)).toBeNull();
    expect(await streamingPath(auto, undefined, 1024)).toBe(small);
    expect(await streamingPath({ ...auto, stream: false }, undefined, 1024)).toBeNull();
    expect(await streamingPath(binding('small.csv'), dir)).toBe(small);
    expect(await streamingPath(datasetBindingSchema.parse({ source: 'builtin:iris' }), undefined, 0)).toBeNull();
    // A missing file is left to the loader, which says so in its own words.
    expect(await streamingPath(binding(join(dir, 'nope.csv')), undefined)).toBeNull();
    writeFileSync(join(dir, 'texts.csv'), 'text,label\nhello,a\nbye,b\n');
    await expect(streamingPath(binding(join(dir, 'texts.csv'), { kind: 'text' }), undefined)).rejects.toThrow(StreamingUnsupported);
  });

  it('shuffles rows through a bounded buffer: every row once, in a seeded order, in full batches', async () => {
    async function* source(): AsyncGenerator<Batch> {
      for (let start = 0; start < 1000; start += 100) {
        const x = Float32Array.from({ length: 200 }, (_, i) => start + Math.floor(i / 2));
        const y = Float32Array.from({ length: 100 }, (_, i) => start + i);
        yield { x, xShape: [100, 2], y, yShape: [100, 1], size: 100 };
      }
    }
    const collect = async (seed: number) => {
      const rows: number[] = [];
      const sizes: number[] = [];
      for await (const b of shuffleRows(source(), 64, 256, mulberry32(seed))) {
        expect(b.xShape).toEqual([b.size, 2]);
        sizes.push(b.size);
        for (let r = 0; r < b.size; r++) {
          // Features and target stay together.
          expect(b.x[r * 2]).toBe(b.y[r]);
          rows.push(b.y[r]);
        }
      }
      return { rows, sizes };
    };
    const a = await collect(1);
    expect([...a.rows].sort((p, q) => p - q)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(a.sizes.slice(0, -1).every((s) => s === 64)).toBe(true);
    expect(a.sizes.at(-1)).toBe(1000 % 64);
    // Well mixed: far from file order, yet no row travels ahead of the buffer's reach.
    let displaced = 0;
    a.rows.forEach((row, i) => { if (Math.abs(row - i) > 10) displaced++; });
    expect(displaced).toBeGreaterThan(800);
    a.rows.forEach((row, i) => expect(row).toBeLessThan(i + 256 + 1));
    expect((await collect(1)).rows).toEqual(a.rows);
    expect((await collect(2)).rows).not.toEqual(a.rows);
  });
});

describe('training streamed from disk', () => {
  it('learns from a 200,000 × 20 CSV in the trainer process, evaluates the streamed test split, and reports its peak memory', async () => {
    await writeNumericCsv(big, 200_000, 19, { learnable: true });
    const result = await startTraining({
      model: { kind: 'graph', graph: mlp(19, 3, 'softmax') },
      data: { kind: 'binding', binding: binding(big) },
      config: { backend: 'wasm', epochs: 2, batchSize: 256, optimizer: { name: 'adam', learningRate: 0.01 }, metrics: ['accuracy'] },
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.streamed).toBe(true);
    expect(result.epochsCompleted).toBe(2);
    // Hash-assigned splits: about 64 % train, 16 % validation, 20 % test.
    expect(result.trainSamples).toBeGreaterThan(120_000);
    expect(result.trainSamples).toBeLessThan(136_000);
    expect(result.history.val_accuracy).toHaveLength(2);
    expect(result.history.val_accuracy[1]).toBeGreaterThan(0.9);
    const evaluation = result.test!.evaluation as ClassificationEvaluation;
    expect(evaluation.count).toBeGreaterThan(36_000);
    expect(evaluation.confusion.flat().reduce((a, b) => a + b, 0)).toBe(evaluation.count);
    expect(evaluation.accuracy).toBeGreaterThan(0.9);
    expect(result.test!.logs.accuracy).toBeCloseTo(evaluation.accuracy, 2);
    expect(evaluation.auc).toBeGreaterThan(0.95);
    process.stdout.write(`streamed training: ${result.trainSamples} rows × 2 epochs in ${(result.durationMs / 1000).toFixed(1)} s, ${Math.round(result.samplesPerSec)} samples/s, trainer peak RSS ${result.peakRssMb} MB\n`);
    expect(result.peakRssMb).toBeGreaterThan(0);
    expect(result.peakRssMb).toBeLessThan(1024);
  });

  it('stops after the current batch when asked, keeping the run as stopped', async () => {
    const session = startTraining({
      model: { kind: 'graph', graph: mlp(19, 3, 'softmax') },
      data: { kind: 'binding', binding: binding(small) },
      config: { backend: 'wasm', epochs: 50, batchSize: 32, optimizer: { name: 'adam', learningRate: 0.01 } },
    });
    let batches = 0;
    session.onProgress((e) => { if (e.type === 'batch' && ++batches === 3) session.stop(); });
    const result = await session.done;
    expect(result.status, result.message).toBe('stopped');
    expect(result.streamed).toBe(true);
    expect(result.message).toMatch(/^stopped after batch \d+ of \d+ in epoch 1/);
    expect(result.epochsCompleted).toBe(0);
  });

  it('ends a run whose loss becomes NaN as diverged, and early stopping reads the streamed validation loss', async () => {
    const diverged = await startTraining({
      model: { kind: 'graph', graph: mlp(19, 1, 'linear') },
      data: { kind: 'binding', binding: binding(small, { task: 'regression', scaling: 'none' }) },
      config: { backend: 'wasm', epochs: 3, batchSize: 64, optimizer: { name: 'sgd', learningRate: 1000 } },
    }).done;
    expect(diverged.status, diverged.message).toBe('diverged');
    expect(diverged.advice).toMatch(/lower the learning rate/);

    const early = await startTraining({
      model: { kind: 'graph', graph: mlp(19, 3, 'softmax') },
      data: { kind: 'binding', binding: binding(small) },
      // minDelta so large that no epoch counts as better than the first: the run ends after patience + 1 epochs.
      config: { backend: 'wasm', epochs: 20, batchSize: 64, earlyStopping: { enabled: true, monitor: 'val_loss', patience: 2, minDelta: 100 } },
    }).done;
    expect(early.status, early.message).toBe('completed');
    expect(early.message).toMatch(/^early stopping ended the run after epoch 3 of 20/);
    expect(early.history.val_loss).toHaveLength(3);
    expect(early.history.val_loss.every((v) => typeof v === 'number' && Number.isFinite(v))).toBe(true);
  });
});
