// Which run the evaluation, try-it and export panels are about: the focused run, else the open project's
// newest finished one, with a picker that lists the recent runs and changes the focused run.
import { useEffect, useState } from 'react';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { formatTime } from '../../app/format.ts';
import { useProject } from '../state/projectStore.ts';
import { runBelongsTo } from '../state/projectRuns.ts';
import { focusRun, useRunSelection } from '../state/runSelection.ts';
import { useAsync } from './useAsync.ts';

export interface RunChoice {
  id: number;
  label: string;
}

/** The run the panel shows: the focused one, else the open project's newest run that finished. */
export function useShownRun(api: ModelwrightApi | null): { runId: number | null; choices: RunChoice[] } {
  const focused = useRunSelection((s) => s.focusedRunId);
  const [changes, setChanges] = useState(0);
  // New, finished and renamed runs show in the picker (and a just-finished run becomes the default).
  useEffect(() => {
    if (!api) return;
    const sub = api.runs.onDidChange(() => setChanges((n) => n + 1));
    return () => sub.dispose();
  }, [api]);
  const recent = useAsync(api ? () => api.runs.list({ limit: 50, sort: { by: 'startedAt', direction: 'desc' } }) : null, [api, changes]);
  const doc = useProject((s) => s.document);
  const runs = recent.data?.runs ?? [];
  // This project's runs first; the picker still reaches every run in the history.
  const own = runs.filter((r) => runBelongsTo(r, doc));
  const choices = [...own, ...runs.filter((r) => !own.includes(r))]
    .map((r) => ({ id: r.id, label: `#${r.id} ${r.name} — ${r.status}, ${formatTime(r.startedAt ?? r.createdAt)}` }));
  // Without a choice, the newest finished run of the open project; another project's runs only when picked.
  const fallback = own.find((r) => r.status === 'completed' || r.status === 'stopped')?.id ?? null;
  return { runId: focused ?? fallback, choices };
}

export function RunPicker({ runId, choices }: { runId: number | null; choices: RunChoice[] }) {
  const list = runId !== null && !choices.some((c) => c.id === runId) ? [{ id: runId, label: `#${runId}` }, ...choices] : choices;
  return (
    <label className="mw-wp-row">Run
      <select value={runId ?? ''} onChange={(e) => focusRun(e.target.value ? Number(e.target.value) : null)} data-testid="run-picker">
        {runId === null && <option value="">Choose a run…</option>}
        {list.map((c) => <option key={c.id} value={c.id}>{c.label}</option>)}
      </select>
    </label>
  );
}
