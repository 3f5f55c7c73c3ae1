// Turns the Try it form's text fields into the raw row the predict contract takes: numbers for numeric
// features, category names as typed; an empty or non-numeric entry is refused with the field's name.
import type { PredictorInfo } from '../../../app/api/types.ts';

/** Row values from the form's text: numbers for numeric features; a missing entry is reported by name. */
export function formRow(info: Pick<PredictorInfo, 'features'>, values: Record<string, string>): { row: Record<string, string | number> } | { error: string } {
  const row: Record<string, string | number> = {};
  const missing: string[] = [];
  for (const f of info.features) {
    const text = (values[f.name] ?? '').trim();
    if (text === '') {
      missing.push(f.name);
      continue;
    }
    if (f.kind === 'numeric') {
      const n = Number(text.replace(',', '.'));
      if (!Number.isFinite(n)) return { error: `"${text}" is not a number; ${f.name} needs one.` };
      row[f.name] = n;
    } else {
      row[f.name] = text;
    }
  }
  if (missing.length) return { error: `Fill in ${missing.join(', ')} first.` };
  return { row };
}

