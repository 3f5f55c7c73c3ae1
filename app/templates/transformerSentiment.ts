// Template: the built-in reviews read by a small Transformer — word and position vectors, then the
// built-in TransformerEncoder block (self-attention, add & normalize, feed-forward, add & normalize).
import { transformerEncoderBlock } from '../graph/builtinBlocks.ts';
import { SENTIMENT_SEQUENCE_LENGTH, SENTIMENT_VOCAB_SIZE, sentiment } from './sentiment.ts';
import { defineTemplate, sequential } from './types.ts';

const WIDTH = 32;

export const transformerSentiment = defineTemplate({
  id: 'transformer-sentiment',
  title: 'Sentiment with a Transformer (text, attention, block)',
  description: 'Use it to tell positive from negative reviews like the sentiment classifier does, with attention: every word looks at every other word. The encoder is one block; expand it to see or change its layers.',
  graph: sequential([
    { id: 'input', type: 'Input', name: 'review', params: { shape: [SENTIMENT_SEQUENCE_LENGTH], dtype: 'int32' } },
    { id: 'embedding', type: 'TokenAndPositionEmbedding', name: 'words_and_positions', params: { vocabularySize: SENTIMENT_VOCAB_SIZE, sequenceLength: SENTIMENT_SEQUENCE_LENGTH, embeddingDim: WIDTH } },
    { id: 'encoder', type: 'Block', name: 'encoder', block: transformerEncoderBlock({ width: WIDTH }) },
    { id: 'pool', type: 'GlobalAveragePooling1D', name: 'average_over_words' },
    { id: 'dropout', type: 'Dropout', name: 'dropout', params: { rate: 0.3 } },
    { id: 'output', type: 'Dense', name: 'is_positive', params: { units: 1, activation: 'sigmoid' } },
  ]),
  dataset: sentiment.dataset,
  training: {
    optimizer: { name: 'adam', learningRate: 0.002 },
    loss: 'binaryCrossentropy',
    metrics: ['accuracy'],
    batchSize: 32,
    epochs: 20,
    earlyStopping: { enabled: true, patience: 5 },
  },
});
