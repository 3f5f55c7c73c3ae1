// Each catalog layer as PyTorch: the module built in the model's __init__ (if any) and the expression
// its forward() evaluates. Tensors keep Keras's channels-last layout throughout, so Flatten, Reshape,
// Concatenate and Dense mean what they mean in the studio; layers PyTorch computes channels-first are
// wrapped (ChannelsFirst), and TensorFlow's "same" padding is computed, not approximated.
import { attentionAxesOf, outputShapeOf } from '../graph/layers/attention.ts';
import type { ParamValue } from '../graph/types.ts';
import { numberLiteral, pythonString, valueLiteral } from './literals.ts';
import { CodegenError, wrappedLayer, type LayerStep } from './plan.ts';
import type { HelperName } from './pytorchHelpers.ts';

export interface TorchLayer {
  /** The module assigned to `self.<name>` in __init__, or null for layers computed inline. */
  module: string | null;
  /** The forward expression, from the input variables, the module (`self.<name>`) and the incoming padding mask. */
  call(inputs: string[], self: string, mask: string | null): string;
  helpers: HelperName[];
  /**
   * Padding masks (Embedding with maskZero) reach recurrent layers through layers that keep the steps:
   * `create` starts one, `pass` hands the input's on, `consume` uses it, anything else drops it.
   */
  mask?: 'create' | 'pass' | 'consume';
}

/** What a layer needs to know about its surroundings: the shapes coming in. */
export interface LayerContext {
  /** Input shapes without the batch dimension, in slot order. */
  inputShapes: (number | null)[][];
}

const py = (v: unknown) => valueLiteral(v, 'python', true);

function tuple(value: ParamValue, n: number): number[] {
  return typeof value === 'number' ? new Array<number>(n).fill(value) : (value as number[]).slice(0, n);
}

function known(value: number | null, what: string, step: LayerStep): number {
  if (value === null) throw new CodegenError(`the PyTorch export needs to know ${what} of layer "${step.layer.name}", but it varies; give the Input layer a fixed shape`);
  return value;
}

/** An activation applied to an expression, or the function itself (for recurrent layers). */
export function activation(name: string, x: string): { expr: string; helpers: HelperName[] } {
  switch (name) {
    case 'linear': return { expr: x, helpers: [] };
    case 'softmax': return { expr: `torch.softmax(${x}, dim=-1)`, helpers: [] };
    case 'hardSigmoid': return { expr: `hard_sigmoid(${x})`, helpers: ['hardSigmoid'] };
    default: return { expr: `${activationFunction(name)}(${x})`, helpers: [] };
  }
}

const activationFunctions: Record<string, string> = {
  linear: 'identity', relu: 'torch.relu', relu6: 'F.relu6', sigmoid: 'torch.sigmoid', hardSigmoid: 'hard_sigmoid',
  tanh: 'torch.tanh', elu: 'F.elu', selu: 'torch.selu', softplus: 'F.softplus', softsign: 'F.softsign', swish: 'F.silu',
  mish: 'F.mish', gelu: 'F.gelu',
};

function activationFunction(name: string): string {
  const fn = activationFunctions[name];
  if (!fn) throw new CodegenError(`the PyTorch export has no "${name}" activation inside a recurrent layer`);
  return fn;
}

/** The position modules' last argument: nothing for learned tables, `learned=False` for the fixed sine waves. */
const learnedPositions = (p: Record<string, ParamValue>): string => (p.positionEncoding === 'sinusoidal' ? ', learned=False' : '');

const inline = (call: TorchLayer['call'], extra: Partial<TorchLayer> = {}): TorchLayer => ({ module: null, call, helpers: [], ...extra });
const withModule = (module: string, helpers: HelperName[] = [], extra: Partial<TorchLayer> = {}): TorchLayer =>
  ({ module, call: (ins, self) => `${self}(${ins[0]})`, helpers, ...extra });

/** A module followed by the layer's activation (Dense, the convolutions). */
function activated(step: LayerStep, module: string, helpers: HelperName[]): TorchLayer {
  const act = String(step.params.activation ?? 'linear');
  const probe = activation(act, 'x');
  return {
    module,
    call: (ins, self) => activation(act, `${self}(${ins[0]})`).expr,
    helpers: [...helpers, ...probe.helpers],
    ...(step.def.type === 'Dense' ? { mask: 'pass' as const } : {}),
  };
}

function recurrentModule(type: string, params: Record<string, ParamValue>, features: number, goBackwards: boolean): { expr: string; helpers: HelperName[] } {
  const args = [pythonString(type), String(features), String(params.units)];
  const helpers: HelperName[] = ['recurrent'];
  if (params.activation !== 'tanh') args.push(`activation=${activationFunction(String(params.activation))}`);
  if (type !== 'SimpleRNN') args.push(`recurrent_activation=${activationFunction(String(params.recurrentActivation))}`);
  if (params.activation === 'linear' || params.recurrentActivation === 'linear') helpers.push('identity');
  if (params.returnSequences) args.push('return_sequences=True');
  if (goBackwards) args.push('go_backwards=True');
  if (params.useBias === false) args.push('use_bias=False');
  if (type === 'LSTM' && params.unitForgetBias) args.push('unit_forget_bias=True');
  if (Number(params.dropout) > 0) args.push(`dropout=${numberLiteral(Number(params.dropout))}`);
  if (Number(params.recurrentDropout) > 0) args.push(`recurrent_dropout=${numberLiteral(Number(params.recurrentDropout))}`);
  return { expr: `Recurrent(${args.join(', ')})`, helpers };
}

const recurrentCall: TorchLayer['call'] = (ins, self, mask) => `${self}(${ins[0]}${mask ? `, ${mask}` : ''})`;

/** Conv1D / Conv2D / SeparableConv2D / DepthwiseConv2D / pooling, channels-first inside ChannelsFirst. */
function windowed(step: LayerStep, layers: string[], kernel: number[], strides: number[], dilation: number[], padValue?: string): string {
  const same = step.params.padding === 'same' ? `, same=(${py(kernel)}, ${py(strides)}, ${py(dilation)})` : '';
  const pad = same && padValue ? `, pad_value=${padValue}` : '';
  return `ChannelsFirst(${layers.join(', ')}${same}${pad})`;
}

/** The PyTorch form of one layer; throws CodegenError for what it cannot express. */
export function torchLayer(step: LayerStep, ctx: LayerContext): TorchLayer {
  const p = step.params;
  const type = step.def.type;
  const x = ctx.inputShapes[0] ?? [];
  const last = () => known(x[x.length - 1] ?? null, 'the size of the last dimension of the input', step);
  const bias = p.useBias === false ? ', bias=False' : '';
  const init = (module: string, kernel = String(p.kernelInitializer ?? 'glorotUniform')) => `init_layer(${module}, ${pythonString(kernel)})`;
  switch (type) {
    case 'Dense':
      return activated(step, init(`nn.Linear(${last()}, ${p.units}${bias})`), ['initialize']);
    case 'Activation': {
      const act = activation(String(p.activation), 'x');
      return inline((ins) => activation(String(p.activation), ins[0]).expr, { helpers: act.helpers, mask: 'pass' });
    }
    case 'Rescaling':
      return inline((ins) => `(${ins[0]} * ${numberLiteral(Number(p.scale))} + ${numberLiteral(Number(p.offset ?? 0))})`, { mask: 'pass' });
    case 'LeakyReLU':
      return inline((ins) => `F.leaky_relu(${ins[0]}, negative_slope=${numberLiteral(Number(p.alpha))})`, { mask: 'pass' });
    case 'Embedding':
      return {
        // init_layer gives embeddings TF.js's uniform ±0.05 (the layer has no initializer setting).
        module: `init_layer(nn.Embedding(${p.inputDim}, ${p.outputDim}))`,
        call: (ins, self) => `${self}(${ins[0]}.long())`,
        helpers: ['initialize'],
        ...(p.maskZero ? { mask: 'create' as const } : {}),
      };
    case 'Conv1D':
    case 'Conv2D': {
      const rank = type === 'Conv1D' ? 1 : 2;
      const k = tuple(p.kernelSize, rank);
      const s = tuple(p.strides, rank);
      const d = tuple(p.dilationRate, rank);
      const conv = `nn.Conv${rank}d(${last()}, ${p.filters}, ${py(k)}, stride=${py(s)}, dilation=${py(d)}${bias})`;
      return activated(step, init(windowed(step, [conv], k, s, d)), ['initialize', 'channelsFirst']);
    }
    case 'SeparableConv2D':
    case 'DepthwiseConv2D': {
      const c = last();
      const k = tuple(p.kernelSize, 2);
      const s = tuple(p.strides, 2);
      const d = type === 'SeparableConv2D' ? tuple(p.dilationRate, 2) : [1, 1];
      const dm = Number(p.depthMultiplier);
      const depthwise = `nn.Conv2d(${c}, ${c * dm}, ${py(k)}, stride=${py(s)}, dilation=${py(d)}, groups=${c}${type === 'SeparableConv2D' ? ', bias=False' : bias})`;
      const layers = type === 'SeparableConv2D' ? [depthwise, `nn.Conv2d(${c * dm}, ${p.filters}, 1${bias})`] : [depthwise];
      return activated(step, init(windowed(step, layers, k, s, d)), ['initialize', 'channelsFirst']);
    }
    case 'Conv2DTranspose': {
      const k = tuple(p.kernelSize, 2);
      const s = tuple(p.strides, 2);
      const same = p.padding === 'same';
      // PyTorch's output is (in - 1) * s + k - 2 * padding + output_padding; TensorFlow's is in * s ("same")
      // or in * s + max(k - s, 0) ("valid"), and "same" drops its odd extra row at the end.
      const padding = k.map((kk, i) => (same ? Math.floor(Math.max(kk - s[i], 0) / 2) : 0));
      const outputPadding = k.map((kk, i) => Math.max(s[i] - kk, 0));
      const crop = k.map((kk, i) => (same ? Math.max(kk - s[i], 0) % 2 : 0));
      const layers = [`nn.ConvTranspose2d(${last()}, ${p.filters}, ${py(k)}, stride=${py(s)}, padding=${py(padding)}, output_padding=${py(outputPadding)}${bias})`];
      if (crop.some((v) => v > 0)) layers.push(`CropEnd(${crop[0]}, ${crop[1]})`);
      return activated(step, init(`ChannelsFirst(${layers.join(', ')})`), ['initialize', 'channelsFirst', ...(crop.some((v) => v > 0) ? ['cropEnd' as const] : [])]);
    }
    case 'MaxPooling1D':
    case 'MaxPooling2D':
    case 'AveragePooling1D':
    case 'AveragePooling2D': {
      const rank = type.endsWith('1D') ? 1 : 2;
      const k = tuple(p.poolSize, rank);
      const s = p.strides === null ? k : tuple(p.strides, rank);
      const max = type.startsWith('Max');
      if (!max && p.padding === 'same') return withModule(`ChannelsFirst(AveragePoolSame(${py(k)}, ${py(s)}))`, ['channelsFirst', 'averagePoolSame']);
      const pool = `nn.${max ? 'Max' : 'Avg'}Pool${rank}d(${py(k)}, stride=${py(s)})`;
      return withModule(windowed(step, [pool], k, s, k.map(() => 1), 'float("-inf")'), ['channelsFirst']);
    }
    case 'GlobalMaxPooling1D': return inline((ins) => `${ins[0]}.amax(dim=1)`);
    case 'GlobalAveragePooling1D': return inline((ins) => `${ins[0]}.mean(dim=1)`);
    case 'GlobalMaxPooling2D': return inline((ins) => `${ins[0]}.amax(dim=(1, 2))`);
    case 'GlobalAveragePooling2D': return inline((ins) => `${ins[0]}.mean(dim=(1, 2))`);
    case 'Flatten': return inline((ins) => `${ins[0]}.flatten(1)`);
    case 'Reshape': {
      const out = step.outputShape;
      return inline((ins) => (out.every((d) => d !== null)
        ? `${ins[0]}.reshape(-1, ${out.join(', ')})`
        : `${ins[0]}.reshape(${ins[0]}.shape[0], ${(p.targetShape as number[]).join(', ')})`));
    }
    case 'Permute': return inline((ins) => `${ins[0]}.permute(0, ${(p.dims as number[]).join(', ')})`);
    case 'RepeatVector': return inline((ins) => `${ins[0]}.unsqueeze(1).repeat(1, ${p.n}, 1)`);
    case 'UpSampling2D': {
      const [sh, sw] = tuple(p.size, 2);
      if (p.interpolation === 'bilinear') return withModule(`UpSampleBilinear(${sh}, ${sw})`, ['upsampleBilinear']);
      return inline((ins) => `${ins[0]}.repeat_interleave(${sh}, dim=1).repeat_interleave(${sw}, dim=2)`);
    }
    case 'ZeroPadding2D':
    case 'Cropping2D': {
      const v = (type === 'ZeroPadding2D' ? p.padding : p.cropping) as number | number[] | number[][];
      const [[top, bottom], [left, right]] = typeof v === 'number' ? [[v, v], [v, v]]
        : typeof v[0] === 'number' ? [[v[0], v[0]], [v[1], v[1]]] as number[][] : (v as number[][]);
      if (type === 'ZeroPadding2D') return inline((ins) => `F.pad(${ins[0]}, (0, 0, ${left}, ${right}, ${top}, ${bottom}))`);
      return inline((ins) => `${ins[0]}[:, ${top}:${ins[0]}.shape[1] - ${bottom}, ${left}:${ins[0]}.shape[2] - ${right}]`);
    }
    case 'BatchNormalization': {
      const rank = x.length + 1;
      const axis = Number(p.axis) < 0 ? rank + Number(p.axis) : Number(p.axis);
      const c = known(x[axis - 1] ?? null, 'the size of the normalized dimension', step);
      const kind = rank <= 3 ? '1d' : rank === 4 ? '2d' : '3d';
      if (rank > 5) throw new CodegenError(`the PyTorch export cannot normalize layer "${step.layer.name}": PyTorch's BatchNorm takes at most 5 dimensions`);
      // Keras: moving = momentum * moving + (1 - momentum) * batch; PyTorch's momentum is the other weight.
      let module = `nn.BatchNorm${kind}(${c}, eps=${numberLiteral(Number(p.epsilon))}, momentum=${numberLiteral(1 - Number(p.momentum))})`;
      const helpers: HelperName[] = [];
      if (!p.center || !p.scale) {
        module = `fix_affine(${module}, center=${p.center ? 'True' : 'False'}, scale=${p.scale ? 'True' : 'False'})`;
        helpers.push('fixAffine');
      }
      if (axis !== 1) {
        module = `AtAxis(${module}, ${axis})`;
        helpers.push('atAxis');
      }
      return withModule(module, helpers, { mask: 'pass' });
    }
    case 'LayerNormalization': {
      const rank = x.length + 1;
      const axes = (typeof p.axis === 'number' ? [p.axis] : (p.axis as number[])).map((a) => (a < 0 ? rank + a : a)).sort((a, b) => a - b);
      const trailing = axes.every((a, i) => a === rank - axes.length + i);
      if (!trailing) {
        throw new CodegenError(`the PyTorch export cannot express layer "${step.layer.name}": PyTorch's LayerNorm normalizes the last dimensions only, not axes ${axes.join(', ')}; set its axis to -1`);
      }
      const dims = axes.map((a) => known(x[a - 1] ?? null, 'the size of the normalized dimensions', step));
      let module = `nn.LayerNorm(${py(dims)}, eps=${numberLiteral(Number(p.epsilon))})`;
      const helpers: HelperName[] = [];
      if (!p.center || !p.scale) {
        module = `fix_affine(${module}, center=${p.center ? 'True' : 'False'}, scale=${p.scale ? 'True' : 'False'})`;
        helpers.push('fixAffine');
      }
      return withModule(module, helpers, { mask: 'pass' });
    }
    case 'Dropout': return withModule(`nn.Dropout(${numberLiteral(Number(p.rate))})`, [], { mask: 'pass' });
    case 'SpatialDropout1D': return withModule(`ChannelsFirst(nn.Dropout1d(${numberLiteral(Number(p.rate))}))`, ['channelsFirst'], { mask: 'pass' });
    case 'GaussianNoise': return withModule(`GaussianNoise(${numberLiteral(Number(p.stddev))})`, ['gaussianNoise'], { mask: 'pass' });
    case 'SimpleRNN':
    case 'LSTM':
    case 'GRU': {
      const r = recurrentModule(type, p, last(), Boolean(p.goBackwards));
      return { module: r.expr, call: recurrentCall, helpers: r.helpers, mask: p.returnSequences ? 'pass' : 'consume' };
    }
    case 'Bidirectional': {
      const inner = wrappedLayer(p)!;
      const a = recurrentModule(inner.def.type, inner.params, last(), Boolean(inner.params.goBackwards));
      const b = recurrentModule(inner.def.type, inner.params, last(), !inner.params.goBackwards);
      return {
        module: `Bidirectional(${a.expr}, ${b.expr}, ${pythonString(String(p.mergeMode))})`,
        call: recurrentCall,
        helpers: ['bidirectional', ...a.helpers],
        mask: inner.params.returnSequences ? 'pass' : 'consume',
      };
    }
    case 'TimeDistributed': {
      const inner = wrappedLayer(p)!;
      // A Linear layer already works on the last dimension of every step.
      return activated({ ...step, def: inner.def, params: inner.params }, init(`nn.Linear(${last()}, ${inner.params.units}${inner.params.useBias === false ? ', bias=False' : ''})`, String(inner.params.kernelInitializer ?? 'glorotNormal')), ['initialize']);
    }
    case 'MultiHeadAttention': {
      const [q, v = q, k = v] = ctx.inputShapes;
      const width = (s: (number | null)[], what: string) => known(s[s.length - 1], `the feature size of the ${what}`, step);
      const out = outputShapeOf(p.outputShape) ?? [width(q, 'query')];
      const axes = attentionAxesOf(p.attentionAxes, q.length).map((a) => a + 1);
      const args = [width(q, 'query'), width(v, 'value'), width(k, 'key'), p.numHeads, p.keyDim, p.valueDim ?? p.keyDim, py(out), py(axes),
        p.useBias ? 'True' : 'False', numberLiteral(Number(p.dropout)), p.useCausalMask ? 'True' : 'False'];
      return { module: `MultiHeadAttention(${args.join(', ')})`, call: (ins, self) => `${self}(${ins.join(', ')})`, helpers: ['multiHeadAttention'] };
    }
    case 'PositionEmbedding':
      return withModule(`PositionEmbedding(${p.sequenceLength}, ${last()}${learnedPositions(p)})`, ['positions']);
    case 'TokenAndPositionEmbedding':
      return withModule(`TokenAndPositionEmbedding(${p.vocabularySize}, ${p.sequenceLength}, ${p.embeddingDim}${learnedPositions(p)})`, ['positions']);
    case 'Add': return inline((ins) => ins.join(' + '));
    case 'Subtract': return inline((ins) => `${ins[0]} - ${ins[1]}`);
    case 'Multiply': return inline((ins) => ins.join(' * '));
    case 'Average': return inline((ins) => `(${ins.join(' + ')}) / ${ins.length}`);
    case 'Maximum': return inline((ins) => ins.slice(1).reduce((acc, v) => `torch.maximum(${acc}, ${v})`, ins[0]));
    case 'Concatenate': return inline((ins) => `torch.cat([${ins.join(', ')}], dim=${Number(p.axis)})`);
    default:
      throw new CodegenError(`the PyTorch export cannot express the ${type} layer "${step.layer.name}" yet; export Python (Keras) or JavaScript code instead`);
  }
}
