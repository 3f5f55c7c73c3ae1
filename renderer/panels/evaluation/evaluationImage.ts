// The evaluation as one PNG image ("Download (.png)"): the summary, the confusion matrix with the
// per-class scores and the ROC curves — or predicted against actual for regression — drawn from the
// evaluation's numbers on a canvas (no screenshot of the page, so it works the same in every host).
import { formatDecimal, formatNumber, formatPercent, formatTick } from '../../../app/format.ts';
import { numericPairs, type ClassificationEvaluation, type RegressionEvaluation, type RocCurve } from '../../../app/training/evaluate.ts';
import { classColor } from '../../ui/palette.ts';
import { cellIntensity, matrixMax, scale, ticks, type Range } from './evaluationMath.ts';

export interface EvaluationImageInput {
  title: string;
  /** What the image says under the title (the run, its data, when). */
  subtitle: string;
  evaluation: ClassificationEvaluation | RegressionEvaluation;
  /** Classification: the curves to draw (for two classes, the chosen positive class's). */
  roc?: RocCurve[];
}

const font = (size: number, weight = 'normal') => `${weight} ${size}px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif`;
const ink = '#1f2328';
const muted = '#59636e';
const pad = 24;
const plot = { w: 420, h: 340, m: { left: 56, right: 16, top: 12, bottom: 40 } };

function clip(text: string, n: number): string {
  return text.length > n ? `${text.slice(0, n)}…` : text;
}

/** `text` shortened (with …) until it fits `width` pixels in the current font. */
function fit(ctx: CanvasRenderingContext2D, text: string, width: number): string {
  if (ctx.measureText(text).width <= width) return text;
  let n = text.length;
  while (n > 1 && ctx.measureText(`${text.slice(0, n)}…`).width > width) n--;
  return `${text.slice(0, n)}…`;
}

function drawAxes(ctx: CanvasRenderingContext2D, x0: number, y0: number, xr: Range, yr: Range, xLabel: string, yLabel: string) {
  const { w, h, m } = plot;
  const sx = scale(xr, x0 + m.left, x0 + w - m.right);
  const sy = scale(yr, y0 + h - m.bottom, y0 + m.top);
  ctx.strokeStyle = '#8c959f';
  ctx.lineWidth = 1;
  ctx.beginPath();
  ctx.moveTo(x0 + m.left, y0 + m.top);
  ctx.lineTo(x0 + m.left, y0 + h - m.bottom);
  ctx.lineTo(x0 + w - m.right, y0 + h - m.bottom);
  ctx.stroke();
  ctx.fillStyle = muted;
  ctx.font = font(11);
  ctx.textAlign = 'center';
  for (const t of ticks(xr)) ctx.fillText(formatTick(t), sx(t), y0 + h - m.bottom + 15);
  ctx.textAlign = 'right';
  for (const t of ticks(yr)) ctx.fillText(formatTick(t), x0 + m.left - 5, sy(t) + 4);
  ctx.textAlign = 'center';
  ctx.font = font(12);
  ctx.fillText(xLabel, x0 + (m.left + w - m.right) / 2, y0 + h - 6);
  ctx.save();
  ctx.translate(x0 + 14, y0 + (m.top + h - m.bottom) / 2);
  ctx.rotate(-Math.PI / 2);
  ctx.fillText(yLabel, 0, 0);
  ctx.restore();
  return { sx, sy };
}

function dashedDiagonal(ctx: CanvasRenderingContext2D, from: [number, number], to: [number, number]) {
  ctx.save();
  ctx.strokeStyle = 'gray';
  ctx.setLineDash([4, 3]);
  ctx.beginPath();
  ctx.moveTo(...from);
  ctx.lineTo(...to);
  ctx.stroke();
  ctx.restore();
}

/** Draws the ROC plot at (x0, y0) with its legend below; returns the height used. */
function drawRoc(ctx: CanvasRenderingContext2D, x0: number, y0: number, curves: RocCurve[]): number {
  const unit = { min: 0, max: 1 };
  const { sx, sy } = drawAxes(ctx, x0, y0, unit, unit, 'false positive rate', 'true positive rate');
  dashedDiagonal(ctx, [sx(0), sy(0)], [sx(1), sy(1)]);
  ctx.lineWidth = 2;
  curves.forEach((c, i) => {
    ctx.strokeStyle = classColor(i);
    ctx.beginPath();
    c.points.forEach(([fp, tp], j) => (j === 0 ? ctx.moveTo(sx(fp), sy(tp)) : ctx.lineTo(sx(fp), sy(tp))));
    ctx.stroke();
  });
  ctx.font = font(12);
  ctx.textAlign = 'left';
  let y = y0 + plot.h + 16;
  for (const [i, c] of curves.slice(0, 12).entries()) {
    ctx.fillStyle = classColor(i);
    ctx.fillRect(x0 + plot.m.left, y - 9, 10, 10);
    ctx.fillStyle = ink;
    ctx.fillText(`${clip(c.label, 24)}: AUC ${c.auc === null ? 'n/a' : formatDecimal(c.auc, 3)}`, x0 + plot.m.left + 16, y);
    y += 18;
  }
  if (curves.length > 12) {
    ctx.fillStyle = muted;
    ctx.fillText(`… and ${curves.length - 12} more`, x0 + plot.m.left + 16, y);
    y += 18;
  }
  return y - y0;
}

/** Draws the confusion matrix (counts; green diagonal, red mistakes) and the per-class table; returns the size used. */
function drawConfusion(ctx: CanvasRenderingContext2D, x0: number, y0: number, e: ClassificationEvaluation): { w: number; h: number } {
  const k = e.classes.length;
  const labelW = 110;
  const cell = Math.max(4, Math.min(56, Math.floor(400 / k)));
  const labelled = cell >= 18;
  const max = matrixMax(e.confusion);
  const top = y0 + 34;
  const left = x0 + labelW;
  ctx.fillStyle = muted;
  ctx.font = font(12);
  ctx.textAlign = 'center';
  ctx.fillText('predicted', left + (k * cell) / 2, y0 + 10);
  ctx.textAlign = 'right';
  ctx.fillText('actual ↓', left - 8, y0 + 10);
  for (let a = 0; a < k; a++) {
    if (labelled) {
      ctx.fillStyle = ink;
      ctx.textAlign = 'right';
      ctx.fillText(fit(ctx, e.classes[a], labelW - 12), left - 8, top + a * cell + cell / 2 + 4);
      ctx.save();
      ctx.translate(left + a * cell + cell / 2, top - 6);
      ctx.textAlign = 'center';
      ctx.font = font(11);
      ctx.fillText(fit(ctx, e.classes[a], cell - 2), 0, 0);
      ctx.font = font(12);
      ctx.restore();
    }
    for (let p = 0; p < k; p++) {
      const v = e.confusion[a][p];
      const t = cellIntensity(v, max);
      ctx.fillStyle = '#ffffff';
      ctx.fillRect(left + p * cell, top + a * cell, cell, cell);
      ctx.fillStyle = a === p ? `rgba(46,125,50,${(t * 0.7).toFixed(3)})` : `rgba(198,40,40,${(t * 0.7).toFixed(3)})`;
      ctx.fillRect(left + p * cell, top + a * cell, cell, cell);
      ctx.strokeStyle = '#d0d7de';
      ctx.strokeRect(left + p * cell + 0.5, top + a * cell + 0.5, cell - 1, cell - 1);
      if (labelled) {
        ctx.fillStyle = ink;
        ctx.textAlign = 'center';
        ctx.font = font(Math.min(14, Math.floor(cell / 2.4)));
        ctx.fillText(String(v), left + p * cell + cell / 2, top + a * cell + cell / 2 + 4);
        ctx.font = font(12);
      }
    }
  }
  // Per-class scores under the matrix.
  let y = top + k * cell + 30;
  const cols = [x0, x0 + 170, x0 + 250, x0 + 320, x0 + 390];
  const row = (cells: string[], bold = false) => {
    ctx.font = font(12, bold ? 'bold' : 'normal');
    ctx.fillStyle = ink;
    cells.forEach((c, i) => {
      ctx.textAlign = i === 0 ? 'left' : 'right';
      ctx.fillText(i === 0 ? clip(c, 22) : c, i === 0 ? cols[0] : cols[i] + 50, y);
    });
    y += 18;
  };
  row(['class', 'precision', 'recall', 'F1', 'support'], true);
  for (const c of e.perClass.slice(0, 20)) row([c.label, formatDecimal(c.precision, 3), formatDecimal(c.recall, 3), formatDecimal(c.f1, 3), String(c.support)]);
  if (e.perClass.length > 20) row([`… ${e.perClass.length - 20} more classes (see the CSV)`, '', '', '', '']);
  row(['average (macro)', formatDecimal(e.macro.precision, 3), formatDecimal(e.macro.recall, 3), formatDecimal(e.macro.f1, 3), String(e.count)], true);
  return { w: Math.max(labelW + k * cell, cols[4] + 50 - x0), h: y - y0 };
}

function drawScatter(ctx: CanvasRenderingContext2D, x0: number, y0: number, pairs: [number, number][]): number {
  let min = Infinity;
  let max = -Infinity;
  for (const [a, p] of pairs) {
    min = Math.min(min, a, p);
    max = Math.max(max, a, p);
  }
  if (!Number.isFinite(min)) {
    ctx.fillStyle = muted;
    ctx.fillText('No test predictions were recorded.', x0, y0 + 16);
    return 24;
  }
  const margin = (max - min) * 0.05 || 0.5;
  const range = { min: min - margin, max: max + margin };
  const { sx, sy } = drawAxes(ctx, x0, y0, range, range, 'actual', 'predicted');
  dashedDiagonal(ctx, [sx(range.min), sy(range.min)], [sx(range.max), sy(range.max)]);
  ctx.fillStyle = classColor(0);
  ctx.globalAlpha = 0.6;
  for (const [a, p] of pairs) {
    ctx.beginPath();
    ctx.arc(sx(a), sy(p), 2.5, 0, Math.PI * 2);
    ctx.fill();
  }
  ctx.globalAlpha = 1;
  return plot.h;
}

function summary(e: ClassificationEvaluation | RegressionEvaluation): string {
  if (e.task === 'classification') {
    return [`Accuracy ${formatPercent(e.accuracy)} on ${e.count} test rows`, e.auc !== null ? `AUC ${formatDecimal(e.auc, 3)}` : null, `F1 (macro) ${formatDecimal(e.macro.f1, 3)}`]
      .filter(Boolean).join('   ·   ');
  }
  return `Mean absolute error ${formatNumber(e.mae)}   ·   mean squared error ${formatNumber(e.mse)}   ·   R² ${e.r2 === null ? 'n/a' : formatDecimal(e.r2, 3)}   ·   ${e.count} test rows`;
}

/** Draws the whole image on `ctx` if given; returns its size either way (measure first, then draw). */
export function drawEvaluation(ctx: CanvasRenderingContext2D, input: EvaluationImageInput): { width: number; height: number } {
  const { evaluation: e } = input;
  ctx.fillStyle = ink;
  ctx.textAlign = 'left';
  ctx.font = font(20, 'bold');
  ctx.fillText(clip(input.title, 80), pad, pad + 18);
  ctx.font = font(13);
  ctx.fillStyle = muted;
  ctx.fillText(clip(input.subtitle, 120), pad, pad + 40);
  ctx.fillStyle = ink;
  ctx.font = font(14, 'bold');
  ctx.fillText(summary(e), pad, pad + 66);
  // Wide enough for the header lines, whatever the body needs.
  const headerWidth = pad * 2 + ctx.measureText(summary(e)).width;
  const bodyTop = pad + 92;
  ctx.font = font(14, 'bold');
  if (e.task === 'classification') {
    ctx.fillText('Confusion matrix (counts) and per-class scores', pad, bodyTop);
    const left = drawConfusion(ctx, pad, bodyTop + 14, e);
    const rocX = pad + Math.max(left.w, 460) + 32;
    const curves = input.roc ?? e.roc;
    ctx.fillStyle = ink;
    ctx.textAlign = 'left';
    ctx.font = font(14, 'bold');
    ctx.fillText(curves.length > 1 ? 'ROC curves (each class against the rest)' : `ROC curve ("${clip(curves[0]?.label ?? '', 24)}" as the positive class)`, rocX, bodyTop);
    const rocH = curves.length > 0 ? drawRoc(ctx, rocX, bodyTop + 14, curves) : 24;
    return { width: Math.max(rocX + plot.w + pad, headerWidth), height: bodyTop + 14 + Math.max(left.h, rocH) + pad };
  }
  ctx.fillText('Predicted against actual (dashed: perfect predictions)', pad, bodyTop);
  const h = drawScatter(ctx, pad, bodyTop + 14, numericPairs(e.pairs));
  return { width: Math.max(pad * 2 + plot.w, headerWidth), height: bodyTop + 14 + h + pad };
}

/** The evaluation as PNG bytes: drawn once to measure, then at that size (2× for sharp text). */
export async function evaluationPng(input: EvaluationImageInput): Promise<Blob> {
  const measure = document.createElement('canvas').getContext('2d');
  if (!measure) throw new Error('This browser cannot draw images (no 2D canvas).');
  const size = drawEvaluation(measure, input);
  const ratio = 2;
  const canvas = document.createElement('canvas');
  canvas.width = Math.ceil(size.width * ratio);
  canvas.height = Math.ceil(size.height * ratio);
  const ctx = canvas.getContext('2d')!;
  ctx.scale(ratio, ratio);
  ctx.fillStyle = '#ffffff';
  ctx.fillRect(0, 0, size.width, size.height);
  drawEvaluation(ctx, input);
  return new Promise((resolve, reject) => canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error('The image could not be made.'))), 'image/png'));
}
