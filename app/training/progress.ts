// Training progress events (per batch and per epoch) as the trainer reports them, and the throttle
// that keeps batch events to a rate a UI can draw without starving the training loop.
import { z } from 'zod';

const logsSchema = z.record(z.string(), z.number().nullable());

export const batchProgressSchema = z.object({
  type: z.literal('batch'),
  /** 0-based epoch. */
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(0),
  /** 0-based batch within the epoch. */
  batch: z.number().int().min(0),
  batchesPerEpoch: z.number().int().min(0),
  /** Loss and metrics of this batch (`loss`, `accuracy`, `mae`, ...). NaN travels as null. */
  logs: logsSchema,
  samplesPerSec: z.number().min(0),
  /** Estimated time left for the whole run, in milliseconds. */
  etaMs: z.number().min(0),
  /** Tensors alive in the trainer's TF.js engine: a leak shows as a number that keeps growing. */
  tensors: z.number().int().min(0),
  backend: z.string(),
});

export const epochProgressSchema = z.object({
  type: z.literal('epoch'),
  epoch: z.number().int().min(0),
  epochs: z.number().int().min(0),
  batchesPerEpoch: z.number().int().min(0),
  /** Epoch averages, plus `val_*` when there is a validation split. NaN travels as null. */
  logs: logsSchema,
  learningRate: z.number(),
  durationMs: z.number().min(0),
  samplesPerSec: z.number().min(0),
  etaMs: z.number().min(0),
  tensors: z.number().int().min(0),
  backend: z.string(),
  /** A plain warning about the run so far, e.g. that the loss has not fallen for several epochs. */
  note: z.string().optional(),
});

export const progressEventSchema = z.discriminatedUnion('type', [batchProgressSchema, epochProgressSchema]);

export type BatchProgress = z.infer<typeof batchProgressSchema>;
export type EpochProgress = z.infer<typeof epochProgressSchema>;
export type ProgressEvent = z.infer<typeof progressEventSchema>;

/** TF.js names accuracy `acc`; the studio uses Keras's current name `accuracy` (and `val_accuracy`) everywhere. */
export function metricKey(key: string): string {
  return key.replace(/^(val_)?acc$/, '$1accuracy');
}

/**
 * Turns TF.js logs into JSON-safe numbers with the studio's metric names: NaN and ±Infinity become null
 * (JSON would drop them silently).
 */
export function cleanLogs(logs: Record<string, unknown>): Record<string, number | null> {
  const out: Record<string, number | null> = {};
  // Training values first (loss leading), then their val_ twins: the order tables and charts show them in.
  const rank = (k: string) => (k.startsWith('val_') ? 2 : 0) + (k === 'loss' || k === 'val_loss' ? 0 : 1);
  const keys = Object.keys(logs).filter((k) => k !== 'batch' && k !== 'size' && typeof logs[k] === 'number');
  for (const key of keys.sort((a, b) => rank(a) - rank(b))) {
    const value = logs[key] as number;
    out[metricKey(key)] = Number.isFinite(value) ? value : null;
  }
  return out;
}

/** Time left, from the work done so far and the rate it was done at. */
export function estimateEtaMs(samplesDone: number, samplesTotal: number, elapsedMs: number): number {
  if (samplesDone <= 0 || elapsedMs <= 0) return 0;
  const left = Math.max(0, samplesTotal - samplesDone);
  return (left * elapsedMs) / samplesDone;
}

/**
 * Lets at most `maxPerSecond` batch events through (evenly spaced); epoch events always pass, because
 * charts and the run history are built from them.
 */
export class ProgressThrottle {
  private readonly intervalMs: number;
  private readonly now: () => number;
  private lastBatchAt = -Infinity;

  constructor(maxPerSecond = 20, now: () => number = () => performance.now()) {
    if (!(maxPerSecond > 0)) throw new Error(`maxPerSecond must be positive, got ${maxPerSecond}`);
    this.intervalMs = 1000 / maxPerSecond;
    this.now = now;
  }

  /** True when the event should be sent now. */
  accept(event: { type: 'batch' | 'epoch' }): boolean {
    if (event.type === 'epoch') return true;
    const t = this.now();
    if (t - this.lastBatchAt < this.intervalMs) return false;
    this.lastBatchAt = t;
    return true;
  }
}
