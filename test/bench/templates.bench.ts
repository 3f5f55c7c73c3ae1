// Training throughput of every template's model (app/templates: MLPs, CNNs, Conv1D, LSTM, embeddings,
// attention) with its real input shape and batch size: wasm on 1 and on every core, webgpu, cpu, each in
// its own process (test/bench/templatesChild.ts), and PyTorch on the models Modelwright's PyTorch code
// generator writes for them (test/bench/torchTemplates.py) in the same run, when python3-torch is installed.
import { spawn, spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { generateCode } from '../../app/codegen/index.ts';
import { templates } from '../../app/templates/index.ts';
import { type TemplateBenchReport, type TemplateBenchSpec, type TemplateThroughput } from '../../main/engine/templateBench.ts';
import { machineCores } from '../../main/engine/wasmThreads.ts';
import type { BenchResult } from './run.ts';

/** One column of the comparison: a backend and thread count, measured in a process of its own. */
export interface TemplateSetting {
  label: string;
  kind: 'tfjs' | 'pytorch';
  backend?: string;
  threads: number;
  /** Measured time per template after warm-up, in ms. */
  minMs: number;
  /** Wall-clock budget of the whole setting; templates not reached by then are listed as not measured. */
  budgetMs: number;
  /** Also measure with tfjs's stock gradients (main/engine/fastGradients.ts), as the column "<label>, stock tfjs gradients". */
  stockGradients?: boolean;
}

/** The settings in column order; `N` is this machine's core count (N-thread columns are left out on one core). */
export function templateSettings(cores: number): TemplateSetting[] {
  const plural = (n: number) => `${n} thread${n > 1 ? 's' : ''}`;
  const settings: TemplateSetting[] = [{ label: `wasm ${plural(1)}`, kind: 'tfjs', backend: 'wasm', threads: 1, minMs: 3000, budgetMs: 240_000, stockGradients: true }];
  if (cores > 1) settings.push({ label: `wasm ${plural(cores)}`, kind: 'tfjs', backend: 'wasm', threads: cores, minMs: 3000, budgetMs: 240_000 });
  settings.push(
    { label: 'webgpu', kind: 'tfjs', backend: 'webgpu', threads: 0, minMs: 2000, budgetMs: 180_000 },
    // The pure-JS backend is one to two orders of magnitude slower: one timed pass is enough to show it.
    { label: 'cpu', kind: 'tfjs', backend: 'cpu', threads: 0, minMs: 1000, budgetMs: 120_000 },
    { label: `pytorch ${plural(1)}`, kind: 'pytorch', threads: 1, minMs: 3000, budgetMs: 0 },
  );
  if (cores > 1) settings.push({ label: `pytorch ${plural(cores)}`, kind: 'pytorch', threads: cores, minMs: 3000, budgetMs: 0 });
  return settings;
}

const progress = (chunk: Buffer) => process.stderr.write(chunk.toString().split('\n').filter((l) => l.includes('templates:')).map((l) => `${l}\n`).join(''));

/** Runs a process to its end, or kills it after `timeoutMs` (then `code` is null and `timedOut` true). */
function runProcess(command: string, args: string[], input?: string, timeoutMs = 0): Promise<{ code: number | null; stdout: string; stderr: string; timedOut: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let timedOut = false;
    const timer = timeoutMs > 0 ? setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, timeoutMs) : null;
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => { stdout += c.toString(); });
    child.stderr.on('data', (c: Buffer) => { stderr += c.toString(); progress(c); });
    child.on('error', reject);
    child.on('close', (code) => { if (timer) clearTimeout(timer); resolve({ code, stdout, stderr, timedOut }); });
    child.stdin.end(input ?? '');
  });
}

/** Debian's python3 with torch first (a pyenv or venv python3 on PATH usually lacks it), or null. */
export function torchPython(): string | null {
  for (const candidate of ['/usr/bin/python3', 'python3']) {
    if (spawnSync(candidate, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0) return candidate;
  }
  return null;
}

interface SettingOutcome {
  /** PyTorch's results have neither backend nor threads: the fields both kinds give. */
  results: Pick<TemplateThroughput, 'template' | 'samplesPerSec' | 'samplesPerCpuSec' | 'batchSize' | 'stockGradients' | 'split'>[];
  specs: TemplateBenchSpec[];
  skipped: { template?: string; reason: string }[];
}

async function runTfjsSetting(setting: TemplateSetting): Promise<SettingOutcome> {
  const child = fileURLToPath(new URL('./templatesChild.ts', import.meta.url));
  const { code, stdout, stderr, timedOut } = await runProcess(process.execPath, [child, setting.backend!, String(setting.threads), String(setting.minMs), ...(setting.stockGradients ? ['--stock-gradients'] : [])], undefined, setting.budgetMs);
  // One report line per template (Dawn may print its own lines on stdout too).
  const outcome: SettingOutcome = { results: [], specs: [], skipped: [] };
  for (const line of stdout.split('\n').filter((l) => l.startsWith('{"results"'))) {
    const report = JSON.parse(line) as TemplateBenchReport;
    outcome.results.push(...report.results);
    outcome.specs.push(...report.specs);
    outcome.skipped.push(...report.skipped);
  }
  const done = new Set([...outcome.results, ...outcome.skipped].map((r) => 'template' in r ? r.template : undefined));
  if (timedOut) {
    for (const t of templates.filter((x) => !done.has(x.id))) outcome.skipped.push({ template: t.id, reason: `not measured: this setting's ${Math.round(setting.budgetMs / 1000)} s budget ran out` });
  } else if (code !== 0) {
    outcome.skipped.push({ reason: `the bench process failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}` });
  }
  return outcome;
}

async function runTorchSetting(setting: TemplateSetting, python: string, specs: (TemplateBenchSpec & { code: string })[]): Promise<SettingOutcome> {
  const script = fileURLToPath(new URL('./torchTemplates.py', import.meta.url));
  const job = JSON.stringify({ threads: setting.threads, minSeconds: setting.minMs / 1000, models: specs });
  const { code, stdout, stderr } = await runProcess(python, [script], job);
  const last = stdout.trim().split('\n').pop() ?? '';
  if (code !== 0 || !last.startsWith('{')) return { results: [], specs: [], skipped: [{ reason: `the PyTorch bench failed (exit ${code}): ${stderr.trim().split('\n').pop() ?? ''}` }] };
  return { specs: [], ...(JSON.parse(last) as Omit<SettingOutcome, 'specs'>) };
}

/** Each template's spec (as a tfjs run built it) with the PyTorch program Modelwright generates for it. */
function torchSpecs(specs: TemplateBenchSpec[]): (TemplateBenchSpec & { code: string })[] {
  return specs.flatMap((spec) => {
    const t = templates.find((x) => x.id === spec.id);
    return t ? [{ ...spec, code: generateCode({ graph: t.graph, data: null, training: t.training }, { language: 'pytorch' }).code }] : [];
  });
}

export async function run(): Promise<BenchResult[]> {
  const cores = machineCores();
  const settings = templateSettings(cores);
  const python = torchPython();
  const outcomes = new Map<string, SettingOutcome>();
  const rows: BenchResult[] = [];
  for (const setting of settings) {
    if (setting.kind === 'pytorch') {
      if (!python) {
        rows.push({ name: setting.label, value: NaN, unit: '', note: 'skipped: no python3 with torch here (Debian: apt-get install python3-torch)' });
        continue;
      }
      const specs = [...outcomes.values()].find((o) => o.specs.length > 0)?.specs;
      if (!specs) {
        rows.push({ name: setting.label, value: NaN, unit: '', note: 'skipped: no tfjs backend built the models, so there are no shapes to feed PyTorch' });
        continue;
      }
      outcomes.set(setting.label, await runTorchSetting(setting, python, torchSpecs(specs)));
    } else {
      outcomes.set(setting.label, await runTfjsSetting(setting));
    }
  }
  for (const template of templates) {
    for (const setting of settings) {
      const r = outcomes.get(setting.label)?.results.find((x) => x.template === template.id);
      if (!r) continue;
      rows.push({ name: `${template.id} ${setting.label}`, value: r.samplesPerSec, unit: 'samples/s', note: `batch ${r.batchSize}` });
      rows.push({ name: `${template.id} ${setting.label} per CPU-second`, value: r.samplesPerCpuSec, unit: 'samples/cpu-s' });
      if (r.stockGradients) {
        rows.push({ name: `${template.id} ${setting.label}, stock tfjs gradients`, value: r.stockGradients.samplesPerSec, unit: 'samples/s', note: 'before main/engine/fastGradients.ts' });
        rows.push({ name: `${template.id} ${setting.label}, stock tfjs gradients per CPU-second`, value: r.stockGradients.samplesPerCpuSec, unit: 'samples/cpu-s' });
        rows.push({ name: `${template.id} fast ÷ stock gradients, ${setting.label}`, value: r.samplesPerCpuSec / r.stockGradients.samplesPerCpuSec, unit: 'ratio', note: 'per CPU-second: what main/engine/fastGradients.ts buys' });
      }
    }
    const value = (label: string, cpu: boolean) => {
      const r = outcomes.get(label)?.results.find((x) => x.template === template.id);
      return r ? (cpu ? r.samplesPerCpuSec : r.samplesPerSec) : NaN;
    };
    const ratio = (name: string, a: number, b: number, note: string) => { if (Number.isFinite(a) && Number.isFinite(b) && b > 0) rows.push({ name: `${template.id} ${name}`, value: a / b, unit: 'ratio', note }); };
    ratio('wasm ÷ pytorch, 1 thread', value('wasm 1 thread', true), value('pytorch 1 thread', true), 'per CPU-second (robust to other load)');
    if (cores > 1) {
      ratio(`wasm ÷ pytorch, ${cores} threads`, value(`wasm ${cores} threads`, false), value(`pytorch ${cores} threads`, false), 'wall clock');
      ratio(`wasm ${cores} threads ÷ 1 thread`, value(`wasm ${cores} threads`, false), value('wasm 1 thread', false), 'wall clock: what the extra cores buy');
    }
  }
  // Replicas that kept to one thread (splitting was not faster in their first steps, as in training): the
  // "every core" figure of those templates is one thread's speed, not what splitting gives.
  for (const setting of settings) {
    const kept = (outcomes.get(setting.label)?.results ?? []).filter((r) => r.split === false).map((r) => r.template);
    if (kept.length > 0) {
      rows.push({ name: `${setting.label}: templates kept to one thread`, value: kept.length, unit: 'templates', note: `${kept.join(', ')}: splitting their batches over the threads was not faster in the first steps, so training, and this bench, runs them on one thread` });
    }
  }
  for (const setting of settings) {
    for (const s of outcomes.get(setting.label)?.skipped ?? []) {
      rows.push({ name: s.template ? `${s.template} ${setting.label}` : setting.label, value: NaN, unit: '', note: `skipped: ${s.reason}` });
    }
  }
  return rows;
}
