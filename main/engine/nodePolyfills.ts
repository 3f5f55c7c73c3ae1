// Restores Node APIs that tfjs 4.22 still calls but newer Node releases removed, so that
// @tensorflow/tfjs-node keeps loading under Electron's Node (≥ 23). Import before loading tfjs-node.
import util from 'node:util';

type UtilWithLegacy = typeof util & { isNullOrUndefined?: (value: unknown) => boolean };

/** Adds `util.isNullOrUndefined` when it is missing (removed in Node 23); a no-op on older Node. Returns what it added. */
export function installNodePolyfills(): string[] {
  const legacy = util as UtilWithLegacy;
  const added: string[] = [];
  if (typeof legacy.isNullOrUndefined !== 'function') {
    // `util` is a frozen-looking namespace in ESM but a plain mutable object underneath; tfjs-node reads it via require('util').
    legacy.isNullOrUndefined = (value: unknown) => value === null || value === undefined;
    added.push('util.isNullOrUndefined');
  }
  return added;
}
