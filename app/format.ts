// How numbers read, everywhere: byte sizes, durations, counts, metric values, percentages, times and
// layer parameter values, for the studio and the CLI alike. Output never depends on the machine's
// locale (counts are always "1,234"); the one exception is formatTime, which shows the local time.
// Formatters that accept a missing value (null/undefined) print `none` for it: "—" in the studio, the
// CLI passes "-" so plain-text tables stay ASCII.
import type { ParamValue } from './graph/types.ts';

/** The placeholder for a value that is missing or not known. */
export const missing = '—';

type Maybe = number | null | undefined;

function isMissing(value: Maybe): value is null | undefined {
  return value === null || value === undefined;
}

/** 1234567 → "1,234,567". */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

const byteUnits = ['KB', 'MB', 'GB', 'TB'];

/** "812 bytes", "221.5 KB", "64 MB", "1.5 GB": binary units, at most one decimal. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes)) return missing;
  if (Math.abs(bytes) < 1024) return `${Math.round(bytes)} byte${Math.round(bytes) === 1 ? '' : 's'}`;
  let value = bytes / 1024;
  let unit = 0;
  // Compare the rounded value, so 1,048,575 bytes reads "1 MB" and never "1024 KB".
  while (Math.abs(Math.round(value * 10) / 10) >= 1024 && unit < byteUnits.length - 1) {
    value /= 1024;
    unit++;
  }
  return `${Number(value.toFixed(1))} ${byteUnits[unit]}`;
}

/** 850 ms, 12.3 s, 4 min 05 s, 2 h 03 min. */
export function formatDuration(ms: Maybe, none = missing): string {
  if (isMissing(ms) || !Number.isFinite(ms) || ms < 0) return none;
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const s = ms / 1000;
  if (s < 59.95) return `${s.toFixed(1)} s`;
  const total = Math.round(s);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const sec = total % 60;
  if (h > 0) return `${h} h ${String(m).padStart(2, '0')} min`;
  return `${m} min ${String(sec).padStart(2, '0')} s`;
}

/** Time left for a progress bar: "about 2 min 05 s left"; "finishing" under a second; "" when unknown. */
export function formatEta(ms: Maybe): string {
  if (isMissing(ms) || !Number.isFinite(ms)) return '';
  if (ms < 1000) return 'finishing';
  return `about ${formatDuration(ms).replace(/\.\d s$/, ' s')} left`;
}

/** Training throughput: "1,234 samples/s", "12.5 samples/s". */
export function formatRate(samplesPerSec: Maybe, none = missing): string {
  if (!samplesPerSec || !Number.isFinite(samplesPerSec)) return none;
  return samplesPerSec >= 100 ? `${formatCount(Math.round(samplesPerSec))} samples/s` : `${samplesPerSec.toFixed(1)} samples/s`;
}

/** Local date and time to the minute: "2025-11-22 17:04". */
export function formatTime(iso: string | null | undefined, none = missing): string {
  if (!iso) return none;
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return none;
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

/** Up to `digits` significant digits, exponent form for very small or large values (learning rates). */
export function formatNumber(value: Maybe, digits = 4, none = missing): string {
  if (isMissing(value) || Number.isNaN(value)) return none;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  if (value === 0) return '0';
  const abs = Math.abs(value);
  if (abs < 1e-3 || abs >= 1e6) return value.toExponential(Math.max(0, digits - 2));
  return String(Number(value.toPrecision(digits)));
}

/**
 * A value in the data's own units, for a sentence a person reads (a predicted price, a temperature): grouped
 * digits and at most six significant ones, "250,657", "1,090,000", "3.14159", "0.000123"; the exponent form
 * only beyond 10¹⁵ or below 10⁻⁶.
 */
export function formatQuantity(value: Maybe, none = missing): string {
  if (isMissing(value) || Number.isNaN(value)) return none;
  if (!Number.isFinite(value)) return value > 0 ? '∞' : '−∞';
  const abs = Math.abs(value);
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e15)) return value.toExponential(3);
  return value.toLocaleString('en-US', { maximumSignificantDigits: 6 });
}

/**
 * A fixed number of decimals, so a column of metric values lines up ("0.9667"); values of 10,000 and
 * more in six significant digits; Infinity and NaN spelled out.
 */
export function formatDecimal(value: Maybe, digits = 4, none = missing): string {
  if (isMissing(value)) return none;
  if (!Number.isFinite(value)) return String(value);
  if (Math.abs(value) >= 10_000) return value.toPrecision(6);
  return value.toFixed(digits);
}

/** A fraction as a percentage: 0.9667 → "96.7%". */
export function formatPercent(fraction: Maybe, digits = 1, none = missing): string {
  if (isMissing(fraction) || !Number.isFinite(fraction)) return none;
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** Parameter counts in a table cell: "1,234", "1.2 M", "12 M". */
export function formatParams(n: Maybe, none = missing): string {
  if (isMissing(n)) return none;
  if (n >= 1e6) return `${(n / 1e6).toFixed(n >= 1e7 ? 0 : 1)} M`;
  return formatCount(n);
}

/** Axis tick text that fits beside a plot: "720k", "1.2M", "3G", "0.005", "1e-4". */
export function formatTick(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e9) return `${Number((value / 1e9).toPrecision(3))}G`;
  if (abs >= 1e6) return `${Number((value / 1e6).toPrecision(3))}M`;
  if (abs >= 1e4) return `${Number((value / 1e3).toPrecision(3))}k`;
  if (abs < 0.001 && value !== 0) return value.toExponential(0);
  return String(Number(value.toPrecision(3)));
}

/** A layer parameter as the canvas and inspector show it: `auto`, `[3, 3]`, `relu`, `on`. */
export function formatParamValue(value: ParamValue): string {
  if (value === null) return 'auto';
  if (Array.isArray(value)) return `[${value.map((v) => (v === null ? '?' : Array.isArray(v) ? `[${v.join(', ')}]` : String(v))).join(', ')}]`;
  if (typeof value === 'object') return value.type;
  if (typeof value === 'boolean') return value ? 'on' : 'off';
  return String(value);
}

/** A sentence's first letter in capitals ("the model…" → "The model…"), for messages built from parts. */
export function capitalize(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
