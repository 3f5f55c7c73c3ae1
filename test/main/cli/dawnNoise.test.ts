// Dawn (the `webgpu` package) prints "Warning: max…PerPipelineLayout artificially reduced…" natively on every
// adapter it opens. The real CLI, as a user runs it, must not show those lines: `modelwright bench` measures
// webgpu in a filtered child process and `modelwright serve` probes the adapter (Settings) in one.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeGpuAdapterQuietly } from '../../../main/engine/gpuProbe.ts';
import { startServe } from '../faults/harness.ts';
import { runCli } from './cliHarness.ts';

const probe = await probeGpuAdapterQuietly();
if (!probe.ok) console.log(`dawnNoise.test: skipping, no WebGPU adapter here (so Dawn prints nothing to filter): ${probe.reason}`);

const DAWN_NOISE = /artificially reduced from \d+ to \d+/;
const dir = mkdtempSync(join(tmpdir(), 'mw-dawn-noise-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe.skipIf(!probe.ok)('no Dawn warnings in the terminal', () => {
  it('modelwright bench --backend webgpu measures it and prints no Dawn line', async () => {
    const r = await runCli(['bench', '--backend', 'webgpu', '--model', 'mlp', '--batch-size', '32', '--json']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).not.toMatch(DAWN_NOISE);
    expect(r.stdout).not.toMatch(DAWN_NOISE);
    expect(r.stderr).toContain('measuring mlp on webgpu...');
    const out = JSON.parse(r.stdout);
    expect(out.skipped).toEqual([]);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ model: 'mlp', backend: 'webgpu', batchSize: 32 });
    expect(out.results[0].samplesPerSec).toBeGreaterThan(0);
  }, 180_000);

  it('modelwright serve: Settings show the adapter, the terminal shows no Dawn line', async () => {
    const serve = await startServe(join(dir, 'history.db'));
    try {
      const engine = await serve.api.training.backends();
      expect(engine.gpu.found).toBe(true);
      if (probe.ok) expect(engine.gpu).toMatchObject({ description: probe.adapter.description, software: probe.adapter.software });
      expect(engine.backends.find((b) => b.backend === 'webgpu')?.available).toBe(true);
      // The adapter was opened (in the child): give any stray native output time to arrive before looking.
      await new Promise((r) => setTimeout(r, 500));
      expect(serve.child.stderr()).not.toMatch(DAWN_NOISE);
      expect(serve.child.stdout()).not.toMatch(DAWN_NOISE);
    } finally {
      serve.close();
      serve.child.child.kill('SIGINT');
      await serve.child.exited;
    }
  }, 120_000);
});
