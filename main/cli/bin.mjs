#!/usr/bin/env node
// Installed `modelwright` binary. In a checkout, Node ≥ 22.18 runs the TypeScript sources directly;
// a packed install (where Node will not strip types inside node_modules) runs the esbuild bundle.
import { existsSync } from 'node:fs';

const [major, minor] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 18)) {
  process.stderr.write(`modelwright: needs Node.js 22.18 or newer (this is ${process.version}); see README.md "Install".\n`);
  process.exit(2);
}
const bundled = new URL('../../dist/cli/modelwright.js', import.meta.url);
process.env.MODELWRIGHT_CLI_ENTRY = '1';
await import(existsSync(bundled) ? bundled.href : new URL('./modelwright.ts', import.meta.url).href);
