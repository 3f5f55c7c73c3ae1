// Parses untrusted JSON (project files, model files, weight manifests) with limits checked before any
// object is built: size, nesting depth, prototype-polluting keys, binary input; errors carry line/column.
import { formatBytes } from '../format.ts';

export type SafeJsonErrorCode =
  | 'too-large'
  | 'empty'
  | 'binary'
  | 'invalid-utf8'
  | 'syntax'
  | 'truncated'
  | 'too-deep'
  | 'forbidden-key';

/** Why a text was refused. `line`/`column` are 1-based and point at the offending character when known. */
export class SafeJsonError extends Error {
  code: SafeJsonErrorCode;
  line?: number;
  column?: number;
  offset?: number;
  constructor(code: SafeJsonErrorCode, message: string, where?: { line: number; column: number; offset: number }) {
    super(message);
    this.name = 'SafeJsonError';
    this.code = code;
    if (where) {
      this.line = where.line;
      this.column = where.column;
      this.offset = where.offset;
    }
  }
}

export interface SafeJsonOptions {
  /** Largest accepted input, in bytes (for text: UTF-16 code units, which never exceed the UTF-8 size). */
  maxBytes?: number;
  /** Deepest accepted nesting of arrays and objects. */
  maxDepth?: number;
  /** `reject` (default) refuses `__proto__`/`constructor`/`prototype` keys; `drop` removes them. */
  forbiddenKeys?: 'reject' | 'drop';
}

export const DEFAULT_MAX_BYTES = 64 * 1024 * 1024;
export const DEFAULT_MAX_DEPTH = 256;
/** Keys that can reach an object's prototype when code later merges or spreads the parsed value. */
export const FORBIDDEN_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);

/**
 * Parses `input` (text, or raw bytes that must be UTF-8) into a plain JSON value.
 * Throws SafeJsonError with a plain-language message; never overflows the stack, whatever the input.
 */
export function parseJsonSafely(input: string | Uint8Array, options: SafeJsonOptions = {}): unknown {
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  const maxDepth = options.maxDepth ?? DEFAULT_MAX_DEPTH;
  const size = typeof input === 'string' ? input.length : input.byteLength;
  if (size > maxBytes) {
    throw new SafeJsonError(
      'too-large',
      `The file is too large (${formatBytes(size)}; the limit is ${formatBytes(maxBytes)}).`,
    );
  }
  let text = typeof input === 'string' ? input : decodeUtf8(input);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);

  const nul = text.indexOf('\u0000');
  if (nul !== -1) {
    throw new SafeJsonError(
      'binary',
      `This is a binary file, not JSON text (it contains a NUL byte at ${describe(locate(text, nul))}).`,
      locate(text, nul),
    );
  }
  if (typeof input === 'string') {
    const bad = text.indexOf('\ufffd');
    if (bad !== -1) {
      throw new SafeJsonError(
        'invalid-utf8',
        `The file is not valid UTF-8 text (an undecodable byte at ${describe(locate(text, bad))}); save it as UTF-8 JSON.`,
        locate(text, bad),
      );
    }
  }
  if (text.trim() === '') throw new SafeJsonError('empty', 'The file is empty; expected JSON text.');

  const found = scanJson(text, maxDepth);
  const forbidden = found.forbiddenKeyAt;
  if (forbidden !== undefined && options.forbiddenKeys !== 'drop') {
    const where = locate(text, forbidden.offset);
    throw new SafeJsonError(
      'forbidden-key',
      `The key "${forbidden.key}" at ${describe(where)} is not allowed (it could tamper with the program's objects); remove it.`,
      where,
    );
  }
  try {
    return forbidden === undefined ? JSON.parse(text) : JSON.parse(text, dropForbidden);
  } catch (err) {
    // The scanner accepts exactly JSON's grammar, so this is a bug, not bad input; still report it plainly.
    throw new SafeJsonError('syntax', `Not valid JSON: ${(err as Error).message.split('\n')[0]}`);
  }
}

function dropForbidden(key: string, value: unknown): unknown {
  return FORBIDDEN_KEYS.has(key) ? undefined : value;
}

function decodeUtf8(bytes: Uint8Array): string {
  // A NUL byte means binary whatever the encoding; say so before complaining about UTF-8.
  const nul = bytes.indexOf(0);
  if (nul !== -1) {
    throw new SafeJsonError('binary', `This is a binary file, not JSON text (it contains a NUL byte at byte ${nul + 1}).`);
  }
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    const at = firstInvalidUtf8(bytes);
    throw new SafeJsonError(
      'invalid-utf8',
      `The file is not valid UTF-8 text (an undecodable byte at byte ${at + 1}); save it as UTF-8 JSON.`,
    );
  }
}

/** 0-based offset of the first byte that starts an invalid UTF-8 sequence (run only after decoding failed). */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    const len = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (len === 0 || i + len > bytes.length) return i;
    for (let k = 1; k < len; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return i;
    // Overlong forms, UTF-16 surrogates and code points past U+10FFFF.
    const b1 = bytes[i + 1];
    if ((b === 0xe0 && b1 < 0xa0) || (b === 0xed && b1 > 0x9f) || (b === 0xf0 && b1 < 0x90) || (b === 0xf4 && b1 > 0x8f)) return i;
    i += len;
  }
  return bytes.length - 1;
}

export interface Location {
  line: number;
  column: number;
  offset: number;
}

/** 1-based line and column of a character offset. */
export function locate(text: string, offset: number): Location {
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf('\n'); i !== -1 && i < offset; i = text.indexOf('\n', i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { line, column: offset - lineStart + 1, offset };
}

function describe(where: Location): string {
  return `line ${where.line}, column ${where.column}`;
}

const S = {
  VALUE: 0,
  VALUE_OR_END: 1,
  AFTER_VALUE: 2,
  KEY_OR_END: 3,
  KEY: 4,
  COLON: 5,
} as const;

const ARRAY = 0;
const OBJECT = 1;

interface ScanResult {
  forbiddenKeyAt?: { key: string; offset: number };
}

/**
 * Checks that `text` is exactly one JSON value, iteratively (no recursion, so no stack to overflow),
 * stopping at the first problem with its position. Also finds the first forbidden key.
 */
export function scanJson(text: string, maxDepth: number = DEFAULT_MAX_DEPTH): ScanResult {
  const stack: number[] = [];
  let state: number = S.VALUE;
  let i = 0;
  const n = text.length;
  const result: ScanResult = {};

  const fail = (at: number, what: string): never => {
    const where = locate(text, Math.min(at, n));
    if (at >= n) {
      throw new SafeJsonError(
        'truncated',
        `The JSON text ends too early at ${describe(where)} (${what}); the file may be cut off or incomplete.`,
        where,
      );
    }
    throw new SafeJsonError('syntax', `Not valid JSON at ${describe(where)}: ${what} but found ${show(text, at)}.`, where);
  };

  while (true) {
    // Skip whitespace.
    let c = text.charCodeAt(i);
    while (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) c = text.charCodeAt(++i);
    if (i >= n) {
      if (state === S.AFTER_VALUE && stack.length === 0) return result;
      fail(i, stack.length ? `an unclosed ${stack[stack.length - 1] === ARRAY ? '[' : '{'}` : 'expected a value');
    }
    switch (state) {
      case S.VALUE:
      case S.VALUE_OR_END: {
        if (c === 0x7b /* { */ || c === 0x5b /* [ */) {
          if (stack.length >= maxDepth) {
            const where = locate(text, i);
            throw new SafeJsonError(
              'too-deep',
              `The JSON is nested too deeply (more than ${maxDepth} levels of [ and { at ${describe(where)}); no real model or project needs that many.`,
              where,
            );
          }
          stack.push(c === 0x7b ? OBJECT : ARRAY);
          state = c === 0x7b ? S.KEY_OR_END : S.VALUE_OR_END;
          i++;
        } else if (c === 0x5d /* ] */ && state === S.VALUE_OR_END) {
          stack.pop();
          state = S.AFTER_VALUE;
          i++;
        } else if (c === 0x22 /* " */) {
          i = scanString(text, i, fail);
          state = S.AFTER_VALUE;
        } else if (c === 0x2d /* - */ || (c >= 0x30 && c <= 0x39)) {
          i = scanNumber(text, i, fail);
          state = S.AFTER_VALUE;
        } else if (text.startsWith('true', i)) {
          i += 4;
          state = S.AFTER_VALUE;
        } else if (text.startsWith('false', i)) {
          i += 5;
          state = S.AFTER_VALUE;
        } else if (text.startsWith('null', i)) {
          i += 4;
          state = S.AFTER_VALUE;
        } else if (c === 0x5d || c === 0x7d) {
          fail(i, 'expected a value (is there a trailing comma?)');
        } else {
          fail(i, 'expected a value (a string in double quotes, a number, true, false, null, [ or {)');
        }
        break;
      }
      case S.AFTER_VALUE: {
        if (stack.length === 0) fail(i, 'expected the end of the text after the JSON value');
        const top = stack[stack.length - 1];
        if (c === 0x2c /* , */) {
          state = top === ARRAY ? S.VALUE : S.KEY;
          i++;
        } else if (top === ARRAY && c === 0x5d) {
          stack.pop();
          i++;
        } else if (top === OBJECT && c === 0x7d) {
          stack.pop();
          i++;
        } else {
          fail(i, top === ARRAY ? "expected ',' or ']' after an array item" : "expected ',' or '}' after a property value");
        }
        break;
      }
      case S.KEY_OR_END:
      case S.KEY: {
        if (c === 0x22) {
          const end = scanString(text, i, fail);
          if (result.forbiddenKeyAt === undefined) {
            const raw = text.slice(i + 1, end - 1);
            const key = raw.includes('\\') ? (JSON.parse(text.slice(i, end)) as string) : raw;
            if (FORBIDDEN_KEYS.has(key)) result.forbiddenKeyAt = { key, offset: i };
          }
          i = end;
          state = S.COLON;
        } else if (c === 0x7d && state === S.KEY_OR_END) {
          stack.pop();
          state = S.AFTER_VALUE;
          i++;
        } else {
          fail(i, state === S.KEY && c === 0x7d ? 'expected a property name (is there a trailing comma?)' : 'expected a property name in double quotes');
        }
        break;
      }
      case S.COLON: {
        if (c !== 0x3a) fail(i, "expected ':' after a property name");
        i++;
        state = S.VALUE;
        break;
      }
    }
  }
}

/** Returns the offset just past the closing quote of the string starting at `start`. */
function scanString(text: string, start: number, fail: (at: number, what: string) => never): number {
  const n = text.length;
  let i = start + 1;
  while (i < n) {
    const c = text.charCodeAt(i);
    if (c === 0x22) return i + 1;
    if (c === 0x5c /* \ */) {
      const e = text.charCodeAt(i + 1);
      if (e === 0x75 /* u */) {
        if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail(i, 'expected 4 hexadecimal digits after \\u');
        i += 6;
      } else if (e === 0x22 || e === 0x5c || e === 0x2f || e === 0x62 || e === 0x66 || e === 0x6e || e === 0x72 || e === 0x74) {
        i += 2;
      } else {
        fail(i + 1 >= n ? n : i, 'expected a valid escape (\\" \\\\ \\/ \\b \\f \\n \\r \\t or \\uXXXX)');
      }
    } else if (c < 0x20) {
      fail(i, c === 0x0a || c === 0x0d ? 'expected a closing " before the line ends (a string cannot span lines; write \\n instead)' : 'expected no control characters inside a string (write them as escapes)');
    } else {
      i++;
    }
  }
  return fail(n, 'a string is not closed');
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y;

function scanNumber(text: string, start: number, fail: (at: number, what: string) => never): number {
  NUMBER.lastIndex = start;
  if (!NUMBER.test(text)) fail(start, 'expected a number');
  const end = NUMBER.lastIndex;
  const next = text.charCodeAt(end);
  // "01", "1.", "1e" and friends: the regex stops early and leaves a digit, dot or letter behind.
  if ((next >= 0x30 && next <= 0x39) || next === 0x2e || next === 0x65 || next === 0x45) {
    fail(end, 'expected a well-formed number');
  }
  return end;
}

function show(text: string, at: number): string {
  const cp = text.codePointAt(at) ?? 0;
  if (cp === 0x0a || cp === 0x0d) return 'a line break';
  if (cp === 0x09) return 'a tab';
  if (cp < 0x20) return `a control character (code ${cp})`;
  const word = /^[A-Za-z_$][\w$]*/.exec(text.slice(at, at + 40));
  if (word) return `"${word[0]}"`;
  return `"${String.fromCodePoint(cp)}"`;
}
