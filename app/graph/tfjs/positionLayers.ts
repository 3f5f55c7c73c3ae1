// keras_hub's PositionEmbedding and TokenAndPositionEmbedding as TF.js layers (tfjs-layers has
// neither), with SinePositionEncoding's fixed waves as TokenAndPositionEmbedding's other option.
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

function define(tf: Tf) {
  /** The first `steps` rows of a [sequenceLength, dim] table, broadcast over the batch. */
  const firstRows = (table: Tensor, steps: number): Tensor => tf.slice(table, [0, 0], [steps, -1]);

  class PositionEmbedding extends tf.layers.Layer {
    static className = 'PositionEmbedding';
    readonly sequenceLength: number;
    private table: tfTypes.LayerVariable | null = null;
    constructor(args: { sequenceLength: number; name?: string; trainable?: boolean }) {
      super(args);
      this.sequenceLength = args.sequenceLength;
    }
    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      const shape = inputShape as tfTypes.Shape;
      this.table = this.addWeight('embeddings', [this.sequenceLength, shape[shape.length - 1] as number], 'float32', tf.initializers.glorotUniform({}));
      this.built = true;
    }
    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
      return (inputShape as tfTypes.Shape).slice();
    }
    override call(inputs: Tensor | Tensor[]): Tensor {
      return tf.tidy(() => {
        const x = Array.isArray(inputs) ? inputs[0] : inputs;
        const steps = x.shape[x.shape.length - 2];
        return tf.broadcastTo(firstRows(this.table!.read(), steps), x.shape);
      });
    }
    override getConfig(): tfTypes.serialization.ConfigDict {
      return { ...super.getConfig(), sequenceLength: this.sequenceLength };
    }
  }

  class TokenAndPositionEmbedding extends tf.layers.Layer {
    static className = 'TokenAndPositionEmbedding';
    readonly vocabularySize: number;
    readonly sequenceLength: number;
    readonly embeddingDim: number;
    readonly positionEncoding: 'learned' | 'sinusoidal';
    private tokens: tfTypes.LayerVariable | null = null;
    private positions: tfTypes.LayerVariable | null = null;
    constructor(args: { vocabularySize: number; sequenceLength: number; embeddingDim: number; positionEncoding?: 'learned' | 'sinusoidal'; name?: string; trainable?: boolean }) {
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
        const table = this.positions
          ? firstRows(this.positions.read(), steps)
          : tf.tensor2d(sineEncoding(steps, this.embeddingDim), [steps, this.embeddingDim]);
        return tf.add(words, table);
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
