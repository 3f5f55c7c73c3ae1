// User text becomes string literals that each language reads back as exactly that text: checked by
// JavaScript's own parser and by Python's (ast.literal_eval), for hostile and random strings.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { jsString, numberLiteral, pythonString, valueLiteral } from '../../../app/codegen/literals.ts';
import { python } from './fixtures.ts';

const hostile = [
  'x"); process.exit(1); ("',
  "'''; import os",
  '"""; import os; """',
  "x'); require('child_process').execSync('rm -rf /'); ('",
  '${process.exit(1)}',
  '\\',
  'line\nbreak',
  'carriage\rreturn',
  'sep\u2028arator\u2029',
  'nul\u0000byte',
  '\ud800 lone surrogate',
  'emoji 🤖 and ümlauts',
  '</script>',
  '{f}',
];

function jsRoundTrip(text: string): unknown {
  return new Function(`"use strict"; return ${jsString(text)};`)();
}

function pythonRoundTrip(texts: string[]): boolean[] {
  const py = python()!;
  // Python compares each literal with the original, received as JSON (which carries lone surrogates).
  const script = [
    'import ast, json, sys',
    'pairs = json.load(sys.stdin)',
    'print(json.dumps([ast.literal_eval(lit) == text and "\\n" not in lit for lit, text in pairs]))',
  ].join('\n');
  const r = spawnSync(py, ['-c', script], { input: JSON.stringify(texts.map((t) => [pythonString(t), t])), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

describe('jsString', () => {
  it.each(hostile)('reads back as exactly %j, on one line', (text) => {
    const literal = jsString(text);
    expect(jsRoundTrip(text)).toBe(text);
    expect(literal).not.toMatch(/[\n\r\u2028\u2029]/);
  });

  it('round-trips any string (property)', () => {
    fc.assert(fc.property(fc.string({ unit: 'binary' }), (text) => jsRoundTrip(text) === text), { numRuns: 500 });
  });
});

describe.skipIf(!python())('pythonString', () => {
  it('reads back as exactly the hostile texts, on one line', () => {
    expect(pythonRoundTrip(hostile)).toEqual(hostile.map(() => true));
  });

  it('round-trips random strings (property sample)', () => {
    const samples = fc.sample(fc.string({ unit: 'binary', maxLength: 40 }), 400);
    expect(pythonRoundTrip(samples).every(Boolean)).toBe(true);
  });
});

describe('valueLiteral and numberLiteral', () => {
  it('writes values in each language\'s syntax, tuples for Keras shapes', () => {
    expect(valueLiteral([28, 28, 1], 'python', true)).toBe('(28, 28, 1)');
    expect(valueLiteral([4], 'python', true)).toBe('(4,)');
    expect(valueLiteral([[1, 2], [3, 4]], 'python', true)).toBe('((1, 2), (3, 4))');
    expect(valueLiteral([null, 3], 'js')).toBe('[null, 3]');
    expect(valueLiteral({ a: true, 'b c': null }, 'python')).toBe('{"a": True, "b c": None}');
    expect(valueLiteral({ a: true, 'b c': null }, 'js')).toBe("{a: true, 'b c': null}");
  });

  it('writes numbers that read back exactly and refuses NaN and Infinity', () => {
    for (const n of [0.1, 1e-7, 123456789.123, -2.5e-300]) expect(Number(numberLiteral(n))).toBe(n);
    expect(numberLiteral(-0)).toBe('0');
    expect(() => numberLiteral(Number.NaN)).toThrow(RangeError);
    expect(() => numberLiteral(Infinity)).toThrow(RangeError);
  });
});
