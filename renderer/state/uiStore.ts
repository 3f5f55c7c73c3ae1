// UI state that is not part of the project: which panel shows, which dialog is open, and requests the
// canvas answers (fit view). Kept apart from the project store so it never enters undo history.
import { createStore } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { Viewport } from '@xyflow/react';
import type { ExpandedBlock } from '../commands/blockEdits.ts';

export type DialogKind = 'open' | 'saveAs' | null;

export interface UiState {
  /** Main-area panel id (see panels/registry.ts). */
  activePanel: string;
  shortcutsOpen: boolean;
  dialog: DialogKind;
  /** Bumped to ask the canvas to fit the view (it watches the number). */
  fitViewRequest: number;
  /** The last fit request the canvas carried out: a request is one-shot, never replayed when the canvas is shown again. */
  fitViewHandled: number;
  /** Where the user left the canvas's view (pan and zoom), restored when the canvas is shown again. */
  canvasViewport: Viewport | null;
  /** Shown on the start page after the user chose "Back to start" with a project still open. */
  showStart: boolean;
  /** The Training panel's mode: train the project once, or tune its settings with a sweep. */
  trainingMode: 'train' | 'tune';
  /** The block last expanded on the canvas: "Make block" on exactly its layers collapses it again under its name. */
  expandedBlock: ExpandedBlock | null;
  /** The run the next training starts from (a warm start, the Training panel's "Start from run…"); null: new weights. */
  warmStartRunId: number | null;
}

export const uiStore = createStore<UiState>()(() => ({
  activePanel: 'canvas',
  shortcutsOpen: false,
  dialog: null,
  fitViewRequest: 0,
  fitViewHandled: 0,
  canvasViewport: null,
  showStart: false,
  trainingMode: 'train',
  expandedBlock: null,
  warmStartRunId: null,
}));

export function useUi<T>(selector: (s: UiState) => T): T {
  return useStore(uiStore, selector);
}

export function setUi(patch: Partial<UiState>): void {
  uiStore.setState(patch);
}
