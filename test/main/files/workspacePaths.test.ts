// The path checks behind every name a page sends (main/files/workspacePaths.ts, fileAccess.ts): `..`,
// absolute paths, Windows drive letters and UNC paths, symlinks out, and project-only saves.
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sourceForCaller, workspaceFileAccess } from '../../../main/files/fileAccess.ts';
import { resolveInWorkspace, workspacePath, workspaceSegments, WorkspacePathError } from '../../../main/files/workspacePaths.ts';

let dir: string;
let root: string;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'mw-ws-'));
  root = join(dir, 'workspace');
  mkdirSync(join(root, 'uploads'), { recursive: true });
  writeFileSync(join(root, 'uploads', 'data.csv'), 'a,b\n1,2\n');
  writeFileSync(join(dir, 'outside.txt'), 'secret');
  mkdirSync(join(dir, 'outside-folder'));
  symlinkSync(join(dir, 'outside.txt'), join(root, 'link-out.csv'));
  symlinkSync(join(dir, 'outside-folder'), join(root, 'folder-out'));
  symlinkSync(join(root, 'uploads', 'data.csv'), join(root, 'link-in.csv'));
  symlinkSync(join(dir, 'nowhere'), join(root, 'dangling.mwproj'));
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('names from the page', () => {
  const refused = [
    ['../outside.txt', /"\.\." would leave/],
    ['uploads/../../outside.txt', /"\.\." would leave/],
    ['uploads\\..\\..\\outside.txt', /"\.\." would leave/],
    ['.../x', /dots/],
    ['/etc/passwd', /absolute path/],
    ['\\etc\\passwd', /absolute path/],
    ['C:\\Windows\\win.ini', /Windows drive/],
    ['c:/Users/me/a.csv', /Windows drive/],
    ['C:relative.csv', /Windows drive/],
    ['\\\\server\\share\\a.csv', /UNC/],
    ['//server/share/a.csv', /UNC/],
    ['\\\\?\\C:\\a.csv', /UNC/],
    ['~/.ssh/id_rsa', /home folder/],
    ['a\0b.csv', /NUL/],
    ['data.csv:stream', /":" is not allowed/],
    ['', /file name is needed/],
    ['./', /file name is needed/],
  ] as const;
  it.each(refused)('refuses %j', (name, message) => {
    expect(() => workspaceSegments(name)).toThrow(WorkspacePathError);
    expect(() => workspaceSegments(name)).toThrow(message);
  });

  it('accepts names inside the workspace, with either separator', () => {
    expect(workspaceSegments('uploads/data.csv')).toEqual(['uploads', 'data.csv']);
    expect(workspaceSegments('uploads\\data.csv')).toEqual(['uploads', 'data.csv']);
    expect(workspaceSegments('./uploads//data.csv')).toEqual(['uploads', 'data.csv']);
    expect(workspacePath(root, 'uploads/data.csv')).toBe(join(root, 'uploads', 'data.csv'));
  });

  it('refuses symlinks that lead out, whether the file or a folder on the way, and dangling ones', async () => {
    await expect(resolveInWorkspace(root, 'link-out.csv')).rejects.toThrow(/link to a place outside/);
    await expect(resolveInWorkspace(root, 'folder-out/anything.csv')).rejects.toThrow(/link to a place outside/);
    await expect(resolveInWorkspace(root, 'dangling.mwproj')).rejects.toThrow(/points nowhere/);
    expect(await resolveInWorkspace(root, 'link-in.csv')).toBe(join(root, 'link-in.csv'));
    expect(await resolveInWorkspace(root, 'uploads/new.csv')).toBe(join(root, 'uploads', 'new.csv'));
  });
});

describe('workspace file access', () => {
  it('saves projects only as .mwproj files at the top of the workspace, never through a link', async () => {
    const access = workspaceFileAccess(root);
    expect(await access.projectTarget('iris')).toBe(join(root, 'iris.mwproj'));
    expect(await access.projectTarget('iris.mwproj')).toBe(join(root, 'iris.mwproj'));
    await expect(access.projectTarget('run.sh')).rejects.toThrow(/saved as \.mwproj files/);
    await expect(access.projectTarget('sub/iris.mwproj')).rejects.toThrow(/without folders/);
    await expect(access.projectTarget('../iris.mwproj')).rejects.toThrow(WorkspacePathError);
    await expect(access.projectTarget('/tmp/iris.mwproj')).rejects.toThrow(/absolute/);
    await expect(access.projectTarget('dangling.mwproj')).rejects.toThrow(WorkspacePathError);
  });

  it('creates exports only as new folders under exports/', async () => {
    const access = workspaceFileAccess(root);
    const first = await access.exportFolder(undefined, 'run-1-tfjs');
    expect(first).toBe(join(root, 'exports', 'run-1-tfjs'));
    mkdirSync(first!);
    expect(await access.exportFolder(undefined, 'run-1-tfjs')).toBe(join(root, 'exports', 'run-1-tfjs (2)'));
    await expect(access.exportFolder('run-1-tfjs', 'x')).rejects.toThrow(/already exists/);
    await expect(access.exportFolder('../../x', 'x')).rejects.toThrow(WorkspacePathError);
    expect(await access.exportFolder('mine', 'x')).toBe(join(root, 'exports', 'mine'));
  });

  it('names files for the page relative to the workspace, and hides the rest (web) or grants handles (desktop)', async () => {
    const web = workspaceFileAccess(root);
    expect(web.nameOf(join(root, 'uploads', 'data.csv'))).toBe('uploads/data.csv');
    expect(web.nameOf(join(dir, 'outside.txt'))).toBeNull();
    await expect(web.readable('handle:abc')).rejects.toThrow(WorkspacePathError);

    const desktop = workspaceFileAccess(root, { desktop: true });
    const handle = desktop.nameOf(join(dir, 'outside.txt'))!;
    expect(handle).toMatch(/^handle:[\w-]{16}$/);
    expect(desktop.nameOf(join(dir, 'outside.txt'))).toBe(handle);
    expect(await desktop.readable(handle)).toBe(join(dir, 'outside.txt'));
    await expect(desktop.readable('handle:forged')).rejects.toThrow(/choose it again/);
    await expect(desktop.readable(join(dir, 'outside.txt'))).rejects.toThrow(/absolute/);
    // A project's data source outside the workspace gets a handle only when it looks like data.
    writeFileSync(join(dir, 'id_rsa'), 'KEY');
    expect(sourceForCaller(desktop, join(dir, 'id_rsa'), null)).toBe(join(dir, 'id_rsa'));
    await expect(desktop.readable(join(dir, 'id_rsa'))).rejects.toThrow(WorkspacePathError);
    writeFileSync(join(dir, 'table.csv'), 'a\n1\n');
    expect(sourceForCaller(desktop, 'table.csv', join(dir, 'p.mwproj'))).toMatch(/^handle:/);
    expect(sourceForCaller(desktop, 'outside-folder', join(dir, 'p.mwproj'))).toMatch(/^handle:/);
    expect(sourceForCaller(web, join(dir, 'table.csv'), null)).toBe(join(dir, 'table.csv'));
    // A handle from one host means nothing to another.
    await expect(workspaceFileAccess(root, { desktop: true }).readable(handle)).rejects.toThrow(WorkspacePathError);
  });
});
