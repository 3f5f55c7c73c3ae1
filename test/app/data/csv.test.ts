// CSV/TSV parsing: delimiters, headers, quoting, and the plain-language errors for broken files.
import { describe, expect, it } from 'vitest';
import { decodeTextBytes, detectHeader, parseCsv, parseNumber } from '../../../app/data/csv.ts';
import { DataError } from '../../../app/data/errors.ts';

const fails = (text: string, pattern: RegExp) => {
  let error: unknown;
  try {
    parseCsv(text);
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(DataError);
  expect((error as Error).message).toMatch(pattern);
};

describe('parseCsv', () => {
  it('reads a plain comma-separated file with a header', () => {
    const t = parseCsv('a,b,label\n1,2,x\n3,4,y\n');
    expect(t.columns).toEqual(['a', 'b', 'label']);
    expect(t.rows).toEqual([['1', '2', 'x'], ['3', '4', 'y']]);
    expect(t.delimiter).toBe(',');
    expect(t.hasHeader).toBe(true);
  });

  it('strips a UTF-8 byte order mark so the first column name is clean', () => {
    const t = parseCsv('\uFEFFname,value\nx,1\n');
    expect(t.columns[0]).toBe('name');
  });

  it('keeps newlines and delimiters inside quoted fields', () => {
    const t = parseCsv('text,label\n"line one\nline two, with comma",a\n"say ""hi""",b\n');
    expect(t.rows).toEqual([['line one\nline two, with comma', 'a'], ['say "hi"', 'b']]);
  });

  it('detects tabs and semicolons, and decimal commas in semicolon files', () => {
    const tsv = parseCsv('a\tb\tc\n1\t2\tx\n4\t5\ty\n');
    expect(tsv.delimiter).toBe('\t');
    expect(tsv.rows[1]).toEqual(['4', '5', 'y']);
    const semi = parseCsv('price;size;kind\n1,5;3;a\n2,25;4;b\n');
    expect(semi.delimiter).toBe(';');
    expect(semi.decimalComma).toBe(true);
    expect(parseNumber(semi.rows[1][0], semi.decimalComma)).toBe(2.25);
  });

  it('names the columns of a header-less numeric file column1, column2, ...', () => {
    const t = parseCsv('1,2,0\n3,4,1\n');
    expect(t.hasHeader).toBe(false);
    expect(t.columns).toEqual(['column1', 'column2', 'column3']);
    expect(t.rows).toHaveLength(2);
  });

  it('treats a text file whose first-row labels repeat below as header-less', () => {
    expect(detectHeader([['great food', 'positive'], ['awful service', 'negative'], ['loved it', 'positive']])).toBe(false);
    expect(detectHeader([['text', 'sentiment'], ['great food', 'positive'], ['awful', 'negative']])).toBe(true);
  });

  it('skips empty lines and accepts a single data row', () => {
    const t = parseCsv('a,b\n\n1,2\n\n\n');
    expect(t.rows).toEqual([['1', '2']]);
  });

  it('drops the empty column made by a trailing delimiter on every line', () => {
    const t = parseCsv('a,b,\n1,2,\n3,4,\n');
    expect(t.columns).toEqual(['a', 'b']);
    expect(t.warnings.join()).toMatch(/ends with a delimiter/);
  });

  it('refuses empty files, header-only files and ragged rows with messages that say where', () => {
    fails('', /empty/);
    fails('  \n\n', /empty/);
    fails('a,b,c\n', /header row .* but no data rows/);
    fails('a,b,c\n1,2,3\n4,5\n6,7,8\n', /Row 3 has 2 fields but the header has 3/);
    fails('a,b,c\n1,2,3\n4,5\n6,7\n', /Row 3 has 2 fields.*1 more row/);
  });

  it('refuses duplicate and blank column names', () => {
    fails('a,b,a\n1,2,3\n', /Columns 1 and 3 are both named "a"/);
    fails('a,,c\nx,y,z\n1,2,3\n', /Column 2 has no name/);
  });

  it('refuses an unclosed quote', () => {
    fails('a,b\n"open,1\n2,3\n', /never closes/);
  });

  it('refuses files wider than the column limit, saying the limit', () => {
    const header = Array.from({ length: 12 }, (_, i) => `c${i}`).join(',');
    expect(() => parseCsv(`${header}\n${'1,'.repeat(11)}1\n`, { maxColumns: 10 })).toThrow(/12 columns; the limit is 10/);
  });

  it('parses __proto__ and constructor as ordinary column names without touching Object.prototype', () => {
    const t = parseCsv('__proto__,constructor,y\n1,2,a\n3,4,b\n');
    expect(t.columns).toEqual(['__proto__', 'constructor', 'y']);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(Object.getPrototypeOf({})).toBe(Object.prototype);
  });
});

describe('parseNumber', () => {
  it('reads decimals and exponents but not hex, binary or blank strings', () => {
    expect(parseNumber('1.5')).toBe(1.5);
    expect(parseNumber('-.5e-3')).toBe(-0.0005);
    expect(parseNumber('0x10')).toBeNaN();
    expect(parseNumber('0b1')).toBeNaN();
    expect(parseNumber('')).toBeNaN();
    expect(parseNumber('12a')).toBeNaN();
    expect(parseNumber('Infinity')).toBe(Infinity);
    expect(parseNumber('-inf')).toBe(-Infinity);
    expect(parseNumber('1,5')).toBeNaN();
    expect(parseNumber('1,5', true)).toBe(1.5);
  });
});

describe('decodeTextBytes', () => {
  it('decodes UTF-8 and falls back to Latin-1 for bytes that are not UTF-8', () => {
    expect(decodeTextBytes(new TextEncoder().encode('café,1')).encoding).toBe('utf-8');
    const latin1 = Uint8Array.from([0x63, 0x61, 0x66, 0xe9, 0x2c, 0x31]); // "café,1" in Latin-1
    const decoded = decodeTextBytes(latin1);
    expect(decoded.encoding).toBe('windows-1252');
    expect(decoded.text).toBe('café,1');
  });
});
