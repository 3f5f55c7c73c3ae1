// Layer and column names turned into variable names for generated JavaScript and Python: valid,
// ASCII-only, never a reserved word or a name the generated program already uses, and unique.

export type CodeLanguage = 'js' | 'python';

/** Words JavaScript modules (strict mode) never accept as a variable name, plus ones that would confuse a reader. */
export const jsReservedWords: ReadonlySet<string> = new Set([
  'await', 'break', 'case', 'catch', 'class', 'const', 'continue', 'debugger', 'default', 'delete', 'do',
  'else', 'enum', 'export', 'extends', 'false', 'finally', 'for', 'function', 'if', 'implements', 'import',
  'in', 'instanceof', 'interface', 'let', 'new', 'null', 'package', 'private', 'protected', 'public',
  'return', 'static', 'super', 'switch', 'this', 'throw', 'true', 'try', 'typeof', 'var', 'void', 'while',
  'with', 'yield', 'arguments', 'eval', 'undefined', 'NaN', 'Infinity', 'async', 'of', 'get', 'set',
  // TypeScript keywords that are legal names but read badly in the TypeScript variant.
  'type', 'declare', 'namespace', 'module', 'abstract', 'readonly', 'keyof', 'infer', 'is', 'any', 'unknown',
  'never', 'number', 'string', 'boolean', 'symbol', 'object', 'bigint',
  // Globals a generated Node program may reach for.
  'console', 'process', 'globalThis', 'Math', 'Number', 'String', 'Array', 'Object', 'Error', 'JSON', 'Map',
  'Set', 'Promise', 'Float32Array', 'Int32Array', 'Uint8Array', 'Buffer', 'require',
]);

/** Python keywords, soft keywords, and builtins a generated script must not shadow. */
export const pythonReservedWords: ReadonlySet<string> = new Set([
  'False', 'None', 'True', 'and', 'as', 'assert', 'async', 'await', 'break', 'class', 'continue', 'def',
  'del', 'elif', 'else', 'except', 'finally', 'for', 'from', 'global', 'if', 'import', 'in', 'is', 'lambda',
  'nonlocal', 'not', 'or', 'pass', 'raise', 'return', 'try', 'while', 'with', 'yield',
  'match', 'case', 'type', '_',
  'abs', 'all', 'any', 'bool', 'dict', 'dir', 'enumerate', 'filter', 'float', 'format', 'hash', 'id',
  'input', 'int', 'isinstance', 'iter', 'len', 'list', 'map', 'max', 'min', 'next', 'object', 'open',
  'print', 'range', 'repr', 'round', 'set', 'slice', 'sorted', 'str', 'sum', 'super', 'tuple', 'vars', 'zip',
  'exec', 'eval', 'compile', 'globals', 'locals', 'self', 'cls',
]);

const jsIdentifier = /^[A-Za-z_$][A-Za-z0-9_$]*$/;
const pythonIdentifier = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** True when `name` can be used as a variable in `language` (ASCII identifiers only, no reserved word). */
export function isValidIdentifier(name: string, language: CodeLanguage): boolean {
  if (language === 'js') return jsIdentifier.test(name) && !jsReservedWords.has(name);
  return pythonIdentifier.test(name) && !pythonReservedWords.has(name) && !name.startsWith('__');
}

/**
 * The words of a name: accents folded ("Größe" → "Grosse" is not attempted; "café" → "cafe"), other
 * characters treated as separators, camelCase humps split ("hiddenLayer2" → hidden, Layer, 2).
 */
function words(text: string): string[] {
  const folded = text.normalize('NFKD').replace(/\p{M}+/gu, '').replace(/ß/g, 'ss');
  const spaced = folded.replace(/([a-z0-9])([A-Z])/g, '$1 $2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2');
  return spaced.split(/[^A-Za-z0-9]+/).filter((w) => w.length > 0);
}

/**
 * A readable identifier for `text` in the language's own style (camelCase for JS, snake_case for
 * Python), not yet checked for uniqueness. Falls back to `fallback` when nothing usable is left.
 */
export function baseIdentifier(text: string, language: CodeLanguage, fallback = 'layer'): string {
  let parts = words(text).map((w) => w.toLowerCase());
  if (parts.length === 0) parts = words(fallback).map((w) => w.toLowerCase());
  if (parts.length === 0) parts = ['layer'];
  let id = language === 'js'
    ? parts[0] + parts.slice(1).map((w) => w[0].toUpperCase() + w.slice(1)).join('')
    : parts.join('_');
  // An identifier cannot start with a digit: "1st layer" becomes layer1st / layer_1st.
  if (/^[0-9]/.test(id)) id = language === 'js' ? `layer${id}` : `layer_${id}`;
  // Very long names stay readable (and editors stay happy).
  if (id.length > 40) id = id.slice(0, 40).replace(/_+$/, '');
  return id;
}

/**
 * Assigns every text a distinct identifier, in order. `taken` holds names the generated program
 * already uses (tf, model, ...): they are avoided like reserved words. Clashes get a number:
 * dense, dense2, dense3 in JS; dense, dense_2, dense_3 in Python.
 */
export function assignIdentifiers(
  texts: readonly string[],
  language: CodeLanguage,
  taken: Iterable<string> = [],
  fallbacks: readonly string[] = [],
): string[] {
  const program = new Set(taken);
  const used = new Set(program);
  return texts.map((text, i) => {
    let base = baseIdentifier(text, language, fallbacks[i] ?? 'layer');
    // A reserved word or a program name keeps its meaning visible with a suffix: class → classLayer / class_layer.
    if (!isValidIdentifier(base, language) || program.has(base)) base = language === 'js' ? `${base}Layer` : `${base}_layer`;
    let id = base;
    for (let n = 2; used.has(id) || !isValidIdentifier(id, language); n++) id = language === 'js' ? `${base}${n}` : `${base}_${n}`;
    used.add(id);
    return id;
  });
}
