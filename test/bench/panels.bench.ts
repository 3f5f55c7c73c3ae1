// Working-panel benchmarks in headless Chromium: scrolling a runs table of 10,000 runs (virtualized),
// and the training panel's frame time while 200 progress events a second arrive over the WebSocket.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { ModelwrightServices, TrainingService } from '../../app/api/contract.ts';
import { Emitter } from '../../app/api/events.ts';
import type { TrainingOutcome, TrainingProgress, TrainingStarted } from '../../app/api/types.ts';
import type { Graph } from '../../app/graph/types.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import { createServiceHost } from '../../main/services/host.ts';
import { openStore } from '../../main/store/experimentStore.ts';
import { startWebServer } from '../../main/web/server.ts';
import { chromiumMissingReason, launchChromium, percentile, startFrameClock as startFrames, stopFrameClock as stopFrames } from '../e2e/harness.ts';
import type { BenchResult } from './run.ts';

const repo = fileURLToPath(new URL('../../', import.meta.url));
const RUNS = 10_000;
const EVENT_RATE = 200;
const EVENT_SECONDS = 5;

const round = (v: number) => Math.round(v * 10) / 10;

function fillHistory(path: string): void {
  const store = openStore(path);
  const graph: Graph = {
    layers: [
      { id: 'i', type: 'Input', name: 'input', params: { shape: [4] } },
      { id: 'o', type: 'Dense', name: 'output', params: { units: 3, activation: 'softmax' } },
    ],
    connections: [{ from: 'i', to: 'o', toSlot: 0 }],
  };
  for (let r = 0; r < RUNS; r++) {
    const id = store.createRun({
      name: `run ${r}`, graph, backend: 'wasm', tags: r % 10 === 0 ? ['baseline'] : [],
      config: makeTrainingConfig({ optimizer: { learningRate: 0.0001 * (1 + (r % 50)) }, epochs: 3 }),
      dataset: { source: 'builtin:iris', name: 'iris', rows: 150 },
    });
    store.appendEpochMetricRows(id, [0, 1, 2].flatMap((e) => [
      { epoch: e, name: 'loss', value: 1 / (e + 1 + (r % 7)) }, { epoch: e, name: 'val_accuracy', value: 0.5 + e * 0.1 + (r % 13) / 100 },
    ]));
    store.finishRun(id, 'completed', { durationMs: 1000 + r, testMetrics: { accuracy: 0.8 + (r % 17) / 100 } });
  }
  store.close();
}

/** A training service that "trains" by sending EVENT_RATE batch events a second: the UI sees a real stream. */
function fakeTraining(): TrainingService {
  const started = new Emitter<TrainingStarted>();
  const progress = new Emitter<TrainingProgress>();
  const finished = new Emitter<TrainingOutcome>();
  return {
    async start() {
      const runId = 999_999;
      const info: TrainingStarted = {
        runId, name: 'bench', backend: 'wasm', tried: [], loss: 'categoricalCrossentropy', lossExplanation: 'bench',
        trainSamples: 1000, validationSamples: 100, testSamples: 100, warnings: [],
      };
      const total = EVENT_RATE * EVENT_SECONDS;
      const perEpoch = 100;
      let sent = 0;
      const t0 = Date.now();
      const timer = setInterval(() => {
        // Catch up to the wall clock, so the rate holds even when the timer fires late.
        const due = Math.min(total, Math.floor(((Date.now() - t0) / 1000) * EVENT_RATE));
        for (; sent < due; sent++) {
          const epoch = Math.floor(sent / perEpoch);
          const batch = sent % perEpoch;
          const loss = 1 / (1 + sent / 100) + Math.random() * 0.05;
          progress.fire({ runId, event: {
            type: 'batch', epoch, epochs: total / perEpoch, batch, batchesPerEpoch: perEpoch, logs: { loss, accuracy: 1 - loss / 2 },
            samplesPerSec: 5000, etaMs: (total - sent) * 5, tensors: 10, backend: 'wasm',
          } });
          if (batch === perEpoch - 1) {
            progress.fire({ runId, event: {
              type: 'epoch', epoch, epochs: total / perEpoch, batchesPerEpoch: perEpoch, logs: { loss, accuracy: 1 - loss / 2, val_loss: loss * 1.1, val_accuracy: 1 - loss / 1.8 },
              learningRate: 0.001, durationMs: 500, samplesPerSec: 5000, etaMs: (total - sent) * 5, tensors: 10, backend: 'wasm',
            } });
          }
        }
        if (sent >= total) clearInterval(timer);
      }, 4);
      queueMicrotask(() => started.fire(info));
      return info;
    },
    async stop() {},
    async listActive() { return []; },
    async backends() { return { backends: [{ backend: 'wasm', available: true }, { backend: 'cpu', available: true }], gpu: { found: false, summary: 'not probed in the bench' }, cores: { count: 2, studioDefault: 1 } }; },
    async resume() { throw new Error('not in the bench'); },
    onDidStart: started.event,
    onDidProgress: progress.event,
    onDidFinish: finished.event,
  };
}

export async function run(): Promise<BenchResult[]> {
  const missing = chromiumMissingReason();
  if (missing) return [{ name: 'panels (skipped)', value: NaN, unit: '', note: missing }];
  const dir = mkdtempSync(join(tmpdir(), 'mw-panels-bench-'));
  const results: BenchResult[] = [];
  // Our own build, so a build in dist/ that someone is replacing meanwhile cannot break the measurement.
  const rendererDir = join(dir, 'renderer');
  const build = spawnSync(process.execPath, [join(repo, 'node_modules/vite/bin/vite.js'), 'build', '--config', join(repo, 'renderer/vite.config.ts'), '--outDir', rendererDir, '--emptyOutDir', '--logLevel', 'error'], { cwd: repo, encoding: 'utf8' });
  if (build.status !== 0) throw new Error(`the renderer did not build: ${(build.stderr || build.stdout).slice(-400)}`);
  const db = join(dir, 'history.sqlite');
  fillHistory(db);
  const host = createServiceHost({ dbPath: db, dataDir: dir });
  const api: ModelwrightServices = { ...host.api, training: fakeTraining() };
  const server = await startWebServer({ api, port: 0, rendererDir });
  const browser = await launchChromium({ width: 1280, height: 720 });
  try {
    const { page } = browser;
    await page.goto(server.url);
    await page.click('[data-testid="template-tabular-classifier"]');
    await page.click('[data-testid="panel-tab-runs"]');
    await page.waitForSelector('[data-testid^="run-row-"]', { timeout: 60_000 });

    // The same page doing nothing: on a busy machine frames are late anyway, and this says by how much.
    await page.evaluate(startFrames);
    await page.waitForTimeout(2000);
    const idleFrames = await page.evaluate(stopFrames);
    results.push({ name: 'idle page (baseline): p95 frame', value: round(percentile(idleFrames, 0.95)), unit: 'ms', note: `${idleFrames.length} frames in 2 s` });

    // Scroll the whole table top to bottom in 3 s of frames, then back, as a user flinging the wheel would.
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    const metrics = async () => Object.fromEntries(((await cdp.send('Performance.getMetrics')) as { metrics: { name: string; value: number }[] }).metrics.map((m) => [m.name, m.value]));
    const before = await metrics();
    await page.evaluate(startFrames);
    const scrolled = await page.evaluate(async () => {
      const el = document.querySelector('[data-testid="runs-table"]') as HTMLElement;
      const end = el.scrollHeight - el.clientHeight;
      const t0 = performance.now();
      let maxRows = 0;
      await new Promise<void>((resolve) => {
        const step = (t: number) => {
          const f = Math.min(1, (t - t0) / 3000);
          el.scrollTop = f < 0.5 ? end * f * 2 : end * (2 - f * 2);
          maxRows = Math.max(maxRows, el.querySelectorAll('[role="row"]').length);
          if (f < 1) requestAnimationFrame(step);
          else resolve();
        };
        requestAnimationFrame(step);
      });
      return { maxRows, height: el.scrollHeight };
    });
    const scrollFrames = await page.evaluate(stopFrames);
    const after = await metrics();
    const perFrame = (key: string) => round(((after[key] - before[key]) * 1000) / scrollFrames.length);
    results.push({ name: 'runs table scroll: script + layout per frame', value: round(perFrame('ScriptDuration') + perFrame('LayoutDuration') + perFrame('RecalcStyleDuration')), unit: 'ms',
      note: `script ${perFrame('ScriptDuration')}, layout ${perFrame('LayoutDuration')}, style ${perFrame('RecalcStyleDuration')} ms (CPU time of the page's main thread)` });
    results.push({ name: `runs table scroll, ${RUNS.toLocaleString('en-US')} runs: p95 frame`, value: round(percentile(scrollFrames, 0.95)), unit: 'ms', note: `${scrollFrames.length} frames; at most ${scrolled.maxRows} rows in the DOM` });
    results.push({ name: 'runs table scroll: worst frame', value: round(Math.max(...scrollFrames)), unit: 'ms' });
    // After the fling, the rows where it stopped must be real rows (fetched pages), not placeholders.
    await page.waitForFunction(() => document.querySelectorAll('[data-testid^="run-row-"]').length > 5, undefined, { timeout: 10_000 });

    await page.click('[data-testid="panel-tab-training"]');
    await page.click('[data-testid="train-button"]');
    await page.waitForSelector('[data-testid="chart-loss"]', { timeout: 30_000 });
    await page.evaluate(startFrames);
    await page.waitForTimeout(EVENT_SECONDS * 1000 - 500);
    const trainFrames = await page.evaluate(stopFrames);
    const bar = await page.getAttribute('[data-testid="train-progress"]', 'aria-valuenow');
    results.push({ name: `training panel at ${EVENT_RATE} events/s: p95 frame`, value: round(percentile(trainFrames, 0.95)), unit: 'ms', note: `${trainFrames.length} frames in ${EVENT_SECONDS - 0.5} s; target < 20 ms; progress bar at ${bar}%` });
    results.push({ name: `training panel at ${EVENT_RATE} events/s: worst frame`, value: round(Math.max(...trainFrames)), unit: 'ms' });
  } finally {
    await browser.close();
    await server.close();
    await host.dispose({ graceMs: 1000 });
    rmSync(dir, { recursive: true, force: true });
  }
  return results;
}
