// The model canvas: palette, the graph drawn with @xyflow/react (drag in, connect handles, select, move),
// a toolbar (layout, fit, undo/redo), a minimap and the status bar. Every change goes through a command.
import { useCallback, useEffect, useLayoutEffect, useMemo, useRef, useState, type DragEvent } from 'react';
import {
  Background, Controls, MiniMap, ReactFlow, ReactFlowProvider, applyNodeChanges, useReactFlow, useStore,
  type Connection as FlowConnection, type EdgeChange, type NodeChange, type NodeTypes, type Viewport,
} from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import { commands } from '../../commands/index.ts';
import { NODE_HEIGHT, NODE_WIDTH } from '../../commands/placement.ts';
import { analyze } from '../../state/analysis.ts';
import { useReadiness } from '../../state/readiness.ts';
import type { Readiness } from '../../../app/training/readiness.ts';
import type { GraphAnalysis } from '../../../app/graph/types.ts';
import { projectStore, useProject } from '../../state/projectStore.ts';
import { setUi, uiStore, useUi } from '../../state/uiStore.ts';
import { LayerNodeView } from './LayerNodeView.tsx';
import { NodeModel, type LayerFlowNode } from './nodeModel.ts';
import { Palette, blockDragType, droppedBlock, layerDragType } from './Palette.tsx';
import { StatusBar } from './StatusBar.tsx';
import { importedParamCount } from '../../../app/project/importedWeights.ts';

const nodeTypes: NodeTypes = { layer: LayerNodeView };
const proOptions = { hideAttribution: true };
const fitViewOptions = { padding: 0.15, maxZoom: 1.2 };
/** Below this zoom the text on nodes and edges is too small to read: it is not drawn (level of detail). */
const detailZoom = 0.45;
const zoomedOutSelector = (s: { transform: [number, number, number] }) => s.transform[2] < detailZoom;

/** The connection drawn under a screen point (its wide, invisible hit area counts), or null. */
function edgeAt(x: number, y: number): Element | null {
  for (const el of document.elementsFromPoint(x, y)) {
    const edge = el.closest('.react-flow__edge');
    if (edge) return edge;
    if (el.closest('.react-flow__node')) return null;
  }
  return null;
}

function applySelectChanges(current: string[], changes: { id: string; selected: boolean }[]): string[] {
  const set = new Set(current);
  for (const c of changes) {
    if (c.selected) set.add(c.id);
    else set.delete(c.id);
  }
  return [...set];
}

const withReadiness = new WeakMap<Readiness, GraphAnalysis>();

/** The analysis with each layer's readiness problems in place of its bare graph errors (advice that fits the data). */
function shownOnNodes(analysis: GraphAnalysis, readiness: Readiness): GraphAnalysis {
  let shown = withReadiness.get(readiness);
  if (!shown) {
    const errors = readiness.problems
      .filter((p) => p.layerId && p.severity === 'error')
      .map((p) => ({ kind: 'shape' as const, layerId: p.layerId, layerName: p.layerName, message: p.message, fix: p.advice }));
    shown = { ...analysis, errors: [...errors, ...analysis.errors.filter((e) => !e.layerId)] };
    withReadiness.set(readiness, shown);
  }
  return shown;
}

function Flow() {
  const doc = useProject((s) => s.document);
  const selection = useProject((s) => s.selection);
  const fitViewRequest = useUi((s) => s.fitViewRequest);
  const flow = useReactFlow();
  const model = useRef(new NodeModel()).current;
  const [nodes, setNodes] = useState<LayerFlowNode[]>([]);
  const { readiness, data } = useReadiness();
  const analysis = doc ? shownOnNodes(analyze(doc.graph), readiness) : null;
  const zoomedOut = useStore(zoomedOutSelector);

  // The document is the truth; local node state only carries what React Flow adds (sizes, positions mid-drag).
  useLayoutEffect(() => {
    if (doc && analysis) setNodes((prev) => model.nodes(doc, analysis, selection, prev));
  }, [doc, analysis, selection, model]);

  const edges = useMemo(
    () => (doc && analysis ? model.edges(doc, analysis, selection, { labels: !zoomedOut }) : []),
    [doc, analysis, selection, model, zoomedOut],
  );

  // The canvas mounts anew each time its panel is shown. It comes back where the user left it; a fit request
  // (a project opened, Fit view) is one-shot: one made before the canvas mounts is done by React Flow's own
  // `fitView` on mount, one made while it is on screen animates. (Replaying the last request on every mount
  // moved the view under the pointer for 200 ms each time the user came back to the canvas.)
  const [restored] = useState(() => {
    const ui = uiStore.getState();
    return ui.fitViewRequest === ui.fitViewHandled ? ui.canvasViewport : null;
  });
  const justMounted = useRef(true);
  useEffect(() => {
    const first = justMounted.current;
    justMounted.current = false;
    if (fitViewRequest === uiStore.getState().fitViewHandled) return;
    setUi({ fitViewHandled: fitViewRequest });
    if (!first) requestAnimationFrame(() => void flow.fitView({ ...fitViewOptions, duration: 200 }));
  }, [fitViewRequest, flow]);

  // A layer selected out of view (one just added from the palette, usually) is brought into view.
  const pane = useRef<HTMLDivElement>(null);
  const selectedPosition = selection.layers.length === 1 ? doc?.layout.positions[selection.layers[0]] : undefined;
  useEffect(() => {
    const el = pane.current;
    if (!selectedPosition || !el) return;
    const { x, y, zoom } = flow.getViewport();
    const left = selectedPosition.x * zoom + x;
    const top = selectedPosition.y * zoom + y;
    const inView = left >= 0 && top >= 0 && left + NODE_WIDTH * zoom <= el.clientWidth && top + NODE_HEIGHT * zoom <= el.clientHeight;
    if (!inView) void flow.setCenter(selectedPosition.x + NODE_WIDTH / 2, selectedPosition.y + NODE_HEIGHT / 2, { zoom, duration: 200 });
  }, [selectedPosition, flow]);

  const onNodesChange = useCallback((changes: NodeChange<LayerFlowNode>[]) => {
    const selects = changes.filter((c): c is Extract<NodeChange, { type: 'select' }> => c.type === 'select');
    if (selects.length) {
      const s = projectStore.getState();
      s.setSelection({ layers: applySelectChanges(s.selection.layers, selects), connections: s.selection.connections });
    }
    // Removals go through the deleteSelection command, never straight from React Flow.
    const local = changes.filter((c) => c.type !== 'remove');
    if (local.length) setNodes((nds) => applyNodeChanges(local, nds));
  }, []);

  const onEdgesChange = useCallback((changes: EdgeChange[]) => {
    const selects = changes.filter((c): c is Extract<EdgeChange, { type: 'select' }> => c.type === 'select');
    if (!selects.length) return;
    const s = projectStore.getState();
    s.setSelection({ layers: s.selection.layers, connections: applySelectChanges(s.selection.connections, selects) });
  }, []);

  const onNodeDragStop = useCallback((_e: unknown, _node: LayerFlowNode, dragged: LayerFlowNode[]) => {
    const positions: Record<string, { x: number; y: number }> = {};
    for (const n of dragged) positions[n.id] = n.position;
    commands.execute('moveLayers', { positions });
  }, []);

  const onMoveEnd = useCallback((_e: unknown, viewport: Viewport) => setUi({ canvasViewport: viewport }), []);

  const onConnect = useCallback((c: FlowConnection) => {
    const slot = c.targetHandle?.startsWith('in-') ? Number(c.targetHandle.slice(3)) : 0;
    commands.execute('connectLayers', { from: c.source, to: c.target, toSlot: slot });
  }, []);

  const isValidConnection = useCallback((c: { source: string; target: string }) => c.source !== c.target, []);

  // A layer dragged over a connection highlights it; dropped there, it is inserted into it.
  const dropTarget = useRef<Element | null>(null);
  const markDropTarget = useCallback((edge: Element | null) => {
    if (dropTarget.current === edge) return;
    dropTarget.current?.classList.remove('mw-edge-drop');
    edge?.classList.add('mw-edge-drop');
    dropTarget.current = edge;
  }, []);

  const onDragOver = useCallback((e: DragEvent) => {
    if (e.dataTransfer.types.includes(layerDragType) || e.dataTransfer.types.includes(blockDragType)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = 'copy';
      markDropTarget(edgeAt(e.clientX, e.clientY));
    }
  }, [markDropTarget]);

  const onDrop = useCallback((e: DragEvent) => {
    const edge = edgeAt(e.clientX, e.clientY)?.getAttribute('data-id');
    markDropTarget(null);
    const block = droppedBlock(e.dataTransfer.getData(blockDragType));
    if (block) {
      e.preventDefault();
      const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
      commands.execute('insertBlock', { block, position: { x: Math.round(p.x - 90), y: Math.round(p.y - 24) } });
      return;
    }
    const type = e.dataTransfer.getData(layerDragType);
    if (!type) return;
    e.preventDefault();
    if (edge) {
      commands.execute('addLayer', { type, onConnection: edge });
      return;
    }
    const p = flow.screenToFlowPosition({ x: e.clientX, y: e.clientY });
    commands.execute('addLayer', { type, position: { x: Math.round(p.x - 90), y: Math.round(p.y - 24) } });
  }, [flow, markDropTarget]);

  if (!doc || !analysis) return null;
  const empty = doc.graph.layers.length === 0;

  return (
    <div className="mw-canvas-main">
      <div className="mw-canvas-toolbar" role="toolbar" aria-label="Canvas tools">
        <button type="button" onClick={() => commands.execute('autoLayout')} disabled={empty} data-testid="auto-layout-button" title="Arrange the layers top to bottom (Ctrl+Shift+L)">Auto layout</button>
        <button type="button" onClick={() => commands.execute('fitView')} disabled={empty} data-testid="fit-view-button" title="Show the whole model (F)">Fit view</button>
        <BlockButtons />
      </div>
      <div className={`mw-flow${zoomedOut ? ' mw-far' : ''}`} onDragOver={onDragOver} onDrop={onDrop} onDragLeave={() => markDropTarget(null)} data-testid="canvas" ref={pane}>
        <ReactFlow<LayerFlowNode>
          nodes={nodes}
          edges={edges}
          nodeTypes={nodeTypes}
          onNodesChange={onNodesChange}
          onEdgesChange={onEdgesChange}
          onNodeDragStop={onNodeDragStop}
          onSelectionDragStop={(e, dragged) => onNodeDragStop(e, dragged[0], dragged as LayerFlowNode[])}
          onConnect={onConnect}
          isValidConnection={isValidConnection}
          deleteKeyCode={null}
          selectionKeyCode="Shift"
          multiSelectionKeyCode={['Meta', 'Control']}
          fitView={!restored}
          fitViewOptions={fitViewOptions}
          defaultViewport={restored ?? undefined}
          onMoveEnd={onMoveEnd}
          minZoom={0.01}
          maxZoom={2}
          colorMode="system"
          proOptions={proOptions}
          elevateEdgesOnSelect
        >
          <Background gap={20} />
          <Controls showInteractive={false} />
          <MiniMap pannable zoomable ariaLabel="Overview of the model" />
        </ReactFlow>
        {empty && (
          <div className="mw-canvas-empty" data-testid="canvas-empty">
            <p><strong>This model has no layers yet.</strong></p>
            <p>Start with an <em>Input</em> layer from the palette on the left (drag it here, or click it), then add layers after it and connect them by dragging from the dot at the bottom of one layer to the dot at the top of the next.</p>
          </div>
        )}
      </div>
      <StatusBar analysis={analyze(doc.graph)} layerCount={doc.graph.layers.length} readiness={readiness} data={data} importedParams={importedParamCount(doc, analyze(doc.graph))} />
    </div>
  );
}

/** Make block (or collapse the block last expanded, when exactly its layers are selected) and Expand block. */
function BlockButtons() {
  const doc = useProject((s) => s.document);
  const selected = useProject((s) => s.selection.layers);
  const expanded = useUi((s) => s.expandedBlock);
  const one = selected.length === 1 ? doc?.graph.layers.find((l) => l.id === selected[0]) : undefined;
  const collapses = expanded !== null && expanded.ids.length === selected.length && expanded.ids.every((id) => selected.includes(id));
  return (
    <>
      <button type="button" onClick={() => commands.execute('makeBlock')} disabled={selected.length === 0 || Boolean(one?.block)} data-testid="make-block-button"
        title="Group the selected layers into one block node (Ctrl+G)">
        {collapses ? `Collapse block ${expanded.name}` : 'Make block'}
      </button>
      <button type="button" onClick={() => commands.execute('expandBlock')} disabled={!one?.block} data-testid="expand-block-button"
        title="Put the selected block's layers back on the canvas to edit them (Ctrl+Shift+G); Make block groups them again">
        Expand block
      </button>
    </>
  );
}

export default function CanvasPanel() {
  const hasDoc = useProject((s) => s.document !== null);
  if (!hasDoc) return <p className="mw-empty">Open a project or start from a template to see its model here.</p>;
  return (
    <div className="mw-canvas">
      <Palette />
      <ReactFlowProvider>
        <Flow />
      </ReactFlowProvider>
    </div>
  );
}
