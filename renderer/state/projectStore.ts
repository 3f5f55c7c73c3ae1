// The open project as the UI sees it: the document, where it is saved, what is selected, and the
// undo/redo history of patches. One zustand store; derived data (shapes, errors) is never kept here.
import { createStore, type StoreApi } from 'zustand/vanilla';
import { useStore } from 'zustand';
import type { ProjectDocument } from '../../app/project/document.ts';
import { applyPatch, invertPatch, isEmptyPatch, resolvePatch, type ClipboardContent, type DocPatch, type EditResult } from './patch.ts';
import { emptySelection, type Selection } from './selection.ts';

export interface HistoryEntry {
  /** Command id that made the change (`setParam`, `moveLayers`...). */
  command: string;
  /** Words for the Edit menu: "Undo Set units". */
  label: string;
  patch: DocPatch;
  selectionBefore: Selection;
  selectionAfter: Selection;
  /** Identifies the document state after this entry; the saved state is matched against it. */
  version: number;
}

export interface ProjectState {
  document: ProjectDocument | null;
  /** Where the document is saved on the host; null until it is saved once. */
  filePath: string | null;
  /** Version of the document last saved or opened (0 = the state right after opening). */
  savedVersion: number;
  /** Version of the current document: the top of the undo stack, 0 when it is empty. */
  version: number;
  /** Version of the state under the oldest undo entry (what undoing everything returns to). */
  baseVersion: number;
  /** True when the document differs from the one last saved or opened: derived from the versions. */
  dirty: boolean;
  selection: Selection;
  past: HistoryEntry[];
  future: HistoryEntry[];
  clipboard: ClipboardContent | null;
  /** Bumped whenever a document is opened, created or closed (not by edits): panels about "this project" start over. */
  opened: number;
}

export interface ProjectActions {
  /** Shows a document (opened, new, imported, restored); `dirty` for documents not on disk as shown. */
  openDocument(document: ProjectDocument, filePath: string | null, options?: { dirty?: boolean }): void;
  closeDocument(): void;
  /** Applies a command's result as one undoable step. */
  commit(command: string, label: string, result: EditResult): void;
  undo(): HistoryEntry | null;
  redo(): HistoryEntry | null;
  setSelection(selection: Selection): void;
  setClipboard(clip: ClipboardContent | null): void;
  /** Records a finished save of the state that had `version`; later edits stay unsaved. */
  markSaved(filePath: string, version: number, saved?: ProjectDocument): void;
}

export type ProjectStore = StoreApi<ProjectState & ProjectActions>;

const maxHistory = 500;

export function createProjectStore(): ProjectStore {
  let nextVersion = 1;
  return createStore<ProjectState & ProjectActions>()((set, get) => ({
    document: null,
    filePath: null,
    savedVersion: 0,
    version: 0,
    baseVersion: 0,
    dirty: false,
    selection: emptySelection,
    past: [],
    future: [],
    clipboard: null,
    opened: 0,

    openDocument(document, filePath, options = {}) {
      const version = nextVersion++;
      set({
        document,
        filePath,
        version,
        baseVersion: version,
        savedVersion: options.dirty ? -1 : version,
        dirty: Boolean(options.dirty),
        selection: emptySelection,
        past: [],
        future: [],
        opened: get().opened + 1,
      });
    },

    closeDocument() {
      set({
        document: null, filePath: null, version: 0, baseVersion: 0, savedVersion: 0, dirty: false, selection: emptySelection, past: [], future: [],
        opened: get().opened + 1,
      });
    },

    commit(command, label, result) {
      const state = get();
      if (!state.document || isEmptyPatch(result.patch)) return;
      const patch = resolvePatch(state.document, result.patch);
      const document = applyPatch(state.document, patch);
      const version = nextVersion++;
      const entry: HistoryEntry = {
        command,
        label,
        patch,
        selectionBefore: state.selection,
        selectionAfter: result.select ?? state.selection,
        version,
      };
      const trim = state.past.length >= maxHistory;
      const past = trim ? [...state.past.slice(1), entry] : [...state.past, entry];
      const baseVersion = trim ? state.past[0].version : state.baseVersion;
      set({ document, version, baseVersion, dirty: version !== state.savedVersion, past, future: [], selection: entry.selectionAfter });
    },

    undo() {
      const state = get();
      const entry = state.past[state.past.length - 1];
      if (!entry || !state.document) return null;
      const document = applyPatch(state.document, invertPatch(entry.patch));
      const past = state.past.slice(0, -1);
      const version = past.length ? past[past.length - 1].version : state.baseVersion;
      set({ document, past, future: [...state.future, entry], version, dirty: version !== state.savedVersion, selection: entry.selectionBefore });
      return entry;
    },

    redo() {
      const state = get();
      const entry = state.future[state.future.length - 1];
      if (!entry || !state.document) return null;
      const document = applyPatch(state.document, entry.patch);
      set({
        document,
        past: [...state.past, entry],
        future: state.future.slice(0, -1),
        version: entry.version,
        dirty: entry.version !== state.savedVersion,
        selection: entry.selectionAfter,
      });
      return entry;
    },

    setSelection(selection) {
      const cur = get().selection;
      if (sameList(cur.layers, selection.layers) && sameList(cur.connections, selection.connections)) return;
      set({ selection });
    },

    setClipboard(clipboard) {
      set({ clipboard });
    },

    markSaved(filePath, version, saved) {
      const state = get();
      const unchanged = state.version === version;
      set({
        filePath,
        savedVersion: version,
        dirty: state.version !== version,
        // Take the saved document (new modifiedAt) only if nothing was edited while the save ran.
        document: unchanged && saved && state.document ? { ...state.document, modifiedAt: saved.modifiedAt } : state.document,
      });
    },
  }));
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** The application's one project store. */
export const projectStore: ProjectStore = createProjectStore();

/** React hook over the project store: `useProject((s) => s.document)`. */
export function useProject<T>(selector: (state: ProjectState & ProjectActions) => T): T {
  return useStore(projectStore, selector);
}
