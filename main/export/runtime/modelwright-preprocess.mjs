// Copied next to every exported model: turns a raw input into model numbers and a model output into a
// label, from the preprocessing saved in model.json (userDefinedMetadata.modelwright). No dependencies.
// It mirrors app/data/preprocess.ts (the studio's own encoder); a test keeps the two in agreement.

const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const DECIMAL_COMMA = /^[+-]?\d+,\d+$/;
const WORD = /\p{Extended_Pictographic}|[\p{L}\p{M}\p{N}]+(?:['’][\p{L}\p{M}\p{N}]+)*/gu;

/** The preprocessing description saved with the model; throws when model.json carries none. */
export function modelwrightMetadata(userDefinedMetadata) {
  const meta = userDefinedMetadata && userDefinedMetadata.modelwright;
  if (!meta || typeof meta !== 'object') throw new Error('model.json has no Modelwright metadata (userDefinedMetadata.modelwright); give inputs as lists of numbers');
  return meta;
}

/** A cell as text, trimmed; undefined when the row has no such column. Own properties only. */
function cellOf(row, name) {
  if (!Object.prototype.hasOwnProperty.call(row, name)) return undefined;
  const value = row[name];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return Number.isNaN(value) ? '' : String(value);
  return String(value).trim();
}

function isMissing(cell) {
  return cell === undefined || MISSING.has(cell.toLowerCase());
}

function parseNumber(cell, decimalComma) {
  if (NUMBER.test(cell)) return Number(cell);
  if (decimalComma && DECIMAL_COMMA.test(cell)) return Number(cell.replace(',', '.'));
  return Number.NaN;
}

/** Number of model inputs one example has. */
export function inputSize(meta) {
  return meta.featureShape.reduce((a, b) => a * b, 1);
}

/**
 * One raw example → the numbers the model takes (a Float32Array of inputSize(meta) values).
 * Tables: an object {column: value}. Text: a sentence (or {column: sentence}). Anything: a list of
 * already-encoded numbers. Images: a list of pixel values scaled to 0..1, height × width × channels.
 */
export function encodeInput(meta, raw) {
  const size = inputSize(meta);
  if (Array.isArray(raw)) {
    if (raw.length !== size || raw.some((v) => typeof v !== 'number')) throw new Error(`the model takes ${size} numbers; got a list of ${raw.length}`);
    return Float32Array.from(raw);
  }
  const p = meta.preprocessor;
  if (!p) throw new Error('this model was saved without its preprocessing: give each input as a list of numbers');
  const out = new Float32Array(size);
  if (p.kind === 'image') throw new Error(`this model takes images: give ${size} pixel values between 0 and 1 (height × width × channels)`);
  if (p.kind === 'text') {
    const text = typeof raw === 'string' ? raw : raw !== null && typeof raw === 'object' ? cellOf(raw, p.text.column) : undefined;
    if (text === undefined) throw new Error(`the input has no "${p.text.column}" field; the model needs the text`);
    const tok = p.text.tokenizer;
    const ids = new Map(tok.vocabulary.map((word, id) => [word, id]));
    const source = tok.lowercase ? text.toLowerCase() : text;
    let n = 0;
    for (const match of source.matchAll(WORD)) {
      out[n++] = ids.get(match[0]) ?? 1;
      if (n === tok.sequenceLength) break;
    }
    return out;
  }
  if (raw === null || typeof raw !== 'object') throw new Error('this model takes a row of named values, like {"column": value}');
  if (p.features.length > 0 && p.features.every((f) => cellOf(raw, f.name) === undefined)) {
    throw new Error(`the input row has none of the model's columns (${p.features.map((f) => f.name).join(', ')})`);
  }
  let o = 0;
  for (const f of p.features) {
    const cell = cellOf(raw, f.name);
    if (f.kind === 'numeric') {
      let value = isMissing(cell) ? Number.NaN : parseNumber(cell, p.decimalComma);
      if (!Number.isFinite(value)) value = f.fill;
      out[o++] = (value - f.center) / f.scale;
    } else {
      const category = isMissing(cell) ? f.fill : cell;
      for (let k = 0; k < f.categories.length; k++) out[o + k] = f.categories[k] === category ? 1 : 0;
      o += f.categories.length;
    }
  }
  return out;
}

/**
 * One model output (numbers) → {label, probabilities} for a classifier, {value} for regression (in the
 * target's own units), {values} otherwise. Outputs that are not probabilities go through a softmax.
 */
export function decodeOutput(meta, output) {
  const target = meta.preprocessor && meta.preprocessor.target;
  if (target && target.kind === 'regression') return { value: output[0] * target.scale + target.center };
  const classes = target && target.kind === 'classification' ? target.classes : meta.task === 'classification' ? meta.classNames : null;
  if (!classes) {
    if (meta.task === 'regression') return { value: output[0] };
    return { values: Array.from(output) };
  }
  let probs;
  if (output.length === 1 && classes.length === 2) {
    const p = Math.min(Math.max(output[0], 0), 1);
    probs = [1 - p, p];
  } else {
    if (output.length !== classes.length) throw new Error(`the model gives ${output.length} outputs but there are ${classes.length} classes`);
    probs = Array.from(output);
    const sum = probs.reduce((a, b) => a + b, 0);
    if (probs.some((v) => v < 0 || v > 1) || Math.abs(sum - 1) > 1e-3) {
      const max = Math.max(...probs);
      const exps = probs.map((v) => Math.exp(v - max));
      const total = exps.reduce((a, b) => a + b, 0);
      probs = exps.map((e) => e / total);
    }
  }
  let best = 0;
  for (let i = 1; i < probs.length; i++) if (probs[i] > probs[best]) best = i;
  const probabilities = {};
  classes.forEach((c, i) => { probabilities[c] = probs[i]; });
  return { label: classes[best], classIndex: best, probabilities };
}

/**
 * Registers the layer classes Modelwright adds to TF.js (Subtract), so tf.loadLayersModel can build a
 * model that uses them. Call once, before loading; harmless when the model does not use them.
 */
export function registerModelwrightLayers(tf) {
  if (registered.has(tf)) return;
  class Subtract extends tf.layers.Layer {
    static className = 'Subtract';
    computeOutputShape(inputShape) {
      const [a, b] = inputShape;
      return a.map((d, i) => (d === null || b[i] === null ? null : d === 1 ? b[i] : d));
    }
    call(inputs) {
      return tf.sub(inputs[0], inputs[1]);
    }
  }
  tf.serialization.registerClass(Subtract);
  registered.add(tf);
}
const registered = new WeakSet();
