// Small SVG and canvas plots for the evaluation panel: ROC curves, predicted-vs-actual scatter, and the
// decision regions of a two-feature model with the data on top. Drawn directly: a few hundred points.
import { formatDecimal, formatTick } from '../../../app/format.ts';
import { useEffect, useRef } from 'react';
import type { RocCurve } from '../../../app/training/evaluate.ts';
import { classColor } from '../../ui/palette.ts';
import { scale, ticks, type GridSpec, type LabelledPoint, type Range } from './evaluationMath.ts';

const W = 360;
const H = 300;
const M = { left: 58, right: 16, top: 12, bottom: 36 };

function Axes({ x, y, xLabel, yLabel }: { x: Range; y: Range; xLabel: string; yLabel: string }) {
  const sx = scale(x, M.left, W - M.right);
  const sy = scale(y, H - M.bottom, M.top);
  return (
    <g>
      <line className="axis" x1={M.left} y1={H - M.bottom} x2={W - M.right} y2={H - M.bottom} />
      <line className="axis" x1={M.left} y1={M.top} x2={M.left} y2={H - M.bottom} />
      {ticks(x).map((t) => <text key={`x${t}`} x={sx(t)} y={H - M.bottom + 14} textAnchor="middle">{formatTick(t)}</text>)}
      {ticks(y).map((t) => <text key={`y${t}`} x={M.left - 4} y={sy(t) + 4} textAnchor="end">{formatTick(t)}</text>)}
      <text x={(M.left + W - M.right) / 2} y={H - 4} textAnchor="middle">{xLabel}</text>
      <text x={12} y={(M.top + H - M.bottom) / 2} textAnchor="middle" transform={`rotate(-90 12 ${(M.top + H - M.bottom) / 2})`}>{yLabel}</text>
    </g>
  );
}

export function RocPlot({ curves }: { curves: RocCurve[] }) {
  const unit = { min: 0, max: 1 };
  const sx = scale(unit, M.left, W - M.right);
  const sy = scale(unit, H - M.bottom, M.top);
  return (
    <div>
      <svg className="mw-wp-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="ROC curves" data-testid="roc-plot">
        <Axes x={unit} y={unit} xLabel="false positive rate" yLabel="true positive rate" />
        <line x1={sx(0)} y1={sy(0)} x2={sx(1)} y2={sy(1)} stroke="gray" strokeDasharray="4 3" />
        {curves.map((c, i) => (
          <polyline key={c.label} fill="none" stroke={classColor(i)} strokeWidth={2} points={c.points.map(([fp, tp]) => `${sx(fp)},${sy(tp)}`).join(' ')} />
        ))}
      </svg>
      <div className="mw-wp-legend">
        {curves.map((c, i) => <span key={c.label}><span className="mw-wp-swatch" style={{ background: classColor(i) }} />{c.label}: AUC {c.auc === null ? 'n/a' : formatDecimal(c.auc, 3)}</span>)}
      </div>
    </div>
  );
}

export function ScatterPlot({ pairs }: { pairs: [number, number][] }) {
  let min = Infinity;
  let max = -Infinity;
  for (const [a, p] of pairs) {
    min = Math.min(min, a, p);
    max = Math.max(max, a, p);
  }
  if (!Number.isFinite(min)) return <p className="mw-wp-muted">No test predictions were recorded.</p>;
  const pad = (max - min) * 0.05 || 0.5;
  const range = { min: min - pad, max: max + pad };
  const sx = scale(range, M.left, W - M.right);
  const sy = scale(range, H - M.bottom, M.top);
  return (
    <svg className="mw-wp-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} role="img" aria-label="Predicted against actual values" data-testid="scatter-plot">
      <Axes x={range} y={range} xLabel="actual" yLabel="predicted" />
      <line x1={sx(range.min)} y1={sy(range.min)} x2={sx(range.max)} y2={sy(range.max)} stroke="gray" strokeDasharray="4 3"><title>perfect predictions</title></line>
      {pairs.map(([a, p], i) => <circle key={i} cx={sx(a)} cy={sy(p)} r={2.5} fill={classColor(0)} fillOpacity={0.6} />)}
    </svg>
  );
}

/** The model's predicted class over a grid (canvas, one rectangle per cell) with the data points on top. */
export function DecisionRegions({ spec, cells, points, classes }: { spec: GridSpec; cells: number[]; points: LabelledPoint[]; classes: string[] }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  useEffect(() => {
    const el = canvas.current;
    const ctx = el?.getContext('2d');
    if (!el || !ctx) return;
    const ratio = window.devicePixelRatio || 1;
    el.width = W * ratio;
    el.height = H * ratio;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, W, H);
    const sx = scale(spec.x, M.left, W - M.right);
    const sy = scale(spec.y, H - M.bottom, M.top);
    // One pixel per grid cell, scaled up without smoothing: no seams where cells meet.
    const cellsCanvas = document.createElement('canvas');
    cellsCanvas.width = spec.steps;
    cellsCanvas.height = spec.steps;
    const cctx = cellsCanvas.getContext('2d');
    if (cctx) {
      const image = cctx.createImageData(spec.steps, spec.steps);
      cells.forEach((c, n) => {
        if (c < 0) return;
        const i = n % spec.steps;
        const j = spec.steps - 1 - Math.floor(n / spec.steps);
        const hex = classColor(c);
        const o = (j * spec.steps + i) * 4;
        image.data[o] = parseInt(hex.slice(1, 3), 16);
        image.data[o + 1] = parseInt(hex.slice(3, 5), 16);
        image.data[o + 2] = parseInt(hex.slice(5, 7), 16);
        image.data[o + 3] = 255;
      });
      cctx.putImageData(image, 0, 0);
      ctx.imageSmoothingEnabled = false;
      ctx.globalAlpha = 0.3;
      ctx.drawImage(cellsCanvas, M.left, M.top, W - M.left - M.right, H - M.top - M.bottom);
    }
    ctx.globalAlpha = 1;
    for (const p of points) {
      const k = classes.indexOf(p.label);
      ctx.beginPath();
      ctx.arc(sx(p.x), sy(p.y), 3, 0, Math.PI * 2);
      ctx.fillStyle = k >= 0 ? classColor(k) : 'gray';
      ctx.fill();
      ctx.strokeStyle = 'rgba(0,0,0,0.6)';
      ctx.lineWidth = 0.7;
      ctx.stroke();
    }
  }, [spec, cells, points, classes]);
  return (
    <div>
      <div style={{ position: 'relative', width: W, height: H }}>
        <canvas ref={canvas} style={{ position: 'absolute', width: W, height: H }} />
        <svg className="mw-wp-plot" viewBox={`0 0 ${W} ${H}`} width={W} height={H} style={{ position: 'absolute', background: 'transparent' }} role="img" aria-label="Decision regions" data-testid="decision-regions">
          <Axes x={spec.x} y={spec.y} xLabel={spec.xFeature} yLabel={spec.yFeature} />
        </svg>
      </div>
      <div className="mw-wp-legend">{classes.map((c, i) => <span key={c}><span className="mw-wp-swatch" style={{ background: classColor(i) }} />{c}</span>)}</div>
    </div>
  );
}
