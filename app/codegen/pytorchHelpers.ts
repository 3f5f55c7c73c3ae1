// Python source of the small helpers a generated PyTorch script defines, each written only when the
// model needs it: TF.js's initializers and hard sigmoid, Keras's channels-last layout around PyTorch's
// channels-first layers, TensorFlow's "same" padding, and recurrent layers with TF.js's gate equations.
import { attentionHelpers } from './pytorchAttention.ts';
import { dedent } from './writer.ts';

export type HelperName =
  | 'initialize' | 'hardSigmoid' | 'identity' | 'samePadding' | 'channelsFirst' | 'atAxis' | 'averagePoolSame'
  | 'cropEnd' | 'gaussianNoise' | 'fixAffine' | 'upsampleBilinear' | 'recurrent' | 'bidirectional'
  | 'glorotTensor' | 'multiHeadAttention' | 'positions';

/** Helpers other helpers call. */
const needs: Partial<Record<HelperName, HelperName[]>> = {
  channelsFirst: ['samePadding'],
  averagePoolSame: ['samePadding'],
  recurrent: ['initialize'],
  bidirectional: ['recurrent'],
  multiHeadAttention: ['glorotTensor'],
  positions: ['glorotTensor'],
};

const source: Record<HelperName, string> = {
  initialize: `
    def initialize(weight, kind):
        """Sets a weight as TF.js's initializer of that name would (fans as Keras counts them)."""
        receptive = weight[0][0].numel()
        fan_in, fan_out = weight.shape[1] * receptive, weight.shape[0] * receptive
        scale, fan = {
            "glorotNormal": (1.0, (fan_in + fan_out) / 2), "glorotUniform": (1.0, (fan_in + fan_out) / 2),
            "heNormal": (2.0, fan_in), "heUniform": (2.0, fan_in),
            "leCunNormal": (1.0, fan_in), "leCunUniform": (1.0, fan_in),
        }.get(kind, (1.0, 1.0))
        with torch.no_grad():
            if kind.endswith("Uniform") and kind != "randomUniform":
                limit = math.sqrt(3.0 * scale / fan)
                weight.uniform_(-limit, limit)
            elif kind.endswith("Normal") and kind != "randomNormal":
                std = math.sqrt(scale / fan)
                nn.init.trunc_normal_(weight, 0.0, std, -2 * std, 2 * std)
            elif kind == "randomNormal":
                weight.normal_(0.0, 0.05)
            elif kind == "randomUniform":
                weight.uniform_(-0.05, 0.05)
            elif kind == "truncatedNormal":
                nn.init.trunc_normal_(weight, 0.0, 0.05, -0.1, 0.1)
            elif kind == "zeros":
                weight.zero_()
            elif kind == "ones":
                weight.fill_(1.0)
            else:
                raise ValueError(f"unknown initializer {kind}")
        return weight


    def init_layer(layer, kernel="glorotUniform"):
        """A new layer with TF.js's starting weights: kernels from the named initializer, biases zero."""
        for module in layer.modules():
            if isinstance(module, (nn.Linear, nn.Conv1d, nn.Conv2d, nn.ConvTranspose2d)):
                initialize(module.weight, kernel)
                if module.bias is not None:
                    nn.init.zeros_(module.bias)
            elif isinstance(module, nn.Embedding):
                nn.init.uniform_(module.weight, -0.05, 0.05)
        return layer`,
  hardSigmoid: `
    def hard_sigmoid(x):
        """TF.js's hard sigmoid, 0.2 x + 0.5 clipped to 0..1 (PyTorch's F.hardsigmoid is x / 6 + 0.5)."""
        return torch.clamp(0.2 * x + 0.5, 0.0, 1.0)`,
  identity: `
    def identity(x):
        return x`,
  samePadding: `
    def same_padding(x, kernel, strides, dilation, value=0.0):
        """Pads a channels-first tensor as TensorFlow's "same" does: an odd extra row or column goes at the end."""
        pads = []
        for size, k, s, d in zip(reversed(x.shape[2:]), reversed(kernel), reversed(strides), reversed(dilation)):
            size = int(size)
            total = max((-(-size // s) - 1) * s + (k - 1) * d + 1 - size, 0)
            pads += [total // 2, total - total // 2]
        return F.pad(x, pads, value=value)`,
  channelsFirst: `
    class ChannelsFirst(nn.Module):
        """Runs PyTorch layers made for (batch, channels, ...) on Keras's (batch, ..., channels) layout,
        padding like TensorFlow's "same" first when given (kernel, strides, dilation)."""

        def __init__(self, *layers, same=None, pad_value=0.0):
            super().__init__()
            self.layers = nn.Sequential(*layers)
            self.same = same
            self.pad_value = pad_value

        def forward(self, x):
            x = x.movedim(-1, 1)
            if self.same is not None:
                x = same_padding(x, *self.same, value=self.pad_value)
            return self.layers(x).movedim(1, -1)`,
  atAxis: `
    class AtAxis(nn.Module):
        """Runs a PyTorch layer that works along dimension 1 along another dimension instead."""

        def __init__(self, layer, axis):
            super().__init__()
            self.layer = layer
            self.axis = axis

        def forward(self, x):
            return self.layer(x.movedim(self.axis, 1)).movedim(1, self.axis)`,
  averagePoolSame: `
    class AveragePoolSame(nn.Module):
        """Average pooling with TensorFlow's "same" padding: windows at the border average only real values."""

        def __init__(self, size, strides):
            super().__init__()
            self.size, self.strides = size, strides
            self.pool = F.avg_pool1d if len(size) == 1 else F.avg_pool2d

        def forward(self, x):
            ones = torch.ones_like(x[:, :1])
            dilation = (1,) * len(self.size)
            total = self.pool(same_padding(x, self.size, self.strides, dilation), self.size, self.strides)
            count = self.pool(same_padding(ones, self.size, self.strides, dilation), self.size, self.strides)
            return total / count`,
  cropEnd: `
    class CropEnd(nn.Module):
        """Drops the last rows and columns that TensorFlow's "same" transposed convolution leaves out."""

        def __init__(self, rows, columns):
            super().__init__()
            self.rows, self.columns = rows, columns

        def forward(self, x):
            return x[:, :, : x.shape[2] - self.rows, : x.shape[3] - self.columns]`,
  gaussianNoise: `
    class GaussianNoise(nn.Module):
        """Adds random noise with the given spread while training; passes values through unchanged otherwise."""

        def __init__(self, stddev):
            super().__init__()
            self.stddev = stddev

        def forward(self, x):
            return x + torch.randn_like(x) * self.stddev if self.training else x`,
  fixAffine: `
    def fix_affine(layer, center, scale):
        """Keeps a normalization layer's offset at 0 and/or its scale at 1 when the studio does not learn them."""
        if not center:
            layer.bias.requires_grad_(False)
        if not scale:
            layer.weight.requires_grad_(False)
        return layer`,
  upsampleBilinear: `
    class UpSampleBilinear(nn.Module):
        """Bilinear upsampling as TF.js's UpSampling2D does it (resizeBilinear without half-pixel centres:
        output pixel i reads input position i / factor), on (batch, height, width, channels)."""

        def __init__(self, rows, columns):
            super().__init__()
            self.rows, self.columns = rows, columns

        @staticmethod
        def positions(size, factor, device):
            source = torch.arange(size * factor, device=device, dtype=torch.float32) / factor
            low = source.floor().long().clamp(max=size - 1)
            return low, (low + 1).clamp(max=size - 1), source - low

        def forward(self, x):
            top, bottom, dy = self.positions(x.shape[1], self.rows, x.device)
            left, right, dx = self.positions(x.shape[2], self.columns, x.device)
            dy, dx = dy.view(1, -1, 1, 1), dx.view(1, 1, -1, 1)
            rows = x[:, top] * (1 - dy) + x[:, bottom] * dy
            return rows[:, :, left] * (1 - dx) + rows[:, :, right] * dx`,
  recurrent: `
    class Recurrent(nn.Module):
        """SimpleRNN, LSTM or GRU computed as TF.js computes them, on (batch, steps, features).

        The weights keep Keras's layout and gate order (LSTM: input, forget, cell, output; GRU: update,
        reset, candidate, with one bias as in TF.js's GRU); the gates use the given activations (TF.js's
        default is the hard sigmoid, which PyTorch's nn.LSTM cannot use). Padded steps (mask False) keep
        the previous state and output, as Keras's masking does.
        """

        def __init__(self, kind, features, units, activation=torch.tanh, recurrent_activation=None,
                     return_sequences=False, go_backwards=False, use_bias=True, unit_forget_bias=False,
                     dropout=0.0, recurrent_dropout=0.0):
            super().__init__()
            gates = {"SimpleRNN": 1, "LSTM": 4, "GRU": 3}[kind]
            self.kind, self.units = kind, units
            self.activation = activation
            self.recurrent_activation = recurrent_activation or hard_sigmoid
            self.return_sequences, self.go_backwards = return_sequences, go_backwards
            self.dropout, self.recurrent_dropout = dropout, recurrent_dropout
            self.kernel = nn.Parameter(torch.empty(features, gates * units))
            self.recurrent_kernel = nn.Parameter(torch.empty(units, gates * units))
            self.bias = nn.Parameter(torch.zeros(gates * units)) if use_bias else None
            initialize(self.kernel.data.T, "glorotUniform")
            nn.init.orthogonal_(self.recurrent_kernel)
            if use_bias and unit_forget_bias and kind == "LSTM":
                with torch.no_grad():
                    self.bias[units:2 * units] = 1.0

        def forward(self, x, mask=None):
            batch, steps = x.shape[0], x.shape[1]
            h = x.new_zeros(batch, self.units)
            c = x.new_zeros(batch, self.units)
            if self.training and self.dropout > 0:
                x = x * F.dropout(torch.ones_like(x[:, :1]), self.dropout)
            keep = F.dropout(h.new_ones(batch, self.units), self.recurrent_dropout) if self.training and self.recurrent_dropout > 0 else None
            outputs = []
            order = range(steps - 1, -1, -1) if self.go_backwards else range(steps)
            for t in order:
                z = x[:, t] @ self.kernel
                if self.bias is not None:
                    z = z + self.bias
                h_in = h * keep if keep is not None else h
                if self.kind == "SimpleRNN":
                    new_h, new_c = self.activation(z + h_in @ self.recurrent_kernel), c
                elif self.kind == "LSTM":
                    i, f, g, o = (z + h_in @ self.recurrent_kernel).chunk(4, dim=-1)
                    new_c = self.recurrent_activation(f) * c + self.recurrent_activation(i) * self.activation(g)
                    new_h = self.recurrent_activation(o) * self.activation(new_c)
                else:
                    x_z, x_r, x_h = z.chunk(3, dim=-1)
                    u = self.units
                    update = self.recurrent_activation(x_z + h_in @ self.recurrent_kernel[:, :u])
                    reset = self.recurrent_activation(x_r + h_in @ self.recurrent_kernel[:, u:2 * u])
                    candidate = self.activation(x_h + (reset * h_in) @ self.recurrent_kernel[:, 2 * u:])
                    new_h, new_c = update * h + (1 - update) * candidate, c
                if mask is not None:
                    m = mask[:, t].unsqueeze(1)
                    new_h, new_c = torch.where(m, new_h, h), torch.where(m, new_c, c)
                h, c = new_h, new_c
                outputs.append(h)
            return torch.stack(outputs, dim=1) if self.return_sequences else h`,
  bidirectional: `
    class Bidirectional(nn.Module):
        """Runs a recurrent layer forwards and a copy backwards and combines them as Keras's Bidirectional does."""

        def __init__(self, forward_layer, backward_layer, merge_mode):
            super().__init__()
            self.forward_layer, self.backward_layer, self.merge_mode = forward_layer, backward_layer, merge_mode

        def forward(self, x, mask=None):
            a = self.forward_layer(x, mask)
            b = self.backward_layer(x, mask)
            if self.backward_layer.return_sequences:
                b = b.flip(1)
            if self.merge_mode == "concat":
                return torch.cat([a, b], dim=-1)
            if self.merge_mode == "sum":
                return a + b
            if self.merge_mode == "mul":
                return a * b
            return (a + b) / 2`,
  ...attentionHelpers,
};

/** The helpers' source in a fixed order, including the helpers they call, each as one block of lines. */
export function helperBlocks(used: ReadonlySet<HelperName>): string[][] {
  const all = new Set<HelperName>();
  const add = (name: HelperName) => {
    if (all.has(name)) return;
    all.add(name);
    for (const dep of needs[name] ?? []) add(dep);
  };
  for (const name of used) add(name);
  if (all.has('recurrent')) all.add('hardSigmoid');
  return (Object.keys(source) as HelperName[]).filter((name) => all.has(name)).map((name) => dedent(source[name]));
}
