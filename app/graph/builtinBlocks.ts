// The blocks that ship with Modelwright, offered in the palette beside "My blocks" and editable like them.
import type { Block } from './types.ts';

export interface TransformerEncoderOptions {
  /** Features of each position coming in (and going out: the residual connections add to the input). */
  width?: number;
  numHeads?: number;
  keyDim?: number;
  /** Units of the first feed-forward layer. */
  feedForward?: number;
  dropout?: number;
}

/**
 * One Transformer encoder block, as drawn in "Attention is all you need": self-attention, add &
 * normalize, a two-layer feed-forward network, add & normalize. Input and output are [steps, width].
 */
export function transformerEncoderBlock(o: TransformerEncoderOptions = {}): Block {
  const width = o.width ?? 32;
  return {
    definition: 'TransformerEncoder',
    version: 1,
    layers: [
      { id: 'attention', type: 'MultiHeadAttention', name: 'self_attention', params: { numHeads: o.numHeads ?? 2, keyDim: o.keyDim ?? 16, dropout: o.dropout ?? 0.1 } },
      { id: 'residual1', type: 'Add', name: 'attention_residual', params: {} },
      { id: 'norm1', type: 'LayerNormalization', name: 'attention_norm', params: {} },
      { id: 'ff1', type: 'Dense', name: 'feed_forward', params: { units: o.feedForward ?? 64, activation: 'relu' } },
      { id: 'ff2', type: 'Dense', name: 'feed_forward_out', params: { units: width } },
      { id: 'residual2', type: 'Add', name: 'feed_forward_residual', params: {} },
      { id: 'norm2', type: 'LayerNormalization', name: 'block_output', params: {} },
    ],
    connections: [
      { from: 'attention', to: 'residual1', toSlot: 1 },
      { from: 'residual1', to: 'norm1', toSlot: 0 },
      { from: 'norm1', to: 'ff1', toSlot: 0 },
      { from: 'ff1', to: 'ff2', toSlot: 0 },
      { from: 'norm1', to: 'residual2', toSlot: 0 },
      { from: 'ff2', to: 'residual2', toSlot: 1 },
      { from: 'residual2', to: 'norm2', toSlot: 0 },
    ],
    // The one input is the attention's query — with no value connected it attends to itself (self-attention,
    // Keras's mha(x, x)) — and the shortcut of the first residual.
    inputs: [[{ layer: 'attention', slot: 0 }, { layer: 'residual1', slot: 0 }]],
    output: 'norm2',
  };
}

/** The built-in blocks by definition name, as the palette lists them. */
export const builtinBlocks: readonly Block[] = [transformerEncoderBlock()];
