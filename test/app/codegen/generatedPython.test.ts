// For every template: the generated Python compiles (py_compile), and Python's own parser finds each
// studio layer as a Keras layer call with the studio's name as a string constant, inside the
// MirroredStrategy or MultiWorkerMirroredStrategy scope when asked. TensorFlow cannot be installed here, so no Keras code runs; where
// pandas and numpy exist, the script's data pipeline (plain and multi-worker) runs against recording
// Keras and TensorFlow stand-ins and must save the same preprocessing as the studio.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { scriptDefinedKerasLayers } from '../../../app/codegen/pythonLayers.ts';
import { templates } from '../../../app/templates/index.ts';
import { layerCases } from '../../main/export/onnx/parity.ts';
import { expectClose, python, scratchDir, templateData } from './fixtures.ts';
import { flattenBlocks } from '../../../app/graph/blocks.ts';

const py = python();
const scratch = scratchDir('templates-py');
afterAll(() => scratch.cleanup());

interface AstCall { callee: string; keywords: Record<string, unknown>; nameIsConstant: boolean; inScope: boolean }

function parse(file: string): { calls: AstCall[]; imports: string[] } {
  const r = spawnSync(py!, [new URL('./kerasAst.py', import.meta.url).pathname, file], { encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

function compiles(file: string): void {
  const r = spawnSync(py!, ['-m', 'py_compile', file], { encoding: 'utf8' });
  expect(r.stderr, 'py_compile').toBe('');
  expect(r.status).toBe(0);
}

/** A Python with pandas, numpy and regex (Debian's python3-pandas, say), to run the data pipeline. */
function dataPython(): string | null {
  for (const candidate of [py, '/usr/bin/python3'].filter(Boolean) as string[]) {
    if (spawnSync(candidate, ['-c', 'import pandas, numpy, regex'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

describe.skipIf(!py)('generated Python for every template', () => {
  if (!py) console.warn('Skipping the Python checks: no python3 on this machine.');

  it.each(templates.map((t) => [t.id, t] as const))('%s compiles and has every studio layer as a Keras call', async (id, template) => {
    const dir = join(scratch.dir, id);
    const { plan } = await templateData(template, dir);
    for (const variant of ['plain', 'distributed', 'multiWorker'] as const) {
      const distributed = variant !== 'plain';
      const file = join(dir, `train_${variant}.py`);
      const code = generateCode({ graph: template.graph, data: plan, training: template.training }, { language: 'python', distributed: variant === 'distributed', multiWorker: variant === 'multiWorker' }).code;
      writeFileSync(file, code);
      compiles(file);
      if (variant === 'multiWorker') {
        // TensorFlow wants MultiWorkerMirroredStrategy created before any other TensorFlow work.
        const created = code.indexOf('strategy = tf.distribute.MultiWorkerMirroredStrategy()');
        expect(created).toBeGreaterThan(0);
        expect(created).toBeLessThan(code.indexOf('def mulberry32'));
        expect(code).not.toContain('tf.distribute.MirroredStrategy()');
      }
      const { calls, imports } = parse(file);
      for (const layer of flattenBlocks(template.graph).graph.layers) {
        const callee = layer.type === 'Input' ? 'keras.Input' : scriptDefinedKerasLayers.has(layer.type) ? layer.type : `layers.${layer.type}`;
        const found = calls.filter((c) => c.keywords.name === layer.name);
        expect(found.map((c) => c.callee), `layer ${layer.name}`).toEqual([callee]);
        expect(found[0].nameIsConstant).toBe(true);
        expect(found[0].inScope, `${layer.name} inside the strategy's scope (${variant})`).toBe(distributed);
        for (const key of ['units', 'filters', 'rate', 'input_dim', 'output_dim'] as const) {
          const camel = key.replace(/_(\w)/g, (_m, c: string) => c.toUpperCase());
          if (layer.params[camel] !== undefined) expect(found[0].keywords[key], `${layer.name}.${key}`).toBe(layer.params[camel]);
        }
      }
      expect(calls).toHaveLength(flattenBlocks(template.graph).graph.layers.length);
      expect(imports.filter((m) => m === 'os')).toHaveLength(1);
      expect(imports.includes('tensorflow')).toBe(distributed);
      expect(imports.includes('tempfile')).toBe(variant === 'multiWorker');
    }
  });

  const runner = dataPython();
  it.skipIf(!runner).each(templates.filter((t) => t.dataset.task !== 'reconstruction').map((t) => [t.id, t] as const))(
    '%s: the data pipeline, run with a Keras stand-in, saves the studio\'s preprocessing',
    { timeout: 120_000 },
    async (id, template) => {
      const dir = join(scratch.dir, `${id}-run`);
      mkdirSync(dir, { recursive: true });
      const { plan, studio } = await templateData(template, dir);
      // The plain script, and the multi-worker one (with a TensorFlow stand-in too: one worker, the chief).
      for (const multiWorker of [false, true]) {
        const modelDir = multiWorker ? 'model-multi-worker' : 'model';
        writeFileSync(join(dir, 'train.py'), generateCode({ graph: template.graph, data: plan, training: template.training }, { language: 'python', multiWorker, modelDir }).code);
        const r = spawnSync(runner!, ['train.py'], {
          cwd: dir,
          encoding: 'utf8',
          env: { ...process.env, PYTHONPATH: new URL('./kerasStub', import.meta.url).pathname },
        });
        expect(r.stderr).toBe('');
        expect(r.status).toBe(0);
        expect(r.stdout).toContain(`${studio.train.count} training, ${studio.validation.count} validation and ${studio.test.count} test samples`);
        expect(existsSync(join(dir, modelDir, 'preprocessor.json'))).toBe(true);
        expectClose(JSON.parse(readFileSync(join(dir, modelDir, 'preprocessor.json'), 'utf8')), studio.preprocessor.toJSON(), 'preprocessor');
      }
    },
  );
  if (!runner) console.warn('Skipping the Python data-pipeline runs: no Python with pandas, numpy and regex here.');

  it('attention and position layers: Keras\'s MultiHeadAttention called with (query, value, key) and the causal mask, keras_hub-style layers defined in the script', () => {
    const graph = layerCases.find(([title]) => title.startsWith('Transformer'))![1];
    const dir = join(scratch.dir, 'attention');
    mkdirSync(dir, { recursive: true });
    const file = join(dir, 'train.py');
    const code = generateCode({ graph, data: null }, { language: 'python', modelDir: join(dir, 'model') }).code;
    writeFileSync(file, code);
    compiles(file);
    expect(code).toContain('self_layer = layers.MultiHeadAttention(num_heads=2, key_dim=3, name="self")(add, add, use_causal_mask=True)');
    expect(code).toContain('cross = layers.MultiHeadAttention(num_heads=3, key_dim=2, value_dim=5, output_shape=7, name="cross")(self_layer, val, tpe)');
    expect(code).toContain('class TokenAndPositionEmbedding(layers.Layer):');
    const { calls } = parse(file);
    for (const layer of graph.layers) {
      const callee = layer.type === 'Input' ? 'keras.Input' : scriptDefinedKerasLayers.has(layer.type) ? layer.type : `layers.${layer.type}`;
      expect(calls.filter((c) => c.keywords.name === layer.name).map((c) => c.callee), layer.name).toEqual([callee]);
    }
    expect(calls).toHaveLength(graph.layers.length);
    // With the Keras stand-in the script runs: the classes define and every layer is called.
    const r = spawnSync(py!, [file], { cwd: dir, encoding: 'utf8', env: { ...process.env, PYTHONPATH: new URL('./kerasStub', import.meta.url).pathname } });
    expect(r.stderr).toBe('');
    const made = (JSON.parse(readFileSync(join(dir, 'model', 'model.keras'), 'utf8')) as { layer?: string; name?: string }[]).filter((c) => c.layer);
    // (TokenAndPositionEmbedding also makes its inner token and position embeddings.)
    expect(made.map((c) => c.name)).toEqual(expect.arrayContaining(graph.layers.map((l) => l.name)));
  });
});
