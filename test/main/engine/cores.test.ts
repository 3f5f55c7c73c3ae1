// The cores a run computes with: the config's bounds, the front ends' defaults, the clamp to this machine
// and a sweep's share per parallel trial.
import { describe, expect, it } from 'vitest';
import { makeTrainingConfig, MAX_THREADS_SETTING, trainingConfigSchema } from '../../../app/training/config.ts';
import { cliDefaultThreads, studioDefaultThreads, threadsPerTrial, usableThreads } from '../../../main/engine/cores.ts';
import { sweepThreads } from '../../../main/services/sweepRunner.ts';
import { defaultRunName } from '../../../app/store/runNames.ts';
import { getTemplate, projectFromTemplate } from '../../../app/templates/index.ts';

describe('threads in the training config', () => {
  it('is absent by default (the caller decides) and takes whole numbers from 1', () => {
    expect(makeTrainingConfig({}).threads).toBeUndefined();
    expect(makeTrainingConfig({ threads: 3 }).threads).toBe(3);
    for (const bad of [0, -1, 1.5, MAX_THREADS_SETTING + 1, '2']) {
      expect(trainingConfigSchema.safeParse({ threads: bad }).success, String(bad)).toBe(false);
    }
  });

  it('does not name a run: runs that differ only in cores learn the same', () => {
    const { graph } = projectFromTemplate(getTemplate('tabular-classifier')!, { name: 'Iris' });
    const config = makeTrainingConfig({ threads: 1 });
    expect(defaultRunName('Iris', { config: { ...config, threads: 2 }, graph, dataSource: null }, { id: 4, config, graph, dataSource: null })).toBe('same settings as #4');
  });
});

describe('cores', () => {
  it('defaults to all but one in the studio and all in the CLI', () => {
    expect(studioDefaultThreads(8)).toBe(7);
    expect(studioDefaultThreads(2)).toBe(1);
    expect(studioDefaultThreads(1)).toBe(1);
    expect(cliDefaultThreads(8)).toBe(8);
  });

  it('holds a setting from a bigger machine to this one\'s cores and says so', () => {
    expect(usableThreads(2, 4)).toEqual({ threads: 2 });
    const clamped = usableThreads(16, 2);
    expect(clamped.threads).toBe(2);
    expect(clamped.warning).toBe('the settings ask for 16 cores; this computer has 2, so the run uses 2');
  });

  it('shares a sweep\'s cores between its parallel trials without oversubscribing', () => {
    expect(threadsPerTrial(8, 2)).toBe(4);
    expect(threadsPerTrial(8, 3)).toBe(2);
    expect(threadsPerTrial(2, 7)).toBe(1);
    // --threads over the project's setting over the front end's default.
    expect(sweepThreads({ threads: 6 }, 2, { threads: 4, defaultThreads: 8 })).toBe(2);
    expect(sweepThreads({ threads: 6 }, 2, { defaultThreads: 8 })).toBe(3);
    expect(sweepThreads({}, 2, { defaultThreads: 8 })).toBe(4);
  });
});
