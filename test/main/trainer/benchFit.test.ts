// The benchmark's studio FitFn runs the real studio loop: it trains, counts samples, and leaks nothing.
import { describe, expect, it } from 'vitest';
import { loadBackend } from '../../../main/engine/backends.ts';
import { buildReferenceModel, referenceData } from '../../../main/engine/bench.ts';
import { studioFit } from '../../../main/trainer/benchFit.ts';

describe('studioFit', () => {
  it('trains the reference model through the studio callbacks and reports the samples it trained', async () => {
    const { tf, backend } = await loadBackend('wasm');
    const model = buildReferenceModel(tf, 'mlp');
    const { x, y } = referenceData(tf, 'mlp', 4 * 32);
    try {
      const fit = studioFit({ tf, backend, modelName: 'mlp', model, x, y, batchSize: 32 });
      const before = model.getWeights()[0].dataSync().slice();
      expect(await fit(2)).toBe(64); // fewer batches than the pool: one epoch over a slice
      // Adam's moment variables exist from the first step on; nothing may be added after that.
      const tensors = tf.memory().numTensors;
      expect(await fit(8)).toBe(256); // two whole epochs over the pool
      expect(await fit(1)).toBe(32);
      expect(tf.memory().numTensors).toBe(tensors);
      const after = model.getWeights()[0].dataSync();
      expect(after.some((v, i) => v !== before[i])).toBe(true);
    } finally {
      tf.dispose([x, y]);
      model.dispose();
    }
  });
});
