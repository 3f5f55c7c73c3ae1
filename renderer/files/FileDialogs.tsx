// In-page Open and Save-as dialogs for hosts without native ones (the browser under `modelwright serve`):
// a path on the computer running Modelwright, the recent files, or an upload / a download instead.
import { useEffect, useState, type FormEvent } from 'react';
import type { RecentProject } from '../../app/api/types.ts';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';
import { getHost } from '../state/host.ts';
import { useProject } from '../state/projectStore.ts';
import { setUi, useUi } from '../state/uiStore.ts';
import { errorMessage, notify } from '../ui/notify.ts';
import { downloadProject, isExistsError, openPath, openText, safeFileName, saveProjectAs } from './fileActions.ts';
import { pickFileText } from './pickFile.ts';

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
  const [path, setPath] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  useEffect(() => {
    getHost()?.api.projects.listRecent().then(setRecent, () => setRecent([]));
  }, []);
  const open = async (p: string) => {
    try {
      await openPath(p);
      close();
    } catch (err) {
      setError(errorMessage(err));
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim()) void open(path.trim());
  };
  return (
    <Modal title="Open a project or model" testId="open-dialog">
      <form onSubmit={submit}>
        <label htmlFor="mw-open-path">Path of a .mwproj project, or a Keras / TF.js model .json, on the computer running Modelwright</label>
        <div className="mw-row">
          <input id="mw-open-path" type="text" value={path} onChange={(e) => setPath(e.target.value)} placeholder="/home/me/models/iris.mwproj" autoFocus spellCheck={false} />
          <button type="submit" disabled={!path.trim()}>Open</button>
        </div>
      </form>
      {error && <p className="mw-field-error" role="alert">{error}</p>}
      {recent.length > 0 && (
        <>
          <h3>Recent</h3>
          <ul className="mw-recent">
            {recent.map((r) => (
              <li key={r.path}>
                <button type="button" className="mw-link" disabled={!r.exists} onClick={() => void open(r.path)} title={r.path}>{r.name}</button>
                <span className="mw-muted"> {r.exists ? r.path : 'moved or deleted'}</span>
              </li>
            ))}
          </ul>
        </>
      )}
      <div className="mw-row mw-dialog-buttons">
        <button type="button" onClick={() => { close(); uploadAndOpen().catch((err) => notify.error(err, 'Could not open the file')); }}>Upload a file from this computer…</button>
        <button type="button" onClick={close}>Cancel</button>
      </div>
    </Modal>
  );
}

function SaveAsDialog() {
  const doc = useProject((s) => s.document);
  const filePath = useProject((s) => s.filePath);
  const [path, setPath] = useState(() => filePath ?? `${safeFileName(doc?.name ?? 'model')}${PROJECT_EXTENSION}`);
  const [error, setError] = useState<string | null>(null);
  const [exists, setExists] = useState(false);
  const save = async (overwrite: boolean) => {
    try {
      if (await saveProjectAs(path.trim(), undefined, { overwrite })) close();
    } catch (err) {
      if (isExistsError(err)) {
        setExists(true);
        setError(errorMessage(err));
      } else {
        setError(errorMessage(err));
      }
    }
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (path.trim()) void save(false);
  };
  return (
    <Modal title="Save project as" testId="save-as-dialog">
      <form onSubmit={submit}>
        <label htmlFor="mw-save-path">Path on the computer running Modelwright (a relative path is saved in the folder where it was started)</label>
        <div className="mw-row">
          <input id="mw-save-path" type="text" value={path} onChange={(e) => { setPath(e.target.value); setExists(false); }} autoFocus spellCheck={false} data-testid="save-path" />
          <button type="submit" disabled={!path.trim()}>Save</button>
        </div>
      </form>
      {error && <p className="mw-field-error" role="alert">{error}</p>}
      {exists && <button type="button" onClick={() => void save(true)}>Replace the existing file</button>}
      <div className="mw-row mw-dialog-buttons">
        <button type="button" onClick={() => { downloadProject(); close(); }}>Download instead</button>
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
