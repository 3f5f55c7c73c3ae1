// "New head for this data": the head gives way to a fresh Dense layer sized from the bound data, the body
// and its frozen flags stay, the loss is chosen automatically, and the model is ready to train; the
// trainer accepts it and trains it.
import { describe, expect, it } from 'vitest';
import type { Graph } from '../../../app/graph/types.ts';
import { sequential } from '../../../app/templates/types.ts';
import { getTemplate } from '../../../app/templates/index.ts';
import { headLayers, isHeadLayer, newHeadForData, type NewHead } from '../../../app/training/newHead.ts';
import type { BoundData } from '../../../app/training/readiness.ts';
import { startTraining } from '../../../main/trainer/supervisor.ts';
import { blobs } from '../../main/trainer/fixtures.ts';

const fiveDigits: BoundData = { task: 'classification', kind: 'image', inputShape: [28, 28, 1], outputUnits: 5, classes: ['5', '6', '7', '8', '9'] };
const blobs3: BoundData = { task: 'classification', kind: 'table', inputShape: [2], outputUnits: 3, classes: ['red', 'green', 'blue'] };

function ok(result: NewHead | string): NewHead {
  if (typeof result === 'string') throw new Error(result);
  return result;
}

function frozenBody(graph: Graph): Graph {
  const head = headLayers(graph);
  if (typeof head === 'string' || !head.decider) throw new Error('no head');
  return { ...graph, layers: graph.layers.map((l) => (l.id === head.decider!.id || l.type === 'Input' ? l : { ...l, trainable: false })) };
}

describe('new head for this data', () => {
  it('the digit recognizer (10 classes, body frozen) gets a fresh 5-class softmax head; body, frozen flags and order stay; ready', () => {
    const before = frozenBody(structuredClone(getTemplate('digit-recognizer')!.graph));
    const oldHead = (headLayers(before) as { decider: { id: string; name: string } }).decider;
    const { target, label, readiness } = ok(newHeadForData({ graph: before, loss: 'categoricalCrossentropy' }, fiveDigits));
    expect(label).toBe('New head for this data: Dense (5 classes, softmax)');
    expect(readiness.ready).toBe(true);
    expect(target.loss).toBe('auto');
    const head = target.graph.layers.find((l) => l.id === oldHead.id)!;
    expect(head).toMatchObject({ type: 'Dense', name: 'head', params: { units: 5, activation: 'softmax' } });
    expect(head.trainable).toBeUndefined();
    expect(head.name).not.toBe(oldHead.name);
    const body = (g: Graph) => g.layers.filter((l) => l.id !== oldHead.id);
    expect(body(target.graph)).toEqual(body(before));
    expect(target.graph.connections).toEqual(before.connections);
  });

  it('Dense → Dropout → Activation(softmax) at the end: the trailing layers go, the head takes their place; twice gives head_1', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [2] } },
      { id: 'body', type: 'Dense', name: 'body', params: { units: 8, activation: 'relu' } },
      { id: 'logits', type: 'Dense', name: 'logits', params: { units: 7 } },
      { id: 'drop', type: 'Dropout', name: 'drop', params: { rate: 0.2 } },
      { id: 'act', type: 'Activation', name: 'act', params: { activation: 'softmax' } },
    ]);
    expect(['logits', 'drop', 'act'].every((id) => isHeadLayer(graph, id))).toBe(true);
    expect(isHeadLayer(graph, 'body')).toBe(false);
    const once = ok(newHeadForData({ graph, loss: 'auto' }, blobs3));
    expect(once.readiness.ready).toBe(true);
    expect(once.target.graph.layers.map((l) => `${l.name}:${l.type}`)).toEqual(['in:Input', 'body:Dense', 'head:Dense']);
    expect(once.target.graph.connections).toEqual([{ from: 'in', to: 'body', toSlot: 0 }, { from: 'body', to: 'logits', toSlot: 0 }]);
    const twice = ok(newHeadForData(once.target, blobs3));
    expect(twice.target.graph.layers.map((l) => l.name)).toEqual(['in', 'body', 'head_1']);
  });

  it('a body without a head (ends in convolutions): Flatten and a Dense head are added; regression data gets one linear unit', () => {
    const graph = sequential([
      { id: 'in', type: 'Input', params: { shape: [28, 28, 1] } },
      { id: 'conv', type: 'Conv2D', name: 'conv', params: { filters: 4, kernelSize: 3, activation: 'relu' } },
    ]);
    const classes = ok(newHeadForData({ graph, loss: 'auto' }, fiveDigits));
    expect(classes.readiness.ready).toBe(true);
    expect(classes.target.graph.layers.map((l) => l.type)).toEqual(['Input', 'Conv2D', 'Flatten', 'Dense']);
    const numbers = ok(newHeadForData({ graph, loss: 'meanSquaredError' }, { task: 'regression', kind: 'image', inputShape: [28, 28, 1], outputUnits: 1 }));
    expect(numbers.readiness.ready).toBe(true);
    expect(numbers.target.graph.layers.at(-1)).toMatchObject({ name: 'head', params: { units: 1, activation: 'linear' } });
  });

  it('says why when there is no single head', () => {
    const graph = sequential([{ id: 'in', type: 'Input', params: { shape: [2] } }, { id: 'a', type: 'Dense', params: { units: 3 } }]);
    graph.layers.push({ id: 'b', type: 'Dense', name: 'b', params: { units: 2 } });
    graph.connections.push({ from: 'in', to: 'b', toSlot: 0 });
    expect(newHeadForData({ graph, loss: 'auto' }, blobs3)).toMatch(/^There is no single head to replace: the model has 2 outputs/);
  });

  it('the trainer accepts the new model and trains it: the frozen body stays, the head learns the 3 classes', { timeout: 120_000 }, async () => {
    const graph = frozenBody(sequential([
      { id: 'in', type: 'Input', params: { shape: [2] } },
      { id: 'body', type: 'Dense', name: 'body', params: { units: 32, activation: 'relu' } },
      { id: 'old', type: 'Dense', name: 'old_head', params: { units: 10, activation: 'softmax' } },
    ]));
    const { target } = ok(newHeadForData({ graph, loss: 'auto' }, blobs3));
    const { x, y } = blobs(300);
    const result = await startTraining({
      model: { kind: 'graph', graph: target.graph },
      data: { kind: 'arrays', task: 'classification', featureShape: [2], classNames: ['red', 'green', 'blue'], train: { x, y } },
      outputDir: null,
      config: { backend: 'cpu', epochs: 30, batchSize: 16, optimizer: { name: 'adam', learningRate: 0.05 }, loss: target.loss, testSplit: 0.2, seed: 3 },
    }).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.test!.logs.accuracy).toBeGreaterThan(0.8);
  });
});
