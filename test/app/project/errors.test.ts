// Zod issues in plain words: number limits say whether the limit itself is allowed.
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { summarizeIssues } from '../../../app/project/errors.ts';

function text(schema: z.ZodType, value: unknown): string {
  const r = schema.safeParse(value, { reportInput: true });
  if (r.success) throw new Error('expected a failure');
  return summarizeIssues(r.error.issues).text;
}

describe('issue text for number limits', () => {
  it('an inclusive maximum names the largest allowed value', () => {
    expect(text(z.number().max(1), 2)).toBe('the file: is 2; the largest allowed value is 1');
  });
  it('an exclusive maximum does not claim the limit is allowed', () => {
    expect(text(z.number().lt(1), 1)).toBe('the file: is 1; the value must be less than 1');
  });
  it('minimums say at least or greater than', () => {
    expect(text(z.number().min(1), 0)).toBe('the file: is 0; the value must be at least 1');
    expect(text(z.number().gt(0), 0)).toBe('the file: is 0; the value must be greater than 0');
  });
});
