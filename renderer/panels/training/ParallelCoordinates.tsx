// Parallel coordinates of a sweep: one vertical axis per setting and one for the metric (better at the
// top), one line per scored trial through its values; the better the trial, the darker its line, and the
// best one is drawn thick. Settings whose lines from the top of the metric axis bunch together matter.
import { formatNumber } from '../../../app/format.ts';
import type { SweepDetail } from '../../../app/api/types.ts';
import { parseSpace, type Distribution, type SettingValue } from '../../../app/tuning/space.ts';

interface Axis {
  label: string;
  /** 0 (bottom) to 1 (top), or null when the value does not fit the axis. */
  at: (v: SettingValue) => number | null;
  ticks: { at: number; text: string }[];
}

function numericAxis(label: string, low: number, high: number, log: boolean): Axis {
  const f = (x: number) => (log ? Math.log(x) : x);
  const [a, b] = [f(low), f(high)];
  const at = (v: SettingValue) => (typeof v !== 'number' || (log && v <= 0) ? null : b === a ? 0.5 : (f(v) - a) / (b - a));
  return { label, at, ticks: [{ at: 0, text: formatNumber(low) }, { at: 1, text: formatNumber(high) }] };
}

function settingAxis(label: string, d: Distribution, seen: SettingValue[]): Axis {
  if (d.kind !== 'choice') return numericAxis(label, d.low, d.high, d.kind === 'logUniform');
  if (d.values.every((v) => typeof v === 'number')) {
    const nums = d.values as number[];
    return numericAxis(label, Math.min(...nums), Math.max(...nums), false);
  }
  const cats = [...new Set([...d.values, ...seen].map((v) => JSON.stringify(v)))];
  const pos = (i: number) => (cats.length === 1 ? 0.5 : i / (cats.length - 1));
  return {
    label,
    at: (v) => { const i = cats.indexOf(JSON.stringify(v)); return i < 0 ? null : pos(i); },
    ticks: cats.map((c, i) => ({ at: pos(i), text: String(JSON.parse(c)) })),
  };
}

const W = 140;
const H = 220;
const PAD = { top: 38, bottom: 24, side: 60 };

export function ParallelCoordinates({ detail, metricLabel, labelOf }: { detail: SweepDetail; metricLabel: string; labelOf: (path: string) => string }) {
  const space = parseSpace(detail.space);
  const scored = detail.trials.filter((t) => t.score !== null && Number.isFinite(t.score));
  if (scored.length === 0) return <p className="mw-wp-muted">The plot draws a line for each trial once trials have finished.</p>;
  const scores = scored.map((t) => t.score!);
  const [lo, hi] = [Math.min(...scores), Math.max(...scores)];
  const better = detail.direction === 'max';
  const metricAxis: Axis = {
    label: metricLabel,
    at: (v) => (typeof v !== 'number' ? null : hi === lo ? 0.5 : better ? (v - lo) / (hi - lo) : (hi - v) / (hi - lo)),
    ticks: [{ at: 0, text: formatNumber(better ? lo : hi) }, { at: 1, text: formatNumber(better ? hi : lo) }],
  };
  const axes = [...space.params.map((p) => settingAxis(labelOf(p.path), p.distribution, scored.map((t) => t.settings[p.path] ?? null))), metricAxis];
  const width = PAD.side * 2 + W * (axes.length - 1);
  const x = (i: number) => PAD.side + i * W;
  const y = (at: number) => PAD.top + (1 - at) * (H - PAD.top - PAD.bottom);
  // Worst first, so the better lines are drawn on top.
  const ordered = [...scored].sort((a, b) => (better ? a.score! - b.score! : b.score! - a.score!));
  return (
    <svg viewBox={`0 0 ${width} ${H}`} width="100%" style={{ maxWidth: width * 1.3 }} role="img" data-testid="sweep-parallel"
      aria-label={`Parallel coordinates: ${scored.length} trials, settings against ${metricLabel}`}>
      {axes.map((axis, i) => (
        <g key={axis.label}>
          <line x1={x(i)} x2={x(i)} y1={y(0)} y2={y(1)} stroke="currentColor" strokeOpacity={0.5} />
          <text x={x(i)} y={14} textAnchor="middle" fontSize={11} fontWeight={i === axes.length - 1 ? 700 : 400} fill="currentColor">{axis.label}</text>
          {axis.ticks.map((t) => {
            // The metric's numbers go left of its axis, the last one, so they stay inside the plot.
            const last = i === axes.length - 1;
            return (
              <text key={`${t.text}-${t.at}`} x={x(i) + (last ? -4 : 4)} textAnchor={last ? 'end' : 'start'} y={y(t.at) + (t.at === 0 ? 12 : t.at === 1 ? -4 : 4)}
                fontSize={10} fill="currentColor" fillOpacity={0.7}>{t.text}</text>
            );
          })}
        </g>
      ))}
      {ordered.map((t, rank) => {
        const points = axes.map((axis, i) => {
          const at = i === axes.length - 1 ? axis.at(t.score) : axis.at(t.settings[space.params[i].path] ?? null);
          return at === null ? null : `${x(i)},${y(at)}`;
        });
        if (points.some((p) => p === null)) return null;
        const isBest = detail.best?.trial === t.trial;
        const strength = ordered.length === 1 ? 1 : rank / (ordered.length - 1);
        return (
          <polyline key={t.trial} points={points.join(' ')} fill="none" data-trial={t.trial + 1}
            stroke={isBest ? 'var(--wp-accent)' : 'currentColor'} strokeWidth={isBest ? 3 : 1.2} strokeOpacity={isBest ? 1 : 0.15 + 0.6 * strength}>
            <title>{`Trial ${t.trial + 1}: ${metricLabel} ${formatNumber(t.score)}`}</title>
          </polyline>
        );
      })}
    </svg>
  );
}
