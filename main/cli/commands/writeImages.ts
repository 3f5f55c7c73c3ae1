// `modelwright write-images builtin:mnist -o DIR [--classes LIST] [--per-class N] [--force]`: writes the
// built-in digits as an image folder (one subfolder of PNG files per class), the layout every image folder
// must have — to try image folders, or to build a base and a small new task from them (docs/training.md,
// "Worked example: transfer learning"). Offline: the digits come from the mnist package.
import { mkdir, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DataError } from '../../../app/data/errors.ts';
import { loadMnist, mnistPerClass } from '../../data/builtin.ts';
import { pngOfPixels } from '../../data/imageSamples.ts';
import { CliError, intFlag, parseCommandArgs, UsageError, type CliCommand } from '../command.ts';

/** The fewest images of one digit in the mnist package (the digit 5): the most --per-class can ask for. */
export const mnistMostPerClass = 863;

const digits = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9'];

const usage = `Usage: modelwright write-images builtin:mnist -o DIR [--classes LIST] [--per-class N] [--force]

Writes the built-in handwritten digits as an image folder: DIR/0/, DIR/1/, … each holding 28×28
grayscale PNG files. That is the layout any image folder needs (one subfolder per class), so DIR can be
given to --data, or chosen in the studio's Data panel.

Options:
  -o, --output DIR    the folder to write (created; it must be empty unless --force)
  --classes LIST      the digits to write, e.g. 0,1,2,3,4 or 5-9 (default: all ten)
  --per-class N       images of each digit (default ${mnistPerClass}: the images of builtin:mnist; at most ${mnistMostPerClass})
  --force             write into a folder that is not empty (the class subfolders written are replaced)

Exit codes: 0 written, 2 bad usage or a folder that cannot be written.`;

/** "0,1,2" or "5-9" (or both, "0-2,7") → the digits, in order; a usage error names what is wrong. */
export function parseDigitList(text: string): string[] {
  const chosen = new Set<string>();
  for (const part of text.split(',').map((p) => p.trim())) {
    const range = /^(\d)\s*-\s*(\d)$/.exec(part);
    if (range) {
      const [from, to] = [Number(range[1]), Number(range[2])];
      if (from > to) throw new UsageError(`--classes: "${part}" runs backwards; write it as ${to}-${from}`);
      for (let d = from; d <= to; d++) chosen.add(String(d));
    } else if (/^\d$/.test(part)) {
      chosen.add(part);
    } else {
      throw new UsageError(`--classes needs digits 0 to 9 separated by commas, or a range such as 5-9; got "${part}"`);
    }
  }
  return digits.filter((d) => chosen.has(d));
}

export const writeImagesCommand: CliCommand = {
  name: 'write-images',
  summary: 'Write the built-in digits as an image folder (one subfolder of PNGs per class)',
  usage,
  async run(argv, io) {
    const { values, positionals } = parseCommandArgs(argv, {
      output: { type: 'string', short: 'o' },
      classes: { type: 'string' },
      'per-class': { type: 'string' },
      force: { type: 'boolean' },
    });
    if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'give the built-in image dataset to write: builtin:mnist' : `takes one dataset, got ${positionals.length}`);
    if (positionals[0] !== 'builtin:mnist') throw new UsageError(`only builtin:mnist holds images to write, not "${positionals[0]}"`);
    if (!values.output) throw new UsageError('needs -o DIR: the folder to write the images into');
    const classes = values.classes === undefined ? digits : parseDigitList(values.classes);
    const perClass = intFlag(values['per-class'], '--per-class', 1) ?? mnistPerClass;
    if (perClass > mnistMostPerClass) throw new UsageError(`--per-class can be at most ${mnistMostPerClass} (the mnist package has ${mnistMostPerClass} images of the digit 5), got ${perClass}`);
    const dir = resolve(values.output);

    const existing = await stat(dir).catch(() => null);
    if (existing && !existing.isDirectory()) throw new CliError(`${values.output} is a file; give a folder to write the images into`, 2);
    if (existing && !values.force && (await readdir(dir)).length > 0) throw new CliError(`${values.output} is not empty; choose a new folder or add --force`, 2);

    let mnist;
    try {
      mnist = await loadMnist(perClass);
    } catch (err) {
      if (err instanceof DataError) throw new CliError(err.message, 2);
      throw err;
    }
    const size = 28 * 28;
    try {
      for (const digit of classes) {
        const sub = join(dir, digit);
        await rm(sub, { recursive: true, force: true });
        await mkdir(sub, { recursive: true });
        const first = Number(digit) * perClass;
        for (let i = 0; i < perClass; i++) {
          const png = pngOfPixels(mnist.pixels, { width: 28, height: 28, channels: 1 }, (first + i) * size);
          await writeFile(join(sub, `${digit}_${String(i + 1).padStart(4, '0')}.png`), png);
        }
      }
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      if (e.code) throw new CliError(`cannot write into ${values.output}: ${e.code === 'ENOSPC' ? 'the disk is full' : e.code === 'EACCES' ? 'permission denied' : e.message}`, 2);
      throw err;
    }
    io.stdout(`Wrote ${classes.length * perClass} images to ${values.output}: ${perClass} of each digit ${classes.join(', ')} (28×28 grayscale PNG, one subfolder per class).\n`);
    return 0;
  },
};
