// The generated PyTorch model computes what the studio's TF.js model computes: for graphs that together
// use every catalog layer (the ONNX parity cases), TF.js's weights are loaded into the script's Model
// (test/app/codegen/torchParity.py maps Keras layouts to PyTorch's) and both run on the same inputs;
// outputs must agree within 1e-4 — channels-last convolutions with TensorFlow's "same" padding, pooling,
// transposed convolutions, normalization, recurrent layers with TF.js's gates, padding masks, merges.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CodegenError, generateCode } from '../../../app/codegen/index.ts';
import { layerCatalog } from '../../../app/graph/catalog.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { buildTfModel, registerCustomLayers } from '../../../app/graph/buildModel.ts';
import { chain, layerCases, node, perturb, randomInput } from '../../main/export/onnx/parity.ts';
import { scratchDir, torchPython as findTorchPython } from './fixtures.ts';

const torchPython = findTorchPython();
if (!torchPython) console.warn('Skipping the PyTorch parity runs: no python3 with torch, numpy, pandas, regex and onnx here.');

/** The ONNX parity cases, and a template with the one layer type they leave to the templates. */
const cases: [string, Graph][] = [...layerCases, ['template residual-cnn', getTemplate('residual-cnn')!.graph]];

const scratch = scratchDir('pytorch-parity');
afterAll(() => scratch.cleanup());
beforeAll(async () => {
  await tf.setBackend('cpu');
  registerCustomLayers(tf);
});
afterEach(() => tf.disposeVariables());

describe.skipIf(!torchPython)('generated PyTorch model agrees with TF.js', () => {
  it.each(cases.map(([title, graph], i) => [title, graph, i] as const))('%s', { timeout: 120_000 }, async (_title, graph, i) => {
    // Code first: TF.js's layers change the parameter lists they are given (Reshape's -1 becomes null).
    const code = generateCode({ graph: structuredClone(graph), data: null }, { language: 'pytorch', modelDir: join(scratch.dir, String(i)) }).code;
    const model = buildTfModel(structuredClone(graph), tf);
    try {
      perturb(model, 7);
      const x = randomInput(graph, 5, 7);
      const out = tf.tidy(() => model.predict(tf.tensor(x.data, x.shape, x.int ? 'int32' : 'float32')) as tf.Tensor);
      const output = Array.from(await out.data());
      out.dispose();
      const layers = model.layers.filter((l) => l.getWeights().length > 0).map((l) => ({
        name: l.name,
        type: graph.layers.find((g) => g.name === l.name)!.type,
        weights: l.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
      }));
      const script = join(scratch.dir, `model${i}.py`);
      writeFileSync(script, code);
      const caseFile = join(scratch.dir, `case${i}.json`);
      writeFileSync(caseFile, JSON.stringify({ layers, input: Array.from(x.data), shape: x.shape, output }));
      const r = spawnSync(torchPython!, [new URL('./torchParity.py', import.meta.url).pathname, script, caseFile], { encoding: 'utf8', timeout: 110_000 });
      expect(r.stderr).not.toMatch(/Traceback/);
      const result = JSON.parse(r.stdout) as { maxAbsDiff: number; size: number[] };
      expect(result.size[0]).toBe(result.size[1]);
      expect(result.maxAbsDiff).toBeLessThan(1e-4);
    } finally {
      model.dispose();
    }
  });
});

describe('PyTorch export coverage', () => {
  it('the parity cases use every catalog layer type', () => {
    const used = new Set(cases.flatMap(([, graph]) => graph.layers.map((l) => l.type)));
    expect([...used].sort()).toEqual(layerCatalog.map((d) => d.type).sort());
  });

  it('refuses what PyTorch cannot express with a message naming the layer and the fix', () => {
    const graph = chain(node('in', 'Input', { shape: [5, 4] }), node('norm steps', 'LayerNormalization', { axis: 1 }), node('f', 'Flatten'));
    expect(() => generateCode({ graph, data: null }, { language: 'pytorch' })).toThrow(CodegenError);
    expect(() => generateCode({ graph, data: null }, { language: 'pytorch' })).toThrow(/cannot express layer "norm steps".*set its axis to -1/);
  });
});
