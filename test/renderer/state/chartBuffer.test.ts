import { describe, expect, it } from 'vitest';
import type { ProgressEvent } from '../../../app/training/progress.ts';
import { SeriesBuffer, TrainingCurves } from '../../../renderer/state/chartBuffer.ts';
import { FrameScheduler } from '../../../renderer/ui/frameScheduler.ts';

const batch = (epoch: number, b: number, logs: Record<string, number | null>): ProgressEvent => ({
  type: 'batch', epoch, epochs: 3, batch: b, batchesPerEpoch: 4, logs, samplesPerSec: 100, etaMs: 1000, tensors: 10, backend: 'cpu',
});
const epochEvent = (epoch: number, logs: Record<string, number | null>): ProgressEvent => ({
  type: 'epoch', epoch, epochs: 3, batchesPerEpoch: 4, logs, learningRate: 0.001, durationMs: 10, samplesPerSec: 100, etaMs: 0, tensors: 10, backend: 'cpu',
});

describe('SeriesBuffer', () => {
  it('appends rows with gaps for series without a value and merges rows at the same x', () => {
    const b = new SeriesBuffer(['a', 'b']);
    b.append(1, { a: 0.5 });
    b.append(2, { b: 0.7 });
    b.append(2, { a: 0.4 });
    expect(b.aligned()).toEqual([[1, 2], [0.5, 0.4], [null, 0.7]]);
  });

  it('turns non-finite values into gaps and ignores x going backwards', () => {
    const b = new SeriesBuffer(['a']);
    b.append(1, { a: Infinity });
    b.append(2, { a: NaN });
    b.append(1.5, { a: 3 });
    expect(b.aligned()).toEqual([[1, 2], [null, null]]);
  });

  it('stays within maxPoints on a long run and keeps the newest rows and the overall span', () => {
    const b = new SeriesBuffer(['a'], 100);
    for (let i = 0; i < 10_000; i++) b.append(i, { a: i * 2 });
    expect(b.length).toBeLessThanOrEqual(100);
    expect(b.x[0]).toBe(0);
    expect(b.x[b.length - 1]).toBe(9999);
    // x stays strictly increasing after thinning, and every kept value still belongs to its x.
    for (let i = 1; i < b.length; i++) expect(b.x[i]).toBeGreaterThan(b.x[i - 1]);
    b.columns[0].forEach((v, i) => expect(v).toBe(b.x[i] * 2));
  });

  it('falls back to halving pairs when protected rows fill the buffer, still bounded', () => {
    const b = new SeriesBuffer(['batch', 'train'], 64, ['train']);
    for (let i = 1; i <= 5000; i++) b.append(i, { train: i });
    expect(b.length).toBeLessThanOrEqual(64);
    expect(b.x.at(-1)).toBe(5000);
  });

  it('keeps protected rows when thinning, so sparse epoch points survive among dense batch points', () => {
    const b = new SeriesBuffer(['batch', 'train'], 256, ['train']);
    const epochXs: number[] = [];
    for (let i = 1; i <= 2000; i++) {
      if (i % 20 === 0) {
        b.append(i, { batch: 1, train: 2 });
        epochXs.push(i);
      } else {
        b.append(i, { batch: 1 });
      }
    }
    const trainXs = b.x.filter((_, i) => b.columns[1][i] !== null);
    expect(b.length).toBeLessThanOrEqual(256);
    expect(trainXs).toEqual(epochXs);
    expect(b.x.at(-1)).toBe(2000);
  });
});

describe('TrainingCurves', () => {
  it('puts batch values at fractional epochs and epoch averages with validation at the epoch end', () => {
    const c = new TrainingCurves();
    c.add(batch(0, 0, { loss: 1, accuracy: 0.2 }));
    c.add(batch(0, 3, { loss: 0.8, accuracy: 0.3 }));
    c.add(epochEvent(0, { loss: 0.9, accuracy: 0.25, val_loss: 0.95, val_accuracy: 0.22 }));
    expect([...c.charts.keys()]).toEqual(['loss', 'accuracy']);
    const loss = c.charts.get('loss')!;
    expect(loss.x).toEqual([0.25, 1]);
    // The last batch of epoch 0 and the epoch average share x = 1 and merge into one row.
    expect(loss.aligned()).toEqual([[0.25, 1], [1, 0.8], [null, 0.9], [null, 0.95]]);
    expect(c.charts.get('accuracy')!.columns[2]).toEqual([null, 0.22]);
  });

  it('keeps loss as the first chart even when a metric arrives first', () => {
    const c = new TrainingCurves();
    c.add(epochEvent(0, { accuracy: 0.5 }));
    c.add(epochEvent(1, { loss: 0.5 }));
    expect([...c.charts.keys()]).toEqual(['loss', 'accuracy']);
    expect(c.layoutVersion).toBe(2);
  });
});

describe('FrameScheduler', () => {
  it('draws once per frame however many updates arrive, and again for updates after the frame', () => {
    const frames: (() => void)[] = [];
    let draws = 0;
    const s = new FrameScheduler(() => draws++, (cb) => frames.push(cb));
    for (let i = 0; i < 200; i++) s.schedule();
    expect(frames.length).toBe(1);
    frames.shift()!();
    expect(draws).toBe(1);
    s.schedule();
    expect(frames.length).toBe(1);
    frames.shift()!();
    expect(draws).toBe(2);
  });

  it('does not draw after dispose', () => {
    const frames: (() => void)[] = [];
    let draws = 0;
    const s = new FrameScheduler(() => draws++, (cb) => frames.push(cb));
    s.schedule();
    s.dispose();
    frames.shift()!();
    expect(draws).toBe(0);
  });
});
