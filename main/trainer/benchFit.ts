// The studio's training loop as a benchmark FitFn: the same fit options and callbacks as every run
// (progress events built and throttled, stop polled, NaN checked), on the bench's reference model.
import type { FitFn, StudioFitContext } from '../engine/bench.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import { studioCallbacks, studioFitOptions } from './fitLoop.ts';

export function studioFit(context: StudioFitContext): FitFn {
  const { tf, model, x, y, batchSize, backend } = context;
  const config = makeTrainingConfig({ batchSize });
  const poolBatches = Math.floor(x.shape[0] / batchSize);
  return async (batches) => {
    const partial = batches < poolBatches;
    const xs = partial ? x.slice(0, batches * batchSize) : x;
    const ys = partial ? y.slice(0, batches * batchSize) : y;
    const epochs = partial ? 1 : Math.round(batches / poolBatches);
    const loop = studioCallbacks({
      tf, model, optimizer: model.optimizer, config, epochs, batchSize, nTrain: xs.shape[0], backend,
      // What the trainer process does with each event (post it to the parent) is outside the loop; building it is inside.
      hooks: { onProgress: () => {}, shouldStop: () => false },
    });
    try {
      await model.fit(xs, ys, { ...studioFitOptions(config), epochs, batchSize, callbacks: loop.callbacks });
    } finally {
      loop.dispose();
      if (partial) tf.dispose([xs, ys]);
    }
    return epochs * xs.shape[0];
  };
}
