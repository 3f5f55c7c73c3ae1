// Lint rules, including the layering rules of docs/architecture.md: app/ is environment-neutral,
// renderer/ never reaches main/ or Node, main/ never reaches renderer/.
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
    rules: {
      'no-restricted-imports': ['error', {
        paths: noNode.paths,
        patterns: [...noNode.patterns,
          { group: ['**/main/**'], message: 'renderer/ reaches the back end only through the API contract in app/.' }],
      }],
    },
  },
  {
    files: ['main/**/*.{ts,tsx,mjs}'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [{ group: ['**/renderer/**'], message: 'main/ never imports renderer/.' }],
      }],
    },
  },
);
