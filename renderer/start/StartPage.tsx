// The start page: a gallery of ready-to-train templates (one sentence each), a blank project, opening a
// project file, importing a Keras / TF.js model JSON or a trained model folder with its weights, and the recent projects.
import { useEffect, useState } from 'react';
import type { RecentProject, TemplateSummary } from '../../app/api/types.ts';
import { templates as localTemplates } from '../../app/templates/index.ts';
import { uploadAndOpen } from '../files/FileDialogs.tsx';
import { importModelFolder, newBlankProject, newFromTemplate, openPath, openProject, openText, shownLocation } from '../files/fileActions.ts';
import { pickFileText } from '../files/pickFile.ts';
import { useHost } from '../host/HostProvider.tsx';
import { useProject } from '../state/projectStore.ts';
import { setUi } from '../state/uiStore.ts';
import { notify } from '../ui/notify.ts';
import { dataSourceName } from '../../app/data/sourceName.ts';

// The catalogue ships with the renderer too, so the gallery shows at once even before the host answers.
const fallbackTemplates: TemplateSummary[] = localTemplates.map((t) => ({
  id: t.id, title: t.title, description: t.description, datasetSource: t.dataset.source, task: t.dataset.task, layerCount: t.graph.layers.length,
}));

/** Runs an action, turning any failure into a readable message; `busy` disables the buttons meanwhile. */
function useAction() {
  const [busy, setBusy] = useState<string | null>(null);
  const run = (key: string, what: string, action: () => Promise<unknown>) => {
    if (busy) return;
    setBusy(key);
    action().catch((err) => notify.error(err, what)).finally(() => setBusy(null));
  };
  return { busy, run };
}

export function StartPage() {
  const [templates, setTemplates] = useState<TemplateSummary[]>(fallbackTemplates);
  const [recent, setRecent] = useState<RecentProject[]>([]);
  const hasDoc = useProject((s) => s.document !== null);
  const docName = useProject((s) => s.document?.name);
  const { busy, run } = useAction();

  // After a reload the page renders before the WebSocket host connects: ask again once it is there.
  const host = useHost();
  const api = host?.api ?? null;
  useEffect(() => {
    if (!api) return;
    api.projects.listTemplates().then(setTemplates, () => {});
    api.projects.listRecent().then(setRecent, () => {});
  }, [api]);

  const importModel = () => run('import', 'Could not import the model', async () => {
    const file = await pickFileText('.json,application/json');
    if (file) await openText(file.name, file.text);
  });

  return (
    <main className="mw-start" data-testid="start-page">
      <header className="mw-start-head">
        <h1>Modelwright</h1>
        <p>Build, train and export neural networks without writing code. Pick a template to train a first model in a minute, or start from scratch.</p>
        {hasDoc && (
          <button type="button" onClick={() => setUi({ showStart: false })} data-testid="back-to-project">Back to “{docName}”</button>
        )}
      </header>

      <section aria-labelledby="mw-templates">
        <h2 id="mw-templates">Start from a template</h2>
        <div className="mw-gallery">
          {templates.map((t) => (
            <button
              key={t.id}
              type="button"
              className="mw-card"
              data-testid={`template-${t.id}`}
              disabled={busy !== null}
              onClick={() => run(t.id, `Could not open the template “${t.title}”`, () => newFromTemplate(t.id))}
            >
              <span className="mw-card-title">{t.title}</span>
              <span className="mw-card-desc">{t.description}</span>
              <span className="mw-card-meta">{t.layerCount} layers · data: {dataSourceName(t.datasetSource)} · {t.task}</span>
            </button>
          ))}
        </div>
      </section>

      <div className="mw-start-columns">
        <section aria-labelledby="mw-begin">
          <h2 id="mw-begin">Start</h2>
          <div className="mw-start-actions">
            <button type="button" data-testid="new-blank" disabled={busy !== null} onClick={() => run('blank', 'Could not create a project', () => newBlankProject())}>New blank project</button>
            <button type="button" data-testid="open-project" disabled={busy !== null} onClick={() => run('open', 'Could not open the project', () => openProject())}>Open a project file… <kbd>Ctrl+O</kbd></button>
            {/* Without a native Open dialog, a file from this computer comes as an upload. */}
            {!host?.can.nativeDialogs && (
              <button type="button" data-testid="upload-project" disabled={busy !== null} onClick={() => run('upload', 'Could not open the file', uploadAndOpen)}>Upload a project file…</button>
            )}
            <button type="button" data-testid="import-model" disabled={busy !== null} onClick={importModel}>Import a Keras / TF.js model JSON…</button>
            <button type="button" data-testid="import-model-folder" disabled={busy !== null} title="A trained TF.js layers model folder (model.json and its .bin files), e.g. exported by Modelwright or converted from Keras: its layers keep their weights"
              onClick={() => run('import-folder', 'Could not import the model folder', () => importModelFolder())}>Import a trained model folder (with weights)…</button>
            <button type="button" data-testid="import-model-files" disabled={busy !== null} title="The same, choosing model.json and its .bin files together (where a folder cannot be picked)"
              onClick={() => run('import-folder', 'Could not import the model', () => importModelFolder('pick-files'))}>… or its files (model.json + .bin)</button>
          </div>
        </section>
        <section aria-labelledby="mw-recent">
          <h2 id="mw-recent">Recent projects</h2>
          {recent.length === 0 ? (
            <p className="mw-empty">No recent projects yet. Projects you save or open show up here.</p>
          ) : (
            <ul className="mw-recent" data-testid="recent-projects">
              {recent.map((r) => (
                <li key={r.path}>
                  <button type="button" className="mw-link" disabled={!r.exists || busy !== null} title={shownLocation(r.path) ?? r.name}
                    onClick={() => run(r.path, `Could not open “${r.name}”`, () => openPath(r.path))}>{r.name}</button>
                  <span className="mw-muted"> {r.exists ? shownLocation(r.path) ?? '' : '(moved or deleted)'}</span>
                </li>
              ))}
            </ul>
          )}
        </section>
      </div>
    </main>
  );
}
