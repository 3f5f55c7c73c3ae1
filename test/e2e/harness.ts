// Shared by the browser end-to-end specs and the browser benchmarks: find Debian's Chromium, start a real
// `modelwright serve` child on a temp history and a random port, and launch Chromium with a fresh profile.
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { PNG } from 'pngjs';
import { afterAll, beforeAll, expect } from 'vitest';
import { startCliServer, type CliServer } from '../main/cli/cliHarness.ts';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const screenshotDir = join(repoRoot, 'test-results', 'screenshots');

/** Chromium's own fake camera (a moving test pattern) and an automatic "allow": the webcam paths run without a camera. */
export const fakeCameraArgs = ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream'];

/** Flags that keep Chromium from reaching the network or a GPU, and let it run as root in CI containers. */
export const chromiumArgs = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync',
];

/**
 * `CHROMIUM_PATH` when set (and only it: a wrong path is reported, not replaced by another browser), else
 * Debian's Chromium; null when there is none. Playwright's own browser download is never used.
 */
export function findChromium(): string | null {
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return existsSync(chosen) ? chosen : null;
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p)) ?? null;
}

/** Why the browser tests cannot run here, or null when they can. */
export function chromiumMissingReason(): string | null {
  if (findChromium()) return null;
  const chosen = process.env.CHROMIUM_PATH;
  if (chosen) return `CHROMIUM_PATH is set to "${chosen}", which does not exist: point it at a Chromium executable, or unset it to use /usr/bin/chromium`;
  return 'no Chromium found at /usr/bin/chromium or /usr/bin/chromium-browser: install it with "apt-get install chromium", or set CHROMIUM_PATH';
}

export type ServeProcess = CliServer;

/** Starts `modelwright serve --db <db>` on a random free port and resolves with the URL it prints. */
export function startServe(db: string, extraArgs: string[] = []): Promise<ServeProcess> {
  // A missing renderer build makes serve build it first, which takes a while on two cores.
  return startCliServer(['serve', '--db', db, ...extraArgs], /running at (http:\/\/127\.0\.0\.1:\d+\/\?token=[\w-]+)/, { cwd: repoRoot, timeoutMs: 240_000 });
}

export interface BrowserSession {
  context: BrowserContext;
  page: Page;
  /** Errors thrown in the page or logged with console.error, for assertions and failure messages. */
  pageErrors: string[];
  close: () => Promise<void>;
}

/** Launches Chromium headless with a fresh temporary profile and one page of the given size. */
export async function launchChromium(viewport = { width: 1280, height: 720 }, extraArgs: readonly string[] = []): Promise<BrowserSession> {
  const executablePath = findChromium();
  if (!executablePath) throw new Error(chromiumMissingReason() ?? 'no Chromium');
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'mw-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath, headless: true, args: [...chromiumArgs, ...extraArgs], viewport });
  const page = context.pages()[0] ?? await context.newPage();
  const pageErrors: string[] = [];
  page.on('pageerror', (err) => pageErrors.push(err.message));
  page.on('console', (msg) => { if (msg.type() === 'error') pageErrors.push(msg.text()); });
  return {
    context, page, pageErrors,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Saves a screenshot of the page as test-results/screenshots/<name>.png (a test artifact, never committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await page.screenshot({ path });
  return path;
}

/**
 * Clicks a button that downloads a PNG made in the page, keeps it as test-results/screenshots/NAME.png
 * (to look at), checks that it is a PNG (signature, decodable, plausible size) and returns it decoded.
 */
export async function downloadedPng(page: Page, testId: string, name: string): Promise<PNG & { fileName: string; bytes: number }> {
  const [download] = await Promise.all([page.waitForEvent('download'), page.click(`[data-testid="${testId}"]`)]);
  mkdirSync(screenshotDir, { recursive: true });
  const path = join(screenshotDir, `${name}.png`);
  await download.saveAs(path);
  const bytes = readFileSync(path);
  expect([...bytes.subarray(0, 8)], 'PNG signature').toEqual([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  expect(bytes.length).toBeGreaterThan(10_000);
  expect(bytes.length).toBeLessThan(5_000_000);
  return Object.assign(PNG.sync.read(bytes), { fileName: download.suggestedFilename(), bytes: bytes.length });
}

/** Pixels of an image within `tolerance` (sum of channel differences) of a #rrggbb colour. */
export function pixelsNear(image: PNG, hex: string, tolerance = 30): number {
  const [r0, g0, b0] = [1, 3, 5].map((o) => parseInt(hex.slice(o, o + 2), 16));
  let n = 0;
  for (let i = 0; i < image.data.length; i += 4) {
    if (Math.abs(image.data[i] - r0) + Math.abs(image.data[i + 1] - g0) + Math.abs(image.data[i + 2] - b0) < tolerance) n++;
  }
  return n;
}

/** The nth-percentile of a list of numbers (nearest rank). */
export function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))];
}

// ---- Studio actions shared by the specs (through the stable data-testid hooks only) ----

/** Picks a template on the start page and waits for its model on the canvas. */
export async function openTemplate(page: Page, templateId: string, firstLayerName: string): Promise<void> {
  await page.click(`[data-testid="template-${templateId}"]`);
  await page.waitForSelector(`[data-testid="canvas-node-${firstLayerName}"]`, { timeout: 30_000 });
}

/**
 * Selects one layer on the canvas by clicking it, as a user would, and waits until the canvas shows it selected.
 * The view can be moving when the click comes (bringing a selected layer into view is a 200 ms pan), and a click
 * that lands on the empty pane instead clears the selection; a user would see that and click again, so this does.
 */
export async function selectLayer(page: Page, name: string): Promise<void> {
  const node = page.locator(`[data-testid="canvas-node-${name}"]`);
  for (let attempt = 1; ; attempt++) {
    await node.click();
    try {
      await page.waitForSelector(`[data-testid="canvas-node-${name}"].mw-node-selected`, { timeout: 2_000 });
      return;
    } catch (e) {
      if (attempt === 3) throw new Error(`layer "${name}" did not show as selected after ${attempt} clicks`, { cause: e });
    }
  }
}

/** Shows a main panel by its tab. */
export async function showPanel(page: Page, panelId: string): Promise<void> {
  await page.click(`[data-testid="panel-tab-${panelId}"]`);
  await page.waitForSelector(`[data-testid="panel-${panelId}"]`);
}

/** Types a training setting (Training panel shown) and commits it with Enter, as a user would. */
export async function setSetting(page: Page, path: string, value: string): Promise<void> {
  const input = page.locator(`[data-testid="setting-${path}"]`);
  await input.fill(value);
  await input.press('Enter');
}

/** Clicks Train (Training panel shown) and waits until the run has finished; throws with the status text when it failed. */
export async function trainAndWait(page: Page, timeoutMs = 120_000): Promise<string> {
  await page.click('[data-testid="train-button"]');
  return waitForTrained(page, timeoutMs);
}

/** Waits until the training session has finished; throws with the status text when it failed. */
export async function waitForTrained(page: Page, timeoutMs = 120_000): Promise<string> {
  const status = page.locator('[data-testid="run-status"]');
  await page.waitForSelector('[data-testid="run-status"]:is([data-phase="finished"], [data-phase="failed"])', { timeout: timeoutMs });
  const text = (await status.textContent()) ?? '';
  if ((await status.getAttribute('data-phase')) !== 'finished') throw new Error(`training failed: ${text}`);
  return text;
}

/** Ids of the runs whose rows the runs table shows (Runs panel shown). */
export async function runIdsInTable(page: Page): Promise<number[]> {
  await page.waitForSelector('[data-testid="runs-table"]');
  return page.locator('[data-testid^="run-row-"]').evaluateAll((rows) => rows.map((r) => Number(r.getAttribute('data-testid')!.slice('run-row-'.length))));
}

/** The training chart's line colours (renderer/panels/training/LiveChart.tsx `trainingSeries`). */
export const trainingSeriesColors: Record<string, [number, number, number]> = { training: [0x4e, 0x79, 0xa7], validation: [0xf2, 0x8e, 0x2b] };

/**
 * How many pixels of each series colour a uPlot chart has drawn: a real measure that the chart holds data
 * (axes and grid are grey, so they do not count). Colours are those of the training panel's series.
 */
export async function chartInk(page: Page, chartTestId: string, colors: Record<string, [number, number, number]>): Promise<Record<string, number>> {
  return page.locator(`[data-testid="${chartTestId}"] canvas`).first().evaluate((canvas, wanted) => {
    const c = canvas as HTMLCanvasElement;
    const data = c.getContext('2d')!.getImageData(0, 0, c.width, c.height).data;
    const counts: Record<string, number> = Object.fromEntries(Object.keys(wanted).map((k) => [k, 0]));
    for (let i = 0; i < data.length; i += 4) {
      if (data[i + 3] < 200) continue;
      for (const [name, [r, g, b]] of Object.entries(wanted)) {
        if (Math.abs(data[i] - r) < 12 && Math.abs(data[i + 1] - g) < 12 && Math.abs(data[i + 2] - b) < 12) counts[name]++;
      }
    }
    return counts;
  }, colors);
}

// ---- Frame timing, for the browser benchmarks (run inside the page with page.evaluate) ----

/** In the page: starts recording the time of every animation frame. */
export const startFrameClock = (): void => {
  const w = window as unknown as { __mwFrames: number[]; __mwFramesStop: boolean };
  w.__mwFrames = [];
  w.__mwFramesStop = false;
  const loop = (t: number) => {
    w.__mwFrames.push(t);
    if (!w.__mwFramesStop) requestAnimationFrame(loop);
  };
  requestAnimationFrame(loop);
};

/** In the page: stops the clock and returns the intervals between consecutive frames, in ms. */
export const stopFrameClock = (): number[] => {
  const w = window as unknown as { __mwFrames: number[]; __mwFramesStop: boolean };
  w.__mwFramesStop = true;
  return w.__mwFrames.slice(1).map((t, i) => t - w.__mwFrames[i]);
};

/** Frames per second over a list of frame intervals. */
export function framesPerSecond(intervals: number[]): number {
  const ms = intervals.reduce((a, b) => a + b, 0);
  return ms > 0 ? (intervals.length / ms) * 1000 : NaN;
}

/**
 * The user's own files for a spec, as they would have them on disk: each written into a fresh folder now (so
 * the paths can be used at once), the folder removed after the file's tests. Returns name → path.
 */
export function useOwnFiles<Name extends string>(label: string, files: Record<Name, string>): Record<Name, string> {
  const dir = mkdtempSync(join(tmpdir(), `mw-e2e-${label}-`));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));
  const paths = {} as Record<Name, string>;
  for (const name of Object.keys(files) as Name[]) {
    paths[name] = join(dir, name);
    writeFileSync(paths[name], files[name]);
  }
  return paths;
}

/** Data panel: chooses "CSV table" (`csv`) or "Text CSV" (`text`) and uploads the file through the page's file input. */
export async function uploadCsv(page: Page, kind: 'csv' | 'text', path: string): Promise<void> {
  await showPanel(page, 'data');
  await page.click(`[data-testid="data-source-${kind}"]`);
  await page.setInputFiles('[data-testid="csv-file-input"]', path);
}

export interface StudioSession {
  readonly server: ServeProcess;
  readonly browser: BrowserSession;
  /** The serve process's workspace folder (uploads, saved projects, exports): `workspace` beside its history. */
  readonly workspace: string;
  /** The serve process's history database. */
  readonly db: string;
}

/**
 * One studio per spec file: `modelwright serve` on a fresh history and a Chromium page opened on it
 * before the file's tests, both closed after them (serve must exit 0 on Ctrl+C, having closed the history).
 */
export function useStudio(label: string, options: { chromiumArgs?: readonly string[] } = {}): StudioSession {
  let dir = '';
  let server: ServeProcess | undefined;
  let browser: BrowserSession | undefined;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), `mw-e2e-${label}-`));
    server = await startServe(join(dir, 'history.sqlite'));
    browser = await launchChromium(undefined, options.chromiumArgs);
    await browser.page.goto(server.url);
  }, 300_000);
  afterAll(async () => {
    await browser?.close();
    const code = await server?.stop();
    if (dir) rmSync(dir, { recursive: true, force: true });
    expect(code).toBe(0);
  }, 60_000);
  return {
    get server() { return server!; },
    get browser() { return browser!; },
    get workspace() { return join(dir, 'workspace'); },
    get db() { return join(dir, 'history.sqlite'); },
  };
}
