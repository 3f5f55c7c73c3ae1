// Dawn (the `webgpu` package) prints "Warning: max…PerPipelineLayout artificially reduced…" natively on every
// adapter it opens. The real CLI, as a user runs it, must not show those lines: `modelwright bench` measures
// webgpu in a filtered child process, `modelwright serve` probes the adapter (Settings) in one, and
// `predict`/`serve-model`/`export --run` with `--backend webgpu` run as a filtered child of themselves (main/cli/dawnFiltered.ts).
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { probeGpuAdapterQuietly } from '../../../main/engine/gpuProbe.ts';
import { startServe } from '../faults/harness.ts';
import { runCli, startCliServer } from './cliHarness.ts';
import { trainAndRecord, type TrainedRun } from '../export/fixtures.ts';

const probe = await probeGpuAdapterQuietly();
if (!probe.ok) console.log(`dawnNoise.test: skipping, no WebGPU adapter here (so Dawn prints nothing to filter): ${probe.reason}`);

const DAWN_NOISE = /artificially reduced from \d+ to \d+/;
const dir = mkdtempSync(join(tmpdir(), 'mw-dawn-noise-'));
let iris: TrainedRun | null = null;
afterAll(async () => {
  await iris?.cleanup();
  rmSync(dir, { recursive: true, force: true });
});
const setosa = { sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 };
const virginica = { sepal_length: 6.7, sepal_width: 3.0, petal_length: 5.2, petal_width: 2.3 };
const rows = JSON.stringify([setosa, virginica]);

/** The CLI with `input` on its stdin (runCli gives none). */
function runCliWithStdin(args: string[], input: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = new URL('../../../main/cli/modelwright.ts', import.meta.url).pathname;
  const child = spawn(process.execPath, [entry, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
  child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); });
  child.stdin.end(input);
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

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

  describe('a model loaded on webgpu in the CLI\'s own process', () => {
    const trained = async (): Promise<TrainedRun> => (iris ??= await trainAndRecord({ epochs: 20 }));

    it('modelwright predict --backend webgpu: the same predictions as on cpu, from a file and from stdin, no Dawn line', async () => {
      const { modelDir } = await trained();
      const file = join(dir, 'rows.json');
      writeFileSync(file, rows);
      const onCpu = await runCli(['predict', modelDir, '--input', file, '--json', '--backend', 'cpu']);
      expect(onCpu.code, onCpu.stderr).toBe(0);
      const expected = JSON.parse(onCpu.stdout).predictions.map((p: { label: string }) => p.label);
      expect(expected).toHaveLength(2);
      for (const run of [
        await runCli(['predict', modelDir, '--input', file, '--json', '--backend', 'webgpu']),
        await runCliWithStdin(['predict', modelDir, '--input', '-', '--json', '--backend=webgpu'], rows),
      ]) {
        expect(run.code, run.stderr).toBe(0);
        expect(run.stderr).not.toMatch(DAWN_NOISE);
        expect(run.stdout).not.toMatch(DAWN_NOISE);
        expect(JSON.parse(run.stdout).predictions.map((p: { label: string }) => p.label)).toEqual(expected);
      }
    }, 180_000);

    it('modelwright export --run … --backend webgpu verifies the export there and prints no Dawn line', async () => {
      const { runId, root } = await trained();
      const run = await runCli(['export', '--run', String(runId), '--format', 'tfjs', '-o', join(dir, 'export'), '--backend', 'webgpu', '--db', join(root, 'history.db')]);
      expect(run.code, run.stderr).toBe(0);
      expect(run.stdout).toMatch(/Verification PASSED/);
      expect(run.stderr).not.toMatch(DAWN_NOISE);
      expect(run.stdout).not.toMatch(DAWN_NOISE);
    }, 180_000);

    it('a failure still comes through in one line with its exit code', async () => {
      const run = await runCli(['predict', join(dir, 'nowhere'), '--input', join(dir, 'rows.json'), '--backend', 'webgpu']);
      expect(run.code).toBe(2);
      expect(run.stderr.trim()).toMatch(/^modelwright predict: .*nowhere.* is not a saved model folder/);
      expect(run.stderr.trim().split('\n')).toHaveLength(1);
    }, 60_000);

    it('modelwright serve-model --backend webgpu answers, stops on Ctrl+C with exit 0, and prints no Dawn line', async () => {
      const { modelDir } = await trained();
      const server = await startCliServer(['serve-model', modelDir, '--backend', 'webgpu'], /^Serving .* at (http:\/\/127\.0\.0\.1:\d+)$/m, { timeoutMs: 120_000 });
      try {
        const res = await fetch(`${server.url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: rows });
        expect(res.status).toBe(200);
        expect((await res.json()).predictions).toHaveLength(2);
        expect((await (await fetch(`${server.url}/health`)).json())).toMatchObject({ status: 'ok', backend: 'webgpu' });
      } finally {
        expect(await server.stop()).toBe(0);
      }
      expect(server.output()).toMatch(/Ctrl\+C: stopping the model server\.\.\.\nStopped\./);
      expect(server.output()).not.toMatch(DAWN_NOISE);
    }, 180_000);
  });
});
