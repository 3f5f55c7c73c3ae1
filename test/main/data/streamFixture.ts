// Writes big synthetic CSVs for the streaming test and benchmark without holding them in memory.
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';

/**
 * `rows` × (`features` numeric columns + a 3-class label), deterministic, written in 1 MB pieces. The
 * label cycles 0, 1, 2 by default; `learnable` makes it a function of f0 and f1 (three bands of
 * f0 + f1 / 2) so a model trained on the file can be checked for having learned.
 */
export async function writeNumericCsv(path: string, rows: number, features = 19, options: { learnable?: boolean } = {}): Promise<void> {
  const out = createWriteStream(path);
  const header = [...Array.from({ length: features }, (_, j) => `f${j}`), 'label'].join(',');
  let piece = `${header}\n`;
  for (let i = 0; i < rows; i++) {
    let line = '';
    let f0 = 0;
    let f1 = 0;
    for (let j = 0; j < features; j++) {
      const v = ((i * 7919 + j * 104729) % 20011) / 100 - 100;
      if (j === 0) f0 = v;
      if (j === 1) f1 = v;
      line += `${v.toFixed(2)},`;
    }
    const s = f0 + f1 / 2;
    const label = options.learnable ? (s < -40 ? 0 : s < 40 ? 1 : 2) : i % 3;
    piece += `${line}${label}\n`;
    if (piece.length > 1 << 20) {
      if (!out.write(piece)) await once(out, 'drain');
      piece = '';
    }
  }
  out.end(piece);
  await once(out, 'finish');
}

/** Samples RSS every few ms while `work` runs; returns the peak in bytes. */
export async function peakRss<T>(work: () => Promise<T>): Promise<{ result: T; peak: number }> {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 5);
  try {
    const result = await work();
    peak = Math.max(peak, process.memoryUsage().rss);
    return { result, peak };
  } finally {
    clearInterval(timer);
  }
}
