// One line of an error for the CLI and the studio: the first non-empty line of its message, no final full stop.

export function oneLine(err: unknown): string {
  const text = err instanceof Error ? err.message : typeof err === 'object' && err && 'message' in err ? String((err as { message: unknown }).message) : String(err);
  const first = text.split('\n').find((l) => l.trim() !== '') ?? 'unknown error';
  return first.trim().replace(/\.$/, '');
}
