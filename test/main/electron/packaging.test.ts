// electron-builder.yml passes electron-builder's own schema and ships what the app needs at run time:
// the bundles, datasets as extra resources, native addons unpacked, the .mwproj association.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, expect, it } from 'vitest';
import { repoRoot } from '../../../main/electron/build.ts';

const require = createRequire(import.meta.url);
const yaml = require('js-yaml') as { load(text: string): any };
const config = yaml.load(readFileSync(`${repoRoot}electron-builder.yml`, 'utf8'));

describe('electron-builder.yml', () => {
  it('is valid for electron-builder', async () => {
    const { validateConfiguration } = require('app-builder-lib/out/util/config/config.js');
    const { DebugLogger } = require('builder-util/out/DebugLogger.js');
    await expect(validateConfiguration(config, new DebugLogger(false))).resolves.toBeUndefined();
  });

  it('names the app, its installers and the .mwproj association', () => {
    expect(config.productName).toBe('Modelwright');
    expect(config.appId).toMatch(/^[a-z]+(\.[a-z]+)+$/);
    expect(config.linux.target).toEqual(['AppImage', 'deb']);
    expect(config.mac.target).toBe('dmg');
    expect(config.win.target).toBe('nsis');
    expect(config.fileAssociations).toContainEqual(expect.objectContaining({ ext: 'mwproj', role: 'Editor' }));
  });

  it('starts the bundled main and ships the renderer, datasets and docs', () => {
    expect(config.extraMetadata.main).toBe('dist/electron/main.mjs');
    expect(config.files).toEqual(expect.arrayContaining(['dist/electron/**', 'dist/renderer/**', 'package.json']));
    expect(config.extraResources).toContainEqual({ from: 'resources/datasets', to: 'datasets' });
  });

  it('unpacks tfjs-node whole and better-sqlite3\'s binaries from the asar', () => {
    expect(config.asar).toBe(true);
    expect(config.asarUnpack).toContain('node_modules/@tensorflow/tfjs-node/**');
    expect(config.asarUnpack).toContain('node_modules/better-sqlite3/**/*.node');
  });

  it('turns off the fuses that would let the packaged binary run arbitrary Node code', () => {
    expect(config.electronFuses).toMatchObject({
      runAsNode: false, enableNodeOptionsEnvironmentVariable: false, enableNodeCliInspectArguments: false,
      onlyLoadAppFromAsar: true, enableEmbeddedAsarIntegrityValidation: true, grantFileProtocolExtraPrivileges: false,
    });
  });

  it('npm run dist builds the renderer and the bundles before packaging', () => {
    const scripts = JSON.parse(readFileSync(`${repoRoot}package.json`, 'utf8')).scripts;
    expect(scripts.dist).toBe('npm run build:renderer && npm run build:electron && electron-builder --config electron-builder.yml');
    expect(scripts['build:electron']).toBe('node main/electron/build.ts');
    expect(scripts.start).toBe('node main/cli/start.ts');
  });
});
