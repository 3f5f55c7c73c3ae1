// The files written next to an exported model.onnx: a Node example that runs it with ONNX Runtime on
// raw inputs (through the same preprocessing module as the TF.js export) and the folder's README.
import { EXAMPLE_INPUT, nodeEncodeInputs, PREPROCESS_MODULE } from '../examples.ts';

export const ONNX_MODEL = 'model.onnx';
export const ONNX_INFO = 'preprocessing.json';
export const ONNX_EXAMPLE = 'predict-onnx.mjs';

export function onnxExampleText(): string {
  return `// Runs model.onnx on raw inputs with ONNX Runtime, applying the preprocessing saved in ${ONNX_INFO}.
// Usage:  npm install onnxruntime-node   (once, in this folder or a parent)
//         node ${ONNX_EXAMPLE} [inputs.json]      (default: ${EXAMPLE_INPUT} next to this file)
// inputs.json holds one input or a list: rows like {"column": value}, sentences for a text model, or
// lists of numbers. Prints one JSON line per input.
import { readFile } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { decodeOutput, encodeInput, inputSize } from './${PREPROCESS_MODULE}';

const here = dirname(fileURLToPath(import.meta.url));
const info = JSON.parse(await readFile(join(here, '${ONNX_INFO}'), 'utf8'));
const meta = info.modelwright;

${nodeEncodeInputs}
const session = await ort.InferenceSession.create(join(here, '${ONNX_MODEL}'));
const data = info.input.dtype === 'int32' ? Int32Array.from(x) : x;
const result = await session.run({ [info.input.name]: new ort.Tensor(info.input.dtype, data, [inputs.length, ...meta.featureShape]) });
const values = result[info.output.name].data;
const width = values.length / inputs.length;
inputs.forEach((input, i) => {
  console.log(JSON.stringify({ input, ...decodeOutput(meta, values.subarray(i * width, (i + 1) * width)) }));
});
`;
}

export function onnxReadmeText(info: { runId: number; runName: string; task: string; labels: string[] | null; input: { name: string; dtype: string; shape: (number | string)[] }; output: { name: string; shape: (number | string)[] }; opset: number }): string {
  const shape = (dims: (number | string)[]) => `[${dims.join(', ')}]`;
  return `# Exported model: ${info.runName.replace(/[\r\n]+/g, ' ')} (run ${info.runId}), ONNX

Exported by Modelwright as ONNX (IR version 8, opset ${info.opset}) and checked with ONNX Runtime.
Task: ${info.task}${info.labels ? `; labels: ${info.labels.join(', ')}` : ''}.

- \`${ONNX_MODEL}\`: input \`${info.input.name}\`, ${info.input.dtype} ${shape(info.input.shape)}: the preprocessed
  features, exactly what the TF.js model takes (scaled numbers and one-hot categories, token ids, or
  pixels 0..1, channels last). Output \`${info.output.name}\`, float32 ${shape(info.output.shape)}: what the TF.js model gives
  (class probabilities, a standardized value, or a reconstruction).
- \`${ONNX_INFO}\`: the input and output names, types and shapes, and under \`modelwright\` the fitted
  preprocessing (scalers, category lists, labels, vocabulary) — the same metadata the TF.js export keeps in
  model.json. It is also stored in the model's \`metadata_props\` under the key \`modelwright\`.
- \`${PREPROCESS_MODULE}\`: raw input → model numbers → label, from that metadata (no dependencies).
- \`${ONNX_EXAMPLE}\`: \`npm install onnxruntime-node\`, then \`node ${ONNX_EXAMPLE} [inputs.json]\`.
- \`${EXAMPLE_INPUT}\`: raw inputs taken from the test split.
- \`verification.json\`: how closely ONNX Runtime reproduced the trained model, measured after writing.

In Python: \`onnxruntime.InferenceSession("${ONNX_MODEL}").run(None, {"${info.input.name}": x})\` with \`x\` a
numpy array of the shape above, prepared as described in Modelwright's docs/export.md.
`;
}
