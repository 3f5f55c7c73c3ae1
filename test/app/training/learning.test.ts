// The learning detector over the failure signs issue 11 reproduced (numbers as the runs gave them) and
// over runs that did learn: each sign alone flags, the advice names the one change, healthy runs pass.
import { describe, expect, it } from 'vitest';
import { checkLearning, learningSentence, lossTrend, stillImproving, type LearningInput } from '../../../app/training/learning.ts';
import { evaluateClassification, evaluateRegression } from '../../../app/training/evaluate.ts';
import { makeTrainingConfig } from '../../../app/training/config.ts';

const config = (learningRate: number, extra: object = {}) => makeTrainingConfig({ optimizer: { name: 'adam', learningRate }, epochs: 30, ...extra });
const falling = { loss: [1.2, 0.8, 0.6, 0.5, 0.45] };

/** Outputs (one row per label) that predict `predict(i)` with probability 0.9. */
function classification(labels: number[], predict: (i: number) => number, k: number, names?: string[]) {
  const probabilities = labels.flatMap((_, i) => Array.from({ length: k }, (_, c) => (c === predict(i) ? 0.9 : 0.1 / (k - 1))));
  return evaluateClassification({ probabilities, width: k, labels, classNames: names });
}

/** 100 labels of 4 classes in shares 55/20/15/10. */
const imbalanced = Array.from({ length: 100 }, (_, i) => (i < 55 ? 0 : i < 75 ? 1 : i < 90 ? 2 : 3));
const segments = ['regular', 'bargain', 'premium', 'lapsed'];

function input(over: Partial<LearningInput>): LearningInput {
  return { task: 'classification', history: falling, evaluation: null, config: config(0.001), outputActivation: 'softmax', ...over };
}

describe('a run that did not learn is flagged, with the cause and the one change to try', () => {
  it('learning rate 10 with Adam on an imbalanced 4-class table (accuracy 0.31 where the majority gives 0.55)', () => {
    // 31 of 100 right, spread over classes: below always answering "regular".
    const evaluation = classification(imbalanced, (i) => (i % 3 === 0 ? imbalanced[i] : (imbalanced[i] + 1) % 4), 4, segments);
    expect(evaluation.accuracy).toBeLessThan(0.55);
    const check = checkLearning(input({ evaluation, config: config(10), history: { loss: [12.4, 12.8, 12.8, 12.8] } }));
    expect(check.learned).toBe(false);
    expect(check.signs.join(' ')).toMatch(/no better than the 0\.55 that always answering "regular"/);
    expect(check.signs.join(' ')).toMatch(/training loss did not fall over 4 epochs/);
    expect(check.cause).toMatch(/learning rate 10 is too high for Adam/);
    expect(check.advice).toBe('lower the learning rate from 10 to 0.01');
    expect(check.change).toEqual({ path: 'optimizer.learningRate', value: 0.01 });
    expect(learningSentence(check)).toMatch(/^did not learn: .*Likely cause: .*Try this: lower the learning rate from 10 to 0\.01\.$/);
  });

  it('two-moons at 0.50: one class for every row and AUC 0.5', () => {
    const labels = Array.from({ length: 60 }, (_, i) => i % 2);
    const evaluation = evaluateClassification({ probabilities: labels.map(() => 0.2), width: 1, labels, classNames: ['lower', 'upper'] });
    const check = checkLearning(input({ evaluation, config: config(10) }));
    expect(check.learned).toBe(false);
    expect(check.signs).toContain('it predicts "lower" for every test row');
    expect(check.signs.some((s) => /AUC 0\.5 is at chance level/.test(s))).toBe(true);
    expect(check.advice).toBe('lower the learning rate from 10 to 0.01');
  });

  it('regression with R² −13,464,880', () => {
    const actual = Array.from({ length: 50 }, (_, i) => 100_000 + i * 1000);
    const evaluation = evaluateRegression({ actual, predictions: actual.map((v) => v + 5.3e7) });
    expect(evaluation.r2!).toBeLessThan(-1e6);
    const check = checkLearning(input({ task: 'regression', evaluation, config: config(10), outputActivation: 'linear' }));
    expect(check.learned).toBe(false);
    expect(check.signs[0]).toMatch(/^its R² -[\d,]{9,} is below 0/);
    expect(check.advice).toBe('lower the learning rate from 10 to 0.01');
  });

  it('R² just below 0 flags too; a flat loss alone flags an autoencoder (no test evaluation)', () => {
    const actual = [1, 2, 3, 4, 5, 6];
    const slightlyWorse = evaluateRegression({ actual, predictions: [4, 4, 4, 4, 4, 4] });
    expect(slightlyWorse.r2!).toBeLessThan(0);
    expect(checkLearning(input({ task: 'regression', evaluation: slightlyWorse })).learned).toBe(false);
    const flat = checkLearning(input({ task: 'reconstruction', history: { loss: [0.2, 0.2, 0.2, 0.2] } }));
    expect(flat.learned).toBe(false);
    expect(flat.signs).toEqual(['the training loss did not fall over 4 epochs (0.2 at first, 0.2 at the end)']);
  });

  it('stuck on the majority class at a sensible learning rate: class weights', () => {
    const evaluation = classification(imbalanced, () => 0, 4, segments);
    const check = checkLearning(input({ evaluation }));
    expect(check.signs[0]).toBe('it predicts "regular" for every test row');
    expect(check.cause).toMatch(/"regular" makes up 55% of the rows/);
    expect(check.advice).toBe('set Class weights to auto, so that every class counts the same in the loss');
    expect(check.change).toEqual({ path: 'classWeights', value: 'auto' });
    // With class weights already on, the next suspect is the number of epochs or the features.
    const weighted = checkLearning(input({ evaluation, config: config(0.001, { classWeights: 'auto', epochs: 5 }) }));
    expect(weighted.advice).toBe('train for more epochs, e.g. 20 instead of 5');
  });

  it('a rising loss at a usual learning rate: lower it tenfold; a tiny rate: raise it', () => {
    const rising = checkLearning(input({ task: 'reconstruction', history: { loss: [0.5, 0.3, 0.6, 0.9] }, config: config(0.004) }));
    expect(rising.signs[0]).toMatch(/training loss rose from 0\.5 to 0\.9 over 4 epochs/);
    expect(rising.advice).toBe('lower the learning rate from 0.004 to 0.0004');
    const tiny = checkLearning(input({ task: 'reconstruction', history: { loss: [0.5, 0.5, 0.5] }, config: config(1e-7) }));
    expect(tiny.advice).toBe('raise the learning rate from 1e-7 to 0.001');
  });

  it('a linear output on a classifier: the activation is the cause', () => {
    const evaluation = classification(imbalanced, () => 1, 4, segments);
    const check = checkLearning(input({ evaluation, outputActivation: 'linear' }));
    expect(check.cause).toMatch(/activation is linear/);
    expect(check.advice).toBe("set the output layer's activation to softmax");
  });
});

describe('a run that learned is not flagged', () => {
  it('accuracy well above the majority, AUC high, loss falling', () => {
    const evaluation = classification(imbalanced, (i) => (i % 10 === 0 ? (imbalanced[i] + 1) % 4 : imbalanced[i]), 4, segments);
    expect(checkLearning(input({ evaluation }))).toEqual({ learned: true, signs: [], cause: null, advice: null, stillImproving: null });
  });

  it('regression with R² 0.98; a loss that fell then rose a little (overfitting is not "did not learn")', () => {
    const actual = Array.from({ length: 50 }, (_, i) => i);
    const evaluation = evaluateRegression({ actual, predictions: actual.map((v, i) => v + (i % 2 ? 1 : -1)) });
    expect(checkLearning(input({ task: 'regression', evaluation, history: { loss: [1, 0.3, 0.2, 0.25, 0.3] } })).learned).toBe(true);
  });

  it('fewer than three epochs of loss say nothing about the trend', () => {
    expect(lossTrend({ loss: [1, 1] })).toBeNull();
    expect(lossTrend({ loss: [1, null, 1] })).toBeNull();
    expect(lossTrend({ loss: [1, 0.98, 0.95] })).toBeNull();
  });
});

describe('a run that learned but was still improving when its epochs ran out', () => {
  it('says so, with twice the epochs (at least 20), when the validation loss fell 1% or more in each of the last two epochs', () => {
    // The digit template's 5 epochs on 120 pictures of shapes (numbers as the run gave them).
    const history = { loss: [1.1, 1.07, 1.055, 1.03, 0.995], val_loss: [1.078, 1.078, 1.06, 1.045, 1.031] };
    expect(stillImproving(history, 5)).toEqual({
      sign: 'its validation loss was still falling when the epochs ran out (1.06 → 1.045 → 1.031 over the last 3 epochs)',
      advice: 'train for more epochs, e.g. 20 instead of 5 (with early stopping on, training ends by itself once the validation loss stops falling)',
      change: { path: 'epochs', value: 20 },
    });
    const evaluation = classification([0, 1, 2, 0, 1, 2], (i) => [0, 1, 2, 0, 1, 2][i], 3);
    const check = checkLearning(input({ history, evaluation, config: { ...config(0.001), epochs: 5 } }));
    expect(check.learned).toBe(true);
    expect(check.stillImproving?.change).toEqual({ path: 'epochs', value: 20 });
    // Without validation rows the training loss is read; 60 epochs still falling fast → 120.
    const long = { loss: Array.from({ length: 60 }, (_, i) => 2 * 0.97 ** i) };
    expect(stillImproving(long, 60)).toMatchObject({ sign: expect.stringMatching(/^its training loss was still falling/), change: { value: 120 } });
    expect(stillImproving(long, 60)?.advice).toBe('train for more epochs, e.g. 120 instead of 60');
  });

  it('says nothing when the loss levelled off, rose at the end, or the run did not use all its epochs', () => {
    expect(stillImproving({ val_loss: [1, 0.6, 0.5, 0.497, 0.495] }, 5)).toBeNull();
    expect(stillImproving({ val_loss: [1, 0.8, 0.7, 0.6, 0.61] }, 5)).toBeNull();
    // Early stopping (or Stop) ended it after 5 of 30 epochs.
    expect(stillImproving({ val_loss: [1, 0.8, 0.7, 0.6, 0.5] }, 30)).toBeNull();
    expect(stillImproving({ val_loss: [1, 0.8] }, 2)).toBeNull();
    // A run that did not learn gets its verdict, not this.
    const flat = checkLearning(input({ history: { loss: [1, 1, 1, 1, 1] }, config: { ...config(0.001), epochs: 5 } }));
    expect(flat.learned).toBe(false);
    expect(flat.stillImproving).toBeUndefined();
  });
});
