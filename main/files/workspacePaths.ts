// Path checks for names that come from a page (the browser studio, the Electron renderer): a name is
// taken relative to the workspace folder, and anything that could leave it — `..`, absolute paths,
// Windows drive letters and UNC paths, `~`, NUL, symlinks pointing out — is refused before any file is
// touched. Pure checks first (the name itself), then the file system (symlinks, via realpath).
import { lstat, realpath } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

/** A name from the page that is not allowed; the message says what to do instead. */
export class WorkspacePathError extends Error {
  override name = 'WorkspacePathError';
}

const outside = (name: string, why: string) =>
  new WorkspacePathError(`"${shorten(name)}" cannot be used: ${why}. Files come from uploads or the Modelwright workspace; upload the file instead.`);

function shorten(name: string): string {
  const printable = [...name].map((ch) => (ch.charCodeAt(0) < 32 ? '?' : ch)).join('');
  return printable.length > 120 ? `${printable.slice(0, 117)}...` : printable;
}

/**
 * Checks a name from the page without touching the disk and returns its segments. Accepts only relative
 * names made of ordinary segments; `\` counts as a separator, so a Windows-style name is checked the same
 * on every platform.
 */
export function workspaceSegments(name: string): string[] {
  if (typeof name !== 'string' || name.trim() === '') throw new WorkspacePathError('A file name is needed.');
  if (name.includes('\0')) throw outside(name, 'it contains a NUL character');
  if (/^[\\/]{2}/.test(name)) throw outside(name, 'it is a network (UNC) path, outside the workspace');
  if (/^[A-Za-z]:/.test(name)) throw outside(name, 'it is a Windows drive path, outside the workspace');
  if (name.startsWith('/') || name.startsWith('\\') || isAbsolute(name)) throw outside(name, 'it is an absolute path, outside the workspace');
  if (name.startsWith('~')) throw outside(name, 'it names a home folder, outside the workspace');
  const segments = name.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.some((s) => s === '..')) throw outside(name, '".." would leave the workspace');
  // Windows ignores trailing dots and spaces ("..." or ".. " mean ".."); alternate data streams use ":".
  if (segments.some((s) => /^[.\s]+$/.test(s))) throw outside(name, 'a segment made of dots would leave the workspace');
  if (segments.some((s) => s.includes(':'))) throw outside(name, 'a ":" is not allowed in a file name');
  if (segments.length === 0) throw new WorkspacePathError('A file name is needed, not the workspace folder itself.');
  return segments;
}

/** The absolute path of a checked name inside `root` (no file system access). */
export function workspacePath(root: string, name: string): string {
  const full = resolve(root, ...workspaceSegments(name));
  if (!isInside(resolve(root), full)) throw outside(name, 'it resolves outside the workspace');
  return full;
}

/** True when `child` is `parent` or inside it (both absolute, normalised). */
export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel === '' || (!rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel));
}

/**
 * The path for a name inside the workspace after following symlinks: the nearest existing ancestor (or
 * the file itself) must resolve inside the workspace's own real path, so a link pointing out is refused
 * whether it is the file or any folder on the way.
 */
export async function resolveInWorkspace(root: string, name: string): Promise<string> {
  const full = workspacePath(root, name);
  const realRoot = await realpath(root).catch(() => resolve(root));
  let probe = full;
  for (;;) {
    const real = await realpath(probe).catch((err: NodeJS.ErrnoException) => (err.code === 'ENOENT' ? null : Promise.reject(err)));
    if (real !== null) {
      if (!isInside(realRoot, real)) throw outside(name, 'it is a link to a place outside the workspace');
      break;
    }
    // A dangling symlink has no realpath, but lstat sees it: refuse rather than let a write follow it.
    if (await lstat(probe).then((s) => s.isSymbolicLink(), () => false)) throw outside(name, 'it is a link that points nowhere');
    const parent = dirname(probe);
    if (parent === probe || !isInside(resolve(root), parent)) break;
    probe = parent;
  }
  return full;
}

/** The name the page sees for a path inside the workspace: relative, with `/` separators. */
export function workspaceName(root: string, path: string): string | null {
  const full = resolve(path);
  if (!isInside(resolve(root), full)) return null;
  return relative(resolve(root), full).split(sep).join('/');
}

/** `name`, or `name (2)`, `name (3)`... before the extension: the first that `taken` says is free. */
export async function freeName(dir: string, fileName: string, taken: (path: string) => Promise<boolean>): Promise<string> {
  const dot = fileName.lastIndexOf('.');
  const [stem, ext] = dot > 0 ? [fileName.slice(0, dot), fileName.slice(dot)] : [fileName, ''];
  for (let i = 1; ; i++) {
    const candidate = join(dir, i === 1 ? fileName : `${stem} (${i})${ext}`);
    if (!(await taken(candidate))) return candidate;
  }
}

/** A user's file name made safe as one segment: no separators, control characters or leading dots. */
export function safeSegment(name: string, fallback: string): string {
  const base = name.split(/[\\/]/).pop() ?? '';
  const cleaned = [...base].filter((ch) => ch.charCodeAt(0) >= 32).join('')
    .replace(/[<>:"|?*]+/g, '_').replace(/^[.\s]+/, '').replace(/[.\s]+$/, '').slice(-120);
  return cleaned || fallback;
}
