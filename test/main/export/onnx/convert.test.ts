// The ONNX converter, layer by layer: each graph is built in TF.js with random weights, converted, run in
// ONNX Runtime (onnxruntime-node) on the same random inputs, and must agree with TF.js within 1e-4 —
// every catalog layer type, channels-last convolutions, recurrent layers with TF.js's hard-sigmoid
// gates, ignored padding, branches; and a clear refusal for what cannot be expressed.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { layerCatalog } from '../../../../app/graph/catalog.ts';
import type { Graph } from '../../../../app/graph/types.ts';
import { templates } from '../../../../app/templates/index.ts';
import { OnnxExportError } from '../../../../main/export/onnx/builder.ts';
import { onnxLayerTypes } from '../../../../main/export/onnx/convert.ts';
import { pythonWith } from '../../../app/codegen/fixtures.ts';
import { chain, layerCases as cases, node, parity } from './parity.ts';

const scratch = mkdtempSync(join(tmpdir(), 'mw-onnx-'));
const written: string[] = [];
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

async function checkedParity(title: string, graph: Graph, batch?: number) {
  const result = await parity(graph, { batch });
  const file = join(scratch, `${written.length}.onnx`);
  writeFileSync(file, result.conversion.bytes);
  written.push(file);
  return result;
}

beforeAll(async () => {
  await tf.setBackend('cpu');
});
afterEach(() => tf.disposeVariables());

const TOL = 1e-4;


describe('ONNX conversion agrees with TF.js in ONNX Runtime', () => {
  for (const [title, graph] of cases) {
    it(title, async () => {
      const result = await checkedParity(title, graph);
      expect(result.tfOutput.length).toBeGreaterThan(0);
      expect(result.maxAbsDiff).toBeLessThan(TOL);
    });
  }

  for (const template of templates) {
    it(`template ${template.id}`, async () => {
      const result = await checkedParity(template.id, template.graph, 4);
      expect(result.maxAbsDiff).toBeLessThan(TOL);
    });
  }

  it('covers every catalog layer type (Input is the graph input)', () => {
    const exercised = new Set([...cases.flatMap(([, g]) => g.layers.map((l) => l.type)), ...templates.flatMap((t) => t.graph.layers.map((l) => l.type))]);
    const catalog = layerCatalog.map((d) => d.type).filter((t) => t !== 'Input');
    expect(catalog.filter((t) => !onnxLayerTypes.includes(t))).toEqual([]);
    expect(catalog.filter((t) => !exercised.has(t))).toEqual([]);
  });
});

const onnxPython = pythonWith(['onnx']);
if (!onnxPython) console.warn('[onnx] Debian\'s ONNX checker skipped: no python3 with the onnx module (apt-get install python3-onnx)');

describe.skipIf(!onnxPython)('Debian\'s python3-onnx', () => {
  it('accepts every converted model (onnx.checker with full shape inference; IR 8, opset 17)', () => {
    expect(written.length).toBe(cases.length + templates.length);
    const r = spawnSync(onnxPython!, [new URL('./checkOnnx.py', import.meta.url).pathname, ...written], { encoding: 'utf8' });
    expect(r.stderr).toBe('');
    const results = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { ok: boolean; error?: string; ir?: number; opset?: number });
    expect(results.filter((x) => !x.ok)).toEqual([]);
    expect(results.every((x) => x.ir === 8 && x.opset === 17)).toBe(true);
  });
});

describe('refusals', () => {
  it('refuses every-step output of a sequence whose padding is ignored, saying what to change', async () => {
    const graph = chain(
      node('in', 'Input', { shape: [6], dtype: 'int32' }),
      node('emb', 'Embedding', { inputDim: 10, outputDim: 3, maskZero: true }),
      node('seq', 'LSTM', { units: 2, returnSequences: true }),
      node('f', 'Flatten'),
    );
    const err = await parity(graph).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(OnnxExportError);
    expect((err as Error).message).toMatch(/layer "seq" \(LSTM\) cannot be exported to ONNX: .*turn "Output every step" off/);
  });

  it('refuses a recurrent activation ONNX lacks', async () => {
    const graph = chain(node('in', 'Input', { shape: [4, 2] }), node('r', 'SimpleRNN', { units: 2, activation: 'gelu' }));
    await expect(parity(graph)).rejects.toThrow(/layer "r" \(SimpleRNN\) cannot be exported to ONNX: ONNX recurrent operators have no "gelu" activation/);
  });
});
