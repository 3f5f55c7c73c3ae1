// Model server benchmark: a small iris model trained by the real trainer, served by `modelwright
// serve-model` in its own process on 127.0.0.1, and loaded from this process with keep-alive fetches
// at a fixed concurrency. Every loop is bounded in requests and in seconds, and only loopback is used.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { trainingConfigSchema } from '../../app/training/config.ts';
import { trainingJobSchema } from '../../app/training/protocol.ts';
import { tabularClassifier } from '../../app/templates/tabularClassifier.ts';
import { runTraining } from '../../main/trainer/train.ts';
import { startCliServer } from '../main/cli/cliHarness.ts';
import type { BenchResult } from './run.ts';

const CONCURRENCY = 8;
const MAX_SECONDS = Number(process.env.MW_BENCH_SERVE_SECONDS ?? 4);
const MAX_REQUESTS = 20_000;

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** Sends POST /predict with `body` from CONCURRENCY loops until the time or request budget is spent. */
async function load(url: string, body: string): Promise<{ requests: number; seconds: number; latencies: number[]; failures: number }> {
  const latencies: number[] = [];
  let failures = 0;
  let sent = 0;
  const start = performance.now();
  const deadline = start + MAX_SECONDS * 1000;
  const worker = async () => {
    while (performance.now() < deadline && sent < MAX_REQUESTS) {
      sent++;
      const t = performance.now();
      const res = await fetch(`${url}/predict`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await res.arrayBuffer();
      latencies.push(performance.now() - t);
      if (res.status !== 200) failures++;
    }
  };
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
  return { requests: latencies.length, seconds: (performance.now() - start) / 1000, latencies: latencies.sort((a, b) => a - b), failures };
}

export async function run(): Promise<BenchResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'mw-bench-serve-'));
  try {
    const modelDir = join(dir, 'model');
    const result = await runTraining(trainingJobSchema.parse({
      runId: 'bench-serve',
      model: { kind: 'graph', graph: tabularClassifier.graph },
      data: { kind: 'binding', binding: tabularClassifier.dataset },
      config: trainingConfigSchema.parse({ backend: 'cpu', epochs: 2, batchSize: 16, seed: 7 }),
      outputDir: modelDir,
    }));
    if (result.status !== 'completed') throw new Error(`training the bench model failed: ${result.message}`);
    const server = await startCliServer(['serve-model', modelDir, '--backend', 'cpu'], /^Serving .* at (http:\/\/127\.0\.0\.1:\d+)$/m);
    try {
      const row = { sepal_length: 5.9, sepal_width: 3.0, petal_length: 4.2, petal_width: 1.5 };
      await load(server.url, JSON.stringify([row])); // warm-up: JIT, TF.js kernels, connections
      const one = await load(server.url, JSON.stringify([row]));
      const batch = await load(server.url, JSON.stringify(Array.from({ length: 100 }, () => row)));
      const note = (r: typeof one) => `${r.requests} requests in ${r.seconds.toFixed(1)} s, ${CONCURRENCY} concurrent, loopback${r.failures ? `, ${r.failures} not 200` : ''}`;
      return [
        { name: '1-row requests', value: one.requests / one.seconds, unit: 'req/s', note: note(one) },
        { name: '1-row latency p50', value: percentile(one.latencies, 50), unit: 'ms', note: note(one) },
        { name: '1-row latency p99', value: percentile(one.latencies, 99), unit: 'ms', note: note(one) },
        { name: '100-row batches', value: (batch.requests * 100) / batch.seconds, unit: 'rows/s', note: note(batch) },
        { name: '100-row latency p99', value: percentile(batch.latencies, 99), unit: 'ms', note: note(batch) },
      ];
    } finally {
      await server.stop();
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
