// CSV/TSV parsing for tables the user brings: papaparse does the tokenizing (quotes, delimiters);
// this module adds header detection and the checks that turn malformed files into plain messages.
import Papa from 'papaparse';
import { DataError, listNames, quote } from './errors.ts';

/** A parsed table: every row has exactly `columns.length` cells, already trimmed. */
export interface Table {
  columns: string[];
  rows: string[][];
  /** The delimiter used (detected unless given). */
  delimiter: string;
  hasHeader: boolean;
  /** True for `;`-separated files whose numbers use a decimal comma (`1,5`). */
  decimalComma: boolean;
  /** Things worth telling the user that did not stop the parse. */
  warnings: string[];
}

export interface CsvOptions {
  /** Leave unset to detect among `,` tab `;` `|`. */
  delimiter?: string;
  /** `auto` (default) guesses; `false` names the columns column1, column2, ... */
  header?: boolean | 'auto';
  /** Refuse files wider than this (default 10,000 columns). */
  maxColumns?: number;
}

export const defaultMaxColumns = 10_000;
export const candidateDelimiters = [',', '\t', ';', '|'];

const numberPattern = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const decimalCommaPattern = /^[+-]?\d+,\d+$/;
const infinityPattern = /^[+-]?(inf|infinity)$/i;

/** Parses a cell as a number; `NaN` when it is not one. Accepts `Infinity` so callers can flag it. */
export function parseNumber(cell: string, decimalComma = false): number {
  // Fast path for plain decimals: Number() is exact for them, but also accepts "0x1f", "0b1", "1_0"
  // (no) and "" (0), so only cells starting like a decimal and free of radix letters take it.
  const c0 = cell.charCodeAt(0);
  if ((c0 >= 48 && c0 <= 57) || c0 === 45 || c0 === 46 || c0 === 43) {
    const c1 = cell.charCodeAt(1) | 0x20;
    if (c1 !== 120 && c1 !== 111 && c1 !== 98) {
      const value = Number(cell);
      if (Number.isFinite(value)) return value;
    }
  }
  if (numberPattern.test(cell)) return Number(cell);
  if (decimalComma && decimalCommaPattern.test(cell)) return Number(cell.replace(',', '.'));
  if (infinityPattern.test(cell)) return cell.startsWith('-') ? -Infinity : Infinity;
  return Number.NaN;
}

export function isNumberLike(cell: string, decimalComma = false): boolean {
  return !Number.isNaN(parseNumber(cell, decimalComma));
}

/** Strips a UTF-8 byte order mark, which Excel puts at the start of "CSV UTF-8" files. */
export function stripBom(text: string): string {
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Decodes file bytes as UTF-8, falling back to Latin-1 (Windows-1252) when they are not valid UTF-8 —
 * what older Excel versions write. Returns the encoding used so the UI can say so.
 */
export function decodeTextBytes(bytes: Uint8Array): { text: string; encoding: 'utf-8' | 'windows-1252' } {
  try {
    return { text: stripBom(new TextDecoder('utf-8', { fatal: true }).decode(bytes)), encoding: 'utf-8' };
  } catch {
    return { text: new TextDecoder('windows-1252').decode(bytes), encoding: 'windows-1252' };
  }
}

/**
 * Guesses whether the first row names the columns. A header cell is never a number, and a header
 * name does not reappear as a value in its own column; text above numbers is the strongest sign.
 */
export function detectHeader(rows: readonly string[][], decimalComma = false): boolean {
  const first = rows[0];
  if (first.some((cell) => isNumberLike(cell, decimalComma))) return false;
  const sample = rows.slice(1, 1001);
  if (sample.length === 0) return true;
  let repeats = false;
  for (let c = 0; c < first.length; c++) {
    if (first[c] === '') continue;
    const below = sample.map((row) => row[c] ?? '').filter((cell) => cell !== '');
    const numeric = below.filter((cell) => isNumberLike(cell, decimalComma)).length;
    if (below.length > 0 && numeric >= below.length / 2) return true;
    if (below.includes(first[c])) repeats = true;
  }
  return !repeats;
}

function detectDecimalComma(rows: readonly string[][], delimiter: string): boolean {
  if (delimiter !== ';') return false;
  for (const row of rows.slice(0, 200)) if (row.some((cell) => decimalCommaPattern.test(cell))) return true;
  return false;
}

/** Parses CSV/TSV text into a checked table, or throws a DataError saying what is wrong with it. */
export function parseCsv(input: string, options: CsvOptions = {}): Table {
  const text = stripBom(input);
  const maxColumns = options.maxColumns ?? defaultMaxColumns;
  if (text.trim() === '') throw new DataError('The file is empty: there is no header and no data. Choose a CSV or TSV file with a header row and at least one data row.');

  const result = Papa.parse<string[]>(text, {
    delimiter: options.delimiter ?? '',
    delimitersToGuess: candidateDelimiters,
    skipEmptyLines: 'greedy',
    header: false,
    dynamicTyping: false,
  });
  const warnings: string[] = [];
  for (const error of result.errors) {
    if (error.code === 'MissingQuotes') {
      throw new DataError(`Row ${(error.row ?? 0) + 1} has a quoted field that never closes (a " without its partner). Fix the quotes in that row, or save the file again from your spreadsheet program.`);
    }
    if (error.code === 'InvalidQuotes') warnings.push(`Row ${(error.row ?? 0) + 1} has a stray quote character; it was read as part of the value.`);
  }
  const delimiter = result.meta.delimiter;
  const raw = result.data;
  if (raw.length === 0) throw new DataError('The file has no rows. Choose a CSV or TSV file with a header row and at least one data row.');
  const width = raw[0].length;
  if (width > maxColumns) {
    throw new DataError(`The file has ${width.toLocaleString('en-US')} columns; the limit is ${maxColumns.toLocaleString('en-US')}. Remove columns you do not need, or check the delimiter (it was read as ${describeDelimiter(delimiter)}).`);
  }
  const rows = raw.map((row) => row.map((cell) => cell.trim()));
  const decimalComma = detectDecimalComma(rows, delimiter);
  const hasHeader = options.header === undefined || options.header === 'auto' ? detectHeader(rows, decimalComma) : options.header;

  let columns: string[];
  let body: string[][];
  if (hasHeader) {
    columns = rows[0];
    body = rows.slice(1);
  } else {
    columns = rows[0].map((_, i) => `column${i + 1}`);
    body = rows;
  }
  // A trailing delimiter on every line makes an empty last column; drop it rather than refuse the file.
  if (columns.length > 1 && columns[columns.length - 1] === '' && body.every((row) => row.length === columns.length && row[row.length - 1] === '')) {
    columns = columns.slice(0, -1);
    body = body.map((row) => row.slice(0, -1));
    warnings.push('Every line ends with a delimiter; the empty last column was dropped.');
  }
  checkColumnNames(columns);
  if (body.length === 0) {
    throw new DataError(`The file has a header row (${listNames(columns)}) but no data rows. Add rows of data below the header.`);
  }
  const headerOffset = hasHeader ? 2 : 1;
  const ragged: number[] = [];
  for (let r = 0; r < body.length; r++) if (body[r].length !== columns.length) ragged.push(r);
  if (ragged.length > 0) {
    const r = ragged[0];
    const more = ragged.length > 1 ? ` (${ragged.length - 1} more rows have the same problem)` : '';
    const what = hasHeader ? 'the header has' : 'the first row has';
    throw new DataError(
      `Row ${r + headerOffset} has ${body[r].length} field${body[r].length === 1 ? '' : 's'} but ${what} ${columns.length}${more}. ` +
        `Check that row for a missing or extra ${describeDelimiter(delimiter)}, or put values that contain one in double quotes.`,
    );
  }
  return { columns, rows: body, delimiter, hasHeader, decimalComma, warnings };
}

function checkColumnNames(columns: readonly string[]): void {
  const seen = new Map<string, number>();
  for (let i = 0; i < columns.length; i++) {
    const name = columns[i];
    if (name === '') throw new DataError(`Column ${i + 1} has no name in the header row. Give every column a name (or, if the file has no header row, say so).`);
    const before = seen.get(name);
    if (before !== undefined) throw new DataError(`Columns ${before + 1} and ${i + 1} are both named ${quote(name)}. Rename one of them so every column name is unique.`);
    seen.set(name, i);
  }
}

export function describeDelimiter(delimiter: string): string {
  switch (delimiter) {
    case ',': return 'comma';
    case '\t': return 'tab';
    case ';': return 'semicolon';
    case '|': return 'vertical bar';
    default: return quote(delimiter);
  }
}
