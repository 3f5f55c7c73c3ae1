// Tokenizer: vocabulary order, <pad>/<oov>, padding and truncation, Unicode text, long lines.
import { describe, expect, it } from 'vitest';
import { oovId, padId, tokenize, Tokenizer } from '../../../app/data/tokenizer.ts';

describe('Tokenizer', () => {
  const texts = ['the cat sat', 'the dog sat', 'the cat ran', 'a bird'];
  const tok = Tokenizer.fit(texts, { vocabSize: 5, sequenceLength: 4, lowercase: true });

  it('keeps the vocabSize − 2 most frequent words after <pad> and <oov>, ties in code-point order', () => {
    expect(tok.vocabulary).toEqual(['<pad>', '<oov>', 'the', 'cat', 'sat']);
    // The order of the input does not change the vocabulary.
    expect(Tokenizer.fit([...texts].reverse(), { vocabSize: 5, sequenceLength: 4, lowercase: true }).vocabulary).toEqual(tok.vocabulary);
  });

  it('pads, truncates and maps unknown words to <oov>', () => {
    expect(Array.from(tok.encode('The CAT'))).toEqual([2, 3, padId, padId]);
    expect(Array.from(tok.encode('the bird sat the cat sat'))).toEqual([2, oovId, 4, 2]);
    expect(Array.from(tok.encode(''))).toEqual([0, 0, 0, 0]);
  });

  it('splits on non-letters in any script and survives emoji and right-to-left text', () => {
    expect(tokenize("Don't panic!! It's 42°C — café")).toEqual(["don't", 'panic', "it's", '42', 'c', 'café']);
    expect(tokenize('مرحبا بالعالم')).toEqual(['مرحبا', 'بالعالم']);
    expect(tokenize('שלום עולם')).toEqual(['שלום', 'עולם']);
    expect(tokenize('great 👍🏽 food😀')).toEqual(['great', '👍', 'food', '😀']);
    const t = Tokenizer.fit(['مرحبا 😀', 'مرحبا'], { vocabSize: 10, sequenceLength: 3, lowercase: true });
    expect(Array.from(t.encode('😀 مرحبا'))).toEqual([3, 2, 0]);
  });

  it('encodes a 1 MB line quickly, reading no further than sequenceLength words', () => {
    const line = 'word '.repeat(200_000) + 'end';
    expect(line.length).toBeGreaterThan(1_000_000);
    const started = performance.now();
    const ids = Tokenizer.fit([line], { vocabSize: 10, sequenceLength: 8, lowercase: true }).encode(line);
    expect(ids).toHaveLength(8);
    expect(performance.now() - started).toBeLessThan(5_000);
  });

  it('round-trips through JSON and rejects a vocabulary without the reserved tokens', () => {
    const again = Tokenizer.fromJSON(JSON.parse(JSON.stringify(tok)));
    expect(Array.from(again.encode('the dog'))).toEqual(Array.from(tok.encode('the dog')));
    expect(() => Tokenizer.fromJSON({ ...tok.toJSON(), vocabulary: ['a', 'b'] })).toThrow(/<pad> and <oov>/);
  });
});
