// One typed control per catalog parameter: number with its range, select for choices, checkbox, list
// editor for shapes and sizes, editor for a wrapped layer. A value is committed only when validateParam
// accepts it; otherwise the control keeps the typed text and shows the reason.
import { useId, useState, type KeyboardEvent, type ReactNode } from 'react';
import { formatParamValue } from '../../../app/format.ts';
import { getLayerDef, validateParam, type LayerDef, type ParamDef } from '../../../app/graph/catalog.ts';
import type { ParamValue, WrappedLayer } from '../../../app/graph/types.ts';

export interface ParamFieldProps {
  def: LayerDef;
  param: ParamDef;
  /** The stored value; undefined means the catalog default applies. */
  value: ParamValue | undefined;
  /** Commits a value (undefined = back to the default). Returns an error message when refused. */
  onCommit: (value: ParamValue | undefined) => string | null;
}

function rangeText(p: ParamDef): string {
  const lo = p.min === undefined ? '' : `${p.minExclusive ? '>' : '≥'} ${p.min}`;
  const hi = p.max === undefined ? '' : `${p.maxExclusive ? '<' : '≤'} ${p.max}`;
  return [lo, hi].filter(Boolean).join(', ');
}

/** Text typed in a list field → the list it means; `?` or an empty item is an unknown size (null). */
export function parseList(text: string, allowNull: boolean): (number | null)[] | number | string {
  const trimmed = text.trim().replace(/^\[|\]$/g, '');
  if (trimmed === '') return [];
  const items = trimmed.split(/[\s,×x]+/).filter((s) => s !== '');
  const out: (number | null)[] = [];
  for (const item of items) {
    if (allowNull && (item === '?' || item.toLowerCase() === 'none' || item.toLowerCase() === 'null')) {
      out.push(null);
      continue;
    }
    const n = Number(item);
    if (!Number.isFinite(n)) return `"${item}" is not a number`;
    out.push(n);
  }
  return out;
}

/** Padding/cropping text: `1`, `1, 2` (rows, columns) or `1 1, 2 2` ([[top, bottom], [left, right]]). */
export function parsePairs(text: string): ParamValue | string {
  const t = text.trim();
  if (/^\[/.test(t)) {
    try {
      return JSON.parse(t) as ParamValue;
    } catch {
      return 'write it as 1, as 1, 2 or as [[1, 1], [2, 2]]';
    }
  }
  const groups = t.split(',').map((g) => g.trim().split(/\s+/).filter(Boolean).map(Number));
  if (groups.some((g) => g.some((n) => !Number.isFinite(n)))) return 'use whole numbers';
  if (groups.length === 1 && groups[0].length === 1) return groups[0][0];
  if (groups.every((g) => g.length === 1)) return groups.map((g) => g[0]);
  return groups as number[][];
}

function listText(value: ParamValue | undefined): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'number') return String(value);
  if (Array.isArray(value)) {
    return value.map((v) => (v === null ? '?' : Array.isArray(v) ? v.join(' ') : String(v))).join(', ');
  }
  return formatParamValue(value);
}

function Field({ label, help, range, htmlFor, error, children, onReset, isDefault }: {
  label: string; help: string; range?: string; htmlFor: string; error: string | null; children: ReactNode; onReset?: () => void; isDefault: boolean;
}) {
  return (
    <div className={`mw-field${error ? ' mw-field-invalid' : ''}`}>
      <div className="mw-field-label">
        <label htmlFor={htmlFor}>{label}</label>
        {range && <span className="mw-field-range">{range}</span>}
        {!isDefault && onReset && (
          <button type="button" className="mw-link" onClick={onReset} title="Use the default value">reset</button>
        )}
      </div>
      {children}
      {error && <div className="mw-field-error" role="alert" data-testid="param-error">{error}</div>}
      <div className="mw-field-help">{help}</div>
    </div>
  );
}

export function ParamField({ def, param, value, onCommit }: ParamFieldProps) {
  const id = useId();
  const effective = value === undefined ? param.default : value;
  const [draft, setDraft] = useState<string>(() => (param.kind === 'int' || param.kind === 'float' ? (effective === null ? '' : String(effective)) : listText(effective)));
  const [error, setError] = useState<string | null>(null);
  const isDefault = value === undefined;

  const commit = (next: ParamValue | undefined | string, parseError?: boolean) => {
    if (parseError) {
      setError(`${param.label}: ${String(next)}`);
      return;
    }
    const v = next as ParamValue | undefined;
    const problem = v === undefined ? null : validateParam(def, param.name, v);
    if (problem) {
      setError(problem);
      return;
    }
    setError(onCommit(v));
  };
  const onEnter = (e: KeyboardEvent<HTMLInputElement>, run: () => void) => {
    if (e.key === 'Enter') run();
    if (e.key === 'Escape') {
      setDraft(listText(effective));
      setError(null);
    }
  };
  const reset = () => commit(undefined);
  const common = { label: param.label, help: param.help, htmlFor: id, error, onReset: reset, isDefault };

  const nullToggle = param.nullable ? (
    <label className="mw-inline">
      <input
        type="checkbox"
        checked={effective === null}
        onChange={(e) => commit(e.target.checked ? null : param.default === null ? (param.kind === 'float' ? 0 : 1) : param.default)}
      />{' '}
      {param.nullMeaning ?? 'automatic'}
    </label>
  ) : null;

  switch (param.kind) {
    case 'int':
    case 'float': {
      const run = () => {
        const t = draft.trim();
        if (t === '') return param.nullable ? commit(null) : commit(`needs a value${param.required ? '' : ` (default ${String(param.default)})`}`, true);
        commit(Number(t));
      };
      return (
        <Field {...common} range={rangeText(param)}>
          {nullToggle}
          {effective !== null && (
            <input
              id={id}
              type="number"
              inputMode={param.kind === 'int' ? 'numeric' : 'decimal'}
              step={param.kind === 'int' ? 1 : 'any'}
              min={param.min}
              max={param.max}
              value={draft}
              aria-invalid={Boolean(error)}
              onChange={(e) => setDraft(e.target.value)}
              onBlur={run}
              onKeyDown={(e) => onEnter(e, run)}
              data-testid={`param-${param.name}`}
            />
          )}
        </Field>
      );
    }
    case 'bool':
      return (
        <Field {...common}>
          <label className="mw-inline">
            <input id={id} type="checkbox" checked={effective === true} onChange={(e) => commit(e.target.checked)} data-testid={`param-${param.name}`} /> {effective ? 'on' : 'off'}
          </label>
        </Field>
      );
    case 'enum':
      return (
        <Field {...common}>
          {nullToggle}
          {effective !== null && (
            <select id={id} value={String(effective)} onChange={(e) => commit(e.target.value)} data-testid={`param-${param.name}`}>
              {(param.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
            </select>
          )}
        </Field>
      );
    case 'string': {
      const run = () => commit(draft);
      return (
        <Field {...common}>
          <input id={id} type="text" value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={run} onKeyDown={(e) => onEnter(e, run)} data-testid={`param-${param.name}`} />
        </Field>
      );
    }
    case 'intList':
    case 'shape': {
      const run = () => {
        const parsed = parseList(draft, Boolean(param.nullItems));
        if (typeof parsed === 'string') return commit(parsed, true);
        if (param.kind === 'intList' && param.scalarOk && Array.isArray(parsed) && parsed.length === 1 && parsed[0] !== null) return commit(parsed[0]);
        commit(parsed as ParamValue);
      };
      const hint = param.kind === 'shape'
        ? `sizes separated by commas${param.nullItems ? ', ? for a size that varies' : ''}${param.allowMinusOne ? ', -1 for “the rest”' : ''}`
        : param.scalarOk ? 'one number, or one per axis separated by commas' : 'numbers separated by commas';
      return (
        <Field {...common} range={[rangeText(param), hint].filter(Boolean).join('; ')}>
          {nullToggle}
          {effective !== null && (
            <ShapeEditor id={id} draft={draft} setDraft={setDraft} run={run} onEnter={onEnter} testId={`param-${param.name}`} invalid={Boolean(error)} />
          )}
        </Field>
      );
    }
    case 'intPairs': {
      const run = () => {
        const parsed = parsePairs(draft);
        if (typeof parsed === 'string') return commit(parsed, true);
        commit(parsed);
      };
      return (
        <Field {...common} range="one number, “rows, columns”, or “top bottom, left right”">
          <input id={id} type="text" value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={run} onKeyDown={(e) => onEnter(e, run)} data-testid={`param-${param.name}`} aria-invalid={Boolean(error)} />
        </Field>
      );
    }
    case 'layer':
      return (
        <Field {...common}>
          <WrappedLayerEditor param={param} value={effective as WrappedLayer} onCommit={(v) => { commit(v); return null; }} />
        </Field>
      );
  }
}

/** A shape as one text field plus a chip per dimension, so "[28, 28, 1]" reads the way it is typed. */
function ShapeEditor({ id, draft, setDraft, run, onEnter, testId, invalid }: {
  id: string; draft: string; setDraft: (s: string) => void; run: () => void; testId: string; invalid: boolean;
  onEnter: (e: KeyboardEvent<HTMLInputElement>, run: () => void) => void;
}) {
  return (
    <div className="mw-shape-editor">
      <span aria-hidden>[</span>
      <input id={id} type="text" value={draft} onChange={(e) => setDraft(e.target.value)} onBlur={run} onKeyDown={(e) => onEnter(e, run)} data-testid={testId} aria-invalid={invalid} spellCheck={false} />
      <span aria-hidden>]</span>
    </div>
  );
}

/** Bidirectional / TimeDistributed: choose the inner layer type, then its own parameters. */
function WrappedLayerEditor({ param, value, onCommit }: { param: ParamDef; value: WrappedLayer; onCommit: (v: WrappedLayer) => string | null }) {
  const innerDef = getLayerDef(value?.type ?? '');
  return (
    <div className="mw-wrapped" data-testid={`param-${param.name}`}>
      <select value={value?.type ?? ''} onChange={(e) => onCommit({ type: e.target.value, params: {} })} aria-label={`${param.label}: layer type`}>
        {(param.options ?? []).map((o) => <option key={o} value={o}>{o}</option>)}
      </select>
      {innerDef && (
        <div className="mw-wrapped-params">
          {innerDef.params.filter((p) => !p.advanced).map((p) => (
            <ParamField
              key={`${p.name}:${JSON.stringify(value.params?.[p.name] ?? null)}`}
              def={innerDef}
              param={p}
              value={value.params?.[p.name]}
              onCommit={(v) => {
                const params = { ...(value.params ?? {}) };
                if (v === undefined) delete params[p.name];
                else params[p.name] = v;
                return onCommit({ type: value.type, params });
              }}
            />
          ))}
        </div>
      )}
    </div>
  );
}
