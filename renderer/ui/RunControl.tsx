// The top bar's Train / Stop button with the state of the run, on every tab: a template can be trained
// right after it opens (on the Model tab), and a run can be followed or stopped from anywhere. Clicking
// the state shows the Training tab with the details.
import { useEffect } from 'react';
import { capitalize, formatPercent } from '../../app/format.ts';
import { trainingSession, useTrainingSession } from '../state/trainingSession.ts';
import { setUi } from '../state/uiStore.ts';
import { useApi } from './useApi.ts';
import { useSessionAttached, useTrainAction } from './useTrainAction.ts';

/** A rename of the watched run (in the runs table, or elsewhere) reaches the top bar. */
function useRenames(): void {
  const api = useApi();
  useEffect(() => {
    if (!api) return;
    const sub = api.runs.onDidChange(({ runId, change }) => {
      if (change !== 'updated' || runId !== trainingSession.state.runId) return;
      api.runs.get(runId).then((run) => trainingSession.renamed(run.id, run.name), () => {});
    });
    return () => sub.dispose();
  }, [api]);
}

export function RunControl() {
  useSessionAttached();
  useRenames();
  const { phase, busy, blocked, train, stop } = useTrainAction();
  const runName = useTrainingSession((s) => s.runName);
  const progress = useTrainingSession((s) => s.progress);
  const outcome = useTrainingSession((s) => s.outcome);
  const error = useTrainingSession((s) => s.error);

  let state: string;
  let detail: string | null = null;
  let fraction: number | null = null;
  if (phase === 'starting') state = 'Starting…';
  else if (phase === 'running' || phase === 'stopping') {
    state = phase === 'stopping' ? 'Stopping after this batch…' : `Training “${runName ?? 'run'}”`;
    if (progress && progress.epochs > 0) {
      const done = progress.type === 'epoch' ? progress.epoch + 1 : progress.epoch + (progress.batch + 1) / Math.max(1, progress.batchesPerEpoch);
      fraction = Math.min(1, done / progress.epochs);
      detail = `epoch ${Math.min(progress.epoch + 1, progress.epochs)} of ${progress.epochs}`;
    }
  } else if (phase === 'finished' && outcome) {
    state = `${outcome.status === 'stopped' ? 'Stopped' : 'Trained'} “${runName ?? `run ${outcome.runId}`}”`;
    const evaluation = outcome.test?.evaluation as { task?: string; accuracy?: number } | undefined;
    if (evaluation?.task === 'classification' && typeof evaluation.accuracy === 'number') detail = `test accuracy ${formatPercent(evaluation.accuracy)}`;
  } else if (phase === 'failed') {
    state = 'Training failed';
    detail = error ?? outcome?.message ?? null;
  } else {
    state = blocked ? 'Not ready to train' : 'Ready to train';
    detail = blocked;
  }
  const title = [state, detail, outcome?.message ? capitalize(outcome.message) : null].filter(Boolean).join(' — ');

  return (
    <div className="mw-runcontrol" data-testid="topbar-run">
      {busy ? (
        <button type="button" onClick={stop} disabled={phase !== 'running'} data-testid="topbar-stop" title="Stop after the current batch, keeping what was learned">■ Stop</button>
      ) : (
        <button type="button" className="mw-train" onClick={train} disabled={blocked !== null} data-testid="topbar-train" title={blocked ?? 'Train the model with the settings in the Training tab'}>▶ Train</button>
      )}
      <button type="button" className="mw-runstate" onClick={() => setUi({ activePanel: 'training' })} data-testid="topbar-run-state" data-phase={phase} title={title}>
        <span className="mw-runstate-text">{state}{detail ? <span className="mw-muted"> · {detail}</span> : null}</span>
        {fraction !== null && <span className="mw-runstate-bar" aria-hidden><span style={{ width: `${fraction * 100}%` }} /></span>}
      </button>
    </div>
  );
}
