// Lint rules, including the layering rules of docs/architecture.md: app/ is environment-neutral,
// renderer/ never reaches main/ or Node, main/ never reaches renderer/, and inside renderer/ a panel
// imports no other panel (shared pieces live in renderer/ui/ and renderer/state/). Inside main/, the
// model folder (main/model/) sits below the trainer and the export, and the trainer below the services.
import { readdirSync } from 'node:fs';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'assert', 'buffer', 'child_process', 'cluster', 'crypto', 'dgram', 'dns', 'events', 'fs', 'fs/promises',
  'http', 'https', 'net', 'os', 'path', 'perf_hooks', 'process', 'readline', 'stream', 'tls', 'url', 'util',
  'v8', 'vm', 'worker_threads', 'zlib',
];

const noNode = {
  paths: [...nodeBuiltins.map((name) => ({ name, message: 'Node built-ins are only allowed in main/.' })),
    { name: 'electron', message: 'electron is only allowed in main/.' }],
  patterns: [{ group: ['node:*'], message: 'Node built-ins are only allowed in main/.' }],
};

// Each folder of renderer/panels/ is one panel; the list is read from disk so a new panel is covered too.
const panelFolders = readdirSync(new URL('../renderer/panels/', import.meta.url), { withFileTypes: true })
  .filter((entry) => entry.isDirectory()).map((entry) => entry.name);

/** The renderer's import rule, plus `more` patterns for some of its folders. */
function rendererImports(...more) {
  return ['error', {
    paths: noNode.paths,
    patterns: [...noNode.patterns,
      { group: ['**/main/**'], message: 'renderer/ reaches the back end only through the API contract in app/.' },
      ...more],
  }];
}

/** Inside panels/<own>/: no path into another panel's folder, nor the panel list (the shell's business). */
function otherPanels(own) {
  const others = panelFolders.filter((name) => name !== own);
  return {
    regex: `^\\.\\.?/(?:\\.\\./)*(?:(?:${others.join('|')})/|registry\\.ts$)`,
    message: `A panel imports no other panel: move what ${own}/ shares to renderer/ui/ (components, hooks) or renderer/state/ (stores, logic), or to app/ (formatters in app/format.ts).`,
  };
}

/** main/'s import rule (never renderer/), plus `more` patterns for some of its folders. */
function mainImports(...more) {
  return ['error', {
    patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports renderer/.' }, ...more],
  }];
}

/** A relative import of the sibling folder(s) main/<names>/ from anywhere below main/ (`names`: a regex alternation). */
function mainFolder(names, message) {
  return { regex: `^(?:\\.\\./)+(?:main/)?(?:${names})/`, message };
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node, ...globals.browser } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['app/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': ['error', {
        paths: noNode.paths,
        patterns: [...noNode.patterns,
          { group: ['**/main/**', '**/renderer/**'], message: 'app/ is the shared core: it imports neither main/ nor renderer/.' },
          { group: ['react', 'react-dom', '@xyflow/*', 'monaco-editor'], message: 'app/ has no UI code.' }],
      }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    ignores: ['renderer/panels/**'],
    rules: {
      // Outside panels/, only the panel list (panels/registry.ts) is reachable, never a panel's own modules.
      'no-restricted-imports': rendererImports({
        regex: '(?:^|/)panels/[^/]+/',
        message: 'Only panels/registry.ts is imported from outside panels/; what a panel shares with the rest belongs in renderer/ui/ or renderer/state/.',
      }),
    },
  },
  ...panelFolders.map((name) => ({
    files: [`renderer/panels/${name}/**/*.{ts,tsx}`],
    rules: { 'no-restricted-imports': rendererImports(otherPanels(name)) },
  })),
  {
    files: ['renderer/panels/*.{ts,tsx}'],
    rules: { 'no-restricted-imports': rendererImports() },
  },
  {
    files: ['main/**/*.{ts,tsx,mjs}'],
    rules: { 'no-restricted-imports': mainImports() },
  },
  {
    files: ['main/trainer/**/*.{ts,tsx,mjs}'],
    rules: {
      'no-restricted-imports': mainImports(
        mainFolder('export', 'main/trainer/ does not import main/export/: what both need about model folders lives in main/model/.'),
        mainFolder('services', 'main/trainer/ does not import main/services/: the services sit above the trainer and call into it.')),
    },
  },
  {
    files: ['main/export/**/*.{ts,tsx,mjs}'],
    rules: {
      'no-restricted-imports': mainImports(
        mainFolder('trainer', 'main/export/ does not import main/trainer/: what both need about model folders lives in main/model/, TF.js comes from main/engine/.')),
    },
  },
  {
    files: ['main/model/**/*.{ts,tsx,mjs}'],
    rules: {
      'no-restricted-imports': mainImports(
        mainFolder('trainer|export|services', 'main/model/ is below the trainer, the export and the services: it imports none of them.')),
    },
  },
);
