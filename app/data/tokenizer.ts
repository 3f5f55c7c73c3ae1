// Word tokenizer for text classification: words in, fixed-length id sequences out. Its vocabulary is
// plain JSON so it is saved with the trained model and prediction tokenizes exactly like training.
import { z } from 'zod';

export const padToken = '<pad>';
export const oovToken = '<oov>';
export const padId = 0;
export const oovId = 1;

export interface TokenizerOptions {
  vocabSize: number;
  sequenceLength: number;
  lowercase: boolean;
}

export const tokenizerStateSchema = z.object({
  vocabSize: z.number().int().min(2),
  sequenceLength: z.number().int().min(1),
  lowercase: z.boolean(),
  /** Index = token id; 0 is `<pad>`, 1 is `<oov>`. */
  vocabulary: z.array(z.string()).min(2),
});
export type TokenizerState = z.infer<typeof tokenizerStateSchema>;

// A word is a run of letters, combining marks and digits (any script), with inner apostrophes kept
// ("don't"); each emoji is a word of its own. Everything else separates words.
const wordPattern = /\p{Extended_Pictographic}|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

/** Splits text into words. Unicode-aware: accents, Arabic, Hebrew, CJK and emoji all survive. */
export function tokenize(text: string, lowercase = true): string[] {
  const source = lowercase ? text.toLowerCase() : text;
  return source.match(wordPattern) ?? [];
}

export class Tokenizer {
  readonly vocabSize: number;
  readonly sequenceLength: number;
  readonly lowercase: boolean;
  readonly vocabulary: readonly string[];
  private readonly ids: Map<string, number>;

  private constructor(state: TokenizerState) {
    this.vocabSize = state.vocabSize;
    this.sequenceLength = state.sequenceLength;
    this.lowercase = state.lowercase;
    this.vocabulary = state.vocabulary;
    this.ids = new Map(state.vocabulary.map((word, i) => [word, i]));
  }

  /**
   * Builds the vocabulary from training texts: the `vocabSize - 2` most frequent words (ties broken by
   * code-point order so the result never depends on the order of the input), after `<pad>` and `<oov>`.
   */
  static fit(texts: Iterable<string>, options: TokenizerOptions): Tokenizer {
    if (!Number.isInteger(options.vocabSize) || options.vocabSize < 2) throw new RangeError(`vocabSize must be a whole number ≥ 2, got ${options.vocabSize}`);
    if (!Number.isInteger(options.sequenceLength) || options.sequenceLength < 1) throw new RangeError(`sequenceLength must be a whole number ≥ 1, got ${options.sequenceLength}`);
    const counts = new Map<string, number>();
    for (const text of texts) for (const word of tokenize(text, options.lowercase)) counts.set(word, (counts.get(word) ?? 0) + 1);
    // The reserved tokens cannot be produced by tokenize (it drops < and >), so they never collide.
    const words = [...counts.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
      .slice(0, options.vocabSize - 2)
      .map(([word]) => word);
    return new Tokenizer({ ...options, vocabulary: [padToken, oovToken, ...words] });
  }

  static fromJSON(value: unknown): Tokenizer {
    const state = tokenizerStateSchema.parse(value);
    if (state.vocabulary[padId] !== padToken || state.vocabulary[oovId] !== oovToken) {
      throw new Error('The saved vocabulary does not start with <pad> and <oov>; it was not written by this tokenizer.');
    }
    return new Tokenizer(state);
  }

  toJSON(): TokenizerState {
    return { vocabSize: this.vocabSize, sequenceLength: this.sequenceLength, lowercase: this.lowercase, vocabulary: [...this.vocabulary] };
  }

  idOf(word: string): number {
    return this.ids.get(word) ?? oovId;
  }

  /**
   * Token ids of `text`, truncated (keeping the first words) or padded with 0 at the end to
   * `sequenceLength`. Writes into `out` at `offset` when given, so batches need no temporary arrays.
   */
  encode(text: string, out?: Float32Array | Int32Array, offset = 0): Float32Array | Int32Array {
    const target = out ?? new Int32Array(this.sequenceLength);
    const source = this.lowercase ? text.toLowerCase() : text;
    let n = 0;
    // Stops after sequenceLength words, so a 1 MB line costs no more than a short one.
    for (const match of source.matchAll(wordPattern)) {
      target[offset + n++] = this.idOf(match[0]);
      if (n === this.sequenceLength) break;
    }
    target.fill(padId, offset + n, offset + this.sequenceLength);
    return target;
  }
}
