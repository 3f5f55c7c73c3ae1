// Missing and unknown columns of rows given to a trained model, and the sentences that name them.
import { describe, expect, it } from 'vitest';
import { checkInputColumns, missingColumnsText, unknownColumnsText } from '../../../app/data/inputColumns.ts';

const features = ['visits', 'basket', 'tenure', 'channel'];

describe('checkInputColumns', () => {
  it('finds columns some rows lack, and columns the model does not read (the target is expected)', () => {
    const rows = [
      { visits: 1, basket: 2, tenure: 3, channel: 'web', segment: 'regular' },
      { visits: 1, tenure: 3, channel: 'web', id: 'c-2' },
      new Map<string, unknown>([['visits', 1], ['basket', null], ['tenure', 2], ['channel', 'store']]),
    ];
    const check = checkInputColumns(rows, features, 'segment');
    expect(check).toEqual({ missing: [{ column: 'basket', rows: 2 }], unknown: ['id'] });
    expect(missingColumnsText(check, 3)).toBe('2 of 3 rows have no "basket" column, which the model reads');
    expect(unknownColumnsText(check)).toBe('ignored a column the model does not read: "id"');
  });

  it('an empty value is a value (filled as in training), not a missing column', () => {
    expect(checkInputColumns([{ visits: '', basket: '', tenure: '', channel: '' }], features)).toEqual({ missing: [], unknown: [] });
    expect(missingColumnsText({ missing: [], unknown: [] }, 1)).toBe('');
  });

  it('names a lookalike given column: a typo, another case, swapped letters', () => {
    for (const given of ['bakset', 'Basket', 'baskets', 'bas_ket']) {
      const check = checkInputColumns([{ visits: 1, [given]: 2, tenure: 3, channel: 'web' }], features);
      expect(missingColumnsText(check, 1)).toBe(`the input has no "basket" column, which the model reads ("${given}" is not "basket")`);
    }
    const unrelated = checkInputColumns([{ visits: 1, price: 2, tenure: 3, channel: 'web' }], features);
    expect(missingColumnsText(unrelated, 1)).toBe('the input has no "basket" column, which the model reads');
    const two = checkInputColumns([{ visits: 1 }], features);
    expect(missingColumnsText(two, 1)).toBe('the input has no "basket", "tenure", "channel" columns, which the model reads');
  });
});
