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
import { buildTfModel, createTfLayer, registerCustomLayers } from '../../../app/graph/buildModel.ts';
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

/** PyTorch's own attention, fed TF.js's weights: heads split as Keras splits them, causal mask as Keras's. */
const torchReference = `
import json, sys, torch
d = json.load(open(sys.argv[1]))
n, t, e, h = d["shape"][0], d["shape"][1], d["shape"][2], d["heads"]
wq, bq, wk, bk, wv, bv, wo, bo = [torch.tensor(w["values"]).reshape(w["shape"]) for w in d["weights"]]
m = torch.nn.MultiheadAttention(e, h, batch_first=True)
with torch.no_grad():
    m.in_proj_weight.copy_(torch.cat([wq.reshape(e, e).T, wk.reshape(e, e).T, wv.reshape(e, e).T]))
    m.in_proj_bias.copy_(torch.cat([bq.reshape(-1), bk.reshape(-1), bv.reshape(-1)]))
    m.out_proj.weight.copy_(wo.reshape(e, e).T)
    m.out_proj.bias.copy_(bo)
q = torch.tensor(d["query"]).reshape(n, t, e)
v = torch.tensor(d["value"]).reshape(n, t, e)
out, _ = m(q, v, v, attn_mask=torch.triu(torch.ones(t, t, dtype=torch.bool), 1))
print(float((out.reshape(-1) - torch.tensor(d["output"])).abs().max()))
`;

describe.skipIf(!torchPython)('TF.js MultiHeadAttention agrees with torch.nn.MultiheadAttention', () => {
  it('cross-attention with a causal mask, 2 heads', () => {
    const layer = createTfLayer(tf, 'MultiHeadAttention', { numHeads: 2, keyDim: 4, useCausalMask: true }, 'reference');
    const query = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 1);
    const value = tf.randomNormal([2, 5, 8], 0, 1, 'float32', 2);
    layer.apply([query, value]);
    layer.setWeights(layer.getWeights().map((w, i) => tf.randomNormal(w.shape, 0, 0.3, 'float32', 10 + i)));
    const output = layer.apply([query, value]) as tf.Tensor;
    const file = join(scratch.dir, 'reference.json');
    writeFileSync(file, JSON.stringify({
      shape: [2, 5, 8], heads: 2, query: Array.from(query.dataSync()), value: Array.from(value.dataSync()), output: Array.from(output.dataSync()),
      weights: layer.getWeights().map((w) => ({ shape: w.shape, values: Array.from(w.dataSync()) })),
    }));
    const r = spawnSync(torchPython!, ['-c', torchReference, file], { encoding: 'utf8', timeout: 60_000 });
    expect(r.stderr).toBe('');
    expect(Number(r.stdout)).toBeLessThan(1e-5);
    tf.dispose([query, value, output]);
    layer.dispose();
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
