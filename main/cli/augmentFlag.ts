// `train --augment flip=horizontal,rotation=15,zoom=0.1,shift=0.1,brightness=0.2[,seed=N]` (or `none`):
// the image augmentation of a run from one flag, checked against the settings schema in one-line errors.
import { augmentSchema, flipModes, type AugmentSettings } from '../../app/training/config.ts';
import { UsageError } from './command.ts';

const keys = ['flip', 'rotation', 'zoom', 'shift', 'brightness', 'seed'] as const;

/** The settings `--augment TEXT` asks for, on top of the project's; null for `none` (augmentation off). */
export function parseAugmentFlag(text: string, base: AugmentSettings | undefined): AugmentSettings | null {
  const spec = text.trim();
  if (spec === 'none' || spec === 'off') return null;
  if (spec === '') throw new UsageError(`--augment needs KEY=VALUE pairs such as "flip=horizontal,rotation=15", or "none"`);
  const raw: Record<string, unknown> = { ...base };
  for (const part of spec.split(',')) {
    const eq = part.indexOf('=');
    const key = (eq < 0 ? part : part.slice(0, eq)).trim();
    const value = eq < 0 ? '' : part.slice(eq + 1).trim();
    if (!(keys as readonly string[]).includes(key)) throw new UsageError(`--augment: unknown setting "${key}"; use ${keys.join(', ')} (e.g. "flip=horizontal,rotation=15")`);
    if (value === '') throw new UsageError(`--augment: "${key}" needs a value, e.g. ${key}=${key === 'flip' ? 'horizontal' : key === 'rotation' ? '15' : key === 'seed' ? '7' : '0.1'}`);
    if (key === 'flip') {
      if (!(flipModes as readonly string[]).includes(value)) throw new UsageError(`--augment: flip must be one of ${flipModes.join(', ')}, got "${value}"`);
      raw.flip = value;
    } else {
      const n = Number(value);
      if (!Number.isFinite(n)) throw new UsageError(`--augment: ${key} must be a number, got "${value}"`);
      raw[key] = n;
    }
  }
  const parsed = augmentSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const key = String(issue.path[0] ?? '');
    const bounds: Record<string, string> = {
      rotation: 'degrees from 0 to 180', zoom: 'a fraction from 0 to 0.5', shift: 'a fraction from 0 to 0.5',
      brightness: 'a fraction from 0 to 1', seed: `a whole number from 0 to ${2 ** 31 - 1}`,
    };
    throw new UsageError(`--augment: ${key} must be ${bounds[key] ?? 'valid'}, got ${String(raw[key])}`);
  }
  return parsed.data;
}
