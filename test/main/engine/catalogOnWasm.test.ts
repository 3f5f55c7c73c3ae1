// Every layer type of the catalog trains on the wasm backend: a small model around each one, built with the
// studio's own layer factory, takes a few Adam steps with finite losses and changed weights.
import { beforeAll, describe, expect, it } from 'vitest';
import * as tf from '@tensorflow/tfjs';
import { loadBackend } from '../../../main/engine/backends.ts';
import { CASES, trainCase, uncoveredTypes } from './catalogCases.ts';

beforeAll(async () => {
  await loadBackend('wasm');
});

describe('every catalog layer trains on wasm', () => {
  it('has a case for every catalog layer type', () => {
    expect(uncoveredTypes()).toEqual([]);
  });

  it.each(CASES)('$type', async (c) => {
    expect(tf.getBackend()).toBe('wasm');
    await trainCase(c);
  });
});
