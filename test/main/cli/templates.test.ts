// `modelwright templates` and `modelwright new`, run as child processes: listing, writing, refusing to overwrite.
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseProject } from '../../../app/project/document.ts';
import { templates } from '../../../app/templates/index.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-new-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('modelwright templates', () => {
  it('lists every template with its data and description', async () => {
    const { code, stdout, stderr } = await runCli(['templates']);
    expect(code).toBe(0);
    expect(stderr).toBe('');
    expect(stdout.split('\n')[0]).toMatch(/^Template\s+Title\s+Data\s+Layers\s+Params$/);
    for (const t of templates) {
      expect(stdout).toMatch(new RegExp(`^${t.id}\\s+${t.title.replace(/[()]/g, '\\$&')}\\s+${t.dataset.source}\\s+${t.graph.layers.length}\\s`, 'm'));
      expect(stdout).toContain(t.description);
    }
  });

  it('prints JSON with --json', async () => {
    const { code, stdout } = await runCli(['templates', '--json']);
    expect(code).toBe(0);
    const list = JSON.parse(stdout);
    expect(list.map((t: { id: string }) => t.id)).toEqual(templates.map((t) => t.id));
    expect(list.find((t: { id: string }) => t.id === 'tabular-classifier')).toMatchObject({
      dataset: 'builtin:iris', task: 'classification', layers: 4, totalParams: 4 * 16 + 16 + 16 * 16 + 16 + 16 * 3 + 3,
    });
  });

  it('refuses arguments', async () => {
    const { code, stderr } = await runCli(['templates', 'extra']);
    expect(code).toBe(2);
    expect(expectOneLine(stderr)).toMatch(/takes no arguments/);
  });
});

describe('modelwright new', () => {
  it.each(templates.map((t) => t.id))('writes a valid, loadable %s project that validates with exit 0', async (id) => {
    const path = join(dir, `${id}.mwproj`);
    const created = await runCli(['new', id, '-o', path]);
    expect(created.code).toBe(0);
    expect(created.stdout).toMatch(new RegExp(`^Created .*${id}\\.mwproj from "${id}"`));
    const doc = parseProject(await readFile(path, 'utf8'));
    expect(doc.graph.layers.length).toBeGreaterThan(2);
    expect(doc.dataset?.source).toMatch(/^builtin:/);
    const validated = await runCli(['validate', path, '--json']);
    expect(validated.code).toBe(0);
    expect(JSON.parse(validated.stdout).valid).toBe(true);
  });

  it('refuses to overwrite without --force and overwrites with it', async () => {
    const path = join(dir, 'existing.mwproj');
    await writeFile(path, 'my precious work');
    const refused = await runCli(['new', 'sentiment', '-o', path]);
    expect(refused.code).toBe(2);
    expect(expectOneLine(refused.stderr)).toMatch(/already exists; add --force to overwrite it/);
    expect(await readFile(path, 'utf8')).toBe('my precious work');

    const forced = await runCli(['new', 'sentiment', '--output', path, '--force', '--name', 'Reviews']);
    expect(forced.code).toBe(0);
    expect(parseProject(await readFile(path, 'utf8')).name).toBe('Reviews');
  });

  it.each([
    [['new'], /needs a TEMPLATE \(one of: tabular-classifier, /],
    [['new', 'transformer', '-o', 'x.mwproj'], /there is no template "transformer"/],
    [['new', 'sentiment'], /needs -o FILE/],
    [['new', 'sentiment', '-o'], /argument missing|requires an argument|-o/i],
    [['new', 'sentiment', '-o', 'x.mwproj', '--name', 'n'.repeat(201)], /name: is 201 characters long; the limit is 200/],
  ])('exits 2 with one line for %j', async (args, message) => {
    const { code, stderr } = await runCli(args as string[], dir);
    expect(code).toBe(2);
    expect(expectOneLine(stderr)).toMatch(message);
  });

  it('refuses a folder as output and a folder that does not exist', async () => {
    await mkdir(join(dir, 'folder'), { recursive: true });
    const folder = await runCli(['new', 'regression', '-o', join(dir, 'folder')]);
    expect(folder.code).toBe(2);
    expect(expectOneLine(folder.stderr)).toMatch(/is a folder; give a file name such as .*regression\.mwproj/);
    const missing = await runCli(['new', 'regression', '-o', join(dir, 'nope', 'r.mwproj')]);
    expect(missing.code).toBe(2);
    expect(expectOneLine(missing.stderr)).toMatch(/Could not save .*does not exist/);
  });
});
