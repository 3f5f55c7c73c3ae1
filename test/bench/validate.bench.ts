// Benchmark: analyzeGraph (shape inference + validation) on generated 1,000-layer graphs — a plain
// Dense chain and a residual CNN with branches and merges — median milliseconds of several runs.
import { analyzeGraph } from '../../app/graph/analyze.ts';
import type { Connection, Graph, LayerNode } from '../../app/graph/types.ts';
import type { BenchResult } from './run.ts';

function denseChain(n: number): Graph {
  const layers: LayerNode[] = [{ id: 'l0', type: 'Input', name: 'input', params: { shape: [64] } }];
  for (let i = 1; i < n; i++) layers.push({ id: `l${i}`, type: 'Dense', name: `dense_${i}`, params: { units: 64, activation: 'relu' } });
  return { layers, connections: layers.slice(1).map((l, i) => ({ from: layers[i].id, to: l.id, toSlot: 0 })) };
}

/** Input, then residual blocks (Conv2D → BatchNormalization → Activation → Conv2D → Add) until n layers, then a head. */
function residualCnn(n: number): Graph {
  const layers: LayerNode[] = [];
  const connections: Connection[] = [];
  const add = (type: string, params: LayerNode['params'], inputs: string[]): string => {
    const id = `l${layers.length}`;
    layers.push({ id, type, name: `${type.toLowerCase()}_${layers.length}`, params });
    inputs.forEach((from, toSlot) => connections.push({ from, to: id, toSlot }));
    return id;
  };
  let x = add('Input', { shape: [32, 32, 16] }, []);
  while (layers.length + 5 <= n - 2) {
    const a = add('Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }, [x]);
    const b = add('BatchNormalization', {}, [a]);
    const c = add('Activation', { activation: 'relu' }, [b]);
    const d = add('Conv2D', { filters: 16, kernelSize: 3, padding: 'same' }, [c]);
    x = add('Add', {}, [x, d]);
  }
  x = add('GlobalAveragePooling2D', {}, [x]);
  while (layers.length < n - 1) x = add('Dropout', { rate: 0.1 }, [x]);
  add('Dense', { units: 10, activation: 'softmax' }, [x]);
  return { layers, connections };
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
  const results: BenchResult[] = [];
  for (const [name, graph] of [['analyzeGraph, 1,000-layer Dense chain', denseChain(1000)], ['analyzeGraph, 1,000-layer residual CNN', residualCnn(1000)]] as const) {
    const check = analyzeGraph(graph);
    if (!check.valid || graph.layers.length !== 1000) throw new Error(`benchmark graph "${name}" is not a valid 1,000-layer graph: ${check.errors[0]?.message}`);
    for (let i = 0; i < 5; i++) analyzeGraph(graph); // warm up the JIT
    results.push({ name, value: median(() => analyzeGraph(graph), 21), unit: 'ms', note: `median of 21 runs, ${check.totalParams.toLocaleString('en-US')} params` });
  }
  return results;
}
