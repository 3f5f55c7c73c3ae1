// Shape inference and validation of a model graph: output shape and weight count per layer, totals,
// and every problem in plain language, attached to the layer that causes it.
import { flattenBlocks, hasBlocks, mapAnalysisToBlocks } from './blocks.ts';
import { getLayerDef, paramProblems, resolveParams } from './catalog.ts';
import { LayerProblem, wordEmbeddingTypes, type LayerDef } from './layers/common.ts';
import type { Connection, Graph, GraphAnalysis, GraphError, LayerInfo, LayerNode, Shape } from './types.ts';

// TF.js builds weight names from layer names and refuses anything else (tfjs-layers common.ts).
const layerNamePattern = /^[A-Za-z0-9][-A-Za-z0-9._]*$/;

export function isValidLayerName(name: string): boolean {
  return layerNamePattern.test(name);
}

/** Keras-style default name for a new layer (`conv2d`, `conv2d_1`, ...), not clashing with `taken`. */
export function suggestLayerName(type: string, taken: Iterable<string>): string {
  const base = type.replace(/([a-z])([A-Z])/g, '$1_$2').replace(/([A-Z])([A-Z][a-z])/g, '$1_$2').toLowerCase();
  const used = new Set(taken);
  if (!used.has(base)) return base;
  for (let i = 1; ; i++) if (!used.has(`${base}_${i}`)) return `${base}_${i}`;
}

function quote(layer: LayerNode): string {
  return `"${layer.name}"`;
}

function listNames(names: string[]): string {
  const q = names.map((n) => `"${n}"`);
  return q.length <= 1 ? q.join('') : `${q.slice(0, -1).join(', ')} and ${q[q.length - 1]}`;
}

/** Strongly connected components (Tarjan, iterative) of the nodes left over by the topological sort. */
function loops(nodes: number[], next: number[][], inSet: Uint8Array): number[][] {
  const index = new Int32Array(next.length).fill(-1);
  const low = new Int32Array(next.length);
  const onStack = new Uint8Array(next.length);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (const root of nodes) {
    if (index[root] !== -1) continue;
    const work: [number, number][] = [[root, 0]];
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (work.length) {
      const frame = work[work.length - 1];
      const [v, i] = frame;
      const succ = next[v];
      if (i < succ.length) {
        frame[1]++;
        const w = succ[i];
        if (!inSet[w]) continue;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          work.push([w, 0]);
        } else if (onStack[w]) {
          low[v] = Math.min(low[v], index[w]);
        }
        continue;
      }
      work.pop();
      if (work.length) low[work[work.length - 1][0]] = Math.min(low[work[work.length - 1][0]], low[v]);
      if (low[v] === index[v]) {
        const comp: number[] = [];
        let w: number;
        do {
          w = stack.pop() as number;
          onStack[w] = 0;
          comp.push(w);
        } while (w !== v);
        if (comp.length > 1 || next[v].includes(v)) out.push(comp.sort((a, b) => a - b));
      }
    }
  }
  return out;
}

/**
 * Shapes, weights and problems of a graph. A graph with blocks is analysed flattened (blocks.ts) and
 * the result is told in terms of its block nodes.
 */
export function analyzeGraph(graph: Graph): GraphAnalysis {
  if (!hasBlocks(graph)) return analyzeFlatGraph(graph);
  const flat = flattenBlocks(graph);
  return mapAnalysisToBlocks(graph, flat, analyzeFlatGraph(flat.graph));
}

function analyzeFlatGraph(graph: Graph): GraphAnalysis {
  const layers = graph.layers;
  const errors: GraphError[] = [];
  const err = (e: GraphError, layer?: LayerNode) => {
    errors.push(layer ? { ...e, layerId: layer.id, layerName: layer.name } : e);
  };

  // Identity and names.
  const indexOf = new Map<string, number>();
  const names = new Set<string>();
  const alive = new Uint8Array(layers.length);
  layers.forEach((layer, i) => {
    if (indexOf.has(layer.id)) {
      err({ kind: 'duplicate-id', message: `Layer ${quote(layer)} has the same id ("${layer.id}") as another layer, so connections to it are ambiguous`, fix: 'delete it and add it again' }, layer);
      return;
    }
    indexOf.set(layer.id, i);
    alive[i] = 1;
    if (names.has(layer.name)) {
      err({ kind: 'duplicate-name', message: `Two layers are named ${quote(layer)}; every layer needs its own name`, fix: 'rename one of them' }, layer);
    } else if (!isValidLayerName(layer.name)) {
      err({
        kind: 'invalid-name',
        message: `The name ${quote(layer)} can't be used: names may contain only letters, digits, "-", "_" and ".", and must start with a letter or digit`,
        fix: `rename it, e.g. to "${suggestLayerName(layer.type, names)}"`,
      }, layer);
    }
    names.add(layer.name);
  });

  // Connections: drop the ones that point nowhere, index the rest by target slot.
  const incoming: Connection[][] = layers.map(() => []);
  const next: number[][] = layers.map(() => []);
  const outDegree = new Int32Array(layers.length);
  for (const c of graph.connections) {
    const from = indexOf.get(c.from);
    const to = indexOf.get(c.to);
    if (from === undefined || to === undefined) {
      const known = from !== undefined ? layers[from] : to !== undefined ? layers[to] : undefined;
      const missing = from === undefined ? c.from : c.to;
      err({
        kind: 'missing-layer',
        message: known
          ? `A connection ${from === undefined ? 'into' : 'out of'} ${quote(known)} ${from === undefined ? 'comes from' : 'goes to'} a layer that does not exist (id "${missing}")`
          : `A connection links two layers that do not exist (ids "${c.from}" and "${c.to}")`,
        fix: 'delete that connection',
      }, known);
      continue;
    }
    if (!Number.isInteger(c.toSlot) || c.toSlot < 0) {
      err({ kind: 'input-count', message: `A connection into ${quote(layers[to])} uses input number ${String(c.toSlot)}, which does not exist`, fix: 'delete the connection and connect it again' }, layers[to]);
      continue;
    }
    incoming[to].push(c);
    next[from].push(to);
    outDegree[from]++;
  }

  // Topological order (Kahn), ties kept in document order so results are stable.
  const inDegree = new Int32Array(layers.length);
  for (let i = 0; i < layers.length; i++) for (const j of next[i]) inDegree[j]++;
  const orderIdx: number[] = [];
  for (let i = 0; i < layers.length; i++) if (alive[i] && inDegree[i] === 0) orderIdx.push(i);
  for (let k = 0; k < orderIdx.length; k++) {
    for (const j of next[orderIdx[k]]) if (--inDegree[j] === 0) orderIdx.push(j);
  }
  const sorted = new Uint8Array(layers.length);
  for (const i of orderIdx) sorted[i] = 1;
  const leftovers: number[] = [];
  for (let i = 0; i < layers.length; i++) if (alive[i] && !sorted[i]) leftovers.push(i);
  const hasCycle = leftovers.length > 0;
  if (hasCycle) {
    const inSet = new Uint8Array(layers.length);
    for (const i of leftovers) inSet[i] = 1;
    for (const comp of loops(leftovers, next, inSet)) {
      const first = layers[comp[0]];
      err({
        kind: 'cycle',
        message: comp.length === 1
          ? `${quote(first)} is connected to itself; data must flow one way, from the inputs to the outputs`
          : `${listNames(comp.map((i) => layers[i].name))} form a loop; data must flow one way, from the inputs to the outputs`,
        fix: 'remove one of the connections in the loop',
      }, first);
    }
  }

  // Shapes and weights, in order; a layer after a problem gets an unknown shape and no error of its own.
  const info: LayerInfo[] = layers.map(() => ({ outputShape: null, inputShapes: [], params: 0, trainableParams: 0 }));
  const shapes: (Shape | null)[] = layers.map(() => null);
  for (const i of orderIdx) {
    const layer = layers[i];
    const def = getLayerDef(layer.type);
    if (!def) {
      err({ kind: 'unknown-type', message: `"${layer.type}" is not a layer type Modelwright knows`, fix: 'replace it with a layer from the palette' }, layer);
      continue;
    }
    const problems = paramProblems(def, layer.params);
    for (const p of problems) err({ kind: 'invalid-param', param: p.param, message: p.message, fix: p.fix }, layer);
    const ins = incoming[i].slice().sort((a, b) => a.toSlot - b.toSlot);
    if (!checkInputs(def, layer, ins, outDegree[i], err)) continue;
    if (problems.length) continue;
    if (def.type === 'Input' && resolveParams(layer).dtype === 'int32') {
      // TF.js multiplies int32 inputs with float32 weights only inside Embedding (which casts);
      // anywhere else training fails with a dtype error that says nothing useful.
      const reader = next[i].map((j) => layers[j]).find((l) => !wordEmbeddingTypes.has(l.type));
      if (reader) {
        err({
          kind: 'invalid-param', param: 'dtype',
          message: `Input ${quote(layer)} gives whole numbers (int32), which only an Embedding layer can take, but it feeds ${reader.type} ${quote(reader)}`,
          fix: 'set its number type to float32, or put an Embedding layer after it',
        }, layer);
        continue;
      }
    }
    const inShapes = ins.map((c) => shapes[indexOf.get(c.from) as number]);
    if (inShapes.some((s) => s === null)) continue;
    info[i].inputShapes = inShapes as Shape[];
    try {
      const outcome = def.infer(inShapes as Shape[], resolveParams(layer));
      shapes[i] = outcome.shape;
      info[i].outputShape = outcome.shape;
      info[i].params = outcome.params;
      // A frozen layer's weights all count as non-trainable (Keras semantics).
      info[i].trainableParams = layer.trainable === false ? 0 : outcome.params - (outcome.nonTrainable ?? 0);
    } catch (e) {
      if (!(e instanceof LayerProblem)) throw e;
      err({ kind: e.kind, message: e.message, fix: e.fix }, layer);
    }
  }

  // Ends of the model.
  const inputs: string[] = [];
  const outputs: string[] = [];
  for (let i = 0; i < layers.length; i++) {
    if (!alive[i]) continue;
    if (layers[i].type === 'Input') inputs.push(layers[i].id);
    else if (outDegree[i] === 0) outputs.push(layers[i].id);
  }
  if (inputs.length === 0) {
    errors.unshift({ kind: 'no-input', message: 'The model has no Input layer, so it has nowhere to take data from', fix: 'add an Input layer and connect it to the first layer' });
  }
  if (outputs.length === 0) {
    const onlyInputs = inputs.length === alive.reduce((n, a) => n + a, 0);
    errors.unshift(onlyInputs
      ? { kind: 'no-output', message: 'The model has no layers after its input, so it produces nothing', fix: 'add a layer after the Input layer, e.g. a Dense layer' }
      : { kind: 'no-output', message: 'The model has no output: every layer feeds into another one', fix: 'remove one of the connections in the loop' });
  }

  const byId: Record<string, LayerInfo> = {};
  let totalParams = 0;
  let trainableParams = 0;
  for (let i = 0; i < layers.length; i++) {
    if (!alive[i]) continue;
    byId[layers[i].id] = info[i];
    totalParams += info[i].params;
    trainableParams += info[i].trainableParams ?? 0;
  }
  return {
    valid: errors.length === 0,
    layers: byId,
    totalParams,
    trainableParams,
    weightBytes: totalParams * 4,
    order: hasCycle ? [] : orderIdx.map((i) => layers[i].id),
    inputs,
    outputs,
    errors,
  };
}

/** Checks how many inputs are connected; false when inference cannot go on. */
function checkInputs(def: LayerDef, layer: LayerNode, ins: Connection[], outDegree: number, err: (e: GraphError, l?: LayerNode) => void): boolean {
  const n = ins.length;
  if (def.type === 'Input') {
    if (n > 0) err({ kind: 'input-count', message: `Input layer ${quote(layer)} receives a connection, but data only flows out of an Input layer`, fix: 'remove the connection into it' }, layer);
    if (outDegree === 0) err({ kind: 'disconnected', message: `Input layer ${quote(layer)} is not connected to any layer`, fix: 'connect it to a layer, or delete it' }, layer);
    return n === 0;
  }
  if (n === 0) {
    if (outDegree === 0) {
      err({ kind: 'disconnected', message: `${def.type} ${quote(layer)} is not connected to anything`, fix: 'connect it between other layers, or delete it' }, layer);
    } else {
      err({ kind: 'input-count', message: `${def.type} ${quote(layer)} has no input, so nothing flows into it`, fix: 'connect a layer (or an Input layer) into it' }, layer);
    }
    return false;
  }
  for (let k = 0; k < n; k++) {
    if (ins[k].toSlot === k) continue;
    const dup = k > 0 && ins[k].toSlot === ins[k - 1].toSlot;
    err({
      kind: 'input-count',
      message: dup
        ? `${def.type} ${quote(layer)} has two connections into its input ${ins[k].toSlot + 1}; each input takes one connection`
        : `${def.type} ${quote(layer)} has nothing connected to its input ${k + 1}`,
      fix: dup ? 'delete one of the two connections' : 'connect its inputs in order, starting with the first',
    }, layer);
    return false;
  }
  if (n < def.minInputs) {
    err({
      kind: 'input-count',
      message: `${def.type} combines ${def.minInputs === def.maxInputs ? `exactly ${def.minInputs}` : `at least ${def.minInputs}`} inputs but ${quote(layer)} has only ${n}`,
      fix: 'connect another branch into it, or remove it',
    }, layer);
    return false;
  }
  if (n > def.maxInputs) {
    err({
      kind: 'input-count',
      message: def.maxInputs === 1
        ? `${def.type} takes one input but ${quote(layer)} has ${n} connected`
        : `${def.type} takes ${def.maxInputs} inputs but ${quote(layer)} has ${n} connected`,
      fix: def.maxInputs === 1 ? 'join the branches first with a merge layer such as Concatenate or Add' : 'remove the extra connections',
    }, layer);
    return false;
  }
  return true;
}
