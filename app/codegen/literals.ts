// User text (layer names, column names, paths) and parameter values written into generated code as
// literals. Text only ever reaches generated code through these functions, so a name such as
// `x"); process.exit(1); ("` or `'''; import os` stays a harmless string.
import type { CodeLanguage } from './identifiers.ts';

function hex(code: number, width: number): string {
  return code.toString(16).padStart(width, '0');
}

/**
 * A JavaScript string literal in single quotes. Escapes quotes, backslashes, every control
 * character, the line/paragraph separators and lone surrogates, so the literal is one line and
 * well-formed UTF-8 whatever the input.
 */
export function jsString(text: string): string {
  let out = "'";
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (ch === "'") out += "\\'";
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f) || c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${hex(c, 4)}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + text[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${hex(c, 4)}`;
    else out += ch;
  }
  return `${out}'`;
}

/**
 * A Python string literal in double quotes (never a triple-quoted or f-string, so nothing inside is
 * evaluated). Same escaping rules as jsString; lone surrogates, which UTF-8 source cannot hold, become \u escapes.
 */
export function pythonString(text: string): string {
  let out = '"';
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    const ch = text[i];
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (c < 0x20 || (c >= 0x7f && c <= 0x9f)) out += `\\x${hex(c, 2)}`;
    else if (c === 0x2028 || c === 0x2029 || c === 0xfeff) out += `\\u${hex(c, 4)}`;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length && text.charCodeAt(i + 1) >= 0xdc00 && text.charCodeAt(i + 1) <= 0xdfff) {
      out += ch + text[i + 1];
      i++;
    } else if (c >= 0xd800 && c <= 0xdfff) out += `\\u${hex(c, 4)}`;
    else out += ch;
  }
  return `${out}"`;
}

export function stringLiteral(text: string, language: CodeLanguage): string {
  return language === 'js' ? jsString(text) : pythonString(text);
}

/** A number as both languages read it back exactly: shortest round-trip form, never NaN or Infinity. */
export function numberLiteral(value: number): string {
  if (!Number.isFinite(value)) throw new RangeError(`cannot write ${value} into generated code`);
  return Object.is(value, -0) ? '0' : String(value);
}

/**
 * A JSON-like value (numbers, strings, booleans, null, lists, plain objects with simple keys) as
 * source text. Python lists become tuples when `tuples` is set (Keras's idiom for shapes and sizes).
 */
export function valueLiteral(value: unknown, language: CodeLanguage, tuples = false): string {
  if (value === null || value === undefined) return language === 'js' ? 'null' : 'None';
  if (typeof value === 'boolean') return language === 'js' ? String(value) : value ? 'True' : 'False';
  if (typeof value === 'number') return numberLiteral(value);
  if (typeof value === 'string') return stringLiteral(value, language);
  if (Array.isArray(value)) {
    const items = value.map((v) => valueLiteral(v, language, tuples));
    if (language === 'python' && tuples) return items.length === 1 ? `(${items[0]},)` : `(${items.join(', ')})`;
    return `[${items.join(', ')}]`;
  }
  if (typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>).map(([k, v]) => {
      const key = language === 'js' && /^[A-Za-z_$][A-Za-z0-9_$]*$/.test(k) ? k : stringLiteral(k, language);
      return `${key}: ${valueLiteral(v, language, tuples)}`;
    });
    return `{${entries.join(', ')}}`;
  }
  throw new TypeError(`cannot write a ${typeof value} into generated code`);
}
