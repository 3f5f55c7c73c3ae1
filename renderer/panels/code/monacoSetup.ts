/// <reference types="vite/client" />
// Monaco, bundled by Vite (no CDN): the core editor, the features a code viewer needs, the JavaScript,
// TypeScript and Python highlighters, and its one web worker loaded from our own origin (`?worker`).
import * as monaco from 'monaco-editor/editor/editor.api.js';
import EditorWorker from 'monaco-editor/editor/editor.worker.js?worker';
import 'monaco-editor/features/find/register.js';
import 'monaco-editor/features/folding/register.js';
import 'monaco-editor/features/clipboard/register.js';
import 'monaco-editor/features/contextmenu/register.js';
import 'monaco-editor/features/bracketMatching/register.js';
import 'monaco-editor/features/wordHighlighter/register.js';
import 'monaco-editor/features/gotoLine/register.js';
import 'monaco-editor/features/readOnlyMessage/register.js';
import 'monaco-editor/languages/definitions/javascript/register.js';
import 'monaco-editor/languages/definitions/typescript/register.js';
import 'monaco-editor/languages/definitions/python/register.js';

declare global {
  interface Window {
    MonacoEnvironment?: { getWorker(workerId: string, label: string): Worker };
  }
}

// Highlighting comes from the Monarch grammars above, so the editor worker (diffs, word ranges) is the
// only worker needed; the TypeScript language service worker (megabytes) is left out on purpose.
window.MonacoEnvironment = {
  getWorker: () => new EditorWorker(),
};

export { monaco };
