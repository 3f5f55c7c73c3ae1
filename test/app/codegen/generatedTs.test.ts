// The TypeScript variant of every template's program type-checks under strict settings against the
// installed @tensorflow/tfjs and papaparse types, and (for one template) runs with Node directly.
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { generateCode } from '../../../app/codegen/index.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import { repoRoot, runNode, scratchDir, templateData } from './fixtures.ts';

const scratch = scratchDir('templates-ts');
afterAll(() => scratch.cleanup());

describe('generated TypeScript', () => {
  it('type-checks for every template (strict, runtime tfjs)', { timeout: 120_000 }, async () => {
    for (const template of templates) {
      const dir = join(scratch.dir, template.id);
      const { plan } = await templateData(template, dir);
      writeFileSync(join(dir, 'train.ts'), generateCode({ graph: template.graph, data: plan, training: template.training }, { language: 'ts', runtime: 'tfjs' }).code);
    }
    writeFileSync(join(scratch.dir, 'tsconfig.json'), JSON.stringify({
      compilerOptions: {
        target: 'ES2023', lib: ['ES2023'], module: 'NodeNext', moduleResolution: 'NodeNext', strict: true,
        noEmit: true, skipLibCheck: true, types: ['node'], noUnusedLocals: true,
      },
      include: ['*/train.ts'],
    }));
    const tsc = spawnSync(process.execPath, [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', join(scratch.dir, 'tsconfig.json')], { encoding: 'utf8' });
    expect(tsc.stdout).toBe('');
    expect(tsc.status).toBe(0);
  });

  it('runs with Node on the default (pure-JS CPU) backend', async () => {
    const template = getTemplate('tabular-classifier')!;
    const dir = join(scratch.dir, 'run');
    const { plan, studio } = await templateData(template, dir);
    writeFileSync(join(dir, 'train.ts'), generateCode({ graph: template.graph, data: plan, training: { ...template.training, epochs: 2 } }, { language: 'ts', runtime: 'tfjs' }).code);
    const run = runNode('train.ts', dir);
    expect(run.stderr).not.toMatch(/Error/);
    expect(run.status).toBe(0);
    expect(run.stdout).toContain(`${studio.train.count} training, ${studio.validation.count} validation and ${studio.test.count} test samples`);
    expect(run.stdout).toMatch(/test acc: \d\.\d{4}/);
  });
});
