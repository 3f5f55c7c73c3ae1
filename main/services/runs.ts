// The `runs` service: the experiment history (list, get, compare, edit, delete, CSV, leaderboard) over
// the host's one ExperimentStore, and "open this run's graph" as a new project.
import type { RunsService } from '../../app/api/contract.ts';
import type { Emitter } from '../../app/api/events.ts';
import type { RunChange } from '../../app/api/types.ts';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { autoLayout } from '../../app/graph/layout.ts';
import { newProject } from '../../app/project/document.ts';
import { projectLimits } from '../../app/project/schema.ts';
import type { RunComparison, RunQuery } from '../../app/store/types.ts';
import { compareVerdict } from '../../app/store/verdict.ts';
import type { ExperimentStore } from '../store/experimentStore.ts';
import { sourceForCaller, type FileAccess } from '../files/fileAccess.ts';

export interface RunsServiceOptions {
  store: ExperimentStore;
  runChanges: Emitter<RunChange>;
  /** Names the run's data file for the caller (get, openGraph); default: the path as recorded. */
  files?: FileAccess;
}

/** The store's comparison plus the one-sentence verdict on the held-out metric (studio and CLI alike). */
export function comparisonWithVerdict(store: ExperimentStore, runIds: number[]): RunComparison {
  const comparison = store.compareRuns(runIds);
  const runs = comparison.runs.map((r) => ({ id: r.id, name: r.name, test: r.test, evaluation: store.getRun(r.id).evaluation }));
  return { ...comparison, verdict: compareVerdict(runs) };
}

export function createRunsService({ store, runChanges, files }: RunsServiceOptions): RunsService {
  const changed = (runId: number, change: RunChange['change']) => runChanges.fire({ runId, change });
  const bindingForCaller = (binding: DatasetBinding | null): DatasetBinding | null =>
    (binding && files ? { ...binding, source: sourceForCaller(files, binding.source, null) } : binding);
  return {
    onDidChange: runChanges.event,

    async list(query?: RunQuery) {
      return store.listRuns(query ?? {});
    },
    async get(runId) {
      const run = store.getRun(runId);
      // The data file as the caller names it (an upload in the browser studio is "uploads/…", not the host's
      // path), so that the binding can be sent back to the datasets service as it is.
      return { ...run, datasetBinding: bindingForCaller(run.datasetBinding) };
    },
    async compare(runIds) {
      return comparisonWithVerdict(store, runIds);
    },
    async rename(runId, name) {
      store.renameRun(runId, name);
      changed(runId, 'updated');
    },
    async tag(runId, tags) {
      store.tagRun(runId, tags);
      changed(runId, 'updated');
    },
    async untag(runId, tags) {
      store.untagRun(runId, tags);
      changed(runId, 'updated');
    },
    async setNote(runId, note) {
      store.setNote(runId, note);
      changed(runId, 'updated');
    },
    async delete(runId) {
      const result = store.deleteRun(runId);
      changed(runId, 'deleted');
      return result;
    },
    async exportCsv(query?: RunQuery) {
      return store.exportCsv(query ?? {});
    },
    async leaderboard(metric, options) {
      return store.leaderboard(metric, options ?? {});
    },
    async metricNames() {
      return store.metricNames();
    },
    async openGraph(runId) {
      const run = store.getRun(runId);
      const graph = structuredClone(run.graph);
      const name = `${run.name} (run ${run.id})`.slice(0, projectLimits.maxNameLength);
      return newProject(name, {
        graph,
        layout: { positions: autoLayout(graph, { direction: 'TB' }) },
        dataset: bindingForCaller(run.datasetBinding),
        training: run.config,
        notes: `Opened from run ${run.id} of the history.`,
      });
    },
  };
}
