// Migrations: a version 0 (pre-release React Flow) file opens as an equivalent version 1 document.
import { describe, expect, it } from 'vitest';
import { parseProject, serializeProject } from '../../../app/project/document.ts';
import { migrateProject, migrations } from '../../../app/project/migrate.ts';
import { kerasBaseName } from '../../../app/project/migrations/v1.ts';
import { PROJECT_VERSION } from '../../../app/project/schema.ts';

const v0 = {
  format: 'modelwright-project',
  version: 0,
  name: 'Old residual block',
  nodes: [
    { id: 'n1', type: 'Input', label: 'pixels', config: { shape: [28, 28, 1] }, position: { x: 10, y: 20 } },
    { id: 'n2', type: 'Conv2D', config: { filters: 8, kernelSize: 3, padding: 'same' }, position: { x: 10, y: 120 } },
    { id: 'n3', type: 'Conv2D', config: { filters: 8, kernelSize: 3, padding: 'same' } },
    { id: 'n4', type: 'Add', label: '' },
    { id: 'n5', type: 'GlobalAveragePooling2D' },
    { id: 'n6', type: 'Dense', label: 'dense_1', config: { units: 10, activation: 'softmax' } },
    { id: 'n7', type: 'Dense', config: { units: 10 } },
  ],
  edges: [
    { source: 'n1', target: 'n2' },
    { source: 'n2', target: 'n3', targetHandle: null },
    { source: 'n3', target: 'n4', targetHandle: 'in-1' },
    { source: 'n2', target: 'n4', targetHandle: 'in-0' },
    { source: 'n4', target: 'n5' },
    { source: 'n5', target: 'n6' },
  ],
  training: { epochs: 3 },
  savedAt: '2024-12-24T08:30:00Z',
  editorZoom: 1.5,
};

describe('project migrations', () => {
  it('has one step per version, in order, ending at the current version', () => {
    migrations.forEach((m, i) => expect([m.from, m.to]).toEqual([i, i + 1]));
    expect(migrations[migrations.length - 1].to).toBe(PROJECT_VERSION);
  });

  it('opens a version 0 file as version 1: names, slots, positions, timestamps', () => {
    const doc = parseProject(JSON.stringify(v0), { now: '2030-01-01T00:00:00.000Z' });
    expect(doc.version).toBe(1);
    expect(doc.name).toBe('Old residual block');
    expect(doc.graph.layers.map((l) => [l.id, l.type, l.name])).toEqual([
      ['n1', 'Input', 'pixels'],
      ['n2', 'Conv2D', 'conv2d_1'],
      ['n3', 'Conv2D', 'conv2d_2'],
      ['n4', 'Add', 'add_1'],
      ['n5', 'GlobalAveragePooling2D', 'global_average_pooling2d_1'],
      ['n6', 'Dense', 'dense_1'],
      // dense_1 is taken by a labelled node, so the unnamed Dense skips it.
      ['n7', 'Dense', 'dense_2'],
    ]);
    expect(doc.graph.layers[1].params).toEqual({ filters: 8, kernelSize: 3, padding: 'same' });
    expect(doc.graph.layers[3].params).toEqual({});
    expect(doc.graph.connections).toEqual([
      { from: 'n1', to: 'n2', toSlot: 0 },
      { from: 'n2', to: 'n3', toSlot: 0 },
      { from: 'n3', to: 'n4', toSlot: 1 },
      { from: 'n2', to: 'n4', toSlot: 0 },
      { from: 'n4', to: 'n5', toSlot: 0 },
      { from: 'n5', to: 'n6', toSlot: 0 },
    ]);
    expect(doc.layout.positions).toEqual({ n1: { x: 10, y: 20 }, n2: { x: 10, y: 120 } });
    expect(doc.createdAt).toBe('2024-12-24T08:30:00.000Z');
    expect(doc.modifiedAt).toBe('2024-12-24T08:30:00.000Z');
    expect(doc.training?.epochs).toBe(3);
    expect(doc.dataset).toBeNull();
    // Saved again, it is a plain version 1 file.
    expect(JSON.parse(serializeProject(doc)).version).toBe(1);
    expect(serializeProject(doc)).not.toMatch(/nodes|edges|editorZoom/);
  });

  it('uses the given time when a version 0 file has no timestamp, and a default name', () => {
    const { savedAt: _s, name: _n, ...rest } = v0;
    const doc = parseProject(JSON.stringify(rest), { now: '2030-01-01T00:00:00.000Z' });
    expect(doc.createdAt).toBe('2030-01-01T00:00:00.000Z');
    expect(doc.name).toBe('Untitled project');
  });

  it('reports a damaged version 0 file with where and what', () => {
    const broken = { ...v0, nodes: [...v0.nodes, { id: 'n8' }] };
    expect(() => parseProject(JSON.stringify(broken))).toThrow(
      /This version 0 project file cannot be upgraded: nodes\[7\]\.type: is missing \(expected a string\)/,
    );
  });

  it('still validates the migrated result against the current schema', () => {
    const bad = { ...v0, nodes: [{ id: 'n1', type: 'Dense', config: { units: 0 } }], edges: [] };
    expect(() => parseProject(JSON.stringify(bad))).toThrow(/graph\.layers\[0\]\.params\.units .*but is 0/);
  });

  it('refuses versions older than the oldest migration', () => {
    expect(() => migrateProject({}, -1, { now: '2030-01-01T00:00:00.000Z' })).toThrow(/can no longer read/);
  });

  it('derives Keras default names from layer types', () => {
    expect(['Dense', 'Conv2D', 'GlobalMaxPooling1D', 'LSTM', 'SeparableConv2D', 'UpSampling2D'].map(kerasBaseName)).toEqual([
      'dense', 'conv2d', 'global_max_pooling1d', 'lstm', 'separable_conv2d', 'up_sampling2d',
    ]);
  });
});
