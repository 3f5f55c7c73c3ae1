// Image uploads in chunks (renderer/panels/data/dataEdits.ts) and the worst predictions list
// (renderer/panels/evaluation/evaluationMath.ts).
import { describe, expect, it } from 'vitest';
import { uploadChunks } from '../../../renderer/panels/data/dataEdits.ts';
import { worstPredictions } from '../../../renderer/panels/evaluation/evaluationMath.ts';

const file = (path: string, size: number) => ({ path, size });

describe('uploadChunks', () => {
  it('interleaves classes so that the first request holds every class, and cuts at the byte limit', () => {
    const files = [
      ...Array.from({ length: 4 }, (_, i) => file(`pics/cats/${i}.png`, 30)),
      ...Array.from({ length: 2 }, (_, i) => file(`pics/dogs/${i}.png`, 30)),
      file('pics/owls/0.png', 30),
    ];
    const chunks = uploadChunks(files, 100);
    expect(chunks.map((c) => c.map((f) => f.path))).toEqual([
      ['pics/cats/0.png', 'pics/dogs/0.png', 'pics/owls/0.png'],
      ['pics/cats/1.png', 'pics/dogs/1.png', 'pics/cats/2.png'],
      ['pics/cats/3.png'],
    ]);
    // Every file exactly once.
    expect(chunks.flat().map((f) => f.path).sort()).toEqual(files.map((f) => f.path).sort());
  });

  it('sends a file larger than the limit alone, and one small set as one request', () => {
    expect(uploadChunks([file('a/x.png', 500), file('b/y.png', 10)], 100).map((c) => c.length)).toEqual([1, 1]);
    expect(uploadChunks([file('a/x.png', 5), file('b/y.png', 5)])).toHaveLength(1);
    expect(uploadChunks([])).toEqual([]);
  });

  it('cuts 50,000 files in linear time (one big class and many small ones)', () => {
    const files = [
      ...Array.from({ length: 45_000 }, (_, i) => file(`set/big/${i}.png`, 1000)),
      ...Array.from({ length: 5_000 }, (_, i) => file(`set/c${i}/0.png`, 1000)),
    ];
    const started = performance.now();
    const chunks = uploadChunks(files, 1_000_000);
    // Copying the class queue on every file (as before) took tens of seconds here.
    expect(performance.now() - started).toBeLessThan(2000);
    expect(chunks).toHaveLength(50);
    expect(chunks.flat()).toHaveLength(50_000);
    // The first request holds every class it can: the 5,001 classes do not fit in 1,000 files, so it is all new classes.
    expect(new Set(chunks[0].map((f) => f.path.split('/')[1])).size).toBe(1000);
  });
});

describe('worstPredictions', () => {
  it('lists wrong predictions only, surest first', () => {
    const samples = [
      { index: 0, actual: 0, predicted: 0, confidence: 0.99 },
      { index: 1, actual: 0, predicted: 1, confidence: 0.6 },
      { index: 2, actual: 1, predicted: 0, confidence: 0.95 },
      { index: 3, actual: 1, predicted: 2, confidence: null },
    ];
    expect(worstPredictions(samples).map((s) => s.index)).toEqual([2, 1, 3]);
    expect(worstPredictions(samples, 1).map((s) => s.index)).toEqual([2]);
  });
});
