// Which files the API's callers may name, and how names map to paths on this computer. Three policies:
// - `local` (CLI, in-process tests): the caller is the user's own shell, so names are plain paths.
// - `workspace` (the web host): names are relative to the workspace folder and checked
//   (main/files/workspacePaths.ts); nothing outside it can be read or written.
// - `desktop` (Electron): the workspace, plus opaque handles (`handle:…`) that main grants for files
//   the user chose in a native dialog, the recent list or the OS "open file" event; the renderer never
//   holds a path. See docs/api.md ("Files and the workspace").
import { randomBytes } from 'node:crypto';
import { statSync } from 'node:fs';
import { lstat, mkdir, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { DatasetBinding } from '../../app/data/binding.ts';
import { PROJECT_EXTENSION } from '../../app/project/schema.ts';
import { freeName, resolveInWorkspace, safeSegment, workspaceName, workspaceSegments, WorkspacePathError } from './workspacePaths.ts';

export type FileAccessKind = 'local' | 'workspace' | 'desktop';

export interface FileAccess {
  readonly kind: FileAccessKind;
  /** Uploads, saved projects (web host) and exports (web host) live here. */
  readonly workspace: string;
  /** The path of a file or folder the caller names, to read. */
  readable(name: string): Promise<string>;
  /** Where a project the caller names is saved (`.mwproj` added when there is no extension). */
  projectTarget(name: string): Promise<string>;
  /** A new folder for a model export; undefined lets the exporter choose (beside the run's model). */
  exportFolder(name: string | undefined, suggestion: string): Promise<string | undefined>;
  /** A dataset binding with its source as a path on this computer, and the folder relative sources resolve in. */
  dataFor(binding: DatasetBinding, projectName: string | null | undefined): Promise<{ binding: DatasetBinding; baseDir: string }>;
  /** The name the caller sees for a path on this computer; null when the caller may not see it at all. */
  nameOf(path: string): string | null;
  /** A path as the caller named it, for forgetting it (no checks: nothing is read or written). */
  pathOf(name: string): string | null;
  /** Desktop: a handle for a path the user chose in a native dialog. Other policies return the name they use. */
  grant(path: string): string;
}

export const handlePrefix = 'handle:';
const isBuiltin = (source: string) => source.startsWith('builtin:');

/** Data a project may point the desktop app at: tables and text, or a folder (of class folders of images). */
const dataExtensions = new Set(['.csv', '.tsv', '.txt']);

function looksLikeData(path: string): boolean {
  if (dataExtensions.has(extname(path).toLowerCase())) return true;
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}

/**
 * A source written in a project file is relative to the project's folder; callers get names they can send
 * back. On the desktop a project from elsewhere may name its data outside the workspace: a handle is
 * granted only for what looks like data (a .csv/.tsv/.txt file or a folder), so a project cannot point
 * the window at `~/.ssh/id_rsa`; anything else keeps its text and is refused when used.
 */
export function sourceForCaller(access: FileAccess, source: string, projectPath: string | null): string {
  if (isBuiltin(source) || access.kind === 'local') return source;
  const full = isAbsolute(source) ? source : resolve(projectPath ? dirname(projectPath) : access.workspace, source);
  const inside = workspaceName(access.workspace, full);
  if (inside === null && !looksLikeData(full)) return source;
  return access.nameOf(full) ?? source;
}

/** The source to write into a project file at `projectPath`: relative to its folder when it is near, else absolute. */
export async function sourceForFile(access: FileAccess, source: string, projectPath: string): Promise<string> {
  if (isBuiltin(source) || access.kind === 'local') return source;
  const full = await access.readable(source).catch(() => null);
  if (full === null) return source;
  const rel = relative(dirname(projectPath), full);
  return rel.startsWith(`..${sep}`) || isAbsolute(rel) ? full : rel.split(sep).join('/');
}

/** The caller is the user's shell: every name is a path, resolved against the working directory. */
export function localFileAccess(workspace: string): FileAccess {
  return {
    kind: 'local',
    workspace,
    readable: async (name) => resolve(name),
    projectTarget: async (name) => {
      const target = resolve(name);
      return extname(target) === '' ? target + PROJECT_EXTENSION : target;
    },
    exportFolder: async (name) => (name === undefined ? undefined : resolve(name)),
    dataFor: async (binding, projectPath) => ({ binding, baseDir: projectPath ? dirname(resolve(projectPath)) : process.cwd() }),
    nameOf: (path) => path,
    pathOf: (name) => resolve(name),
    grant: (path) => path,
  };
}

/**
 * The web host (`desktop: false`) and the Electron app (`desktop: true`): workspace names, checked; the
 * desktop adds handles for files the user picked anywhere.
 */
export function workspaceFileAccess(workspace: string, options: { desktop?: boolean } = {}): FileAccess {
  const root = resolve(workspace);
  const handles = new Map<string, string>();
  const byPath = new Map<string, string>();
  const desktop = options.desktop === true;

  function grant(path: string): string {
    const full = resolve(path);
    const inside = workspaceName(root, full);
    if (inside !== null && inside !== '') return inside;
    if (!desktop) throw new WorkspacePathError(`"${basename(full)}" is outside the workspace.`);
    let handle = byPath.get(full);
    if (!handle) {
      handle = `${handlePrefix}${randomBytes(12).toString('base64url')}`;
      handles.set(handle, full);
      byPath.set(full, handle);
    }
    return handle;
  }

  function handlePath(name: string): string | null {
    if (!name.startsWith(handlePrefix)) return null;
    const path = handles.get(name);
    if (path === undefined) throw new WorkspacePathError('That file is no longer available here; choose it again with Open.');
    return path;
  }

  async function readable(name: string): Promise<string> {
    return handlePath(name) ?? resolveInWorkspace(root, name);
  }

  return {
    kind: desktop ? 'desktop' : 'workspace',
    workspace: root,
    readable,

    async projectTarget(name) {
      const granted = handlePath(name);
      if (granted !== null) return granted;
      const segments = workspaceSegments(name);
      if (segments.length !== 1) {
        throw new WorkspacePathError(`Projects are saved in the workspace under a file name without folders, such as "iris${PROJECT_EXTENSION}".`);
      }
      let fileName = segments[0];
      const ext = extname(fileName).toLowerCase();
      if (ext === '') fileName += PROJECT_EXTENSION;
      else if (ext !== PROJECT_EXTENSION) {
        throw new WorkspacePathError(`Projects are saved as ${PROJECT_EXTENSION} files; "${fileName}" has another extension.`);
      }
      await mkdir(root, { recursive: true });
      const target = await resolveInWorkspace(root, fileName);
      if (await lstat(target).then((s) => s.isSymbolicLink(), () => false)) {
        throw new WorkspacePathError(`"${fileName}" is a link; a project is never saved through one.`);
      }
      return target;
    },

    async exportFolder(name, suggestion) {
      const exportsDir = join(root, 'exports');
      await mkdir(exportsDir, { recursive: true });
      if (name !== undefined) {
        const segments = workspaceSegments(name);
        const inExports = segments[0] === 'exports' ? segments.slice(1) : segments;
        if (inExports.length !== 1) throw new WorkspacePathError('An export goes into a new folder of the workspace\'s "exports" folder: give a folder name without other folders.');
        const target = await resolveInWorkspace(root, `exports/${inExports[0]}`);
        if (await lstat(target).then(() => true, () => false)) {
          throw new WorkspacePathError(`"exports/${inExports[0]}" already exists; an export only creates new folders. Choose another name.`);
        }
        return target;
      }
      return freeName(exportsDir, safeSegment(suggestion, 'model'), (p) => lstat(p).then(() => true, () => false));
    },

    async dataFor(binding) {
      if (isBuiltin(binding.source)) return { binding, baseDir: root };
      const source = await readable(binding.source);
      return { binding: { ...binding, source }, baseDir: root };
    },

    nameOf(path) {
      try {
        return grant(path);
      } catch {
        return null;
      }
    },

    pathOf(name) {
      try {
        return name.startsWith(handlePrefix) ? handles.get(name) ?? null : join(root, ...workspaceSegments(name));
      } catch {
        return null;
      }
    },

    grant,
  };
}

/** True when `path` exists (as anything, links included). */
export async function exists(path: string): Promise<boolean> {
  return lstat(path).then(() => true, () => false);
}

/** True when `path` is an existing folder. */
export async function isFolder(path: string): Promise<boolean> {
  return stat(path).then((s) => s.isDirectory(), () => false);
}
