// Canvas benchmark in headless Chromium against `modelwright serve`: open a 300-layer project, then
// measure frames per second while panning, and the time from a parameter edit to the repainted shapes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { newProject, serializeProject } from '../../app/project/document.ts';
import { autoLayout } from '../../app/graph/layout.ts';
import type { Connection, LayerNode } from '../../app/graph/types.ts';
import { chromiumMissingReason, framesPerSecond, launchChromium, percentile, startFrameClock, startServe, stopFrameClock } from '../e2e/harness.ts';
import type { BenchResult } from './run.ts';

function chain(n: number) {
  const layers: LayerNode[] = [{ id: 'in', type: 'Input', name: 'in', params: { shape: [64] } }];
  const connections: Connection[] = [];
  for (let i = 1; i < n; i++) {
    layers.push({ id: `d${i}`, type: 'Dense', name: `d${i}`, params: { units: 64, activation: 'relu' } });
    connections.push({ from: layers[i - 1].id, to: `d${i}`, toSlot: 0 });
  }
  const graph = { layers, connections };
  return newProject('300 layers', { graph, layout: { positions: autoLayout(graph) } });
}

export async function run(): Promise<BenchResult[]> {
  const missing = chromiumMissingReason();
  if (missing) return [{ name: 'canvas (skipped)', value: NaN, unit: '', note: missing }];
  const dir = mkdtempSync(join(tmpdir(), 'mw-canvas-bench-'));
  const projectPath = join(dir, 'big.mwproj');
  writeFileSync(projectPath, serializeProject(chain(300)));
  const server = await startServe(join(dir, 'history.sqlite'));
  const browser = await launchChromium({ width: 1280, height: 720 });
  try {
    const { page } = browser;
    await page.goto(server.url);
    await page.waitForSelector('[data-testid="open-project"]');
    const t0 = Date.now();
    // The page names no paths: the project arrives as an upload, as a user would open it in the browser.
    await page.click('[data-testid="open-project"]');
    const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.click('[data-testid="open-upload"]')]);
    await chooser.setFiles(projectPath);
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="canvas-node-"]').length === 300, undefined, { timeout: 60_000 });
    const openMs = Date.now() - t0;
    await page.waitForTimeout(500);

    const box = await page.locator('.react-flow__pane').boundingBox();
    if (!box) throw new Error('the canvas did not appear');
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height / 2;
    /** Drags the background for 2 s while counting animation frames. */
    const pan = async () => {
      await page.evaluate(startFrameClock);
      await page.mouse.move(cx + 200, cy);
      await page.mouse.down();
      const started = Date.now();
      let i = 0;
      while (Date.now() - started < 2000) {
        const phase = (i++ % 80) / 80;
        await page.mouse.move(cx + 200 - 300 * Math.sin(phase * Math.PI), cy + 150 * Math.sin(phase * 2 * Math.PI));
      }
      await page.mouse.up();
      const intervals = await page.evaluate(stopFrameClock);
      const seconds = intervals.reduce((a, b) => a + b, 0) / 1000;
      return { fps: Math.round(framesPerSecond(intervals) * 10) / 10, p95: Math.round(percentile(intervals, 0.95) * 10) / 10, frames: intervals.length + 1, seconds };
    };
    // Whole model in view (tiny nodes, text not drawn), then at readable zoom (all 300 nodes still in the page).
    const far = await pan();
    await page.mouse.move(cx, cy);
    for (let k = 0; k < 40; k++) await page.mouse.wheel(0, -120);
    await page.waitForTimeout(300);
    const near = await pan();

    // Edit → repaint: change a Dense layer in the middle's units and wait until the next layer's weight count changes.
    await page.click('[data-testid="fit-view-button"]');
    await page.waitForTimeout(300);
    await page.click('[data-testid="canvas-node-d150"]');
    const editTimes: number[] = [];
    for (const units of [17, 18, 19, 20, 21]) {
      await page.fill('[data-testid="param-units"]', String(units));
      const ms = await page.evaluate(async (u) => {
        const input = document.querySelector('[data-testid="param-units"]') as HTMLInputElement;
        const target = `${(u * 64 + 64).toLocaleString('en-US')} params`;
        const start = performance.now();
        input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
        return new Promise<number>((resolve) => {
          const check = () => {
            const node = document.querySelector('[data-testid="canvas-node-d151"]');
            if (node?.textContent?.includes(target)) requestAnimationFrame(() => resolve(performance.now() - start));
            else requestAnimationFrame(check);
          };
          check();
        });
      }, units);
      editTimes.push(ms);
    }
    return [
      { name: 'open 300-layer project (click → all nodes drawn)', value: openMs, unit: 'ms' },
      { name: 'pan 300-layer canvas, all in view: frames per second', value: far.fps, unit: 'fps', note: `${far.frames} frames in ${far.seconds.toFixed(1)} s; goal ≥ 50` },
      { name: 'pan 300-layer canvas, all in view: 95th percentile frame time', value: far.p95, unit: 'ms' },
      { name: 'pan 300-layer canvas, zoomed in: frames per second', value: near.fps, unit: 'fps', note: `${near.frames} frames in ${near.seconds.toFixed(1)} s; goal ≥ 50` },
      { name: 'pan 300-layer canvas, zoomed in: 95th percentile frame time', value: near.p95, unit: 'ms' },
      { name: 'edit units → shapes repainted (300 layers, median)', value: Math.round(percentile(editTimes, 0.5) * 10) / 10, unit: 'ms', note: 'goal < 50' },
    ];
  } finally {
    await browser.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
