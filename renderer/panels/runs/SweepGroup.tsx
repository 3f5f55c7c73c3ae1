// Runs grouped by sweep: a filter that shows only one sweep's trials, and a line about that sweep (its
// strategy, status and best trial) with a way to open it in the Training panel's Tune mode.
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import { metricLabel } from '../../../app/explanations.ts';
import { formatNumber } from '../../../app/format.ts';
import { sweepSession } from '../../state/sweepSession.ts';
import { focusRun } from '../../state/runSelection.ts';
import { setUi } from '../../state/uiStore.ts';
import { useAsync } from '../../ui/useAsync.ts';
import { notify } from '../../ui/notify.ts';

export function SweepFilter({ api, value, onChange, refresh }: { api: ModelwrightApi; value: number | null; onChange: (id: number | null) => void; refresh: number }) {
  const sweeps = useAsync(() => api.sweeps.list(), [api, refresh]);
  if (!sweeps.data?.length) return null;
  return (
    <select value={value ?? ''} onChange={(e) => onChange(e.target.value ? Number(e.target.value) : null)} aria-label="Show the trials of a sweep" data-testid="runs-sweep">
      <option value="">all runs</option>
      {sweeps.data.map((s) => <option key={s.id} value={s.id}>sweep {s.id}: {s.name}</option>)}
    </select>
  );
}

export function SweepSummary({ api, sweepId, refresh }: { api: ModelwrightApi; sweepId: number; refresh: number }) {
  const sweep = useAsync(() => api.sweeps.get(sweepId), [api, sweepId, refresh]);
  const d = sweep.data;
  if (!d) return null;
  const done = d.trials.filter((t) => t.runId !== null).length;
  const open = () => {
    sweepSession.attach(api);
    sweepSession.show(sweepId).catch((err) => notify.error(err, 'Could not open the sweep'));
    setUi({ activePanel: 'training', trainingMode: 'tune' });
  };
  return (
    <div className="mw-wp-card mw-wp-row" data-testid="runs-sweep-summary">
      <span>
        <strong>Sweep {d.id}</strong> ({d.strategy}, {d.status}): {done} of {d.trialCount} trials, ranked by {metricLabel(d.metric).toLowerCase()}.
        {d.best && <> Best: trial {d.best.trial + 1} (<button type="button" className="mw-wp-link" onClick={() => focusRun(d.best!.runId!)}>run #{d.best.runId}</button>), {formatNumber(d.best.score)}.</>}
      </span>
      <span className="mw-wp-grow" />
      <button type="button" onClick={open} data-testid="runs-open-sweep">Open in Tune</button>
    </div>
  );
}
