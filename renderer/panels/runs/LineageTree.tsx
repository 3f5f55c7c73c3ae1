// Runs made from other runs (pruned, warm-started) as a tree: each child indented under its parent.
// Shown above the table when the history has any; a click focuses the run like a click in the table.
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { lineageRows } from '../../../app/store/lineageTree.ts';
import type { RunSummary } from '../../../app/store/types.ts';
import { focusRun } from '../../state/runSelection.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { metricCell, statusText, testHeadline } from './runCells.ts';

/** How a child was made, from its kind and (for a trained child) its warm start. */
function madeBy(run: RunSummary): string {
  if (run.parentRunId === null) return '';
  if (run.kind === 'prune') return 'pruned from';
  return 'warm-started from';
}

export function LineageTree({ api, refresh, selectedId }: { api: ModelwrightApi; refresh: number; selectedId: number | null }) {
  const page = useAsync(() => api.runs.list({ lineage: true, sort: { by: 'id', direction: 'asc' }, limit: 500 }), [api, refresh]);
  const runs = page.data?.runs ?? [];
  if (runs.length === 0) return null;
  return (
    <div className="mw-wp-card" data-testid="runs-lineage" role="tree" aria-label="Runs made from other runs">
      <strong>Lineage</strong>
      {lineageRows(runs).map(({ run, depth }) => (
        <div key={run.id} role="treeitem" aria-level={depth + 1} aria-selected={run.id === selectedId}
          className="mw-wp-row" style={{ paddingLeft: depth * 20 }} data-testid={`lineage-${run.id}`} data-depth={depth}>
          {depth > 0 && <span className="mw-wp-muted" aria-hidden>└</span>}
          <button type="button" className="mw-wp-link" onClick={() => focusRun(run.id)}>#{run.id} {run.name}</button>
          {depth > 0 && <span className="mw-wp-muted">{madeBy(run)} #{run.parentRunId}</span>}
          <span className="mw-wp-muted">{statusText(run)}</span>
          <span className="mw-wp-muted">{metricCell(testHeadline(run))}</span>
        </div>
      ))}
    </div>
  );
}
