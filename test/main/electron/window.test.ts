// The studio window's options meet Electron's security checklist, and its remembered bounds are stored,
// damaged files tolerated, and restored only where a screen still shows them.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';
import {
  defaultBounds, loadSettings, placeWindow, saveSettings, secureWebPreferences, studioWindowOptions, trackWindowBounds, type TrackedWindow,
} from '../../../main/electron/window.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-window-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('window options', () => {
  it('are isolated, sandboxed, without Node, with web security and no insecure or experimental features', () => {
    const options = studioWindowOptions(defaultBounds, '/app/dist/electron/preload.cjs');
    const web = options.webPreferences;
    expect(web.contextIsolation).toBe(true);
    expect(web.sandbox).toBe(true);
    expect(web.nodeIntegration).toBe(false);
    expect(web.nodeIntegrationInWorker).toBe(false);
    expect(web.nodeIntegrationInSubFrames).toBe(false);
    expect(web.webSecurity).toBe(true);
    expect(web.allowRunningInsecureContent).toBe(false);
    expect(web.experimentalFeatures).toBe(false);
    expect(web.enableBlinkFeatures).toBe('');
    expect(web.webviewTag).toBe(false);
    // The spellchecker would download dictionaries from Google.
    expect(web.spellcheck).toBe(false);
    expect(web.preload).toBe('/app/dist/electron/preload.cjs');
    expect(options.show).toBe(false);
    expect(options.minWidth).toBeGreaterThanOrEqual(1024);
  });

  it('only use keys Electron knows (a typo would silently fall back to a default)', () => {
    // The keys of WebPreferences in electron.d.ts that these options set.
    const dts = readFileSync(new URL('../../../node_modules/electron/electron.d.ts', import.meta.url), 'utf8');
    const block = dts.slice(dts.indexOf('interface WebPreferences {'), dts.indexOf('\n  }', dts.indexOf('interface WebPreferences {')));
    for (const key of Object.keys(secureWebPreferences('/p'))) expect(block, key).toMatch(new RegExp(`\\n\\s+${key}\\?:`));
  });
});

describe('window bounds', () => {
  const screen = [{ x: 0, y: 0, width: 1920, height: 1040 }];

  it('keeps bounds that are on a screen, centres ones that are off every screen, shrinks oversize ones', () => {
    expect(placeWindow({ x: 100, y: 50, width: 1200, height: 800, maximized: true }, screen)).toEqual({ x: 100, y: 50, width: 1200, height: 800, maximized: true });
    // A second monitor that is gone: centred on the primary one.
    expect(placeWindow({ x: 3000, y: 100, width: 1200, height: 800, maximized: false }, screen)).toEqual({ x: 360, y: 120, width: 1200, height: 800, maximized: false });
    // Title bar above the screen's top edge: centred.
    expect(placeWindow({ x: 10, y: -500, width: 1200, height: 800, maximized: false }, screen).y).toBe(120);
    expect(placeWindow({ x: 0, y: 0, width: 5000, height: 3000, maximized: false }, screen)).toMatchObject({ width: 1920, height: 1040 });
    expect(placeWindow(undefined, screen)).toMatchObject({ width: defaultBounds.width, height: defaultBounds.height });
    // On a second monitor to the left (negative coordinates) that is still there.
    expect(placeWindow({ x: -1500, y: 10, width: 1200, height: 800, maximized: false }, [...screen, { x: -1600, y: 0, width: 1600, height: 900 }]).x).toBe(-1500);
  });

  it('stores settings atomically and reads damaged or foreign files as defaults', () => {
    const file = join(dir, 'sub', 'window-state.json');
    expect(loadSettings(file)).toEqual({ theme: 'system' });
    saveSettings(file, { theme: 'dark', window: { x: 1, y: 2, width: 1300, height: 900, maximized: false } });
    expect(loadSettings(file)).toEqual({ theme: 'dark', window: { x: 1, y: 2, width: 1300, height: 900, maximized: false } });
    writeFileSync(file, '{"theme": "dark", "window": {"width": 10');
    expect(loadSettings(file)).toEqual({ theme: 'system' });
    writeFileSync(file, JSON.stringify({ theme: 'neon', window: { width: -5, height: 1 } }));
    expect(loadSettings(file)).toEqual({ theme: 'system' });
  });

  it('saves the normal bounds after moves (debounced) and at once on close', () => {
    vi.useFakeTimers();
    try {
      const listeners = new Map<string, (() => void)[]>();
      let bounds = { x: 10, y: 20, width: 1300, height: 850 };
      const win: TrackedWindow = {
        getNormalBounds: () => bounds,
        isMaximized: () => false,
        isDestroyed: () => false,
        on: (e, l) => { listeners.set(e, [...(listeners.get(e) ?? []), l]); },
      };
      const saved: unknown[] = [];
      trackWindowBounds(win, (b) => saved.push(b), 500);
      const fire = (e: string) => listeners.get(e)?.forEach((l) => l());
      fire('move');
      bounds = { x: 30, y: 40, width: 1300, height: 850 };
      fire('move');
      expect(saved).toEqual([]);
      vi.advanceTimersByTime(600);
      expect(saved).toEqual([{ x: 30, y: 40, width: 1300, height: 850, maximized: false }]);
      bounds = { x: 50, y: 60, width: 1400, height: 900 };
      fire('resize');
      fire('close');
      expect(saved).toHaveLength(2);
      expect(saved[1]).toEqual({ x: 50, y: 60, width: 1400, height: 900, maximized: false });
      vi.advanceTimersByTime(1000);
      expect(saved).toHaveLength(2);
    } finally {
      vi.useRealTimers();
    }
  });
});
