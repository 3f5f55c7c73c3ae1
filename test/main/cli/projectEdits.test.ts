// `new`/`import` project-edit flags and `write-images` on bad input: one line, exit 2, nothing written.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../app/project/document.ts';
import { housesCsv } from '../../fixtures/houses.ts';
import { supportCsv } from '../../fixtures/supportMessages.ts';
import { applyProjectEdits } from '../../../main/cli/projectEdits.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const at = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-edits-'));
  const r = await runCli(['write-images', 'builtin:mnist', '-o', at('three'), '--classes', '0-2', '--per-class', '4']);
  expect(r.code, r.stderr).toBe(0);
  expect(r.stdout).toMatch(/^Wrote 12 images to .*three: 4 of each digit 0, 1, 2/);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('new with --data, --freeze-up-to, --new-head', () => {
  it('binds an image folder at the Input size, freezes the base and sizes a new head from the folder', async () => {
    const r = await runCli(['new', 'image-from-base', '-o', at('p.mwproj'), '--data', at('three'), '--freeze-up-to', 'base_conv_2', '--new-head']);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/frozen: base_conv_1, base_conv_2\nNew head for this data: Dense \(3 classes, softmax\) for 0, 1, 2/);
    const doc = parseProject(await readFile(at('p.mwproj'), 'utf8'));
    expect(doc.dataset).toMatchObject({ source: at('three'), kind: 'images', image: { width: 28, height: 28, channels: 1 } });
    expect(doc.graph.layers.filter((l) => l.trainable === false).map((l) => l.name)).toEqual(['base_conv_1', 'base_conv_2']);
    expect(doc.graph.layers.at(-1)).toMatchObject({ name: 'head', params: { units: 3, activation: 'softmax' } });
    for (const l of doc.graph.layers) expect(doc.layout.positions[l.id]).toBeDefined();
    expect(doc.notes).toMatch(/Freeze everything up to here/);
    const v = await runCli(['validate', at('p.mwproj'), '--data', at('three')]);
    expect(v.code, v.stderr).toBe(0);
    expect(v.stdout).toMatch(/ready to train/);
  });

  it('refuses an unknown layer and a folder for a model without an image Input, writing nothing', async () => {
    const bad = await runCli(['new', 'image-from-base', '-o', at('q.mwproj'), '--freeze-up-to', 'conv_9']);
    expect(bad.code).toBe(2);
    expect(expectOneLine(bad.stderr)).toMatch(/--freeze-up-to: there is no layer "conv_9"; the layers are image, base_conv_1,/);
    const table = await runCli(['new', 'tabular-classifier', '-o', at('q.mwproj'), '--data', at('three'), '--new-head']);
    expect(table.code).toBe(2);
    expect(expectOneLine(table.stderr)).toMatch(/is a folder of images, but the model's Input is not an image/);
    expect(existsSync(at('q.mwproj'))).toBe(false);
  });
});

describe('new --data on the user\'s own table, with and without --fit', () => {
  it('says the template does not fit the file and which flag fixes it; --fit makes it fit and it trains', async () => {
    await writeFile(at('houses.csv'), housesCsv(120));
    const plain = await runCli(['new', 'regression', '-o', at('h.mwproj'), '--data', at('houses.csv')]);
    expect(plain.code, plain.stderr).toBe(0);
    expect(plain.stderr).toContain('The model does not fit this data yet: the Input layer "features" has shape [11] but each row has 5 input values after encoding. Add --fit to make it fit (Set the Input shape to [5]).');

    const fitted = await runCli(['new', 'regression', '-o', at('h.mwproj'), '--force', '--data', at('houses.csv'), '--fit']);
    expect(fitted.code, fitted.stderr).toBe(0);
    expect(fitted.stderr).toMatch(/^data: .*houses\.csv\nMade the model fit this data: Set the Input shape to \[5\]\n$/);
    const doc = parseProject(await readFile(at('h.mwproj'), 'utf8'));
    expect(doc.graph.layers[0].params).toMatchObject({ shape: [5] });
    const run = await runCli(['train', at('h.mwproj'), '--epochs', '2', '--backend', 'cpu', '--db', at('fit.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout)).toMatchObject({ status: 'completed' });
    // The template's own data already fits; --fit without any data is refused in one line.
    const own = await runCli(['new', 'tabular-classifier', '-o', at('iris.mwproj'), '--fit']);
    expect(own.code, own.stderr).toBe(0);
    expect(own.stderr).toBe('The model already fits this data.\n');
    // An imported model has no data of its own: --fit needs --data.
    const iris = parseProject(await readFile(at('iris.mwproj'), 'utf8'));
    await expect(applyProjectEdits({ ...iris, dataset: null }, { fit: true })).rejects.toThrow(/^--fit makes the model fit its data: give --data SOURCE/);
  }, 120_000);
});

describe('a text model on a message CSV of the user', () => {
  it('reads the CSV as text the way the model reads it; with a new head it trains and tells the file\'s own intents', async () => {
    await writeFile(at('support.csv'), supportCsv());
    // The template as it is: the file is read as text (not a table whose only column would be ignored), so
    // what is left to change is the output: four intents in the template, three in the file.
    expect((await runCli(['new', 'intent-classifier', '-o', at('plain.mwproj')])).code).toBe(0);
    const plain = await runCli(['train', at('plain.mwproj'), '--data', at('support.csv'), '--backend', 'cpu', '--db', at('h.db'), '--json']);
    expect(plain.code, plain.stderr).toBe(1);
    const refused = JSON.parse(plain.stdout) as { status: string; message: string; advice: string };
    expect(refused).toMatchObject({ status: 'failed', advice: 'set units to 3' });
    expect(refused.message).toMatch(/"intent" gives 4 values but the data has 3 classes \(opening_hours, order_status, refund\)/);

    const r = await runCli(['new', 'intent-classifier', '-o', at('t.mwproj'), '--data', at('support.csv'), '--target', 'intent', '--new-head']);
    expect(r.code, r.stderr).toBe(0);
    const doc = parseProject(await readFile(at('t.mwproj'), 'utf8'));
    // 24 words and 2,000 known words, as the template's Input and Embedding take them.
    expect(doc.dataset).toMatchObject({ kind: 'text', target: 'intent', text: { sequenceLength: 24, vocabSize: 2000 } });
    const v = await runCli(['validate', at('t.mwproj'), '--data', at('support.csv'), '--target', 'intent']);
    expect(v.code, v.stdout + v.stderr).toBe(0);
    const run = await runCli(['train', at('t.mwproj'), '--epochs', '10', '--backend', 'wasm', '--db', at('h.db'), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout) as { status: string; evaluation: { classes: string[]; accuracy: number } };
    expect(result.status).toBe('completed');
    expect(result.evaluation.classes).toEqual(['opening_hours', 'order_status', 'refund']);
    expect(result.evaluation.accuracy).toBeGreaterThanOrEqual(0.85);
  }, 180_000);
});

describe('write-images', () => {
  it('refuses a bad class list, a source without images and a folder that is not empty', async () => {
    const list = await runCli(['write-images', 'builtin:mnist', '-o', at('x'), '--classes', '9-5']);
    expect(expectOneLine(list.stderr)).toMatch(/--classes: "9-5" runs backwards; write it as 5-9/);
    const iris = await runCli(['write-images', 'builtin:iris', '-o', at('x')]);
    expect(expectOneLine(iris.stderr)).toMatch(/only builtin:mnist holds images to write/);
    await writeFile(at('full.txt'), 'x');
    const full = await runCli(['write-images', 'builtin:mnist', '-o', dir]);
    expect(full.code).toBe(2);
    expect(expectOneLine(full.stderr)).toMatch(/is not empty; choose a new folder or add --force/);
  });
});
