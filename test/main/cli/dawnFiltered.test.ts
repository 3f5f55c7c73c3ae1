// Which command lines the CLI runs as a filtered child of itself (main/cli/dawnFiltered.ts): only those
// that load a model on webgpu in the CLI's own process. The filtering itself is tested on the real CLI
// in dawnNoise.test.ts.
import { describe, expect, it } from 'vitest';
import { needsDawnFilter } from '../../../main/cli/dawnFiltered.ts';

describe('needsDawnFilter', () => {
  it('predict, serve-model and export with --backend webgpu, in either spelling, the last one winning', () => {
    expect(needsDawnFilter(['export', '--run', '3', '--format', 'onnx', '-o', 'out', '--backend', 'webgpu'], {})).toBe(true);
    expect(needsDawnFilter(['predict', 'm', '--input', 'x.csv', '--backend', 'webgpu'], {})).toBe(true);
    expect(needsDawnFilter(['serve-model', 'm', '--backend=webgpu'], {})).toBe(true);
    expect(needsDawnFilter(['predict', 'm', '--backend', 'cpu', '--backend', 'webgpu'], {})).toBe(true);
    expect(needsDawnFilter(['predict', 'm', '--backend', 'webgpu', '--backend', 'wasm'], {})).toBe(false);
  });

  it('not other backends, other commands, help, arguments after --, or a child that is already filtered', () => {
    expect(needsDawnFilter(['predict', 'm', '--backend', 'wasm'], {})).toBe(false);
    expect(needsDawnFilter(['predict', 'm'], {})).toBe(false);
    // train, prune and bench open Dawn in child processes of their own, already filtered.
    expect(needsDawnFilter(['train', 'p.mwproj', '--backend', 'webgpu'], {})).toBe(false);
    expect(needsDawnFilter(['bench', '--backend', 'webgpu'], {})).toBe(false);
    expect(needsDawnFilter(['predict', '--help', '--backend', 'webgpu'], {})).toBe(false);
    expect(needsDawnFilter(['predict', 'm', '--', '--backend', 'webgpu'], {})).toBe(false);
    expect(needsDawnFilter(['predict', 'm', '--backend', 'webgpu'], { MODELWRIGHT_DAWN_FILTERED: '1' })).toBe(false);
  });
});
