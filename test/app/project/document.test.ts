// Project documents: bad files each get their own plain-language error; good ones round-trip byte for byte.
import { describe, expect, it } from 'vitest';
import {
  newProject,
  parseProject,
  ProjectFileError,
  serializeProject,
  type ProjectDocument,
} from '../../../app/project/document.ts';
import { PROJECT_VERSION, projectLimits } from '../../../app/project/schema.ts';

const NOW = '2025-03-01T10:00:00.000Z';

function sample(): Record<string, any> {
  return {
    format: 'modelwright-project',
    version: 1,
    name: 'Iris MLP',
    graph: {
      layers: [
        { id: 'in', type: 'Input', name: 'input_1', params: { shape: [4] } },
        { id: 'd1', type: 'Dense', name: 'dense_1', params: { units: 16, activation: 'relu' } },
        { id: 'd2', type: 'Dense', name: 'dense_2', params: { units: 3, activation: 'softmax' } },
      ],
      connections: [
        { from: 'in', to: 'd1', toSlot: 0 },
        { from: 'd1', to: 'd2', toSlot: 0 },
      ],
    },
    layout: { positions: { in: { x: 0, y: 0 }, d1: { x: 0, y: 100 }, d2: { x: 0, y: 200 } } },
    dataset: { source: 'builtin:iris', kind: 'table', target: 'species' },
    training: { epochs: 20 },
    createdAt: NOW,
    modifiedAt: NOW,
  };
}

function failure(text: string | Uint8Array): ProjectFileError {
  try {
    parseProject(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ProjectFileError);
    expect((err as Error).message).not.toContain('\n');
    return err as ProjectFileError;
  }
  throw new Error('expected parseProject to throw');
}

function withChange(change: (doc: Record<string, any>) => void): string {
  const doc = sample();
  change(doc);
  return JSON.stringify(doc);
}

describe('parseProject', () => {
  it('opens a valid file and fills in defaults', () => {
    const doc = parseProject(JSON.stringify(sample()));
    expect(doc.graph.layers.map((l) => l.name)).toEqual(['input_1', 'dense_1', 'dense_2']);
    expect(doc.dataset?.scaling).toBe('standard');
    expect(doc.training?.epochs).toBe(20);
    expect(doc.training?.optimizer.name).toBe('adam');
  });

  it('leaves graph problems (missing targets, duplicate names) to analysis so the user can fix them', () => {
    const doc = parseProject(
      withChange((d) => {
        d.graph.connections.push({ from: 'd2', to: 'nowhere', toSlot: 0 });
        d.graph.layers[2].name = 'dense_1';
      }),
    );
    expect(doc.graph.connections).toHaveLength(3);
  });

  it.each([
    ['not JSON', 'name = "x"', 'syntax', /Not valid JSON at line 1, column 1/],
    ['empty', '', 'empty', /empty/],
    ['binary', '\u0000\u0001\u0002PK', 'binary', /binary file/],
    ['truncated', JSON.stringify(sample()).slice(0, 120), 'truncated', /ends too early.*cut off/],
    ['a JSON list', '[1,2,3]', 'not-a-project', /holds a JSON list/],
    ['another JSON object', '{"hello":"world"}', 'not-a-project', /no "format": "modelwright-project"/],
    ['100,000-deep nesting', `{"format":"modelwright-project","version":1,"name":${'['.repeat(100_000)}${']'.repeat(100_000)}}`, 'too-deep', /nested too deeply/],
    ['a __proto__ key', withChange((d) => (d.graph.layers[1].params = JSON.parse('{"__proto__":{"admin":true}}'))), 'forbidden-key', /"__proto__"/],
    ['a constructor key', JSON.stringify(sample()).replace('"units":16', '"constructor":{"prototype":{}}'), 'forbidden-key', /"constructor"/],
  ])('refuses %s', (_label, text, code, message) => {
    const e = failure(text);
    expect(e.code).toBe(code);
    expect(e.message).toMatch(message);
  });

  it('refuses a file from a newer Modelwright, saying to update', () => {
    const e = failure(withChange((d) => (d.version = PROJECT_VERSION + 2)));
    expect(e.code).toBe('future-version');
    expect(e.message).toBe(
      `This project was saved by a newer Modelwright (format version ${PROJECT_VERSION + 2}); update Modelwright to open it.`,
    );
  });

  it.each([
    ['a missing version', (d: any) => delete d.version, /no valid format version/],
    ['a text version', (d: any) => (d.version = '1'), /no valid format version/],
    ['a negative version', (d: any) => (d.version = -1), /no valid format version/],
  ])('refuses %s', (_label, change, message) => {
    const e = failure(withChange(change));
    expect(e.path).toBe('version');
    expect(e.message).toMatch(message);
  });

  it.each([
    ['zero units', (d: any) => (d.graph.layers[1].params.units = 0), 'graph.layers[1].params.units', /"units" must be a whole number from 1 to 2147483647, but is 0/],
    ['a dimension over 2^31', (d: any) => (d.graph.layers[0].params.shape = [2 ** 31]), 'graph.layers[0].params.shape', /"shape" must be a whole number from 1 to 2147483647, but is 2147483648/],
    ['a negative shape', (d: any) => (d.graph.layers[0].params.shape = [-1, 4]), 'graph.layers[0].params.shape', /but is -1/],
    ['an absurd input volume', (d: any) => (d.graph.layers[0].params.shape = [65536, 65536, 3]), 'graph.layers[0].params.shape', /values per sample; the limit is 2\^31/],
    ['a fractional filter count', (d: any) => (d.graph.layers[1].params.filters = 2.5), 'graph.layers[1].params.filters', /but is 2.5/],
    ['10^9 layers claimed by a fake list', (d: any) => (d.graph.layers = { length: 1e9 }), 'graph.layers', /should be a list but is an object/],
    ['a repeat count over 2^31', (d: any) => (d.graph.layers[1] = { id: 'd1', type: 'RepeatVector', name: 'r', params: { n: 1e12 } }), 'graph.layers[1].params.n', /but is 1000000000000/],
    ['a 250-character name', (d: any) => (d.graph.layers[1].name = 'x'.repeat(250)), 'graph.layers[1].name', /is 250 characters long; the limit is 200/],
    ['a 250-character project name', (d: any) => (d.name = 'n'.repeat(250)), 'name', /is 250 characters long; the limit is 200/],
    ['an empty layer name', (d: any) => (d.graph.layers[1].name = '  '), 'graph.layers[1].name', /must not be empty/],
    ['a duplicate layer id', (d: any) => (d.graph.layers[2].id = 'd1'), 'graph.layers[2].id', /already used by layer 2/],
    ['a missing graph', (d: any) => delete d.graph, 'graph', /is missing \(expected an object\)/],
    ['a typo field', (d: any) => (d.grpah = {}), '', /unknown field "grpah"/],
    ['a bad slot', (d: any) => (d.graph.connections[0].toSlot = -1), 'graph.connections[0].toSlot', /at least 0/],
    ['a bad training value', (d: any) => (d.training.batchSize = 0), 'training.batchSize', /at least 1/],
    ['a bad dataset kind', (d: any) => (d.dataset.kind = 'video'), 'dataset.kind', /expected "table" or "images" or "text"/],
    ['a bad timestamp', (d: any) => (d.createdAt = 'yesterday'), 'createdAt', /expected a date and time/],
    ['a huge coordinate', (d: any) => (d.layout.positions.in.x = 1e12), 'layout.positions.in.x', /largest allowed value/],
    ['an object parameter that is not a layer', (d: any) => (d.graph.layers[1].params.activation = { fn: 'relu' }), 'graph.layers[1].params.activation', /wrapped layer with a "type"/],
  ])('refuses %s, naming where', (_label, change, path, message) => {
    const e = failure(withChange(change));
    expect(e.code).toBe('invalid');
    expect(e.path).toBe(path);
    expect(e.message).toMatch(message);
    expect(e.message).toMatch(/^The project file is not valid: /);
  });

  it("accepts Reshape's -1 (the leftover size) and unknown (null) input sizes", () => {
    const doc = parseProject(withChange((d) => {
      d.graph.layers[0].params.shape = [null, 4];
      d.graph.layers[1] = { id: 'd1', type: 'Reshape', name: 'reshape', params: { targetShape: [-1, 2] } };
    }));
    expect(doc.graph.layers[1].params.targetShape).toEqual([-1, 2]);
  });

  it('refuses a number too large for a double (1e999 parses as Infinity)', () => {
    const e = failure(JSON.stringify(sample()).replace('"activation":"relu"', '"rate":1e999'));
    expect(e.path).toBe('graph.layers[1].params.rate');
    expect(e.message).toMatch(/"rate" must be a finite number/);
  });

  it('names the layer when a parameter is wrong', () => {
    const e = failure(withChange((d) => (d.graph.layers[1].params.units = -3)));
    expect(e.message).toContain('graph.layers[1].params.units (layer "dense_1")');
  });

  it('refuses more layers than the limit without validating each one', () => {
    const layer = { id: 'x', type: 'Dense', name: 'x', params: {} };
    const text = withChange((d) => (d.graph.layers = new Array(projectLimits.maxLayers + 1).fill(layer)));
    const started = performance.now();
    const e = failure(text);
    expect(e.message).toMatch(/has 100001 entries; the limit is 100000/);
    expect(performance.now() - started).toBeLessThan(5000);
  });

  it('counts the problems beyond the first', () => {
    const e = failure(withChange((d) => {
      d.graph.layers[1].params.units = 0;
      d.graph.layers[2].params.units = 0;
      d.name = '';
    }));
    expect(e.message).toMatch(/and 2 more problems/);
  });
});

describe('serializeProject', () => {
  it('round-trips: parse(serialize(doc)) equals doc, and serialize is a fixed point', () => {
    const doc = parseProject(JSON.stringify(sample()));
    const text = serializeProject(doc);
    expect(parseProject(text)).toEqual(doc);
    expect(serializeProject(parseProject(text))).toBe(text);
  });

  it('writes keys in a stable order whatever order they came in', () => {
    const a = sample();
    const b = sample();
    b.graph.layers[1].params = { activation: 'relu', units: 16 };
    const reversed = Object.fromEntries(Object.entries(b).reverse());
    reversed.layout = { positions: { d2: { y: 200, x: 0 }, in: { x: 0, y: 0 }, d1: { x: 0, y: 100 } } };
    const textA = serializeProject(parseProject(JSON.stringify(a)));
    expect(serializeProject(parseProject(JSON.stringify(reversed)))).toBe(textA);
    expect(textA.startsWith('{\n  "format": "modelwright-project",\n  "version": 1,\n  "name": "Iris MLP",\n  "graph"')).toBe(true);
    expect(textA).toContain('"params": {\n          "activation": "relu",\n          "units": 16\n');
    expect(textA.endsWith('}\n')).toBe(true);
  });

  it('sorts the parameters of wrapped layers too', () => {
    const doc = parseProject(withChange((d) => (d.graph.layers[1] = {
      id: 'd1', type: 'Bidirectional', name: 'bi', params: { mergeMode: 'concat', layer: { type: 'LSTM', params: { units: 8, activation: 'tanh' } } },
    })));
    const text = serializeProject(doc);
    expect(text.indexOf('"activation": "tanh"')).toBeLessThan(text.indexOf('"units": 8'));
    expect(parseProject(text)).toEqual(doc);
  });

  it('never writes a file it could not open again: reserved words as ids, parameter names or labels', () => {
    const doc = parseProject(JSON.stringify(sample()));
    const reservedId = { ...doc, graph: { ...doc.graph, layers: [...doc.graph.layers, { id: 'constructor', type: 'Dense', name: 'x', params: {} }] } };
    expect(() => serializeProject(reservedId)).toThrow(/graph\.layers\[3\]\.id .*"constructor" is a reserved word/);
    const reservedParam = { ...doc, graph: { ...doc.graph, layers: [{ ...doc.graph.layers[0], params: { prototype: 1 } }] } };
    expect(() => serializeProject(reservedParam)).toThrow(/"prototype" is a reserved word/);
    const reservedLabel = { ...doc, training: { ...doc.training!, classWeights: { setosa: 1, constructor: 2 } } };
    expect(() => serializeProject(reservedLabel)).toThrow(/Cannot save the project: "constructor" is a reserved word .*line \d+ of the file/);
  });

  it('refuses to write an invalid document', () => {
    const doc = parseProject(JSON.stringify(sample()));
    const bad = { ...doc, graph: { ...doc.graph, layers: [...doc.graph.layers, { ...doc.graph.layers[0] }] } };
    expect(() => serializeProject(bad)).toThrow(/Cannot save the project: graph.layers\[3\].id.*already used/);
  });
});

describe('newProject', () => {
  it('creates an empty, valid, serializable project', () => {
    const doc: ProjectDocument = newProject('My model', { now: NOW });
    expect(doc).toMatchObject({ format: 'modelwright-project', version: 1, name: 'My model', createdAt: NOW, modifiedAt: NOW, dataset: null, training: null });
    expect(doc.graph).toEqual({ layers: [], connections: [] });
    expect(parseProject(serializeProject(doc))).toEqual(doc);
  });

  it('refuses an absurd name', () => {
    expect(() => newProject('x'.repeat(201))).toThrow(/Cannot create the project: name: is 201 characters long; the limit is 200/);
    expect(() => newProject('')).toThrow(ProjectFileError);
  });
});
