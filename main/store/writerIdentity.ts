// Who is writing a run, so that a later open can tell a live training from one whose process died.
// A pid alone is not enough (pids are reused), so on Linux the process start time and boot id are kept too.
import { readFileSync } from 'node:fs';
import { hostname } from 'node:os';

export interface WriterIdentity {
  pid: number;
  host: string;
  /** `<boot id>:<start ticks>` on Linux; null where /proc is unavailable (then only the pid is checked). */
  token: string | null;
}

function procInfo(pid: number): { token: string | null; zombie: boolean } | null {
  try {
    const bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The command name (field 2) may contain spaces and parentheses: fields are counted after its closing paren.
    const rest = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const startTicks = rest[19]; // field 22 overall
    return { token: startTicks ? `${bootId}:${startTicks}` : null, zombie: rest[0] === 'Z' || rest[0] === 'X' };
  } catch {
    return null;
  }
}

let current: WriterIdentity | undefined;

export function currentWriter(): WriterIdentity {
  current ??= { pid: process.pid, host: hostname(), token: procInfo(process.pid)?.token ?? null };
  return current;
}

function pidExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * False when the writer is provably gone: same host and its pid is dead, or the pid now belongs to a
 * different process. A writer on another host cannot be checked and counts as alive.
 */
export function isWriterAlive(writer: { pid: number | null; host: string | null; token: string | null }): boolean {
  const me = currentWriter();
  if (writer.pid === null || writer.host === null) return false;
  if (writer.host !== me.host) return true;
  if (writer.pid === me.pid) return writer.token === null || me.token === null || writer.token === me.token;
  if (!pidExists(writer.pid)) return false;
  const now = procInfo(writer.pid);
  // A killed child not yet reaped by its parent is a zombie: its pid exists but it will never write again.
  if (now?.zombie) return false;
  if (writer.token === null || now === null || now.token === null) return true;
  return now.token === writer.token;
}
