// keras_hub's PositionEmbedding and TokenAndPositionEmbedding as TF.js layers (tfjs-layers has
// neither), with SinePositionEncoding's fixed waves as the other option of both.
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from './tf.ts';

type Tensor = tfTypes.Tensor;

const classes = new WeakMap<object, ReturnType<typeof define>>();

export function positionLayerClasses(tf: Tf) {
  const known = classes.get(tf.layers);
  if (known) return known;
  const defined = define(tf);
  tf.serialization.registerClass(defined.PositionEmbedding);
  tf.serialization.registerClass(defined.TokenAndPositionEmbedding);
  classes.set(tf.layers, defined);
  return defined;
}

/**
 * keras_hub SinePositionEncoding: position p, feature i gets sin(p / w^(2⌊i/2⌋/d)) for even i and the
 * cosine for odd i, w being the longest wavelength. Computed as constants (there is nothing to learn).
 */
export function sineEncoding(steps: number, dim: number, maxWavelength = 10000): Float32Array {
  const out = new Float32Array(steps * dim);
  for (let p = 0; p < steps; p++) {
    for (let i = 0; i < dim; i++) {
      const angle = p / maxWavelength ** ((2 * Math.floor(i / 2)) / dim);
      out[p * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);
    }
  }
  return out;
}

type PositionEncoding = 'learned' | 'sinusoidal';

function define(tf: Tf) {
  /** The first `steps` rows of the learned [sequenceLength, dim] table, or the sine waves when there is none. */
  const positionTable = (table: tfTypes.LayerVariable | null, steps: number, dim: number): Tensor =>
    table ? tf.slice(table.read(), [0, 0], [steps, -1]) : tf.tensor2d(sineEncoding(steps, dim), [steps, dim]);

  class PositionEmbedding extends tf.layers.Layer {
    static className = 'PositionEmbedding';
    readonly sequenceLength: number;
    readonly positionEncoding: PositionEncoding;
    private table: tfTypes.LayerVariable | null = null;
    constructor(args: { sequenceLength: number; positionEncoding?: PositionEncoding; name?: string; trainable?: boolean }) {
      super(args);
      this.sequenceLength = args.sequenceLength;
      this.positionEncoding = args.positionEncoding ?? 'learned';
    }
    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      const shape = inputShape as tfTypes.Shape;
      if (this.positionEncoding === 'learned') {
        this.table = this.addWeight('embeddings', [this.sequenceLength, shape[shape.length - 1] as number], 'float32', tf.initializers.glorotUniform({}));
      }
      this.built = true;
    }
    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
      return (inputShape as tfTypes.Shape).slice();
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const [steps, dim] = x.shape.slice(-2);
        return tf.broadcastTo(positionTable(this.table, steps, dim), x.shape);
      });
    }
    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), sequenceLength: this.sequenceLength, positionEncoding: this.positionEncoding };
    }
  }

  class TokenAndPositionEmbedding extends tf.layers.Layer {
    static className = 'TokenAndPositionEmbedding';
    readonly vocabularySize: number;
    readonly sequenceLength: number;
    readonly embeddingDim: number;
    readonly positionEncoding: PositionEncoding;
    private tokens: tfTypes.LayerVariable | null = null;
    private positions: tfTypes.LayerVariable | null = null;
    constructor(args: { vocabularySize: number; sequenceLength: number; embeddingDim: number; positionEncoding?: PositionEncoding; name?: string; trainable?: boolean }) {
      super(args);
      this.vocabularySize = args.vocabularySize;
      this.sequenceLength = args.sequenceLength;
      this.embeddingDim = args.embeddingDim;
      this.positionEncoding = args.positionEncoding ?? 'learned';
    }
    override build(): void {
      // keras_hub's initializers: uniform token vectors as Keras's Embedding, glorot for positions.
      this.tokens = this.addWeight('token_embedding/embeddings', [this.vocabularySize, this.embeddingDim], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }));
      if (this.positionEncoding === 'learned') {
        this.positions = this.addWeight('position_embedding/embeddings', [this.sequenceLength, this.embeddingDim], 'float32', tf.initializers.glorotUniform({}));
      }
      this.built = true;
    }
    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
      return [...(inputShape as tfTypes.Shape), this.embeddingDim];
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const ids = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, 'int32');
        const [batch, steps] = ids.shape as [number, number];
        const words = tf.reshape(tf.gather(this.tokens!.read(), tf.reshape(ids, [-1])), [batch, steps, this.embeddingDim]);
        return tf.add(words, positionTable(this.positions, steps, this.embeddingDim));
      });
    }
    override getConfig(): tfTypes.serialization.ConfigDict {
      return {
        ...super.getConfig(),
        vocabularySize: this.vocabularySize,
        sequenceLength: this.sequenceLength,
        embeddingDim: this.embeddingDim,
        positionEncoding: this.positionEncoding,
      };
    }
  }

  return { PositionEmbedding, TokenAndPositionEmbedding };
}
