// The decision logic of early stopping and reduce-learning-rate-on-plateau, kept free of TF.js so it
// can be tested on plain numbers; the trainer keeps the weights and changes the optimizer.

export type MonitorMode = 'min' | 'max';

/** Accuracy-like quantities improve upwards; losses and errors downwards. */
export function monitorMode(monitor: string): MonitorMode {
  return /(^|_)(acc|accuracy|auc|precision|recall|f1)$/.test(monitor) ? 'max' : 'min';
}

/**
 * The value to watch in an epoch's logs. `val_*` falls back to the training value when there is no
 * validation split (the caller is told, so the UI can say so).
 */
export function readMonitor(monitor: string, logs: Record<string, number | null | undefined>): { key: string; value: number | null } {
  const aliases = (k: string) => [k, k.replace(/accuracy$/, 'acc'), k.replace(/acc$/, 'accuracy')];
  for (const key of aliases(monitor)) if (typeof logs[key] === 'number') return { key, value: logs[key] as number };
  if (monitor.startsWith('val_')) return readMonitor(monitor.slice(4), logs);
  return { key: monitor, value: null };
}

function isBetter(mode: MonitorMode, current: number, best: number, minDelta: number): boolean {
  return mode === 'min' ? current < best - minDelta : current > best + minDelta;
}

export interface EarlyStoppingOptions {
  monitor: string;
  patience: number;
  minDelta: number;
}

/** Keras semantics: stop once `patience` epochs in a row failed to improve on the best by more than minDelta. */
export class EarlyStoppingTracker {
  readonly mode: MonitorMode;
  best: number;
  bestEpoch = -1;
  wait = 0;
  /** The log key actually watched (differs from the monitor when it fell back). */
  watched: string | null = null;
  private readonly options: EarlyStoppingOptions;

  constructor(options: EarlyStoppingOptions) {
    this.options = options;
    this.mode = monitorMode(options.monitor);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  update(epoch: number, logs: Record<string, number | null | undefined>): { improved: boolean; stop: boolean } {
    const { key, value } = readMonitor(this.options.monitor, logs);
    this.watched = key;
    if (value === null || Number.isNaN(value)) return { improved: false, stop: false };
    if (isBetter(this.mode, value, this.best, this.options.minDelta)) {
      this.best = value;
      this.bestEpoch = epoch;
      this.wait = 0;
      return { improved: true, stop: false };
    }
    this.wait++;
    return { improved: false, stop: this.wait >= this.options.patience && this.wait > 0 };
  }
}

export interface PlateauOptions {
  monitor: string;
  factor: number;
  patience: number;
  minLearningRate: number;
}

/** Keras ReduceLROnPlateau without cooldown: after `patience` flat epochs, multiply the rate by `factor`. */
export class PlateauTracker {
  readonly mode: MonitorMode;
  best: number;
  wait = 0;
  private readonly options: PlateauOptions;

  constructor(options: PlateauOptions) {
    this.options = options;
    this.mode = monitorMode(options.monitor);
    this.best = this.mode === 'min' ? Infinity : -Infinity;
  }

  /** The new learning rate when it should drop now, else null. */
  update(logs: Record<string, number | null | undefined>, learningRate: number): number | null {
    const { value } = readMonitor(this.options.monitor, logs);
    if (value === null || Number.isNaN(value)) return null;
    if (isBetter(this.mode, value, this.best, 0)) {
      this.best = value;
      this.wait = 0;
      return null;
    }
    this.wait++;
    if (this.wait < Math.max(1, this.options.patience)) return null;
    this.wait = 0;
    const next = Math.max(learningRate * this.options.factor, this.options.minLearningRate);
    return next < learningRate ? next : null;
  }
}
