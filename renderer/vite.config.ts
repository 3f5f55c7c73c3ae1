// Builds the renderer (React + @xyflow/react) into dist/renderer/, which `modelwright serve` and the
// Electron window load. Relative asset paths so the same build works from http:// and app://.
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

// The config runs in Node, but renderer/ may not import Node built-ins (lint rule), so no node:path here.
const here = import.meta.dirname;

export default defineConfig({
  root: here,
  base: './',
  plugins: [react()],
  build: {
    outDir: `${here}/../dist/renderer`,
    emptyOutDir: true,
    sourcemap: true,
    chunkSizeWarningLimit: 4096,
  },
  server: { host: '127.0.0.1' },
});
