// Which columns of the rows given to a trained model are missing (the model reads them) or unknown
// (it does not): prediction refuses rows without a column unless told to fill it, as training filled
// missing values, and says which given columns it ignores, so a typo ("bakset") is never silently a 0.
import { listNames, quote } from './errors.ts';
import type { RawRow } from './preprocess.ts';

export interface InputColumns {
  /** Columns the model reads that at least one row lacks, with how many rows lack each. */
  missing: { column: string; rows: number }[];
  /** Columns given that the model does not read (the target column is not counted). */
  unknown: string[];
}

function keysOf(row: RawRow): string[] {
  return row instanceof Map ? [...row.keys()].map(String) : Object.keys(row);
}

function has(row: RawRow, name: string): boolean {
  const value = row instanceof Map ? row.get(name) : Object.hasOwn(row, name) ? (row as Record<string, unknown>)[name] : undefined;
  return value !== undefined && value !== null;
}

/** Checks rows of named values against the model's feature columns (and its target, which may be present). */
export function checkInputColumns(rows: readonly RawRow[], features: readonly string[], target?: string | null): InputColumns {
  const known = new Set(features);
  if (target) known.add(target);
  const missing = new Map<string, number>();
  const unknown = new Set<string>();
  for (const row of rows) {
    for (const name of features) if (!has(row, name)) missing.set(name, (missing.get(name) ?? 0) + 1);
    for (const key of keysOf(row)) if (!known.has(key)) unknown.add(key);
  }
  return { missing: [...missing].map(([column, n]) => ({ column, rows: n })), unknown: [...unknown] };
}

/** A given column that looks like a missing one (same letters in another case or order, or one edit away). */
function lookalike(name: string, candidates: readonly string[]): string | undefined {
  const norm = (s: string) => s.toLowerCase().replace(/[\s_-]+/g, '');
  const sorted = (s: string) => [...norm(s)].sort().join('');
  return candidates.find((c) => norm(c) === norm(name) || sorted(c) === sorted(name) || editDistance(norm(c), norm(name)) <= 1);
}

function editDistance(a: string, b: string): number {
  if (Math.abs(a.length - b.length) > 1) return 2;
  const row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0];
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const next = Math.min(row[j] + 1, row[j - 1] + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = row[j];
      row[j] = next;
    }
  }
  return row[b.length];
}

/**
 * One sentence naming the missing columns (and how many rows lack them), with a lookalike given column
 * when there is one: `the input has no "basket" column ("bakset" is not a column the model knows), which
 * the model reads`. Empty string when nothing is missing.
 */
export function missingColumnsText(check: InputColumns, totalRows: number): string {
  if (check.missing.length === 0) return '';
  const names = check.missing.map((m) => m.column);
  const partly = check.missing.filter((m) => m.rows < totalRows);
  const hints = names.map((n) => [n, lookalike(n, check.unknown)] as const).filter(([, u]) => u !== undefined)
    .map(([n, u]) => `${quote(u!)} is not ${quote(n)}`);
  const which = partly.length === 0 ? 'the input has no' : `${Math.max(...check.missing.map((m) => m.rows))} of ${totalRows} rows have no`;
  return `${which} ${listNames(names)} column${names.length === 1 ? '' : 's'}, which the model reads${hints.length ? ` (${hints.join('; ')})` : ''}`;
}

/** One sentence naming the given columns the model ignores; empty string when there are none. */
export function unknownColumnsText(check: InputColumns): string {
  if (check.unknown.length === 0) return '';
  const n = check.unknown.length;
  return `ignored ${n === 1 ? 'a column' : `${n} columns`} the model does not read: ${listNames(check.unknown)}`;
}
