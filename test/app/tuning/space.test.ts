// The search-space format: what parses, and the one-line errors that name the setting at fault.
import { describe, expect, it } from 'vitest';
import { parseSpace, parseSpaceText, SpaceError, spaceToJson } from '../../../app/tuning/space.ts';

describe('parseSpace', () => {
  it('reads every distribution and writes it back in the same form', () => {
    const raw = {
      'optimizer.learningRate': { logUniform: [0.0001, 0.1] },
      batchSize: { choice: [16, 32, 64] },
      'layers.hidden_1.units': { int: [8, 64] },
      'layers.drop.rate': { uniform: [0, 0.5] },
    };
    const space = parseSpace(raw);
    expect(space.params.map((p) => p.distribution.kind)).toEqual(['logUniform', 'choice', 'int', 'uniform']);
    expect(spaceToJson(space)).toEqual(raw);
  });

  it('drops repeated choices', () => {
    expect(parseSpace({ batchSize: { choice: [16, 16, 32] } }).params[0].distribution).toEqual({ kind: 'choice', values: [16, 32] });
  });

  it.each([
    ['[1, 2]', /search space is a JSON object/],
    ['{}', /names no setting/],
    ['{"batchSize": [16, 32]}', /^batchSize: give the values as \{"choice": \[\.\.\.\]\}/],
    ['{"batchSize": {"pick": [16]}}', /^batchSize: expected exactly one of choice, uniform, logUniform, int, got "pick"/],
    ['{"batchSize": {"choice": []}}', /^batchSize: choice needs a list of at least one value/],
    ['{"x": {"uniform": [1]}}', /^x: uniform needs two numbers/],
    ['{"x": {"uniform": [2, 1]}}', /^x: uniform needs low below high/],
    ['{"x": {"logUniform": [0, 1]}}', /^x: logUniform needs numbers above 0/],
    ['{"x": {"int": [1.5, 4]}}', /^x: int needs whole numbers/],
    ['{"x": {"choice": [{"a": 1}]}}', /^x: choice values must be numbers, text/],
    ['{"x": ', /not valid JSON/],
  ])('refuses %s with a message naming what is wrong', (text, message) => {
    const error = (() => { try { parseSpaceText(text); } catch (err) { return err; } return null; })();
    expect(error).toBeInstanceOf(SpaceError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).not.toContain('\n');
  });
});
