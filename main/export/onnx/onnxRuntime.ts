// ONNX Runtime for Node (onnxruntime-node, an optional dependency): loaded on first use, so the rest of
// the program works where it is missing, and runs an ONNX model on a batch of inputs.
// The module's own type; `import()` of this CommonJS module may also carry it as a synthetic `default`.
type Ort = typeof import('onnxruntime-node');
let loaded: Promise<Ort> | null = null;

/** onnxruntime-node, or an Error saying how to install it. */
export function loadOnnxRuntime(): Promise<Ort> {
  loaded ??= import('onnxruntime-node').then(
    (m) => ('default' in m && m.default ? m.default : m),
    (err: unknown) => {
      loaded = null;
      throw new Error(`ONNX Runtime for Node (onnxruntime-node) could not be loaded, so the ONNX file cannot be checked: ${(err as Error).message.split('\n')[0]}. Install it with "npm install onnxruntime-node"`);
    },
  );
  return loaded;
}

export interface OnnxSession {
  /** Runs `n` inputs of `featureShape` (flattened in `x`) in batches; returns the outputs flattened. */
  run(x: Float32Array, n: number, featureShape: readonly number[]): Promise<Float32Array>;
  release(): Promise<void>;
}

/** An inference session on the model bytes; `inputType` is the graph input's element type. */
export async function openOnnxSession(bytes: Uint8Array, names: { input: string; output: string }, inputType: 'float32' | 'int32'): Promise<OnnxSession> {
  const ort = await loadOnnxRuntime();
  // One thread each: the machine's other cores belong to the studio and the trainer.
  const session = await ort.InferenceSession.create(bytes, { intraOpNumThreads: 1, interOpNumThreads: 1 });
  return {
    async run(x, n, featureShape) {
      const width = featureShape.reduce((a, b) => a * b, 1);
      const parts: Float32Array[] = [];
      for (let start = 0; start < n; start += 256) {
        const count = Math.min(256, n - start);
        const slice = x.subarray(start * width, (start + count) * width);
        const data = inputType === 'int32' ? Int32Array.from(slice) : Float32Array.from(slice);
        const result = await session.run({ [names.input]: new ort.Tensor(inputType, data, [count, ...featureShape]) });
        parts.push(Float32Array.from(result[names.output].data as Float32Array));
      }
      const out = new Float32Array(parts.reduce((a, p) => a + p.length, 0));
      let at = 0;
      for (const p of parts) {
        out.set(p, at);
        at += p.length;
      }
      return out;
    },
    release: () => session.release(),
  };
}
