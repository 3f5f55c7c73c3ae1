// Comparing 2–10 runs: their curves aligned by epoch, what differs in settings, data and graph, and test metrics.
import { graphSchema } from '../../app/graph/schema.ts';
import type { Graph } from '../../app/graph/types.ts';
import type { AlignedSeries, RunComparison } from '../../app/store/types.ts';
import { diffGraphs, diffValues } from '../../app/store/diff.ts';
import { comparableConfig } from '../../app/training/config.ts';
import { StoreError } from './errors.ts';
import { checkRunId, type StoreConnection } from './storeConnection.ts';
import { summaries } from './queries.ts';

/** 2–10 runs side by side: curves aligned by epoch, what differs in configuration, data and graph, test metrics. */
export function compareRuns(conn: StoreConnection, runIds: number[]): RunComparison {
  if (!Array.isArray(runIds) || runIds.length < 2 || runIds.length > 10) {
    throw new StoreError('invalid', `compare takes 2 to 10 runs, got ${Array.isArray(runIds) ? runIds.length : 0}`);
  }
  runIds.forEach(checkRunId);
  if (new Set(runIds).size !== runIds.length) throw new StoreError('invalid', 'compare needs different runs; a run id is repeated');
  return conn.read(() => {
    const runs = summaries(conn, runIds);
    const missing = runIds.filter((id) => !runs.some((r) => r.id === id));
    if (missing.length) throw conn.notFound(missing.join(', '));
    const idsJson = JSON.stringify(runIds);
    const rows = conn.stmt(`SELECT e.run_id, m.name, e.epoch, e.value FROM epoch_metrics e JOIN metric_names m ON m.id = e.metric_id
      WHERE e.run_id IN (SELECT value FROM json_each(?))`).all(idsJson) as { run_id: number; name: string; epoch: number; value: number | null }[];
    const index = new Map(runIds.map((id, i) => [id, i]));
    const byMetric = new Map<string, Map<number, (number | null)[]>>();
    for (const row of rows) {
      let epochs = byMetric.get(row.name);
      if (!epochs) byMetric.set(row.name, (epochs = new Map()));
      let slot = epochs.get(row.epoch);
      if (!slot) epochs.set(row.epoch, (slot = runIds.map(() => null)));
      slot[index.get(row.run_id)!] = row.value;
    }
    const series: AlignedSeries[] = [...byMetric.keys()].sort().map((metric) => {
      const epochs = [...byMetric.get(metric)!.keys()].sort((a, b) => a - b);
      const values = runIds.map((_, i) => epochs.map((e) => byMetric.get(metric)!.get(e)![i]));
      return { metric, epochs, values };
    });
    const graphs = conn.stmt(`SELECT r.id, g.graph_json FROM runs r JOIN graph_versions g ON g.id = r.graph_version_id
      WHERE r.id IN (SELECT value FROM json_each(?))`).all(idsJson) as { id: number; graph_json: string }[];
    const graphById = new Map(graphs.map((g) => [g.id, g.graph_json]));
    const base = storedGraph(runIds[0], graphById.get(runIds[0])!);
    const graphDiffs = runIds.map((id, i) => {
      if (i === 0 || graphById.get(id) === graphById.get(runIds[0])) return { identical: true, added: [], removed: [], changed: [] };
      return diffGraphs(base, storedGraph(id, graphById.get(id)!));
    });
    const bindings = conn.stmt('SELECT id, dataset_binding_json FROM runs WHERE id IN (SELECT value FROM json_each(?))').all(idsJson) as
      { id: number; dataset_binding_json: string | null }[];
    const bindingById = new Map(bindings.map((b) => [b.id, b.dataset_binding_json ? JSON.parse(b.dataset_binding_json) : null]));
    const testNames = [...new Set(runs.flatMap((r) => Object.keys(r.test)))].sort();
    return {
      runs,
      series,
      configDiff: diffValues(runs.map((r) => comparableConfig(r.config))),
      datasetDiff: diffValues(runs.map((r) => ({ ...(r.dataset ?? {}), binding: bindingById.get(r.id) ?? null }))),
      graphDiffs,
      testMetrics: testNames.map((metric) => ({ metric, values: runs.map((r) => r.test[metric] ?? null) })),
    };
  });
}

/** A run's stored graph, checked with the graph schema it was written with (createRun stores graphs the trainer accepted). */
function storedGraph(runId: number, json: string): Graph {
  const parsed = graphSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new StoreError('corrupt', `the stored graph of run ${runId} is damaged (${parsed.error.issues[0]?.message ?? 'it is not a graph'}), so it cannot be compared`);
  return parsed.data;
}
