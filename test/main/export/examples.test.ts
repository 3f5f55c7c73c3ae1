// The preprocessing shipped with every export must encode raw inputs and decode outputs exactly like
// the studio (app/data/preprocess.ts); the browser page must load everything by relative paths.
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { transform } from 'esbuild';
import { Preprocessor, type PreprocessorState } from '../../../app/data/preprocess.ts';
import { Tokenizer } from '../../../app/data/tokenizer.ts';
import { browserExampleText, nodeExampleText, rawExample } from '../../../main/export/examples.ts';
import { decodeOutput, encodeInput, type ModelwrightMetadata } from '../../../main/export/runtime/modelwright-preprocess.mjs';
import type { SavedModelMetadata } from '../../../main/model/metadata.ts';

const tableState: PreprocessorState = {
  format: 'modelwright-preprocessor', version: 1, kind: 'table', task: 'classification', missing: 'mean', scaling: 'standard', decimalComma: true,
  features: [
    { name: 'age', kind: 'numeric', center: 40.5, scale: 12.25, fill: 38 },
    { name: 'colour', kind: 'categorical', categories: ['blue', 'green', 'red'], fill: 'green' },
    { name: 'size', kind: 'numeric', center: -1, scale: 0.5, fill: 0 },
    { name: 'city', kind: 'categorical', categories: ['Köln', 'Zürich'], fill: null },
  ],
  target: { name: 'label', kind: 'classification', classes: ['no', 'yes', 'maybe'] },
};

function metaOf(state: PreprocessorState, featureShape: number[]): ModelwrightMetadata {
  return {
    format: 'modelwright-model', version: 1, task: state.task, featureShape,
    classNames: state.target?.kind === 'classification' ? state.target.classes : null,
    preprocessor: state as unknown as Record<string, unknown>,
  };
}

/** Both encoders on one input: the same numbers, or both refuse it. */
function sameEncoding(state: PreprocessorState, featureShape: number[], input: unknown): void {
  const studio = new Preprocessor(state);
  let expected: Float32Array | null;
  try {
    expected = studio.encodeRow(input as Record<string, unknown>);
  } catch {
    expected = null;
  }
  if (expected === null) {
    expect(() => encodeInput(metaOf(state, featureShape), input)).toThrow();
  } else {
    expect(Array.from(encodeInput(metaOf(state, featureShape), input))).toEqual(Array.from(expected));
  }
}

const cell = fc.oneof(
  fc.constantFrom('', 'NA', 'n/a', 'NaN', 'null', 'None', '?', ' 12 ', '1,5', '-3.25', '1e3', '.5', '+7', '0x10', '1_0', 'Infinity', '-inf', 'blue', 'red', 'Köln', 'ZÜRICH', 'green '),
  fc.double({ noNaN: false }),
  fc.integer({ min: -1000, max: 1000 }),
  fc.string({ maxLength: 6 }),
  fc.constant(null),
  fc.constant(undefined),
  fc.boolean(),
);

describe('modelwright-preprocess.mjs agrees with the studio preprocessor', () => {
  it('tables: numbers, decimal commas, missing values, unknown and missing categories', () => {
    fc.assert(fc.property(fc.record({ age: cell, colour: cell, size: cell, city: cell }, { requiredKeys: [] }), (row) => {
      sameEncoding(tableState, [7], row);
    }), { numRuns: 1500 });
    // Keys that reach the prototype are never read as columns.
    sameEncoding(tableState, [7], JSON.parse('{"__proto__": {"age": 3}, "constructor": 1}'));
  });

  it('text: the same words, ids, out-of-vocabulary id and padding, in any script', () => {
    const tokenizer = Tokenizer.fit(['Where is my order?', 'I want a refund — now!', 'Où est ma commande', '注文 はどこ 📦', "don't cancel it"], { vocabSize: 12, sequenceLength: 6, lowercase: true });
    const state: PreprocessorState = {
      format: 'modelwright-preprocessor', version: 1, kind: 'text', task: 'classification', missing: 'zero', scaling: 'none', decimalComma: false,
      features: [], target: { name: 'intent', kind: 'classification', classes: ['a', 'b'] }, text: { column: 'text', tokenizer: tokenizer.toJSON() },
    };
    fc.assert(fc.property(fc.oneof(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.constantFrom('WHERE is my ORDER', "don't cancel it it it it it", '📦📦 注文')), (text) => {
      sameEncoding(state, [6], text);
      sameEncoding(state, [6], { text });
    }), { numRuns: 500 });
  });

  it('outputs: probabilities, logits, a single sigmoid unit and regression values decode to the same prediction', () => {
    const studio = new Preprocessor(tableState);
    fc.assert(fc.property(fc.array(fc.float({ min: -20, max: 20, noNaN: true }), { minLength: 3, maxLength: 3 }), (values) => {
      const out = Float32Array.from(values);
      const a = studio.decodeOutput(out);
      const b = decodeOutput(metaOf(tableState, [7]), out) as { label: string; probabilities: Record<string, number> };
      if (a.kind !== 'classification') throw new Error('expected classification');
      expect(b.label).toBe(a.label);
      for (const c of ['no', 'yes', 'maybe']) expect(b.probabilities[c]).toBeCloseTo(a.probabilities[c], 12);
    }), { numRuns: 300 });
    const binary: PreprocessorState = { ...tableState, target: { name: 'y', kind: 'classification', classes: ['off', 'on'] } };
    expect(decodeOutput(metaOf(binary, [7]), [0.8])).toMatchObject({ label: 'on' });
    const regression: PreprocessorState = { ...tableState, task: 'regression', target: { name: 'price', kind: 'regression', center: 250_000, scale: 50_000 } };
    expect(decodeOutput(metaOf(regression, [7]), [0.5])).toEqual({ value: new Preprocessor(regression).decodeOutput([0.5]).kind === 'regression' ? 275_000 : NaN });
  });

  it('rawExample rebuilds a raw row that encodes back to the same numbers', () => {
    const studio = new Preprocessor(tableState);
    const row = studio.encodeRow({ age: 51, colour: 'red', size: '-0.75', city: '' });
    const raw = rawExample({ preprocessor: tableState } as unknown as SavedModelMetadata, row);
    expect(raw).toEqual({ age: 51, colour: 'red', size: -0.75, city: null });
    expect(Array.from(studio.encodeRow(raw as Record<string, unknown>))).toEqual(Array.from(row));
  });
});

describe('inference examples', () => {
  it('the browser page loads TF.js, the model, the example and the preprocessing by relative paths only', async () => {
    const html = browserExampleText();
    const refs = [
      ...[...html.matchAll(/\b(?:src|href)="([^"]*)"/g)].map((m) => m[1]),
      ...[...html.matchAll(/\bfrom '([^']*)'/g)].map((m) => m[1]),
      ...[...html.matchAll(/\b(?:fetch|loadLayersModel)\('([^']*)'\)/g)].map((m) => m[1]),
    ];
    // data:, is the empty inline icon that keeps the browser from requesting /favicon.ico.
    expect(refs.sort()).toEqual(['./example-input.json', './model.json', './modelwright-preprocess.mjs', './tf.min.js', 'data:,']);
    // Nothing from the network: no absolute URL anywhere outside comments.
    const code = html.replace(/<!--[\s\S]*?-->/g, '');
    expect(code).not.toMatch(/https?:\/\//);
    expect(code).not.toMatch(/\bsrc="\/|from '\//);
    const module = /<script type="module">([\s\S]*?)<\/script>/.exec(html)![1];
    await expect(transform(module, { loader: 'js', format: 'esm', target: 'es2022' })).resolves.toBeDefined();
  });

  it('the Node example is a valid ES module that imports only tfjs, Node built-ins and the shipped module', async () => {
    const text = nodeExampleText();
    await expect(transform(text, { loader: 'js', format: 'esm', target: 'es2022' })).resolves.toBeDefined();
    const imports = [...text.matchAll(/^import .* from '([^']*)';$/gm)].map((m) => m[1]);
    expect(imports.sort()).toEqual(['./modelwright-preprocess.mjs', '@tensorflow/tfjs', 'node:fs/promises', 'node:path', 'node:url']);
  });
});
