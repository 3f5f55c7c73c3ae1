// One backend setting of the template bench, in its own process (wasm's thread count is fixed once it
// starts): `node test/bench/templatesChild.ts BACKEND THREADS MIN_MS [--stock-gradients] [TEMPLATE...]`
// prints one JSON report line per template as it is measured, so a parent that stops a slow run keeps the rest.
import { templates } from '../../app/templates/index.ts';
import { runTemplateBench } from '../../main/engine/templateBench.ts';
import type { BackendName } from '../../main/engine/backends.ts';

const args = process.argv.slice(2);
const compareStockGradients = args.includes('--stock-gradients');
const [backend, threads, minMs, ...only] = args.filter((a) => a !== '--stock-gradients');
for (const template of only.length > 0 ? only : templates.map((t) => t.id)) {
  const report = await runTemplateBench({
    backend: backend as BackendName,
    threads: Number(threads) || undefined,
    templates: [template],
    measure: { minMs: Number(minMs) || 3000 },
    compareStockGradients,
    onProgress: (m) => process.stderr.write(`  templates: ${m}\n`),
  });
  process.stdout.write(`\n${JSON.stringify(report)}\n`);
  if (report.results.length === 0 && report.specs.length === 0 && report.skipped.some((s) => !s.template)) break;
}
process.exit(0);
