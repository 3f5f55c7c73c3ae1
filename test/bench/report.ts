// Renders the benchmark results as docs/BENCHMARKS.md: the machine, then one section per area of the
// product with the command that reproduces it. Pure (no I/O) so that the grouping is testable.
import type { BenchResult } from './run.ts';

export interface Machine {
  cpuModel: string;
  cores: number;
  memoryGiB: number;
  os: string;
  node: string;
  date: string;
  /** The 1, 5 and 15-minute load averages when the run started (other work on the machine lowers wall-clock figures). */
  load?: string;
  /** Conditions worth knowing, e.g. "shared machine: other jobs ran during the measurements" (`npm run bench -- --note=TEXT`). */
  note?: string;
}

export type SuiteResult = BenchResult & { suite: string };

interface Section {
  title: string;
  /** Why these numbers matter, one sentence. */
  about: string;
  suites: string[];
}

/** The report's sections in reading order; suites not listed here land in "Other measurements". */
export const sections: Section[] = [
  { title: 'Engine throughput', about: 'Training samples per second (batch 64) of the reference MLP and CNN on each backend: a bare TF.js model.fit, the studio\'s own training loop, and their ratio (studio ÷ bare; 1.0 means the studio adds no overhead).', suites: ['engine'] },
  { title: 'Template models', about: 'Training samples per second of every template\'s model (MLPs, CNNs, Conv1D, LSTM, embeddings, attention) with its own input shape, batch size and loss on random data: wasm on one thread and on every core, webgpu, cpu, each in its own process, and PyTorch (CPU) on the model Modelwright\'s PyTorch code generator writes for the same template, in the same run. Per CPU-second figures (process CPU time, all threads) are far less affected by other load on a shared machine than wall-clock ones.', suites: ['templates'] },
  { title: 'Streaming data', about: 'A generated CSV far larger than needed in memory is fitted and trained on in one streaming pass; peak memory must stay far below 1 GB.', suites: ['data'] },
  { title: 'Image folders', about: 'Generated folders of small PNGs (2,000 and 20,000 images), scanned from their headers and trained for one epoch in a trainer process that decodes each batch from disk: the trainer\'s peak RSS must grow far less than the image count (the in-memory run of the larger folder is shown for comparison).', suites: ['images'] },
  { title: 'Experiment history (SQLite)', about: 'Ingest and the queries the runs table, compare view and leaderboard make, on a generated history of 10,000 runs.', suites: ['store'] },
  { title: 'Validation and project files', about: 'Shape inference and validation of 1,000-layer graphs (run on every edit), and opening/saving large project files.', suites: ['validate', 'projectFile'] },
  { title: 'Sweeps', about: 'The same sweep (random trials on the two-moons template, each a real trainer process recorded in the history) with 1 and with 2 trainers at once: trials per minute of wall time, and the speed-up.', suites: ['sweep'] },
  { title: 'Model server', about: '`modelwright serve-model` in its own process on loopback, driven by a bounded load loop (fixed concurrency, at most a few seconds): requests per second and latency percentiles for one-row requests, and rows per second for 100-row batches.', suites: ['serveModel'] },
  { title: 'UI frames', about: 'Headless Chromium against `modelwright serve`: canvas panning and edit-to-repaint on a 300-layer graph, runs-table scrolling and the training panel under a stream of progress events.', suites: ['canvas', 'panels'] },
];

export function formatValue(v: number): string {
  if (!Number.isFinite(v)) return 'n/a';
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}

function escapeCell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function table(header: string[], rows: string[][], rightAligned: number[]): string[] {
  const align = header.map((_, i) => (rightAligned.includes(i) ? '---:' : '---'));
  return [`| ${header.join(' | ')} |`, `| ${align.join(' | ')} |`, ...rows.map((r) => `| ${r.map(escapeCell).join(' | ')} |`)];
}

/**
 * Studio ÷ bare for each "<model> <backend>" that has both engine rows. The engine bench names them
 * "<model> <backend> bare model.fit" and "<model> <backend> studio".
 */
export function studioRatios(results: SuiteResult[]): { subject: string; bare: number; studio: number; ratio: number }[] {
  const engine = results.filter((r) => r.suite === 'engine');
  const out: { subject: string; bare: number; studio: number; ratio: number }[] = [];
  for (const bare of engine) {
    const match = /^(.+) bare model\.fit$/.exec(bare.name);
    if (!match) continue;
    const studio = engine.find((r) => r.name === `${match[1]} studio`);
    if (!studio || !Number.isFinite(studio.value) || !Number.isFinite(bare.value) || bare.value <= 0) continue;
    out.push({ subject: match[1], bare: bare.value, studio: studio.value, ratio: studio.value / bare.value });
  }
  return out;
}

/** Template-bench rows: "<template> <setting>" (samples/s) and "... per CPU-second" (samples/cpu-s). */
const TEMPLATE_ROW = /^(\S+) ((?:wasm|pytorch) \d+ threads?(?:, stock tfjs gradients)?|webgpu|cpu)( per CPU-second)?$/;

/** The template bench as matrices (template × setting) of samples/s and samples/CPU-s, plus its ratio rows by template. */
export function templateMatrices(results: SuiteResult[]): { settings: string[]; templates: string[]; wall: Map<string, number>; cpu: Map<string, number>; ratioNames: string[]; ratios: Map<string, number>; rest: SuiteResult[] } {
  const out = { settings: [] as string[], templates: [] as string[], wall: new Map<string, number>(), cpu: new Map<string, number>(), ratioNames: [] as string[], ratios: new Map<string, number>(), rest: [] as SuiteResult[] };
  const add = (list: string[], item: string) => { if (!list.includes(item)) list.push(item); };
  for (const r of results.filter((x) => x.suite === 'templates')) {
    const m = TEMPLATE_ROW.exec(r.name);
    const ratio = r.unit === 'ratio' ? /^(\S+) (.+)$/.exec(r.name) : null;
    if (m && Number.isFinite(r.value)) {
      add(out.templates, m[1]);
      add(out.settings, m[2]);
      (m[3] ? out.cpu : out.wall).set(`${m[1]}|${m[2]}`, r.value);
    } else if (ratio && Number.isFinite(r.value)) {
      add(out.templates, ratio[1]);
      add(out.ratioNames, ratio[2]);
      out.ratios.set(`${ratio[1]}|${ratio[2]}`, r.value);
    } else out.rest.push(r);
  }
  return out;
}

export function renderReport(machine: Machine, results: SuiteResult[], ranSuites: string[]): string {
  const lines: string[] = [
    '<!-- GENERATED by `npm run bench` (test/bench/run.ts + test/bench/report.ts). Do not edit by hand: run it again. -->',
    '# Modelwright benchmarks',
    '',
    'Generated by `npm run bench`; never edited by hand. Each section names the command that reproduces it.',
    'Numbers depend on the machine and on whatever else ran on it at the time; compare runs on one machine.',
    '',
    '## Machine',
    '',
    ...table(['Item', 'Value'], [
      ['CPU', machine.cpuModel], ['Cores', String(machine.cores)], ['Memory', `${machine.memoryGiB} GiB`],
      ['OS', machine.os], ['Node', machine.node], ['Date', machine.date],
      ...(machine.load ? [['Load average at start (1, 5, 15 min)', machine.load]] : []),
      ...(machine.note ? [['Conditions', machine.note]] : []),
    ], []),
    '',
  ];
  const placed = new Set<string>();
  const resultTable = (rows: SuiteResult[]) => table(['Measure', 'Value', 'Unit', 'Note'],
    rows.map((r) => [r.name, formatValue(r.value), r.unit, r.note ?? '']), [1]);
  const emit = (title: string, about: string, suites: string[]) => {
    const rows = results.filter((r) => suites.includes(r.suite));
    suites.forEach((s) => placed.add(s));
    lines.push(`## ${title}`, '', about, '', `Reproduce: ${suites.map((s) => `\`npm run bench -- ${s}\``).join(', ')}`, '');
    const missing = suites.filter((s) => !ranSuites.includes(s));
    if (missing.length > 0) lines.push(`Not measured in this run: ${missing.map((s) => `test/bench/${s}.bench.ts`).join(', ')} (missing, or not named on the command line).`, '');
    if (title === 'Engine throughput') {
      const ratios = studioRatios(results);
      if (ratios.length > 0) {
        lines.push(...table(['Model and backend', 'Bare model.fit (samples/s)', 'Studio (samples/s)', 'Studio ÷ bare'],
          ratios.map((r) => [r.subject, formatValue(r.bare), formatValue(r.studio), r.ratio.toFixed(2)]), [1, 2, 3]), '');
      }
    }
    if (title === 'Template models') {
      const m = templateMatrices(results);
      const cell = (map: Map<string, number>, t: string, c: string, fmt: (v: number) => string) => { const v = map.get(`${t}|${c}`); return v === undefined ? '–' : fmt(v); };
      if (m.wall.size > 0) {
        lines.push('Samples per second (wall clock):', '', ...table(['Template', ...m.settings], m.templates.map((t) => [t, ...m.settings.map((c) => cell(m.wall, t, c, formatValue))]), m.settings.map((_, i) => i + 1)), '');
        lines.push('Samples per CPU-second:', '', ...table(['Template', ...m.settings], m.templates.map((t) => [t, ...m.settings.map((c) => cell(m.cpu, t, c, formatValue))]), m.settings.map((_, i) => i + 1)), '');
      }
      if (m.ratios.size > 0) {
        lines.push('Ratios (1-thread ratio per CPU-second; multi-thread ratios wall clock):', '', ...table(['Template', ...m.ratioNames], m.templates.map((t) => [t, ...m.ratioNames.map((c) => cell(m.ratios, t, c, (v) => v.toFixed(2)))]), m.ratioNames.map((_, i) => i + 1)), '');
      }
      if (m.rest.length > 0) lines.push(...resultTable(m.rest), '');
      return;
    }
    if (rows.length > 0) lines.push(...resultTable(rows), '');
  };
  for (const s of sections) emit(s.title, s.about, s.suites);
  const others = ranSuites.filter((s) => !placed.has(s));
  if (others.length > 0) emit('Other measurements', 'Bench modules that no section above claims yet.', others);
  return `${lines.join('\n').trimEnd()}\n`;
}
