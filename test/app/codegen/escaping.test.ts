// Hostile user text reaches generated code only as string literals. Column names and a data path
// with quotes: the JavaScript and TypeScript run and keep exactly those names. Layer names: TF.js
// itself refuses such names (so does the studio's validator), so the program is checked to be valid
// syntax that hands the exact name to TF.js, which rejects it, instead of running the injected code;
// the Python compiles and its syntax tree shows every name as a string constant and no extra import.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Papa from 'papaparse';
import * as tf from '@tensorflow/tfjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { planTableData } from '../../../app/codegen/dataPlan.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { parseCsv } from '../../../app/data/csv.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import type { Graph } from '../../../app/graph/types.ts';
import { folderLoadHandler } from '../../../main/model/modelFiles.ts';
import { python, resourcesDir, runNode, scratchDir, torchPython } from './fixtures.ts';

const jsAttack = 'x"); process.exit(1); ("';
const pyAttack = "'''; import os";
const backtick = '`${process.exit(2)}`';
const docstringAttack = '"""; import os; os._exit(3) #';

const scratch = scratchDir('escaping');
afterAll(() => scratch.cleanup());
beforeAll(async () => {
  await tf.setBackend('cpu');
});

function chain(names: [string, string, string, string, string]): Graph {
  const [input, hidden, dropout, activation, output] = names;
  return {
    layers: [
      { id: 'in', type: 'Input', name: input, params: { shape: [2] } },
      { id: 'h', type: 'Dense', name: hidden, params: { units: 8, activation: 'relu' } },
      { id: 'd', type: 'Dropout', name: dropout, params: { rate: 0.1 } },
      { id: 'a', type: 'Activation', name: activation, params: { activation: 'linear' } },
      { id: 'out', type: 'Dense', name: output, params: { units: 3, activation: 'softmax' } },
    ],
    connections: [
      { from: 'in', to: 'h', toSlot: 0 },
      { from: 'h', to: 'd', toSlot: 0 },
      { from: 'd', to: 'a', toSlot: 0 },
      { from: 'a', to: 'out', toSlot: 0 },
    ],
  };
}

const plainGraph = chain(['measurements', 'hidden', 'dropout', 'activation', 'species']);
const hostileGraph = chain([jsAttack, 'hidden', pyAttack, backtick, 'species']);

/** Iris petal measurements under hostile column names, in a folder whose name has both kinds of quote. */
function writeData(): { dir: string; csvPath: string } {
  const dir = join(scratch.dir, `it's "quoted"`);
  mkdirSync(dir, { recursive: true });
  const iris = parseCsv(readFileSync(join(resourcesDir, 'iris.csv'), 'utf8'));
  const rows = iris.rows.filter((_, i) => i % 2 === 0).map((r) => [r[2], r[3], r[4]]);
  const csvPath = join(dir, 'data.csv');
  writeFileSync(csvPath, Papa.unparse({ fields: [jsAttack, pyAttack, 'species'], data: rows }));
  return { dir, csvPath };
}

describe('hostile names in generated code', () => {
  const { dir, csvPath } = writeData();
  const binding = datasetBindingSchema.parse({ source: csvPath, target: 'species' });
  const data = planTableData(parseCsv(readFileSync(csvPath, 'utf8')), binding, csvPath);
  const training = makeTrainingConfig({ epochs: 1, batchSize: 16 });

  it('JavaScript runs with hostile column names and data path, and keeps them exactly', async () => {
    const { code } = generateCode({ graph: plainGraph, data, training }, { language: 'js', runtime: 'tfjs' });
    writeFileSync(join(dir, 'train.mjs'), code);
    const run = runNode('train.mjs', dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    const model = await tf.loadLayersModel(folderLoadHandler(tf, join(dir, 'model')));
    expect(model.layers.map((l) => l.name)).toEqual(plainGraph.layers.map((l) => l.name));
    const saved = JSON.parse(readFileSync(join(dir, 'model', 'model.json'), 'utf8')).userDefinedMetadata.preprocessor;
    expect(saved.features.map((f: { name: string }) => f.name)).toEqual([jsAttack, pyAttack]);
    model.dispose();
  });

  it('TypeScript runs too (Node strips the types)', () => {
    const { code } = generateCode({ graph: plainGraph, data, training }, { language: 'ts', runtime: 'tfjs' });
    writeFileSync(join(dir, 'train.ts'), code);
    const run = runNode('train.ts', dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
  });

  it('hostile layer names are valid JavaScript that hands the exact name to TF.js, never code that runs', () => {
    const { code } = generateCode({ graph: hostileGraph, data, training }, { language: 'js', runtime: 'tfjs' });
    writeFileSync(join(dir, 'hostile.mjs'), code);
    const check = spawnSync(process.execPath, ['--check', 'hostile.mjs'], { cwd: dir, encoding: 'utf8' });
    expect(check.stderr).toBe('');
    expect(check.status).toBe(0);
    const run = runNode('hostile.mjs', dir);
    // TF.js refuses the name it was given, character for character; process.exit(1) never ran.
    expect(run.stderr).toContain(`Error: Not a valid tensor name: '${jsAttack}'`);
    expect(run.status).not.toBe(0);
  });

  it.skipIf(!python())('Python compiles; names, columns and path are string constants and no import was injected', () => {
    const { code } = generateCode({ graph: hostileGraph, data, training }, { language: 'python' });
    const file = join(dir, 'train.py');
    writeFileSync(file, code);
    const compiled = spawnSync(python()!, ['-m', 'py_compile', file], { encoding: 'utf8' });
    expect(compiled.stderr).toBe('');
    const r = spawnSync(python()!, [new URL('./kerasAst.py', import.meta.url).pathname, file], { encoding: 'utf8' });
    const { calls, imports } = JSON.parse(r.stdout) as { calls: { callee: string; keywords: Record<string, unknown>; nameIsConstant: boolean }[]; imports: string[] };
    expect(calls.map((c) => [c.callee, c.keywords.name, c.nameIsConstant])).toEqual([
      ['keras.Input', jsAttack, true],
      ['layers.Dense', 'hidden', true],
      ['layers.Dropout', pyAttack, true],
      ['layers.Activation', backtick, true],
      ['layers.Dense', 'species', true],
    ]);
    expect(imports.sort()).toEqual(['json', 'keras', 'keras.layers', 'math', 'numpy', 'os', 'pandas', 're'].sort());
    const check = spawnSync(python()!, ['-c', [
      'import ast, json, sys',
      'tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())',
      'print(json.dumps(sorted({n.value for n in ast.walk(tree) if isinstance(n, ast.Constant) and isinstance(n.value, str)})))',
    ].join('\n'), file], { encoding: 'utf8' });
    const strings = JSON.parse(check.stdout) as string[];
    expect(strings).toEqual(expect.arrayContaining([jsAttack, pyAttack, backtick, csvPath]));
  });

  if (!torchPython()) console.warn('Skipping the PyTorch escaping run: no python3 with torch, numpy, pandas, regex and onnx here (Debian: apt-get install python3-torch python3-pandas python3-regex python3-onnx).');
  it.skipIf(!torchPython())('PyTorch trains with hostile layer and column names, keeps them exactly, and nothing is injected', () => {
    const graph = chain([jsAttack, 'hidden', pyAttack, backtick, docstringAttack]);
    const { code } = generateCode({ graph, data, training }, { language: 'pytorch' });
    const file = join(dir, 'train_torch.py');
    writeFileSync(file, code);
    // PyTorch, unlike TF.js, takes any name: the script runs to the end.
    const run = spawnSync(torchPython()!, [file, '--model-dir', 'torch-model'], { cwd: dir, encoding: 'utf8', timeout: 120_000 });
    expect(run.stderr).not.toMatch(/Traceback/);
    expect(run.status).toBe(0);
    expect(JSON.parse(run.stdout.trimEnd().split('\n').pop()!).epochs).toBe(1);
    const saved = JSON.parse(readFileSync(join(dir, 'torch-model', 'preprocessor.json'), 'utf8'));
    expect(saved.features.map((f: { name: string }) => f.name)).toEqual([jsAttack, pyAttack]);
    const tree = spawnSync(torchPython()!, ['-c', [
      'import ast, json, sys',
      'tree = ast.parse(open(sys.argv[1], encoding="utf-8").read())',
      'names = next(ast.literal_eval(n.value) for n in tree.body if isinstance(n, ast.Assign) and getattr(n.targets[0], "id", "") == "STUDIO_NAMES")',
      'imports = [a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names]',
      'imports += [f"{n.module}.{a.name}" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) for a in n.names]',
      'print(json.dumps({"names": list(names.values()), "imports": sorted(imports)}))',
    ].join('\n'), file], { encoding: 'utf8' });
    expect(tree.stderr).toBe('');
    const parsed = JSON.parse(tree.stdout) as { names: string[]; imports: string[] };
    expect(parsed.names).toEqual([jsAttack, 'hidden', pyAttack, backtick, docstringAttack]);
    expect(parsed.imports).toEqual([
      'argparse', 'copy', 'json', 'math', 'numpy', 'os', 'pandas', 're', 'sys', 'torch', 'torch.distributed',
      'torch.nn', 'torch.nn.functional', 'torch.nn.parallel.DistributedDataParallel', 'torch.utils.data.DataLoader',
      'torch.utils.data.TensorDataset', 'torch.utils.data.distributed.DistributedSampler',
    ].sort());
  });
});
