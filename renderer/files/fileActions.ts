// Opening, saving and recovering projects: the host asks where (native dialogs on the desktop, the
// in-page dialogs in the browser), these functions do the rest through the API; downloads; and the
// crash-recovery copy.
import { ApiError } from '../../app/api/errors.ts';
import { serializeProject, type ProjectDocument } from '../../app/project/document.ts';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';
import type { Host } from '../host/host.ts';
import { getHost, requireApi, requireHost } from '../state/host.ts';
import { projectStore, type ProjectStore } from '../state/projectStore.ts';
import { setUi } from '../state/uiStore.ts';
import { notify } from '../ui/notify.ts';
import { formatBytes } from '../../app/format.ts';
import { uploadMaxRequestBytes } from '../../app/api/contract.ts';
import { fileToBase64 } from './fileToBase64.ts';
import { pickFolderFiles, type PickedFile } from './pickFile.ts';

/** The largest model folder the page uploads: the host's request limit, less base64's third. */
const maxModelUploadBytes = Math.floor(uploadMaxRequestBytes * 0.74);

function show(store: ProjectStore, document: ProjectDocument, path: string | null, warnings: string[] = [], dirty = false): void {
  store.getState().openDocument(document, path, { dirty });
  setUi({ activePanel: 'canvas', showStart: false, fitViewRequest: Date.now() });
  if (warnings.length) {
    notify.warning(`Opened with ${warnings.length} note${warnings.length === 1 ? '' : 's'} from the import`, { detail: warnings.join(' '), timeout: 15_000 });
  }
}

/**
 * Before replacing a document with unsaved changes: asks (with a notification's buttons, which work in
 * every host and in automated browsers, unlike window.confirm) whether to discard them.
 */
export function confirmDiscard(store = projectStore): Promise<boolean> {
  const { document, dirty } = store.getState();
  if (!document || !dirty) return Promise.resolve(true);
  return new Promise((resolve) => {
    const id = notify.warning(`“${document.name}” has unsaved changes.`, {
      detail: 'Save it first (Ctrl+S), or discard the changes and continue.',
      actions: [
        { label: 'Discard changes', run: () => { notify.dismiss(id); resolve(true); } },
        { label: 'Cancel', run: () => { notify.dismiss(id); resolve(false); } },
      ],
    });
  });
}

export async function newFromTemplate(templateId: string, store = projectStore): Promise<void> {
  if (!(await confirmDiscard(store))) return;
  const doc = await requireApi().projects.newFromTemplate(templateId);
  show(store, doc, null);
}

export async function newBlankProject(store = projectStore): Promise<void> {
  if (!(await confirmDiscard(store))) return;
  const doc = await requireApi().projects.newBlank();
  show(store, doc, null);
}

/** Opens a project or Keras / TF.js model file from the host's disk. */
export async function openPath(path: string, store = projectStore): Promise<void> {
  if (!(await confirmDiscard(store))) return;
  const opened = await requireApi().projects.open(path);
  // An imported model is a new project: saving it must not overwrite the model file.
  const isProject = opened.kind === 'project';
  show(store, opened.document, isProject ? opened.path : null, opened.warnings, !isProject);
}

/** An uploaded or picked file's text: a project, or a Keras / TF.js model imported as a new project. */
export async function openText(fileName: string, text: string, store = projectStore): Promise<void> {
  if (!(await confirmDiscard(store))) return;
  const name = fileName.replace(/\.(mwproj|json)$/i, '') || undefined;
  const opened = await requireApi().projects.importModelText(text, name);
  show(store, opened.document, null, opened.warnings, opened.kind !== 'project');
}

/**
 * "Import model folder…": a trained TF.js layers model folder (model.json + .bin files, picked as a folder, or
 * chosen or dropped as files) uploaded to the host, which checks it and saves it as a project with its weights
 * folder beside it; the project opens (saved, so training finds the weights).
 */
export async function importModelFolder(files: PickedFile[] | 'pick-files' | null = null, store = projectStore): Promise<void> {
  const picked = files === 'pick-files' ? await pickFolderFiles('.json,.bin,application/json,application/octet-stream') : files ?? await pickFolderFiles();
  if (!picked || picked.length === 0) return;
  if (!(await confirmDiscard(store))) return;
  const total = picked.reduce((n, f) => n + f.file.size, 0);
  // Base64 makes a request a third larger than its files; the host refuses requests over its limit.
  if (total > maxModelUploadBytes) {
    throw new Error(`The model's files add up to ${formatBytes(total)}; up to ${formatBytes(maxModelUploadBytes)} can be uploaded here. Import larger models with "modelwright import MODEL_DIR -o FILE.mwproj" and open the project.`);
  }
  const top = picked[0].path.includes('/') ? picked[0].path.split('/')[0] : 'imported-model';
  const encoded = await Promise.all(picked.map(async (f) => ({ path: f.path, data: await fileToBase64(f.file) })));
  const opened = await requireApi().projects.importModelFiles(top, encoded);
  show(store, opened.document, opened.path, opened.warnings);
  const carried = opened.document.weights?.layers.length ?? 0;
  notify.success(`Imported “${opened.document.name}”: ${carried} layer${carried === 1 ? '' : 's'} with weights (marked ⤓ on the canvas).`);
}

/** Ctrl+O: the host asks which file (the native dialog, or the in-page one, which opens it itself). */
export async function openProject(store = projectStore, host: Host = requireHost()): Promise<void> {
  const path = await host.openProject();
  if (path) await openPath(path, store);
}

/** Ctrl+S: saves where the project came from; a project never saved asks where (Save as). */
export async function saveProject(store = projectStore): Promise<boolean> {
  const { document, filePath } = store.getState();
  if (!document) return false;
  if (!filePath) return saveProjectAs(undefined, store);
  return writeTo(filePath, false, store);
}

/**
 * Save as. Without a path the host asks where: the native dialog, or the in-page dialog (which calls back
 * with a file name). Returns false when nothing was saved (cancelled, the in-page dialog took over, or
 * the file exists and `overwrite` was not given).
 */
export async function saveProjectAs(path?: string, store = projectStore, options: { overwrite?: boolean } = {}, host?: Host): Promise<boolean> {
  const { document } = store.getState();
  if (!document) return false;
  if (path === undefined) {
    const chosen = await (host ?? requireHost()).saveAs(`${safeFileName(document.name)}${PROJECT_EXTENSION}`);
    // The host already asked about replacing an existing file.
    return chosen ? writeTo(chosen, true, store) : false;
  }
  return writeTo(path, Boolean(options.overwrite), store, true);
}

async function writeTo(path: string, overwrite: boolean, store: ProjectStore, asNew = false): Promise<boolean> {
  const state = store.getState();
  if (!state.document) return false;
  const version = state.version;
  const api = requireApi();
  // Imported weights lie beside the file the project came from: Save as copies them beside the new one.
  const weightsFrom = state.document.weights && state.filePath ? { weightsFrom: state.filePath } : {};
  const saved = asNew && !overwrite
    ? await api.projects.saveAs(path, state.document, { overwrite: false, ...weightsFrom })
    : asNew ? await api.projects.saveAs(path, state.document, { overwrite: true, ...weightsFrom }) : await api.projects.save(path, state.document);
  store.getState().markSaved(saved.path, version, saved.document);
  notify.success(shownLocation(saved.path) ? `Saved to ${saved.path}` : `Saved “${saved.document.name}”`);
  await api.projects.clearRecovery().catch(() => {});
  return true;
}

/** Where a file is, for display: a workspace name or a path; nothing for a desktop handle (it means nothing to a person). */
export function shownLocation(path: string | null | undefined): string | null {
  return path && !path.startsWith('handle:') ? path : null;
}

export function isExistsError(err: unknown): boolean {
  return err instanceof ApiError ? err.code === 'exists' : (err as { code?: string } | null)?.code === 'exists';
}

export function safeFileName(name: string): string {
  // Control characters are dropped by the filter; the regex handles the characters Windows refuses.
  const printable = [...name].filter((ch) => ch.charCodeAt(0) >= 32).join('');
  return printable.replace(/[\\/:*?"<>|]+/g, '_').trim() || 'model';
}

/** Browser mode: the project file as a download (a copy; the open document keeps its save location). */
export function downloadProject(store = projectStore): void {
  const { document } = store.getState();
  if (!document) return;
  const text = serializeProject(document);
  downloadText(`${safeFileName(document.name)}${PROJECT_EXTENSION}`, text, 'application/json');
}

export function downloadText(fileName: string, text: string, type = 'text/plain'): void {
  downloadBlob(fileName, new Blob([text], { type }));
}

/** A file the host sent base64-encoded (a zip), as a download. */
export function downloadBase64(fileName: string, base64: string, type = 'application/octet-stream'): void {
  const binary = atob(base64);
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  downloadBlob(fileName, new Blob([bytes], { type }));
}

/** Any bytes the page made (an image, a file), as a download. */
export function downloadBlob(fileName: string, blob: Blob): void {
  const url = URL.createObjectURL(blob);
  const a = window.document.createElement('a');
  a.href = url;
  a.download = fileName;
  window.document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 1000);
}

// ------------------------------------------------------------------ crash recovery

const recoveryDelayMs = 2000;

/**
 * Keeps a recovery copy of unsaved work on the host, at most one write per `delay` after edits stop,
 * so a crash or a closed tab loses at most a couple of seconds. Returns a function that stops it.
 */
export function startRecovery(store = projectStore, delay = recoveryDelayMs): () => void {
  let timer: ReturnType<typeof setTimeout> | null = null;
  let lastWritten: ProjectDocument | null = null;
  let warned = false;
  const write = () => {
    timer = null;
    const { document, filePath, dirty } = store.getState();
    const host = getHost();
    if (!document || !dirty || !host || document === lastWritten) return;
    lastWritten = document;
    host.api.projects.saveRecovery(document, filePath).catch((err: unknown) => {
      if (!warned) notify.error(err, 'The recovery copy of your unsaved work could not be written; save the project to be safe.');
      warned = true;
    });
  };
  const unsubscribe = store.subscribe((s, prev) => {
    if (s.document !== prev.document && s.dirty && !timer) timer = setTimeout(write, delay);
  });
  return () => {
    unsubscribe();
    if (timer) clearTimeout(timer);
  };
}

/** On launch: offers unsaved work left by a crash, if the host kept any. */
export async function offerRecovery(store = projectStore): Promise<void> {
  const host = getHost();
  if (!host) return;
  const copy = await host.api.projects.loadRecovery();
  if (!copy) return;
  const when = new Date(copy.savedAt);
  // Once the user opens or creates something else the offer is moot (restoring would replace that work).
  const stopWatching = store.subscribe((s, prev) => {
    if (s.document !== prev.document) {
      notify.dismiss(id);
      stopWatching();
    }
  });
  const id = notify.warning(`Unsaved work on "${copy.document.name}" from ${when.toLocaleString()} was recovered.`, {
    detail: 'Modelwright closed before it was saved. Restore it to keep working on it, or discard it.',
    actions: [
      { label: 'Restore', run: () => { stopWatching(); notify.dismiss(id); show(store, copy.document, copy.path, [], true); } },
      { label: 'Discard', run: () => { stopWatching(); notify.dismiss(id); void host.api.projects.clearRecovery(); } },
    ],
  });
}
