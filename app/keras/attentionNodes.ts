// How Keras writes a MultiHeadAttention call in a functional model's JSON: the query is the positional
// input and the value (and key) ride as keyword tensors, with `use_causal_mask` beside them. TF.js
// writes the same call as a list of inputs; both are read, and Keras's form is written.
import { isRecord } from './caseConvert.ts';

export interface AttentionRef {
  name: string;
  nodeIndex: number;
  tensorIndex: number;
}

export interface AttentionCall {
  /** Query, value and key, in that order; the key is left out when it is the value. */
  refs: AttentionRef[];
  useCausalMask: boolean;
}

type KerasRef = [string, number, number];

/**
 * Keras 2's inbound node for `mha(query, value, key, use_causal_mask=...)`: one entry for the query whose
 * keyword arguments name the value and key tensors. One input means self-attention (the value is the query).
 */
export function attentionInboundNode(inputs: string[], useCausalMask: boolean): [string, number, number, Record<string, unknown>][] {
  const ref = (name: string): KerasRef => [name, 0, 0];
  const [query, value = query, key] = inputs;
  const kwargs: Record<string, unknown> = { value: ref(value) };
  if (key !== undefined) kwargs.key = ref(key);
  if (useCausalMask) kwargs.use_causal_mask = true;
  return [[query, 0, 0, kwargs]];
}

function asRef(value: unknown): AttentionRef | null {
  if (Array.isArray(value) && typeof value[0] === 'string') {
    return { name: value[0], nodeIndex: int(value[1]), tensorIndex: int(value[2]) };
  }
  // Keras 3: {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, tensor]}}.
  if (isRecord(value) && value.class_name === '__keras_tensor__' && isRecord(value.config)) return asRef(value.config.keras_history);
  return null;
}

function int(v: unknown): number {
  return typeof v === 'number' && Number.isInteger(v) ? v : 0;
}

const same = (a: AttentionRef, b: AttentionRef) => a.name === b.name && a.nodeIndex === b.nodeIndex && a.tensorIndex === b.tensorIndex;

function finish(query: AttentionRef | null, value: AttentionRef | null, key: AttentionRef | null, causal: unknown): AttentionCall | null {
  if (!query) return null;
  const v = value ?? query;
  const refs = [query];
  if (!same(v, query) || (key && !same(key, v))) refs.push(v);
  if (key && !same(key, v)) refs.push(key);
  return { refs, useCausalMask: causal === true };
}

/**
 * The inputs of a MultiHeadAttention call from its `inbound_nodes`, in any of the forms Keras 2, Keras 3
 * and TF.js write; null when the node is in none of them (the caller reports it).
 */
export function readAttentionCall(inbound: unknown): AttentionCall | null {
  if (!Array.isArray(inbound) || inbound.length !== 1) return null;
  const node = inbound[0];
  if (Array.isArray(node)) {
    // Keras 2: [[query, 0, 0, {value, key, use_causal_mask}]]; TF.js: [[query...], [value...], [key...]].
    const entries = node.filter(Array.isArray);
    if (entries.length === 0) return null;
    if (entries.length > 1) {
      const kw = isRecord(entries[0][3]) ? entries[0][3] : {};
      return finish(asRef(entries[0]), asRef(entries[1]), entries[2] ? asRef(entries[2]) : null, kw.use_causal_mask);
    }
    const kw = isRecord(entries[0][3]) ? entries[0][3] : {};
    return finish(asRef(entries[0]), asRef(kw.value), asRef(kw.key), kw.use_causal_mask);
  }
  if (isRecord(node)) {
    // Keras 3: {args: [query, value?, key?], kwargs: {query?, value?, key?, use_causal_mask?}}.
    const args = Array.isArray(node.args) ? node.args : [];
    const kw = isRecord(node.kwargs) ? node.kwargs : {};
    const pick = (i: number, name: string) => asRef(args[i]) ?? asRef(kw[name]);
    return finish(pick(0, 'query'), pick(1, 'value'), pick(2, 'key'), kw.use_causal_mask);
  }
  return null;
}
