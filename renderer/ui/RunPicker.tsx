// Which run the evaluation, try-it and export panels are about: the focused run, else the newest
// finished one, with a picker that lists the recent runs and changes the focused run.
import { useEffect, useState } from 'react';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { formatTime } from '../../app/format.ts';
import { useProject } from '../state/projectStore.ts';
import { focusRun, useRunSelection } from '../state/runSelection.ts';
import { useAsync } from './useAsync.ts';

export interface RunChoice {
  id: number;
  label: string;
}

/** The run the panel shows: the focused one, else the newest run that finished. */
export function useShownRun(api: ModelwrightApi | null): { runId: number | null; choices: RunChoice[] } {
  const focused = useRunSelection((s) => s.focusedRunId);
  const [changes, setChanges] = useState(0);
  // New and finished runs join the picker (and a just-finished run becomes the default).
  useEffect(() => {
    if (!api) return;
    const sub = api.runs.onDidChange((c) => { if (c.change !== 'updated') setChanges((n) => n + 1); });
    return () => sub.dispose();
  }, [api]);
  const recent = useAsync(api ? () => api.runs.list({ limit: 50, sort: { by: 'startedAt', direction: 'desc' } }) : null, [api, changes]);
  const choices = (recent.data?.runs ?? []).map((r) => ({ id: r.id, label: `#${r.id} ${r.name} — ${r.status}, ${formatTime(r.startedAt ?? r.createdAt)}` }));
  const project = useProject((s) => s.document?.name ?? null);
  // Without a choice, the newest finished run of the open project (else of any project).
  const finished = (recent.data?.runs ?? []).filter((r) => r.status === 'completed' || r.status === 'stopped');
  const fallback = (finished.find((r) => r.project === project) ?? finished[0])?.id ?? null;
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
