// Shared by the store tests: a call that must fail with a StoreError of one kind and a plain message.
import { expect } from 'vitest';
import { StoreError } from '../../../main/store/errors.ts';

export function expectStoreError(fn: () => unknown, kind: string, message: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a StoreError').toBeInstanceOf(StoreError);
  expect((caught as StoreError).kind).toBe(kind);
  expect((caught as Error).message).toMatch(message);
}
