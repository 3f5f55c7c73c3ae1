// Turns the project (graph, positions, analysis, selection) into React Flow nodes and edges, reusing the
// previous objects for everything that did not change so memoized node components skip re-rendering.
import type { Edge, Node } from '@xyflow/react';
import { formatParamValue } from '../../../app/format.ts';
import { formatShape, getLayerDef, resolveParams, type LayerDef } from '../../../app/graph/catalog.ts';
import type { GraphAnalysis, GraphError, LayerNode } from '../../../app/graph/types.ts';
import type { ProjectDocument } from '../../../app/project/document.ts';
import { inputSlotCount } from '../../commands/graphEdits.ts';
import { connectionKey } from '../../state/patch.ts';
import type { Selection } from '../../state/selection.ts';

export interface LayerNodeData extends Record<string, unknown> {
  layer: LayerNode;
  def: LayerDef | undefined;
  /** `[28, 28, 1]`, or `?` when it cannot be known (an error upstream). */
  outputShape: string;
  params: number;
  errors: GraphError[];
  inputSlots: number;
  /** Short "units 64 · relu" summary of the layer's key parameters. */
  summary: string;
  /** The layer carries weights imported with the model (the project's `weights.layers` names it). */
  imported: boolean;
}

export type LayerFlowNode = Node<LayerNodeData, 'layer'>;

export function keyParamSummary(layer: LayerNode, def: LayerDef | undefined): string {
  if (layer.block) return `${layer.block.definition} v${layer.block.version} · ${layer.block.layers.length} layers`;
  if (!def) return '';
  const resolved = resolveParams(layer);
  return def.keyParams
    .filter((k) => resolved[k] !== undefined)
    .map((k) => (k === 'activation' ? formatParamValue(resolved[k]) : `${k} ${formatParamValue(resolved[k])}`))
    .join(' · ');
}

interface CacheEntry {
  layer: LayerNode;
  key: string;
  data: LayerNodeData;
}

/**
 * Keeps node data objects stable across edits: a layer's data is rebuilt only when the layer itself, its
 * shape, weight count, errors or number of input handles change (one edit usually touches a few layers).
 */
export class NodeModel {
  private dataCache = new Map<string, CacheEntry>();
  private edgeCache = new Map<string, Edge>();

  nodes(doc: ProjectDocument, analysis: GraphAnalysis, selection: Selection, previous: readonly LayerFlowNode[]): LayerFlowNode[] {
    const errors = new Map<string, GraphError[]>();
    for (const e of analysis.errors) {
      if (!e.layerId) continue;
      const list = errors.get(e.layerId);
      if (list) list.push(e);
      else errors.set(e.layerId, [e]);
    }
    const prevById = new Map(previous.map((n) => [n.id, n]));
    const selected = new Set(selection.layers);
    const nextCache = new Map<string, CacheEntry>();
    const out: LayerFlowNode[] = [];
    const importedNames = new Set(doc.weights?.layers ?? []);
    doc.graph.layers.forEach((layer, i) => {
      const info = analysis.layers[layer.id];
      const layerErrors = errors.get(layer.id) ?? [];
      const slots = inputSlotCount(layer, doc.graph.connections);
      const outputShape = info?.outputShape ? formatShape(info.outputShape) : '?';
      const params = info?.params ?? 0;
      const imported = params > 0 && importedNames.has(layer.name);
      const key = `${outputShape}|${params}|${slots}|${imported}|${layerErrors.map((e) => `${e.message}|${e.fix ?? ''}`).join('||')}`;
      const cached = this.dataCache.get(layer.id);
      let data: LayerNodeData;
      if (cached && cached.layer === layer && cached.key === key) {
        data = cached.data;
      } else {
        const def = getLayerDef(layer.type);
        data = { layer, def, outputShape, params, errors: layerErrors, inputSlots: slots, summary: keyParamSummary(layer, def), imported };
      }
      nextCache.set(layer.id, { layer, key, data });
      const position = doc.layout.positions[layer.id] ?? { x: (i % 6) * 220, y: Math.floor(i / 6) * 140 };
      const isSelected = selected.has(layer.id);
      const prev = prevById.get(layer.id);
      if (prev && prev.data === data && prev.position.x === position.x && prev.position.y === position.y && Boolean(prev.selected) === isSelected) {
        out.push(prev);
      } else {
        // Spreading the previous node keeps what React Flow measured (its size), so it is not re-measured.
        out.push({ ...prev, id: layer.id, type: 'layer', position, data, selected: isSelected });
      }
    });
    this.dataCache = nextCache;
    return out;
  }

  /** `labels: false` leaves the shape labels off (zoomed far out, where they cannot be read anyway). */
  edges(doc: ProjectDocument, analysis: GraphAnalysis, selection: Selection, options: { labels?: boolean } = {}): Edge[] {
    const withLabels = options.labels ?? true;
    const selected = new Set(selection.connections);
    const next = new Map<string, Edge>();
    const out: Edge[] = [];
    for (const c of doc.graph.connections) {
      const id = connectionKey(c);
      const shape = analysis.layers[c.from]?.outputShape;
      const label = withLabels ? (shape ? formatShape(shape) : '?') : undefined;
      const isSelected = selected.has(id);
      const prev = this.edgeCache.get(id);
      const edge = prev && prev.label === label && Boolean(prev.selected) === isSelected
        ? prev
        : { id, source: c.from, target: c.to, sourceHandle: 'out', targetHandle: `in-${c.toSlot}`, label, selected: isSelected };
      next.set(id, edge);
      out.push(edge);
    }
    this.edgeCache = next;
    return out;
  }
}
