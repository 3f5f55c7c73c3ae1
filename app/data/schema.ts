// Column types and roles: what each column of a table is (numeric, categorical, text), which one is
// the target, and whether the task is classification or regression — inferred, then overridden by
// the binding. Works from a profile so a streamed file can be inferred from its first rows.
import type { DatasetBinding } from './binding.ts';
import { parseNumber } from './csv.ts';
import { DataError, listNames, quote } from './errors.ts';

export type ColumnType = 'numeric' | 'categorical' | 'text';
export type ColumnRole = 'feature' | 'target' | 'ignore';
export type Task = 'classification' | 'regression' | 'reconstruction';

const missingTokens = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);

/** Empty cells and the usual spellings of "no value" (NA, NaN, null, None, ?). */
export function isMissing(cell: string | undefined | null): boolean {
  return cell === undefined || cell === null || missingTokens.has(cell.toLowerCase());
}

/** Distinct values are counted up to this many; a column with more is not categorical. */
export const maxDistinctTracked = 1000;
/** A numeric target with at most this many distinct whole values is taken as class labels. */
export const maxAutoClasses = 20;

/** Running facts about one column, cheap enough to keep for every column of a streamed file. */
export class ColumnProfile {
  count = 0;
  missing = 0;
  numeric = 0;
  nonFinite = 0;
  allIntegers = true;
  totalLength = 0;
  totalWords = 0;
  firstNonNumeric: { value: string; row: number } | undefined;
  firstNonFiniteRow: number | undefined;
  readonly distinct = new Map<string, number>();
  distinctOverflow = false;
  /** Over the finite numbers: smallest, largest, sum, and whether each was larger than the one before (file order). */
  min = Infinity;
  max = -Infinity;
  sum = 0;
  increasing = true;

  add(cell: string, row: number, decimalComma: boolean): void {
    this.count++;
    if (isMissing(cell)) {
      this.missing++;
      return;
    }
    const value = parseNumber(cell, decimalComma);
    if (Number.isNaN(value)) {
      this.firstNonNumeric ??= { value: cell, row };
      this.totalLength += cell.length;
      // Words ≈ spaces + 1; a cheap stand-in that needs no tokenizing.
      let words = 1;
      for (let i = 0; i < cell.length && words < 50; i++) if (cell.charCodeAt(i) === 32) words++;
      this.totalWords += words;
    } else {
      this.numeric++;
      if (!Number.isFinite(value)) {
        this.nonFinite++;
        this.firstNonFiniteRow ??= row;
      } else {
        if (!Number.isInteger(value)) this.allIntegers = false;
        if (value <= this.max) this.increasing = false;
        this.min = Math.min(this.min, value);
        this.max = Math.max(this.max, value);
        this.sum += value;
      }
    }
    if (!this.distinctOverflow) {
      const seen = this.distinct.get(cell);
      if (seen !== undefined) this.distinct.set(cell, seen + 1);
      else if (this.distinct.size < maxDistinctTracked) this.distinct.set(cell, 1);
      else this.distinctOverflow = true;
    }
  }

  get present(): number {
    return this.count - this.missing;
  }

  /** The type a column of these values most likely has. */
  inferType(): ColumnType {
    const present = this.present;
    if (present === 0 || this.numeric === present) return 'numeric';
    const texts = present - this.numeric;
    const meanWords = this.totalWords / texts;
    const meanLength = this.totalLength / texts;
    if (meanWords >= 4 || (this.distinctOverflow && meanLength > 10)) return 'text';
    // Mostly-unique short strings (ids, names) are not useful categories either.
    if (this.distinctOverflow || (this.distinct.size > 100 && this.distinct.size > present / 2)) return 'text';
    return 'categorical';
  }
}

/** Fewest values before a column can be told to be an identifier (a handful of rows can be all different by chance). */
const minIdentifierRows = 10;
const idLikeName = /^(id|ids|uuid|guid|key|index|idx|#|no\.?|n°|nr\.?|num|row|row[ _.-]?(id|no|num|number)|unnamed: ?\d+)$|[ _.-](id|uuid|guid|key)$/i;
const camelIdName = /[a-z](Id|ID)$/;

/** Whether every present value of the column differs from the others, as far as the profile can tell. */
function allDifferent(profile: ColumnProfile): boolean {
  return !profile.distinctOverflow && profile.distinct.size === profile.present;
}

/**
 * Whether a feature column looks like an identifier — a different value on every row, so that what a model
 * learns from it does not carry over to new rows (and a row number lets it learn the file's order) — and how
 * sure that is. Judged on the column's own name and values:
 * - sure (the column is left out): a name like `id`, `client_id`, `CustomerId`, `index`, `#`, pandas'
 *   `Unnamed: 0` on whole numbers that are all different (or more than the profile counts, or rising row by
 *   row); or a category column whose every value is different (names, codes: no value repeats, so none can be
 *   learnt);
 * - not sure (only named): whole numbers 0…n−1 or 1…n in any order (min, max, count and sum agree, all
 *   different or rising) under another name — a row number, or a real quantity such as a day number, which
 *   only the user can tell.
 */
export function identifierOf(name: string, profile: ColumnProfile, type: ColumnType): { reason: string; sure: boolean } | null {
  const n = profile.present;
  if (n < minIdentifierRows || profile.missing > 0) return null;
  if (type === 'categorical') return allDifferent(profile) ? { reason: 'a different value on every row, like a name or an ID', sure: true } : null;
  if (type !== 'numeric' || !profile.allIntegers || profile.nonFinite > 0 || profile.numeric !== n) return null;
  const different = allDifferent(profile) || profile.increasing;
  if ((idLikeName.test(name) || camelIdName.test(name)) && (different || profile.distinctOverflow)) {
    return { reason: 'its name and values are those of an ID (a different number on every row)', sure: true };
  }
  const rowNumbers = (profile.min === 0 || profile.min === 1) && profile.max - profile.min === n - 1
    && profile.sum === n * profile.min + (n * (n - 1)) / 2 && different;
  return rowNumbers ? { reason: `it counts the rows (${profile.min} to ${profile.max})`, sure: false } : null;
}

/** Profiles every column of `rows` (row numbers in messages count from `firstRowNumber`). */
export function profileColumns(columnCount: number, rows: Iterable<readonly string[]>, decimalComma: boolean, firstRowNumber = 1): ColumnProfile[] {
  const profiles = Array.from({ length: columnCount }, () => new ColumnProfile());
  let r = firstRowNumber;
  for (const row of rows) {
    for (let c = 0; c < columnCount; c++) profiles[c].add(row[c], r, decimalComma);
    r++;
  }
  return profiles;
}

export interface ColumnInfo {
  name: string;
  index: number;
  role: ColumnRole;
  type: ColumnType;
  inferredType: ColumnType;
  missing: number;
  /** Distinct non-missing values, or `maxDistinctTracked` when there are more. */
  distinct: number;
}

export interface TableSchema {
  kind: 'table' | 'text';
  columns: ColumnInfo[];
  /** Feature columns in file order (for text data: the text column only). */
  features: ColumnInfo[];
  target: ColumnInfo | undefined;
  task: Task;
  /** Sorted class labels (classification only). */
  classes: string[] | undefined;
  decimalComma: boolean;
  warnings: string[];
}

/** Sorts class labels: numerically when they are all numbers ("2" before "10"), else by code point. */
export function sortLabels(labels: Iterable<string>): string[] {
  const list = [...labels];
  if (list.every((l) => Number.isFinite(parseNumber(l)))) return list.sort((a, b) => parseNumber(a) - parseNumber(b) || (a < b ? -1 : a > b ? 1 : 0));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The columns named in a binding that the file lacks, as an error that lists what it has. */
function requireColumn(name: string, columns: readonly string[], what: string): number {
  const index = columns.indexOf(name);
  if (index < 0) throw new DataError(`The ${what} column ${quote(name)} is not in the file. Its columns are ${listNames(columns)}.`);
  return index;
}

/**
 * Decides every column's role and type and the task, from the profiles and the binding's overrides.
 * `profiles[i]` describes `columns[i]`; `rowsProfiled` is how many rows they saw.
 */
export function inferSchema(columns: readonly string[], profiles: readonly ColumnProfile[], binding: DatasetBinding, decimalComma = false): TableSchema {
  const warnings: string[] = [];
  const kind = binding.kind === 'text' ? 'text' : 'table';
  const overrides = new Map<string, DatasetBinding['columns'][number]>();
  for (const spec of binding.columns) {
    requireColumn(spec.name, columns, 'configured');
    overrides.set(spec.name, spec);
  }

  // The target: named in the binding, or marked as one, or (for tables) the last column.
  let targetName = binding.target ?? binding.columns.find((c) => c.role === 'target')?.name;
  if (targetName === undefined && binding.task !== 'reconstruction') {
    if (kind === 'text') {
      // With neither named, the sentences are found first (the longest values of all columns), so that a
      // file whose sentences come last (label,review) does not predict them.
      const textColumn = binding.text?.column ?? columns[findTextColumn(columns, profiles, binding, -1)];
      const others = columns.filter((c) => c !== textColumn && overrides.get(c)?.role !== 'ignore');
      targetName = others[others.length - 1];
    } else {
      targetName = columns[columns.length - 1];
    }
    if (targetName === undefined) throw new DataError('There is no column left to predict. Add a target column to the file, or choose which column is the target.');
  }
  const targetIndex = targetName === undefined ? -1 : requireColumn(targetName, columns, 'target');
  const textColumnIndex = kind === 'text' ? findTextColumn(columns, profiles, binding, targetIndex) : -1;

  /** Feature columns that look like identifiers (see identifierOf), decided once every column's role is known. */
  const identifiers: { index: number; name: string; reason: string; sure: boolean }[] = [];
  /** Feature columns of free text, which a table cannot use (the no-feature error names them). */
  const textIgnored: string[] = [];
  const infos: ColumnInfo[] = columns.map((name, index) => {
    const profile = profiles[index];
    const inferredType = profile.inferType();
    const spec = overrides.get(name);
    let role: ColumnRole = index === targetIndex ? 'target' : (spec?.role === 'target' ? 'feature' : spec?.role ?? 'feature');
    let type = spec?.type ?? inferredType;
    if (kind === 'text' && index !== targetIndex) {
      role = index === textColumnIndex ? 'feature' : 'ignore';
      if (index === textColumnIndex) type = 'text';
    }
    if (role === 'feature' && profile.present === 0) {
      warnings.push(`Column ${quote(name)} is empty in every row; it is ignored.`);
      role = 'ignore';
    }
    // Only a column the binding says nothing about: choosing its role or type keeps it as chosen.
    const identifier = kind === 'table' && role === 'feature' && !spec?.role && !spec?.type ? identifierOf(name, profile, type) : null;
    if (identifier) identifiers.push({ index, name, ...identifier });
    if (kind === 'table' && role === 'feature' && type === 'text') {
      textIgnored.push(name);
      warnings.push(`Column ${quote(name)} looks like free text or identifiers (${profile.distinctOverflow ? `over ${maxDistinctTracked}` : profile.distinct.size} different values); it is ignored. Set its type to categorical to use it, or train a text model on it.`);
      role = 'ignore';
    }
    if (role === 'feature' && type === 'numeric' && profile.numeric < profile.present) {
      const bad = profile.firstNonNumeric!;
      throw new DataError(`Column ${quote(name)} is set to numeric, but row ${bad.row} holds ${quote(bad.value)}, which is not a number. Fix that value or set the column's type to categorical.`);
    }
    if (role === 'feature' && type === 'numeric' && profile.nonFinite > 0) {
      warnings.push(`Column ${quote(name)} has ${profile.nonFinite} infinite value${profile.nonFinite === 1 ? '' : 's'} (first in row ${profile.firstNonFiniteRow}); they are treated as missing.`);
    }
    return { name, index, role, type, inferredType, missing: profile.missing, distinct: profile.distinct.size };
  });

  // A sure identifier is ignored unless nothing else would be left to learn from; a possible one is only named.
  const othersLeft = infos.some((c) => c.role === 'feature' && !identifiers.some((id) => id.sure && id.index === c.index));
  for (const id of identifiers) {
    if (id.sure && othersLeft) {
      infos[id.index].role = 'ignore';
      warnings.push(`Column ${quote(id.name)} looks like an identifier: ${id.reason}. It is ignored, since what a model learns from it would not carry over to new rows; if it does mean something, set its role to input feature.`);
    } else {
      warnings.push(`Column ${quote(id.name)} may be an identifier: ${id.reason}. If it only numbers or names the rows, set its role to ignore: what a model learns from it would not carry over to new rows.`);
    }
  }

  const target = targetIndex >= 0 ? infos[targetIndex] : undefined;
  let task: Task;
  let classes: string[] | undefined;
  if (binding.task === 'reconstruction' || !target) {
    task = 'reconstruction';
  } else {
    const profile = profiles[targetIndex];
    if (profile.present === 0) throw new DataError(`The target column ${quote(target.name)} has no values. Choose a column that holds what the model should predict.`);
    const numericTarget = profile.numeric === profile.present && profile.nonFinite === 0;
    if (binding.task === 'regression') {
      if (!numericTarget) {
        const bad = profile.firstNonNumeric;
        const why = bad ? `row ${bad.row} holds ${quote(bad.value)}` : 'it holds infinite values';
        throw new DataError(`Regression predicts numbers, but the target column ${quote(target.name)} is not numeric (${why}). Choose classification, or a numeric target.`);
      }
      task = 'regression';
    } else if (binding.task === 'classification' || kind === 'text' || target.type !== 'numeric' || !numericTarget) {
      task = 'classification';
    } else {
      const few = !profile.distinctOverflow && profile.distinct.size <= maxAutoClasses && profile.distinct.size <= Math.max(2, profile.present / 2);
      task = profile.allIntegers && few ? 'classification' : 'regression';
    }
    target.type = task === 'regression' ? 'numeric' : 'categorical';
    if (task === 'classification') {
      if (profile.distinctOverflow) {
        throw new DataError(`The target column ${quote(target.name)} has more than ${maxDistinctTracked} different values — too many classes. If it holds numbers to predict, choose regression.`);
      }
      classes = sortLabels(profile.distinct.keys());
      if (classes.length < 2) {
        throw new DataError(`The target column ${quote(target.name)} has only one value (${quote(classes[0] ?? '')}); a classifier needs at least two classes. Add rows of another class, or choose another target.`);
      }
      if (profile.missing > 0) warnings.push(`${profile.missing} row${profile.missing === 1 ? ' has' : 's have'} no value in the target column ${quote(target.name)} and ${profile.missing === 1 ? 'is' : 'are'} left out.`);
    }
  }

  const features = infos.filter((c) => c.role === 'feature');
  if (features.length === 0) {
    if (kind === 'text') throw new DataError('There is no text column. Choose the column that holds the text.');
    if (textIgnored.length > 0) {
      const [first] = textIgnored;
      throw new DataError(`Column ${quote(first)} holds free text, which a table model cannot read, and no other column is left to learn from. Read it as text for a text model instead (one that starts with an Embedding, as the intent-classifier template does; in the Data tab: Read ${quote(first)} as text), or set the column's type to categorical to use each distinct value as a category.`);
    }
    throw new DataError('No column is left to learn from: every column is the target or ignored. Mark at least one column as a feature.');
  }
  return { kind, columns: infos, features, target, task, classes, decimalComma, warnings };
}

function findTextColumn(columns: readonly string[], profiles: readonly ColumnProfile[], binding: DatasetBinding, targetIndex: number): number {
  if (binding.text?.column) return requireColumn(binding.text.column, columns, 'text');
  // The column with the longest values that is not the target.
  let best = -1;
  let bestLength = -1;
  for (let i = 0; i < columns.length; i++) {
    if (i === targetIndex) continue;
    const p = profiles[i];
    const length = p.present - p.numeric > 0 ? p.totalLength / (p.present - p.numeric) : 0;
    if (length > bestLength) {
      best = i;
      bestLength = length;
    }
  }
  // A column of numbers only (length 0) is no text either.
  if (best < 0 || bestLength <= 0) throw new DataError('There is no text column besides the target. Choose a file with a column of text and a column of labels.');
  return best;
}
