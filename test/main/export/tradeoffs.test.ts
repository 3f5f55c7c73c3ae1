// The trade-off view of a run (main/export/tradeoffs.ts): an iris MLP, a pruned child trained by the real
// trainer from its weights, and an ensemble that records it as a member; every row measured on the same
// test rows, sizes from the files as written, latency measured.
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { trainingJobSchema } from '../../../app/training/protocol.ts';
import { paretoFront } from '../../../app/training/tradeoffs.ts';
import { runTraining } from '../../../main/trainer/train.ts';
import { testSummary } from '../../../main/trainer/recording.ts';
import { computeTradeoffs } from '../../../main/export/tradeoffs.ts';
import { setEnsembleMembers, setLineage } from '../../../main/store/lineage.ts';
import { mlp, trainAndRecord, type TrainedRun } from './fixtures.ts';

let run: TrainedRun;
let prunedId: number;
let ensembleId: number;

beforeAll(async () => {
  run = await trainAndRecord({ epochs: 20, graph: mlp(4, 256, 3, 'softmax'), learningRate: 0.01 });
  const parent = run.store.getRun(run.runId);
  const config = { ...parent.config, epochs: 5 };
  const modelDir = join(run.store.artifactRoot, 'model-pruned');
  const result = await runTraining(trainingJobSchema.parse({
    runId: 'pruned', model: { kind: 'graph', graph: parent.graph }, data: { kind: 'binding', binding: parent.datasetBinding },
    config, outputDir: modelDir, startFrom: run.modelDir, prune: { sparsity: 0.5 },
  }));
  expect(result.status, result.message).toBe('completed');
  expect(result.pruned!.map((l) => [l.layer, l.zeros / l.weights >= 0.5])).toEqual([['hidden', true], ['output', true]]);
  prunedId = run.store.createRun({ name: 'pruned 50%', graph: parent.graph, config, datasetBinding: parent.datasetBinding!, backend: 'cpu' });
  setLineage(run.store, prunedId, { kind: 'prune', parentRunId: run.runId, derivation: { prune: { sparsity: 0.5 } } });
  run.store.finishRun(prunedId, 'completed', { testMetrics: testSummary(result) ?? undefined, artifacts: [{ kind: 'model', path: modelDir, owned: true }] });
  // An ensemble recorded by another front end, here without a saved model of its own.
  ensembleId = run.store.createRun({ name: 'fused', graph: parent.graph, config, backend: 'cpu' });
  setLineage(run.store, ensembleId, { kind: 'ensemble' });
  setEnsembleMembers(run.store, ensembleId, [{ runId: run.runId, weight: 0.5 }, { runId: prunedId, weight: 0.5 }]);
  run.store.finishRun(ensembleId, 'completed', {});
}, 120_000);

afterAll(() => run?.cleanup());

describe('trade-offs', () => {
  it('measures the original, float16, uint8, the pruned child and lists the ensemble it is in', async () => {
    const report = await computeTradeoffs({ store: run.store, runId: run.runId, backend: 'cpu', repetitions: 3, latencySamples: 4 });
    expect(report.metric).toEqual({ name: 'accuracy', higherIsBetter: true });
    expect(report.source).toBe('test-split');
    expect(report.rows.map((r) => r.label)).toEqual(['original (float32)', 'float16', 'uint8', 'pruned 50%', `ensemble #${ensembleId}`]);
    const [original, f16, u8, pruned, ensemble] = report.rows;
    // The same test rows the trainer evaluated on: the original's metric is the recorded one.
    expect(original.metric).toBeCloseTo(run.store.getRun(run.runId).test.accuracy!, 6);
    expect(pruned.metric).toBeCloseTo(run.store.getRun(prunedId).test.accuracy!, 6);
    expect(u8.metric).not.toBeNull();
    // Sizes: quantization shrinks the raw bytes; pruning only the gzipped ones.
    expect(f16.sizeRaw).toBeLessThan(original.sizeRaw * 0.75);
    expect(u8.sizeRaw).toBeLessThan(f16.sizeRaw);
    expect(Math.abs(pruned.sizeRaw - original.sizeRaw)).toBeLessThan(200);
    expect(pruned.sizeGzip).toBeLessThan(original.sizeGzip);
    for (const r of [original, f16, u8, pruned]) {
      expect(r.latencyMs).toBeGreaterThan(0);
      expect(r.note).toBeNull();
    }
    expect([f16.quantization, u8.quantization, pruned.runId, pruned.sparsity]).toEqual(['float16', 'uint8', prunedId, 0.5]);
    expect(ensemble).toMatchObject({ runId: ensembleId, variant: 'ensemble', metric: null, latencyMs: null });
    expect(ensemble.note).toMatch(/no saved model/);
  }, 60_000);

  it('refuses a run without a model in one sentence', async () => {
    await expect(computeTradeoffs({ store: run.store, runId: ensembleId, backend: 'cpu' })).rejects.toThrow(/has no trained model/);
  });
});

describe('pareto front', () => {
  const row = (metric: number | null, sizeGzip: number) => ({ metric, sizeGzip }) as never;
  it('keeps the rows no other row beats on both metric and gzipped size', () => {
    const rows = [row(0.9, 100), row(0.89, 50), row(0.85, 60), row(0.9, 120), row(null, 10)];
    expect([...paretoFront({ rows, metric: { name: 'accuracy', higherIsBetter: true } })].sort()).toEqual([0, 1]);
    expect([...paretoFront({ rows: [row(0.1, 100), row(0.2, 50)], metric: { name: 'mae', higherIsBetter: false } })]).toEqual([0, 1]);
  });
});
