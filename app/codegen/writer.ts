// A tiny source writer shared by the generators: blocks of lines separated by one blank line, each
// block opened by a comment in the language's own syntax.

export class SourceWriter {
  private readonly blocks: string[][] = [];
  private readonly commentPrefix: string;

  constructor(commentPrefix: '//' | '#') {
    this.commentPrefix = commentPrefix;
  }

  /** A block of code under a one-line comment (the comment text is ours, never user text). */
  block(comment: string | null, lines: readonly string[]): this {
    const out = comment ? [`${this.commentPrefix} ${comment}`, ...lines] : [...lines];
    if (out.length > 0) this.blocks.push(out);
    return this;
  }

  /** Blocks joined by one blank line; in Python, two around a block that defines a function (PEP 8). */
  toString(): string {
    const defines = (block: string[]) => block.some((line) => /^(def|class) /.test(line));
    let out = '';
    this.blocks.forEach((block, i) => {
      if (i > 0) out += this.commentPrefix === '#' && (defines(block) || defines(this.blocks[i - 1])) ? '\n\n\n' : '\n\n';
      out += block.join('\n');
    });
    return `${out}\n`;
  }
}

/** Indents every line of a multi-line string (for nesting generated blocks under `with` or `{`). */
export function indent(lines: readonly string[], by = '  '): string[] {
  return lines.map((line) => (line.length > 0 ? by + line : line));
}

/** Splits template text into lines, dropping the first and last empty lines and the common indentation. */
export function dedent(text: string): string[] {
  const lines = text.replace(/^\n/, '').replace(/\n\s*$/, '').split('\n');
  const margin = Math.min(...lines.filter((l) => l.trim().length > 0).map((l) => l.match(/^ */)![0].length));
  return lines.map((l) => l.slice(margin));
}
