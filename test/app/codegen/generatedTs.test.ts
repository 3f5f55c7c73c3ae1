// The TypeScript variant of every template's program (and of settings the templates do not use) type-checks under strict settings against the
// installed @tensorflow/tfjs and papaparse types, and (for one template) runs with Node directly.
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { planImageData, planTableData } from '../../../app/codegen/dataPlan.ts';
import { generateCode } from '../../../app/codegen/index.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { parseCsv } from '../../../app/data/csv.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import { layerCases } from '../../main/export/onnx/parity.ts';
import { repoRoot, runNode, scratchDir, templateData } from './fixtures.ts';

const scratch = scratchDir('templates-ts');
afterAll(() => scratch.cleanup());

describe('generated TypeScript', () => {
  it('type-checks for every template and other settings (strict, no unused locals, runtime tfjs)', { timeout: 120_000 }, async () => {
    for (const template of templates) {
      const dir = join(scratch.dir, template.id);
      const { plan } = await templateData(template, dir);
      writeFileSync(join(dir, 'train.ts'), generateCode({ graph: template.graph, data: plan, training: template.training }, { language: 'ts', runtime: 'tfjs' }).code);
    }
    // Settings that change which helpers the program needs: every one must be used, none missing.
    const graph = getTemplate('tabular-classifier')!.graph;
    const variants: Record<string, { csv: string; binding: object; training: object }> = {
      'decimal-comma-mixed': {
        csv: 'size;color;label\n1,5;red;a\n2,5;;b\n3,1;blue;a\n1,1;red;b\n',
        binding: { missing: 'mean', scaling: 'minmax', target: 'label' },
        training: { classWeights: 'auto', optimizer: { name: 'sgd', momentum: 0.9 }, earlyStopping: { enabled: true, monitor: 'val_accuracy' }, reduceLrOnPlateau: { enabled: true } },
      },
      'regression-unscaled': {
        csv: '1,2,x,3\n2,3,y,4\n3,1,x,5\n',
        binding: { missing: 'zero', scaling: 'none', target: 'column4', columns: [{ name: 'column3', role: 'feature', type: 'categorical' }], limitRows: 2 },
        training: { loss: 'huber', validationSplit: 0, testSplit: 0 },
      },
      'categorical-only': { csv: 'c,d,label\nx,y,a\ny,x,b\nx,x,a\n', binding: { target: 'label', missing: 'zero' }, training: { classWeights: { a: 2 }, reduceLrOnPlateau: { enabled: true } } },
    };
    for (const [name, v] of Object.entries(variants)) {
      const dir = join(scratch.dir, name);
      mkdirSync(dir, { recursive: true });
      const binding = datasetBindingSchema.parse({ source: join(dir, 'data.csv'), ...v.binding });
      const data = planTableData(parseCsv(v.csv), binding, join(dir, 'data.csv'));
      writeFileSync(join(dir, 'train.ts'), generateCode({ graph, data, training: makeTrainingConfig(v.training) }, { language: 'ts', runtime: 'tfjs' }).code);
    }
    const images = planImageData(datasetBindingSchema.parse({ source: '/images', kind: 'images', image: { width: 28, height: 28, channels: 1 }, limitRows: 5 }), '/images', 'folder');
    mkdirSync(join(scratch.dir, 'image-folder'), { recursive: true });
    writeFileSync(join(scratch.dir, 'image-folder', 'train.ts'), generateCode({ graph: getTemplate('digit-recognizer')!.graph, data: images }, { language: 'ts', runtime: 'tfjs' }).code);
    // With augmentation: the program's own augmentImages and its tf.data generator type-check too.
    mkdirSync(join(scratch.dir, 'image-augment'), { recursive: true });
    const augment = makeTrainingConfig({ augment: { flip: 'both', rotation: 10, zoom: 0.1, shift: 0.1, brightness: 0.1 } });
    writeFileSync(join(scratch.dir, 'image-augment', 'train.ts'), generateCode({ graph: getTemplate('digit-recognizer')!.graph, data: images, training: augment }, { language: 'ts', runtime: 'tfjs' }).code);
    mkdirSync(join(scratch.dir, 'model-only'), { recursive: true });
    writeFileSync(join(scratch.dir, 'model-only', 'train.ts'), generateCode({ graph, data: null }, { language: 'ts', runtime: 'tfjs' }).code);
    // The program's own layer classes: attention, both position embeddings (learned and sine) and Subtract.
    const attention = layerCases.find(([title]) => title.startsWith('Transformer'))![1];
    const merges = layerCases.find(([title]) => title.startsWith('a branching model'))![1];
    for (const [name, g] of [['attention', attention], ['merges', merges]] as const) {
      mkdirSync(join(scratch.dir, name), { recursive: true });
      writeFileSync(join(scratch.dir, name, 'train.ts'), generateCode({ graph: g, data: null }, { language: 'ts', runtime: 'tfjs' }).code);
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
