// Where a new layer goes on the canvas so that it covers nothing: below the layer it follows, the layers
// after it moved down to make room (the chain stays one readable column), sideways only as a last resort.
import type { Connection } from '../../app/graph/types.ts';
import type { Position } from '../state/patch.ts';

/** A layer box as drawn (renderer/styles.css `.mw-node`), with the gap kept around it. */
export const NODE_WIDTH = 180;
export const NODE_HEIGHT = 70;
/** Vertical distance between a layer and the next one in a column: the box plus room for the shape label. */
export const GAP_Y = 100;
const GAP_X = 40;

export function overlaps(a: Position, b: Position): boolean {
  return Math.abs(a.x - b.x) < NODE_WIDTH + GAP_X / 2 && Math.abs(a.y - b.y) < NODE_HEIGHT + 10;
}

/** Every layer reachable from `starts` along the connections (the starts included). */
export function downstream(connections: readonly Connection[], starts: Iterable<string>): Set<string> {
  const next = new Map<string, string[]>();
  for (const c of connections) {
    const list = next.get(c.from);
    if (list) list.push(c.to);
    else next.set(c.from, [c.to]);
  }
  const seen = new Set<string>();
  const stack = [...starts];
  while (stack.length) {
    const id = stack.pop() as string;
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(next.get(id) ?? []));
  }
  return seen;
}

export interface Placement {
  /** Where the new layer goes. */
  position: Position;
  /** Layers that move to make room (id → new position); the ones not listed stay. */
  moves: Record<string, Position>;
}

/**
 * Places a layer at `wanted` (usually one step below the layer it follows). The layers that will come
 * after it (`after`, with everything downstream of them) move down by as much as needed to be a step
 * below it; if the spot still covers another layer, the new one moves right until it is free.
 */
export function placeInserted(
  positions: Readonly<Record<string, Position>>,
  connections: readonly Connection[],
  wanted: Position,
  after: readonly string[],
): Placement {
  const position = { x: Math.round(wanted.x), y: Math.round(wanted.y) };
  const moves: Record<string, Position> = {};
  const pushed = downstream(connections, after);
  const needed = Math.max(0, ...after.map((id) => (positions[id] ? position.y + GAP_Y - positions[id].y : 0)));
  if (needed > 0) {
    for (const id of pushed) {
      const p = positions[id];
      if (p) moves[id] = { x: p.x, y: p.y + needed };
    }
  }
  const others = Object.entries(positions).filter(([id]) => !pushed.has(id)).map(([, p]) => p);
  while (others.some((p) => overlaps(p, position))) position.x += NODE_WIDTH + GAP_X;
  return { position, moves };
}

/** A free spot below everything, for a layer that follows nothing (left column of the lowest layer). */
export function placeBelowAll(positions: Readonly<Record<string, Position>>): Position {
  const all = Object.values(positions);
  if (all.length === 0) return { x: 0, y: 0 };
  const lowest = all.reduce((a, b) => (b.y > a.y ? b : a));
  return { x: lowest.x, y: lowest.y + GAP_Y };
}
