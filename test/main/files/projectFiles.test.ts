// Project files on disk: reading refuses bad files plainly, saving is atomic (the old file survives a
// failed write), and model files of every supported kind open as projects.
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { newProject, ProjectFileError, serializeProject } from '../../../app/project/document.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';

// Fault injection: when `failWrites` is set, writing through a file handle fails like a full disk would,
// after part of the data has gone to disk.
const faults = vi.hoisted(() => ({ failWrites: false, failRename: false }));
vi.mock('node:fs/promises', async (importOriginal) => {
  const real = await importOriginal<typeof import('node:fs/promises')>();
  return {
    ...real,
    open: async (...args: Parameters<typeof real.open>) => {
      const handle = await real.open(...args);
      if (!faults.failWrites) return handle;
      return new Proxy(handle, {
        get(target, prop) {
          if (prop === 'writeFile') {
            return async (data: string) => {
              await target.writeFile(data.slice(0, 10));
              throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
            };
          }
          const value = Reflect.get(target, prop);
          return typeof value === 'function' ? value.bind(target) : value;
        },
      });
    },
    rename: async (...args: Parameters<typeof real.rename>) => {
      if (faults.failRename) throw Object.assign(new Error('EXDEV: cross-device link not permitted'), { code: 'EXDEV' });
      return real.rename(...args);
    },
  };
});

const { loadModelFile, readProjectFile, writeProjectFile } = await import('../../../main/files/projectFiles.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'mw-files-'));
  faults.failWrites = false;
  faults.failRename = false;
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<ProjectFileError> {
  const err = await promise.then(() => undefined, (e: unknown) => e);
  expect(err).toBeInstanceOf(ProjectFileError);
  expect((err as Error).message).not.toContain('\n');
  return err as ProjectFileError;
}

describe('readProjectFile / writeProjectFile', () => {
  it('writes a project and reads it back identically', async () => {
    const doc = projectFromTemplate(getTemplate('residual-cnn')!, { now: '2025-01-01T00:00:00.000Z' });
    const path = join(dir, 'model.mwproj');
    await writeProjectFile(path, doc);
    expect(await readFile(path, 'utf8')).toBe(serializeProject(doc));
    expect(await readProjectFile(path)).toEqual(doc);
    expect(await readdir(dir)).toEqual(['model.mwproj']);
  });

  it('keeps the previous file intact and leaves no temp file when the write fails midway', async () => {
    const path = join(dir, 'model.mwproj');
    const old = newProject('old version', { now: '2025-01-01T00:00:00.000Z' });
    await writeProjectFile(path, old);
    const before = await readFile(path, 'utf8');

    faults.failWrites = true;
    const err = await rejection(writeProjectFile(path, projectFromTemplate(getTemplate('autoencoder')!)));
    expect(err.code).toBe('write-failed');
    expect(err.message).toBe(`Could not save "${path}": the disk is full. The previous file, if any, is unchanged.`);
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.mwproj']);
  });

  it('keeps the previous file when the final rename fails', async () => {
    const path = join(dir, 'model.mwproj');
    await writeProjectFile(path, newProject('old'));
    const before = await readFile(path, 'utf8');
    faults.failRename = true;
    await rejection(writeProjectFile(path, newProject('new')));
    expect(await readFile(path, 'utf8')).toBe(before);
    expect(await readdir(dir)).toEqual(['model.mwproj']);
  });

  it('writes nothing for an invalid document', async () => {
    const path = join(dir, 'model.mwproj');
    await writeFile(path, 'previous bytes');
    const bad = { ...newProject('x'), name: '' };
    await expect(writeProjectFile(path, bad)).rejects.toThrow(/Cannot save the project: name: must not be empty/);
    expect(await readFile(path, 'utf8')).toBe('previous bytes');
  });

  it('says plainly when the folder does not exist', async () => {
    const err = await rejection(writeProjectFile(join(dir, 'missing', 'model.mwproj'), newProject('x')));
    expect(err.message).toMatch(/Could not save .*the file or its folder does not exist/);
  });

  it('refuses a missing file, a folder, and a file over the size limit before reading it', async () => {
    expect((await rejection(readProjectFile(join(dir, 'nope.mwproj')))).message).toBe(
      `Cannot open "${join(dir, 'nope.mwproj')}": there is no such file.`,
    );
    expect((await rejection(readProjectFile(dir))).message).toMatch(/it is a folder, not a file/);
    const path = join(dir, 'big.mwproj');
    await writeFile(path, serializeProject(newProject('big')));
    const err = await rejection(readProjectFile(path, { maxBytes: 100 }));
    expect(err.code).toBe('too-large');
    expect(err.message).toMatch(/too large/);
  });

  it.each([
    ['empty', '', 'empty'],
    ['binary', Buffer.from([0x00, 0x01, 0xff, 0xfe]), 'binary'],
    ['invalid UTF-8', Buffer.from('{"name":"\xff"}', 'latin1'), 'invalid-utf8'],
    ['truncated', '{"format":"modelwright-project","version":1,"name":"x","graph":{"layers":[', 'truncated'],
    ['future version', '{"format":"modelwright-project","version":99}', 'future-version'],
  ])('refuses a %s file with a message naming it', async (_label, content, code) => {
    const path = join(dir, 'bad.mwproj');
    await writeFile(path, content);
    const err = await rejection(readProjectFile(path));
    expect(err.code).toBe(code);
    expect(err.message.startsWith(`Cannot open "${path}": `)).toBe(true);
  });
});

describe('loadModelFile', () => {
  const sequential = {
    class_name: 'Sequential',
    config: {
      name: 'tiny_mlp',
      layers: [
        { class_name: 'Dense', config: { name: 'hidden', units: 8, activation: 'relu', batch_input_shape: [null, 4] } },
        { class_name: 'Dense', config: { name: 'out', units: 3, activation: 'softmax' } },
      ],
    },
    keras_version: 'tfjs-layers 4.22.0',
    backend: 'tensor_flow.js',
  };

  async function load(name: string, content: unknown) {
    const path = join(dir, name);
    await writeFile(path, typeof content === 'string' ? content : JSON.stringify(content));
    return loadModelFile(path);
  }

  it('opens a project file as a project', async () => {
    const doc = projectFromTemplate(getTemplate('sentiment')!);
    const loaded = await load('s.mwproj', serializeProject(doc));
    expect(loaded.kind).toBe('project');
    expect(loaded.document).toEqual(doc);
  });

  it('opens a Keras model.to_json() / TF.js model.toJSON() topology, named after the model', async () => {
    const loaded = await load('whatever.json', sequential);
    expect(loaded.kind).toBe('keras-topology');
    expect(loaded.document.name).toBe('tiny_mlp');
    expect(loaded.document.graph.layers.map((l) => l.type)).toEqual(['Input', 'Dense', 'Dense']);
    for (const l of loaded.document.graph.layers) expect(loaded.document.layout.positions[l.id]).toBeDefined();
  });

  it('opens a TF.js model.json with modelTopology and weightsManifest', async () => {
    const loaded = await load('model.json', { format: 'layers-model', modelTopology: sequential, weightsManifest: [] });
    expect(loaded.kind).toBe('tfjs-model-json');
    expect(loaded.document.graph.layers).toHaveLength(3);
  });

  it('opens a toJSON() string saved with JSON.stringify (JSON inside a JSON string)', async () => {
    const loaded = await load('double.json', JSON.stringify(JSON.stringify(sequential)));
    expect(loaded.kind).toBe('keras-topology');
  });

  it.each([
    ['a Keras HDF5 file', Buffer.concat([Buffer.from([0x89, 0x48, 0x44, 0x46, 0x0d, 0x0a, 0x1a, 0x0a]), Buffer.alloc(64)]), /Keras HDF5 \(\.h5\) file.*model\.to_json\(\)/],
    ['a .keras zip', Buffer.concat([Buffer.from('PK\x03\x04'), Buffer.alloc(64)]), /zip archive.*config\.json/],
    ['unrelated JSON', '{"hello": "world"}', /neither a Modelwright project .* nor a Keras or TF\.js model/],
    ['a TF.js graph model', '{"format":"graph-model","modelTopology":{"node":[]}}', /graph model/],
    ['a Keras model with 0 units', JSON.stringify({ class_name: 'Sequential', config: { name: 'zero', layers: [{ class_name: 'Dense', config: { name: 'd', units: 0, batch_input_shape: [null, 4] } }] } }), /": the model has a value Modelwright cannot accept: graph\.layers\[1\]\.params\.units .*but is 0/],
    ['a model with an unsupported class', '{"class_name":"Functional2","config":{}}', /Functional2/],
  ])('refuses %s with a message that says what it is', async (_label, content, message) => {
    const path = join(dir, 'm.json');
    await writeFile(path, content);
    const err = await rejection(loadModelFile(path));
    expect(err.message).toMatch(message);
    expect(err.message.startsWith(`Cannot open "${path}": `)).toBe(true);
  });
});
