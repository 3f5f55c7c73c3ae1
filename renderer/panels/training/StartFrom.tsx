// "Start from run…": new weights, or a warm start from one of this project's trained runs (every layer
// whose name and weight shapes match takes that run's weights; docs/training.md#warm-start).
import { formatNumber } from '../../../app/format.ts';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { setUi, useUi } from '../../state/uiStore.ts';
import { Field } from '../../ui/Field.tsx';
import { useAsync } from '../../ui/useAsync.ts';

export function StartFrom({ api, project, refresh, imported = false }: {
  api: ModelwrightApi; project: string; refresh: unknown;
  /** The project carries imported weights: without a run chosen, its matching layers start from them. */
  imported?: boolean;
}) {
  const chosen = useUi((s) => s.warmStartRunId);
  const runs = useAsync(
    () => api.runs.list({ project, status: ['completed', 'stopped'], sort: { by: 'id', direction: 'desc' }, limit: 50 }),
    [api, project, refresh],
  );
  const list = runs.data?.runs ?? [];
  // A chosen run no longer listed (deleted) is shown as chosen until the user picks again; the service says why it cannot start.
  const missing = chosen !== null && !list.some((r) => r.id === chosen);
  return (
    <Field label="Start from" htmlFor="mw-train-start-from"
      help="New weights, or a trained run of this project: every layer whose name and size match starts with that run's weights, and the new run is shown under it in Runs.">
      <select id="mw-train-start-from" value={chosen ?? ''} data-testid="start-from"
        onChange={(e) => setUi({ warmStartRunId: e.target.value ? Number(e.target.value) : null })}>
        <option value="">{imported ? 'the imported weights (layers changed since start fresh)' : 'new weights (from scratch)'}</option>
        {missing && <option value={chosen}>run #{chosen}</option>}
        {list.map((r) => {
          const accuracy = r.test.accuracy ?? null;
          return <option key={r.id} value={r.id}>run #{r.id} {r.name}{accuracy !== null ? ` (test accuracy ${formatNumber(accuracy)})` : ''}</option>;
        })}
      </select>
    </Field>
  );
}
