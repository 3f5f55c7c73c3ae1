// `modelwright bench` as a user runs it: JSON shape with the studio loop beside bare TF.js, and usage errors.
import { describe, expect, it } from 'vitest';
import { expectOneLine, runCli } from './cliHarness.ts';

describe('modelwright bench', () => {
  it('--json reports studio and bare throughput for the chosen backend and model', async () => {
    const r = await runCli(['bench', '--backend', 'wasm', '--model', 'mlp', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out.results).toHaveLength(1);
    expect(out.results[0]).toMatchObject({ model: 'mlp', backend: 'wasm', batchSize: 64 });
    expect(out.results[0].samplesPerSec).toBeGreaterThan(0);
    expect(out.results[0].bareSamplesPerSec).toBeGreaterThan(0);
  });

  it.each([
    [['--backend', 'gpu'], /--backend must be one of tensorflow, webgpu, wasm, cpu, got "gpu"/],
    [['--model', 'resnet'], /--model must be one of mlp, cnn/],
    [['--batch-size', '0'], /--batch-size needs a whole number from 1 to 4096/],
  ])('refuses %j in one line with exit 2', async (args, message) => {
    const r = await runCli(['bench', ...args]);
    expect(r.code).toBe(2);
    expect(expectOneLine(r.stderr)).toMatch(message);
  });
});
