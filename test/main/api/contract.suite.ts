// One contract test suite run against every transport (in-process, WebSocket, later Electron IPC), so
// they cannot drift: same calls, same answers, same errors, same events.
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  ModelwrightApi, ProjectDocument, RunChange, SweepChange, SweepProgress, TrainingOutcome, TrainingProgress, TrainingStarted,
} from '../../../app/api/contract.ts';
import { ApiError } from '../../../app/api/errors.ts';
import { dataSourceName } from '../../../app/data/sourceName.ts';
import { createServiceHost, type ServiceHost } from '../../../main/services/host.ts';
import { kerasConverterModel } from '../model/kerasConverterFixture.ts';
import { reviewsCsv } from '../../fixtures/supportMessages.ts';

export interface Transport {
  api: ModelwrightApi;
  close(): Promise<void>;
}

/** Waits for the call to fail and returns the ApiError (failing the test if it succeeded or threw something else). */
async function failure(promise: Promise<unknown>): Promise<ApiError> {
  const err = await promise.then(() => { throw new Error('expected the call to fail, but it succeeded'); }, (e: unknown) => e);
  expect(err).toBeInstanceOf(ApiError);
  const apiError = err as ApiError;
  // Readable, one line, no stack frames.
  expect(apiError.message).not.toMatch(/\n|\s+at \S+ \(|node:internal/);
  return apiError;
}

export function defineContractSuite(name: string, connect: (host: ServiceHost) => Promise<Transport>): void {
  describe(`API contract over ${name}`, () => {
    let dir: string;
    let host: ServiceHost;
    let transport: Transport;
    let api: ModelwrightApi;

    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'mw-contract-'));
      host = createServiceHost({ dbPath: join(dir, 'history.db'), dataDir: join(dir, 'data') });
      transport = await connect(host);
      api = transport.api;
    });

    afterAll(async () => {
      await transport?.close();
      await host?.dispose({ graceMs: 1000 });
      rmSync(dir, { recursive: true, force: true });
    });

    it('lists templates bound to built-in data and makes projects from them', async () => {
      const templates = await api.projects.listTemplates();
      const tabular = templates.find((t) => t.id === 'tabular-classifier');
      expect(tabular?.datasetSource).toBe('builtin:iris');
      expect(templates.length).toBeGreaterThanOrEqual(5);
      const doc = await api.projects.newFromTemplate('tabular-classifier', { name: 'Flowers' });
      expect(doc.name).toBe('Flowers');
      expect(doc.dataset?.source).toBe('builtin:iris');
      expect(Object.keys(doc.layout.positions).sort()).toEqual(doc.graph.layers.map((l) => l.id).sort());
      const missing = await failure(api.projects.newFromTemplate('no-such-template'));
      expect(missing.code).toBe('not-found');
      expect(missing.message).toContain('tabular-classifier');
    });

    it('saves, opens, refuses to overwrite on save-as, and remembers recent projects', async () => {
      const doc = await api.projects.newFromTemplate('binary-classifier');
      const path = join(dir, 'moons');
      const saved = await api.projects.saveAs(path, doc);
      expect(saved.path).toBe(`${path}.mwproj`);
      const opened = await api.projects.open(saved.path);
      expect(opened.kind).toBe('project');
      expect(opened.path).toBe(saved.path);
      expect(opened.document.graph).toEqual(doc.graph);
      expect(opened.document.dataset).toEqual(doc.dataset);
      const exists = await failure(api.projects.saveAs(saved.path, doc));
      expect(exists.code).toBe('exists');
      await api.projects.saveAs(saved.path, { ...doc, name: 'Moons v2' }, { overwrite: true });
      expect((await api.projects.open(saved.path)).document.name).toBe('Moons v2');
      const recent = await api.projects.listRecent();
      expect(recent[0]).toMatchObject({ path: saved.path, name: 'Moons v2', exists: true });
      await api.projects.forgetRecent(saved.path);
      expect((await api.projects.listRecent()).map((r) => r.path)).not.toContain(saved.path);
      const notFound = await failure(api.projects.open(join(dir, 'nothing-here.mwproj')));
      expect(notFound.message).toContain('nothing-here.mwproj');
    });

    it('keeps a recovery copy until it is cleared', async () => {
      expect(await api.projects.loadRecovery()).toBeNull();
      const doc = await api.projects.newBlank('Unsaved work');
      await api.projects.saveRecovery(doc, null);
      const copy = await api.projects.loadRecovery();
      expect(copy?.document.name).toBe('Unsaved work');
      expect(copy?.path).toBeNull();
      await api.projects.clearRecovery();
      expect(await api.projects.loadRecovery()).toBeNull();
    });

    it('round-trips a graph through Keras JSON export and import', async () => {
      const doc = await api.projects.newFromTemplate('tabular-classifier');
      const keras = await api.export.kerasJson(doc.graph, 'flowers');
      const imported = await api.projects.importModelText(keras.json);
      expect(imported.kind).toBe('keras-topology');
      expect(imported.path).toBeNull();
      expect(imported.document.graph.layers.map((l) => [l.type, l.name])).toEqual(doc.graph.layers.map((l) => [l.type, l.name]));
      const bad = await failure(api.projects.importModelText('{"hello": 1}'));
      expect(bad.code).toBe('failed');
      expect(bad.message).toMatch(/neither a Modelwright project .* nor a Keras/);
    });

    it('inspects a built-in dataset: columns, types, class counts, model shapes', async () => {
      const builtins = await api.datasets.listBuiltins();
      expect(builtins.map((b) => b.id)).toContain('iris');
      const inspection = await api.datasets.inspect({ source: 'builtin:iris' });
      expect(inspection.rows).toBe(150);
      expect(inspection.classCounts).toEqual({ setosa: 50, versicolor: 50, virginica: 50 });
      expect(inspection.columns.find((c) => c.name === 'species')).toMatchObject({ role: 'target', type: 'categorical' });
      expect(inspection.columns.filter((c) => c.type === 'numeric')).toHaveLength(4);
      expect(inspection.inputShape).toEqual([4]);
      expect(inspection.outputUnits).toBe(3);
      expect(inspection.preview.rows.length).toBe(20);
      expect(inspection.warnings).toEqual([]);
    });

    it('imports uploaded CSV text and warns about one class, missing values and too few rows', async () => {
      const text = 'size,weight,kind\n1,2,cat\n2,,cat\n3,4,cat\n';
      const imported = await api.datasets.importCsvText('pets.csv', text, { target: 'kind' });
      expect(imported.binding.source).toMatch(/pets\.csv$/);
      const w = imported.inspection.warnings.join(' | ');
      expect(w).toMatch(/same class/);
      expect(w).toMatch(/"weight" has 1 missing value/);
      expect(w).toMatch(/too few/);
      // The stored file is a real path on the host: importing it by path gives the same inspection.
      const again = await api.datasets.importCsvPath(imported.binding.source, { target: 'kind' });
      expect(again.inspection.classCounts).toEqual({ cat: 3 });
      const folder = await failure(api.datasets.importCsvPath(dir));
      expect(folder.message).toMatch(/folder/);
      // An upload is stored under the name it was uploaded with (spaces and accents too; folders in the name are
      // dropped, so it cannot leave the uploads folder); runs and labels show that name.
      const named = await api.datasets.importCsvText('Mes données/../clients 2024 é.csv', text, { target: 'kind' });
      expect(named.binding.source).toMatch(/[\\/]uploads[\\/]clients 2024 é\.csv$/);
      expect(dataSourceName(named.binding.source)).toBe('clients 2024 é.csv');
    });

    it('imports a CSV as text without naming its columns, short sentences last in the file too', async () => {
      // Reviews of two to four words have few different values: the type inference calls them categories, not
      // text. Read as text, the sentences are the column with the longest values and the other one is predicted.
      const imported = await api.datasets.importCsvText('reviews.csv', reviewsCsv(), { kind: 'text' });
      expect(imported.binding).toMatchObject({ kind: 'text', text: { column: 'review' } });
      expect(imported.inspection.columns.find((c) => c.name === 'review')?.inferredType).toBe('categorical');
      expect(imported.inspection.classCounts).toEqual({ bad: expect.any(Number), good: expect.any(Number) });
      const numbers = await failure(api.datasets.importCsvText('numbers.csv', 'a,b\n1,2\n3,4\n', { kind: 'text' }));
      expect(numbers.message).toMatch(/text/);
    });

    it('checks a graph against its data (the readiness check) and offers machine-readable fixes', async () => {
      const doc = await api.projects.newFromTemplate('tabular-classifier');
      expect((await api.datasets.check({ graph: doc.graph, dataset: doc.dataset })).ok).toBe(true);
      const output = doc.graph.layers.find((l) => l.type === 'Dense' && l.params.activation === 'softmax')!;
      const broken = { ...doc.graph, layers: doc.graph.layers.map((l) => (l.id === output.id ? { ...l, params: { ...l.params, units: 5 } } : l)) };
      const check = await api.datasets.check({ graph: broken, dataset: doc.dataset });
      expect(check.ok).toBe(false);
      expect(check.problems[0]).toMatchObject({ code: 'output', layerId: output.id, layerName: output.name });
      expect(check.problems[0].message).toMatch(/3 classes/);
      expect(check.problems[0].fixes[0].actions).toEqual([{ kind: 'set-params', layerId: output.id, params: { units: 3 } }]);
      expect(check.data).toMatchObject({ task: 'classification', kind: 'table', inputShape: [4], outputUnits: 3 });
      const none = await api.datasets.check({ graph: doc.graph, dataset: null });
      expect(none.error).toMatch(/no data/);
      expect(none.problems).toEqual([]);
    });

    it('refuses bad arguments with a readable invalid-argument error', async () => {
      const bad = await failure(api.runs.get(-3));
      expect(bad.code).toBe('invalid-argument');
      expect(bad.message).toMatch(/runs\.get: argument 1/);
      const graph = await failure(api.catalog.validate({ layers: [{ id: 'a', type: 'Dense', name: 5 }] } as never));
      expect(graph.code).toBe('invalid-argument');
      expect(graph.message).toMatch(/layers\[0\]\.name/);
      const few = await failure(api.runs.compare([1]));
      expect(few.message).toMatch(/at least 2/);
      const missingRun = await failure(api.runs.get(9999));
      expect(missingRun.code).toBe('not-found');
    });

    it('validates a graph', async () => {
      const doc = await api.projects.newFromTemplate('tabular-classifier');
      const analysis = await api.catalog.validate(doc.graph);
      expect(analysis.valid).toBe(true);
      expect(analysis.totalParams).toBeGreaterThan(0);
      const cut = await api.catalog.validate({ layers: doc.graph.layers, connections: [] });
      expect(cut.valid).toBe(false);
      expect(cut.errors[0].message.length).toBeGreaterThan(10);
    });

    it('lists the training backends this machine can start and the GPU adapter it found', async () => {
      const engine = await api.training.backends();
      expect(engine.backends.map((b) => b.backend)).toEqual(['tensorflow', 'webgpu', 'wasm', 'cpu']);
      expect(engine.backends.find((b) => b.backend === 'cpu')?.available).toBe(true);
      expect(engine.backends.find((b) => b.backend === 'wasm')?.available).toBe(true);
      const webgpu = engine.backends.find((b) => b.backend === 'webgpu')!;
      expect(webgpu.available).toBe(engine.gpu.found);
      expect(engine.gpu.summary.length).toBeGreaterThan(0);
      if (engine.gpu.software) expect(engine.gpu.summary).toMatch(/software: a CPU, not a GPU/);
      // The cores of the computer that trains, and the studio's default: all but one.
      const cores = availableParallelism();
      expect(engine.cores).toEqual({ count: cores, studioDefault: Math.max(1, cores - 1) });
    });

    describe('training, runs, code and prediction', () => {
      let doc: ProjectDocument;
      const runIds: number[] = [];
      const progress: TrainingProgress[] = [];
      const startedEvents: TrainingStarted[] = [];
      const finished: TrainingOutcome[] = [];

      async function train(learningRate: number, name: string): Promise<TrainingOutcome> {
        const training = { ...doc.training!, epochs: 2, backend: 'cpu' as const, optimizer: { ...doc.training!.optimizer, learningRate } };
        const started = await api.training.start({ ...doc, training }, { runName: name, tags: ['contract'] });
        runIds.push(started.runId);
        expect(started.backend).toBe('cpu');
        expect(started.trainSamples).toBeGreaterThan(50);
        for (let i = 0; i < 600 && !finished.some((f) => f.runId === started.runId); i++) await new Promise((r) => setTimeout(r, 100));
        const outcome = finished.find((f) => f.runId === started.runId);
        if (!outcome) throw new Error(`run ${started.runId} sent no finish event within 60 s`);
        return outcome;
      }

      beforeAll(async () => {
        doc = await api.projects.newFromTemplate('tabular-classifier', { name: 'Contract iris' });
        api.training.onDidProgress((p) => progress.push(p));
        api.training.onDidStart((s) => startedEvents.push(s));
        api.training.onDidFinish((f) => finished.push(f));
      });

      it('trains, with start, progress and finish events, and records the run', async () => {
        const outcome = await train(0.01, 'iris lr 0.01');
        const runId = runIds[0];
        expect(outcome.status).toBe('completed');
        expect(outcome.epochsCompleted).toBe(2);
        expect(startedEvents.map((s) => s.runId)).toContain(runId);
        const epochs = progress.filter((p) => p.runId === runId && p.event.type === 'epoch');
        expect(epochs.map((p) => p.event.epoch)).toEqual([0, 1]);
        expect(epochs[1].event.logs.loss).toEqual(expect.any(Number));
        const run = await api.runs.get(runId);
        expect(run.status).toBe('completed');
        expect(run.backend).toBe('cpu');
        // Settings that name no cores: the studio's default (all but one) is what the run records.
        expect(run.config.threads).toBe(Math.max(1, availableParallelism() - 1));
        expect(run.epochMetrics.loss?.map((p) => p.step)).toEqual([0, 1]);
        expect(run.evaluation?.task).toBe('classification');
        expect(run.artifacts.some((a) => a.kind === 'model')).toBe(true);
        expect(await api.training.listActive()).toEqual([]);
      });

      it('lists, compares, edits and exports runs', async () => {
        await train(0.05, 'iris lr 0.05');
        const [a, b] = runIds;
        const page = await api.runs.list({ tag: 'contract', sort: { by: 'id', direction: 'asc' } });
        expect(page.runs.map((r) => r.id)).toEqual([a, b]);
        expect(page.total).toBe(2);
        const comparison = await api.runs.compare([a, b]);
        expect(comparison.configDiff.map((d) => d.path)).toContain('optimizer.learningRate');
        expect(comparison.configDiff.find((d) => d.path === 'optimizer.learningRate')?.values).toEqual([0.01, 0.05]);
        expect(comparison.graphDiffs[1].identical).toBe(true);
        expect(comparison.series.find((s) => s.metric === 'loss')?.values).toHaveLength(2);
        await api.runs.rename(b, 'faster');
        await api.runs.tag(b, ['keep']);
        await api.runs.setNote(b, 'learning rate 0.05');
        const edited = await api.runs.get(b);
        expect(edited).toMatchObject({ name: 'faster', note: 'learning rate 0.05' });
        expect(edited.tags.sort()).toEqual(['contract', 'keep']);
        await api.runs.untag(b, 'keep');
        expect((await api.runs.get(b)).tags).toEqual(['contract']);
        expect(await api.runs.exportCsv({ tag: 'contract' })).toMatch(/faster/);
        const board = await api.runs.leaderboard('loss', { scope: 'final' });
        expect(board.map((e) => e.run.id).sort()).toEqual([a, b].sort());
        expect(await api.runs.metricNames()).toContain('loss');
        const reopened = await api.runs.openGraph(a);
        expect(reopened.graph).toEqual(doc.graph);
        expect(reopened.training?.optimizer.learningRate).toBe(0.01);
      });

      it('names a run after what changed since the project\'s previous run, and renames runs in place', async () => {
        const changes: RunChange[] = [];
        const sub = api.runs.onDidChange((c) => changes.push(c));
        // The project's previous run is "iris lr 0.05" (2 epochs); only the epochs change.
        const training = { ...doc.training!, epochs: 1, backend: 'cpu' as const, optimizer: { ...doc.training!.optimizer, learningRate: 0.05 } };
        const started = await api.training.start({ ...doc, training }, { tags: ['contract'] });
        runIds.push(started.runId);
        expect(started.name).toBe('1 epoch');
        for (let i = 0; i < 600 && !finished.some((f) => f.runId === started.runId); i++) await new Promise((r) => setTimeout(r, 100));
        expect((await api.runs.get(started.runId)).name).toBe('1 epoch');

        await api.runs.rename(started.runId, '  one quick epoch ');
        expect((await api.runs.get(started.runId)).name).toBe('one quick epoch');
        expect((await api.runs.list({ search: 'one quick' })).runs.map((r) => r.id)).toEqual([started.runId]);
        expect(changes).toContainEqual({ runId: started.runId, change: 'updated' });
        const empty = await failure(api.runs.rename(started.runId, '   '));
        expect(empty.code).toBe('invalid-argument');
        expect(empty.message).toMatch(/empty/);
        expect((await failure(api.runs.rename(started.runId, 'x'.repeat(201)))).code).toBe('invalid-argument');
        expect((await failure(api.runs.rename(987_654, 'anything'))).code).toBe('not-found');
        expect((await api.runs.get(started.runId)).name).toBe('one quick epoch');
        sub.dispose();
      });

      it('predicts with a trained run from raw rows', async () => {
        const info = await api.predict.describe(runIds[0]);
        expect(info.features.map((f) => f.name)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
        expect(info.classes).toEqual(['setosa', 'versicolor', 'virginica']);
        const result = await api.predict.predict(runIds[0], {
          kind: 'rows',
          rows: [{ sepal_length: 5.1, sepal_width: 3.5, petal_length: 1.4, petal_width: 0.2 }, { sepal_length: '6.7', sepal_width: '3.0', petal_length: '5.2', petal_width: '2.3' }],
        });
        expect(result.predictions).toHaveLength(2);
        for (const p of result.predictions) {
          if (p.kind !== 'classification') throw new Error(`expected a classification, got ${p.kind}`);
          expect(info.classes).toContain(p.label);
          expect(Object.values(p.probabilities).reduce((s, v) => s + v, 0)).toBeCloseTo(1, 4);
        }
        const wrongKind = await failure(api.predict.predict(runIds[0], { kind: 'text', texts: ['hello'] }));
        expect(wrongKind.message).toMatch(/not sentences/);
      });

      it('gives real rows of a run\'s own test split for Try it, the same rows its evaluation scored', async () => {
        const runId = runIds[0];
        const sample = await api.predict.testSample(runId);
        const testRows = startedEvents.find((s) => s.runId === runId)!.testSamples;
        expect(sample).toMatchObject({ runId, index: 0, count: testRows, text: null, targetColumn: 'species' });
        expect(Object.keys(sample.row!)).toEqual(['sepal_length', 'sepal_width', 'petal_length', 'petal_width']);
        // Row 0 of the test split is the evaluation's first test sample: same class, same measurements.
        const evaluation = (await api.runs.get(runId)).evaluation;
        if (evaluation?.task !== 'classification' || !evaluation.samples) throw new Error('expected per-sample test records');
        expect(sample.actual).toBe(evaluation.classes[evaluation.samples[0].actual]);
        for (const value of Object.values(sample.row!)) expect(evaluation.samples[0].text).toContain(String(Number(value)));
        const last = await api.predict.testSample(runId, { index: testRows - 1 });
        expect(last.index).toBe(testRows - 1);
        expect((await api.predict.testSample(runId, { index: testRows })).index).toBe(0);
        const predicted = await api.predict.predict(runId, { kind: 'rows', rows: [sample.row!] });
        expect(predicted.predictions[0].kind).toBe('classification');
        expect((await failure(api.predict.testSample(runId, { index: -1 }))).code).toBe('invalid-argument');
        expect((await failure(api.predict.testSample(987_654))).code).toBe('not-found');
      });

      it('generates code for the project and exports a trained run\'s model, verified', async () => {
        const js = await api.export.code(doc, { language: 'js' });
        expect(js.fileName).toBe('train.mjs');
        expect(js.code).toMatch(/@tensorflow\/tfjs/);
        const py = await api.export.code(doc, { language: 'python' });
        expect(py.fileName).toBe('train.py');
        expect(py.code).toMatch(/import tensorflow|from tensorflow|keras/);
        const torch = await api.export.code(doc, { language: 'pytorch' });
        expect(torch).toMatchObject({ fileName: 'train.py', language: 'pytorch' });
        expect(torch.code).toContain('class Model(nn.Module):');
        const exported = await api.export.model(runIds[0]);
        expect(exported.format).toBe('tfjs-layers');
        expect(exported.files.map((f) => f.path)).toContain('model.json');
        expect(exported.verification?.passed, exported.verification?.message).toBe(true);
        expect(exported.verification?.metric).toMatchObject({ name: 'accuracy', change: 0 });
        // uint8 weights: a quarter of the size, still verified, the accuracy change measured on the test split.
        const small = await api.export.model(runIds[0], { quantize: 'uint8' });
        expect(small.verification?.passed, small.verification?.message).toBe(true);
        expect(small.verification?.metric?.name).toBe('accuracy');
        expect(small.verification?.metric?.after).toEqual(expect.any(Number));
        const weightBytes = (r: typeof exported) => r.files.filter((f) => f.path.endsWith('.bin')).reduce((n, f) => n + f.sizeBytes, 0);
        expect(weightBytes(small)).toBeLessThan(weightBytes(exported) / 3);
        // ONNX: model.onnx checked with ONNX Runtime on the test split; quantization is refused with the reason.
        const onnx = await api.export.model(runIds[0], { format: 'onnx' });
        expect(onnx.format).toBe('onnx');
        expect(onnx.files.map((f) => f.path)).toContain('model.onnx');
        expect(onnx.verification?.passed, onnx.verification?.message).toBe(true);
        expect(onnx.verification?.message).toMatch(/ONNX Runtime reproduces the trained model/);
        const onnxQ = await failure(api.export.model(runIds[0], { format: 'onnx', quantize: 'uint8' }));
        expect(onnxQ.message).toMatch(/quantization applies to the TF.js format/);
        const missing = await failure(api.export.model(987_654));
        expect(missing.message).toMatch(/987654/);
      });

      it('fails to start on a graph that cannot train, with the reason', async () => {
        const err = await failure(api.training.start({ ...doc, graph: { layers: doc.graph.layers, connections: [] } }));
        expect(err.code).toBe('failed');
        expect(err.message).toMatch(/cannot be trained yet/);
        const noData = await failure(api.training.start({ ...doc, dataset: null }));
        expect(noData.message).toMatch(/data/);
      });

      it('deletes a run', async () => {
        const removed = runIds[1];
        await api.runs.delete(removed);
        expect((await failure(api.runs.get(removed))).code).toBe('not-found');
      });

      it('imports a trained model folder uploaded as files, and training it starts from its weights', async () => {
        const { json, weights } = kerasConverterModel(3);
        const files = [
          { path: 'tiny-model/model.json', data: Buffer.from(JSON.stringify(json)).toString('base64') },
          { path: 'tiny-model/group1-shard1of1.bin', data: Buffer.from(weights.buffer).toString('base64') },
        ];
        const opened = await api.projects.importModelFiles('tiny-model', files);
        expect(opened.path).toMatch(/tiny-model.*\.mwproj$/);
        expect(opened.document.weights).toMatchObject({ folder: expect.stringMatching(/\.weights$/), layers: ['dense', 'dense_1'] });
        const training = { ...doc.training!, epochs: 1, backend: 'cpu' as const };
        const started = await api.training.start({ ...opened.document, dataset: doc.dataset, training, path: opened.path });
        expect(started.importedWeights).toMatchObject({ layers: ['dense', 'dense_1'], skipped: [] });
        for (let i = 0; i < 600 && !finished.some((f) => f.runId === started.runId); i++) await new Promise((r) => setTimeout(r, 100));
        // Save as elsewhere copies the weights folder beside the new file, under its name.
        mkdirSync(join(dir, 'elsewhere'), { recursive: true });
        const copy = await api.projects.saveAs(join(dir, 'elsewhere', 'copy.mwproj'), opened.document, { weightsFrom: opened.path! });
        expect(copy.document.weights?.folder).toBe('copy.weights');
        expect(existsSync(join(dir, 'elsewhere', 'copy.weights', 'weights.bin'))).toBe(true);
        const noModel = await failure(api.projects.importModelFiles('broken', [files[1]]));
        expect(noModel.message).toMatch(/no model\.json/);
        const short = await failure(api.projects.importModelFiles('short', [files[0], { ...files[1], data: Buffer.from(weights.buffer).subarray(0, 8).toString('base64') }]));
        expect(short.message).toMatch(/^The model cannot be imported: .*too short/);
        expect(short.message).not.toContain(dir);
      });
    });

    it('runs a sweep: every trial a run under it, events as trials start and end, the best by the metric; bad spaces refused', async () => {
      const doc = await api.projects.newFromTemplate('tabular-classifier', { name: 'Contract sweep' });
      const project = { ...doc, training: { ...doc.training!, backend: 'cpu' as const } };
      const changes: SweepChange[] = [];
      const epochs: SweepProgress[] = [];
      const subs = [api.sweeps.onDidChange((c) => changes.push(c)), api.sweeps.onDidProgress((p) => epochs.push(p))];
      const started = await api.sweeps.start(project, {
        space: { 'optimizer.learningRate': { choice: [0.01, 0.05] } }, strategy: 'grid', trials: 2, epochs: 2, parallel: 1, metric: 'val_accuracy',
      });
      expect(started).toMatchObject({ strategy: 'grid', metric: 'val_accuracy', direction: 'max', trialCount: 2, project: 'Contract sweep' });
      for (let i = 0; i < 900 && !changes.some((c) => c.sweepId === started.id && c.change === 'finished'); i++) await new Promise((r) => setTimeout(r, 100));
      subs.forEach((s) => s.dispose());
      const sweep = await api.sweeps.get(started.id);
      expect(sweep.status).toBe('completed');
      expect(sweep.trials.map((t) => [t.status, t.settings['optimizer.learningRate'], t.epochs])).toEqual([['completed', 0.01, 2], ['completed', 0.05, 2]]);
      expect(sweep.best?.score).toBe(Math.max(...sweep.trials.map((t) => t.score!)));
      expect(changes.filter((c) => c.sweepId === started.id && c.change === 'trial-finished').map((c) => c.trial).sort()).toEqual([0, 1]);
      expect(epochs.filter((p) => p.sweepId === started.id).map((p) => `${p.trial}:${p.epoch}`).sort()).toEqual(['0:0', '0:1', '1:0', '1:1']);
      for (const t of sweep.trials) {
        const run = await api.runs.get(t.runId!);
        expect(run.config.optimizer.learningRate).toBe(t.settings['optimizer.learningRate']);
        expect(run.sweep).toEqual({ id: started.id, trial: t.trial });
      }
      expect((await api.sweeps.list({ project: 'Contract sweep' })).map((s) => s.id)).toEqual([started.id]);
      const unknown = await failure(api.sweeps.start(project, { space: { 'layers.nope.units': { choice: [8] } }, trials: 2 }));
      expect(unknown.code).toBe('invalid-argument');
      expect(unknown.message).toMatch(/^layers\.nope\.units: there is no layer named "nope"/);
      expect((await failure(api.sweeps.get(9999))).code).toBe('not-found');
      expect((await failure(api.sweeps.start(project, { space: {}, trials: 0 }))).code).toBe('invalid-argument');
    });

    it('stops a sweep (its running trial stops, the rest never start) and resumes it to the end, keeping finished trials', async () => {
      const doc = await api.projects.newFromTemplate('tabular-classifier', { name: 'Contract sweep stop' });
      const project = { ...doc, training: { ...doc.training!, backend: 'cpu' as const, earlyStopping: { ...doc.training!.earlyStopping, enabled: false } } };
      const changes: SweepChange[] = [];
      const sub = api.sweeps.onDidChange((c) => changes.push(c));
      const waitFor = async (what: (c: SweepChange) => boolean) => {
        for (let i = 0; i < 900 && !changes.some(what); i++) await new Promise((r) => setTimeout(r, 100));
        expect(changes.some(what), 'the awaited sweep event never came').toBe(true);
      };
      const started = await api.sweeps.start(project, { space: { batchSize: { choice: [8, 16, 32] } }, strategy: 'grid', trials: 3, epochs: 3, parallel: 1 });
      await waitFor((c) => c.sweepId === started.id && c.change === 'trial-finished' && c.trial === 0);
      await api.sweeps.stop(started.id);
      await waitFor((c) => c.sweepId === started.id && c.change === 'finished');
      const stopped = await api.sweeps.get(started.id);
      expect(stopped.status).toBe('stopped');
      expect(stopped.trials[0].status).toBe('completed');
      expect(stopped.trials[2].status).toBe('pending');
      const firstRun = stopped.trials[0].runId;

      changes.length = 0;
      await api.sweeps.resume(started.id);
      await waitFor((c) => c.sweepId === started.id && c.change === 'finished');
      sub.dispose();
      const resumed = await api.sweeps.get(started.id);
      expect(resumed.status).toBe('completed');
      expect(resumed.trials.map((t) => t.status)).toEqual(['completed', 'completed', 'completed']);
      // The finished trial was kept, not trained again.
      expect(resumed.trials[0].runId).toBe(firstRun);
      expect(changes.some((c) => c.change === 'trial-started' && c.trial === 0)).toBe(false);
      expect((await failure(api.sweeps.stop(424242))).code).toBe('not-found');
    });
  });
}
