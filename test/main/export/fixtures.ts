// A tiny real training run recorded in a real experiment store, for the export tests: an iris MLP
// trained for a few epochs on the cpu backend by the real trainer, its model saved where the store says.
import { execFile } from 'node:child_process';
import { mkdtemp, rm, symlink } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Graph, LayerNode } from '../../../app/graph/types.ts';
import { INTENT_SEQUENCE_LENGTH, INTENT_VOCAB_SIZE } from '../../../app/templates/intentClassifier.ts';
import { sequential } from '../../../app/templates/types.ts';
import type { DatasetBinding } from '../../../app/data/binding.ts';
import { trainingConfigSchema } from '../../../app/training/config.ts';
import { trainingJobSchema } from '../../../app/training/protocol.ts';
import { runTraining } from '../../../main/trainer/train.ts';
import { testSummary } from '../../../main/trainer/recording.ts';
import { openStore, type ExperimentStore } from '../../../main/store/experimentStore.ts';

const repoNodeModules = fileURLToPath(new URL('../../../node_modules', import.meta.url));

export function mlp(inputs: number, hidden: number, units: number, activation: string): Graph {
  const layers: LayerNode[] = [
    { id: 'in', type: 'Input', name: 'features', params: { shape: [inputs] } },
    { id: 'h', type: 'Dense', name: 'hidden', params: { units: hidden, activation: 'relu' } },
    { id: 'out', type: 'Dense', name: 'output', params: { units, activation } },
  ];
  return { layers, connections: [{ from: 'in', to: 'h', toSlot: 0 }, { from: 'h', to: 'out', toSlot: 0 }] };
}

/** A small text model on the intent template's data (Embedding → average → Dense): trains in seconds on wasm. */
export function smallTextGraph(outputDim = 16): Graph {
  return sequential([
    { id: 'input', type: 'Input', name: 'message', params: { shape: [INTENT_SEQUENCE_LENGTH], dtype: 'int32' } },
    { id: 'embedding', type: 'Embedding', name: 'word_vectors', params: { inputDim: INTENT_VOCAB_SIZE, outputDim } },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'average' },
    { id: 'output', type: 'Dense', name: 'intent', params: { units: 4, activation: 'softmax' } },
  ]);
}

export interface TrainedRun {
  root: string;
  store: ExperimentStore;
  runId: number;
  modelDir: string;
  cleanup(): Promise<void>;
}

/** Trains `graph` on `binding` with the real trainer, records the run with its model artifact, and returns the open store. */
export async function trainAndRecord(options: { graph?: Graph; binding?: DatasetBinding; epochs?: number; name?: string; learningRate?: number; backend?: 'cpu' | 'wasm' } = {}): Promise<TrainedRun> {
  const root = await mkdtemp(join(tmpdir(), 'mw-export-'));
  const store = openStore(join(root, 'history.db'));
  const graph = options.graph ?? mlp(4, 12, 3, 'softmax');
  const binding = (options.binding ?? { source: 'builtin:iris', target: 'species' }) as DatasetBinding;
  const config = trainingConfigSchema.parse({ backend: options.backend ?? 'cpu', epochs: options.epochs ?? 3, batchSize: 16, seed: 7, optimizer: { name: 'adam', learningRate: options.learningRate ?? 0.05 } });
  const modelDir = join(store.artifactRoot, 'model-1');
  const result = await runTraining(trainingJobSchema.parse({
    runId: 'export-test',
    model: { kind: 'graph', graph },
    data: { kind: 'binding', binding },
    config,
    outputDir: modelDir,
  }));
  if (result.status !== 'completed') throw new Error(`fixture training failed: ${result.message}`);
  const runId = store.createRun({ name: options.name ?? 'iris mlp', graph, config, datasetBinding: binding, backend: result.backend ?? 'cpu' });
  store.finishRun(runId, 'completed', {
    durationMs: result.durationMs,
    evaluation: result.test?.evaluation as never,
    testMetrics: testSummary(result) ?? undefined,
    artifacts: [{ kind: 'model', path: modelDir, owned: true }],
  });
  return {
    root, store, runId, modelDir,
    async cleanup() {
      store.close();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Runs an export's predict-node.mjs as a child process (node_modules linked beside it) and returns its JSON lines. */
export async function runNodeExample(run: TrainedRun, dir: string, inputFile?: string): Promise<Record<string, any>[]> {
  const link = join(run.root, 'node_modules');
  await symlink(repoNodeModules, link).catch((err: NodeJS.ErrnoException) => { if (err.code !== 'EEXIST') throw err; });
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(process.execPath, [join(dir, 'predict-node.mjs'), ...(inputFile ? [inputFile] : [])], { cwd: run.root },
      (err, out, errText) => (err ? reject(new Error(`${err.message}\n${errText}`)) : resolve(out)));
  });
  return stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));
}
