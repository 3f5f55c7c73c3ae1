import { describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { trainingBlockers } from '../../../app/training/trainability.ts';
import { buildTfModel } from '../../../app/graph/buildModel.ts';
import type { Graph } from '../../../app/graph/types.ts';

function conv(type: string, params: Record<string, unknown>): Graph {
  const shape = type === 'Conv1D' ? [16, 3] : [12, 12, 3];
  return {
    layers: [
      { id: 'in', type: 'Input', name: 'in', params: { shape } },
      { id: 'c', type, name: 'conv', params: { filters: 2, kernelSize: 3, ...params } as never },
      { id: 'f', type: 'Flatten', name: 'flat', params: {} },
      { id: 'd', type: 'Dense', name: 'out', params: { units: 2, activation: 'softmax' } },
    ],
    connections: [{ from: 'in', to: 'c', toSlot: 0 }, { from: 'c', to: 'f', toSlot: 0 }, { from: 'f', to: 'd', toSlot: 0 }],
  };
}

describe('trainingBlockers', () => {
  it('accepts undilated convolutions', () => {
    expect(trainingBlockers(conv('Conv2D', {}))).toEqual([]);
    expect(trainingBlockers(conv('Conv1D', { dilationRate: 1 }))).toEqual([]);
  });

  it.each([
    ['Conv1D', 2],
    ['Conv2D', [1, 2]],
    ['SeparableConv2D', 2],
  ])('refuses a dilated %s, naming the layer and the fix', (type, dilationRate) => {
    const [blocker] = trainingBlockers(conv(type, { dilationRate }));
    expect(blocker).toMatchObject({ layerId: 'c', layerName: 'conv' });
    expect(blocker.message).toBe(`${type} "conv" has a dilation rate above 1, which TensorFlow.js cannot train`);
    expect(blocker.fix).toMatch(/set its dilation rate to 1/);
  });

  it('refuses a model too large to train, naming its size and what to shrink', () => {
    const huge: Graph = {
      layers: [
        { id: 'in', type: 'Input', name: 'in', params: { shape: [100_000] } },
        { id: 'd', type: 'Dense', name: 'wide', params: { units: 100_000 } },
      ],
      connections: [{ from: 'in', to: 'd', toSlot: 0 }],
    };
    const [blocker] = trainingBlockers(huge);
    expect(blocker.layerId).toBeUndefined();
    expect(blocker.message).toBe("the model has 10,000,100,000 parameters (37.3 GB of weights), too many to train here: training holds the weights, their gradients and the optimizer's state (about 149 GB), and TensorFlow.js can use at most 4 GB");
    expect(blocker.fix).toMatch(/^make it at most 268,435,456 parameters \(1 GB of weights\): fewer units or filters/);
    // Just under the limit (2^28 float32 weights = 1 GB) trains.
    const fits: Graph = { ...huge, layers: [huge.layers[0], { ...huge.layers[1], params: { units: 2600 } }] };
    expect(trainingBlockers(fits)).toEqual([]);
  });

  it('matches TF.js: the refused graph really fails to train, the accepted one trains', async () => {
    await tf.setBackend('cpu');
    const x = tf.randomUniform([4, 12, 12, 3]);
    const y = tf.oneHot(tf.tensor1d([0, 1, 0, 1], 'int32'), 2);
    const fit = async (graph: Graph) => {
      const model = buildTfModel(graph, tf);
      model.compile({ optimizer: 'sgd', loss: 'categoricalCrossentropy' });
      try {
        await model.fit(x, y, { epochs: 1, verbose: 0 });
      } finally {
        model.dispose();
      }
    };
    await expect(fit(conv('Conv2D', { dilationRate: 2 }))).rejects.toThrow(/dilation/);
    await expect(fit(conv('Conv2D', {}))).resolves.toBeUndefined();
    tf.dispose([x, y]);
  });
});
