// Layer names → variable names: always valid in the target language (checked by the language itself),
// never a reserved word or a name the generated program uses, and unique.
import { spawnSync } from 'node:child_process';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { assignIdentifiers, baseIdentifier, isValidIdentifier, jsReservedWords, pythonReservedWords } from '../../../app/codegen/identifiers.ts';
import { python } from './fixtures.ts';

/** True when JavaScript (strict mode, as in an ES module) accepts `id` as a `const` name. */
function jsAccepts(id: string): boolean {
  try {
    new Function(`"use strict"; const ${id} = 1; return ${id};`);
    // `await` and `yield` are only refused inside modules and generators, which the function above is not.
    return id !== 'await' && id !== 'yield';
  } catch {
    return false;
  }
}

/** The ids Python accepts as plain assignable names (identifier, not a keyword or soft keyword). */
function pythonAccepts(ids: string[]): boolean[] {
  const py = python();
  if (!py) return ids.map(() => true);
  const script = 'import json, keyword, sys\nids = json.load(sys.stdin)\nprint(json.dumps([i.isidentifier() and not keyword.iskeyword(i) and not keyword.issoftkeyword(i) for i in ids]))';
  const r = spawnSync(py, ['-c', script], { input: JSON.stringify(ids), encoding: 'utf8' });
  expect(r.stderr).toBe('');
  return JSON.parse(r.stdout);
}

const hostile = ['x"); process.exit(1); ("', "'''; import os", '', '   ', '123', '1st layer', 'café au lait', '日本語', '__init__', 'a\nb', '\u2028'];

describe('baseIdentifier', () => {
  it('follows each language\'s style', () => {
    expect(baseIdentifier('hidden_layer 2', 'js')).toBe('hiddenLayer2');
    expect(baseIdentifier('hidden_layer 2', 'python')).toBe('hidden_layer_2');
    expect(baseIdentifier('Conv2D-block.1', 'python')).toBe('conv2_d_block_1');
    expect(baseIdentifier('café', 'js')).toBe('cafe');
  });

  it('never starts with a digit and falls back to the layer type when nothing is left', () => {
    expect(baseIdentifier('1st', 'js')).toBe('layer1st');
    expect(baseIdentifier('1st', 'python')).toBe('layer_1st');
    expect(baseIdentifier('日本語', 'python', 'Dense')).toBe('dense');
    expect(baseIdentifier('!!!', 'js', 'MaxPooling2D')).toBe('maxPooling2D');
  });
});

describe('assignIdentifiers', () => {
  it('makes clashing names unique in order', () => {
    expect(assignIdentifiers(['dense', 'dense', 'Dense', 'dense 2'], 'js')).toEqual(['dense', 'dense2', 'dense3', 'dense22']);
    expect(assignIdentifiers(['dense', 'dense', 'Dense'], 'python')).toEqual(['dense', 'dense_2', 'dense_3']);
  });

  it('avoids reserved words and the names the program already uses, keeping the word visible', () => {
    expect(assignIdentifiers(['class', 'await', 'model'], 'js', ['model'])).toEqual(['classLayer', 'awaitLayer', 'modelLayer']);
    expect(assignIdentifiers(['lambda', 'None', 'print', 'match', 'np'], 'python', ['np'])).toEqual(['lambda_layer', 'none', 'print_layer', 'match_layer', 'np_layer']);
    for (const word of jsReservedWords) expect(isValidIdentifier(word, 'js')).toBe(false);
    for (const word of pythonReservedWords) expect(isValidIdentifier(word, 'python')).toBe(false);
  });

  it('gives valid names for hostile and odd layer names', () => {
    const js = assignIdentifiers(hostile, 'js');
    const py = assignIdentifiers(hostile, 'python');
    expect(new Set(js).size).toBe(hostile.length);
    expect(new Set(py).size).toBe(hostile.length);
    for (const id of js) expect(jsAccepts(id), id).toBe(true);
    expect(pythonAccepts(py)).toEqual(py.map(() => true));
  });

  it('is valid and unique for any list of names (property)', () => {
    const names = fc.array(fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom(...jsReservedWords, ...pythonReservedWords)), { maxLength: 30 });
    const pyIds: string[] = [];
    fc.assert(fc.property(names, (list) => {
      const js = assignIdentifiers(list, 'js', ['tf', 'model']);
      const py = assignIdentifiers(list, 'python', ['np', 'model']);
      expect(new Set(js).size).toBe(list.length);
      expect(new Set(py).size).toBe(list.length);
      for (const id of js) expect(jsAccepts(id) && id !== 'tf' && id !== 'model', id).toBe(true);
      for (const id of py) expect(isValidIdentifier(id, 'python') && id !== 'np' && id !== 'model', id).toBe(true);
      pyIds.push(...py);
    }), { numRuns: 200 });
    // Python itself has the last word on what an identifier is.
    expect(pythonAccepts(pyIds).every(Boolean)).toBe(true);
  });
});
