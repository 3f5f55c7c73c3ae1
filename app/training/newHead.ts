// "New head for this data" (transfer learning): the model's last Dense layer (with the Activation and
// Dropout layers after it) gives way to a fresh Dense head sized from the bound data — one unit per class
// with softmax, one linear unit for a number — with the loss chosen automatically. The body and its frozen
// flags stay. Then "make the model fit the data" (./readiness.ts) does the rest (a Flatten before the head,
// the Input's shape), so the result is what the readiness check calls ready to train.
import { analyzeGraph } from '../graph/analyze.ts';
import type { Graph, LayerNode } from '../graph/types.ts';
import type { FixAction, FixTarget, ModelFix } from './modelFixes.ts';
import { applyFix } from './modelFixes.ts';
import { fitModelToData, outputDecider, outputLayerSpec, type BoundData, type Readiness } from './readiness.ts';

/** The name the new head's layer is given (head, head_1, … when taken). */
export const headName = 'head';

export interface NewHead {
  /** The graph and loss with the new head. */
  target: FixTarget;
  /** What was done, in the words a button or an undo entry shows. */
  label: string;
  /** The readiness of the result against the data. */
  readiness: Readiness;
}

/** The model's one output layer, or why there is no single head to replace. */
function outputOf(graph: Graph): LayerNode | string {
  const analysis = analyzeGraph(graph);
  if (analysis.outputs.length !== 1) {
    return analysis.outputs.length === 0 ? 'the model has no output layer' : `the model has ${analysis.outputs.length} outputs; connect or remove the loose ends first`;
  }
  return graph.layers.find((l) => l.id === analysis.outputs[0])!;
}

/** The layers the new head replaces: the output's deciding Dense layer and what follows it (else none). */
export function headLayers(graph: Graph): { decider: LayerNode | null; trailing: LayerNode[]; output: LayerNode } | string {
  const output = outputOf(graph);
  if (typeof output === 'string') return output;
  const { decider } = outputDecider(graph, output);
  if (decider.type !== 'Dense' || decider.block) return { decider: null, trailing: [], output };
  const trailing: LayerNode[] = [];
  for (let layer: LayerNode | undefined = output; layer && layer !== decider; ) {
    trailing.push(layer);
    const feed = graph.connections.find((c) => c.to === layer!.id && c.toSlot === 0);
    layer = feed ? graph.layers.find((l) => l.id === feed.from) : undefined;
  }
  return { decider, trailing, output };
}

/**
 * The model with a fresh head for `data`, or a sentence saying why not. The head layer is new (a name no
 * layer has, so a warm start gives it fresh weights) and trainable; every other layer keeps its weights'
 * name and its frozen flag.
 */
export function newHeadForData(target: FixTarget, data: BoundData): NewHead | string {
  if (data.task === 'reconstruction') return 'a model that reproduces its input has no head to replace';
  const head = headLayers(target.graph);
  if (typeof head === 'string') return `There is no single head to replace: ${head}.`;
  const spec = { ...outputLayerSpec(data), name: headName };
  const actions: FixAction[] = head.decider
    ? [
      ...(head.trailing.length ? [{ kind: 'remove-layers' as const, layerIds: head.trailing.map((l) => l.id), bridge: true }] : []),
      { kind: 'replace-layer', layerId: head.decider.id, layer: spec },
    ]
    : [{ kind: 'insert-after', layerId: head.output.id, layers: [spec] }];
  actions.push({ kind: 'set-loss', loss: 'auto' });
  const units = spec.params.units;
  const what = data.task === 'classification' ? `${units} class${units === 1 ? '' : 'es'}, ${spec.params.activation}` : `${units} number, linear`;
  const fix: ModelFix = { label: `New head for this data: Dense (${what})`, actions };
  const fitted = fitModelToData(applyFix(target, fix), data);
  return { target: fitted.target, label: fix.label, readiness: fitted.readiness };
}

/** Whether a layer is where "New head for this data" is offered: the head layer or a layer after it. */
export function isHeadLayer(graph: Graph, layerId: string): boolean {
  const head = headLayers(graph);
  if (typeof head === 'string') return false;
  if (head.decider) return head.decider.id === layerId || head.trailing.some((l) => l.id === layerId);
  return head.output.id === layerId;
}
