// The worked example of docs/training.md ("Worked example: transfer learning"), end to end with the real CLI
// and real training (wasm): digits 0–4 written as an image folder, a base trained on them from the
// image-from-base template, exported, imported with its base frozen and a new head for digits 5–9, fine-tuned
// on 30 images per class, and the same architecture trained from scratch on the same images; both tested
// on the same 270 held-out images per class. The numbers are not fixed here: the docs report them.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../app/project/document.ts';
import { runCli } from './cliHarness.ts';

let dir: string;
let db: string;
const at = (name: string) => join(dir, name);

interface Trained {
  runId: number;
  status: string;
  modelDir: string;
  test: { accuracy: number };
  evaluation: { samples?: { actual: string | number }[] };
  stderr: string;
}

async function cli(...args: string[]) {
  const r = await runCli(args, dir);
  expect(r.code, r.stderr).toBe(0);
  return r;
}

async function train(project: string, ...flags: string[]): Promise<Trained> {
  const r = await cli('train', project, '--backend', 'wasm', '--db', db, '--json', ...flags);
  return { ...JSON.parse(r.stdout), stderr: r.stderr };
}

/** A TF.js model folder's weights by name, as the bytes stored in its shards. */
async function weightsOf(folder: string): Promise<Map<string, Buffer>> {
  const json = JSON.parse(await readFile(join(folder, 'model.json'), 'utf8')) as { weightsManifest: { paths: string[]; weights: { name: string; shape: number[]; dtype: string }[] }[] };
  const out = new Map<string, Buffer>();
  for (const group of json.weightsManifest) {
    const bytes = Buffer.concat(await Promise.all(group.paths.map((p) => readFile(join(folder, p)))));
    let offset = 0;
    for (const w of group.weights) {
      expect(w.dtype).toBe('float32');
      const n = w.shape.reduce((a, b) => a * b, 1) * 4;
      out.set(w.name, bytes.subarray(offset, offset + n));
      offset += n;
    }
  }
  return out;
}

// The fine-tuning settings of the docs: 30 of each class's 300 images train (test split 0.9 holds out 270
// per class, stratified), no validation split; one split seed for both runs.
const fineTune = ['--test-split', '0.9', '--validation-split', '0', '--epochs', '20', '--batch-size', '16', '--seed', '1'];
let base: Trained;
let tuned: Trained;
let scratch: Trained;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-transfer-'));
  db = at('history.db');
  await cli('write-images', 'builtin:mnist', '-o', 'digits-0to4', '--classes', '0-4');
  await cli('write-images', 'builtin:mnist', '-o', 'digits-5to9', '--classes', '5,6,7,8,9');
  await cli('new', 'image-from-base', '-o', 'base.mwproj', '--data', 'digits-0to4', '--new-head');
  base = await train('base.mwproj', '--epochs', '5', '--seed', '1');
  await cli('export', '--run', String(base.runId), '--format', 'tfjs', '-o', 'base-model', '--db', db);
  await cli('import', 'base-model', '-o', 'tuned.mwproj', '--data', 'digits-5to9', '--freeze-up-to', 'base_pool_2', '--new-head');
  tuned = await train('tuned.mwproj', ...fineTune);
  await cli('new', 'image-from-base', '-o', 'scratch.mwproj', '--data', 'digits-5to9', '--new-head');
  scratch = await train('scratch.mwproj', ...fineTune);
}, 600_000);

afterAll(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

describe('worked example: a base trained on digits 0–4, a new head for 5–9 from 30 images per class', () => {
  it('writes the digits as class folders of PNGs', async () => {
    expect(await readdir(at('digits-0to4'))).toEqual(['0', '1', '2', '3', '4']);
    expect(await readdir(at('digits-5to9'))).toEqual(['5', '6', '7', '8', '9']);
    expect((await readdir(at('digits-5to9/7'))).filter((f) => f.endsWith('.png'))).toHaveLength(300);
  });

  it('the base learns digits 0–4', () => {
    expect(base.status).toBe('completed');
    expect(base.test.accuracy).toBeGreaterThan(0.8);
  });

  it('the imported project has its base frozen and a fresh head for five classes', async () => {
    const doc = parseProject(await readFile(at('tuned.mwproj'), 'utf8'));
    const frozen = doc.graph.layers.filter((l) => l.trainable === false).map((l) => l.name);
    expect(frozen).toEqual(['base_conv_1', 'base_conv_2']);
    const last = doc.graph.layers.at(-1)!;
    expect(last.name).not.toBe('head');
    expect(last.params).toMatchObject({ units: 5, activation: 'softmax' });
    expect(doc.weights?.layers).toEqual(['base_conv_1', 'base_conv_2', 'hidden']);
  });

  it('fine-tuning starts from the imported base, and leaves its bytes exactly as imported', async () => {
    expect(tuned.status).toBe('completed');
    expect(tuned.stderr).toMatch(/started from imported weights .*3 of 4 layers initialized from them \(base_conv_1, base_conv_2, hidden\); head_1 starts fresh/);
    const imported = await weightsOf(at('tuned.weights'));
    const after = await weightsOf(tuned.modelDir);
    for (const name of ['base_conv_1/kernel', 'base_conv_1/bias', 'base_conv_2/kernel', 'base_conv_2/bias']) {
      expect(after.get(name)?.equals(imported.get(name)!), name).toBe(true);
    }
    // The unfrozen layer did learn.
    expect(after.get('hidden/kernel')!.equals(imported.get('hidden/kernel')!)).toBe(false);
  });

  it('both runs are tested on the same 1,350 held-out images, and the fine-tuned model is far above chance', () => {
    const labels = (t: Trained) => t.evaluation.samples!.map((s) => s.actual);
    expect(labels(tuned)).toHaveLength(1350);
    expect(labels(scratch)).toEqual(labels(tuned));
    const perClass = new Map<string, number>();
    for (const l of labels(tuned)) perClass.set(String(l), (perClass.get(String(l)) ?? 0) + 1);
    expect([...perClass.values()]).toEqual([270, 270, 270, 270, 270]);
    expect(scratch.status).toBe('completed');
    // Five classes: chance is 0.2.
    expect(tuned.test.accuracy).toBeGreaterThan(0.6);
    expect(scratch.test.accuracy).toBeGreaterThan(0.2);
    console.log(`transfer example: base ${base.test.accuracy.toFixed(3)} on 0–4; fine-tuned ${tuned.test.accuracy.toFixed(3)}, from scratch ${scratch.test.accuracy.toFixed(3)} on 5–9`);
  });
});
