// Every template's model takes training steps on the WebGPU backend (lavapipe in CI) with its own input shape,
// batch size and loss, and WebGPU reports no error on the way: an invalid shader does not throw, it leaves a
// kernel's output unwritten (the `sentiment` template's LSTM mask did), so runTemplateBench checks the device's
// error log and lists such a template as skipped with the error.
import { describe, expect, it } from 'vitest';
import { templates } from '../../../app/templates/index.ts';
import { runTemplateBench } from '../../../main/engine/templateBench.ts';
import { probeGpuAdapter } from '../../../main/engine/webgpu.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`templatesOnWebgpu.test: skipping, no WebGPU here: ${probe.reason}`);

describe.skipIf(!probe.ok)('every template trains on webgpu', () => {
  it('each template model runs training batches with finite throughput and no WebGPU error', async () => {
    const report = await runTemplateBench({
      backend: 'webgpu',
      // One warm-up and one measured batch each; lavapipe is a CPU, so the largest (residual-cnn) takes seconds a batch.
      measure: { minMs: 1, warmupBatches: 1, maxBatches: 1 },
      maxFirstBatchMs: 120_000,
      poolBatches: 2,
    });
    expect(report.skipped).toEqual([]);
    expect(report.results.map((r) => r.template).sort()).toEqual(templates.map((t) => t.id).sort());
    for (const r of report.results) expect(Number.isFinite(r.samplesPerSec) && r.samplesPerSec > 0, r.template).toBe(true);
  }, 300_000);
});
