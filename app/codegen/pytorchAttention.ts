// Python source of the attention helpers of a generated PyTorch script: Keras's MultiHeadAttention (its
// weights kept in Keras's shapes, so a TF.js model's weights load one to one) and keras_hub's position
// embeddings. Written only when the model uses them.

export const attentionHelpers = {
  glorotTensor: `
    def glorot_tensor(*shape):
        """A weight of Keras's shape with TF.js's Glorot-uniform start (fans counted as Keras counts them)."""
        receptive = math.prod(shape[:-2]) if len(shape) > 2 else 1
        fan_in, fan_out = shape[-2] * receptive, shape[-1] * receptive
        limit = math.sqrt(6.0 / (fan_in + fan_out))
        return nn.Parameter(torch.empty(*shape).uniform_(-limit, limit))`,
  multiHeadAttention: `
    class MultiHeadAttention(nn.Module):
        """Keras's MultiHeadAttention: per-head query/key/value projections, scaled dot-product attention over
        the attention axes (1-based, the batch not counted), an optional causal mask, and the output projection."""

        def __init__(self, query_dim, value_dim_in, key_dim_in, num_heads, key_dim, value_dim, output_shape, axes, use_bias, dropout, causal):
            super().__init__()
            self.num_heads, self.key_dim, self.value_dim, self.output_shape = num_heads, key_dim, value_dim, output_shape
            self.axes, self.causal = axes, causal
            self.query_kernel = glorot_tensor(query_dim, num_heads, key_dim)
            self.query_bias = nn.Parameter(torch.zeros(num_heads, key_dim)) if use_bias else None
            self.key_kernel = glorot_tensor(key_dim_in, num_heads, key_dim)
            self.key_bias = nn.Parameter(torch.zeros(num_heads, key_dim)) if use_bias else None
            self.value_kernel = glorot_tensor(value_dim_in, num_heads, value_dim)
            self.value_bias = nn.Parameter(torch.zeros(num_heads, value_dim)) if use_bias else None
            self.output_kernel = glorot_tensor(num_heads, value_dim, *output_shape)
            self.output_bias = nn.Parameter(torch.zeros(*output_shape)) if use_bias else None
            self.dropout = nn.Dropout(dropout)

        @staticmethod
        def project(x, kernel, bias):
            y = torch.tensordot(x, kernel, dims=1)
            return y if bias is None else y + bias

        def split_heads(self, x):
            # [B, *positions, H, d] -> [B * other positions * H, attended positions, d]
            n = x.dim() - 3
            others = [a for a in range(1, n + 1) if a not in self.axes]
            t = x.permute(0, *others, n + 1, *self.axes, n + 2)
            steps = math.prod(x.shape[a] for a in self.axes)
            return t.reshape(-1, steps, x.shape[-1])

        def forward(self, query, value=None, key=None):
            value = query if value is None else value
            key = value if key is None else key
            q = self.split_heads(self.project(query, self.query_kernel, self.query_bias) / math.sqrt(self.key_dim))
            k = self.split_heads(self.project(key, self.key_kernel, self.key_bias))
            v = self.split_heads(self.project(value, self.value_kernel, self.value_bias))
            scores = q @ k.transpose(1, 2)
            if self.causal:
                allowed = torch.ones(scores.shape[1:], device=scores.device).tril()
                scores = scores + (1.0 - allowed) * -1e9
            attended = self.dropout(torch.softmax(scores, dim=-1)) @ v
            n = query.dim() - 2
            others = [a for a in range(1, n + 1) if a not in self.axes]
            order = [0, *others, n + 1, *self.axes, n + 2]
            layout = [query.shape[0], *(query.shape[a] for a in others), self.num_heads, *(query.shape[a] for a in self.axes), self.value_dim]
            heads = attended.reshape(layout).permute(*[order.index(i) for i in range(len(order))])
            y = torch.tensordot(heads, self.output_kernel, dims=2)
            return y if self.output_bias is None else y + self.output_bias`,
  positions: `
    def sine_position_encoding(steps, dim, max_wavelength=10000.0):
        """Fixed sine/cosine position waves, as keras_hub's SinePositionEncoding."""
        positions = torch.arange(steps, dtype=torch.float32).unsqueeze(1)
        features = torch.arange(dim)
        angles = positions * torch.pow(torch.tensor(1.0 / max_wavelength), (2 * (features // 2)).float() / dim)
        return torch.where(features % 2 == 0, torch.sin(angles), torch.cos(angles))


    class PositionEmbedding(nn.Module):
        """Position vectors (keras_hub's PositionEmbedding): learned, one per position of the input, or the
        fixed sine waves; same shape as the input."""

        def __init__(self, sequence_length, features, learned=True):
            super().__init__()
            self.embeddings = glorot_tensor(sequence_length, features) if learned else None

        def forward(self, x):
            steps, dim = x.shape[-2], x.shape[-1]
            table = self.embeddings[:steps] if self.embeddings is not None else sine_position_encoding(steps, dim).to(x.device)
            return table.expand(x.shape)


    class TokenAndPositionEmbedding(nn.Module):
        """Word vectors plus position vectors (keras_hub's TokenAndPositionEmbedding), or plus fixed sine waves."""

        def __init__(self, vocabulary_size, sequence_length, embedding_dim, learned=True):
            super().__init__()
            self.token_embeddings = nn.Parameter(torch.empty(vocabulary_size, embedding_dim).uniform_(-0.05, 0.05))
            self.position_embeddings = glorot_tensor(sequence_length, embedding_dim) if learned else None

        def forward(self, ids):
            words = self.token_embeddings[ids.long()]
            steps, dim = ids.shape[-1], words.shape[-1]
            table = self.position_embeddings[:steps] if self.position_embeddings is not None else sine_position_encoding(steps, dim).to(words.device)
            return words + table`,
};
