// Benchmark: opening and saving project files — safe parse + schema validation + canonical
// serialization of a 1,000-layer project, and the safe JSON scanner's throughput on a large file.
import { parseProject, serializeProject, newProject } from '../../app/project/document.ts';
import { parseJsonSafely } from '../../app/project/safeJson.ts';
import type { Graph, LayerNode } from '../../app/graph/types.ts';
import type { BenchResult } from './run.ts';

function chain(n: number): Graph {
  const layers: LayerNode[] = [{ id: 'l0', type: 'Input', name: 'input', params: { shape: [32] } }];
  for (let i = 1; i < n; i++) layers.push({ id: `l${i}`, type: 'Dense', name: `dense_${i}`, params: { units: 32, activation: 'relu' } });
  return { layers, connections: layers.slice(1).map((l, i) => ({ from: layers[i].id, to: l.id, toSlot: 0 })) };
}

function median(fn: () => void, runs: number): number {
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    fn();
    times.push(performance.now() - t);
  }
  return times.sort((a, b) => a - b)[Math.floor(runs / 2)];
}

export async function run(): Promise<BenchResult[]> {
  const graph = chain(1000);
  const positions = Object.fromEntries(graph.layers.map((l, i) => [l.id, { x: 0, y: i * 80 }]));
  const doc = newProject('bench', { graph, layout: { positions } });
  const text = serializeProject(doc);
  const open = median(() => parseProject(text), 15);
  const save = median(() => serializeProject(doc), 15);

  // ~20 MB of weight-manifest-like JSON: what the size and depth checks cost next to JSON.parse.
  const big = JSON.stringify({ weights: Array.from({ length: 200_000 }, (_, i) => ({ name: `layer_${i}/kernel`, shape: [i % 512, 64], dtype: 'float32' })) });
  const native = median(() => JSON.parse(big), 3);
  const safe = median(() => parseJsonSafely(big), 3);
  const mb = big.length / 1e6;
  return [
    { name: 'open 1,000-layer project', value: open, unit: 'ms', note: `${(text.length / 1024).toFixed(0)} KB file; parse + migrate check + schema` },
    { name: 'save 1,000-layer project', value: save, unit: 'ms', note: 'validate + canonical serialize' },
    { name: 'safe JSON parse throughput', value: mb / (safe / 1000), unit: 'MB/s', note: `${mb.toFixed(1)} MB; JSON.parse alone ${(mb / (native / 1000)).toFixed(0)} MB/s` },
  ];
}
