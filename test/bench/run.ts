// `npm run bench`: runs every test/bench/*.bench.ts module (or those named on the command line)
// and prints one table; `--json` prints the results as JSON instead. Numbers, not pass/fail.
// A full run (no suite named, or --report) also writes docs/BENCHMARKS.md (see report.ts).
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { cpus, loadavg, release, totalmem, type as osType } from 'node:os';
import { renderReport, type Machine } from './report.ts';

export interface BenchResult {
  name: string;
  value: number;
  unit: string;
  note?: string;
}

interface BenchModule {
  run: () => Promise<BenchResult[]>;
}

const args = process.argv.slice(2);
const json = args.includes('--json');
const only = args.filter((a) => !a.startsWith('--'));
const note = args.find((a) => a.startsWith('--note='))?.slice('--note='.length);
const loadAtStart = loadavg().map((l) => l.toFixed(2)).join(', ');
const dir = new URL('.', import.meta.url);
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.includes(basename(f, '.bench.ts')))
  .sort();

const all: (BenchResult & { suite: string })[] = [];
for (const file of files) {
  const suite = basename(file, '.bench.ts');
  if (!json) process.stderr.write(`bench: ${suite}...\n`);
  const mod = (await import(new URL(file, dir).href)) as BenchModule;
  try {
    for (const r of await mod.run()) all.push({ suite, ...r });
  } catch (err) {
    all.push({ suite, name: 'error', value: NaN, unit: '', note: (err as Error).message.split('\n')[0] });
  }
}

function osName(): string {
  try {
    const pretty = /^PRETTY_NAME="?([^"\n]+)"?$/m.exec(readFileSync('/etc/os-release', 'utf8'));
    if (pretty) return `${pretty[1]} (${osType()} ${release()})`;
  } catch {
    // Not Linux, or no os-release: the kernel name and release still say what ran.
  }
  return `${osType()} ${release()}`;
}

if (only.length === 0 || args.includes('--report')) {
  const machine: Machine = {
    cpuModel: cpus()[0]?.model.trim() ?? 'unknown', cores: cpus().length, memoryGiB: Math.round(totalmem() / 2 ** 30),
    os: osName(), node: process.version, date: new Date().toISOString().slice(0, 16).replace('T', ' ') + ' UTC',
    load: loadAtStart, ...(note ? { note } : {}),
  };
  const target = new URL('../../docs/BENCHMARKS.md', import.meta.url);
  writeFileSync(target, renderReport(machine, all, files.map((f) => basename(f, '.bench.ts'))));
  process.stderr.write(`bench: wrote ${target.pathname}\n`);
}

if (json) {
  const machine = { cpus: cpus().length, cpuModel: cpus()[0]?.model, memoryGiB: Math.round(totalmem() / 2 ** 30), node: process.version };
  process.stdout.write(`${JSON.stringify({ machine, results: all }, null, 2)}\n`);
} else {
  const rows = all.map((r) => [r.suite, r.name, Number.isFinite(r.value) ? formatValue(r.value) : 'n/a', r.unit, r.note ?? '']);
  const header = ['suite', 'measure', 'value', 'unit', 'note'];
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 2 ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  process.stdout.write(`${[line(header), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n')}\n`);
}

function formatValue(v: number): string {
  if (Math.abs(v) >= 100) return Math.round(v).toLocaleString('en-US');
  return v.toPrecision(3);
}
