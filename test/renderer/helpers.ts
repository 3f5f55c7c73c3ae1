// Shared fixtures for the renderer tests: a store and command registry wired like the app's, projects
// from templates, and large generated graphs.
import { getTemplate, projectFromTemplate } from '../../app/templates/index.ts';
import { newProject, type ProjectDocument } from '../../app/project/document.ts';
import type { Connection, LayerNode } from '../../app/graph/types.ts';
import { createAppCommands } from '../../renderer/commands/appCommands.ts';
import { createProjectStore } from '../../renderer/state/projectStore.ts';

export const fixedNow = '2026-01-01T00:00:00.000Z';

export function templateDoc(id: string): ProjectDocument {
  const t = getTemplate(id);
  if (!t) throw new Error(`no template ${id}`);
  return projectFromTemplate(t, { now: fixedNow });
}

/** A store with `doc` open and a registry whose failures are collected instead of shown. */
export function setup(doc: ProjectDocument = templateDoc('tabular-classifier')) {
  const store = createProjectStore();
  const reported: string[] = [];
  const commands = createAppCommands(store, { report: (m) => reported.push(m) });
  store.getState().openDocument(doc, '/tmp/project.mwproj');
  return { store, commands, reported, doc: () => store.getState().document as ProjectDocument };
}

/** Input → `n - 1` Dense layers in a chain, laid out in a column. */
export function denseChain(n: number): ProjectDocument {
  const layers: LayerNode[] = [{ id: 'in', type: 'Input', name: 'in', params: { shape: [64] } }];
  const connections: Connection[] = [];
  const positions: Record<string, { x: number; y: number }> = { in: { x: 0, y: 0 } };
  for (let i = 1; i < n; i++) {
    const id = `d${i}`;
    layers.push({ id, type: 'Dense', name: id, params: { units: 64, activation: 'relu' } });
    connections.push({ from: layers[i - 1].id, to: id, toSlot: 0 });
    positions[id] = { x: 0, y: i * 100 };
  }
  return newProject('chain', { graph: { layers, connections }, layout: { positions }, now: fixedNow });
}
