// The error every data problem turns into: one plain-language message that says what is wrong and
// what to do, shown as-is by the CLI and the UI (never a stack trace).
export class DataError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DataError';
  }
}

/** Quotes a user-supplied value for a message, shortened so a 1 MB cell cannot flood the screen. */
export function quote(value: string, max = 40): string {
  const shown = value.length > max ? `${value.slice(0, max)}…` : value;
  return `"${shown}"`;
}

/** "a, b, c and 4 more" — lists names in messages without printing thousands of them. */
export function listNames(names: readonly string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => quote(n)).join(', ');
  return names.length > max ? `${shown} and ${names.length - max} more` : shown;
}
