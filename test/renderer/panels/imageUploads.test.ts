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
