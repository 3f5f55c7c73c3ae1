// Native dialogs hand the renderer opaque handles, never paths: the main process keeps the map
// (main/files/fileAccess.ts), so a renderer can name only files the user chose.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { workspaceFileAccess } from '../../../main/files/fileAccess.ts';
import { createNativeDialogs, type DialogModule } from '../../../main/electron/dialogs.ts';

const dir = mkdtempSync(join(tmpdir(), 'mw-dialogs-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function fakeDialog(answer: { open?: string[]; save?: string }): DialogModule & { saveOptions: unknown[] } {
  const saveOptions: unknown[] = [];
  return {
    saveOptions,
    showOpenDialog: async () => ({ canceled: !answer.open, filePaths: answer.open ?? [] }),
    showSaveDialog: async (_w, options) => { saveOptions.push(options); return { canceled: !answer.save, filePath: answer.save }; },
    showMessageBox: async () => ({ response: 1 }),
  };
}

describe('native dialogs', () => {
  it('answer with a handle that the services resolve to the chosen file, and null when cancelled', async () => {
    const chosen = join(dir, 'data.csv');
    writeFileSync(chosen, 'a,b\n1,2\n');
    const files = workspaceFileAccess(join(dir, 'workspace'), { desktop: true });
    const dialogs = createNativeDialogs({ dialog: fakeDialog({ open: [chosen] }), windowFor: () => null, documentsDir: dir, grant: files.grant });
    const handle = await dialogs.showOpen({}, { title: 'Open', filters: [] });
    expect(handle).toMatch(/^handle:/);
    expect(handle).not.toContain(dir);
    expect(await files.readable(handle!)).toBe(chosen);
    const cancelled = createNativeDialogs({ dialog: fakeDialog({}), windowFor: () => null, documentsDir: dir, grant: files.grant });
    expect(await cancelled.showOpen({}, { title: 'Open', filters: [] })).toBeNull();
  });

  it('save: the page suggests only a file name; the answer is a handle that projects.save accepts as its target', async () => {
    const target = join(dir, 'mine.mwproj');
    const files = workspaceFileAccess(join(dir, 'workspace'), { desktop: true });
    const fake = fakeDialog({ save: target });
    const dialogs = createNativeDialogs({ dialog: fake, windowFor: () => null, documentsDir: join(dir, 'docs'), grant: files.grant });
    const handle = await dialogs.showSave({}, { title: 'Save', defaultPath: '../../etc/profile.d/x.sh', filters: [] });
    expect(fake.saveOptions[0]).toMatchObject({ defaultPath: join(dir, 'docs', 'x.sh') });
    expect(await files.projectTarget(handle!)).toBe(target);
  });

  it('asks before a link leaves the app, showing the address; Cancel is the default', async () => {
    const boxes: unknown[] = [];
    const dialog = { ...fakeDialog({}), showMessageBox: async (_w: unknown, o: unknown) => { boxes.push(o); return { response: 1 }; } };
    const dialogs = createNativeDialogs({ dialog, windowFor: () => null, documentsDir: dir, grant: (p) => p });
    expect(await dialogs.confirmOpenExternal({}, 'https://example.com/x')).toBe(false);
    expect(boxes[0]).toMatchObject({ detail: 'https://example.com/x', defaultId: 1, cancelId: 1, buttons: ['Open in browser', 'Cancel'] });
  });
});
