// TF.js source of the catalog layers tf.layers lacks, written into a generated JavaScript/TypeScript
// program when its model uses them: Keras's MultiHeadAttention and keras_hub's position embeddings.
// They compute what app/graph/tfjs/ computes, with the same weight names and shapes and the same class
// names, so a model the program saves loads in the studio and the studio's saved models load here.
import type { JsContext } from './javascriptData.ts';

/** Layer types the generated program defines itself, created with `new Type({...})`. */
export const programDefinedJsLayers: ReadonlySet<string> = new Set(['Subtract', 'MultiHeadAttention', 'PositionEmbedding', 'TokenAndPositionEmbedding']);

function subtract(ctx: JsContext): string[] {
  return [
    'class Subtract extends tf.layers.Layer {',
    "  static className = 'Subtract';",
    `  computeOutputShape(shapes${ctx.ty(': tf.Shape[]')})${ctx.ty(': tf.Shape')} {`,
    '    return shapes[0].map((d, i) => (d === null || shapes[1][i] === null ? null : d === 1 ? shapes[1][i] : d));',
    '  }',
    `  call(inputs${ctx.ty(': tf.Tensor[]')})${ctx.ty(': tf.Tensor')} {`,
    '    return tf.sub(inputs[0], inputs[1]);',
    '  }',
    '}',
    'tf.serialization.registerClass(Subtract);',
  ];
}

function multiHeadAttention(ctx: JsContext): string[] {
  const t = ctx.ty;
  return [
    ...(ctx.typed ? [
      'interface AttentionArgs {',
      '  numHeads: number; keyDim: number; valueDim?: number | null; dropout?: number; useBias?: boolean;',
      '  outputShape?: number | number[] | null; attentionAxes?: number | number[] | null; useCausalMask?: boolean; name?: string;',
      '}',
    ] : []),
    'class MultiHeadAttention extends tf.layers.Layer {',
    "  static className = 'MultiHeadAttention';",
    ...(ctx.typed ? ['  args: Required<Omit<AttentionArgs, \'name\'>>;', '  w: Record<string, tf.LayerVariable | null> = {};'] : []),
    `  constructor(args${t(': AttentionArgs')}) {`,
    '    super(args);',
    '    this.args = { valueDim: null, dropout: 0, useBias: true, outputShape: null, attentionAxes: null, useCausalMask: false, ...args };',
    ...(ctx.typed ? [] : ['    this.w = {};']),
    '  }',
    `  shapes(s${t(': tf.Shape | tf.Shape[]')})${t(': tf.Shape[]')} {`,
    `    return (Array.isArray(s[0]) ? s : [s])${t(' as tf.Shape[]')};`,
    '  }',
    `  build(inputShape${t(': tf.Shape | tf.Shape[]')}) {`,
    '    const [q, v = q, k = v] = this.shapes(inputShape);',
    `    const last = (s${t(': tf.Shape')}) => s[s.length - 1]${t(' as number')};`,
    '    const { numHeads: h, keyDim, useBias } = this.args;',
    '    const valueDim = this.args.valueDim ?? keyDim;',
    '    const out = this.args.outputShape === null ? [last(q)] : [this.args.outputShape].flat();',
    `    const add = (name${t(': string')}, shape${t(': number[]')}, bias${t(': number[]')}) => {`,
    "      this.w[`${name}/kernel`] = this.addWeight(`${name}/kernel`, shape, 'float32', tf.initializers.glorotUniform({}));",
    "      this.w[`${name}/bias`] = useBias ? this.addWeight(`${name}/bias`, bias, 'float32', tf.initializers.zeros()) : null;",
    '    };',
    "    add('query', [last(q), h, keyDim], [h, keyDim]);",
    "    add('key', [last(k), h, keyDim], [h, keyDim]);",
    "    add('value', [last(v), h, valueDim], [h, valueDim]);",
    "    add('attention_output', [h, valueDim, ...out], out);",
    '    this.built = true;',
    '  }',
    `  computeOutputShape(inputShape${t(': tf.Shape | tf.Shape[]')})${t(': tf.Shape')} {`,
    '    const [q] = this.shapes(inputShape);',
    '    return [...q.slice(0, -1), ...(this.args.outputShape === null ? [q[q.length - 1]] : [this.args.outputShape].flat())];',
    '  }',
    '  // x [..., d] times kernel [d..., rest...] (+ bias) gives [..., rest...]; `inAxes` kernel axes make up d.',
    `  project(x${t(': tf.Tensor')}, name${t(': string')}, inAxes = 1)${t(': tf.Tensor')} {`,
    `    const kernel = this.w[\`\${name}/kernel\`]${t('!')}.read();`,
    '    const inDim = kernel.shape.slice(0, inAxes).reduce((a, b) => a * b, 1);',
    '    let y = tf.matMul(tf.reshape(x, [-1, inDim]), tf.reshape(kernel, [inDim, -1]));',
    '    const bias = this.w[`${name}/bias`];',
    '    if (bias) y = tf.add(y, tf.reshape(bias.read(), [-1]));',
    '    return tf.reshape(y, [...x.shape.slice(0, x.shape.length - (inAxes === 1 ? 1 : 2)), ...kernel.shape.slice(inAxes)]);',
    '  }',
    `  call(inputs${t(': tf.Tensor | tf.Tensor[]')}, kwargs${t(': { training?: boolean }')})${t(': tf.Tensor')} {`,
    '    return tf.tidy(() => {',
    '      const [query, value = query, key = value] = Array.isArray(inputs) ? inputs : [inputs];',
    '      const { numHeads: h, keyDim, attentionAxes } = this.args;',
    '      const valueDim = this.args.valueDim ?? keyDim;',
    '      const rank = query.shape.length - 1; // positions and features, without the batch',
    '      // Heads and the axes not attended over become batch dimensions of one batched matmul.',
    '      const axes = attentionAxes === null ? Array.from({ length: rank - 1 }, (_, i) => i + 1) : [attentionAxes].flat();',
    '      const others = Array.from({ length: rank - 1 }, (_, i) => i + 1).filter((a) => !axes.includes(a));',
    '      const order = [0, ...others, rank, ...axes, rank + 1];',
    `      const toHeads = (x${t(': tf.Tensor')}, d${t(': number')}) => tf.reshape(tf.transpose(x, order), [-1, axes.reduce((n, a) => n * x.shape[a], 1), d]);`,
    "      const q = toHeads(tf.mul(this.project(query, 'query'), 1 / Math.sqrt(keyDim)), keyDim);",
    "      const k = toHeads(this.project(key, 'key'), keyDim);",
    "      const v = toHeads(this.project(value, 'value'), valueDim);",
    `      let scores${t(': tf.Tensor')} = tf.matMul(q, k, false, true);`,
    '      if (this.args.useCausalMask) {',
    '        // Each position sees itself and the ones before it: later scores get -1e9 (Keras\'s masked softmax).',
    `        const [, tq, tk] = scores.shape${t(' as number[]')};`,
    '        const allowed = tf.linalg.bandPart(tf.ones([tq, tk]), -1, 0);',
    '        scores = tf.add(scores, tf.mul(tf.sub(1, allowed), -1e9));',
    '      }',
    '      let probs = tf.softmax(scores);',
    '      if (kwargs.training === true && this.args.dropout > 0) probs = tf.dropout(probs, this.args.dropout);',
    '      const layout = [query.shape[0], ...others.map((a) => query.shape[a]), h, ...axes.map((a) => query.shape[a]), valueDim];',
    '      const heads = tf.transpose(tf.reshape(tf.matMul(probs, v), layout), order.map((_, i) => order.indexOf(i)));',
    "      return this.project(heads, 'attention_output', 2);",
    '    });',
    '  }',
    `  getConfig()${t(': tf.serialization.ConfigDict')} {`,
    `    return { ...super.getConfig(), ...this.args${t(' as unknown as tf.serialization.ConfigDict')} };`,
    '  }',
    '}',
    'tf.serialization.registerClass(MultiHeadAttention);',
  ];
}

function positionEmbeddings(ctx: JsContext, token: boolean): string[] {
  const t = ctx.ty;
  const position = [
    '// keras_hub\'s SinePositionEncoding: sin on even features, cos on odd ones, wavelengths up to 10000 positions.',
    `function sineEncoding(steps${t(': number')}, dim${t(': number')})${t(': tf.Tensor2D')} {`,
    '  const values = new Float32Array(steps * dim);',
    '  for (let p = 0; p < steps; p++) {',
    '    for (let i = 0; i < dim; i++) {',
    '      const angle = p / 10000 ** ((2 * Math.floor(i / 2)) / dim);',
    '      values[p * dim + i] = i % 2 === 0 ? Math.sin(angle) : Math.cos(angle);',
    '    }',
    '  }',
    '  return tf.tensor2d(values, [steps, dim]);',
    '}',
    '',
    ...(ctx.typed ? ["type PositionArgs = { sequenceLength: number; positionEncoding?: 'learned' | 'sinusoidal'; name?: string };"] : []),
    'class PositionEmbedding extends tf.layers.Layer {',
    "  static className = 'PositionEmbedding';",
    ...(ctx.typed ? ['  args: Required<Omit<PositionArgs, \'name\'>>;', '  table: tf.LayerVariable | null = null;'] : []),
    `  constructor(args${t(': PositionArgs')}) {`,
    '    super(args);',
    "    this.args = { positionEncoding: 'learned', ...args };",
    ...(ctx.typed ? [] : ['    this.table = null;']),
    '  }',
    `  build(inputShape${t(': tf.Shape | tf.Shape[]')}) {`,
    `    const shape = inputShape${t(' as tf.Shape')};`,
    "    if (this.args.positionEncoding === 'learned') {",
    `      this.table = this.addWeight('embeddings', [this.args.sequenceLength, shape[shape.length - 1]${t(' as number')}], 'float32', tf.initializers.glorotUniform({}));`,
    '    }',
    '    this.built = true;',
    '  }',
    `  computeOutputShape(inputShape${t(': tf.Shape | tf.Shape[]')})${t(': tf.Shape')} {`,
    `    return (inputShape${t(' as tf.Shape')}).slice();`,
    '  }',
    `  call(inputs${t(': tf.Tensor | tf.Tensor[]')})${t(': tf.Tensor')} {`,
    '    return tf.tidy(() => {',
    '      const x = Array.isArray(inputs) ? inputs[0] : inputs;',
    '      const [steps, dim] = x.shape.slice(-2);',
    '      return tf.broadcastTo(this.table ? tf.slice(this.table.read(), [0, 0], [steps, -1]) : sineEncoding(steps, dim), x.shape);',
    '    });',
    '  }',
    `  getConfig()${t(': tf.serialization.ConfigDict')} {`,
    `    return { ...super.getConfig(), ...this.args${t(' as unknown as tf.serialization.ConfigDict')} };`,
    '  }',
    '}',
    'tf.serialization.registerClass(PositionEmbedding);',
  ];
  if (!token) return position;
  return [
    ...position,
    '',
    ...(ctx.typed ? ["type TokenArgs = { vocabularySize: number; sequenceLength: number; embeddingDim: number; positionEncoding?: 'learned' | 'sinusoidal'; name?: string };"] : []),
    'class TokenAndPositionEmbedding extends tf.layers.Layer {',
    "  static className = 'TokenAndPositionEmbedding';",
    ...(ctx.typed ? ['  args: Required<Omit<TokenArgs, \'name\'>>;', '  tokens: tf.LayerVariable | null = null;', '  positions: tf.LayerVariable | null = null;'] : []),
    `  constructor(args${t(': TokenArgs')}) {`,
    '    super(args);',
    "    this.args = { positionEncoding: 'learned', ...args };",
    ...(ctx.typed ? [] : ['    this.tokens = null;', '    this.positions = null;']),
    '  }',
    '  build() {',
    '    const { vocabularySize, sequenceLength, embeddingDim } = this.args;',
    "    this.tokens = this.addWeight('token_embedding/embeddings', [vocabularySize, embeddingDim], 'float32', tf.initializers.randomUniform({ minval: -0.05, maxval: 0.05 }));",
    "    if (this.args.positionEncoding === 'learned') {",
    "      this.positions = this.addWeight('position_embedding/embeddings', [sequenceLength, embeddingDim], 'float32', tf.initializers.glorotUniform({}));",
    '    }',
    '    this.built = true;',
    '  }',
    `  computeOutputShape(inputShape${t(': tf.Shape | tf.Shape[]')})${t(': tf.Shape')} {`,
    `    return [...(inputShape${t(' as tf.Shape')}), this.args.embeddingDim];`,
    '  }',
    `  call(inputs${t(': tf.Tensor | tf.Tensor[]')})${t(': tf.Tensor')} {`,
    '    return tf.tidy(() => {',
    "      const ids = tf.cast(Array.isArray(inputs) ? inputs[0] : inputs, 'int32');",
    '      const [batch, steps] = ids.shape;',
    '      const dim = this.args.embeddingDim;',
    `      const words = tf.reshape(tf.gather(this.tokens${t('!')}.read(), tf.reshape(ids, [-1])), [batch, steps, dim]);`,
    '      return tf.add(words, this.positions ? tf.slice(this.positions.read(), [0, 0], [steps, -1]) : sineEncoding(steps, dim));',
    '    });',
    '  }',
    `  getConfig()${t(': tf.serialization.ConfigDict')} {`,
    `    return { ...super.getConfig(), ...this.args${t(' as unknown as tf.serialization.ConfigDict')} };`,
    '  }',
    '}',
    'tf.serialization.registerClass(TokenAndPositionEmbedding);',
  ];
}

/** The class definitions a program whose model uses these layer types needs, one block each, with its comment. */
export function jsLayerDefinitions(types: ReadonlySet<string>, ctx: JsContext): [string, string[]][] {
  const out: [string, string[]][] = [];
  if (types.has('Subtract')) out.push(["TF.js has no Subtract layer; this one computes a - b like Keras's (registered so the saved model loads again).", subtract(ctx)]);
  if (types.has('MultiHeadAttention')) {
    out.push(["TF.js has no MultiHeadAttention layer; this one is Keras's (same weights, same computation), registered so the saved model loads again.", multiHeadAttention(ctx)]);
  }
  if (types.has('PositionEmbedding') || types.has('TokenAndPositionEmbedding')) {
    out.push(["keras_hub's position layers, which TF.js lacks: learned or sine-wave position vectors (and word vectors plus positions).", positionEmbeddings(ctx, types.has('TokenAndPositionEmbedding'))]);
  }
  return out;
}
