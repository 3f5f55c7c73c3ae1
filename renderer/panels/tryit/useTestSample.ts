// Real examples for the Try it form: row `index` of the run's own test split (never seen in training),
// first row 0, then a different random one on each "another test sample".
import { useCallback, useEffect, useState } from 'react';
import type { ModelwrightApi } from '../../../app/api/contract.ts';
import type { PredictorInfo, TestRowSample } from '../../../app/api/types.ts';

export interface TestSampleState {
  sample: TestRowSample | null;
  loading: boolean;
  /** Why no sample could be read (the form still works by typing). */
  error: unknown;
  /** Loads another test row, different from the current one when there is more than one. */
  another: () => void;
}

/** A random test-row index other than `current` (there are `count` rows). */
export function nextSampleIndex(current: number, count: number, random: () => number = Math.random): number {
  if (count <= 1) return 0;
  const step = 1 + Math.floor(random() * (count - 1));
  return (current + step) % count;
}

export function useTestSample(api: ModelwrightApi, info: Pick<PredictorInfo, 'runId' | 'kind'>): TestSampleState {
  const [sample, setSample] = useState<TestRowSample | null>(null);
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(async (index: number) => {
    setLoading(true);
    try {
      setSample(await api.predict.testSample(info.runId, { index }));
      setError(null);
    } catch (err) {
      setError(err);
    } finally {
      setLoading(false);
    }
  }, [api, info.runId]);
  useEffect(() => {
    void load(0);
  }, [load]);
  const another = useCallback(() => {
    if (sample) void load(nextSampleIndex(sample.index, sample.count));
    else void load(0);
  }, [load, sample]);
  return { sample, loading, error, another };
}
