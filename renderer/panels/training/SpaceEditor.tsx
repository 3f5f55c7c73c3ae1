// The search space of a sweep as a form: one row per setting (chosen from what the project has), how it
// varies (a list of values, or a range), checked as the user types with the same words as the CLI.
import type { Graph } from '../../../app/graph/types.ts';
import type { TrainingConfig } from '../../../app/training/config.ts';
import { distributionKinds, parseSpace, SpaceError, type DistributionKind } from '../../../app/tuning/space.ts';
import { checkSpace } from '../../../app/tuning/settings.ts';
import type { TunableSetting } from '../../../app/tuning/suggest.ts';

export interface SpaceRow {
  path: string;
  kind: DistributionKind;
  /** choice: the values, comma-separated. */
  values: string;
  low: string;
  high: string;
}

const kindWords: Record<DistributionKind, string> = {
  choice: 'one of',
  uniform: 'any number from',
  logUniform: 'from (log scale)',
  int: 'any whole number from',
};

/** A row from a distribution in the space's JSON form. */
export function rowFrom(path: string, distribution: Record<string, unknown>): SpaceRow {
  const kind = (Object.keys(distribution)[0] ?? 'choice') as DistributionKind;
  const value = distribution[kind];
  if (kind === 'choice') return { path, kind, values: (value as unknown[]).map((v) => String(v)).join(', '), low: '', high: '' };
  const [low, high] = value as number[];
  return { path, kind, values: '', low: String(low), high: String(high) };
}

function parseValue(text: string): unknown {
  const t = text.trim();
  if (t === 'true' || t === 'false') return t === 'true';
  if (t === 'null') return null;
  const n = Number(t);
  return t !== '' && Number.isFinite(n) ? n : t;
}

/** The space as JSON, and the first problem with it against the project (null when it can start). */
export function spaceOf(rows: SpaceRow[], graph: Graph, config: TrainingConfig): { space: Record<string, unknown>; problem: string | null } {
  const space: Record<string, unknown> = {};
  for (const r of rows) {
    if (r.kind === 'choice') space[r.path] = { choice: r.values.split(',').filter((v) => v.trim() !== '').map(parseValue) };
    else space[r.path] = { [r.kind]: [Number(r.low.trim() || NaN), Number(r.high.trim() || NaN)] };
  }
  const duplicate = rows.find((r, i) => rows.findIndex((q) => q.path === r.path) !== i);
  if (duplicate) return { space, problem: `${duplicate.path} is listed twice` };
  try {
    checkSpace(parseSpace(space), graph, config);
    return { space, problem: null };
  } catch (err) {
    if (err instanceof SpaceError) return { space, problem: err.message };
    throw err;
  }
}

export function SpaceEditor({ rows, options, onChange, disabled }: {
  rows: SpaceRow[];
  options: TunableSetting[];
  onChange: (rows: SpaceRow[]) => void;
  disabled?: boolean;
}) {
  const set = (i: number, patch: Partial<SpaceRow>) => onChange(rows.map((r, j) => (j === i ? { ...r, ...patch } : r)));
  const unused = options.filter((o) => !rows.some((r) => r.path === o.path));
  return (
    <div data-testid="space-editor">
      {rows.map((row, i) => {
        const option = options.find((o) => o.path === row.path);
        const kinds = option?.kinds ?? distributionKinds;
        return (
          <div key={i} className="mw-tune-space-row" data-testid={`space-row-${row.path}`}>
            <div className="mw-wp-row">
              <select value={row.path} disabled={disabled} aria-label="Setting" className="mw-wp-grow" onChange={(e) => {
                const next = options.find((o) => o.path === e.target.value);
                if (next) onChange(rows.map((r, j) => (j === i ? rowFrom(next.path, next.suggestion) : r)));
              }}>
                {option ? null : <option value={row.path}>{row.path}</option>}
                {options.filter((o) => o.path === row.path || !rows.some((r) => r.path === o.path)).map((o) => <option key={o.path} value={o.path}>{o.label}</option>)}
              </select>
              <button type="button" disabled={disabled} aria-label={`Remove ${option?.label ?? row.path}`} title="Do not tune this setting" onClick={() => onChange(rows.filter((_, j) => j !== i))}>×</button>
            </div>
            <div className="mw-wp-row">
              <select value={row.kind} disabled={disabled} aria-label={`How ${option?.label ?? row.path} varies`} onChange={(e) => set(i, { kind: e.target.value as DistributionKind })}>
                {kinds.map((k) => <option key={k} value={k}>{kindWords[k]}</option>)}
              </select>
              {row.kind === 'choice' ? (
                <input type="text" value={row.values} disabled={disabled} aria-label={`Values of ${option?.label ?? row.path}`} placeholder="16, 32, 64" className="mw-wp-grow"
                  onChange={(e) => set(i, { values: e.target.value })} data-testid={`space-values-${row.path}`} />
              ) : (
                <>
                  <input type="text" inputMode="decimal" value={row.low} disabled={disabled} aria-label={`Lowest ${option?.label ?? row.path}`}
                    onChange={(e) => set(i, { low: e.target.value })} data-testid={`space-low-${row.path}`} style={{ width: 64 }} />
                  <span>to</span>
                  <input type="text" inputMode="decimal" value={row.high} disabled={disabled} aria-label={`Highest ${option?.label ?? row.path}`}
                    onChange={(e) => set(i, { high: e.target.value })} data-testid={`space-high-${row.path}`} style={{ width: 64 }} />
                </>
              )}
            </div>
          </div>
        );
      })}
      <div className="mw-wp-row">
        <select value="" disabled={disabled || unused.length === 0} aria-label="Add a setting to tune" data-testid="space-add" onChange={(e) => {
          const next = options.find((o) => o.path === e.target.value);
          if (next) onChange([...rows, rowFrom(next.path, next.suggestion)]);
        }}>
          <option value="">+ add a setting to tune…</option>
          {unused.map((o) => <option key={o.path} value={o.path}>{o.label}</option>)}
        </select>
      </div>
    </div>
  );
}
