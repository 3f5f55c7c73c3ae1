// Which run the evaluation, try-it and export panels show, and which runs are ticked for comparison:
// shared by the runs table and those panels, and set when a training run finishes.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';

export const maxCompare = 6;

export interface RunSelectionState {
  /** The run the evaluation, try-it and export panels are about. */
  focusedRunId: number | null;
  /** Runs ticked for comparison, in the order they were ticked (the first is the baseline). */
  compareIds: number[];
}

export const runSelection = createStore<RunSelectionState>()(() => ({ focusedRunId: null, compareIds: [] }));

export function useRunSelection<T>(selector: (s: RunSelectionState) => T): T {
  return useStore(runSelection, selector);
}

export function focusRun(runId: number | null): void {
  runSelection.setState({ focusedRunId: runId });
}

/** Ticks or unticks a run for comparison; refuses a seventh with a message. */
export function toggleCompare(runId: number): { ok: true } | { ok: false; message: string } {
  const { compareIds } = runSelection.getState();
  if (compareIds.includes(runId)) {
    runSelection.setState({ compareIds: compareIds.filter((id) => id !== runId) });
    return { ok: true };
  }
  if (compareIds.length >= maxCompare) return { ok: false, message: `Compare at most ${maxCompare} runs at a time; untick one first.` };
  runSelection.setState({ compareIds: [...compareIds, runId] });
  return { ok: true };
}

/** After a delete: the run leaves the selection and the comparison. */
export function forgetRun(runId: number): void {
  const { focusedRunId, compareIds } = runSelection.getState();
  runSelection.setState({ focusedRunId: focusedRunId === runId ? null : focusedRunId, compareIds: compareIds.filter((id) => id !== runId) });
}
