// Shared by the code generation tests: a scratch folder inside the repository (so generated programs
// resolve @tensorflow/tfjs from this checkout's node_modules), small data sets for every template,
// the studio's own preparation of the same data, and running a generated program with Node.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { expect } from 'vitest';
import { planImageData, planTableData, type DataPlan } from '../../../app/codegen/dataPlan.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { prepareImageArrays, prepareTable, type PreparedData } from '../../../app/data/prepare.ts';
import type { ProjectTemplate } from '../../../app/templates/index.ts';
import { builtinIdOf, defaultResourcesDir, loadBuiltinTable, withBuiltinDefaults } from '../../../main/data/builtin.ts';

export const repoRoot = new URL('../../../', import.meta.url).pathname;

/** A fresh folder under test-results/ (gitignored), removed by `cleanup`. */
export function scratchDir(name: string): { dir: string; cleanup: () => void } {
  const dir = join(repoRoot, 'test-results', 'codegen', `${name}-${process.pid}-${Date.now().toString(36)}`);
  mkdirSync(dir, { recursive: true });
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

/** Rows kept from each built-in table so a generated program trains in a few seconds. */
export const tableRowLimit = 90;
/** MNIST images per digit in the small copy the image templates train on. */
export const digitsPerClass = 4;

export interface TemplateData {
  plan: DataPlan;
  /** What the studio's data pipeline makes of the very same data and settings. */
  studio: PreparedData;
  binding: DatasetBinding;
}

/**
 * A small data set for a template, as both the generated code and the studio see it: the built-in
 * CSV with a row limit, or the first few MNIST digits of each class copied into `dir`.
 */
export async function templateData(template: ProjectTemplate, dir: string): Promise<TemplateData> {
  const id = builtinIdOf(template.dataset.source)!;
  const options = { seed: template.training.seed, validationSplit: template.training.validationSplit, testSplit: template.training.testSplit };
  mkdirSync(dir, { recursive: true });
  if (id === 'mnist') {
    const binding = withBuiltinDefaults(template.dataset, id);
    const digitsDir = join(dir, 'digits');
    mkdirSync(digitsDir, { recursive: true });
    const require = createRequire(import.meta.url);
    const pixels: number[] = [];
    const labels: string[] = [];
    for (let digit = 0; digit < 10; digit++) {
      const { data } = JSON.parse(readFileSync(require.resolve(`mnist/src/digits/${digit}.json`), 'utf8')) as { data: number[] };
      const some = data.slice(0, digitsPerClass * 784);
      writeFileSync(join(digitsDir, `${digit}.json`), JSON.stringify({ data: some }));
      pixels.push(...some);
      for (let k = 0; k < digitsPerClass; k++) labels.push(String(digit));
    }
    const studio = prepareImageArrays(Float32Array.from(pixels), labels, binding.image!, options);
    return { plan: planImageData(binding, digitsDir, 'mnist', { perClass: digitsPerClass }), studio, binding };
  }
  const binding = { ...withBuiltinDefaults(template.dataset, id), limitRows: tableRowLimit };
  const table = await loadBuiltinTable(id);
  const studio = prepareTable(table, binding, options);
  return { plan: planTableData(table, binding, join(defaultResourcesDir(), `${id}.csv`)), studio, binding };
}

export interface NodeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

const wasmPreload = new URL('./wasmPreload.ts', import.meta.url).pathname;

/**
 * Runs a generated program with this Node, in its own folder. With `wasm`, the WASM backend is
 * preloaded (see wasmPreload.ts); otherwise the program runs on tfjs's default (pure-JS CPU) backend.
 */
export function runNode(file: string, cwd: string, options: { wasm?: boolean; timeoutMs?: number } = {}): NodeRun {
  const args = options.wasm ? ['--import', wasmPreload, file] : [file];
  const result = spawnSync(process.execPath, args, { cwd, encoding: 'utf8', timeout: options.timeoutMs ?? 120_000 });
  return { status: result.status, stdout: result.stdout ?? '', stderr: result.stderr ?? '' };
}

/** Deep equality where numbers may differ in the last bits (sums taken in another order). */
export function expectClose(actual: unknown, expected: unknown, path = 'value'): void {
  if (typeof expected === 'number' && typeof actual === 'number') {
    const tolerance = 1e-9 * Math.max(1, Math.abs(expected));
    if (Math.abs(actual - expected) > tolerance) expect.fail(`${path}: ${actual} differs from ${expected}`);
    return;
  }
  if (Array.isArray(expected)) {
    expect(Array.isArray(actual), `${path} is a list`).toBe(true);
    expect((actual as unknown[]).length, `${path} length`).toBe(expected.length);
    expected.forEach((e, i) => expectClose((actual as unknown[])[i], e, `${path}[${i}]`));
    return;
  }
  if (expected && typeof expected === 'object') {
    expect(actual && typeof actual === 'object', `${path} is an object`).toBeTruthy();
    const keys = Object.keys(expected).filter((k) => (expected as Record<string, unknown>)[k] !== undefined);
    expect(Object.keys(actual as object).sort(), `${path} keys`).toEqual(keys.sort());
    for (const k of keys) expectClose((actual as Record<string, unknown>)[k], (expected as Record<string, unknown>)[k], `${path}.${k}`);
    return;
  }
  expect(actual, path).toEqual(expected);
}

/** Python 3, when this machine has one (py_compile and ast need nothing else). */
export function python(): string | null {
  for (const candidate of ['python3', 'python']) {
    const r = spawnSync(candidate, ['--version'], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/**
 * A Python 3 that can import every module in `modules` (Debian's /usr/bin/python3 with python3-torch,
 * python3-onnx... first: a pyenv or venv python3 on PATH usually lacks them), or null.
 */
export function pythonWith(modules: readonly string[]): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    const r = spawnSync(candidate, ['-c', `import ${modules.join(', ')}`], { encoding: 'utf8' });
    if (r.status === 0) return candidate;
  }
  return null;
}

/**
 * Debian's Python with PyTorch and what the generated PyTorch scripts and their tests use (numpy,
 * pandas, regex, onnx), or null. Looked up once, on first use (importing torch takes seconds).
 */
export function torchPython(): string | null {
  torchPythonFound ??= { path: pythonWith(['torch', 'numpy', 'pandas', 'regex', 'onnx']) };
  return torchPythonFound.path;
}
let torchPythonFound: { path: string | null } | undefined;

export const resourcesDir = defaultResourcesDir();
