// The `predict` service: "Try it" for a run's trained model — raw rows, sentences or image files in,
// labels with probabilities (or values) out, through the preprocessing saved with the model.
import type { PredictService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import type { PredictorInfo } from '../../app/api/types.ts';
import { Preprocessor } from '../../app/data/preprocess.ts';
import { splitSeedOf } from '../../app/training/config.ts';
import { DataError } from '../../app/data/errors.ts';
import { missingColumnsText, unknownColumnsText } from '../../app/data/inputColumns.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { decodeImage } from '../data/images.ts';
import { loadTableSplit } from '../data/load.ts';
import { openImageSamples, type ImageSamples } from '../data/imageSamples.ts';
import { imageSplit } from '../../app/data/prepare.ts';
import { loadTrainedModel, type TrainedModel } from '../model/predict.ts';
import { streamingPath } from '../trainer/streaming.ts';
import { capitalize } from '../../app/format.ts';

interface TestRows {
  rows: string[][];
  features: { index: number; name: string }[];
  target: { index: number; name: string | null } | null;
  /** Text data: the one feature is the sentence. */
  text: boolean;
}

interface TestImages {
  samples: ImageSamples;
  /** Positions in `samples` of the test split, in its order. */
  test: number[];
}

/** Test thumbnails are at most this many pixels on a side. */
const testThumbSide = 96;

export interface PredictServiceOptions {
  store: ExperimentStore;
  /** Where the built-in CSVs live (a packaged app passes its resources path). */
  resourcesDir?: string;
  /** Models kept loaded (the most recently used ones). */
  cacheSize?: number;
}

export interface PredictServiceHandle {
  service: PredictService;
  dispose(): void;
}

export function createPredictService(options: PredictServiceOptions): PredictServiceHandle {
  const { store } = options;
  const cacheSize = options.cacheSize ?? 3;
  const cache = new Map<string, Promise<TrainedModel>>();
  // The raw test rows of the last few runs asked for, so "another test sample" does not re-read the file.
  const testRows = new Map<number, Promise<TestRows>>();
  const testImages = new Map<number, Promise<TestImages>>();

  /** The run's test split, raw, as its training split it (same binding, seed and split fractions). */
  async function readTestRows(runId: number): Promise<TestRows> {
    const run = store.getRun(runId);
    const binding = run.datasetBinding;
    if (!binding) throw new ApiError('failed', `Run ${runId} has no data recorded, so there is no test row to show.`);
    if (binding.kind !== 'images' && await streamingPath(binding, undefined)) {
      throw new ApiError('failed', `Run ${runId} trained on a table large enough to stream from disk; its test rows are not read back for Try it. Type the values instead.`);
    }
    let split: Awaited<ReturnType<typeof loadTableSplit>>;
    try {
      split = await loadTableSplit(binding, {
        resourcesDir: options.resourcesDir, validationSplit: run.config.validationSplit, testSplit: run.config.testSplit, seed: splitSeedOf(run.config),
      });
    } catch (err) {
      const why = err instanceof DataError ? err.message : String((err as Error)?.message ?? err);
      throw new ApiError('failed', `Run ${runId}'s data cannot be read again for a test row: ${why}`);
    }
    if (!split) throw new ApiError('failed', `Run ${runId}'s model takes images; choose an image file to try it.`);
    const { rows, schema, columns } = split;
    const target = schema.target ? { index: schema.target.index, name: columns[schema.target.index] ?? null } : null;
    const features = schema.features.map((f) => ({ index: f.index, name: f.name }));
    return { rows: split.split.test.map((i) => rows[i]), features, target, text: schema.kind === 'text' };
  }

  /** The run's test images, in its test split's order, as its training split them. */
  async function readTestImages(runId: number): Promise<TestImages> {
    const run = store.getRun(runId);
    const binding = run.datasetBinding;
    if (!binding) throw new ApiError('failed', `Run ${runId} has no data recorded, so there is no test image to show.`);
    try {
      const samples = await openImageSamples(binding, process.cwd());
      const split = imageSplit(samples.labels, { validationSplit: run.config.validationSplit, testSplit: run.config.testSplit, seed: splitSeedOf(run.config) });
      return { samples, test: split.test };
    } catch (err) {
      const why = err instanceof DataError ? err.message : String((err as Error)?.message ?? err);
      throw new ApiError('failed', `Run ${runId}'s images cannot be read again: ${why}`);
    }
  }

  function cached<T>(map: Map<number, Promise<T>>, runId: number, read: (runId: number) => Promise<T>): Promise<T> {
    let entry = map.get(runId);
    if (!entry) {
      entry = read(runId);
      entry.catch(() => map.delete(runId));
      map.set(runId, entry);
      while (map.size > 2) map.delete(map.keys().next().value!);
    }
    return entry;
  }

  function modelDirOf(runId: number): string {
    const run = store.getRun(runId);
    const artifact = [...run.artifacts].reverse().find((a) => a.kind === 'model');
    if (!artifact) {
      const why = run.status === 'running' || run.status === 'queued' ? 'it is still training' : `it ended as ${run.status} without a saved model`;
      throw new ApiError('failed', `Run ${runId} has no trained model to try: ${why}.`);
    }
    return artifact.path;
  }

  async function load(runId: number): Promise<{ model: TrainedModel; preprocessor: Preprocessor | null }> {
    const dir = modelDirOf(runId);
    let entry = cache.get(dir);
    if (entry) {
      cache.delete(dir);
    } else {
      entry = loadTrainedModel(dir);
      entry.catch(() => cache.delete(dir));
    }
    cache.set(dir, entry);
    while (cache.size > cacheSize) {
      const [oldest, evicted] = cache.entries().next().value!;
      cache.delete(oldest);
      evicted.then((m) => m.dispose(), () => {});
    }
    const model = await entry;
    const state = model.metadata?.preprocessor;
    return { model, preprocessor: state ? Preprocessor.fromJSON(state) : null };
  }

  const service: PredictService = {
    async describe(runId) {
      const { model, preprocessor } = await load(runId);
      const state = preprocessor?.state;
      const info: PredictorInfo = {
        runId,
        kind: state?.kind ?? 'table',
        task: state?.task ?? model.metadata?.task ?? 'classification',
        features: state && state.kind === 'table'
          ? state.features.map((f) => (f.kind === 'numeric' ? { name: f.name, kind: 'numeric' as const } : { name: f.name, kind: 'categorical' as const, categories: [...f.categories] }))
          : [],
        textColumn: state?.text?.column ?? null,
        image: state?.image ?? null,
        classes: preprocessor?.classes ?? model.metadata?.classNames ?? null,
        backend: model.backend,
      };
      return info;
    },

    async predict(runId, input) {
      const { model, preprocessor } = await load(runId);
      const kind = preprocessor?.state.kind ?? 'table';
      if (input.kind === 'text' && kind !== 'text') throw new DataError(`Run ${runId}'s model takes ${kind === 'image' ? 'images' : 'table rows'}, not sentences.`);
      if (input.kind === 'images' && kind !== 'image') throw new DataError(`Run ${runId}'s model takes ${kind === 'text' ? 'sentences' : 'table rows'}, not images.`);
      if (input.kind === 'rows' && kind === 'image') throw new DataError(`Run ${runId}'s model takes images; send image files instead.`);
      let inputs: Parameters<TrainedModel['predict']>[0];
      if (input.kind === 'images') {
        inputs = input.images.map((b64, i) => Array.from(preprocessor!.encodeImage(decodeImage(Buffer.from(b64, 'base64'), `image ${i + 1}`))));
      } else if (input.kind === 'text') {
        inputs = input.texts;
      } else {
        inputs = input.rows;
      }
      // Never a silent 0 for a column the rows lack: refused, naming it; columns the model ignores are named too.
      const columns = model.checkColumns(inputs);
      const missing = columns ? missingColumnsText(columns, inputs.length) : '';
      if (missing) throw new DataError(`${capitalize(missing)}. Give every column a value (leave it empty to fill it as training filled missing values).`);
      const unknown = columns ? unknownColumnsText(columns) : '';
      const predictions = await model.predict(inputs);
      return unknown ? { runId, predictions, warnings: [`${capitalize(unknown)}.`] } : { runId, predictions };
    },

    async testSample(runId, opts) {
      if (store.getRun(runId).datasetBinding?.kind === 'images') {
        const { samples, test } = await cached(testImages, runId, readTestImages);
        if (test.length === 0) throw new ApiError('failed', `Run ${runId} kept no test images (its test split is 0%); upload an image instead.`);
        const index = (opts?.index ?? 0) % test.length;
        return {
          runId, index, count: test.length, row: null, text: null, actual: samples.labels[test[index]] ?? null, targetColumn: null,
          image: (await samples.png(test[index])).toString('base64'),
        };
      }
      const t = await cached(testRows, runId, readTestRows);
      if (t.rows.length === 0) throw new ApiError('failed', `Run ${runId} kept no test rows (its test split is 0%); type an example instead.`);
      const index = (opts?.index ?? 0) % t.rows.length;
      const cells = t.rows[index];
      const row = t.text ? null : Object.fromEntries(t.features.map((f) => [f.name, cells[f.index] ?? '']));
      return {
        runId, index, count: t.rows.length, row,
        text: t.text ? (cells[t.features[0].index] ?? '') : null,
        actual: t.target ? (cells[t.target.index] ?? null) : null,
        targetColumn: t.target?.name ?? null,
      };
    },

    async testImages(runId, indices) {
      const { samples, test } = await cached(testImages, runId, readTestImages);
      const out = [];
      for (const index of indices) {
        if (index < test.length) out.push({ index, image: (await samples.png(test[index], testThumbSide)).toString('base64') });
      }
      return out;
    },
  };

  return {
    service,
    dispose() {
      for (const entry of cache.values()) entry.then((m) => m.dispose(), () => {});
      cache.clear();
    },
  };
}
