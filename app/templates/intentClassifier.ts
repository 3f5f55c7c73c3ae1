// Template: a customer-service desk's text classifier (help / info / complaint / other) from word
// embeddings and a 1-D convolution that spots key phrases.
import { defineTemplate, sequential } from './types.ts';

export const INTENT_VOCAB_SIZE = 2000;
export const INTENT_SEQUENCE_LENGTH = 24;

export const intentClassifier = defineTemplate({
  id: 'intent-classifier',
  title: 'Customer-service intent classifier (text)',
  description: 'Use it to route short customer messages by what the customer wants — asking for help, asking for information, complaining, or something else — so each lands with the right team.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'message', params: { shape: [INTENT_SEQUENCE_LENGTH], dtype: 'int32' } },
    // Tuned on wasm against the 823-sentence built-in set (test accuracy about 0.87–0.90 over seeds, ~15 s):
    // wide embeddings and many three-word detectors, with heavy dropout because the set is small.
    { id: 'embedding', type: 'Embedding', name: 'word_vectors', params: { inputDim: INTENT_VOCAB_SIZE, outputDim: 64 } },
    { id: 'conv', type: 'Conv1D', name: 'phrase_detector', params: { filters: 128, kernelSize: 3, activation: 'relu', padding: 'same' } },
    { id: 'pool', type: 'GlobalMaxPooling1D', name: 'strongest_phrase' },
    { id: 'dropout', type: 'Dropout', name: 'dropout', params: { rate: 0.5 } },
    { id: 'output', type: 'Dense', name: 'intent', params: { units: 4, activation: 'softmax' } },
  ]),
  dataset: {
    source: 'builtin:intents',
    kind: 'text',
    task: 'classification',
    target: 'intent',
    columns: [
      { name: 'text', role: 'feature', type: 'text' },
      { name: 'intent', role: 'target', type: 'categorical' },
    ],
    text: { column: 'text', vocabSize: INTENT_VOCAB_SIZE, sequenceLength: INTENT_SEQUENCE_LENGTH, lowercase: true },
  },
  training: {
    optimizer: { name: 'adam', learningRate: 0.003 },
    metrics: ['accuracy'],
    batchSize: 16,
    epochs: 40,
    earlyStopping: { enabled: true, patience: 8 },
  },
});
