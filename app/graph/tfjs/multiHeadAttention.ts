// Keras's MultiHeadAttention as a TF.js layer (tfjs-layers has none): the same four projections with
// Keras's weight shapes, scaled dot-product attention per head, optional causal mask and attention
// dropout. Registered under Keras's class name so a saved model.json loads again.
import type * as tfTypes from '@tensorflow/tfjs';
import type { Tf } from './tf.ts';
import { attentionAxesOf, outputShapeOf } from '../layers/attention.ts';

type Tensor = tfTypes.Tensor;
type LayerVariable = tfTypes.LayerVariable;

export interface MultiHeadAttentionArgs {
  numHeads: number;
  keyDim: number;
  valueDim?: number | null;
  dropout?: number;
  useBias?: boolean;
  outputShape?: number | number[] | null;
  attentionAxes?: number | number[] | null;
  /** A Keras call argument, kept in the layer config here (TF.js calls layers without keyword tensors). */
  useCausalMask?: boolean;
  name?: string;
  trainable?: boolean;
}

const classes = new WeakMap<object, unknown>();

/** Keras's "large negative number" for masked scores in float32 (keras/layers/activation/softmax.py). */
const MASKED = -1e9;

export function multiHeadAttentionClass(tf: Tf) {
  const known = classes.get(tf.layers);
  if (known) return known as ReturnType<typeof define>;
  const cls = define(tf);
  tf.serialization.registerClass(cls);
  classes.set(tf.layers, cls);
  return cls;
}

function define(tf: Tf) {
  const shapeOf = (s: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape[] =>
    (Array.isArray(s[0]) || s[0] === undefined ? s : [s]) as tfTypes.Shape[];

  class MultiHeadAttention extends tf.layers.Layer {
    static className = 'MultiHeadAttention';
    readonly numHeads: number;
    readonly keyDim: number;
    readonly valueDim: number | null;
    readonly dropoutRate: number;
    readonly useBias: boolean;
    readonly outShape: number[] | null;
    readonly attentionAxes: number | number[] | null;
    readonly useCausalMask: boolean;
    private w: Record<string, LayerVariable | null> = {};

    constructor(args: MultiHeadAttentionArgs) {
      super(args);
      this.numHeads = args.numHeads;
      this.keyDim = args.keyDim;
      this.valueDim = args.valueDim ?? null;
      this.dropoutRate = args.dropout ?? 0;
      this.useBias = args.useBias ?? true;
      this.outShape = outputShapeOf(args.outputShape);
      this.attentionAxes = args.attentionAxes ?? null;
      this.useCausalMask = args.useCausalMask ?? false;
    }

    private get vDim(): number {
      return this.valueDim ?? this.keyDim;
    }

    override build(inputShape: tfTypes.Shape | tfTypes.Shape[]): void {
      const [q, v = q, k = v] = shapeOf(inputShape);
      const last = (s: tfTypes.Shape) => s[s.length - 1] as number;
      const h = this.numHeads;
      const glorot = tf.initializers.glorotUniform({});
      const zeros = tf.initializers.zeros();
      const out = this.outShape ?? [last(q)];
      const add = (name: string, shape: number[], bias: number[]) => {
        this.w[`${name}/kernel`] = this.addWeight(`${name}/kernel`, shape, 'float32', glorot);
        this.w[`${name}/bias`] = this.useBias ? this.addWeight(`${name}/bias`, bias, 'float32', zeros) : null;
      };
      add('query', [last(q), h, this.keyDim], [h, this.keyDim]);
      add('key', [last(k), h, this.keyDim], [h, this.keyDim]);
      add('value', [last(v), h, this.vDim], [h, this.vDim]);
      add('attention_output', [h, this.vDim, ...out], out);
      this.built = true;
    }

    override computeOutputShape(inputShape: tfTypes.Shape | tfTypes.Shape[]): tfTypes.Shape {
      const [q] = shapeOf(inputShape);
      return [...q.slice(0, -1), ...(this.outShape ?? [q[q.length - 1]])];
    }

    /** x [..., d] · kernel [d, ...rest] + bias → [..., ...rest]. */
    private project(x: Tensor, name: string): Tensor {
      const kernel = this.w[`${name}/kernel`]!.read();
      const bias = this.w[`${name}/bias`]?.read();
      const inDim = kernel.shape[0];
      const rest = kernel.shape.slice(1);
      let y = tf.matMul(tf.reshape(x, [-1, inDim]), tf.reshape(kernel, [inDim, -1]));
      if (bias) y = tf.add(y, tf.reshape(bias, [-1]));
      return tf.reshape(y, [...x.shape.slice(0, -1), ...rest]);
    }

    override call(inputs: Tensor | Tensor[], kwargs: Record<string, unknown>): Tensor {
      return tf.tidy(() => {
        const list = Array.isArray(inputs) ? inputs : [inputs];
        const [query, value = query, key = value] = list;
        const rank = query.shape.length - 1; // without the batch
        const axes = attentionAxesOf(this.attentionAxes, rank).map((a) => a + 1); // with the batch
        const others = Array.from({ length: rank - 1 }, (_, i) => i + 1).filter((a) => !axes.includes(a));
        const h = this.numHeads;
        // [B, ...positions, H, d] → [B·others·H, attended positions, d]: heads and the axes not attended over
        // become batch dimensions of one batched matmul.
        const toHeads = (x: Tensor, d: number): Tensor => {
          const t = tf.transpose(x, [0, ...others, rank, ...axes, rank + 1]);
          const steps = axes.reduce((n, a) => n * x.shape[a], 1);
          return tf.reshape(t, [-1, steps, d]);
        };
        const q = toHeads(tf.mul(this.project(query, 'query'), 1 / Math.sqrt(this.keyDim)), this.keyDim);
        const k = toHeads(this.project(key, 'key'), this.keyDim);
        const v = toHeads(this.project(value, 'value'), this.vDim);
        let scores = tf.matMul(q, k, false, true);
        if (this.useCausalMask) {
          const [tq, tk] = scores.shape.slice(1) as [number, number];
          const allowed = tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0);
          scores = tf.add(scores, tf.mul(tf.sub(1, allowed), MASKED));
        }
        let probs = tf.softmax(scores);
        if (kwargs.training === true && this.dropoutRate > 0) probs = tf.dropout(probs, this.dropoutRate);
        const attended = tf.matMul(probs, v); // [B·others·H, query positions, vDim]
        // Back to [B, ...positions, H, vDim] in the query's axis order.
        const layoutShape = [query.shape[0], ...others.map((a) => query.shape[a]), h, ...axes.map((a) => query.shape[a]), this.vDim];
        const order = [0, ...others, rank, ...axes, rank + 1];
        const inverse = order.map((_, i) => order.indexOf(i));
        const heads = tf.transpose(tf.reshape(attended, layoutShape), inverse);
        // Output projection over (heads, vDim).
        const kernel = this.w['attention_output/kernel']!.read();
        const outDims = kernel.shape.slice(2);
        let y = tf.matMul(tf.reshape(heads, [-1, h * this.vDim]), tf.reshape(kernel, [h * this.vDim, -1]));
        const bias = this.w['attention_output/bias']?.read();
        if (bias) y = tf.add(y, tf.reshape(bias, [-1]));
        return tf.reshape(y, [...query.shape.slice(0, -1), ...outDims]);
      });
    }

    override getConfig(): tfTypes.serialization.ConfigDict {
      return {
        ...super.getConfig(),
        numHeads: this.numHeads,
        keyDim: this.keyDim,
        valueDim: this.valueDim,
        dropout: this.dropoutRate,
        useBias: this.useBias,
        outputShape: this.outShape,
        attentionAxes: this.attentionAxes,
        useCausalMask: this.useCausalMask,
      };
    }
  }
  return MultiHeadAttention;
}
