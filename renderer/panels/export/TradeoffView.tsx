// The trade-off view of the Export panel (docs/compression.md): a run beside its variants — float16 and
// uint8 quantizations, pruned children, ensembles it is in — measured by the back end
// (export.tradeoffs): a table and a scatter plot of the test metric against the gzipped size or the
// latency, with "Export this" on every row through the panel's own export.
import { useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { formatBytes, formatDecimal } from '../../../app/format.ts';
import { paretoFront, type TradeoffReport, type TradeoffRow } from '../../../app/training/tradeoffs.ts';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { PruneForm } from './PruneForm.tsx';

type Axis = 'size' | 'latency';

const W = 460;
const H = 260;
const M = { left: 56, right: 16, top: 14, bottom: 38 };

function ticks(min: number, max: number, count = 4): number[] {
  return Array.from({ length: count + 1 }, (_, i) => min + ((max - min) * i) / count);
}

function extent(values: number[]): { min: number; max: number } {
  let min = Math.min(...values);
  let max = Math.max(...values);
  if (min === max) { min -= Math.abs(min) * 0.1 || 0.5; max += Math.abs(max) * 0.1 || 0.5; }
  const pad = (max - min) * 0.08;
  return { min: min - pad, max: max + pad };
}

const xOf = (row: TradeoffRow, axis: Axis) => (axis === 'size' ? row.sizeGzip : row.latencyMs);

/** Metric (up) against size or latency (right); the Pareto front (metric vs gzipped size) drawn filled. */
function TradeoffPlot({ report, axis }: { report: TradeoffReport; axis: Axis }) {
  const front = paretoFront(report);
  const points = report.rows.map((r, i) => ({ r, i, x: xOf(r, axis), y: r.metric })).filter((p): p is typeof p & { x: number; y: number } => p.x !== null && p.y !== null);
  if (points.length === 0) return <p className="mw-wp-muted">No row has both a metric and a {axis === 'size' ? 'size' : 'latency'} to plot.</p>;
  const xr = extent(points.map((p) => p.x));
  const yr = extent(points.map((p) => p.y));
  const sx = (v: number) => M.left + ((v - xr.min) / (xr.max - xr.min)) * (W - M.left - M.right);
  const sy = (v: number) => H - M.bottom - ((v - yr.min) / (yr.max - yr.min)) * (H - M.top - M.bottom);
  const xText = (v: number) => (axis === 'size' ? formatBytes(v) : `${formatDecimal(v, 2)} ms`);
  // Labels of points close together are stacked downwards instead of drawn over each other.
  const labelY: number[] = [];
  points.forEach((p, n) => {
    let y = sy(p.y) - 6;
    while (points.slice(0, n).some((q, m) => Math.abs(sx(q.x) - sx(p.x)) < 60 && Math.abs(labelY[m] - y) < 11)) y += 11;
    labelY.push(y);
  });
  return (
    <svg className="mw-wp-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" data-testid="tradeoff-plot"
      aria-label={`Test ${report.metric.name} against ${axis === 'size' ? 'gzipped size' : 'latency per sample'}`}>
      <line x1={M.left} y1={H - M.bottom} x2={W - M.right} y2={H - M.bottom} stroke="currentColor" strokeOpacity={0.4} />
      <line x1={M.left} y1={M.top} x2={M.left} y2={H - M.bottom} stroke="currentColor" strokeOpacity={0.4} />
      {ticks(xr.min, xr.max).map((t, i, all) => <text key={`x${i}`} x={sx(t)} y={H - M.bottom + 14} fontSize={10} textAnchor={i === all.length - 1 ? 'end' : 'middle'} fill="currentColor">{xText(t)}</text>)}
      {ticks(yr.min, yr.max).map((t, i) => <text key={`y${i}`} x={M.left - 6} y={sy(t) + 3} fontSize={10} textAnchor="end" fill="currentColor">{formatDecimal(t, 3)}</text>)}
      <text x={(M.left + W - M.right) / 2} y={H - 6} fontSize={11} textAnchor="middle" fill="currentColor">{axis === 'size' ? 'size on disk, gzipped' : 'latency per sample'} →</text>
      <text x={12} y={(M.top + H - M.bottom) / 2} fontSize={11} textAnchor="middle" fill="currentColor" transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}>
        test {report.metric.name} {report.metric.higherIsBetter ? '↑' : '↓ (lower is better)'}
      </text>
      {points.map(({ r, i, x, y }, n) => (
        <g key={i} data-testid="tradeoff-point" data-label={r.label}>
          <circle cx={sx(x)} cy={sy(y)} r={5} fill={front.has(i) ? 'var(--wp-accent)' : 'var(--wp-bg)'} stroke="var(--wp-accent)" strokeWidth={1.5}>
            <title>{`${r.label} (run #${r.runId}): ${report.metric.name} ${formatDecimal(y, 4)}, ${xText(x)}`}</title>
          </circle>
          {/* Labels of points in the right third go to their left, so they stay inside the plot. */}
          <text x={sx(x) > W * 0.66 ? sx(x) - 7 : sx(x) + 7} y={labelY[n]} fontSize={10} fill="currentColor" textAnchor={sx(x) > W * 0.66 ? 'end' : 'start'}>{r.label}</text>
        </g>
      ))}
    </svg>
  );
}

export function TradeoffView({ api, runId, busy, onExport }: { api: ModelwrightApi; runId: number; busy: boolean; onExport: (row: TradeoffRow) => void }) {
  const [report, setReport] = useState<TradeoffReport | null>(null);
  const [measuring, setMeasuring] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [axis, setAxis] = useState<Axis>('size');
  const shown = report?.runId === runId ? report : null;
  const measure = async () => {
    setMeasuring(true);
    setError(null);
    try {
      setReport(await api.export.tradeoffs(runId));
    } catch (err) {
      setError(err);
    } finally {
      setMeasuring(false);
    }
  };
  return (
    <div className="mw-wp-card" data-testid="tradeoff-view">
      <div className="mw-wp-row">
        <h3 className="mw-wp-grow">Trade-offs: run #{runId} and its variants</h3>
        <button type="button" onClick={measure} disabled={measuring} data-testid="tradeoff-measure">{measuring ? 'Measuring…' : shown ? 'Measure again' : 'Compare variants'}</button>
      </div>
      <p className="mw-wp-help">
        The trained model beside its quantized exports, its pruned versions and the ensembles it is in, measured on its own test rows:
        test metric, size on disk (raw and gzipped) and the time to predict one sample here. Make a pruned version with the form below
        (scripts can use <code>modelwright prune</code>).
      </p>
      <PruneForm api={api} runId={runId} onPruned={() => void measure()} />
      <ErrorText error={error} retry={measuring ? undefined : measure} />
      {shown && (
        <>
          <table data-testid="tradeoff-table">
            <thead>
              <tr><th>Variant</th><th className="num">Run</th><th className="num">Test {shown.metric.name}</th><th className="num">Size</th><th className="num">Gzipped</th><th className="num">Latency / sample</th><th /></tr>
            </thead>
            <tbody>
              {shown.rows.map((r, i) => (
                <tr key={i} data-testid="tradeoff-row" data-variant={r.variant}>
                  <td title={r.note ?? r.runName}>{r.label}{r.note ? ' ⚠' : ''}</td>
                  <td className="num">#{r.runId}</td>
                  <td className="num">{formatDecimal(r.metric, 4)}</td>
                  <td className="num">{formatBytes(r.sizeRaw)}</td>
                  <td className="num">{formatBytes(r.sizeGzip)}</td>
                  <td className="num">{r.latencyMs === null ? '—' : `${formatDecimal(r.latencyMs, 2)} ms`}</td>
                  <td><button type="button" disabled={busy} onClick={() => onExport(r)} data-testid="tradeoff-export">Export this</button></td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="mw-wp-row">
            <span>Plot against:</span>
            <label><input type="radio" name="mw-tradeoff-axis" checked={axis === 'size'} onChange={() => setAxis('size')} data-testid="tradeoff-axis-size" /> size (gzipped)</label>
            <label><input type="radio" name="mw-tradeoff-axis" checked={axis === 'latency'} onChange={() => setAxis('latency')} data-testid="tradeoff-axis-latency" /> latency</label>
          </div>
          <TradeoffPlot report={shown} axis={axis} />
          <p className="mw-wp-help">
            Filled points: no other variant is both better and smaller. {shown.samples} test rows{shown.source === 'synthetic' ? ' (random inputs: no metric)' : ''};
            latency is the median of {shown.latency.repetitions} × {shown.latency.samples} single-sample predictions on {shown.latency.backend}.
          </p>
          {[...shown.rows.filter((r) => r.note).map((r) => `${r.label}: ${r.note}`), ...shown.notes].map((n, i) => <p key={i} className="mw-wp-warning">⚠ {n}</p>)}
        </>
      )}
    </div>
  );
}
