// One tensor in two input slots of one layer (Add(x, x), Concatenate(x, x), attention with query = key).
// tfjs-layers' inference executor (predict, evaluate, validation) counts a tensor's readers by layer but
// counts them down by input slot, so when another layer also reads that tensor it is disposed before its
// last reader runs ("Tensor is disposed", on every backend; tfjs-layers 4.22 engine/executor.js, bundled
// inside @tensorflow/tfjs, out of reach of a patch). A pass-through copy for each repeated slot gives
// every slot a tensor of its own: same values, no weights, and the count matches again.

/** The name of the pass-through layer that feeds slot `slot` (0-based) of layer `layerName`. */
export function inputCopyName(layerName: string, slot: number): string {
  return `${layerName}_input${slot + 1}_copy`;
}

/**
 * A layer's inputs with every slot that repeats an earlier slot's tensor replaced by `copy(tensor, slot)`;
 * the same list (not a copy) when no tensor repeats.
 */
export function withDistinctInputs<T>(inputs: T[], copy: (input: T, slot: number) => T): T[] {
  if (new Set(inputs).size === inputs.length) return inputs;
  return inputs.map((input, slot) => (inputs.indexOf(input) < slot ? copy(input, slot) : input));
}
