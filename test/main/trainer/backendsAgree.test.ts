// The same held-out table trained on wasm, webgpu (when an adapter is present; lavapipe in CI) and cpu:
// the table classifier template on Iris, same seed, reaches the same test accuracy on each backend.
// And training's `auto` reports what it measured and why it chose its backend.
import { describe, expect, it } from 'vitest';
import { tabularClassifier } from '../../../app/templates/tabularClassifier.ts';
import { trainingConfigSchema } from '../../../app/training/config.ts';
import { trainingJobSchema, type StartedInfo } from '../../../app/training/protocol.ts';
import { runTraining } from '../../../main/trainer/train.ts';
import { probeGpuAdapter } from '../../../main/engine/webgpu.ts';

const probe = await probeGpuAdapter();
if (!probe.ok) console.log(`backendsAgree.test: webgpu left out, no adapter here: ${probe.reason}`);
const backends = ['wasm', ...(probe.ok ? ['webgpu'] : []), 'cpu'] as const;

async function train(backend: string, onStarted?: (info: StartedInfo) => void) {
  const config = trainingConfigSchema.parse({ ...tabularClassifier.training, backend, seed: 11 });
  return runTraining(trainingJobSchema.parse({
    runId: `agree-${backend}`,
    model: { kind: 'graph', graph: tabularClassifier.graph },
    data: { kind: 'binding', binding: tabularClassifier.dataset },
    config,
  }), { onStarted });
}

describe('one table, every backend', () => {
  it(`reaches the same test accuracy on ${backends.join(', ')}`, async () => {
    const accuracy: Record<string, number> = {};
    for (const backend of backends) {
      const result = await train(backend);
      expect(result.status, result.message).toBe('completed');
      expect(result.backend).toBe(backend);
      accuracy[backend] = result.test?.logs.accuracy ?? NaN;
    }
    const values = Object.values(accuracy);
    console.log(`backendsAgree.test: test accuracy ${JSON.stringify(accuracy)}`);
    for (const a of values) expect(a, JSON.stringify(accuracy)).toBeGreaterThanOrEqual(0.85);
    expect(Math.max(...values) - Math.min(...values), JSON.stringify(accuracy)).toBeLessThanOrEqual(0.1);
  });

  it('auto says which backends it measured or why it did not need to', async () => {
    let started: StartedInfo | undefined;
    const result = await train('auto', (info) => { started = info; });
    expect(result.status, result.message).toBe('completed');
    expect(result.backendChoice).toMatch(/→ \w+|the only backend that started/);
    expect(started?.backendChoice).toBe(result.backendChoice);
    expect(result.backendChoice).toContain(result.backend ?? 'none');
  });
});
