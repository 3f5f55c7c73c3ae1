// Test samples for the confusion matrix: each row's truth, prediction and confidence, described in the user's terms.
import { describe, expect, it } from 'vitest';
import { testSamples } from '../../../app/training/evaluate.ts';
import { prepareTable, prepareText } from '../../../app/data/prepare.ts';
import { parseCsv } from '../../../app/data/csv.ts';

describe('testSamples', () => {
  it('softmax rows: predicted class is the largest output, confidence its probability, indices continue from the offset', () => {
    const samples = testSamples([0.1, 0.7, 0.2, 0.6, 0.3, 0.1], 3, [1, 2], 10, (i) => `row ${i}`);
    expect(samples).toEqual([
      { index: 10, actual: 1, predicted: 1, confidence: 0.7, text: 'row 0' },
      { index: 11, actual: 2, predicted: 0, confidence: 0.6, text: 'row 1' },
    ]);
  });

  it('a single sigmoid unit: class 1 above 0.5, confidence of the chosen side', () => {
    const samples = testSamples([0.9, 0.2], 1, [1, 1], 0);
    expect(samples.map((s) => s.predicted)).toEqual([1, 0]);
    expect(samples[0].confidence).toBeCloseTo(0.9);
    expect(samples[1].confidence).toBeCloseTo(0.8);
    expect(samples[0]).not.toHaveProperty('text');
  });
});

describe('Preprocessor.describeEncoded', () => {
  it('gives a table row back in raw values, categories by name', () => {
    const table = parseCsv('size,color,label\n1,red,a\n2,blue,b\n3,red,a\n4,blue,b\n5,red,a\n6,blue,b\n7,red,a\n8,blue,b\n9,red,a\n10,blue,b\n');
    const data = prepareTable(table, { source: 'x.csv', target: 'label' } as never, { validationSplit: 0, testSplit: 0 });
    const encoded = data.preprocessor.encodeRow({ size: '7', color: 'blue' });
    expect(data.preprocessor.describeEncoded(encoded)).toBe('size=7, color=blue');
  });

  it('gives a text back as its known words, unknown ones as <oov>, without padding', () => {
    const rows = Array.from({ length: 10 }, (_, i) => `${i % 2 ? 'where is my order' : 'thank you so much'},${i % 2 ? 'help' : 'other'}`);
    const table = parseCsv(`text,intent\n${rows.join('\n')}\n`);
    const data = prepareText(table, { source: 'x.csv', kind: 'text', target: 'intent', text: { column: 'text', vocabSize: 50, sequenceLength: 8, lowercase: true } } as never, { validationSplit: 0, testSplit: 0 });
    const encoded = data.preprocessor.encodeRow('Where is my parcel');
    expect(data.preprocessor.describeEncoded(encoded)).toBe('where is my <oov>');
  });
});
