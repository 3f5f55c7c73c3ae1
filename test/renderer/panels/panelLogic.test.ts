import { describe, expect, it } from 'vitest';
import type { ColumnSummary } from '../../../app/api/types.ts';
import { datasetBindingSchema } from '../../../app/data/binding.ts';
import { splitIndices } from '../../../app/data/split.ts';
import { makeTrainingConfig, splitSeedOf } from '../../../app/training/config.ts';
import { checkCsvFile, readAsText, setColumnRole, setColumnType, textColumnToRead } from '../../../renderer/panels/data/dataEdits.ts';
import { textReadingOf } from '../../../app/training/dataAdvice.ts';
import { intentClassifier } from '../../../app/templates/intentClassifier.ts';
import { tabularClassifier } from '../../../app/templates/tabularClassifier.ts';
import { transformerSentiment } from '../../../app/templates/transformerSentiment.ts';
import { bestValidation, keySettings, testHeadline } from '../../../renderer/panels/runs/runCells.ts';
import { setPath, splitCounts, updateSetting } from '../../../renderer/state/trainingSettings.ts';

describe('training settings', () => {
  const config = makeTrainingConfig({});

  it('updates one setting without touching the original', () => {
    const r = updateSetting(config, 'optimizer.learningRate', 0.01);
    expect(r.ok && r.config.optimizer.learningRate).toBe(0.01);
    expect(config.optimizer.learningRate).toBe(0.001);
    expect(setPath({ a: { b: 1, c: 2 } }, 'a.b', 5)).toEqual({ a: { b: 5, c: 2 } });
  });

  it('an optional setting (the split seed) is set and cleared again, which splits by the random seed', () => {
    const set = updateSetting(config, 'splitSeed', 7);
    expect(set.ok && set.config.splitSeed).toBe(7);
    const cleared = set.ok ? updateSetting(set.config, 'splitSeed', undefined) : set;
    expect(cleared.ok && JSON.parse(JSON.stringify(cleared.config))).toEqual(JSON.parse(JSON.stringify(config)));
    expect(cleared.ok && splitSeedOf(cleared.config)).toBe(config.seed);
    expect(updateSetting(config, 'splitSeed', -1)).toEqual({ ok: false, message: 'Split seed must be at least 0.' });
  });

  it('refuses values training would reject, saying why', () => {
    expect(updateSetting(config, 'batchSize', 2.5)).toEqual({ ok: false, message: 'Batch size must be a whole number.' });
    expect(updateSetting(config, 'epochs', 0)).toEqual({ ok: false, message: 'Epochs must be at least 1.' });
    expect(updateSetting(config, 'optimizer.learningRate', NaN)).toEqual({ ok: false, message: 'Learning rate needs a number.' });
    const r = updateSetting(config, 'testSplit', 1);
    expect(r.ok).toBe(false);
    expect(!r.ok && r.message).toMatch(/^Test split:/);
  });

  it('counts split rows the way the trainer splits them', () => {
    for (const [n, v, t] of [[150, 0.2, 0.2], [10, 0.5, 0.3], [1, 0.2, 0.2], [1000, 0, 0.15]] as const) {
      const ours = splitCounts(n, { validationSplit: v, testSplit: t });
      const real = splitIndices(Array.from({ length: n }, (_, i) => i), { validationSplit: v, testSplit: t, seed: 1 });
      expect(ours).toEqual({ train: real.train.length, validation: real.validation.length, test: real.test.length });
    }
  });
});

describe('data edits', () => {
  const binding = datasetBindingSchema.parse({ source: 'data.csv', target: 'species' });
  const columns: ColumnSummary[] = [
    { name: 'a', role: 'feature', type: 'numeric', inferredType: 'numeric', missing: 0, distinct: 10 },
    { name: 'zip', role: 'feature', type: 'numeric', inferredType: 'numeric', missing: 0, distinct: 10 },
    { name: 'species', role: 'target', type: 'categorical', inferredType: 'categorical', missing: 0, distinct: 3 },
  ];

  it('keeps one target: a new target demotes the old one', () => {
    const next = setColumnRole(binding, columns, 'a', 'target');
    expect(next.target).toBe('a');
    expect(next.columns).toEqual([{ name: 'species', role: 'feature' }, { name: 'a', role: 'target' }]);
    expect(datasetBindingSchema.safeParse(next).success).toBe(true);
  });

  it('drops the binding target when the target column is ignored', () => {
    const next = setColumnRole(binding, columns, 'species', 'ignore');
    expect(next.target).toBeUndefined();
    expect(next.columns).toEqual([{ name: 'species', role: 'ignore' }]);
  });

  it('stores a type override only when it differs from the inferred type', () => {
    const cat = setColumnType(binding, columns[1], 'categorical');
    expect(cat.columns).toEqual([{ name: 'zip', role: 'feature', type: 'categorical' }]);
    expect(setColumnType(cat, { ...columns[1], type: 'categorical' }, 'numeric').columns).toEqual([{ name: 'zip', role: 'feature' }]);
  });

  it('refuses files that are not CSV, empty or too big before uploading', () => {
    expect(checkCsvFile('photo.png', 10, 100)).toMatch(/does not look like a CSV/);
    expect(checkCsvFile('a.csv', 0, 100)).toMatch(/empty/);
    expect(checkCsvFile('a.csv', 200 * 1024 * 1024, 64 * 1024 * 1024)).toMatch(/200 MB/);
    expect(checkCsvFile('a.TSV', 10, 100)).toBeNull();
  });
});

describe('reading a table as text', () => {
  const col = (name: string, role: ColumnSummary['role'], type: ColumnSummary['type']): ColumnSummary => ({ name, role, type, inferredType: type, missing: 0, distinct: 50 });
  const messages = [col('message', 'feature', 'text'), col('intent', 'target', 'categorical')];

  it('offers the text column when a table has nothing else to learn from, or when the model reads text', () => {
    expect(textColumnToRead({ kind: 'table', error: 'Column "message" holds free text…', columns: messages }, false)).toBe('message');
    expect(textColumnToRead({ kind: 'table', error: null, columns: messages }, true)).toBe('message');
    // Data that could not be prepared may mark no target: the last column is the table's default one.
    const unmarked = [col('message', 'feature', 'text'), col('intent', 'feature', 'categorical')];
    expect(textColumnToRead({ kind: 'table', error: 'Column "message" holds free text…', columns: unmarked }, false)).toBe('message');
    // Numbers beside a comment column: a table model learns from the numbers; nothing to offer.
    const mixed = [col('age', 'feature', 'numeric'), col('comment', 'feature', 'text'), col('y', 'target', 'categorical')];
    expect(textColumnToRead({ kind: 'table', error: 'another problem', columns: mixed }, false)).toBeNull();
    expect(textColumnToRead({ kind: 'text', error: null, columns: messages }, true)).toBeNull();
    expect(textColumnToRead({ kind: 'table', error: null, columns: [col('v', 'feature', 'numeric'), col('y', 'target', 'categorical')] }, true)).toBeNull();
  });

  it('for a model that reads text, short sentences typed as categories count, even in the last (target) column', () => {
    // label,review: the review column is last, so a table predicts it; its short reviews look like categories.
    const reviews = [{ ...col('label', 'feature', 'categorical'), distinct: 2 }, { ...col('review', 'target', 'categorical'), distinct: 39 }];
    expect(textColumnToRead({ kind: 'table', error: null, columns: reviews }, true)).toBe('review');
    expect(textColumnToRead({ kind: 'table', error: null, columns: reviews }, false)).toBeNull();
    const table = datasetBindingSchema.parse({ source: 'reviews.csv', target: 'review', columns: [{ name: 'review', role: 'target' }] });
    const asText = readAsText(table, 'review', { sequenceLength: 40, vocabSize: 3000 });
    // The sentences are no longer the target: the text reading predicts the other column (label).
    expect(asText.target).toBeUndefined();
    expect(asText.columns).toEqual([]);
    expect(asText.text).toMatchObject({ column: 'review', sequenceLength: 40 });
  });

  it('rebinds the same file as text, read as the model reads it, keeping the target and dropping other overrides', () => {
    const table = datasetBindingSchema.parse({ source: 'support.csv', target: 'intent', columns: [{ name: 'message', role: 'feature', type: 'categorical' }, { name: 'intent', role: 'target' }] });
    const reading = textReadingOf(intentClassifier.graph);
    expect(reading).toEqual({ sequenceLength: 24, vocabSize: 2000 });
    expect(readAsText(table, 'message', reading)).toMatchObject({
      source: 'support.csv', kind: 'text', target: 'intent', columns: [{ name: 'intent', role: 'target' }],
      text: { column: 'message', sequenceLength: 24, vocabSize: 2000, lowercase: true },
    });
    expect(textReadingOf(tabularClassifier.graph)).toBeNull();
    // TokenAndPositionEmbedding names its vocabulary vocabularySize: read at that size too, not the default.
    const small = { ...transformerSentiment.graph, layers: transformerSentiment.graph.layers.map((l) => (l.type === 'TokenAndPositionEmbedding' ? { ...l, params: { ...l.params, vocabularySize: 500 } } : l)) };
    expect(textReadingOf(small)).toEqual({ sequenceLength: 40, vocabSize: 500 });
  });
});

describe('run cells', () => {
  it('picks the headline metrics of a run', () => {
    const config = makeTrainingConfig({});
    expect(keySettings({ config })).toBe('adam, lr 0.001, batch 32, 10 epochs');
    // An ensemble's stored config is its first member's, which is not how it was made.
    expect(keySettings({ config, kind: 'ensemble' })).toBe('ensemble of fused runs');
    expect(bestValidation({ best: { loss: 0.1, val_loss: 0.2, accuracy: 0.9, val_accuracy: 0.95 } })).toEqual({ metric: 'val_accuracy', value: 0.95 });
    expect(bestValidation({ best: { loss: 0.1 } })).toBeNull();
    expect(testHeadline({ test: { loss: 0.3, mae: 1.2 } })).toEqual({ metric: 'mae', value: 1.2 });
  });
});

describe('try-it form', async () => {
  const { formRow } = await import('../../../renderer/panels/tryit/formRow.ts');
  const info = { features: [{ name: 'size', kind: 'numeric' as const }, { name: 'city', kind: 'categorical' as const, categories: ['a', 'b'] }] };

  it('turns the fields into a row with numbers for numeric features (decimal commas too)', () => {
    expect(formRow(info, { size: ' 3,5 ', city: 'b' })).toEqual({ row: { size: 3.5, city: 'b' } });
  });

  it('names the fields that are empty or not numbers', () => {
    expect(formRow(info, { size: '' })).toEqual({ error: 'Fill in size, city first.' });
    expect(formRow(info, { size: 'big', city: 'a' })).toEqual({ error: '"big" is not a number; size needs one.' });
  });
});
