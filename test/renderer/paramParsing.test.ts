// How the inspector reads typed lists and padding: what a user writes becomes the value the catalog checks.
import { describe, expect, it } from 'vitest';
import { parseList, parsePairs } from '../../renderer/panels/inspector/ParamField.tsx';

describe('inspector text parsing', () => {
  it('reads shapes written with commas, spaces, brackets or ×, and ? only where sizes may vary', () => {
    expect(parseList('28, 28, 1', false)).toEqual([28, 28, 1]);
    expect(parseList('[28 28 1]', false)).toEqual([28, 28, 1]);
    expect(parseList('28×28×1', false)).toEqual([28, 28, 1]);
    expect(parseList('?, 16', true)).toEqual([null, 16]);
    expect(parseList('?, 16', false)).toBe('"?" is not a number');
    expect(parseList('3, a', false)).toBe('"a" is not a number');
    expect(parseList('', false)).toEqual([]);
  });

  it('reads padding as one number, rows and columns, or top/bottom and left/right pairs', () => {
    expect(parsePairs('1')).toBe(1);
    expect(parsePairs('1, 2')).toEqual([1, 2]);
    expect(parsePairs('1 1, 2 3')).toEqual([[1, 1], [2, 3]]);
    expect(parsePairs('[[0, 1], [2, 2]]')).toEqual([[0, 1], [2, 2]]);
    expect(parsePairs('1, x')).toBe('use whole numbers');
    expect(parsePairs('[1,')).toMatch(/write it as/);
  });
});
