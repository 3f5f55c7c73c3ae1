import { describe, expect, it } from 'vitest';
import { describeAugment, explainMetric, explainSetting, metricExplanations, metricLabel, settingExplanations } from '../../app/explanations.ts';
import { flattenPaths } from '../../app/store/diff.ts';
import { templates } from '../../app/templates/index.ts';
import { augmentSchema, makeTrainingConfig, metricNames } from '../../app/training/config.ts';
import type { TrainingResult } from '../../app/training/protocol.ts';
import { evaluateClassification, evaluateRegression, type Evaluation } from '../../app/training/evaluate.ts';
import { testSummary } from '../../main/trainer/recording.ts';
import { settingFields } from '../../renderer/state/trainingSettings.ts';

/** One sentence: starts with a capital, ends with a full stop, no developer identifiers. */
function expectSentence(text: string | null, what: string) {
  expect(text, `${what} has no explanation`).toBeTruthy();
  expect(text!, what).toMatch(/^[A-Z"].*[.)]$/);
  expect(text!.length, what).toBeLessThan(220);
  expect(text!, what).not.toMatch(/\b(val_\w+|sparseCategoricalCrossentropy|learningRate|macroF1)\b/);
}

describe('explanations', () => {
  it('explains every setting of a training configuration, including each template\'s', () => {
    const paths = new Set(flattenPaths(makeTrainingConfig()).keys());
    for (const t of templates) for (const p of flattenPaths(t.training).keys()) paths.add(p);
    paths.add('classWeights.setosa');
    // Optional: absent from the defaults and the templates, set by `train --split-seed`.
    paths.add('splitSeed');
    // Optional: the cores, absent until the studio's settings or `--threads` name them.
    paths.add('threads');
    // Optional too: image augmentation, with every field set.
    for (const p of flattenPaths({ augment: augmentSchema.parse({ seed: 1 }) }).keys()) paths.add(p);
    for (const path of paths) expectSentence(explainSetting(path), `setting ${path}`);
    // The table has no entries for settings that do not exist.
    for (const path of Object.keys(settingExplanations)) expect(paths.has(path) || path === 'classWeights', path).toBe(true);
  });

  it('gives every field of the training form its label and help from the table', () => {
    for (const f of settingFields) {
      expect(f.help).toBe(settingExplanations[f.path].text);
      expect(f.label).toBe(settingExplanations[f.path].label);
    }
  });

  it('explains every metric a run reports: epoch metrics with their validation twins, the learning rate and the test summary', () => {
    const names = new Set<string>(['loss', 'lr', ...metricNames]);
    for (const n of [...names]) if (n !== 'lr') names.add(`val_${n}`);
    // Real evaluations: a two-class one (which adds the positive class's precision, recall and F1) and a regression.
    const binary = evaluateClassification({ probabilities: [0.9, 0.2, 0.7, 0.4], width: 1, labels: [1, 0, 1, 0], classNames: ['no', 'yes'] });
    const regression = evaluateRegression({ predictions: [1, 2, 3], actual: [1.5, 2, 2.5] });
    const result = (evaluation: Evaluation, logs: Record<string, number>) => ({ test: { logs, evaluation } }) as unknown as TrainingResult;
    const classificationRun = result(binary, { loss: 0.3, accuracy: 0.9 });
    const regressionRun = result(regression, { loss: 0.3, mae: 0.9 });
    expect(Object.keys(testSummary(classificationRun)!)).toEqual(expect.arrayContaining(['precision', 'recall', 'f1', 'auc', 'macroF1']));
    for (const r of [classificationRun, regressionRun]) for (const k of Object.keys(testSummary(r)!)) names.add(k);
    // The evaluation's per-class columns.
    for (const k of ['precision', 'recall', 'f1', 'support']) names.add(k);
    for (const name of names) expectSentence(explainMetric(name), `metric ${name}`);
    expect(Object.keys(metricExplanations).sort()).toEqual([...names].filter((n) => !n.startsWith('val_')).sort());
  });

  it('says in words which split a metric is measured on', () => {
    expect(metricLabel('val_accuracy')).toBe('Validation accuracy');
    expect(metricLabel('val_auc')).toBe('Validation AUC');
    expect(explainMetric('val_loss')).toMatch(/validation rows/);
    expect(explainMetric('acc')).toBe(explainMetric('accuracy'));
    expect(explainMetric('no_such_metric')).toBeNull();
  });
});

describe('describeAugment', () => {
  it('names only what changes the pictures, and a seed of its own', () => {
    expect(describeAugment(undefined)).toBeNull();
    expect(describeAugment(augmentSchema.parse({}))).toBeNull();
    expect(describeAugment(augmentSchema.parse({ flip: 'horizontal', shift: 0.1 }))).toBe('flip horizontal · shift ±10%');
    expect(describeAugment(augmentSchema.parse({ rotation: 15, seed: 3 }))).toBe('rotate ±15° · augment seed 3');
  });
});
