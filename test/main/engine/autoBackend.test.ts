// Training's auto: a short measurement of the actual model on each backend that starts picks the fastest,
// says why in one line, and is cached per model shape (in memory and in a JSON file).
import { describe, expect, it } from 'vitest';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadMeasuredBackend, _forTests } from '../../../main/engine/autoBackend.ts';
import { probeGpuAdapter } from '../../../main/engine/webgpu.ts';
import type { Tf } from '../../../main/engine/backends.ts';

// An MLP big enough that wasm beats the pure-JS cpu backend by far (about 10×), so the winner is certain.
const mlp = async (tf: Tf) => tf.sequential({ layers: [
  tf.layers.dense({ inputShape: [256], units: 128, activation: 'relu' }),
  tf.layers.dense({ units: 10, activation: 'softmax' }),
] });

describe('loadMeasuredBackend', () => {
  it('times the model on each backend that starts, keeps the fastest active and says why', async () => {
    _forTests.memoryCache.clear();
    const cacheFile = join(mkdtempSync(join(tmpdir(), 'mw-auto-')), 'choices.json');
    const loaded = await loadMeasuredBackend({ build: mlp, batchSize: 32, candidates: ['wasm', 'cpu'], cacheFile });
    expect(loaded.backend).toBe('wasm');
    expect(loaded.tf.getBackend()).toBe('wasm');
    expect(loaded.choice.cached).toBe(false);
    expect(loaded.choice.measured.map((m) => m.backend)).toEqual(['wasm', 'cpu']);
    const [wasm, cpu] = loaded.choice.measured.map((m) => m.samplesPerSec ?? 0);
    expect(wasm).toBeGreaterThan(cpu);
    expect(loaded.choice.reason).toMatch(/^wasm: [\d,]+ samples\/s, cpu: [\d,]+ samples\/s on this model at batch 32 → wasm$/);
    expect(existsSync(cacheFile)).toBe(true);

    // The same shape again: no new measurement, from memory, then (a new process) from the file.
    const again = await loadMeasuredBackend({ build: mlp, batchSize: 32, candidates: ['wasm', 'cpu'], cacheFile });
    expect(again.choice).toMatchObject({ backend: 'wasm', cached: true });
    expect(again.choice.reason).toMatch(/→ wasm \(measured earlier\)$/);
    _forTests.memoryCache.clear();
    const fromFile = await loadMeasuredBackend({ build: mlp, batchSize: 32, candidates: ['wasm', 'cpu'], cacheFile });
    expect(fromFile.choice.cached).toBe(true);
    expect(Object.keys(JSON.parse(readFileSync(cacheFile, 'utf8')))).toHaveLength(1);

    // Another batch size is another shape: measured anew.
    const other = await loadMeasuredBackend({ build: mlp, batchSize: 8, candidates: ['wasm', 'cpu'], cacheFile });
    expect(other.choice.cached).toBe(false);
  });

  it('a backend that does not start is reported as tried; with one left there is nothing to measure', async () => {
    const loaded = await loadMeasuredBackend({ build: mlp, batchSize: 16, candidates: ['tensorflow', 'wasm'], cacheFile: null, requireTfjsNode: () => { throw new Error('libtensorflow.so.2: cannot open shared object file'); } });
    expect(loaded.backend).toBe('wasm');
    expect(loaded.tried.find((t) => t.backend === 'tensorflow')).toMatchObject({ ok: false });
    expect(loaded.choice.reason).toBe('wasm: the only backend that started');
  });

  it('skips a software adapter by default and says so', async (ctx) => {
    const probe = await probeGpuAdapter();
    if (!probe.ok || !probe.adapter.software) {
      ctx.skip();
      return;
    }
    const loaded = await loadMeasuredBackend({ build: mlp, batchSize: 32, cacheFile: null });
    expect(loaded.choice.measured.map((m) => m.backend)).not.toContain('webgpu');
    expect(loaded.choice.reason).toMatch(/webgpu not measured: .*software: a CPU, not a GPU.* is a software renderer/);
  });

  it('measures webgpu too when an adapter is present (the default candidates)', async (ctx) => {
    const probe = await probeGpuAdapter();
    if (!probe.ok) {
      console.log(`autoBackend.test: no WebGPU here, webgpu case skipped: ${probe.reason}`);
      ctx.skip();
      return;
    }
    _forTests.memoryCache.clear();
    const loaded = await loadMeasuredBackend({ build: mlp, batchSize: 32, cacheFile: null, includeSoftwareGpu: true });
    const measured = loaded.choice.measured.map((m) => m.backend);
    expect(measured).toContain('webgpu');
    expect(measured).toContain('wasm');
    expect(loaded.choice.reason).toMatch(/webgpu: [\d,]+ samples\/s/);
    expect(loaded.tf.getBackend()).toBe(loaded.backend);
  });
});
