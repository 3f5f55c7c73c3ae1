// The readiness check's fixes as undoable edits: a fix (or "make the model fit this data", all of them)
// is applied by app/training/modelFixes.ts; the difference to the document becomes one patch, with new
// layers placed below the layer they follow.
import type { Connection, Graph } from '../../app/graph/types.ts';
import type { ProjectDocument } from '../../app/project/document.ts';
import { makeTrainingConfig } from '../../app/training/config.ts';
import { applyFix, type FixTarget, type ModelFix } from '../../app/training/modelFixes.ts';
import { newHeadForData as newHead } from '../../app/training/newHead.ts';
import { fitModelToData as fitAll, type BoundData } from '../../app/training/readiness.ts';
import { connectionKey, type EditResult, type FieldChange, type LayerChange, type Position, type PositionChange } from '../state/patch.ts';
import { CommandError } from './graphEdits.ts';
import { GAP_Y, placeInserted } from './placement.ts';

function targetOf(doc: ProjectDocument): FixTarget {
  return { graph: doc.graph, loss: doc.training?.loss ?? 'auto' };
}

/** The patch that turns `doc` into `after` (layers by id, connections by key, positions for new layers). */
export function patchTo(doc: ProjectDocument, after: FixTarget): EditResult | null {
  const before: Graph = doc.graph;
  const oldById = new Map(before.layers.map((l, i) => [l.id, { layer: l, index: i }]));
  const newIds = new Set(after.graph.layers.map((l) => l.id));
  const layers: LayerChange[] = [];
  before.layers.forEach((l, index) => { if (!newIds.has(l.id)) layers.push({ id: l.id, before: l, after: null, index }); });
  after.graph.layers.forEach((l, index) => {
    const old = oldById.get(l.id);
    if (!old) layers.push({ id: l.id, before: null, after: l, index });
    else if (JSON.stringify(old.layer) !== JSON.stringify(l)) layers.push({ id: l.id, before: old.layer, after: l, index: old.index });
  });
  const oldKeys = new Set(before.connections.map(connectionKey));
  const newKeys = new Set(after.graph.connections.map(connectionKey));
  const removeConnections = before.connections.filter((c) => !newKeys.has(connectionKey(c)));
  const addConnections = after.graph.connections.filter((c) => !oldKeys.has(connectionKey(c)));

  // New layers go one step below what feeds them; what follows them moves down to make room.
  const positions: Record<string, Position> = { ...doc.layout.positions };
  const moves = new Map<string, PositionChange>();
  for (const c of layers) {
    if (c.after === null) {
      if (positions[c.id]) moves.set(c.id, { id: c.id, before: doc.layout.positions[c.id] ?? null, after: null });
      delete positions[c.id];
      continue;
    }
    if (c.before !== null) continue;
    const feed = after.graph.connections.find((x: Connection) => x.to === c.id);
    const anchor = feed ? positions[feed.from] : undefined;
    const wanted = anchor ? { x: anchor.x, y: anchor.y + GAP_Y } : { x: 0, y: 0 };
    const next = after.graph.connections.filter((x) => x.from === c.id).map((x) => x.to);
    const placed = placeInserted(positions, after.graph.connections, wanted, next);
    for (const [id, p] of Object.entries(placed.moves)) {
      moves.set(id, { id, before: doc.layout.positions[id] ?? moves.get(id)?.before ?? null, after: p });
      positions[id] = p;
    }
    positions[c.id] = placed.position;
    moves.set(c.id, { id: c.id, before: null, after: placed.position });
  }
  const fields: FieldChange[] = [];
  if (after.loss !== (doc.training?.loss ?? 'auto')) {
    const training = { ...(doc.training ?? makeTrainingConfig()), loss: after.loss };
    fields.push({ key: 'training', before: doc.training, after: training });
  }
  if (layers.length === 0 && removeConnections.length === 0 && addConnections.length === 0 && fields.length === 0) return null;
  const added = layers.filter((c) => c.before === null).map((c) => c.id);
  const changed = layers.filter((c) => c.after !== null).map((c) => c.id);
  return {
    patch: { layers, removeConnections, addConnections, positions: [...moves.values()], fields },
    select: { layers: added.length ? added : changed, connections: [] },
  };
}

/** One readiness fix as an undoable edit. */
export function applyModelFix(doc: ProjectDocument, args: { fix: ModelFix }): EditResult | null {
  if (!args?.fix?.actions) throw new CommandError('There is no fix to apply.');
  return patchTo(doc, applyFix(targetOf(doc), args.fix));
}

/** "Make the model fit this data": every fix the check finds against `data`, in one undoable edit. */
export function fitModelToData(doc: ProjectDocument, args: { data: BoundData }): EditResult | null {
  if (!args?.data) throw new CommandError('Choose the data first; then the model can be fitted to it.');
  const { target, applied } = fitAll(targetOf(doc), args.data);
  if (applied.length === 0) return null;
  return patchTo(doc, target);
}

/** "New head for this data": a fresh Dense head sized from `data`, the body and its frozen flags kept, in one undoable edit. */
export function newHeadForData(doc: ProjectDocument, args: { data: BoundData }): EditResult | null {
  if (!args?.data) throw new CommandError('Choose the data first; the new head is sized from it.');
  const result = newHead(targetOf(doc), args.data);
  if (typeof result === 'string') throw new CommandError(result);
  return patchTo(doc, result.target);
}
