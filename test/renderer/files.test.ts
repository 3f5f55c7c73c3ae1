// File actions against the real projects service over the in-process RPC host (JSON both ways, as over
// the WebSocket): templates, save/save-as/overwrite, open, import of Keras JSON, unsaved-changes guard,
// and the crash-recovery copy offered on the next launch.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { ModelwrightApi } from '../../app/api/contract.ts';
import { LocalHost } from '../../app/api/localHost.ts';
import { exportKerasModel } from '../../app/keras/export.ts';
import { parseProject } from '../../app/project/document.ts';
import { createProjectsService } from '../../main/services/projects.ts';
import { createAppCommands } from '../../renderer/commands/appCommands.ts';
import {
  isExistsError, newFromTemplate, offerRecovery, openPath, openProject, openText, saveProject, saveProjectAs, startRecovery,
} from '../../renderer/files/fileActions.ts';
import { createBrowserHost } from '../../renderer/host/browserHost.ts';
import type { Host } from '../../renderer/host/host.ts';
import { setHost } from '../../renderer/state/host.ts';
import { createProjectStore } from '../../renderer/state/projectStore.ts';
import { uiStore } from '../../renderer/state/uiStore.ts';
import { notificationStore, notify } from '../../renderer/ui/notify.ts';
import { templateDoc } from './helpers.ts';

let dir: string;
let host: LocalHost;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-renderer-files-'));
  const stub = {} as never;
  const api = { projects: createProjectsService({ dataDir: join(dir, 'data') }), catalog: stub, datasets: stub, training: stub, runs: stub, sweeps: stub, export: stub, predict: stub } as ModelwrightApi;
  host = new LocalHost(api);
  setHost(createBrowserHost(host.api));
});

afterAll(() => {
  setHost(null);
  host.dispose();
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  notify.clear();
  uiStore.setState({ dialog: null });
});

function fresh() {
  const store = createProjectStore();
  const commands = createAppCommands(store, { report: () => {} });
  return { store, commands };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('saving and opening', () => {
  it('a template opens unsaved-but-clean; Save without a path asks for one; Save as writes a file that opens again', async () => {
    const { store, commands } = fresh();
    await newFromTemplate('tabular-classifier', store);
    expect(store.getState()).toMatchObject({ filePath: null, dirty: false });
    expect(store.getState().document?.name).toBe('Table classifier');

    expect(await saveProject(store)).toBe(false);
    expect(uiStore.getState().dialog).toBe('saveAs');

    const path = join(dir, 'iris.mwproj');
    commands.execute('renameLayer', { layerId: store.getState().document!.graph.layers[1].id, name: 'wide' });
    expect(store.getState().dirty).toBe(true);
    expect(await saveProjectAs(path, store)).toBe(true);
    expect(store.getState()).toMatchObject({ filePath: path, dirty: false });
    const onDisk = parseProject(readFileSync(path, 'utf8'));
    expect(onDisk.graph).toEqual(store.getState().document!.graph);

    // Save as onto an existing file is refused until the user confirms the overwrite.
    const err = await saveProjectAs(path, store).catch((e: unknown) => e);
    expect(isExistsError(err)).toBe(true);
    expect((err as Error).message).toMatch(/already exists/);
    expect(await saveProjectAs(path, store, { overwrite: true })).toBe(true);

    // Ctrl+S after an edit writes to the same file.
    commands.execute('setParam', { layerId: store.getState().document!.graph.layers[1].id, name: 'units', value: 5 });
    expect(await saveProject(store)).toBe(true);
    expect(parseProject(readFileSync(path, 'utf8')).graph.layers[1].params.units).toBe(5);
    expect(store.getState().dirty).toBe(false);

    const other = fresh();
    await openPath(path, other.store);
    expect(other.store.getState()).toMatchObject({ filePath: path, dirty: false });
    expect(other.store.getState().document!.graph).toEqual(store.getState().document!.graph);
  });

  it('an imported Keras model becomes a new, unsaved project (saving never overwrites the model file)', async () => {
    const { store } = fresh();
    const keras = JSON.stringify(exportKerasModel(templateDoc('digit-recognizer').graph));
    await openText('digits.json', keras, store);
    const s = store.getState();
    expect(s.filePath).toBeNull();
    expect(s.dirty).toBe(true);
    expect(s.document!.graph.layers.map((l) => l.type)).toEqual(templateDoc('digit-recognizer').graph.layers.map((l) => l.type));
  });

  it('a file that is no model is refused with a readable message', async () => {
    const { store } = fresh();
    const err = await openText('notes.json', '{"hello": 1}', store).catch((e: unknown) => e);
    expect((err as Error).message).toMatch(/neither a Modelwright project .* nor a Keras or TF\.js model/);
    expect(store.getState().document).toBeNull();
  });

  it('replacing a document with unsaved changes asks first; Cancel keeps it, Discard replaces it', async () => {
    const { store, commands } = fresh();
    await newFromTemplate('tabular-classifier', store);
    commands.execute('renameProject', { name: 'Mine' });
    const pending = newFromTemplate('regression', store);
    await sleep(0);
    const ask = notificationStore.getState().items.find((n) => n.message.includes('unsaved changes'));
    expect(ask?.actions?.map((a) => a.label)).toEqual(['Discard changes', 'Cancel']);
    ask!.actions![1].run();
    await pending;
    expect(store.getState().document!.name).toBe('Mine');

    const again = newFromTemplate('regression', store);
    await sleep(0);
    notificationStore.getState().items.find((n) => n.message.includes('unsaved changes'))!.actions![0].run();
    await again;
    expect(store.getState().document!.name).toBe('Number predictor (regression)');
  });
});

describe('the host asks where', () => {
  it('in the browser, Open and Save as show the in-page dialogs and change nothing yet', async () => {
    const { store } = fresh();
    await newFromTemplate('tabular-classifier', store);
    await openProject(store);
    expect(uiStore.getState().dialog).toBe('open');
    expect(await saveProjectAs(undefined, store)).toBe(false);
    expect(uiStore.getState().dialog).toBe('saveAs');
    expect(store.getState()).toMatchObject({ filePath: null, dirty: false });
  });

  it('with native dialogs, Open opens the chosen file and Save as writes there, replacing it (the dialog asked)', async () => {
    const target = join(dir, 'native.mwproj');
    const suggested: string[] = [];
    const native: Host = {
      ...createBrowserHost(host.api),
      can: { nativeDialogs: true, download: false },
      openProject: async () => target,
      saveAs: async (name) => { suggested.push(name); return target; },
    };
    const { store, commands } = fresh();
    await newFromTemplate('tabular-classifier', store);
    commands.execute('renameProject', { name: 'Native: one/two' });
    expect(await saveProjectAs(undefined, store, {}, native)).toBe(true);
    expect(await saveProjectAs(undefined, store, {}, native)).toBe(true);
    expect(suggested).toEqual(['Native_ one_two.mwproj', 'Native_ one_two.mwproj']);
    expect(uiStore.getState().dialog).toBeNull();
    expect(store.getState()).toMatchObject({ filePath: target, dirty: false });

    const other = fresh();
    await openProject(other.store, native);
    expect(other.store.getState()).toMatchObject({ filePath: target, dirty: false });
    expect(other.store.getState().document!.name).toBe('Native: one/two');
  });
});

describe('crash recovery', () => {
  it('keeps a copy of unsaved work shortly after edits and offers it on the next launch', async () => {
    const { store, commands } = fresh();
    await newFromTemplate('tabular-classifier', store);
    const stop = startRecovery(store, 20);
    try {
      commands.execute('renameProject', { name: 'Unsaved work' });
      commands.execute('addLayer', { type: 'Dropout' });
      await sleep(150);
    } finally {
      stop();
    }
    const copy = await host.api.projects.loadRecovery();
    expect(copy?.document.name).toBe('Unsaved work');
    expect(copy?.document.graph).toEqual(store.getState().document!.graph);

    // "Next launch": a new store is offered the copy and restores it as unsaved.
    const next = fresh();
    await offerRecovery(next.store);
    const offer = notificationStore.getState().items.find((n) => n.message.includes('Unsaved work'));
    expect(offer?.actions?.map((a) => a.label)).toEqual(['Restore', 'Discard']);
    offer!.actions![0].run();
    expect(next.store.getState().document!.graph).toEqual(store.getState().document!.graph);
    expect(next.store.getState().dirty).toBe(true);

    // Opening something else instead withdraws the offer.
    const third = fresh();
    await offerRecovery(third.store);
    expect(notificationStore.getState().items.some((n) => n.message.includes('Unsaved work'))).toBe(true);
    await newFromTemplate('regression', third.store);
    expect(notificationStore.getState().items.some((n) => n.message.includes('Unsaved work'))).toBe(false);

    // Saving clears the copy, so it is not offered again.
    await saveProjectAs(join(dir, 'recovered.mwproj'), next.store);
    expect(await host.api.projects.loadRecovery()).toBeNull();
  });

  it('writes nothing while the document is clean', async () => {
    const { store } = fresh();
    await host.api.projects.clearRecovery();
    const stop = startRecovery(store, 10);
    await newFromTemplate('regression', store);
    await sleep(60);
    stop();
    expect(await host.api.projects.loadRecovery()).toBeNull();
  });
});
