// The generated PyTorch script, run for real with Debian's python3-torch: for every template, --check
// builds the model and runs one forward and backward pass on random data, and the model has exactly
// the studio's parameter count (a different layer mapping would not).
// Without a dataset the script still builds the model and saves it untrained.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { analyzeGraph } from '../../../app/graph/analyze.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import { scratchDir, templateData, torchPython as findTorchPython } from './fixtures.ts';

const torchPython = findTorchPython();
if (!torchPython) console.warn('Skipping the PyTorch script runs: no python3 with torch, numpy, pandas, regex and onnx here (Debian: apt-get install python3-torch python3-pandas python3-regex python3-onnx).');

const scratch = scratchDir('pytorch-check');
afterAll(() => scratch.cleanup());

describe.skipIf(!torchPython)('generated PyTorch script, --check, every template', () => {
  it.each(templates.map((t) => [t.id, t] as const))('%s builds, runs forward and backward, and counts the studio\'s parameters', { timeout: 120_000 }, async (id, template) => {
    const dir = join(scratch.dir, id);
    const { plan } = await templateData(template, dir);
    const file = join(dir, 'train.py');
    writeFileSync(file, generateCode({ graph: template.graph, data: plan, training: template.training }, { language: 'pytorch' }).code);
    const r = spawnSync(torchPython!, [file, '--check'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const match = /check passed: output \(4, [\d, ]+\), loss [\d.]+, (\d+) parameters \(the studio counts (\d+)\)/.exec(r.stdout);
    expect(match, r.stdout).not.toBeNull();
    const studio = analyzeGraph(template.graph).totalParams;
    expect(Number(match![1])).toBe(studio);
    expect(Number(match![2])).toBe(studio);
  });

  it('sensor-attention with sine-wave positions: --check runs, and the PositionEmbedding adds no parameters', { timeout: 120_000 }, async () => {
    const template = getTemplate('sensor-attention')!;
    const graph = structuredClone(template.graph);
    const positions = graph.layers.find((l) => l.type === 'PositionEmbedding')!;
    positions.params = { ...positions.params, positionEncoding: 'sinusoidal' };
    const dir = join(scratch.dir, 'sensor-sine');
    const { plan } = await templateData(template, dir);
    const file = join(dir, 'train.py');
    const code = generateCode({ graph, data: plan, training: template.training }, { language: 'pytorch' }).code;
    expect(code).toContain('PositionEmbedding(32, 32, learned=False)');
    writeFileSync(file, code);
    const r = spawnSync(torchPython!, [file, '--check'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    const studio = analyzeGraph(graph).totalParams;
    // The learned table is 32 positions × 32 features; the sine waves have none.
    expect(studio).toBe(analyzeGraph(template.graph).totalParams - 32 * 32);
    expect(r.stdout).toContain(`${studio} parameters (the studio counts ${studio})`);
  });

  it('without a dataset, the script builds the model and saves it untrained (state_dict and ONNX)', { timeout: 120_000 }, () => {
    const dir = join(scratch.dir, 'no-data');
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'train.py'), generateCode({ graph: getTemplate('sentiment')!.graph, data: null }, { language: 'pytorch' }).code);
    const r = spawnSync(torchPython!, ['train.py'], { cwd: dir, encoding: 'utf8', timeout: 110_000 });
    expect(r.stderr).not.toMatch(/Traceback/);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('No dataset is bound to this project');
    expect(existsSync(join(dir, 'model', 'model.pt'))).toBe(true);
    expect(existsSync(join(dir, 'model', 'model.onnx'))).toBe(true);
  });
});
