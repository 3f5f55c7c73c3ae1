import { describe, expect, it } from 'vitest';
import { cleanLogs, estimateEtaMs, ProgressThrottle } from '../../../app/training/progress.ts';

describe('ProgressThrottle', () => {
  it('lets at most 20 batch events a second through, evenly, and every epoch event', () => {
    let now = 0;
    const throttle = new ProgressThrottle(20, () => now);
    let batches = 0;
    let epochs = 0;
    // 10,000 batches per second for 3 seconds, an epoch every 1,000 batches.
    for (let i = 0; i < 30_000; i++) {
      now = i * 0.1;
      if (throttle.accept({ type: 'batch' })) batches++;
      if (i % 1000 === 999 && throttle.accept({ type: 'epoch' })) epochs++;
    }
    expect(batches).toBe(60);
    expect(epochs).toBe(30);
  });
  it('passes slow batches one by one', () => {
    let now = 0;
    const throttle = new ProgressThrottle(20, () => now);
    const passed = [0, 60, 200, 210, 260].map((t) => { now = t; return throttle.accept({ type: 'batch' }); });
    expect(passed).toEqual([true, true, true, false, true]);
  });
});

describe('progress helpers', () => {
  it('turns NaN and infinities into null so JSON keeps them', () => {
    expect(cleanLogs({ loss: NaN, acc: 0.5, val_loss: Infinity, batch: 3, size: 32 })).toEqual({ loss: null, accuracy: 0.5, val_loss: null });
  });
  it('names accuracy as Keras does today', () => {
    expect(cleanLogs({ acc: 0.5, val_acc: 0.25, mae: 1 })).toEqual({ accuracy: 0.5, val_accuracy: 0.25, mae: 1 });
  });
  it('estimates the time left from the rate so far', () => {
    expect(estimateEtaMs(250, 1000, 2000)).toBe(6000);
    expect(estimateEtaMs(0, 1000, 0)).toBe(0);
    expect(estimateEtaMs(1000, 1000, 5000)).toBe(0);
  });
});
