// Fuses trained runs that share their data into one ensemble run: the members are checked for the same
// data binding, split and outputs, evaluated on the identical test split (recreated as in training),
// combined by the method (app/training/ensemble.ts), built into one TF.js layers model
// (./fuseModel.ts), recorded as a run of kind `ensemble`, and exported with the same
// reload-and-compare verification as every other export (./exportRun.ts).
import { join, resolve } from 'node:path';
import { stat } from 'node:fs/promises';
import type * as tfTypes from '@tensorflow/tfjs';
import { canonicalJson } from '../../app/store/diff.ts';
import { ensembleGraph } from '../../app/graph/ensembleGraph.ts';
import type { EnsembleMethod, EnsembleOutcome } from '../../app/store/ensemble.ts';
import type { Evaluation } from '../../app/training/evaluate.ts';
import { combineOutputs, equalWeights, fitWeights, identicalMembers, identicalMembersNote } from '../../app/training/ensemble.ts';
import { TestEvaluation } from '../../app/training/testEvaluation.ts';
import { splitSeedOf, type BackendName } from '../../app/training/config.ts';
import { registerCustomLayers } from '../../app/graph/buildModel.ts';
import { loadDataset, type LoadedDataset } from '../data/load.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { StoreError } from '../store/errors.ts';
import { recordEnsemble } from '../store/ensembles.ts';
import { loadTf } from '../engine/loadTf.ts';
import type { Tf } from '../engine/backends.ts';
import { folderSaveHandler } from '../model/modelFiles.ts';
import type { SavedModelMetadata } from '../model/metadata.ts';
import { artifactsOf } from '../model/modelFolder.ts';
import { ExportError, loadFromArtifacts, maxAbs, maxAbsDiff, openSavedModel, plain, predict, type SavedRunModel } from './runModel.ts';
import { exportRun, type ExportReport } from './exportRun.ts';
import { fuseModels } from './fuseModel.ts';

type LayersModel = tfTypes.LayersModel;

export interface EnsembleOptions {
  store: ExperimentStore;
  runIds: number[];
  method: EnsembleMethod;
  /** Where the verified export goes (default: a new folder beside the ensemble's saved model). */
  outputDir?: string;
  name?: string;
  backend?: BackendName;
  resourcesDir?: string;
  baseDir?: string;
}

export interface EnsembleReport extends EnsembleOutcome {
  export: ExportReport;
}

interface Member extends SavedRunModel {
  model: LayersModel;
}

/** The headline test metrics of an evaluation, under the names the trainer records them. */
export function headlineTest(evaluation: Evaluation): Record<string, number | null> {
  return evaluation.task === 'classification'
    ? { accuracy: evaluation.accuracy, ...(evaluation.auc === null ? {} : { auc: evaluation.auc }) }
    : { mae: evaluation.mae, mse: evaluation.mse, r2: evaluation.r2 };
}

/** The first difference between two members that rules out fusing them, in the user's words; null when they fit. */
function mismatch(a: Member, b: Member): string | null {
  const runs = `runs ${a.run.id} and ${b.run.id}`;
  if (canonicalJson(a.run.datasetBinding) !== canonicalJson(b.run.datasetBinding)) return `${runs} were trained on different data; fuse runs that share a data binding`;
  const split = (m: Member) => `validation ${m.run.config.validationSplit}, test ${m.run.config.testSplit}, split seed ${splitSeedOf(m.run.config)}`;
  if (split(a) !== split(b)) return `${runs} split their data differently (${split(a)} against ${split(b)}); train them with the same split settings and one split seed (Training → Split seed in the studio, train --split-seed N on the command line)`;
  if (a.metadata.task !== b.metadata.task) return `${runs} do different tasks (${a.metadata.task} and ${b.metadata.task}); fuse runs of one task`;
  const shape = (m: Member) => JSON.stringify(m.model.outputs.map((o) => o.shape.slice(1)));
  if (shape(a) !== shape(b) || canonicalJson(a.metadata.classNames) !== canonicalJson(b.metadata.classNames)) {
    return `${runs} have incompatible outputs (${shape(a)} against ${shape(b)}${a.metadata.classNames ? ', or different classes' : ''})`;
  }
  if (canonicalJson(a.metadata.featureShape) !== canonicalJson(b.metadata.featureShape) || canonicalJson(a.metadata.preprocessor) !== canonicalJson(b.metadata.preprocessor)) {
    return `${runs} prepare their inputs differently, so one input cannot feed both`;
  }
  return null;
}

async function openMembers(tf: Tf, options: EnsembleOptions): Promise<Member[]> {
  const members: Member[] = [];
  try {
    for (const id of options.runIds) {
      let saved: SavedRunModel;
      try {
        saved = await openSavedModel(options.store, id);
      } catch (err) {
        if (err instanceof StoreError && err.kind === 'not-found') throw new ExportError(`there is no run ${id}`);
        if (err instanceof ExportError) throw new ExportError(err.message.replace('to export', 'to fuse'));
        throw err;
      }
      const model = await loadFromArtifacts(tf, artifactsOf(saved.contents));
      members.push({ ...saved, model });
      if (model.inputs.length !== 1 || model.outputs.length !== 1) throw new ExportError(`run ${id}'s model has ${model.inputs.length} inputs and ${model.outputs.length} outputs; only models with one of each can be fused`);
    }
    if (members[0].metadata.task === 'reconstruction') throw new ExportError('reconstruction models (autoencoders) cannot be fused; fuse classifiers or regressions');
    for (const m of members.slice(1)) {
      const why = mismatch(members[0], m);
      if (why) throw new ExportError(why);
    }
    if (!members[0].run.datasetBinding) throw new ExportError(`run ${members[0].run.id} records no data binding, so its test split cannot be recreated`);
    return members;
  } catch (err) {
    for (const m of members) m.model.dispose();
    throw err;
  }
}

function checkRequest(options: EnsembleOptions): void {
  if (options.runIds.length < 2) throw new ExportError(`an ensemble needs at least 2 runs, got ${options.runIds.length}`);
  const seen = new Set<number>();
  for (const id of options.runIds) {
    if (seen.has(id)) throw new ExportError(`run ${id} is given twice; give each member once`);
    seen.add(id);
  }
}

async function outputsOn(tf: Tf, members: readonly Member[], x: Float32Array, n: number): Promise<Float32Array[]> {
  const featureShape = members[0].metadata.featureShape;
  return Promise.all(members.map((m) => predict(tf, m.model, { x, y: null, n, source: 'test-split' }, featureShape)));
}

function evaluate(member: SavedModelMetadata, seed: number, outputs: Float32Array, width: number, data: LoadedDataset): Evaluation {
  const task = member.task === 'classification' ? 'classification' : 'regression';
  const ev = new TestEvaluation({ task, classNames: member.classNames ?? undefined, preprocessor: member.preprocessor, seed });
  ev.add(outputs, width, data.test.x, data.test.y);
  return ev.finish();
}

async function newModelDir(store: ExperimentStore): Promise<string> {
  // Named like the trainer's folders, so the store's artifact sweep treats it as its own.
  const stamp = `${Date.now().toString(36)}-${process.pid.toString(36)}`;
  let dir = join(store.artifactRoot, `model-ensemble-${stamp}`);
  for (let i = 2; await stat(dir).then(() => true, () => false); i++) dir = join(store.artifactRoot, `model-ensemble-${stamp}-${i}`);
  return dir;
}

/** Fuses the runs, records the ensemble as a run and exports it (verified). Throws ExportError with a one-line reason when they cannot be fused. */
export async function makeEnsemble(options: EnsembleOptions): Promise<EnsembleReport> {
  checkRequest(options);
  const { tf, backend } = await loadTf(options.backend ?? 'auto');
  registerCustomLayers(tf);
  const members = await openMembers(tf, options);
  let fused: LayersModel | null = null;
  try {
    const lead = members[0];
    if (options.method === 'vote' && lead.metadata.task !== 'classification') throw new ExportError('vote needs classifiers; fuse regressions with --method average or weighted');
    const config = lead.run.config;
    let data: LoadedDataset;
    try {
      data = await loadDataset(lead.run.datasetBinding, {
        baseDir: options.baseDir, resourcesDir: options.resourcesDir,
        validationSplit: config.validationSplit, testSplit: config.testSplit, seed: splitSeedOf(config),
      });
    } catch (err) {
      throw new ExportError(`the members' data cannot be loaded again: ${plain(err)}`);
    }
    if (data.test.count === 0) throw new ExportError(`the members have no test split (test split ${config.testSplit}), so the ensemble cannot be evaluated`);
    if (canonicalJson(data.preprocessor.toJSON()) !== canonicalJson(lead.metadata.preprocessor)) {
      throw new ExportError('the data has changed since the members were trained (its preprocessing no longer fits the same way); train the members again');
    }
    const notes: string[] = [];
    const testOutputs = await outputsOn(tf, members, data.test.x, data.test.count);
    const width = testOutputs[0].length / data.test.count;
    const copies = identicalMembersNote(identicalMembers(testOutputs, members.map((m) => m.run.id)));
    if (copies) notes.push(copies);
    let weights = equalWeights(members.length);
    if (options.method === 'weighted') {
      if (data.validation.count === 0) notes.push('the members have no validation split, so the weighted ensemble uses equal weights');
      else weights = fitWeights(lead.metadata.task === 'classification' ? 'classification' : 'regression', await outputsOn(tf, members, data.validation.x, data.validation.count), width, data.validation.y);
    }
    const combined = combineOutputs(options.method, testOutputs, width, weights);
    const evaluation = evaluate(lead.metadata, config.seed, combined, width, data);
    const test = headlineTest(evaluation);

    fused = await fuseModels(tf, members.map((m) => m.model), options.method, weights);
    const params = members.reduce((sum, m) => sum + m.model.countParams(), 0);
    if (fused.countParams() !== params) throw new Error(`the fused model has ${fused.countParams()} parameters, not the members' ${params}`);
    // The fused model must give the evaluated ensemble's outputs, or the recorded metrics would not be its own.
    const fusedOutputs = await predict(tf, fused, { x: data.test.x, y: null, n: data.test.count, source: 'test-split' }, lead.metadata.featureShape);
    const gap = maxAbsDiff(combined, fusedOutputs);
    if (!(gap <= 1e-4 * Math.max(1, maxAbs(combined)))) throw new Error(`the fused model's outputs differ from the ensemble's by ${gap}`);

    const { store } = options;
    const ids = members.map((m) => m.run.id);
    const name = options.name?.trim() || `${options.method} of runs ${ids.join(', ')}`;
    const modelDir = await newModelDir(store);
    const runId = store.createRun({
      name, project: lead.run.project ?? undefined, graph: ensembleGraph(members.map((m) => m.run.graph)), config,
      ...(lead.run.dataset ? { dataset: lead.run.dataset } : {}), datasetBinding: lead.run.datasetBinding ?? undefined, backend,
    });
    try {
      const metadata: SavedModelMetadata = { ...lead.metadata, backend, runId: `ensemble-${runId}`, trainedAt: new Date().toISOString(), epochsCompleted: 0, test };
      fused.setUserDefinedMetadata({ modelwright: metadata });
      await fused.save(folderSaveHandler(tf, modelDir));
      store.finishRun(runId, 'completed', { durationMs: 0, evaluation, testMetrics: test, artifacts: [{ kind: 'model', path: modelDir, owned: true }] });
      recordEnsemble(store, runId, options.method, ids.map((id, i) => ({ runId: id, weight: weights[i] })));
    } catch (err) {
      if (store.getRun(runId).status === 'running') store.finishRun(runId, 'failed', { error: plain(err) });
      throw err;
    }
    const memberReports = members.map((m, i) => ({
      runId: m.run.id, name: m.run.name, weight: weights[i],
      test: headlineTest(evaluate(m.metadata, config.seed, testOutputs[i], width, data)),
    }));
    let outputDir = options.outputDir;
    if (outputDir === undefined) outputDir = `${modelDir}-export`;
    const exported = await exportRun({ store, runId, outputDir: resolve(outputDir), backend: options.backend, resourcesDir: options.resourcesDir, baseDir: options.baseDir });
    return {
      runId, runName: name, method: options.method, test, members: memberReports, params, modelDir: exported.dir,
      verification: { passed: exported.verification.passed, message: exported.verification.message },
      export: exported, notes: [...notes, ...exported.warnings],
    };
  } finally {
    fused?.dispose();
    for (const m of members) m.model.dispose();
  }
}
