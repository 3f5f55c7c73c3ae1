// The files written next to an exported model so it can be used without the studio: a Node script, a
// browser page, the shared preprocessing module they both import, a raw example input and a README.
import { readFile } from 'node:fs/promises';
import type { SavedModelMetadata } from '../model/metadata.ts';

export const PREPROCESS_MODULE = 'modelwright-preprocess.mjs';
export const NODE_EXAMPLE = 'predict-node.mjs';
export const BROWSER_EXAMPLE = 'predict-browser.html';
export const EXAMPLE_INPUT = 'example-input.json';

/** The preprocessing module shipped in main/export/runtime, copied as is. */
export async function preprocessModuleText(): Promise<string> {
  return readFile(new URL(`./runtime/${PREPROCESS_MODULE}`, import.meta.url), 'utf8');
}

/**
 * A raw input a person could have typed, rebuilt from one encoded row: numeric values unscaled,
 * the one-hot category named, token ids turned back into words. Re-encoding it gives the same row
 * (up to float32 rounding), so it is a fair example of what the model takes.
 */
export function rawExample(meta: SavedModelMetadata, row: Float32Array): unknown {
  const p = meta.preprocessor as null | {
    kind: 'table' | 'text' | 'image';
    features: ({ name: string; kind: 'numeric'; center: number; scale: number } | { name: string; kind: 'categorical'; categories: string[] })[];
    text?: { column: string; tokenizer: { vocabulary: string[] } };
  };
  if (!p || p.kind === 'image') return Array.from(row, (v) => Number(v.toPrecision(6)));
  if (p.kind === 'text') {
    const vocabulary = p.text!.tokenizer.vocabulary;
    // Ids 0 (<pad>) and 1 (<oov>) have no word to show; an unknown word would encode as 1 again anyway.
    return Array.from(row).filter((id) => id > 1).map((id) => vocabulary[id]).join(' ');
  }
  const out: Record<string, unknown> = {};
  let o = 0;
  for (const f of p.features) {
    if (f.kind === 'numeric') {
      out[f.name] = Number((row[o++] * f.scale + f.center).toPrecision(7));
    } else {
      const slot = f.categories.findIndex((_, k) => row[o + k] === 1);
      out[f.name] = slot >= 0 ? f.categories[slot] : null;
      o += f.categories.length;
    }
  }
  return out;
}

/** The part of every Node example that reads raw inputs (argv or the example file) and encodes them into `x`. */
export const nodeEncodeInputs = `const inputFile = process.argv[2] ? resolve(process.argv[2]) : join(here, '${EXAMPLE_INPUT}');
const parsed = JSON.parse(await readFile(inputFile, 'utf8'));
// A list of numbers is one encoded input, not a list of inputs.
const inputs = Array.isArray(parsed) && !parsed.every((v) => typeof v === 'number') ? parsed : [parsed];

const size = inputSize(meta);
const x = new Float32Array(inputs.length * size);
inputs.forEach((input, i) => x.set(encodeInput(meta, input), i * size));`;

export function nodeExampleText(): string {
  return `// Runs the exported model on raw inputs, applying the preprocessing saved in model.json.
// Usage:  npm install @tensorflow/tfjs   (once, in this folder or a parent)
//         node ${NODE_EXAMPLE} [inputs.json]      (default: ${EXAMPLE_INPUT} next to this file)
// inputs.json holds one input or a list: rows like {"column": value}, sentences for a text model, or
// lists of numbers. Prints one JSON line per input. With @tensorflow/tfjs-node installed instead,
// tf.loadLayersModel('file://' + join(here, 'model.json')) replaces the small file loader below.
import { readFile } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs';
import { decodeOutput, encodeInput, inputSize, modelwrightMetadata, registerModelwrightLayers } from './${PREPROCESS_MODULE}';

const here = dirname(fileURLToPath(import.meta.url));

// A tf.io handler reading model.json and its weight files from a folder (what tfjs-node's file:// does).
function folderLoader(dir) {
  return {
    async load() {
      const modelJson = JSON.parse(await readFile(join(dir, 'model.json'), 'utf8'));
      return tf.io.getModelArtifactsForJSON(modelJson, async (manifest) => {
        const buffers = [];
        for (const path of manifest.flatMap((group) => group.paths)) {
          const file = resolve(dir, path);
          const rel = relative(dir, file);
          if (rel.startsWith('..') || isAbsolute(rel)) throw new Error(\`weight file \${path} is outside the model folder\`);
          const bytes = await readFile(file);
          buffers.push(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
        }
        return [manifest.flatMap((group) => group.weights), tf.io.CompositeArrayBuffer.join(buffers)];
      });
    },
  };
}

registerModelwrightLayers(tf);
const model = await tf.loadLayersModel(folderLoader(here));
const meta = modelwrightMetadata(model.getUserDefinedMetadata());

${nodeEncodeInputs}
const output = model.predict(tf.tensor(x, [inputs.length, ...meta.featureShape]));
const values = await output.data();
const width = values.length / inputs.length;
inputs.forEach((input, i) => {
  console.log(JSON.stringify({ input, ...decodeOutput(meta, values.subarray(i * width, (i + 1) * width)) }));
});
`;
}

export function browserExampleText(): string {
  return `<!doctype html>
<!-- Runs the exported model in a browser, applying the preprocessing saved in model.json.
     1. Put TensorFlow.js next to this page as tf.min.js (e.g. copy node_modules/@tensorflow/tfjs/dist/tf.min.js).
     2. Serve this folder over HTTP (browsers do not let a page read files from file://), e.g.
        python3 -m http.server 8000   then open http://localhost:8000/${BROWSER_EXAMPLE}
     Everything is loaded from this folder by relative paths: nothing comes from the internet. -->
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'self'; script-src 'self' 'unsafe-inline' 'unsafe-eval' 'wasm-unsafe-eval'; style-src 'unsafe-inline'; img-src data:">
<title>Model prediction</title>
<!-- An empty icon: without it the browser asks the server for /favicon.ico and logs a 404 error. -->
<link rel="icon" href="data:,">
<style>
  body { font: 15px/1.5 system-ui, sans-serif; max-width: 48rem; margin: 2rem auto; padding: 0 1rem; }
  textarea { width: 100%; height: 10rem; font: 13px ui-monospace, monospace; }
  pre { background: #f4f4f4; padding: 0.75rem; overflow: auto; white-space: pre-wrap; overflow-wrap: anywhere; }
  .error { color: #b00020; }
</style>
</head>
<body>
<h1>Model prediction</h1>
<p>One input or a list of inputs, as JSON: rows like <code>{"column": value}</code>, sentences for a text model, or lists of numbers.</p>
<textarea id="input" spellcheck="false"></textarea>
<p><button id="predict" disabled>Predict</button></p>
<pre id="output">Loading the model…</pre>
<script src="./tf.min.js"></script>
<script type="module">
import { decodeOutput, encodeInput, inputSize, modelwrightMetadata, registerModelwrightLayers } from './${PREPROCESS_MODULE}';

const output = document.getElementById('output');
const show = (text, error = false) => { output.textContent = text; output.className = error ? 'error' : ''; };

async function main() {
  if (location.protocol === 'file:') throw new Error('Open this page through a web server (see the comment at the top of this file): browsers block file:// requests.');
  if (!window.tf) throw new Error('TensorFlow.js was not found: put tf.min.js next to this page (see the comment at the top of this file).');
  const tf = window.tf;
  registerModelwrightLayers(tf);
  const model = await tf.loadLayersModel('./model.json');
  const meta = modelwrightMetadata(model.getUserDefinedMetadata());
  const example = await fetch('./${EXAMPLE_INPUT}').then((r) => (r.ok ? r.text() : '')).catch(() => '');
  document.getElementById('input').value = example;
  const button = document.getElementById('predict');
  button.disabled = false;
  show('Ready.');
  button.addEventListener('click', async () => {
    try {
      const parsed = JSON.parse(document.getElementById('input').value);
      const inputs = Array.isArray(parsed) && !parsed.every((v) => typeof v === 'number') ? parsed : [parsed];
      const size = inputSize(meta);
      const x = new Float32Array(inputs.length * size);
      inputs.forEach((input, i) => x.set(encodeInput(meta, input), i * size));
      const y = tf.tidy(() => model.predict(tf.tensor(x, [inputs.length, ...meta.featureShape])));
      const values = await y.data();
      y.dispose();
      const width = values.length / inputs.length;
      show(inputs.map((input, i) => JSON.stringify({ input, ...decodeOutput(meta, values.subarray(i * width, (i + 1) * width)) })).join('\\n'));
    } catch (err) {
      show(String(err.message ?? err), true);
    }
  });
}
main().catch((err) => show(String(err.message ?? err), true));
</script>
</body>
</html>
`;
}

export function readmeText(info: { runId: number; runName: string; quantization: string; task: string; labels: string[] | null }): string {
  return `# Exported model: ${info.runName.replace(/[\r\n]+/g, ' ')} (run ${info.runId})

Exported by Modelwright as a TensorFlow.js layers model${info.quantization === 'none' ? '' : ` with ${info.quantization}-quantized weights`}.
Task: ${info.task}${info.labels ? `; labels: ${info.labels.join(', ')}` : ''}.

- \`model.json\` + \`group1-shard*.bin\`: load with \`tf.loadLayersModel\`. The preprocessing (scalers,
  category maps, labels, vocabulary) is in \`userDefinedMetadata.modelwright\`.
- \`model.keras.json\`: the same topology as Keras JSON (architecture only).
- \`${PREPROCESS_MODULE}\`: raw input → model numbers → label, from that metadata (no dependencies).
- \`${NODE_EXAMPLE}\`: \`npm install @tensorflow/tfjs\`, then \`node ${NODE_EXAMPLE} [inputs.json]\`.
- \`${BROWSER_EXAMPLE}\`: copy \`tf.min.js\` from \`@tensorflow/tfjs/dist\` here, serve the folder over HTTP
  (\`python3 -m http.server\`) and open the page.
- \`${EXAMPLE_INPUT}\`: raw inputs taken from the test split.
- \`verification.json\`: how closely this export reproduced the trained model, measured after writing it.
`;
}
