// One backend setting of the template bench, in its own process (wasm's thread count is fixed once it
// starts): `node test/bench/templatesChild.ts BACKEND THREADS MIN_MS [--stock-gradients] [TEMPLATE...]` prints the report as JSON.
import { runTemplateBench } from '../../main/engine/templateBench.ts';
import type { BackendName } from '../../main/engine/backends.ts';

const args = process.argv.slice(2);
const compareStockGradients = args.includes('--stock-gradients');
const [backend, threads, minMs, ...only] = args.filter((a) => a !== '--stock-gradients');
const report = await runTemplateBench({
  backend: backend as BackendName,
  threads: Number(threads) || undefined,
  templates: only.length > 0 ? only : undefined,
  measure: { minMs: Number(minMs) || 3000 },
  compareStockGradients,
  onProgress: (m) => process.stderr.write(`  templates: ${m}\n`),
});
process.stdout.write(`${JSON.stringify(report)}\n`);
process.exit(0);
