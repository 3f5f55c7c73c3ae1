// Template: the customer-service intents again, read by a small Transformer encoder (word and position
// vectors, self-attention with a residual connection and layer normalization, a feed-forward block).
import { INTENT_SEQUENCE_LENGTH, INTENT_VOCAB_SIZE, intentClassifier } from './intentClassifier.ts';
import { defineTemplate, functional } from './types.ts';

const WIDTH = 32;

export const transformerIntent = defineTemplate({
  id: 'transformer-intent',
  title: 'Customer-service intents with a Transformer (text, attention)',
  description: 'Use it to route short customer messages like the intent classifier does, with attention instead of a phrase detector: every word looks at every other word to decide what the message is about.',
  graph: functional([
    { id: 'input', type: 'Input', name: 'message', params: { shape: [INTENT_SEQUENCE_LENGTH], dtype: 'int32' } },
    { id: 'embedding', type: 'TokenAndPositionEmbedding', name: 'words_and_positions', params: { vocabularySize: INTENT_VOCAB_SIZE, sequenceLength: INTENT_SEQUENCE_LENGTH, embeddingDim: WIDTH } },
    // One encoder block, as drawn in "Attention is all you need": attention, add & normalize, feed-forward, add & normalize.
    { id: 'attention', type: 'MultiHeadAttention', name: 'self_attention', params: { numHeads: 2, keyDim: 16, dropout: 0.1 } },
    { id: 'residual1', type: 'Add', name: 'attention_residual', inputs: ['embedding', 'attention'] },
    { id: 'norm1', type: 'LayerNormalization', name: 'attention_norm' },
    { id: 'ff1', type: 'Dense', name: 'feed_forward', params: { units: 64, activation: 'relu' } },
    { id: 'ff2', type: 'Dense', name: 'feed_forward_out', params: { units: WIDTH } },
    { id: 'residual2', type: 'Add', name: 'feed_forward_residual', inputs: ['norm1', 'ff2'] },
    { id: 'norm2', type: 'LayerNormalization', name: 'block_output' },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'average_over_words' },
    { id: 'dropout', type: 'Dropout', name: 'dropout', params: { rate: 0.3 } },
    { id: 'output', type: 'Dense', name: 'intent', params: { units: 4, activation: 'softmax' } },
  ]),
  dataset: intentClassifier.dataset,
  training: {
    optimizer: { name: 'adam', learningRate: 0.002 },
    metrics: ['accuracy'],
    batchSize: 16,
    epochs: 40,
    earlyStopping: { enabled: true, patience: 8 },
  },
});
