// checkDataAgainstModel: plain messages and machine-readable fixes for graph/data mismatches.
import { describe, expect, it } from 'vitest';
import { checkDataAgainstModel } from '../../../app/data/check.ts';

describe('checkDataAgainstModel', () => {
  const threeClasses = { task: 'classification' as const, inputShape: [4], outputUnits: 3, classes: ['a', 'b', 'c'], kind: 'table' as const };
  const binary = { task: 'classification' as const, inputShape: [2], outputUnits: 2, classes: ['0', '1'], kind: 'table' as const };

  it('accepts a matching graph', () => {
    expect(checkDataAgainstModel([4], 3, 'softmax', threeClasses)).toEqual([]);
    expect(checkDataAgainstModel([null], 3, 'softmax', threeClasses)).toEqual([]);
    expect(checkDataAgainstModel([2], 1, 'sigmoid', binary)).toEqual([]);
    expect(checkDataAgainstModel([2], 2, 'softmax', binary)).toEqual([]);
  });

  it('says how the output units differ and offers the fix', () => {
    const [m] = checkDataAgainstModel([2], 3, 'softmax', binary);
    expect(m.message).toBe('the output layer has 3 units but the target has 2 classes');
    expect(m.fix).toEqual({ kind: 'set-output-units', units: 2 });
    expect(checkDataAgainstModel([2], 3, 'sigmoid', binary)[0].fix).toEqual({ kind: 'set-output-units', units: 1 });
  });

  it('says how the input shape differs and offers the data shape', () => {
    const [m] = checkDataAgainstModel([5], 3, 'softmax', threeClasses);
    expect(m.message).toMatch(/Input layer has shape \[5\] but each row has 4 input values/);
    expect(m.fix).toEqual({ kind: 'set-input-shape', shape: [4] });
    const img = checkDataAgainstModel([784], 10, 'softmax', { task: 'classification', inputShape: [28, 28, 1], outputUnits: 10, kind: 'image' });
    expect(img[0].message).toMatch(/each image is 28×28×1/);
  });

  it('warns about activations that do not suit the task', () => {
    expect(checkDataAgainstModel([4], 3, 'relu', threeClasses)[0].fix).toEqual({ kind: 'set-output-activation', activation: 'softmax' });
    const reg = checkDataAgainstModel([3], 1, 'sigmoid', { task: 'regression', inputShape: [3], outputUnits: 1 });
    expect(reg[0].fix).toEqual({ kind: 'set-output-activation', activation: 'linear' });
    expect(checkDataAgainstModel([3], 2, 'linear', { task: 'regression', inputShape: [3], outputUnits: 1 })[0].fix).toEqual({ kind: 'set-output-units', units: 1 });
  });
});
