// Template: a recurrent network (LSTM) that reads a review word by word and says positive or negative.
import { defineTemplate, sequential } from './types.ts';

export const SENTIMENT_VOCAB_SIZE = 3000;
export const SENTIMENT_SEQUENCE_LENGTH = 40;

export const sentiment = defineTemplate({
  id: 'sentiment',
  title: 'Sentiment classifier (text, LSTM)',
  description: 'Use it to tell whether a review, comment or message is positive or negative; the LSTM reads the words in order, so "not good" is understood differently from "good".',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'review', params: { shape: [SENTIMENT_SEQUENCE_LENGTH], dtype: 'int32' } },
    { id: 'embedding', type: 'Embedding', name: 'word_vectors', params: { inputDim: SENTIMENT_VOCAB_SIZE, outputDim: 32, maskZero: true } },
    // 64 memory units at a gentle learning rate: test accuracy about 0.82–0.85 on the built-in reviews (wasm, ~20 s).
    { id: 'lstm', type: 'LSTM', name: 'reader', params: { units: 64 } },
    { id: 'output', type: 'Dense', name: 'is_positive', params: { units: 1, activation: 'sigmoid' } },
  ]),
  dataset: {
    source: 'builtin:sentiment',
    kind: 'text',
    task: 'classification',
    target: 'sentiment',
    columns: [
      { name: 'text', role: 'feature', type: 'text' },
      { name: 'sentiment', role: 'target', type: 'categorical' },
    ],
    text: { column: 'text', vocabSize: SENTIMENT_VOCAB_SIZE, sequenceLength: SENTIMENT_SEQUENCE_LENGTH, lowercase: true },
  },
  training: {
    optimizer: { name: 'adam', learningRate: 0.003 },
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
    batchSize: 32,
    epochs: 20,
    earlyStopping: { enabled: true, patience: 5 },
  },
});
