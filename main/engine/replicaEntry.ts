// A replica thread of data-parallel training (./dataParallel.ts): builds the same model on its own
// single-threaded wasm engine; then, for each step it is sent, takes the trainer's weights, computes the loss,
// metrics and gradients on its part of the batch, and answers them. It never updates weights itself. Weights,
// its part and its gradients are in shared buffers (see dataParallel.ts); messages only say where.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import type { Scalar, Tensor, Variable } from '@tensorflow/tfjs';
import { util } from '@tensorflow/tfjs-core';
import { loadBackend } from './backends.ts';
import { buildModel } from './modelSource.ts';
import { lossFor } from './losses.ts';
import { mulberry32 } from '../../app/data/split.ts';
import { floatsOf, trainedModel, typedView, type ReplicaReply, type ReplicaRequest, type ReplicaSpec, type StepHooks } from './dataParallel.ts';

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
  const trainableShapes = trained.trainableWeights.map((w) => w.shape as number[]);
  const grads = new Float32Array(new SharedArrayBuffer(4 * trainableShapes.reduce((sum, shape) => sum + util.sizeFromShape(shape), 0)));
  let hasGrad: boolean[] = [];
  const optimizer = trained.optimizer;
  optimizer.minimize = (f: () => Scalar, returnCost?: boolean, varList?: Variable[]) => {
    const computed = optimizer.computeGradients(f, varList);
    let offset = 0;
    hasGrad = (varList ?? []).map((v) => {
      const g = computed.grads[v.name];
      if (g) grads.set(floatsOf(tf, g), offset);
      offset += util.sizeFromShape(v.shape);
      return Boolean(g);
    });
    tf.dispose(Object.values(computed.grads));
    if (returnCost) return computed.value;
    computed.value.dispose();
    return null;
  };
  const train = (trained as unknown as StepHooks).makeTrainFunction();
  const weightBytes = trained.weights.map((w) => util.sizeFromShape(w.shape as number[]) * util.bytesPerElement(w.dtype));
  const totalWeightBytes = weightBytes.reduce((a, b) => a + b, 0);
  let weights: Uint8Array | null = null;
  let parts: SharedArrayBuffer | null = null;
  port.postMessage({ type: 'ready', trainableShapes, grads: grads.buffer as SharedArrayBuffer } satisfies ReplicaReply);
  return (request, woke) => {
    if (request.weights) weights = new Uint8Array(request.weights);
    if (request.parts) parts = request.parts;
    if (!weights || !parts) throw new Error('the step came without its weights or its part of the batch');
    if (weights.byteLength !== totalWeightBytes) throw new Error(`the model's weights take ${weights.byteLength} bytes, this thread's copy ${totalWeightBytes}`);
    const outs = tf.tidy(() => {
      let offset = 0;
      trained.weights.forEach((w, i) => {
        w.write(tf.tensor(typedView(weights!.subarray(offset, offset + weightBytes[i]), w.dtype), w.shape as number[], w.dtype));
        offset += weightBytes[i];
      });
      const data = request.data.map((d) => (d ? tf.tensor(typedView(new Uint8Array(parts!, d.byteOffset, d.byteLength), d.dtype), d.shape, d.dtype) : null)) as Tensor[];
      return train(data).map((t) => t.dataSync()[0] as number);
    });
    return { type: 'step', outs, hasGrad, busyMs: performance.now() - woke };
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
