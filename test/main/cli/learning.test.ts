// `modelwright train` on a run that learns nothing and on one that learns (the customers table of
// issue 11): `--json` says `"learned"`, a warning starts "did not learn", `--strict` turns it into exit 1,
// `runs --did-not-learn` finds it; `predict` refuses rows without a column the model reads (exit 2,
// one line naming it) unless `--allow-missing`, and names the columns it ignores.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serializeProject } from '../../../app/project/document.ts';
import { customersProject, writeCustomersCsv } from '../trainer/learningCases.ts';
import { expectOneLine, runCli } from './cliHarness.ts';

let dir: string;
const file = (name: string) => join(dir, name);
const db = () => ['--db', file('h.db')];

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-cli-learning-'));
  const csv = writeCustomersCsv(dir);
  await writeFile(file('lr10.mwproj'), serializeProject(customersProject(csv, { optimizer: { name: 'adam', learningRate: 10 } as never })));
  await writeFile(file('good.mwproj'), serializeProject(customersProject(csv, { optimizer: { name: 'adam', learningRate: 0.01 } as never, epochs: 30 })));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('train: runs that did not learn', () => {
  it('--json says learned: false with a "did not learn" warning and the advice; exit 0, or 1 with --strict', async () => {
    const run = await runCli(['train', file('lr10.mwproj'), '--backend', 'wasm', ...db(), '--json']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out).toMatchObject({ status: 'completed', learned: false, advice: 'lower the learning rate from 10 to 0.01' });
    const warning = out.warnings.find((w: string) => w.startsWith('did not learn'));
    expect(warning).toMatch(/^did not learn: .*most common class.*Likely cause: the learning rate 10 is too high for Adam.*Try this: lower the learning rate from 10 to 0\.01\.$/);

    const strict = await runCli(['train', file('lr10.mwproj'), '--backend', 'wasm', ...db(), '--strict']);
    expect(strict.code).toBe(1);
    expect(strict.stdout).toMatch(/^completed — did not learn: trained 20 epochs, but the model did not learn: /);
    expect(strict.stdout).toMatch(/^likely cause: the learning rate 10 is too high for Adam/m);
    expect(strict.stdout).toMatch(/^what to do: lower the learning rate from 10 to 0\.01$/m);
    // The learning rate could reach 10 only through the project: the epoch lines say it was not learning, live.
    expect(strict.stderr).toMatch(/The model may not be learning: the training loss/);

    const listed = await runCli(['runs', ...db(), '--did-not-learn', '--json']);
    expect(listed.code, listed.stderr).toBe(0);
    const runs = JSON.parse(listed.stdout);
    expect(runs).toHaveLength(2);
    expect(runs.every((r: { learned: boolean; learning: { advice: string } }) => r.learned === false && r.learning.advice === 'lower the learning rate from 10 to 0.01')).toBe(true);
    const table = await runCli(['runs', ...db(), '--did-not-learn']);
    expect(table.stdout).toMatch(/completed, did not learn/);
    const shown = await runCli(['show', String(out.runId), ...db()]);
    expect(shown.stdout).toMatch(/^Status: +completed — did not learn/m);
    expect(shown.stdout).toMatch(/^Try this: +lower the learning rate from 10 to 0\.01$/m);
  });

  it('a run that learns says learned: true and passes --strict; its model refuses rows without a column', async () => {
    const run = await runCli(['train', file('good.mwproj'), '--backend', 'wasm', ...db(), '--out', file('model'), '--json', '--strict']);
    expect(run.code, run.stderr).toBe(0);
    const out = JSON.parse(run.stdout);
    expect(out.learned).toBe(true);
    expect(out.test.accuracy).toBeGreaterThan(0.8);
    expect(out.warnings.join(' ')).not.toMatch(/did not learn/);
    expect(JSON.parse((await runCli(['runs', ...db(), '--did-not-learn', '--json'])).stdout).map((r: { id: number }) => r.id)).not.toContain(out.runId);

    const predict = (input: string, ...flags: string[]) => runCli(['predict', file('model'), '--input', input, '--backend', 'wasm', ...flags]);
    await writeFile(file('full.csv'), 'visits,basket,tenure,channel\n12,40,4,web\n1,30,8,store\n');
    const full = await predict(file('full.csv'));
    expect(full.code, full.stderr).toBe(0);
    expect(full.stderr).toBe('');

    await writeFile(file('no-basket.csv'), 'visits,tenure,channel\n12,4,web\n1,8,store\n');
    const refused = await predict(file('no-basket.csv'));
    expect(refused.code).toBe(2);
    expect(refused.stdout).toBe('');
    expect(expectOneLine(refused.stderr)).toMatch(/the input has no "basket" column, which the model reads; add it to the input, or pass --allow-missing/);

    const filled = await predict(file('no-basket.csv'), '--allow-missing');
    expect(filled.code, filled.stderr).toBe(0);
    expect(filled.stdout.trim().split('\n')).toHaveLength(2);
    expect(filled.stderr).toMatch(/^note: the input has no "basket" column, which the model reads; filled as training filled missing values/m);

    await writeFile(file('typo.json'), JSON.stringify([{ visits: 12, bakset: 40, tenure: 4, channel: 'web', id: 'c-1' }]));
    const typo = await predict(file('typo.json'));
    expect(typo.code).toBe(2);
    expect(expectOneLine(typo.stderr)).toMatch(/no "basket" column, which the model reads \("bakset" is not "basket"\)/);

    await writeFile(file('extra.csv'), 'id,visits,basket,tenure,channel,segment\nc-1,12,40,4,web,regular\n');
    const extra = await predict(file('extra.csv'), '--json');
    expect(extra.code, extra.stderr).toBe(0);
    expect(JSON.parse(extra.stdout).predictions).toHaveLength(1);
    // The target column is expected in a test file; only "id" is news.
    expect(extra.stderr.trim()).toBe('note: ignored a column the model does not read: "id"');
  });
});
