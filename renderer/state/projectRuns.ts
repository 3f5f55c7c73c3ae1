// Keeps the run panels (Training, Evaluation, Try it, Export) about the open project: opening or creating a
// project forgets the previous project's finished run and the focused run, and a run that ends becomes the
// focused one whichever tab started it.
import type { ProjectDocument } from '../../app/project/document.ts';
import type { RunSummary } from '../../app/store/types.ts';
import { projectStore, type ProjectStore } from './projectStore.ts';
import { runSelection, type RunSelectionState } from './runSelection.ts';
import { trainingSession, type TrainingSession } from './trainingSession.ts';
import type { StoreApi } from 'zustand/vanilla';
import { setUi } from './uiStore.ts';

/**
 * True when a run was trained from this project: same project name, started after the project was
 * created. (Runs record the project by name; two projects named alike are told apart by time, so a
 * new blank project never shows an older "Untitled" project's runs.)
 */
export function runBelongsTo(run: Pick<RunSummary, 'project' | 'startedAt' | 'createdAt'>, doc: Pick<ProjectDocument, 'name' | 'createdAt'> | null): boolean {
  if (!doc || run.project !== doc.name) return false;
  const started = Date.parse(run.startedAt ?? run.createdAt);
  const created = Date.parse(doc.createdAt);
  return !(started < created);
}

/** Wires the stores together; returns a function that undoes it (tests). */
export function connectProjectRuns(
  store: ProjectStore = projectStore,
  session: TrainingSession = trainingSession,
  selection: StoreApi<RunSelectionState> = runSelection,
): () => void {
  const offProject = store.subscribe((state, prev) => {
    if (state.opened === prev.opened) return;
    // A run still training keeps its place in the top bar (it can be stopped from there); a finished one is forgotten.
    session.clear();
    selection.setState({ focusedRunId: null });
    // Another project's run is no run to start from.
    setUi({ warmStartRunId: null });
  });
  const offSession = session.store.subscribe((state, prev) => {
    if (state.phase === prev.phase || !state.outcome) return;
    if (state.phase === 'finished' || state.phase === 'failed') selection.setState({ focusedRunId: state.outcome.runId });
  });
  return () => {
    offProject();
    offSession();
  };
}
