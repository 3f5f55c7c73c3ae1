// Train and Stop for the open project, shared by the top bar (on every tab) and the Training panel, so
// both say the same thing about whether the model can train and why not.
import { projectInputOf } from '../state/projectInput.ts';
import { useEffect } from 'react';
import type { ReadinessProblem } from '../../app/training/readiness.ts';
import { projectStore, useProject } from '../state/projectStore.ts';
import { useReadiness } from '../state/readiness.ts';
import { trainingSession, useTrainingSession, type TrainingPhase } from '../state/trainingSession.ts';
import { uiStore } from '../state/uiStore.ts';
import { notify } from './notify.ts';
import { useApi } from './useApi.ts';

export interface TrainAction {
  phase: TrainingPhase;
  /** Starting, running or stopping: Train is replaced by Stop. */
  busy: boolean;
  /** Why Train is disabled, in one sentence; null when the project can train. */
  blocked: string | null;
  /** The readiness check's first refusal (what the trainer would refuse), with its fixes; null when none. */
  refusal: ReadinessProblem | null;
  /** Starts a run of the open project; a failure to start lands in the session's state (phase `failed`). */
  train: () => Promise<void>;
  stop: () => void;
}

/** Keeps the training session connected to the current back end and picks up a run still training after a reload. */
export function useSessionAttached(): void {
  const api = useApi();
  useEffect(() => {
    trainingSession.attach(api);
    if (api) trainingSession.adoptActive().catch(() => {});
  }, [api]);
}

/** What the trainer would refuse, as the Training panel and the top bar say it. */
export function refusalSentence(problem: ReadinessProblem): string {
  return `The model cannot be trained yet: ${problem.message}.${problem.advice ? ` What to do: ${problem.advice}.` : ''}`;
}

export function useTrainAction(): TrainAction {
  const api = useApi();
  const doc = useProject((s) => s.document);
  const { readiness, data } = useReadiness();
  const phase = useTrainingSession((s) => s.phase);
  const busy = phase === 'starting' || phase === 'running' || phase === 'stopping';
  // The readiness check the trainer makes too (app/training/readiness.ts): what it would refuse is said before Train.
  const refusal = readiness.problems.find((p) => p.severity === 'error') ?? null;

  let blocked: string | null = null;
  if (!api) blocked = 'Not connected to the Modelwright back end; training is unavailable until it reconnects.';
  else if (!doc) blocked = 'Open a project first.';
  else if (!doc.dataset) blocked = 'Choose the data to train on first (the Data tab).';
  else if (data.status === 'error') blocked = `The data cannot be used as it is set (the Data tab says more): ${data.error}`;
  else if (refusal) blocked = refusalSentence(refusal);
  else if (!readiness.ready) blocked = 'The model cannot be trained yet: fix the problems shown on the canvas.';

  const train = async () => {
    // Read at click time, so a setting committed by the same click (a field's blur) is included.
    const { document: current, filePath } = projectStore.getState();
    if (!current || trainingSession.busy) return;
    try {
      const { warmStartRunId } = uiStore.getState();
      await trainingSession.start(projectInputOf(current, filePath), warmStartRunId !== null ? { warmStartRunId } : undefined);
    } catch {
      // The session holds the reason (phase `failed`, `error`); the top bar and the Training panel show it.
    }
  };
  const stop = () => { trainingSession.stop().catch((err) => notify.error(err, 'Could not stop the run')); };
  return { phase, busy, blocked, refusal, train, stop };
}
