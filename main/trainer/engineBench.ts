// The engine bench as `modelwright bench` and `npm run bench` run it: the studio loop beside bare TF.js on
// every requested backend, with webgpu measured in a child process whose output is filtered (Dawn prints
// native warnings on every adapter, which no in-process filter can catch: main/engine/quietChild.ts).
import { fileURLToPath } from 'node:url';
import { BACKEND_LADDER } from '../engine/backends.ts';
import { runEngineBench, type EngineBenchOptions, type EngineBenchReport } from '../engine/bench.ts';
import { runQuietChild } from '../engine/quietChild.ts';
import { studioFit } from './benchFit.ts';

export const engineBenchEntry = fileURLToPath(new URL('./engineBenchEntry.ts', import.meta.url));

export type StudioEngineBenchOptions = Omit<EngineBenchOptions, 'studioFit' | 'onProgress'> & {
  onProgress?: (message: string) => void;
  /** Where the webgpu child's own lines (not Dawn's noise) go; default: this process's stderr. */
  forward?: (text: string) => void;
};

/** runEngineBench with the studio loop, backend by backend in ladder order, webgpu in a filtered child process. */
export async function runStudioEngineBench(options: StudioEngineBenchOptions = {}): Promise<EngineBenchReport> {
  const { forward, onProgress, ...rest } = options;
  const report: EngineBenchReport = { results: [], skipped: [] };
  for (const backend of options.backends ?? BACKEND_LADDER) {
    const part = backend === 'webgpu'
      ? await runQuietChild<EngineBenchReport>(engineBenchEntry, { ...rest, backends: [backend] }, { forward, onProgress })
        .catch((err: unknown) => ({ results: [], skipped: [{ backend, reason: (err as Error).message }] }))
      : await runEngineBench({ ...rest, backends: [backend], studioFit, onProgress });
    report.results.push(...part.results);
    report.skipped.push(...part.skipped);
  }
  return report;
}
