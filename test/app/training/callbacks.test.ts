import { describe, expect, it } from 'vitest';
import { EarlyStoppingTracker, monitorMode, PlateauTracker, readMonitor } from '../../../app/training/callbacks.ts';

describe('early stopping', () => {
  it('stops after `patience` epochs without an improvement larger than minDelta', () => {
    const t = new EarlyStoppingTracker({ monitor: 'val_loss', patience: 2, minDelta: 0.01 });
    const losses = [1.0, 0.8, 0.795, 0.79, 0.7];
    const steps = losses.map((v, e) => t.update(e, { val_loss: v }));
    expect(steps.map((s) => s.improved)).toEqual([true, true, false, false, true]);
    expect(steps.map((s) => s.stop)).toEqual([false, false, false, true, false]);
    expect(t.bestEpoch).toBe(4);
  });
  it('watches accuracy upwards and falls back to the training value without validation', () => {
    expect(monitorMode('val_acc')).toBe('max');
    expect(monitorMode('val_accuracy')).toBe('max');
    expect(monitorMode('loss')).toBe('min');
    expect(readMonitor('val_accuracy', { acc: 0.9, loss: 0.2 })).toEqual({ key: 'acc', value: 0.9 });
    const t = new EarlyStoppingTracker({ monitor: 'val_acc', patience: 1, minDelta: 0 });
    expect(t.update(0, { acc: 0.5 }).improved).toBe(true);
    expect(t.update(1, { acc: 0.4 }).stop).toBe(true);
    expect(t.watched).toBe('acc');
  });
  it('patience 0 stops at the first epoch that does not improve', () => {
    const t = new EarlyStoppingTracker({ monitor: 'loss', patience: 0, minDelta: 0 });
    expect(t.update(0, { loss: 1 }).stop).toBe(false);
    expect(t.update(1, { loss: 1 }).stop).toBe(true);
  });
});

describe('reduce learning rate on plateau', () => {
  it('multiplies the rate by factor after `patience` flat epochs, never below the minimum', () => {
    const t = new PlateauTracker({ monitor: 'val_loss', factor: 0.5, patience: 2, minLearningRate: 0.03 });
    let lr = 0.1;
    const rates: number[] = [];
    for (const v of [1, 0.9, 0.95, 0.92, 0.91, 0.93, 0.94, 0.99, 0.99]) {
      lr = t.update({ val_loss: v }, lr) ?? lr;
      rates.push(lr);
    }
    expect(rates).toEqual([0.1, 0.1, 0.1, 0.05, 0.05, 0.03, 0.03, 0.03, 0.03]);
  });
});
