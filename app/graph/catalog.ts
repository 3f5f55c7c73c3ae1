// The layer catalog: every layer a user can place, with Keras/TF.js parameter names, TF.js defaults,
// plain-language help, and parameter checks the inspector and the validator share.
import type { LayerNode, ParamValue, WrappedLayer } from './types.ts';
import { fillDefaults, type LayerCategory, type LayerDef, type ParamDef } from './layers/common.ts';
import { coreLayers } from './layers/core.ts';
import { convLayers } from './layers/conv.ts';
import { attentionLayers, positionLayers } from './layers/attention.ts';
import { mergeLayers } from './layers/merge.ts';
import { normalizationLayers, regularizationLayers } from './layers/normalization.ts';
import { poolingLayers } from './layers/pooling.ts';
import { recurrentLayers, wrapperLayers } from './layers/recurrent.ts';
import { reshapingLayers } from './layers/reshaping.ts';

export type { LayerCategory, LayerDef, LayerOutcome, ParamDef, ParamKind, ParamProblem, ResolvedParams } from './layers/common.ts';
export { formatShape, LayerProblem } from './layers/common.ts';

/** Palette order. */
export const layerCategories: readonly LayerCategory[] = [
  'Input', 'Core', 'Activation', 'Convolution', 'Pooling', 'Reshaping', 'Normalization', 'Regularization',
  'Embedding', 'Recurrent', 'Attention', 'Wrapper', 'Merge',
];

export const layerCatalog: LayerDef[] = [
  ...coreLayers, ...convLayers, ...poolingLayers, ...reshapingLayers, ...normalizationLayers,
  ...regularizationLayers, ...positionLayers, ...recurrentLayers, ...attentionLayers, ...wrapperLayers, ...mergeLayers,
].sort((a, b) => layerCategories.indexOf(a.category) - layerCategories.indexOf(b.category));

const byType = new Map(layerCatalog.map((d) => [d.type, d]));

export function getLayerDef(type: string): LayerDef | undefined {
  return byType.get(type);
}

/** The layer's parameters with defaults filled in; parameters the catalog does not know are dropped. */
export function resolveParams(layer: Pick<LayerNode, 'type' | 'params'>): Record<string, ParamValue> {
  const def = byType.get(layer.type);
  if (!def) return { ...layer.params };
  return fillDefaults(def, layer.params);
}

function show(value: unknown): string {
  if (typeof value === 'string') return `"${value}"`;
  if (value === undefined) return 'empty';
  try {
    const s = JSON.stringify(value);
    return s === undefined ? String(value) : s.length > 60 ? `${s.slice(0, 57)}...` : s;
  } catch {
    return String(value);
  }
}

/** "from 1 to 10", "at least 0 and below 1", "above 0"... */
function rangeWords(p: ParamDef): string {
  const lo = p.min === undefined ? null : p.minExclusive ? `above ${p.min}` : `at least ${p.min}`;
  const hi = p.max === undefined ? null : p.maxExclusive ? `below ${p.max}` : `at most ${p.max}`;
  if (lo && hi && !p.minExclusive && !p.maxExclusive) return `from ${p.min} to ${p.max}`;
  const parts = [lo, hi].filter(Boolean);
  return parts.length ? `that is ${parts.join(' and ')}` : '';
}

function inRange(p: ParamDef, v: number): boolean {
  if (p.min !== undefined && (p.minExclusive ? v <= p.min : v < p.min)) return false;
  if (p.max !== undefined && (p.maxExclusive ? v >= p.max : v > p.max)) return false;
  return true;
}

function isWholeInRange(p: ParamDef, v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v) && inRange(p, v);
}

function lengthWords(p: ParamDef): string {
  if (p.length !== undefined) return `${p.length} whole number${p.length === 1 ? '' : 's'}`;
  if (p.minLength !== undefined && p.maxLength !== undefined) return `${p.minLength} to ${p.maxLength} whole numbers`;
  return 'whole numbers';
}

function lengthOk(p: ParamDef, n: number): boolean {
  if (p.length !== undefined && n !== p.length) return false;
  if (p.minLength !== undefined && n < p.minLength) return false;
  if (p.maxLength !== undefined && n > p.maxLength) return false;
  return true;
}

function checkValue(p: ParamDef, value: unknown): string | null {
  const label = p.label;
  const got = `, but is ${show(value)}`;
  if (value === null) {
    return p.nullable ? null : `${label} needs a value${p.required ? '' : ` (default ${show(p.default)})`}`;
  }
  const range = rangeWords(p);
  switch (p.kind) {
    case 'int':
      return isWholeInRange(p, value) ? null : `${label} must be a whole number ${range}${got}`;
    case 'float':
      return typeof value === 'number' && Number.isFinite(value) && inRange(p, value) ? null : `${label} must be a number ${range}${got}`;
    case 'bool':
      return typeof value === 'boolean' ? null : `${label} must be on or off (true or false)${got}`;
    case 'string':
      return typeof value === 'string' ? null : `${label} must be text${got}`;
    case 'enum':
      return typeof value === 'string' && (p.options ?? []).includes(value)
        ? null
        : `${label} must be one of ${(p.options ?? []).join(', ')}${got}`;
    case 'intList': {
      if (p.scalarOk && typeof value === 'number') {
        return isWholeInRange(p, value) ? null : `${label} must be a whole number ${range}${got}`;
      }
      const need = `${label} must be ${p.scalarOk ? 'a whole number or a list of ' : 'a list of '}${lengthWords(p)} ${range}${got}`;
      if (!Array.isArray(value) || !lengthOk(p, value.length)) return need;
      return value.every((v) => isWholeInRange(p, v)) ? null : need;
    }
    case 'shape': {
      const items = `whole numbers of at least 1${p.nullItems ? ' (or empty for "varies")' : ''}${p.allowMinusOne ? ' (one of them may be -1)' : ''}`;
      const need = `${label} must be a list of ${p.minLength ?? 1} to ${p.maxLength ?? 6} ${items}${got}`;
      if (!Array.isArray(value) || !lengthOk(p, value.length)) return need;
      let minusOnes = 0;
      for (const v of value) {
        if (v === null && p.nullItems) continue;
        if (v === -1 && p.allowMinusOne) {
          minusOnes++;
          continue;
        }
        if (!isWholeInRange(p, v)) return need;
      }
      return minusOnes > 1 ? `${label} may contain -1 only once${got}` : null;
    }
    case 'intPairs': {
      const need = `${label} must be a whole number ${range}, a pair [rows, columns], or [[top, bottom], [left, right]]${got}`;
      if (typeof value === 'number') return isWholeInRange(p, value) ? null : need;
      if (!Array.isArray(value) || value.length !== 2) return need;
      const flat = value.every((v) => typeof v === 'number');
      const nested = value.every((v) => Array.isArray(v) && v.length === 2);
      if (!flat && !nested) return need;
      return (value as unknown[]).flat().every((v) => isWholeInRange(p, v)) ? null : need;
    }
    case 'layer': {
      const options = p.options ?? [];
      if (typeof value !== 'object' || Array.isArray(value)) return `${label} must be one of ${options.join(', ')}${got}`;
      const inner = value as Partial<WrappedLayer>;
      if (typeof inner.type !== 'string' || !options.includes(inner.type)) {
        return `${label} must be one of ${options.join(', ')}, but is ${show(inner.type)}`;
      }
      const innerDef = byType.get(inner.type);
      if (!innerDef) return `${label}: ${inner.type} is not a known layer type`;
      if (inner.params !== undefined && (typeof inner.params !== 'object' || inner.params === null || Array.isArray(inner.params))) {
        return `${label}: its settings must be a list of named values${got}`;
      }
      const problem = firstParamProblem(innerDef, inner.params ?? {});
      return problem ? `${label} (${inner.type}): ${problem.message}` : null;
    }
  }
  return null;
}

/** Plain-language problem with one parameter value of a layer, or null when the value is fine. */
export function validateParam(def: LayerDef, name: string, value: unknown): string | null {
  const p = def.params.find((q) => q.name === name);
  if (!p) return `${def.type} has no setting named "${name}"`;
  return checkValue(p, value === undefined ? p.default : value);
}

/** Every invalid parameter of a layer (each with the parameter at fault), then combination problems. */
export function paramProblems(def: LayerDef, params: Record<string, ParamValue> | undefined): { param: string; message: string; fix?: string }[] {
  const out: { param: string; message: string; fix?: string }[] = [];
  for (const p of def.params) {
    const message = checkValue(p, params && params[p.name] !== undefined ? params[p.name] : p.default);
    if (message) out.push({ param: p.name, message });
  }
  if (out.length === 0 && def.checkParams) {
    const combo = def.checkParams(fillDefaults(def, params));
    if (combo) out.push(combo);
  }
  return out;
}

function firstParamProblem(def: LayerDef, params: Record<string, ParamValue>) {
  return paramProblems(def, params)[0] ?? null;
}
