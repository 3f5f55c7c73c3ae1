// Plain-text tables for CLI output: columns padded to their widest cell, numbers right-aligned.

export interface TableColumn {
  header: string;
  /** `right` for numbers. */
  align?: 'left' | 'right';
}

/** Renders rows under headers with a dashed rule, two spaces between columns, no trailing spaces. */
export function formatTable(columns: TableColumn[], rows: string[][]): string {
  const widths = columns.map((c, i) => Math.max(width(c.header), ...rows.map((r) => width(r[i] ?? ''))));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => (columns[i].align === 'right' ? pad(cell, widths[i], true) : pad(cell, widths[i], false)))
      .join('  ')
      .trimEnd();
  return [line(columns.map((c) => c.header)), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n') + '\n';
}

/** 1234567 → "1,234,567" (fixed locale: output must not depend on the machine). */
export function formatCount(n: number): string {
  return n.toLocaleString('en-US');
}

/** Bytes in the largest unit that keeps the number ≥ 1, e.g. "221.5 KB". */
export function formatSize(bytes: number): string {
  const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit++;
  }
  return unit === 0 ? `${bytes} bytes` : `${value.toFixed(1)} ${units[unit]}`;
}

function width(s: string): number {
  // Code points, not UTF-16 units, so "×" and accented names line up.
  return [...s].length;
}

function pad(s: string, w: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return left ? fill + s : s + fill;
}
