// From parsed table to tensor-ready splits: types, task, scaling fitted on train only, encodings,
// missing values, and the preprocessor that prediction reuses after a JSON round trip.
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../app/data/csv.ts';
import { DataError } from '../../../app/data/errors.ts';
import { oneHot, prepareTable, prepareText, type TensorSplit } from '../../../app/data/prepare.ts';
import { Preprocessor } from '../../../app/data/preprocess.ts';

const table = (rows: (string | number)[][], header: string[]) => parseCsv([header, ...rows].map((r) => r.join(',')).join('\n'));

/** Column means and population std of an [n, d] split. */
function columnStats(split: TensorSplit) {
  const [n, d] = split.xShape;
  const mean = new Array(d).fill(0);
  const sq = new Array(d).fill(0);
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) mean[j] += split.x[i * d + j] / n;
  for (let i = 0; i < n; i++) for (let j = 0; j < d; j++) sq[j] += (split.x[i * d + j] - mean[j]) ** 2 / n;
  return { mean, std: sq.map(Math.sqrt) };
}

describe('prepareTable', () => {
  // Feature a grows with the row number, so train/val/test have clearly different means.
  const rows = Array.from({ length: 200 }, (_, i) => [i * 10, i % 7, i % 2 === 0 ? 'even' : 'odd']);
  const t = table(rows, ['a', 'b', 'parity']);

  it('standardizes with statistics of the training split only', () => {
    const p = prepareTable(t, { source: 'x', target: 'parity' }, { seed: 3, testSplit: 0.25, validationSplit: 0.2 });
    const train = columnStats(p.train);
    expect(train.mean[0]).toBeCloseTo(0, 5);
    expect(train.std[0]).toBeCloseTo(1, 5);
    // Scaler parameters equal the raw mean of the training rows — recompute them from the decoded rows.
    const state = p.preprocessor.toJSON();
    const f = state.features[0];
    if (f.kind !== 'numeric') throw new Error('a should be numeric');
    const rawTrain = Array.from({ length: p.train.count }, (_, i) => p.train.x[i * 2] * f.scale + f.center);
    const rawMean = rawTrain.reduce((s, v) => s + v, 0) / rawTrain.length;
    expect(f.center).toBeCloseTo(rawMean, 3); // float32 round trip
    // The same fit with the test rows' values changed must not move the scaler: test rows are unseen.
    const testRows = new Set(Array.from({ length: p.test.count }, (_, i) => Math.round(p.test.x[i * 2] * f.scale + f.center) / 10));
    const poisoned = table(rows.map((r, i) => (testRows.has(i) ? [1e9, r[1], r[2]] : r)), ['a', 'b', 'parity']);
    const q = prepareTable(poisoned, { source: 'x', target: 'parity' }, { seed: 3, testSplit: 0.25, validationSplit: 0.2 });
    const g = q.preprocessor.toJSON().features[0];
    expect(g.kind === 'numeric' && g.center).toBeCloseTo(f.center, 6);
    expect(g.kind === 'numeric' && g.scale).toBeCloseTo(f.scale, 6);
  });

  it('min-max scales the training split into [0, 1]', () => {
    const p = prepareTable(t, { source: 'x', target: 'parity', scaling: 'minmax' }, { seed: 1 });
    const xs = Array.from({ length: p.train.count }, (_, i) => p.train.x[i * 2]);
    expect(Math.min(...xs)).toBeCloseTo(0, 6);
    expect(Math.max(...xs)).toBeCloseTo(1, 6);
  });

  it('one-hot encodes categorical features in sorted category order and label-encodes the target', () => {
    const data = table([['red', 1, 'yes'], ['green', 2, 'no'], ['blue', 3, 'yes'], ['red', 4, 'no'], ['green', 5, 'yes'], ['blue', 6, 'no']], ['color', 'n', 'buy']);
    const p = prepareTable(data, { source: 'x', target: 'buy', scaling: 'none' }, { testSplit: 0, validationSplit: 0 });
    expect(p.featureNames).toEqual(['color=blue', 'color=green', 'color=red', 'n']);
    expect(p.classes).toEqual(['no', 'yes']);
    expect(p.inputShape).toEqual([4]);
    const row = p.preprocessor.encodeRow({ color: 'green', n: '7' });
    expect(Array.from(row)).toEqual([0, 1, 0, 7]);
    // An unseen category encodes as all zeros instead of failing.
    expect(Array.from(p.preprocessor.encodeRow({ color: 'purple', n: 1 }))).toEqual([0, 0, 0, 1]);
    for (let i = 0; i < p.train.count; i++) {
      const slots = Array.from(p.train.x.subarray(i * 4, i * 4 + 3));
      expect(slots.reduce((a, b) => a + b, 0)).toBe(1);
    }
    expect(new Set(p.train.y)).toEqual(new Set([0, 1]));
    expect(Array.from(oneHot(Float32Array.from([1, 0]), 2))).toEqual([0, 1, 1, 0]);
  });

  it('picks classification for text or few whole-number targets and regression otherwise', () => {
    const few = table(Array.from({ length: 60 }, (_, i) => [i, i % 3]), ['x', 'k']);
    expect(prepareTable(few, { source: 'x' }).task).toBe('classification');
    const many = table(Array.from({ length: 60 }, (_, i) => [i, i * 1.5]), ['x', 'v']);
    const reg = prepareTable(many, { source: 'x' });
    expect(reg.task).toBe('regression');
    expect(reg.outputUnits).toBe(1);
    expect(prepareTable(few, { source: 'x', task: 'regression' }).task).toBe('regression');
    expect(() => prepareTable(table([[1, 'a'], [2, 'b']], ['x', 'y']), { source: 'x', task: 'regression' })).toThrow(/Regression predicts numbers.*"a"/);
  });

  it('decodes regression outputs back to target units', () => {
    const many = table(Array.from({ length: 60 }, (_, i) => [i, 100 + i * 2]), ['x', 'v']);
    const p = prepareTable(many, { source: 'x' }, { seed: 5 });
    for (let i = 0; i < p.test.count; i++) {
      const raw = p.preprocessor.decodeTarget(p.test.y[i]) as number;
      const x = p.preprocessor.decodeOutput([p.test.y[i]]);
      expect(x.kind === 'regression' && x.value).toBeCloseTo(raw, 3);
      expect(Math.abs(raw - Math.round(raw))).toBeLessThan(1e-3);
      expect(Math.round(raw) % 2).toBe(0);
    }
  });

  it('refuses a target with a single class', () => {
    const one = table([[1, 'a'], [2, 'a'], [3, 'a']], ['x', 'y']);
    expect(() => prepareTable(one, { source: 'x', task: 'classification' })).toThrow(/only one value \("a"\)/);
  });

  it('handles empty, NA, NaN and Infinity cells by the missing-value policy', () => {
    const rows = [[1, 'a', 'p'], ['', 'b', 'q'], ['NA', 'a', 'p'], ['NaN', 'b', 'q'], ['Infinity', 'a', 'p'], [5, '', 'q'], [7, 'b', 'p'], [9, 'a', 'q']];
    const data = table(rows, ['n', 'c', 'y']);
    const opts = { testSplit: 0, validationSplit: 0 };
    const dropped = prepareTable(data, { source: 'x', missing: 'drop-row', scaling: 'none' }, opts);
    expect(dropped.rows.dropped).toBe(5);
    expect(dropped.train.count).toBe(3);
    expect(dropped.warnings.join(' ')).toMatch(/infinite value/);
    const mean = prepareTable(data, { source: 'x', missing: 'mean', scaling: 'none' }, opts);
    expect(mean.train.count).toBe(8);
    const f = mean.preprocessor.toJSON().features[0];
    expect(f.kind === 'numeric' && f.fill).toBeCloseTo((1 + 5 + 7 + 9) / 4, 6);
    expect(Array.from(mean.train.x).every(Number.isFinite)).toBe(true);
    const zero = prepareTable(data, { source: 'x', missing: 'zero', scaling: 'none' }, opts);
    expect(Array.from(zero.preprocessor.encodeRow({ n: '', c: '' }))).toEqual([0, 0, 0]);
  });

  it('refuses a numeric override on a column that holds text, naming the row', () => {
    const data = table([[1, 'x'], ['two', 'y'], [3, 'x']], ['n', 'y']);
    expect(() => prepareTable(data, { source: 'x', columns: [{ name: 'n', role: 'feature', type: 'numeric' }] })).toThrow(/row 3 holds "two"/);
  });

  it('ignores free-text columns in tables with a warning, and honours ignore roles', () => {
    const data = table(Array.from({ length: 30 }, (_, i) => [`customer number ${i} from the north side`, i, i % 2]), ['note', 'v', 'y']);
    const p = prepareTable(data, { source: 'x', columns: [{ name: 'v', role: 'feature' }] });
    expect(p.featureNames).toEqual(['v']);
    expect(p.warnings.join()).toMatch(/"note" looks like free text/);
    expect(() => prepareTable(data, { source: 'x', target: 'missing' })).toThrow(/target column "missing" is not in the file/);
  });

  it('leaves out columns that only identify the rows, says so, and keeps what the user chose or needs', () => {
    // Shuffled ids 1…40, a camel-case id, pandas' index column, unique names: all identifiers beside a real feature.
    const ids = Array.from({ length: 40 }, (_, i) => ((i * 17) % 40) + 1);
    const rows = ids.map((id, i) => [i, id, 5000 + id * 3, `name${id}`, i % 5, (i * 7) % 13, i % 2 ? 'yes' : 'no']);
    const data = table(rows, ['Unnamed: 0', 'client_id', 'CustomerId', 'owner', 'product_id', 'amount', 'churn']);
    const p = prepareTable(data, { source: 'x', scaling: 'none' }, { testSplit: 0, validationSplit: 0 });
    // A product id that repeats is a category of products, not a row's identity: kept.
    expect(p.featureNames).toEqual(['product_id', 'amount']);
    const said = p.warnings.join('\n');
    for (const name of ['Unnamed: 0', 'client_id', 'CustomerId']) expect(said).toContain(`Column "${name}" looks like an identifier: its name and values are those of an ID`);
    expect(said).toContain('Column "owner" looks like an identifier: a different value on every row, like a name or an ID. It is ignored');
    expect(said).not.toMatch(/"product_id"|"amount"/);
    // Choosing the role (or the type) keeps the column as chosen, without a word.
    const chosen = prepareTable(data, { source: 'x', scaling: 'none', columns: [{ name: 'client_id', role: 'feature' }] }, { testSplit: 0, validationSplit: 0 });
    expect(chosen.featureNames).toEqual(['client_id', 'product_id', 'amount']);
    expect(chosen.warnings.join()).not.toContain('"client_id"');
  });

  it('only names row-number-like values under another name, and never leaves nothing to learn from', () => {
    // A day number 1…30 may be a real quantity (sales by day): named, kept.
    const days = table(Array.from({ length: 30 }, (_, i) => [i + 1, 100 + 2 * i]), ['day', 'sales']);
    const p = prepareTable(days, { source: 'x', task: 'regression' }, { testSplit: 0, validationSplit: 0 });
    expect(p.featureNames).toEqual(['day']);
    expect(p.warnings).toEqual(['Column "day" may be an identifier: it counts the rows (1 to 30). If it only numbers or names the rows, set its role to ignore: what a model learns from it would not carry over to new rows.']);
    // Years do not start at 0 or 1; too few rows prove nothing.
    const years = table(Array.from({ length: 30 }, (_, i) => [2001 + i, i % 2]), ['year', 'y']);
    expect(prepareTable(years, { source: 'x' }).warnings).toEqual([]);
    const few = table(Array.from({ length: 6 }, (_, i) => [i + 1, i % 2]), ['id', 'y']);
    expect(prepareTable(few, { source: 'x' }).warnings).toEqual([]);
    // An id that is the only column to learn from is kept, and named as possibly meaningless.
    const only = table(Array.from({ length: 30 }, (_, i) => [i + 1, i % 2]), ['id', 'y']);
    const kept = prepareTable(only, { source: 'x' });
    expect(kept.featureNames).toEqual(['id']);
    expect(kept.warnings.join()).toMatch(/^Column "id" may be an identifier: its name and values are those of an ID/);
  });

  it('a table whose only feature is free text names the column and says to read it as text (not "mark a feature")', () => {
    const data = table(Array.from({ length: 30 }, (_, i) => [`where is my parcel number ${i} please`, i % 2 ? 'refund' : 'order']), ['message', 'intent']);
    expect(() => prepareTable(data, { source: 'x' })).toThrow(/^Column "message" holds free text, which a table model cannot read, and no other column is left to learn from\. Read it as text for a text model instead .*Read "message" as text.*or set the column's type to categorical/);
    // Without a text column the old sentence stays: every column is the target or ignored.
    const numbers = table([[1, 0], [2, 1], [3, 0]], ['v', 'y']);
    expect(() => prepareTable(numbers, { source: 'x', columns: [{ name: 'v', role: 'ignore' }] })).toThrow(/^No column is left to learn from/);
  });

  it('serializes the preprocessor to plain JSON and predicts the same from raw rows after fromJSON', () => {
    const data = table(Array.from({ length: 40 }, (_, i) => [i, ['s', 'm', 'l'][i % 3], i % 2 ? 'cat' : 'dog']), ['__proto__', 'constructor', 'label']);
    const p = prepareTable(data, { source: 'x', missing: 'mean' }, { seed: 9 });
    expect(p.featureNames).toEqual(['__proto__', 'constructor=l', 'constructor=m', 'constructor=s']);
    const json = JSON.parse(JSON.stringify(p.preprocessor));
    const restored = Preprocessor.fromJSON(json);
    const row = JSON.parse('{"__proto__": "12", "constructor": "m"}');
    expect(Array.from(restored.encodeRow(row))).toEqual(Array.from(p.preprocessor.encodeRow(row)));
    expect(Array.from(restored.encodeRow(new Map([['__proto__', '12'], ['constructor', 'm']])))).toEqual(Array.from(p.preprocessor.encodeRow(row)));
    expect(({} as Record<string, unknown>).m).toBeUndefined();
    const out = restored.decodeOutput([0.2, 0.8]);
    expect(out).toMatchObject({ kind: 'classification', label: 'dog', classIndex: 1 });
    expect(out.kind === 'classification' && out.probabilities.cat).toBeCloseTo(0.2, 6);
    // One sigmoid unit for two classes, and raw logits that need a softmax.
    expect(restored.decodeOutput([0.9])).toMatchObject({ label: 'dog' });
    const logits = restored.decodeOutput([3, -1]);
    expect(logits.kind === 'classification' && logits.probabilities.cat).toBeGreaterThan(0.9);
    expect(() => Preprocessor.fromJSON({ ...json, version: 99 })).toThrow(DataError);
  });

  it('keeps every class in every split when stratifying', () => {
    const data = table(Array.from({ length: 90 }, (_, i) => [i, ['a', 'b', 'c'][i % 3]]), ['x', 'y']);
    const p = prepareTable(data, { source: 'x' }, { testSplit: 0.2, validationSplit: 0.25 });
    for (const split of [p.train, p.validation, p.test]) {
      const counts = [0, 0, 0];
      split.y.forEach((c) => counts[c]++);
      expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
    }
    expect(p.train.count + p.validation.count + p.test.count).toBe(90);
  });
});

describe('prepareText', () => {
  it('without a named text column, reads the column with the longest values that is not the target', () => {
    const data = parseCsv('id,text,intent\n1,where is my order,help\n2,opening hours please,info\n3,your service is terrible,complaint\n4,hello there,other\n');
    const p = prepareText(data, { source: 'x', target: 'intent', text: { sequenceLength: 5 } }, { testSplit: 0, validationSplit: 0 });
    expect(p.featureNames).toEqual(['text (token ids)']);
    expect(p.inputShape).toEqual([5]);
  });

  it('with neither the text column nor the target named, a file whose sentences come last predicts the labels', () => {
    const data = parseCsv('label,review\ngood,loved it and would buy again\nbad,broke after a week\ngood,great value for the money\nbad,never arrived at all\n');
    const p = prepareText(data, { source: 'x', text: { sequenceLength: 5 } }, { testSplit: 0, validationSplit: 0 });
    expect(p.classes).toEqual(['bad', 'good']);
    expect(p.featureNames).toEqual(['review (token ids)']);
  });

  it('tokenizes the text column and label-encodes the intent', () => {
    const data = parseCsv('text,intent\nwhere is my order,help\nopening hours please,info\nyour service is terrible,complaint\nhello there,other\nhow do I reset my password,help\n');
    const p = prepareText(data, { source: 'x', text: { column: 'text', vocabSize: 50, sequenceLength: 6 } }, { testSplit: 0, validationSplit: 0 });
    expect(p.kind).toBe('text');
    expect(p.inputShape).toEqual([6]);
    expect(p.classes).toEqual(['complaint', 'help', 'info', 'other']);
    expect(p.train.xShape).toEqual([5, 6]);
    const encoded = p.preprocessor.encodeRow('where is my parcel');
    expect(encoded[3]).toBe(1); // "parcel" was never seen: <oov>
    expect(encoded[4]).toBe(0); // padding
    expect(Array.from(Preprocessor.fromJSON(JSON.parse(JSON.stringify(p.preprocessor))).encodeRow({ text: 'where is my parcel' }))).toEqual(Array.from(encoded));
  });
});
