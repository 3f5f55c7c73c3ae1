// The trade-off view of one trained model and its variants (issue 15): the original, its quantized
// exports (float16, uint8), its pruned children and the ensembles it is a member of, each with its test
// metric, its size on disk (raw and gzipped) and its measured prediction latency per sample. The shape is
// declared once here; main/export/tradeoffs.ts computes it, the CLI and the Export panel show it.
import { z } from 'zod';

export const tradeoffVariants = ['original', 'quantized', 'pruned', 'ensemble'] as const;

export const tradeoffRowSchema = z.object({
  /** The run whose saved model this row is (the original, a pruned child, an ensemble). */
  runId: z.number().int().positive(),
  runName: z.string(),
  variant: z.enum(tradeoffVariants),
  /** Short label for the table and the plot: "original", "float16", "uint8", "pruned 80%", "ensemble #7". */
  label: z.string(),
  /** How this row is exported ("Export this"): the run with this quantization. */
  quantization: z.enum(['none', 'float16', 'uint8']),
  /** A pruned row's target sparsity. */
  sparsity: z.number().nullable(),
  /** The headline test metric (report.metric.name) on the same test rows; null when it could not be measured. */
  metric: z.number().nullable(),
  /** model.json and the weight files, in bytes, raw and each gzipped. */
  sizeRaw: z.number().int().min(0),
  sizeGzip: z.number().int().min(0),
  /** Median over repetitions of the time to predict one sample (batch of 1), in milliseconds; null when not measured. */
  latencyMs: z.number().min(0).nullable(),
  /** Why a value is missing or measured differently, in one sentence. */
  note: z.string().nullable(),
});

export const tradeoffReportSchema = z.object({
  runId: z.number().int().positive(),
  runName: z.string(),
  /** `accuracy` (classification, higher is better), `mae` (regression) or `mse` (reconstruction), lower is better. */
  metric: z.object({ name: z.string(), higherIsBetter: z.boolean() }),
  /** Test rows the metrics are measured on (the run's test split, recreated), and how latency was measured. */
  samples: z.number().int().min(0),
  source: z.enum(['test-split', 'synthetic']),
  latency: z.object({ samples: z.number().int().min(0), repetitions: z.number().int().min(0), backend: z.string() }),
  rows: z.array(tradeoffRowSchema),
  notes: z.array(z.string()),
});

export type TradeoffRow = z.output<typeof tradeoffRowSchema>;
export type TradeoffReport = z.output<typeof tradeoffReportSchema>;

/** The median of the values (the mean of the middle two for an even count); NaN for none. */
export function median(values: readonly number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/**
 * Rows no other row beats on both the metric and the size (gzipped): the ones worth choosing between.
 * A row without a metric is never on the front.
 */
export function paretoFront(report: Pick<TradeoffReport, 'rows' | 'metric'>): Set<number> {
  const better = (a: number, b: number) => (report.metric.higherIsBetter ? a > b : a < b);
  const front = new Set<number>();
  report.rows.forEach((r, i) => {
    if (r.metric === null) return;
    const beaten = report.rows.some((o, j) => j !== i && o.metric !== null &&
      !better(r.metric!, o.metric) && o.sizeGzip <= r.sizeGzip && (better(o.metric, r.metric!) || o.sizeGzip < r.sizeGzip));
    if (!beaten) front.add(i);
  });
  return front;
}
