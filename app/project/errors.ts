// The one error type for files that cannot be opened or saved, and the plain-language rendering of
// zod issues ("graph.layers[3].name (layer "dense_1"): ...") that it carries.
import type { z } from 'zod';
import type { SafeJsonErrorCode } from './safeJson.ts';

export type ProjectFileErrorCode =
  | SafeJsonErrorCode
  | 'not-found'
  | 'unreadable'
  | 'not-a-project'
  | 'unknown-format'
  | 'future-version'
  | 'invalid'
  | 'write-failed';

/** A file that cannot be opened or saved. `message` says what is wrong, where, and what to do, in one line. */
export class ProjectFileError extends Error {
  code: ProjectFileErrorCode;
  /** Where in the document the first problem is, e.g. `graph.layers[3].name`. */
  path?: string;
  line?: number;
  column?: number;
  constructor(code: ProjectFileErrorCode, message: string, where: { path?: string; line?: number; column?: number } = {}) {
    super(message);
    this.name = 'ProjectFileError';
    this.code = code;
    if (where.path !== undefined) this.path = where.path;
    if (where.line !== undefined) this.line = where.line;
    if (where.column !== undefined) this.column = where.column;
  }
}

/** `["graph", "layers", 3, "name"]` → `graph.layers[3].name`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out;
}

/** One zod issue in plain words, with the layer's name when the path runs through a layer. */
export function describeIssue(issue: z.core.$ZodIssue, root?: unknown): { path: string; message: string } {
  const path = formatPath(issue.path);
  const layerName = layerNameOnPath(issue.path, root);
  const where = path === '' ? 'the file' : layerName ? `${path} (layer "${layerName}")` : path;
  return { path, message: `${where}: ${issueText(issue)}` };
}

/** All issues of a failed parse as one line: the first in full, then how many more there are. */
export function summarizeIssues(issues: readonly z.core.$ZodIssue[], root?: unknown): { path: string; text: string } {
  const first = describeIssue(issues[0], root);
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more problem${issues.length > 2 ? 's' : ''})` : '';
  return { path: first.path, text: `${first.message}${more}` };
}

function issueText(issue: z.core.$ZodIssue): string {
  const i = issue as z.core.$ZodIssue & Record<string, unknown>;
  const input = (issue as { input?: unknown }).input;
  switch (issue.code) {
    case 'invalid_type':
      return input === undefined ? `is missing (expected ${article(String(i.expected))})` : `should be ${article(String(i.expected))} but is ${kindOf(input)}`;
    case 'too_big':
      if (i.origin === 'string') return `is ${lengthOf(input)} characters long; the limit is ${String(i.maximum)}`;
      if (i.origin === 'array') return `has ${lengthOf(input)} entries; the limit is ${String(i.maximum)}`;
      return i.inclusive === false ? `is ${String(input)}; the value must be less than ${String(i.maximum)}` : `is ${String(input)}; the largest allowed value is ${String(i.maximum)}`;
    case 'too_small':
      if (i.origin === 'string') return Number(i.minimum) <= 1 ? 'must not be empty' : `must be at least ${String(i.minimum)} characters long`;
      if (i.origin === 'array') return `needs at least ${String(i.minimum)} entries`;
      return `is ${String(input)}; the value must be ${i.inclusive ? 'at least' : 'greater than'} ${String(i.minimum)}`;
    case 'invalid_value':
      return `is ${JSON.stringify(input)}; expected ${(i.values as unknown[]).map((v) => JSON.stringify(v)).join(' or ')}`;
    case 'invalid_format':
      return i.format === 'datetime' ? `is ${JSON.stringify(input)}; expected a date and time such as "2025-01-31T12:00:00.000Z"` : `is not a valid ${String(i.format)}`;
    case 'unrecognized_keys':
      return `has unknown field${(i.keys as string[]).length > 1 ? 's' : ''} ${(i.keys as string[]).map((k) => `"${k}"`).join(', ')} (a typo, or a file from another program?)`;
    case 'invalid_key': {
      // A record key (parameter name, layer id in positions) failed its own check; its issue says why.
      const inner = (i.issues as z.core.$ZodIssue[] | undefined)?.[0];
      return inner ? issueText(inner) : 'has a name that is not allowed';
    }
    case 'invalid_union':
      return 'has a value of the wrong kind';
    default:
      return issue.message;
  }
}

function layerNameOnPath(path: readonly PropertyKey[], root: unknown): string | undefined {
  if (path[0] !== 'graph' || path[1] !== 'layers' || typeof path[2] !== 'number' || path[3] === 'name') return undefined;
  const layers = (root as { graph?: { layers?: unknown } } | undefined)?.graph?.layers;
  const name = Array.isArray(layers) ? (layers[path[2]] as { name?: unknown } | undefined)?.name : undefined;
  return typeof name === 'string' && name.length <= 200 ? name : undefined;
}

function article(word: string): string {
  if (word === 'int') return 'a whole number';
  if (word === 'array') return 'a list';
  if (word === 'object' || word === 'record') return 'an object';
  return /^[aeiou]/.test(word) ? `an ${word}` : `a ${word}`;
}

function kindOf(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'a list';
  if (typeof v === 'number') return Number.isInteger(v) ? `the number ${v}` : `${v}`;
  if (typeof v === 'string') return `the text ${JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v)}`;
  return article(typeof v);
}

function lengthOf(v: unknown): string {
  return typeof v === 'string' || Array.isArray(v) ? String(v.length) : 'too many';
}
