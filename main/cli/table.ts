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

function width(s: string): number {
  // Code points, not UTF-16 units, so "×" and accented names line up.
  return [...s].length;
}

function pad(s: string, w: number, left: boolean): string {
  const fill = ' '.repeat(Math.max(0, w - width(s)));
  return left ? fill + s : s + fill;
}
