// The `export` service: training code for a project (JavaScript, TypeScript, Python), the graph as
// Keras / TF.js JSON, and a run's trained model exported and verified (main/export/exportRun.ts).
import { modelExportOptionsSchema, projectInputSchema, type ExportService } from '../../app/api/contract.ts';
import { ApiError } from '../../app/api/errors.ts';
import { generateCode } from '../../app/codegen/index.ts';
import { exportKerasModel } from '../../app/keras/export.ts';
import { planProjectData } from '../codegen/projectData.ts';
import { ExportError, exportRunForApi } from '../export/exportRun.ts';
import { computeTradeoffs } from '../export/tradeoffs.ts';
import { makeEnsemble } from '../export/ensemble.ts';
import { localFileAccess, type FileAccess } from '../files/fileAccess.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { zipFolder } from '../files/zipFolder.ts';
import { planPrune } from '../trainer/prunePlan.ts';
import { startRun } from '../trainer/startRun.ts';
import { testSummary } from '../trainer/recording.ts';
import type { TrainingSupervisor } from '../trainer/supervisor.ts';
import { StoreError } from '../store/errors.ts';

export interface ExportServiceOptions {
  resourcesDir?: string;
  /** The run history whose trained models `model()` exports; without it that method is not available. */
  store?: ExperimentStore;
  /** Which files callers may name; default: any path (an in-process caller). */
  files?: FileAccess;
  /** The trainer processes `prune()` fine-tunes in (the host's, shared with training); without it that method is not available. */
  supervisor?: TrainingSupervisor;
}

export function createExportService(options: ExportServiceOptions = {}): ExportService {
  const files = options.files ?? localFileAccess(process.cwd());
  return {
    async code(projectArg, codeOptions) {
      const project = projectInputSchema.parse(projectArg);
      const host = project.dataset ? await files.dataFor(project.dataset, project.path ? await files.readable(project.path).catch(() => null) : null) : null;
      const data = await planProjectData(host?.binding ?? null, { baseDir: host?.baseDir ?? files.workspace, resourcesDir: options.resourcesDir });
      const generated = generateCode({ graph: project.graph, data, training: project.training ?? null }, codeOptions);
      return { ...generated, language: codeOptions.language };
    },

    async kerasJson(graph, name) {
      const json = exportKerasModel(graph, { name });
      return { json: `${JSON.stringify(json, null, 2)}\n`, fileName: 'model-topology.json' };
    },

    async model(runId, exportOptions) {
      if (!options.store) throw new ApiError('not-available', `Exporting the trained model of run ${runId} is not available in this host; export the training code instead.`);
      const parsed = modelExportOptionsSchema.parse(exportOptions ?? {});
      const outputDir = await files.exportFolder(parsed.outputDir, `run-${runId}-${parsed.format === 'onnx' ? 'onnx' : parsed.format === 'keras-json' ? 'keras' : 'tfjs'}`);
      try {
        const result = await exportRunForApi(options.store, runId, { ...parsed, outputDir }, { resourcesDir: options.resourcesDir });
        return { ...result, dir: files.nameOf(result.dir) ?? result.dir };
      } catch (err) {
        // Export errors are written for the user (no run, no model, unwritable folder): pass them on as they are.
        if (err instanceof ExportError) throw new ApiError('failed', err.message);
        throw err;
      }
    },

    async tradeoffs(runId) {
      if (!options.store) throw new ApiError('not-available', `The trade-offs of run ${runId} are not available in this host.`);
      try {
        return await computeTradeoffs({ store: options.store, runId, resourcesDir: options.resourcesDir });
      } catch (err) {
        if (err instanceof ExportError) throw new ApiError('failed', err.message);
        throw err;
      }
    },

    async ensemble(runIds, ensembleOptions) {
      if (!options.store) throw new ApiError('not-available', 'Fusing runs is not available in this host.');
      const { method, name } = ensembleOptions ?? { method: 'average' as const };
      const outputDir = await files.exportFolder(undefined, `ensemble-${runIds.join('-')}-${method}`);
      try {
        const { export: _report, ...outcome } = await makeEnsemble({ store: options.store, runIds, method: method ?? 'average', name, outputDir, resourcesDir: options.resourcesDir });
        return { ...outcome, modelDir: files.nameOf(outcome.modelDir) ?? outcome.modelDir };
      } catch (err) {
        // Refusals are written for the user (too few runs, no model, different data or split): pass them on as they are.
        if (err instanceof ExportError) throw new ApiError('failed', err.message);
        throw err;
      }
    },

    async prune(runId, pruneOptions) {
      if (!options.store || !options.supervisor) throw new ApiError('not-available', `Pruning run ${runId} is not available in this host.`);
      const { sparsity, epochs } = pruneOptions;
      let plan;
      try {
        // The same child-run request as `modelwright prune` (main/trainer/prunePlan.ts), started by the same run starter.
        plan = planPrune(options.store, runId, { sparsity, epochs });
      } catch (err) {
        if (err instanceof StoreError) throw new ApiError(err.kind === 'not-found' ? 'not-found' : 'failed', err.message);
        throw err;
      }
      const { recorded } = startRun(options.store, options.supervisor, { origin: 'api', ...plan });
      const { runId: childRunId, result } = await recorded.done;
      if (result.status === 'failed') throw new ApiError('failed', `pruning run ${runId} failed: ${result.message}`);
      return { runId: childRunId, parentRunId: runId, sparsity, test: testSummary(result) };
    },

        async archive(dirName) {
      const dir = await files.readable(dirName);
      return zipFolder(dir);
    },
  };
}
