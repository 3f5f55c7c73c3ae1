// Regression errors in the target's own units. The data pipeline standardizes a regression target
// (value − center) / scale before training, so TF.js's `mae`/`mse` (and their `val_` twins) come out in
// standardized units; these helpers turn them back, so curves, test results, the saved model and the
// compare view all speak the target's units. The loss itself stays what the optimizer minimizes.

export interface TargetScale {
  center: number;
  scale: number;
}

/** The standardization of a regression target in a saved preprocessing state; null when the target was not scaled. */
export function targetScaleOf(preprocessor: unknown): TargetScale | null {
  const target = (preprocessor as { target?: { kind?: unknown; center?: unknown; scale?: unknown } } | null | undefined)?.target;
  if (target?.kind !== 'regression' || typeof target.center !== 'number' || typeof target.scale !== 'number') return null;
  if (!Number.isFinite(target.scale) || !Number.isFinite(target.center)) return null;
  return { center: target.center, scale: target.scale };
}

/** A standardized value back in the target's units (identity without a scale). */
export function unscaleValue(scale: TargetScale | null): (v: number) => number {
  return scale ? (v) => v * scale.scale + scale.center : (v) => v;
}

/** Errors that grow linearly with the target's scale, and those that grow with its square. */
const linear = /^(val_)?(mae|meanAbsoluteError|mean_absolute_error|rmse)$/;
const squared = /^(val_)?(mse|meanSquaredError|mean_squared_error)$/;

/** Metric logs with every error metric in the target's units; the loss and other keys are left as they are. */
export function logsInTargetUnits(logs: Record<string, number | null>, scale: TargetScale | null): Record<string, number | null> {
  if (!scale || scale.scale === 1) return logs;
  const out: Record<string, number | null> = {};
  for (const [key, value] of Object.entries(logs)) {
    if (value === null) out[key] = null;
    else if (linear.test(key)) out[key] = value * Math.abs(scale.scale);
    else if (squared.test(key)) out[key] = value * scale.scale * scale.scale;
    else out[key] = value;
  }
  return out;
}
