// The throughput benchmark library: warm-up exclusion, sizing, and the report the CLI prints.
import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { measureThreadScaling, measureThroughput, runEngineBench, type FitFn } from '../../../main/engine/bench.ts';
import { median } from '../../../app/training/tradeoffs.ts';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('measureThroughput', () => {
  it('excludes the slow first call and measures the steady rate', async () => {
    let calls = 0;
    const fit: FitFn = async (batches) => {
      calls++;
      await sleep(calls === 1 ? 300 : batches * 5); // 5 ms per batch of 10 → 2,000 samples/s once warm
      return batches * 10;
    };
    const rate = await measureThroughput(fit, 10, { minMs: 300 });
    expect(rate).toBeGreaterThan(1200);
    expect(rate).toBeLessThan(2100);
    expect(calls).toBe(3);
  });

  it('counts the samples the fit function reports, not the batches it was asked for', async () => {
    const fit: FitFn = async (batches) => {
      await sleep(batches * 4);
      return batches * 2 * 8; // e.g. whole epochs: twice what was asked
    };
    const rate = await measureThroughput(fit, 8, { minMs: 200 });
    expect(rate).toBeGreaterThan(2500); // 16 samples per 4 ms ≈ 4,000/s; ignoring the report would give ≈ 2,000
  });
});

describe('runEngineBench', () => {
  const tfjsNodeInstalled = (() => {
    try {
      createRequire(import.meta.url).resolve('@tensorflow/tfjs-node');
      return true;
    } catch {
      return false;
    }
  })();

  it('measures bare model.fit on wasm, reports skipped backends, and says samplesPerSec is a stand-in', async () => {
    const report = await runEngineBench({ backends: ['tensorflow', 'wasm'], models: ['mlp'], measure: { minMs: 300, warmupBatches: 1 } });
    const [wasm] = report.results.filter((r) => r.backend === 'wasm');
    expect(wasm).toMatchObject({ model: 'mlp', backend: 'wasm', batchSize: 64 });
    expect(wasm.bareSamplesPerSec).toBeGreaterThan(50);
    expect(wasm.samplesPerSec).toBe(wasm.bareSamplesPerSec);
    expect(wasm.note).toMatch(/^no studio training loop was given \(studioFit; runStudioEngineBench gives it\)/);
    if (!tfjsNodeInstalled) expect(report.skipped.map((s) => s.backend)).toEqual(['tensorflow']);
  });

  it('runs a plugged-in studio loop on its own model and reports it separately', async () => {
    const seen: string[] = [];
    const report = await runEngineBench({
      backends: ['wasm'],
      models: ['cnn'],
      measure: { minMs: 200, warmupBatches: 1 },
      studioFit: ({ model, x, y, batchSize, modelName }) => async (batches) => {
        seen.push(modelName);
        const [xb, yb] = [x.slice(0, batchSize), y.slice(0, batchSize)];
        for (let b = 0; b < batches; b++) await model.trainOnBatch(xb, yb);
        xb.dispose();
        yb.dispose();
        return batches * batchSize;
      },
    });
    expect(seen.length).toBeGreaterThanOrEqual(2);
    expect(seen.every((m) => m === 'cnn')).toBe(true);
    expect(report.results[0].note).toBeUndefined();
    expect(report.results[0].samplesPerSec).toBeGreaterThan(0);
  });
});

describe('measureThreadScaling', () => {
  it('times one thread and replicas in alternating windows of one process and reports the median of the pairs\' ratios', async () => {
    const scaling = await measureThreadScaling({ model: 'mlp', batchSize: 64, threads: 2, pairs: 3, windowMs: 150 });
    expect(scaling.threads).toBe(2);
    expect(scaling.pairs).toHaveLength(3);
    for (const p of scaling.pairs) {
      expect(p.one).toBeGreaterThan(50);
      expect(p.many).toBeGreaterThan(50);
    }
    // The replicas timed splitting in their first steps, as training does, and said what they chose.
    expect(typeof scaling.split).toBe('boolean');
    expect(scaling.ratio).toBeCloseTo(median(scaling.pairs.map((p) => p.many / p.one)), 10);
    expect(scaling.bestRatio).toBeCloseTo(Math.max(...scaling.pairs.map((p) => p.many)) / Math.max(...scaling.pairs.map((p) => p.one)), 10);
  });
});
