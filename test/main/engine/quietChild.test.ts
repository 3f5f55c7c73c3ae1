// Work that opens Dawn runs in a child whose output is filtered: Dawn's noise lines are dropped, every
// other line the child prints is passed on, and its answer or its failure (one line) comes back.
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { dawnNoiseFilter, runQuietChild } from '../../../main/engine/quietChild.ts';

const entry = fileURLToPath(new URL('./fixtures/noisyChild.ts', import.meta.url));

describe('runQuietChild', () => {
  it('drops Dawn noise, forwards real lines from stdout and stderr, reports progress and the result', async () => {
    let forwarded = '';
    const progress: string[] = [];
    const result = await runQuietChild<{ answer: number }>(entry, {}, { forward: (t) => { forwarded += t; }, onProgress: (m) => progress.push(m) });
    expect(result).toEqual({ answer: 42 });
    expect(progress).toEqual(['halfway']);
    // The last stdout line had no newline: it still comes through, flushed when the child ends.
    await new Promise((r) => setTimeout(r, 100));
    expect(forwarded).toContain('a real problem on stderr\n');
    expect(forwarded).toContain('a line on stdout');
    expect(forwarded).not.toMatch(/artificially reduced/);
  });

  it('a failing child rejects with its error in one line', async () => {
    let forwarded = '';
    await expect(runQuietChild(entry, { fail: true }, { forward: (t) => { forwarded += t; } })).rejects.toThrow(/^the work failed$/);
    expect(forwarded).not.toMatch(/artificially reduced/);
  });

  it('a child that exits without answering names the last real line it printed', async () => {
    const missing = fileURLToPath(new URL('./fixtures/no-such-entry.ts', import.meta.url));
    await expect(runQuietChild(missing, {}, { forward: () => {} })).rejects.toThrow(/ended \(exit code 1\) without a result: .*no-such-entry/);
  });
});

describe('dawnNoiseFilter', () => {
  it('filters whole lines across chunk boundaries', () => {
    let out = '';
    const f = dawnNoiseFilter((t) => { out += t; });
    f.push('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially red');
    f.push('uced from 1000000 to 16 to fit dynamic offset allocation limit.\nreal ');
    f.push('error\nWarning: something else entirely\n');
    f.end();
    expect(out).toBe('real error\nWarning: something else entirely\n');
  });
});
