import { describe, expect, it } from 'vitest';
import {
  cellIntensity, evaluationCsv, gridCell, gridRows, matrixMax, normalizeConfusion, paddedRange, previewPoints, samplesInCell,
} from '../../../renderer/panels/evaluation/evaluationMath.ts';
import { evaluateClassification } from '../../../app/training/evaluate.ts';

describe('normalizeConfusion', () => {
  const m = [[8, 2, 0], [1, 3, 0], [0, 0, 0]];

  it('row-normalizes to recall on the diagonal and keeps an empty class at zero', () => {
    const r = normalizeConfusion(m, 'row');
    expect(r[0]).toEqual([0.8, 0.2, 0]);
    expect(r[1]).toEqual([0.25, 0.75, 0]);
    expect(r[2]).toEqual([0, 0, 0]);
  });

  it('column-normalizes to precision on the diagonal', () => {
    const c = normalizeConfusion(m, 'column');
    expect(c[0][0]).toBeCloseTo(8 / 9);
    expect(c[1][1]).toBeCloseTo(3 / 5);
    expect(c[0][2]).toBe(0);
  });

  it('agrees with the evaluation\'s own per-class recall and precision', () => {
    const probabilities = [0.9, 0.1, 0.2, 0.8, 0.6, 0.4, 0.3, 0.7, 0.55, 0.45];
    const labels = [0, 1, 1, 1, 0];
    const ev = evaluateClassification({ probabilities, width: 2, labels });
    const row = normalizeConfusion(ev.confusion, 'row');
    const col = normalizeConfusion(ev.confusion, 'column');
    ev.perClass.forEach((p, i) => {
      expect(row[i][i]).toBeCloseTo(p.recall);
      expect(col[i][i]).toBeCloseTo(p.precision);
    });
  });

  it('returns a copy in counts mode', () => {
    const c = normalizeConfusion(m, 'counts');
    c[0][0] = 99;
    expect(m[0][0]).toBe(8);
    expect(matrixMax(m)).toBe(8);
    expect(cellIntensity(4, 8)).toBe(0.5);
    expect(cellIntensity(0, 0)).toBe(0);
  });
});

describe('decision-region grid', () => {
  const spec = { xFeature: 'a', yFeature: 'b', x: { min: 0, max: 10 }, y: { min: -1, max: 1 }, steps: 5 };

  it('predicts at every cell centre, bottom row first, with other columns filled in', () => {
    const rows = gridRows(spec, { c: 'red' });
    expect(rows).toHaveLength(25);
    expect(rows[0]).toEqual({ c: 'red', a: 1, b: -0.8 });
    expect(rows[4]).toEqual({ c: 'red', a: 9, b: -0.8 });
    expect(rows[24].b).toBeCloseTo(0.8);
  });

  it('places each cell centre back in its own cell', () => {
    const rows = gridRows(spec);
    rows.forEach((r, n) => expect(gridCell(spec, r.a as number, r.b as number)).toEqual({ i: n % 5, j: Math.floor(n / 5) }));
    expect(gridCell(spec, 11, 0)).toBeNull();
  });

  it('refuses grids that are too coarse or too large to predict', () => {
    expect(() => gridRows({ ...spec, steps: 1 })).toThrow(/2–100/);
    expect(() => gridRows({ ...spec, steps: 101 })).toThrow(/2–100/);
  });

  it('pads ranges and reads points from a preview, skipping unplaceable rows', () => {
    expect(paddedRange([0, 10], 0.1)).toEqual({ min: -1, max: 11 });
    expect(paddedRange([3, 3])).toEqual({ min: 2.5, max: 3.5 });
    expect(paddedRange([NaN])).toBeNull();
    const pts = previewPoints({ columns: ['x', 'y', 'label'], rows: [['1', '2', 'a'], ['', '3', 'b'], ['4', 'x', 'c'], ['5', '6', 'd']] }, 'x', 'y', 'label');
    expect(pts).toEqual([{ x: 1, y: 2, label: 'a' }, { x: 5, y: 6, label: 'd' }]);
  });
});

describe('samplesInCell', () => {
  it('lists the samples of one actual/predicted pair with the total', () => {
    const samples = [0, 1, 2, 3, 4].map((index) => ({ index, actual: index % 2, predicted: 1 }));
    expect(samplesInCell(samples, 0, 1, 2)).toEqual({ samples: [samples[0], samples[2]], total: 3 });
    expect(samplesInCell(samples, 1, 0).total).toBe(0);
  });
});

describe('evaluationCsv', () => {
  it('writes the metrics, per-class rows and the confusion matrix, quoting class names that need it', async () => {
    const { parseCsv } = await import('../../../app/data/csv.ts');
    const evaluation = {
      task: 'classification' as const, count: 5, accuracy: 0.8, classes: ['cat', 'dog, big'],
      perClass: [{ label: 'cat', precision: 1, recall: 0.75, f1: 0.857, support: 4 }, { label: 'dog, big', precision: 0.5, recall: 1, f1: 0.667, support: 1 }],
      macro: { precision: 0.75, recall: 0.875, f1: 0.762 }, confusion: [[3, 1], [0, 1]], roc: [], auc: null,
    };
    const text = evaluationCsv(evaluation);
    expect(text).toContain('accuracy,0.8\r\n');
    expect(text).toContain('AUC,\r\n');
    expect(text).toContain('"dog, big",0.5,1,0.667,1\r\n');
    expect(text).toContain('"dog, big",0,1\r\n');
    // Each section reads back as a table with the right number of fields.
    const sections = text.split('\r\n\r\n').map((s) => parseCsv(s, { delimiter: ',' }));
    expect(sections[1].columns).toEqual(['class', 'precision', 'recall', 'F1', 'support']);
    expect(sections[2].rows).toEqual([['cat', '3', '1'], ['dog, big', '0', '1']]);
  });

  it('writes regression metrics and the predicted-against-actual pairs', () => {
    const text = evaluationCsv({ task: 'regression', count: 2, mse: 0.25, mae: 0.5, r2: null, pairs: [[1, 1.5], [2, 1.5]] });
    expect(text.split('\r\n')).toEqual(['metric,value', 'test rows,2', 'MSE,0.25', 'MAE,0.5', 'R²,', '', 'actual,predicted', '1,1.5', '2,1.5', '']);
  });
});
