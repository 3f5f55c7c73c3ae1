// The studio shell: title bar (project name with the unsaved marker, file and edit buttons), the panel
// tabs from the registry, the inspector column, notifications, dialogs, the shortcut list, and keyboard
// shortcuts dispatched through the command registry. Every panel sits in its own error boundary.
import { Suspense, useEffect, useMemo } from 'react';
import { commands } from './commands/index.ts';
import { FileDialogs } from './files/FileDialogs.tsx';
import { downloadProject, shownLocation } from './files/fileActions.ts';
import { useHost } from './host/HostProvider.tsx';
import { mainPanels, sidePanels, type PanelDefinition } from './panels/registry.ts';
import { useProject } from './state/projectStore.ts';
import { setUi, uiStore, useUi } from './state/uiStore.ts';
import { StartPage } from './start/StartPage.tsx';
import { ErrorBoundary } from './ui/ErrorBoundary.tsx';
import { RunControl } from './ui/RunControl.tsx';
import { ShortcutHelp } from './ui/ShortcutHelp.tsx';
import { Toaster } from './ui/Toaster.tsx';

function isTyping(target: EventTarget | null): boolean {
  const el = target as HTMLElement | null;
  if (!el || !el.tagName) return false;
  return el.isContentEditable || el.tagName === 'INPUT' || el.tagName === 'TEXTAREA' || el.tagName === 'SELECT';
}

/** One `showPanel:<id>` command per panel, so panel shortcuts appear in the shortcut list too. */
function registerPanelCommands(list: PanelDefinition[]): () => void {
  const disposers = list.map((p) => commands.register({
    id: `showPanel:${p.id}`, title: `Show ${p.title}`, category: 'View', shortcuts: p.shortcut ? [p.shortcut] : undefined,
    run: () => setUi({ activePanel: p.id, showStart: false }),
  }));
  return () => disposers.forEach((d) => d());
}

function useShortcuts() {
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      const spec = commands.commandForKey(e);
      if (!spec) return;
      if (isTyping(e.target) && !spec.whileTyping) return;
      // While a dialog is open only Escape reaches the commands.
      if (uiStore.getState().dialog && spec.id !== 'clearSelection') return;
      e.preventDefault();
      commands.execute(spec.id);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function useTitleAndUnloadGuard() {
  const name = useProject((s) => s.document?.name);
  const dirty = useProject((s) => s.dirty);
  useEffect(() => {
    document.title = name ? `${dirty ? '● ' : ''}${name} — Modelwright` : 'Modelwright';
  }, [name, dirty]);
  useEffect(() => {
    if (!dirty) return;
    const onUnload = (e: BeforeUnloadEvent) => e.preventDefault();
    window.addEventListener('beforeunload', onUnload);
    return () => window.removeEventListener('beforeunload', onUnload);
  }, [dirty]);
}

function PanelView({ panel }: { panel: PanelDefinition }) {
  const C = panel.component;
  return (
    <ErrorBoundary name={`the ${panel.title} panel`}>
      <Suspense fallback={<p className="mw-empty">Loading {panel.title}…</p>}>
        <C />
      </Suspense>
    </ErrorBoundary>
  );
}

function TitleBar() {
  const name = useProject((s) => s.document?.name);
  const dirty = useProject((s) => s.dirty);
  const filePath = useProject((s) => s.filePath);
  const canUndo = useProject((s) => s.past.length > 0);
  const canRedo = useProject((s) => s.future.length > 0);
  const undoLabel = useProject((s) => s.past[s.past.length - 1]?.label);
  const redoLabel = useProject((s) => s.future[s.future.length - 1]?.label);
  const host = useHost();
  return (
    <header className="mw-titlebar">
      <button type="button" className="mw-brand" onClick={() => commands.execute('goToStart')} title="Start page">Modelwright</button>
      <div className="mw-title" data-testid="project-title" title={filePath ? shownLocation(filePath) ?? 'Saved' : 'Not saved yet'}>
        {name}
        {dirty && <span className="mw-dirty" data-testid="unsaved-marker" title="Unsaved changes" aria-label="unsaved changes"> ●</span>}
      </div>
      <RunControl />
      <nav className="mw-actions" aria-label="Project">
        <button type="button" onClick={() => commands.execute('open')} data-testid="open-button" title="Open (Ctrl+O)">Open</button>
        <button type="button" onClick={() => commands.execute('save')} data-testid="save-button" title="Save (Ctrl+S)">Save</button>
        <button type="button" onClick={() => commands.execute('saveAs')} data-testid="save-as-button" title="Save as (Ctrl+Shift+S)">Save as</button>
        {host?.can.download && <button type="button" onClick={() => downloadProject()} data-testid="download-project" title="Download the project file">Download</button>}
        <span className="mw-sep" />
        <button type="button" onClick={() => commands.execute('undo')} disabled={!canUndo} data-testid="undo-button" title={canUndo ? `Undo ${undoLabel} (Ctrl+Z)` : 'Nothing to undo'}>Undo</button>
        <button type="button" onClick={() => commands.execute('redo')} disabled={!canRedo} data-testid="redo-button" title={canRedo ? `Redo ${redoLabel} (Ctrl+Shift+Z)` : 'Nothing to redo'}>Redo</button>
        <button type="button" onClick={() => commands.execute('showShortcuts')} title="Keyboard shortcuts (?)" aria-label="Keyboard shortcuts">?</button>
      </nav>
    </header>
  );
}

function Workspace() {
  const active = useUi((s) => s.activePanel);
  const main = useMemo(mainPanels, []);
  const side = useMemo(sidePanels, []);
  const current = main.find((p) => p.id === active) ?? main[0];
  const beside = side.filter((p) => !p.showWith || p.showWith.includes(current.id));
  return (
    <div className="mw-workspace">
      <TitleBar />
      <div className="mw-tabs" role="tablist" aria-label="Panels">
        {main.map((p) => (
          <button key={p.id} type="button" role="tab" aria-selected={p.id === current.id} className="mw-tab"
            onClick={() => setUi({ activePanel: p.id })} data-testid={`panel-tab-${p.id}`} title={p.shortcut ? `${p.title} (${p.shortcut})` : p.title}>
            <span aria-hidden>{p.icon}</span> {p.title}
          </button>
        ))}
      </div>
      <div className={`mw-body${beside.length ? '' : ' mw-body-full'}`}>
        <section className="mw-main" role="tabpanel" aria-label={current.title} data-testid={`panel-${current.id}`}>
          <PanelView key={current.id} panel={current} />
        </section>
        {beside.map((p) => (
          <aside key={p.id} className="mw-side" aria-label={p.title} data-testid={`panel-${p.id}`}>
            <PanelView panel={p} />
          </aside>
        ))}
      </div>
    </div>
  );
}

export function App() {
  const hasDoc = useProject((s) => s.document !== null);
  const showStart = useUi((s) => s.showStart);
  const shortcutsOpen = useUi((s) => s.shortcutsOpen);
  useShortcuts();
  useTitleAndUnloadGuard();
  useEffect(() => registerPanelCommands([...mainPanels(), ...sidePanels()]), []);
  return (
    <div className="mw-app">
      <ErrorBoundary name="the studio">
        {!hasDoc || showStart ? <StartPage /> : <Workspace />}
      </ErrorBoundary>
      <FileDialogs />
      {shortcutsOpen && <ShortcutHelp />}
      <Toaster />
    </div>
  );
}
