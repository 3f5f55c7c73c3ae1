// Builds an ONNX model with the official schema (onnx-proto: onnx.proto compiled for protobufjs): nodes,
// initializers and constants with unique names, then one binary ModelProto. No bytes are written by hand.
import onnxProto from 'onnx-proto';

const { onnx } = onnxProto;

/** IR version 8 and opset 17: what Debian's python3-onnx 1.12 checks and every current ONNX Runtime runs. */
export const IR_VERSION = 8;
export const OPSET = 17;

export type ElemType = 'float32' | 'int32' | 'int64' | 'bool';

const dataTypes: Record<ElemType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  int32: onnx.TensorProto.DataType.INT32,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

export type AttributeValue = number | string | number[] | { floats: number[] } | { float: number } | { strings: string[] };

/** A layer the converter cannot express in ONNX; the message says which and what to do. */
export class OnnxExportError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'OnnxExportError';
  }
}

function attribute(name: string, value: AttributeValue): onnxProto.onnx.IAttributeProto {
  const A = onnx.AttributeProto.AttributeType;
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) throw new Error(`attribute ${name}: ${value} is not a whole number; use { float }`);
    return { name, type: A.INT, i: value };
  }
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ('floats' in value) return { name, type: A.FLOATS, floats: value.floats };
  if ('strings' in value) return { name, type: A.STRINGS, strings: value.strings.map((v) => new TextEncoder().encode(v)) };
  return { name, type: A.FLOAT, f: value.float };
}

function tensorProto(name: string, type: ElemType, dims: readonly number[], values: ArrayLike<number>): onnxProto.onnx.ITensorProto {
  const count = dims.reduce((a, b) => a * b, 1);
  if (values.length !== count) throw new Error(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  // raw_data is little-endian, as the ONNX spec requires; typed arrays are little-endian on every platform Node supports.
  let raw: Uint8Array;
  if (type === 'float32') raw = new Uint8Array(Float32Array.from(values).buffer);
  else if (type === 'int32') raw = new Uint8Array(Int32Array.from(values).buffer);
  else if (type === 'int64') raw = new Uint8Array(BigInt64Array.from(Array.from(values, (v) => BigInt(v))).buffer);
  else raw = Uint8Array.from(values, (v) => (v ? 1 : 0));
  return { name, dataType: dataTypes[type], dims: [...dims], rawData: raw };
}

/** One dimension of a graph input or output: a size, or a named size known at run time (the batch). */
export type Dim = number | string;

function valueInfo(name: string, type: ElemType, dims: readonly Dim[]): onnxProto.onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: dataTypes[type],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

export class OnnxGraphBuilder {
  private readonly nodes: onnxProto.onnx.INodeProto[] = [];
  private readonly initializers: onnxProto.onnx.ITensorProto[] = [];
  private readonly used = new Set<string>();
  private readonly inputs: onnxProto.onnx.IValueInfoProto[] = [];
  private readonly outputs: onnxProto.onnx.IValueInfoProto[] = [];

  /** A tensor name not used yet, based on `base` (layer names are kept readable in the graph). */
  fresh(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  input(name: string, type: ElemType, dims: readonly Dim[]): string {
    const n = this.fresh(name);
    this.inputs.push(valueInfo(n, type, dims));
    return n;
  }

  output(tensor: string, type: ElemType, dims: readonly Dim[]): void {
    this.outputs.push(valueInfo(tensor, type, dims));
  }

  /** A weight or constant stored in the model; returns its name. */
  constant(base: string, type: ElemType, dims: readonly number[], values: ArrayLike<number>): string {
    const name = this.fresh(base);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  /** A 1-D int64 constant (shapes, axes, pads for operators that take them as inputs). */
  ints(base: string, values: readonly number[]): string {
    return this.constant(base, 'int64', [values.length], values);
  }

  /** Adds one node; returns the names of its outputs (`outputs` of them, named after `base`). */
  node(opType: string, inputs: readonly string[], base: string, attributes: Record<string, AttributeValue> = {}, outputs = 1): string[] {
    const names = Array.from({ length: outputs }, (_, i) => this.fresh(outputs === 1 ? base : `${base}_${i}`));
    this.nodes.push({
      opType,
      name: this.fresh(`${base}/${opType}`),
      input: [...inputs],
      output: names,
      attribute: Object.entries(attributes).map(([k, v]) => attribute(k, v)),
    });
    return names;
  }

  /** One node with one output. */
  op(opType: string, inputs: readonly string[], base: string, attributes: Record<string, AttributeValue> = {}): string {
    return this.node(opType, inputs, base, attributes)[0];
  }

  /** The binary model (an onnx.ModelProto). */
  encode(options: { graphName: string; producerVersion: string; docString: string; metadata: Record<string, string> }): Uint8Array {
    const model = onnx.ModelProto.create({
      irVersion: IR_VERSION,
      opsetImport: [{ domain: '', version: OPSET }],
      producerName: 'Modelwright',
      producerVersion: options.producerVersion,
      docString: options.docString,
      graph: {
        name: options.graphName,
        node: this.nodes,
        initializer: this.initializers,
        input: this.inputs,
        output: this.outputs,
      },
      metadataProps: Object.entries(options.metadata).map(([key, value]) => ({ key, value })),
    });
    const problem = onnx.ModelProto.verify(model);
    if (problem) throw new Error(`internal error: the ONNX model does not match the schema: ${problem}`);
    return onnx.ModelProto.encode(model).finish();
  }
}

/** The decoded model, for tests and tools that read an export back. */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
