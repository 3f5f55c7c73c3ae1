// A replica thread of data-parallel training (./dataParallel.ts): builds the same model on its own
// single-threaded wasm engine; then, for each step it is sent, takes the given weights, computes the loss,
// metrics and gradients on its part of the batch, and answers them. It never updates weights itself.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { loadBackend } from './backends.ts';
import { buildModel } from './modelSource.ts';
import { lossFor } from './losses.ts';
import { mulberry32 } from '../../app/data/split.ts';
import { trainedModel, type ReplicaReply, type ReplicaRequest, type ReplicaSpec, type StepHooks } from './dataParallel.ts';

const { spec, port, signal } = workerData as { spec: ReplicaSpec; port: MessagePort; signal: Int32Array };

function answer(reply: ReplicaReply): void {
  port.postMessage(reply);
  Atomics.store(signal, 1, 1);
  Atomics.notify(signal, 1);
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

async function start(): Promise<(request: Extract<ReplicaRequest, { type: 'step' }>, woke: number) => ReplicaReply> {
  const { tf } = await loadBackend('wasm', { threads: 1 });
  if (spec.seed !== undefined) Math.random = mulberry32(spec.seed);
  const model = await buildModel(tf, spec.model);
  // The optimizer is never used to update: minimize below only records the gradients.
  model.compile({ optimizer: tf.train.sgd(0), loss: lossFor(tf, spec.loss), metrics: spec.metrics });
  const trained = trainedModel(model);
  let grads: (Float32Array | null)[] = [];
  const optimizer = trained.optimizer;
  optimizer.minimize = (f: () => Scalar, returnCost?: boolean, varList?: Variable[]) => {
    const computed = optimizer.computeGradients(f, varList);
    grads = (varList ?? []).map((v) => (computed.grads[v.name]?.dataSync() as Float32Array | undefined) ?? null);
    tf.dispose(Object.values(computed.grads));
    if (returnCost) return computed.value;
    computed.value.dispose();
    return null;
  };
  const train = (trained as unknown as StepHooks).makeTrainFunction();
  port.postMessage({ type: 'ready', trainableShapes: trained.trainableWeights.map((w) => w.shape as number[]) } satisfies ReplicaReply);
  return (request, woke) => {
    const outs = tf.tidy(() => {
      trained.weights.forEach((w, i) => w.write(tf.tensor(request.weights[i], w.shape as number[], w.dtype)));
      const data = request.data.map((d) => (d ? tf.tensor(d.values, d.shape, d.dtype) : null)) as Tensor[];
      return train(data).map((t) => t.dataSync()[0] as number);
    });
    return { type: 'step', outs, grads, busyMs: performance.now() - woke };
  };
}

try {
  const step = await start();
  for (;;) {
    Atomics.wait(signal, 0, 0);
    const woke = performance.now();
    Atomics.store(signal, 0, 0);
    const request = receiveMessageOnPort(port)?.message as ReplicaRequest | undefined;
    if (!request || request.type === 'stop') break;
    try {
      answer(step(request, woke));
    } catch (err) {
      answer({ type: 'error', message: message(err) });
    }
  }
} catch (err) {
  port.postMessage({ type: 'error', message: message(err) } satisfies ReplicaReply);
}
