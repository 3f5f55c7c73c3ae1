// The learning detector on real runs in a trainer process (wasm): the three runs issue 11 found
// "completed" although they learned nothing all end "did not learn" with the advice, and no template
// trained with its own settings is flagged (a few with fewer epochs, where that still learns, to keep
// the suite quick). Regression curves and test errors come out in the target's units.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { getTemplate, templates } from '../../../app/templates/index.ts';
import type { RegressionEvaluation } from '../../../app/training/evaluate.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { failureCases } from './learningCases.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-learning-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Fewer epochs for the slow templates; each still learns in them (residual CNN ≈ 0.5 accuracy on 10 classes after 3). */
const shortEpochs: Record<string, number> = { 'residual-cnn': 3, sentiment: 4, 'digit-recognizer': 2, 'transformer-intent': 8, 'transformer-sentiment': 6 };

describe('runs that learned nothing end "did not learn"', () => {
  it.each(failureCases(dir).map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const result = await startTraining({
      model: { kind: 'graph', graph: c.graph }, data: { kind: 'binding', binding: c.binding },
      config: { ...c.training, backend: 'wasm' }, outputDir: null,
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.learning?.learned).toBe(false);
    expect(result.message).toMatch(/but the model did not learn: /);
    expect(result.advice).toBe('lower the learning rate from 10 to 0.01');
    expect(result.learning?.cause).toMatch(/learning rate 10 is too high for Adam/);
    expect(result.warnings.filter((w) => w.startsWith('did not learn: '))).toHaveLength(1);
  });
});

describe('no template is flagged', () => {
  it.each(templates.map((t) => t.id))('%s learns with its own settings', async (id) => {
    const t = getTemplate(id)!;
    const epochs = shortEpochs[id] ?? t.training.epochs;
    const result = await startTraining({
      model: { kind: 'graph', graph: t.graph }, data: { kind: 'binding', binding: t.dataset },
      config: { ...t.training, epochs, backend: 'wasm' }, outputDir: null,
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.learning, JSON.stringify(result.learning)).toMatchObject({ learned: true, signs: [], cause: null, advice: null });
    if (result.learning?.stillImproving) console.log(`[learning] ${id} (${epochs} epochs): still improving — ${result.learning.stillImproving.sign}`);
    expect(result.warnings.join(' ')).not.toMatch(/did not learn/);
    // Text templates: the evaluation's samples are the sentences as written, not the vocabulary's <oov> tokens.
    const samples = result.test?.evaluation.task === 'classification' ? result.test.evaluation.samples ?? [] : [];
    if (t.dataset.kind === 'text') {
      expect(samples.length).toBeGreaterThan(10);
      expect(samples.some((s) => s.text?.includes('<oov>'))).toBe(false);
      expect(samples.some((s) => /[A-Z?!,.']/.test(s.text ?? ''))).toBe(true);
    }
  }, 120_000);
});

describe('regression errors in the target\'s units', () => {
  it('curves, test logs, the evaluation and the saved model agree on the MAE in house-price units', async () => {
    const t = getTemplate('regression')!;
    const out = join(dir, 'housing-model');
    const result = await startTraining({
      model: { kind: 'graph', graph: t.graph }, data: { kind: 'binding', binding: t.dataset },
      config: { ...t.training, epochs: 15, earlyStopping: { ...t.training.earlyStopping!, enabled: false }, backend: 'wasm' } as never,
      outputDir: out,
    }).done;
    expect(result.status, result.message).toBe('completed');
    const evaluation = result.test!.evaluation as RegressionEvaluation;
    const mae = evaluation.mae!;
    // House prices are in the hundreds of thousands: a standardized MAE would be below 1.
    expect(mae).toBeGreaterThan(1000);
    expect(result.test!.logs.mae!).toBeCloseTo(mae, -1);
    const valMae = result.history.val_mae!.at(-1)!;
    const trainMae = result.history.mae!.at(-1)!;
    expect(valMae).toBeGreaterThan(1000);
    expect(trainMae).toBeGreaterThan(1000);
    expect(valMae / mae).toBeGreaterThan(0.3);
    expect(valMae / mae).toBeLessThan(3);
    const saved = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8')).userDefinedMetadata.modelwright;
    expect(saved.test.mae).toBeCloseTo(mae, -1);
  });
});
