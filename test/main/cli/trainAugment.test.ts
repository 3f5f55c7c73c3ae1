// `modelwright train --augment`: bad specs are one line with exit 2; table data fail the run with the reason;
// on the digits the settings are recorded with the run and name it.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';
import { parseAugmentFlag } from '../../../main/cli/augmentFlag.ts';
import { openStore } from '../../../main/store/experimentStore.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-augment-'));
  const digits = projectFromTemplate(getTemplate('digit-recognizer')!, { name: 'Digits' });
  await writeFile(file('digits.mwproj'), serializeProject(digits));
  await writeFile(file('iris.mwproj'), serializeProject(projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' })));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train --augment', () => {
  it('reads KEY=VALUE pairs on top of the project\'s settings, and "none" turns augmentation off', () => {
    expect(parseAugmentFlag('flip=horizontal, rotation=15,zoom=0.1', undefined)).toEqual({ flip: 'horizontal', rotation: 15, zoom: 0.1, shift: 0, brightness: 0 });
    expect(parseAugmentFlag('brightness=0.2', { flip: 'vertical', rotation: 5, zoom: 0, shift: 0, brightness: 0 })).toMatchObject({ flip: 'vertical', rotation: 5, brightness: 0.2 });
    expect(parseAugmentFlag('seed=7,shift=0.05', undefined)).toMatchObject({ seed: 7, shift: 0.05 });
    expect(parseAugmentFlag('none', { flip: 'vertical', rotation: 5, zoom: 0, shift: 0, brightness: 0 })).toBeNull();
  });

  it.each([
    ['flip=sideways', '--augment: flip must be one of none, horizontal, vertical, both, got "sideways"'],
    ['rotation=500', '--augment: rotation must be degrees from 0 to 180, got 500'],
    ['zoom=abc', '--augment: zoom must be a number, got "abc"'],
    ['spin=3', '--augment: unknown setting "spin"; use flip, rotation, zoom, shift, brightness, seed (e.g. "flip=horizontal,rotation=15")'],
    ['rotation', '--augment: "rotation" needs a value, e.g. rotation=15'],
  ])('refuses "%s" in one line with exit 2', async (spec, message) => {
    const run = await runCli(['train', file('digits.mwproj'), '--augment', spec, '--db', file('bad.db')]);
    expect(run.code).toBe(2);
    expect(expectOneLine(run.stderr)).toBe(`modelwright train: ${message} (see "modelwright help train")`);
  });

  it('fails a run on a table with the reason and what to do (exit 1)', async () => {
    const run = await runCli(['train', file('iris.mwproj'), '--augment', 'rotation=10', '--epochs', '1', '--backend', 'cpu', '--db', file('iris.db')]);
    expect(run.code).toBe(1);
    const said = run.stdout + run.stderr;
    expect(said).toMatch(/works on images, and this data gives each sample the shape \[4\]/);
    expect(said).toMatch(/what to do: turn augmentation off/);
  }, 60_000);

  it('records the augmentation with the run and names the run after it', async () => {
    const db = file('digits.db');
    const base = ['train', file('digits.mwproj'), '--epochs', '1', '--backend', 'wasm', '--db', db, '--json'];
    const first = await runCli(base);
    expect(first.code, first.stderr).toBe(0);
    const second = await runCli([...base, '--augment', 'flip=horizontal,rotation=10']);
    expect(second.code, second.stderr).toBe(0);
    const out = JSON.parse(second.stdout);
    expect(out.name).toBe('flip horizontal · rotate ±10°');
    const store = openStore(db);
    try {
      const run = store.getRun(out.runId);
      expect(run.config.augment).toEqual({ flip: 'horizontal', rotation: 10, zoom: 0, shift: 0, brightness: 0 });
      expect(store.getRun(JSON.parse(first.stdout).runId).config.augment).toBeUndefined();
    } finally {
      store.close();
    }
  }, 240_000);
});
