// The Code panel: the training program generated from the open project (JavaScript, TypeScript,
// Python with Keras or with PyTorch) in a read-only Monaco editor, regenerated as the graph or settings change; copy and save as.
import { useEffect, useRef, useState } from 'react';
import { generateCode, type CodeLanguageOption } from '../../../app/codegen/index.ts';
import type { ProjectDocument } from '../../../app/project/document.ts';
import { downloadText } from '../../files/fileActions.ts';
import { useProject } from '../../state/projectStore.ts';
import { Empty } from '../../ui/Empty.tsx';
import { ErrorText } from '../../ui/ErrorText.tsx';
import { notify } from '../../ui/notify.ts';
import { useApi } from '../../ui/useApi.ts';
import { monaco } from './monacoSetup.ts';

const languages: { id: CodeLanguageOption; label: string; monaco: string }[] = [
  { id: 'js', label: 'JavaScript (TensorFlow.js)', monaco: 'javascript' },
  { id: 'ts', label: 'TypeScript (TensorFlow.js)', monaco: 'typescript' },
  { id: 'python', label: 'Python (Keras)', monaco: 'python' },
  { id: 'pytorch', label: 'Python (PyTorch)', monaco: 'python' },
];

interface Generated {
  code: string;
  fileName: string;
  warnings: string[];
}

/** Follows the system's light or dark theme. */
function useDarkTheme(): boolean {
  const query = typeof window !== 'undefined' ? window.matchMedia?.('(prefers-color-scheme: dark)') : undefined;
  const [dark, setDark] = useState(Boolean(query?.matches));
  useEffect(() => {
    if (!query) return;
    const on = (e: MediaQueryListEvent) => setDark(e.matches);
    query.addEventListener('change', on);
    return () => query.removeEventListener('change', on);
  }, [query]);
  return dark;
}

/**
 * The program for the project. With data, the host plans it (it reads the data to learn column types);
 * without, the graph alone is enough and the code is generated here at once.
 */
function useGeneratedCode(doc: ProjectDocument | null, filePath: string | null, language: CodeLanguageOption) {
  const api = useApi();
  const [state, setState] = useState<{ result: Generated | null; error: unknown; pending: boolean }>({ result: null, error: null, pending: false });
  const ticket = useRef(0);
  useEffect(() => {
    if (!doc) return;
    const id = ++ticket.current;
    const done = (result: Generated | null, error: unknown) => { if (id === ticket.current) setState((s) => ({ result: result ?? s.result, error, pending: false })); };
    if (!doc.dataset) {
      try {
        done(generateCode({ graph: doc.graph, data: null, training: doc.training }, { language }), null);
      } catch (err) {
        done(null, err);
      }
      return;
    }
    if (!api) {
      done(null, 'Not connected to the back end, which reads the data to write the data-loading code.');
      return;
    }
    setState((s) => ({ ...s, pending: true }));
    // Graph edits come in bursts (dragging a value); ask the host once they settle.
    const timer = setTimeout(() => {
      api.export.code({ name: doc.name, graph: doc.graph, dataset: doc.dataset, training: doc.training, path: filePath }, { language })
        .then((r) => done(r, null), (err: unknown) => done(null, err));
    }, 350);
    return () => clearTimeout(timer);
  }, [api, doc?.graph, doc?.dataset, doc?.training, doc?.name, filePath, language]);
  return state;
}

async function copyText(text: string): Promise<void> {
  if (navigator.clipboard?.writeText) {
    await navigator.clipboard.writeText(text);
    return;
  }
  const area = document.createElement('textarea');
  area.value = text;
  document.body.append(area);
  area.select();
  const ok = document.execCommand('copy');
  area.remove();
  if (!ok) throw new Error('The browser did not allow copying; select the code and press Ctrl+C.');
}

export default function CodePanel() {
  const doc = useProject((s) => s.document);
  const filePath = useProject((s) => s.filePath);
  const [language, setLanguage] = useState<CodeLanguageOption>('js');
  const { result, error, pending } = useGeneratedCode(doc, filePath, language);
  const dark = useDarkTheme();
  const host = useRef<HTMLDivElement>(null);
  const editor = useRef<monaco.editor.IStandaloneCodeEditor | null>(null);

  useEffect(() => {
    if (!host.current) return;
    const ed = monaco.editor.create(host.current, {
      value: '', language: 'javascript', readOnly: true, automaticLayout: true, minimap: { enabled: false }, scrollBeyondLastLine: false,
      fontSize: 13, readOnlyMessage: { value: 'This code is generated from the model; change the model, or copy the code to edit it elsewhere.' },
    });
    editor.current = ed;
    return () => {
      ed.getModel()?.dispose();
      ed.dispose();
      editor.current = null;
    };
  }, [doc === null]);

  useEffect(() => monaco.editor.setTheme(dark ? 'vs-dark' : 'vs'), [dark]);

  useEffect(() => {
    const ed = editor.current;
    const model = ed?.getModel();
    if (!ed || !model || !result) return;
    monaco.editor.setModelLanguage(model, languages.find((l) => l.id === language)!.monaco);
    if (model.getValue() !== result.code) {
      // Keep the reader's place when the code changes under them.
      const top = ed.getScrollTop();
      model.setValue(result.code);
      ed.setScrollTop(top);
    }
  }, [result, language]);

  if (!doc) return <div className="mw-wp"><Empty title="No project open" testId="code-empty">Open a template or a project; its training code appears here.</Empty></div>;

  return (
    <div className="mw-wp mw-wp-code" data-testid="code-panel">
      <div className="mw-wp-row">
        <select value={language} onChange={(e) => setLanguage(e.target.value as CodeLanguageOption)} aria-label="Language" data-testid="code-language">
          {languages.map((l) => <option key={l.id} value={l.id}>{l.label}</option>)}
        </select>
        <button type="button" disabled={!result} onClick={() => result && copyText(result.code).then(() => notify.success('Code copied.'), (err) => notify.error(err, 'Could not copy the code'))} data-testid="code-copy">Copy</button>
        <button type="button" disabled={!result} onClick={() => result && downloadText(result.fileName, result.code, language === 'python' ? 'text/x-python' : 'text/javascript')} data-testid="code-save">Save as {result?.fileName ?? '…'}</button>
        {pending && <span className="mw-wp-muted">Updating…</span>}
        <span className="mw-wp-grow" />
        <span className="mw-wp-muted">{doc.dataset ? 'Trains on the project\'s data with its settings.' : 'No data bound: the program only builds and saves the model.'}</span>
      </div>
      {error !== null && <ErrorText error={error} />}
      {error !== null && result && <p className="mw-wp-muted">Showing the code from before the last change.</p>}
      {result?.warnings.map((w, i) => <p key={i} className="mw-wp-warning">⚠ {w}</p>)}
      <div ref={host} className="mw-wp-editor" data-testid="code-editor" data-language={language} data-ready={result ? 'true' : 'false'} />
      <textarea hidden readOnly value={result?.code ?? ''} data-testid="code-text" />
    </div>
  );
}
