// The layer catalog as a Markdown reference (docs/layers.md is generated from it), so the
// documentation cannot drift from what the inspector and the validator actually use.
import { layerCatalog, layerCategories } from './catalog.ts';
import type { ParamDef } from './layers/common.ts';

const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');

function showDefault(p: ParamDef): string {
  if (p.default === null) return p.nullMeaning ? `empty (${p.nullMeaning})` : 'empty';
  const v = typeof p.default === 'object' && !Array.isArray(p.default) ? `${p.default.type} ${JSON.stringify(p.default.params)}` : JSON.stringify(p.default);
  return `\`${v}\`${p.required ? ' (suggested; TF.js requires a value)' : ''}`;
}

function showAllowed(p: ParamDef): string {
  if (p.kind === 'bool') return 'on / off';
  if (p.kind === 'enum' || p.kind === 'layer') return p.options?.join(', ') ?? '';
  const lo = p.min === undefined ? '' : `${p.minExclusive ? '>' : '≥'} ${p.min}`;
  const hi = p.max === undefined ? '' : `${p.maxExclusive ? '<' : '≤'} ${p.max}`;
  const range = [lo, hi].filter(Boolean).join(', ');
  const kind: Record<string, string> = {
    int: 'whole number', float: 'number', intList: p.scalarOk ? `whole number or list of ${p.length ?? 'several'}` : `list of ${p.length ?? 'whole numbers'}`,
    shape: 'shape', intPairs: 'n, [rows, cols] or [[top, bottom], [left, right]]', string: 'text',
  };
  return `${kind[p.kind] ?? p.kind}${range ? ` (${range})` : ''}${p.nullable ? ', or empty' : ''}`;
}

export function catalogMarkdown(): string {
  const out: string[] = ['| Layer | Category | What it does | Parameters |', '|---|---|---|---|'];
  for (const d of layerCatalog) {
    out.push(`| [${d.type}](#${d.type.toLowerCase()}) | ${d.category} | ${cell(d.description)} | ${d.params.map((p) => `\`${p.name}\``).join(', ') || '—'} |`);
  }
  out.push('');
  for (const category of layerCategories) {
    const defs = layerCatalog.filter((d) => d.category === category);
    if (defs.length === 0) continue;
    out.push(`### ${category}`, '');
    for (const d of defs) {
      const inputs = d.minInputs === d.maxInputs ? `${d.minInputs}` : `${d.minInputs}${d.maxInputs === Infinity ? ' or more' : `–${d.maxInputs}`}`;
      out.push(`#### ${d.type}`, '', `${d.description} *Inputs: ${inputs}.*`, '');
      if (d.params.length === 0) {
        out.push('No parameters.', '');
        continue;
      }
      out.push('| Parameter | Label | Default | Allowed | Help |', '|---|---|---|---|---|');
      for (const p of d.params) {
        out.push(`| \`${p.name}\`${p.advanced ? ' *(advanced)*' : ''} | ${cell(p.label)} | ${cell(showDefault(p))} | ${cell(showAllowed(p))} | ${cell(p.help)} |`);
      }
      out.push('');
    }
  }
  return out.join('\n');
}
