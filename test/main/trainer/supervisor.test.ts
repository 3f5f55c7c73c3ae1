// End to end: the supervisor forks the real trainer process (cpu backend) and drives whole runs.
import { describe, expect, it } from 'vitest';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fork } from 'node:child_process';
import { forkLauncher, startTraining, utilityProcessLauncher, type TrainingSession, type UtilityProcessModule } from '../../../main/trainer/supervisor.ts';
import type { ProgressEvent } from '../../../app/training/progress.ts';
import type { ClassificationEvaluation } from '../../../app/training/evaluate.ts';
import { blobs, blobsJob, linear, mlpTopology } from './fixtures.ts';

function collect(session: TrainingSession): ProgressEvent[] {
  const events: ProgressEvent[] = [];
  session.onProgress((e) => events.push(e));
  return events;
}

describe('trainer process', () => {
  it('trains a small classifier: the loss falls, the test split is evaluated and the model is saved with its labels', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'mw-trainer-'));
    try {
      const session = startTraining(blobsJob({ outputDir: dir, config: { epochs: 8 } }));
      let started: unknown = null;
      session.onStarted((info) => { started = info; });
      const events = collect(session);
      const result = await session.done;

      expect(result.status, result.message).toBe('completed');
      expect(result.backend).toBe('cpu');
      expect(started).toMatchObject({ backend: 'cpu', loss: 'sparseCategoricalCrossentropy', trainSamples: 96, validationSamples: 24, testSamples: 30 });
      const loss = result.history.loss as number[];
      expect(loss).toHaveLength(8);
      expect(loss[7]).toBeLessThan(loss[0] / 2);
      expect(result.history.val_loss).toHaveLength(8);
      expect(result.epochsCompleted).toBe(8);
      expect(result.samplesPerSec).toBeGreaterThan(0);

      const epochEvents = events.filter((e) => e.type === 'epoch');
      expect(epochEvents.map((e) => e.epoch)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
      const batchEvents = events.filter((e) => e.type === 'batch');
      expect(batchEvents.length).toBeGreaterThan(0);
      expect(batchEvents[0]).toMatchObject({ batchesPerEpoch: 6, epochs: 8, backend: 'cpu' });
      expect(batchEvents[0].tensors).toBeGreaterThan(0);

      const evaluation = result.test!.evaluation as ClassificationEvaluation;
      expect(evaluation.count).toBe(30);
      expect(evaluation.classes).toEqual(['red', 'green', 'blue']);
      expect(evaluation.accuracy).toBeGreaterThan(0.9);
      expect(result.test!.logs.loss).toBeTypeOf('number');

      expect(result.modelDir).toBe(dir);
      const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      expect(modelJson.format).toBe('layers-model');
      expect(modelJson.weightsManifest[0].paths).toEqual(['./weights.bin']);
      expect(modelJson.userDefinedMetadata.modelwright).toMatchObject({ task: 'classification', classNames: ['red', 'green', 'blue'], featureShape: [2] });
      const weights = await readFile(join(dir, 'weights.bin'));
      // 2×16 + 16 + 16×3 + 3 float32 parameters.
      expect(weights.byteLength).toBe((2 * 16 + 16 + 16 * 3 + 3) * 4);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('stop ends the run after the current batch and keeps the metrics so far', async () => {
    const session = startTraining(blobsJob({ config: { epochs: 5000 } }));
    let stopSent = false;
    session.onProgress((e) => {
      if (!stopSent && e.type === 'batch') { stopSent = true; session.stop(); }
    });
    const result = await session.done;
    expect(result.status, result.message).toBe('stopped');
    expect(result.message).toMatch(/stopped after batch \d+ of 6 in epoch \d+/);
    expect(result.epochsCompleted).toBeLessThan(5000);
    expect((result.history.loss ?? []).length).toBeGreaterThanOrEqual(1);
    expect(result.test).not.toBeNull();
  });

  it('a trainer killed with SIGKILL is reported as failed with the reason and the epochs seen, and the caller does not hang', async () => {
    const session = startTraining(blobsJob({ config: { epochs: 5000 } }));
    session.onProgress((e) => { if (e.type === 'epoch' && e.epoch === 1 && session.pid) process.kill(session.pid, 'SIGKILL'); });
    const result = await session.done;
    expect(result.status).toBe('failed');
    expect(result.message).toContain('SIGKILL');
    expect(result.backend).toBe('cpu');
    expect(result.epochsCompleted).toBeGreaterThanOrEqual(2);
    expect((result.history.loss ?? []).length).toBe(result.epochsCompleted);
  });

  it('runs under an Electron-style utilityProcess launcher (postMessage/exit code) as well', async () => {
    // A stand-in for Electron's utilityProcess module, backed by a real fork of the trainer entry.
    const fakeUtility: UtilityProcessModule = {
      fork(modulePath) {
        const child = fork(modulePath, [], { execArgv: [], serialization: 'advanced', silent: true });
        return {
          get pid() { return child.pid; },
          stderr: child.stderr,
          stdout: child.stdout,
          postMessage: (m: unknown) => { child.send(m as never); },
          on: (event: string, listener: (arg: never) => void) => {
            child.on(event === 'exit' ? 'exit' : 'message', (a: unknown) => (listener as (x: unknown) => void)(a));
          },
          kill: () => child.kill(),
        } as never;
      },
    };
    const session = startTraining(blobsJob({ config: { epochs: 2 } }), { launcher: utilityProcessLauncher(fakeUtility) });
    const result = await session.done;
    expect(result.status, result.message).toBe('completed');
    expect(result.history.loss).toHaveLength(2);
  });

  it('reduce-on-plateau lowers the learning rate when the watched loss stops improving', async () => {
    const train = blobs(150, 3, 1);
    const val = blobs(60, 3, 2);
    const shifted = { x: val.x, y: val.y.map((c) => (c + 1) % 3) };
    const result = await startTraining({
      model: { kind: 'keras', topology: mlpTopology(3, 'softmax') },
      data: { kind: 'arrays', task: 'classification', featureShape: [2], train, validation: shifted },
      config: {
        backend: 'cpu', epochs: 8, batchSize: 16, testSplit: 0, optimizer: { name: 'adam', learningRate: 0.05 },
        reduceLrOnPlateau: { enabled: true, monitor: 'val_loss', patience: 1, factor: 0.5, minLearningRate: 0.01 },
      },
    }).done;
    expect(result.status, result.message).toBe('completed');
    const lr = result.history.lr as number[];
    expect(lr[0]).toBe(0.05);
    expect(Math.min(...lr)).toBeLessThan(0.05);
    expect(Math.min(...lr)).toBeGreaterThanOrEqual(0.01);
    // history.lr is the rate each epoch trained with; a drop decided after the last epoch shows only in the final rate.
    expect(result.learningRate).toBeLessThanOrEqual(lr[lr.length - 1]);
  });

  it('class weights: auto trains differently from none, and weights for an unknown class are refused', async () => {
    const { x, y } = blobs(120, 3, 5);
    // Keep a quarter of the rows of classes 1 and 2: class 0 dominates.
    const keep = y.map((c, i) => c === 0 || i % 12 < 3);
    const imbalanced = { x: x.filter((_, j) => keep[j >> 1]), y: y.filter((_, i) => keep[i]) };
    const job = (classWeights: 'none' | 'auto' | Record<string, number>) => ({
      ...blobsJob({ config: { epochs: 3, classWeights } }),
      data: { kind: 'arrays' as const, task: 'classification' as const, featureShape: [2], classNames: ['red', 'green', 'blue'], train: imbalanced },
    });
    const [none, auto, bad] = await Promise.all([startTraining(job('none')).done, startTraining(job('auto')).done, startTraining(job({ purple: 2 })).done]);
    expect(none.status).toBe('completed');
    expect(auto.status).toBe('completed');
    expect(auto.history.loss).not.toEqual(none.history.loss);
    expect(bad.status).toBe('failed');
    expect(bad.message).toBe('class weight given for "purple", which is not one of the classes');
    expect(bad.advice).toBe('use one of: red, green, blue');
  });

  it('a trainer that exits without a result is failed with its exit code and error line', async () => {
    // A stand-in trainer that dies before the handshake, the way a broken install would.
    const script = join(await mkdtemp(join(tmpdir(), 'mw-crash-')), 'crash.mjs');
    await writeFile(script, 'process.stderr.write("Error: disk on fire\\n    at somewhere\\n"); process.exit(3);\n');
    const crashing = forkLauncher({ entry: script });
    const session = startTraining(blobsJob(), { launcher: crashing, handshakeTimeoutMs: 10_000 });
    const result = await session.done;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/exited with code 3 before reporting a result: Error: disk on fire/);
  });

  it('a loss that becomes NaN stops the run as diverged, with advice to lower the learning rate', async () => {
    const { x, y } = linear(200);
    const session = startTraining({
      model: { kind: 'keras', topology: mlpTopology(1, 'linear', 32) },
      data: { kind: 'arrays', task: 'regression', featureShape: [2], train: { x: x.map((v) => v * 100), y: y.map((v) => v * 100) } },
      config: { backend: 'cpu', epochs: 50, batchSize: 8, optimizer: { name: 'sgd', learningRate: 100 } },
    });
    const result = await session.done;
    expect(result.status, result.message).toBe('diverged');
    expect(result.message).toMatch(/^the loss became NaN at epoch \d+/);
    expect(result.advice).toMatch(/lower the learning rate, e\.g\. from 100 to 10\b/);
    expect(result.epochsCompleted).toBeLessThan(50);
    expect(result.test).toBeNull();
  });

  it('the same seed on the same backend gives identical loss histories; another seed does not', async () => {
    // Dropout draws random masks on every batch, so it is covered by the seed too.
    const job = (seed: number) => blobsJob({ model: { kind: 'keras', topology: mlpTopology(3, 'softmax', 16, 'dropout') }, config: { epochs: 4, seed } });
    const [a, b, c] = await Promise.all([startTraining(job(7)).done, startTraining(job(7)).done, startTraining(job(8)).done]);
    expect(a.status).toBe('completed');
    expect(a.history.loss).toHaveLength(4);
    expect(b.history.loss).toEqual(a.history.loss);
    expect(b.history.val_loss).toEqual(a.history.val_loss);
    expect(c.history.loss).not.toEqual(a.history.loss);
  });

  it('a batch size larger than the data trains in one batch per epoch', async () => {
    const session = startTraining(blobsJob({ config: { epochs: 3, batchSize: 10_000 } }, 30));
    const events = collect(session);
    const result = await session.done;
    expect(result.status, result.message).toBe('completed');
    expect(result.history.loss).toHaveLength(3);
    expect(events.find((e) => e.type === 'epoch')).toMatchObject({ batchesPerEpoch: 1 });
  });

  it('0 epochs: no training, says so, and evaluates the untrained model', async () => {
    const result = await startTraining(blobsJob({ config: { epochs: 0 } })).done;
    expect(result.status, result.message).toBe('completed');
    expect(result.message).toMatch(/epochs is 0: the model was not trained/);
    expect(result.history).toEqual({});
    expect(result.epochsCompleted).toBe(0);
    expect((result.test!.evaluation as ClassificationEvaluation).count).toBe(30);
  });

  it('early stopping restores the weights of the best epoch', async () => {
    // The validation labels are shifted by one class, so the better the model learns the training
    // data, the worse its validation loss: the best epoch is an early one.
    const train = blobs(150, 3, 1);
    const val = blobs(60, 3, 2);
    const shifted = { x: val.x, y: val.y.map((c) => (c + 1) % 3) };
    const result = await startTraining({
      model: { kind: 'keras', topology: mlpTopology(3, 'softmax') },
      data: { kind: 'arrays', task: 'classification', featureShape: [2], train, validation: shifted, test: shifted },
      config: {
        backend: 'cpu', epochs: 40, batchSize: 16, testSplit: 0, optimizer: { name: 'adam', learningRate: 0.05 },
        earlyStopping: { enabled: true, monitor: 'val_loss', patience: 2, restoreBestWeights: true },
      },
    }).done;
    expect(result.status, result.message).toBe('completed');
    const valLoss = result.history.val_loss as number[];
    expect(valLoss.length).toBeLessThan(40);
    const best = valLoss.indexOf(Math.min(...valLoss));
    expect(result.restoredEpoch).toBe(best);
    expect(best).toBeLessThan(valLoss.length - 1);
    expect(result.message).toMatch(new RegExp(`restored the weights of epoch ${best + 1}`));
    // The test split is the validation data: its loss must be the best epoch's, not the last one's.
    expect(result.test!.logs.loss).toBeCloseTo(valLoss[best], 4);
    expect(Math.abs(result.test!.logs.loss! - valLoss[valLoss.length - 1])).toBeGreaterThan(1e-3);
  });

  it('an output layer that does not match the classes fails with a plain message and a fix', async () => {
    const result = await startTraining(blobsJob({ model: { kind: 'keras', topology: mlpTopology(4, 'softmax') } })).done;
    expect(result.status).toBe('failed');
    expect(result.message).toMatch(/^the output layer "\w+" gives 4 values but the data has 3 classes/);
    expect(result.advice).toBe('set units to 3');
  });

  it('rejects a malformed job before starting any process', () => {
    expect(() => startTraining({ ...blobsJob(), config: { epochs: -1 } } as never)).toThrow(/epochs/);
  });
});
