// Keras code for the catalog layers Keras itself does not ship: keras_hub's PositionEmbedding and
// TokenAndPositionEmbedding (both with SinePositionEncoding's waves as an option), written into the generated
// script so it needs nothing beyond Keras 3. MultiHeadAttention is Keras's own and is only called here.
import type { LayerStep } from './plan.ts';

/** Layer types the generated Keras script defines itself, called by their bare class name. */
export const scriptDefinedKerasLayers: ReadonlySet<string> = new Set(['PositionEmbedding', 'TokenAndPositionEmbedding']);

const sineEncoding = [
  'def sine_position_encoding(inputs, max_wavelength=10000.0):',
  '    """Fixed sine/cosine position waves, as keras_hub.layers.SinePositionEncoding."""',
  '    steps, dim = keras.ops.shape(inputs)[-2], keras.ops.shape(inputs)[-1]',
  '    positions = keras.ops.cast(keras.ops.arange(steps), "float32")',
  '    features = keras.ops.arange(dim)',
  '    timescales = keras.ops.power(1.0 / max_wavelength, keras.ops.cast(2 * (features // 2), "float32") / keras.ops.cast(dim, "float32"))',
  '    angles = keras.ops.expand_dims(positions, 1) * keras.ops.expand_dims(timescales, 0)',
  '    cos_mask = keras.ops.cast(features % 2, "float32")',
  '    return keras.ops.sin(angles) * (1 - cos_mask) + keras.ops.cos(angles) * cos_mask',
];

const positionEmbedding = [
  '@keras.saving.register_keras_serializable(package="modelwright")',
  'class PositionEmbedding(layers.Layer):',
  '    """Position vectors, as keras_hub.layers.PositionEmbedding (learned, one per position of the input),',
  '    or keras_hub.layers.SinePositionEncoding\'s fixed waves with position_encoding="sinusoidal"."""',
  '',
  '    def __init__(self, sequence_length, position_encoding="learned", **kwargs):',
  '        super().__init__(**kwargs)',
  '        self.sequence_length = sequence_length',
  '        self.position_encoding = position_encoding',
  '',
  '    def build(self, input_shape):',
  '        if self.position_encoding == "learned":',
  '            self.embeddings = self.add_weight(name="embeddings", shape=(self.sequence_length, input_shape[-1]), initializer="glorot_uniform")',
  '',
  '    def call(self, inputs):',
  '        if self.position_encoding != "learned":',
  '            return keras.ops.broadcast_to(sine_position_encoding(inputs), keras.ops.shape(inputs))',
  '        steps = keras.ops.shape(inputs)[-2]',
  '        return keras.ops.broadcast_to(self.embeddings[:steps], keras.ops.shape(inputs))',
  '',
  '    def get_config(self):',
  '        return {**super().get_config(), "sequence_length": self.sequence_length, "position_encoding": self.position_encoding}',
];

const tokenAndPosition = [
  '@keras.saving.register_keras_serializable(package="modelwright")',
  'class TokenAndPositionEmbedding(layers.Layer):',
  '    """Word vectors plus position vectors, as keras_hub.layers.TokenAndPositionEmbedding (or fixed sine waves)."""',
  '',
  '    def __init__(self, vocabulary_size, sequence_length, embedding_dim, position_encoding="learned", **kwargs):',
  '        super().__init__(**kwargs)',
  '        self.vocabulary_size, self.sequence_length, self.embedding_dim = vocabulary_size, sequence_length, embedding_dim',
  '        self.position_encoding = position_encoding',
  '        self.token_embedding = layers.Embedding(vocabulary_size, embedding_dim, name="token_embedding")',
  '        self.position_embedding = PositionEmbedding(sequence_length, name="position_embedding") if position_encoding == "learned" else None',
  '',
  '    def call(self, inputs):',
  '        words = self.token_embedding(inputs)',
  '        if self.position_embedding is None:',
  '            return words + sine_position_encoding(words)',
  '        return words + self.position_embedding(words)',
  '',
  '    def get_config(self):',
  '        return {**super().get_config(), "vocabulary_size": self.vocabulary_size, "sequence_length": self.sequence_length,',
  '                "embedding_dim": self.embedding_dim, "position_encoding": self.position_encoding}',
];

/** The class definitions a script with these layer types needs, in dependency order; empty when none. */
export function kerasLayerDefinitions(types: ReadonlySet<string>): string[][] {
  const out: string[][] = [];
  if (types.has('PositionEmbedding') || types.has('TokenAndPositionEmbedding')) out.push(sineEncoding, positionEmbedding);
  if (types.has('TokenAndPositionEmbedding')) out.push(tokenAndPosition);
  return out;
}

/**
 * How a layer is called on its inputs: Keras's MultiHeadAttention takes (query, value, key) as separate
 * arguments and the causal mask as a call argument; merges take one list; everything else one tensor.
 */
export function kerasCallArguments(step: LayerStep, inputs: string[]): string {
  if (step.def.type === 'MultiHeadAttention') {
    const [query, value = query, key] = inputs;
    return [query, value, ...(key ? [key] : []), ...(step.params.useCausalMask ? ['use_causal_mask=True'] : [])].join(', ');
  }
  return inputs.length === 1 ? inputs[0] : `[${inputs.join(', ')}]`;
}

/** Parameters that are arguments of a layer's call in Keras, not of its constructor. */
export function isCallArgument(type: string, param: string): boolean {
  return type === 'MultiHeadAttention' && param === 'useCausalMask';
}
