// Property tests: random tables written by papaparse's unparse (the writer spreadsheets and pandas agree
// with: quotes, embedded newlines and delimiters, unicode) read back by parseCsv exactly.
import fc from 'fast-check';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { parseCsv } from '../../../app/data/csv.ts';

const delimiters = [',', ';', '\t', '|'] as const;

/**
 * Cell text from an alphabet rich in what breaks CSV writers and readers: every delimiter, quotes, CR/LF,
 * a BOM-like character, accents, emoji and right-to-left letters. parseCsv trims cells (spreadsheets pad
 * them), so generated cells are trimmed too; a cell may be empty.
 */
const cellChar = fc.constantFrom(...'ab Z09.-_', ',', ';', '\t', '|', '"', "'", '\n', '\r\n', 'é', 'ß', '😀', 'ש', 'ع', '\u200f', '=');
const cell = fc.array(cellChar, { maxLength: 12 }).map((cs) => cs.join('').trim());

/** Column names: non-empty, unique, never number-like (a number in the first row means "no header"). */
const header = (width: number) =>
  fc.uniqueArray(fc.array(cellChar, { minLength: 1, maxLength: 8 }).map((cs) => `h${cs.join('')}`.trim()), { minLength: width, maxLength: width });

/** A table whose every row has some content (a row of empty cells is a blank line to a reader). */
const table = fc.integer({ min: 2, max: 6 }).chain((width) =>
  fc.record({
    columns: header(width),
    rows: fc.array(fc.array(cell, { minLength: width, maxLength: width }).filter((r) => r.some((c) => c !== '')), { minLength: 1, maxLength: 12 }),
    delimiter: fc.constantFrom(...delimiters),
    newline: fc.constantFrom('\n', '\r\n'),
  }));

describe('CSV round trip (property)', () => {
  it('parseCsv(unparse(table)) gives the same columns and cells, for every delimiter and line ending', () => {
    fc.assert(fc.property(table, ({ columns, rows, delimiter, newline }) => {
      const text = Papa.unparse({ fields: columns, data: rows }, { delimiter, newline, quotes: false });
      const parsed = parseCsv(text, { delimiter, header: true });
      expect(parsed.columns).toEqual(columns);
      expect(parsed.rows).toEqual(rows);
      expect(parsed.delimiter).toBe(delimiter);
    }), { numRuns: 300 });
  });

  it('detects the delimiter and the header of numeric tables with text labels, and reads them back exactly', () => {
    const number = fc.double({ min: -1e6, max: 1e6, noNaN: true }).map((x) => String(Math.round(x * 1000) / 1000));
    const label = fc.constantFrom('cat', 'dog', 'a "quoted" one', 'two, parts', 'line\nbreak', 'émoji 😀', 'שלום');
    const numeric = fc.integer({ min: 1, max: 5 }).chain((width) =>
      fc.record({
        columns: fc.uniqueArray(fc.stringMatching(/^[a-z][a-z0-9_ ]{0,10}[a-z0-9]$/), { minLength: width + 1, maxLength: width + 1 }),
        rows: fc.array(fc.tuple(fc.array(number, { minLength: width, maxLength: width }), label).map(([xs, l]) => [...xs, l]), { minLength: 2, maxLength: 30 }),
        delimiter: fc.constantFrom(',', '\t', ';'),
        quotes: fc.boolean(),
      }));
    fc.assert(fc.property(numeric, ({ columns, rows, delimiter, quotes }) => {
      const text = Papa.unparse({ fields: columns, data: rows }, { delimiter, quotes });
      const parsed = parseCsv(text);
      expect(parsed.delimiter).toBe(delimiter);
      expect(parsed.hasHeader).toBe(true);
      expect(parsed.columns).toEqual(columns);
      expect(parsed.rows).toEqual(rows);
    }), { numRuns: 200 });
  });
});
