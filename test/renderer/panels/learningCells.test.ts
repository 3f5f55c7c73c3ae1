// What the Runs panel shows for runs that did not learn, and metric cells in words.
import { describe, expect, it } from 'vitest';
import { metricCell, statusClass, statusText } from '../../../renderer/panels/runs/runCells.ts';

describe('runs that did not learn and plain names', () => {
  it('a completed run that did not learn says so; others keep their status', () => {
    expect(statusText({ status: 'completed', learned: false })).toBe('did not learn');
    expect(statusText({ status: 'completed', learned: true })).toBe('completed');
    expect(statusText({ status: 'failed', learned: null })).toBe('failed');
    // Coloured as a warning (styles.css), not as the green of a completed run.
    expect(statusClass({ status: 'completed', learned: false })).toBe('mw-wp-st-did-not-learn');
    expect(statusClass({ status: 'completed', learned: true })).toBe('mw-wp-st-completed');
  });

  it('metric cells read as words', () => {
    expect(metricCell({ metric: 'val_accuracy', value: 0.95 })).toBe('Validation accuracy 0.95');
  });
});
