// In-page Open and Save-as dialogs for hosts without native ones (the browser under `modelwright serve`).
// The page never names a file on the computer running Modelwright: it opens a recent project of the
// workspace or an uploaded file, and saves under a file name in the workspace (or downloads a copy).
import { useEffect, useState, type DragEvent, type FormEvent } from 'react';
import type { RecentProject } from '../../app/api/types.ts';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';
import { useProject } from '../state/projectStore.ts';
import { setUi, useUi } from '../state/uiStore.ts';
import { errorMessage } from '../ui/notify.ts';
import { useApi } from '../ui/useApi.ts';
import { downloadProject, isExistsError, openPath, openText, safeFileName, saveProjectAs } from './fileActions.ts';
import { pickFileText, readDroppedText } from './pickFile.ts';

const close = () => setUi({ dialog: null });

export async function uploadAndOpen(): Promise<void> {
  const file = await pickFileText('.mwproj,.json,application/json');
  if (file) await openText(file.name, file.text);
}
function Modal({ title, children, testId }: { title: string; children: React.ReactNode; testId: string }) {
  return (
    <div className="mw-modal-backdrop" onClick={close}>
      <div className="mw-modal" role="dialog" aria-modal="true" aria-label={title} onClick={(e) => e.stopPropagation()} data-testid={testId}>
        <h2>{title}</h2>
        {children}
      </div>
    </div>
  );
}

function OpenDialog() {
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const [over, setOver] = useState(false);
  const api = useApi();
  useEffect(() => {
    api?.projects.listRecent().then(setRecent, () => setRecent([]));
  }, [api]);
  const attempt = async (action: () => Promise<void>) => {
    try {
      await action();
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const drop = (e: DragEvent) => {
    e.preventDefault();
    setOver(false);
    void attempt(async () => {
      const file = await readDroppedText(e.dataTransfer);
      if (file) await openText(file.name, file.text);
    });
  };
  return (
    <Modal title="Open a project or model" testId="open-dialog">
      <div className={`mw-drop${over ? ' mw-drop-over' : ''}`} data-testid="open-drop"
        onDragOver={(e) => { e.preventDefault(); setOver(true); }} onDragLeave={() => setOver(false)} onDrop={drop}>
        <p>Drop a <code>{PROJECT_EXTENSION}</code> project or a Keras / TF.js model <code>.json</code> here, or</p>
        <button type="button" className="mw-primary" autoFocus data-testid="open-upload"
          onClick={() => void attempt(uploadAndOpen)}>Upload a file from this computer…</button>
      </div>
      {error && <p className="mw-field-error" role="alert">{error}</p>}
      <h3>Recent projects in your workspace</h3>
      {recent.length === 0 ? <p className="mw-muted">None yet: projects you save show up here, also after a reload.</p> : (
        <ul className="mw-recent" data-testid="open-recent">
          {recent.map((r) => (
            <li key={r.path}>
              <button type="button" className="mw-link" disabled={!r.exists} onClick={() => void attempt(() => openPath(r.path))}>{r.name}</button>
              <span className="mw-muted"> {r.exists ? r.path : 'moved or deleted'}</span>
            </li>
          ))}
        </ul>
      )}
      <div className="mw-row mw-dialog-buttons">
        <button type="button" onClick={close}>Cancel</button>
      </div>
    </Modal>
  );
}

/** The file name part of what the project was saved as (the workspace never has folders for projects). */
function fileNameOf(saved: string | null, name: string | undefined): string {
  if (saved && !saved.startsWith('handle:')) return saved.split(/[\\/]/).pop() ?? saved;
  return `${safeFileName(name ?? 'model')}${PROJECT_EXTENSION}`;
}

function SaveAsDialog() {
  const doc = useProject((s) => s.document);
  const filePath = useProject((s) => s.filePath);
  const [name, setName] = useState(() => fileNameOf(filePath, doc?.name));
  const [error, setError] = useState<string | null>(null);
  const [exists, setExists] = useState(false);
  const save = async (overwrite: boolean) => {
    try {
      if (await saveProjectAs(safeFileName(name.trim()), undefined, { overwrite })) close();
    } catch (err) {
      setExists(isExistsError(err));
      setError(errorMessage(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (name.trim()) void save(false);
  };
  return (
    <Modal title="Save project as" testId="save-as-dialog">
      <form onSubmit={submit}>
        <label htmlFor="mw-save-name">File name in your Modelwright workspace</label>
        <div className="mw-row">
          <input id="mw-save-name" type="text" value={name} onChange={(e) => { setName(e.target.value); setExists(false); }} autoFocus spellCheck={false} data-testid="save-name" />
          <button type="submit" disabled={!name.trim()}>Save</button>
        </div>
        <p className="mw-muted">Saved projects are listed under Open and on the start page. To keep a copy elsewhere, download it.</p>
      </form>
      {error && <p className="mw-field-error" role="alert">{error}</p>}
      {exists && <button type="button" onClick={() => void save(true)}>Replace the existing project</button>}
      <div className="mw-row mw-dialog-buttons">
        <button type="button" onClick={() => { downloadProject(); close(); }} data-testid="save-download">Download a copy</button>
        <button type="button" onClick={close}>Cancel</button>
      </div>
    </Modal>
  );
}

export function FileDialogs() {
  const dialog = useUi((s) => s.dialog);
  if (dialog === 'open') return <OpenDialog />;
  if (dialog === 'saveAs') return <SaveAsDialog />;
  return null;
}
