// Template: a machine's condition (normal, drift, spike, oscillation) from a window of sensor readings,
// read by a small Transformer: each reading becomes a vector, plus a learned vector for its second, then
// the built-in TransformerEncoder block lets every second look at every other.
import { transformerEncoderBlock } from '../graph/builtinBlocks.ts';
import { defineTemplate, functional } from './types.ts';

/** Readings per row of the built-in `sensors` set (columns t01 … t32, one a second). */
export const SENSOR_READINGS = 32;

const WIDTH = 32;

export const sensorAttention = defineTemplate({
  id: 'sensor-attention',
  title: 'Machine condition from sensor readings (time series, attention)',
  description: 'Use it when each row is a stretch of readings over time, such as 32 seconds of a machine\'s vibration, and you want to name what the curve shows: normal running, a slow drift, sudden spikes or an oscillation. Attention compares every moment with every other, wherever the pattern starts.',
  graph: functional([
    { id: 'input', type: 'Input', name: 'readings', params: { shape: [SENSOR_READINGS] } },
    // The 32 numbers as 32 steps of one value each, then each step as a vector the attention can compare.
    { id: 'steps', type: 'Reshape', name: 'one_reading_per_step', params: { targetShape: [SENSOR_READINGS, 1] } },
    { id: 'project', type: 'Dense', name: 'reading_vectors', params: { units: WIDTH } },
    { id: 'positions', type: 'PositionEmbedding', name: 'second_vectors', params: { sequenceLength: SENSOR_READINGS } },
    { id: 'withPositions', type: 'Add', name: 'readings_and_seconds', inputs: ['project', 'positions'] },
    { id: 'encoder', type: 'Block', name: 'encoder', block: transformerEncoderBlock({ width: WIDTH }) },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'average_over_time' },
    { id: 'output', type: 'Dense', name: 'condition', params: { units: 4, activation: 'softmax' } },
  ]),
  dataset: { source: 'builtin:sensors', kind: 'table', task: 'classification', target: 'condition', scaling: 'standard' },
  training: {
    optimizer: { name: 'adam', learningRate: 0.002 },
    metrics: ['accuracy'],
    batchSize: 32,
    epochs: 40,
    earlyStopping: { enabled: true, patience: 8 },
  },
});
