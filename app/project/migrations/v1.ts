// Migration 0 → 1: the pre-release format stored a React Flow document (`nodes` with embedded
// positions and a `config`, `edges` with `source`/`target`/`targetHandle`); v1 splits graph and layout.
import { z } from 'zod';
import { camelToSnake } from '../../keras/caseConvert.ts';
import type { Migration } from '../migrate.ts';

/** What a version 0 file looked like. Unknown extra fields are dropped: v0 had no others that mattered. */
export const projectV0Schema = z.object({
  format: z.literal('modelwright-project'),
  version: z.literal(0),
  name: z.string().optional(),
  nodes: z.array(
    z.object({
      id: z.string().min(1),
      type: z.string().min(1),
      /** The user-visible name; v0 allowed it to be missing and showed the type instead. */
      label: z.string().optional(),
      config: z.record(z.string(), z.unknown()).optional(),
      position: z.object({ x: z.number(), y: z.number() }).optional(),
    }),
  ),
  edges: z
    .array(
      z.object({
        source: z.string().min(1),
        target: z.string().min(1),
        /** `in-0`, `in-1`, ... for merge layers; absent for single-input layers. */
        targetHandle: z.string().nullable().optional(),
      }),
    )
    .default([]),
  dataset: z.unknown().optional(),
  training: z.unknown().optional(),
  savedAt: z.string().optional(),
  notes: z.string().optional(),
});

export type ProjectV0 = z.infer<typeof projectV0Schema>;

/** `Conv2D` → `conv2d`, `GlobalMaxPooling1D` → `global_max_pooling1d`: Keras's default layer names. */
export function kerasBaseName(type: string): string {
  return camelToSnake(type);
}

export const migrationToV1: Migration = {
  from: 0,
  to: 1,
  description: 'split the React Flow nodes/edges document into graph (layers, connections) and layout (positions)',
  schema: projectV0Schema,
  migrate(input, ctx) {
    const v0 = input as ProjectV0;
    const used = new Set(v0.nodes.map((n) => n.label).filter((l): l is string => typeof l === 'string' && l.trim() !== ''));
    const counters = new Map<string, number>();
    const layers = v0.nodes.map((node) => {
      let name = node.label?.trim() ? node.label : undefined;
      if (name === undefined) {
        // Unnamed nodes get Keras-style names (dense_1, dense_2, ...) that no other node uses.
        const base = kerasBaseName(node.type);
        let k = counters.get(base) ?? 0;
        do name = `${base}_${++k}`;
        while (used.has(name));
        counters.set(base, k);
        used.add(name);
      }
      return { id: node.id, type: node.type, name, params: node.config ?? {} };
    });
    const connections = v0.edges.map((edge) => {
      const slot = /^in-(\d+)$/.exec(edge.targetHandle ?? '');
      return { from: edge.source, to: edge.target, toSlot: slot ? Number(slot[1]) : 0 };
    });
    const positions: Record<string, { x: number; y: number }> = {};
    for (const node of v0.nodes) if (node.position) positions[node.id] = { x: node.position.x, y: node.position.y };
    const when = v0.savedAt && !Number.isNaN(Date.parse(v0.savedAt)) ? new Date(v0.savedAt).toISOString() : ctx.now;
    const out: Record<string, unknown> = {
      format: 'modelwright-project',
      version: 1,
      name: v0.name?.trim() ? v0.name : 'Untitled project',
      graph: { layers, connections },
      layout: { positions },
      dataset: v0.dataset ?? null,
      training: v0.training ?? null,
      createdAt: when,
      modifiedAt: when,
    };
    if (v0.notes !== undefined) out.notes = v0.notes;
    return out;
  },
};
