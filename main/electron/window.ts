// The studio window: secure webPreferences (isolated, sandboxed, no Node), and its size, position and
// maximized state remembered in a small JSON file in the user-data folder.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { z } from 'zod';

/** The security-relevant webPreferences, spelled out even where they are Electron's defaults. */
export function secureWebPreferences(preloadPath: string) {
  return {
    preload: preloadPath,
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    experimentalFeatures: false,
    enableBlinkFeatures: '',
    webviewTag: false,
    navigateOnDragDrop: false,
    // Chromium's spellchecker downloads dictionaries from Google: nothing leaves the machine unasked.
    spellcheck: false,
    safeDialogs: true,
  } as const;
}

const boundsSchema = z.object({
  x: z.number().int().optional(),
  y: z.number().int().optional(),
  width: z.number().int().min(400).max(20_000),
  height: z.number().int().min(300).max(20_000),
  maximized: z.boolean().default(false),
});
export type WindowBounds = z.infer<typeof boundsSchema>;

const settingsSchema = z.object({
  window: boundsSchema.optional(),
  theme: z.enum(['system', 'light', 'dark']).default('system'),
});
export type DesktopSettings = z.infer<typeof settingsSchema>;

export const defaultBounds: WindowBounds = { width: 1360, height: 860, maximized: false };
export const minimumSize = { width: 1024, height: 640 };

interface Rect { x: number; y: number; width: number; height: number }

/** Reads the settings file; a missing, damaged or foreign file gives the defaults (never an error). */
export function loadSettings(file: string): DesktopSettings {
  try {
    const parsed = settingsSchema.safeParse(JSON.parse(readFileSync(file, 'utf8')));
    if (parsed.success) return parsed.data;
  } catch {
    // first start, or a damaged file: defaults
  }
  return { theme: 'system' };
}

/** Writes atomically (a crash mid-write leaves the old file). */
export function saveSettings(file: string, settings: DesktopSettings): void {
  mkdirSync(dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, `${JSON.stringify(settings, null, 2)}\n`);
  renameSync(tmp, file);
}

/**
 * Remembered bounds that still make sense on today's screens: a window whose title bar would be off
 * every display (a monitor unplugged) is re-centred; one larger than its display is shrunk to fit.
 */
export function placeWindow(saved: WindowBounds | undefined, workAreas: Rect[]): WindowBounds {
  const b = saved ?? defaultBounds;
  const primary = workAreas[0];
  if (!primary) return { ...b };
  const visible = b.x !== undefined && b.y !== undefined && workAreas.some((a) =>
    b.x! + 100 <= a.x + a.width && b.x! + b.width - 100 >= a.x && b.y! >= a.y && b.y! + 40 <= a.y + a.height);
  const area = visible ? workAreas.find((a) => b.x! >= a.x - b.width && b.x! < a.x + a.width && b.y! >= a.y && b.y! < a.y + a.height) ?? primary : primary;
  const width = Math.min(b.width, area.width);
  const height = Math.min(b.height, area.height);
  if (visible) return { x: b.x, y: b.y, width, height, maximized: b.maximized };
  return { x: area.x + Math.round((area.width - width) / 2), y: area.y + Math.round((area.height - height) / 2), width, height, maximized: b.maximized };
}

/** BrowserWindow constructor options for the studio. */
export function studioWindowOptions(bounds: WindowBounds, preloadPath: string, options: { platform?: string; dark?: boolean } = {}) {
  const platform = options.platform ?? process.platform;
  return {
    x: bounds.x,
    y: bounds.y,
    width: bounds.width,
    height: bounds.height,
    minWidth: minimumSize.width,
    minHeight: minimumSize.height,
    title: 'Modelwright',
    // Shown once the first paint is ready, so the user never sees a white flash.
    show: false,
    // The renderer's own page colour (styles.css --bg), so resizing never flashes white in the dark theme.
    backgroundColor: options.dark ? '#15181d' : '#f6f7f9',
    autoHideMenuBar: false,
    ...(platform === 'darwin' ? { tabbingIdentifier: 'modelwright' } : {}),
    webPreferences: secureWebPreferences(preloadPath),
  };
}

/** The part of a BrowserWindow used to remember its bounds. */
export interface TrackedWindow {
  getNormalBounds(): Rect;
  isMaximized(): boolean;
  isDestroyed(): boolean;
  on(event: 'resize' | 'move' | 'maximize' | 'unmaximize' | 'close', listener: () => void): unknown;
}

/** Saves the window's bounds (debounced while the user drags, and once more on close). */
export function trackWindowBounds(win: TrackedWindow, save: (bounds: WindowBounds) => void, delayMs = 500): () => void {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const capture = (): void => {
    clearTimeout(timer);
    timer = undefined;
    if (win.isDestroyed()) return;
    // Normal bounds: a maximized window reopens maximized, and un-maximizes to where it was.
    const r = win.getNormalBounds();
    save({ x: Math.round(r.x), y: Math.round(r.y), width: Math.round(r.width), height: Math.round(r.height), maximized: win.isMaximized() });
  };
  const later = () => {
    clearTimeout(timer);
    timer = setTimeout(capture, delayMs);
  };
  for (const e of ['resize', 'move', 'maximize', 'unmaximize'] as const) win.on(e, later);
  win.on('close', capture);
  return () => clearTimeout(timer);
}
