// The in-memory model graph: the shared vocabulary of app/, main/ and renderer/.
// Parameters use Keras/TF.js camelCase names; UI-only data (positions) lives in the project layout.

/** A tensor shape without the batch dimension; `null` marks a dimension unknown until run time. */
export type Shape = (number | null)[];

/** A parameter value as stored in a layer: JSON-compatible and nothing else. */
export type ParamValue =
  | number
  | string
  | boolean
  | null
  | (number | null)[]
  | number[][]
  | WrappedLayer;

/** The inner layer of a wrapper (Bidirectional wraps a recurrent layer, TimeDistributed wraps Dense). */
export interface WrappedLayer {
  type: string;
  params: Record<string, ParamValue>;
}

/** Graph, LayerNode and Connection are declared once, as what the graph schemas (schema.ts) accept. */
export type { Block, Connection, Graph, InnerLayer, LayerNode } from './schema.ts';

/** Kinds of graph problems; each has its own plain-language message. */
export type GraphErrorKind =
  | 'cycle'
  | 'missing-layer'
  | 'no-input'
  | 'no-output'
  | 'disconnected'
  | 'merge-shape'
  | 'invalid-param'
  | 'kernel-too-large'
  | 'unknown-type'
  | 'shape'
  | 'input-count'
  | 'duplicate-name'
  /** Two layers share an id (a corrupt document; ids are never typed by users). */
  | 'duplicate-id'
  /** A layer name TF.js cannot use as a weight name (letters, digits, - _ . only). */
  | 'invalid-name';

export interface GraphError {
  kind: GraphErrorKind;
  /** Id of the layer the error belongs to, when it belongs to one. */
  layerId?: string;
  /** Name of that layer, for messages and the CLI. */
  layerName?: string;
  /** Parameter at fault, for invalid-param. */
  param?: string;
  /** What is wrong, in plain language. */
  message: string;
  /** What to do about it, when there is something to do. */
  fix?: string;
}

export interface LayerInfo {
  outputShape: Shape | null;
  inputShapes: Shape[];
  params: number;
  /** Weights that training updates (params minus BatchNormalization moving statistics). */
  trainableParams?: number;
}

/** Everything derived from a graph: computed on demand, never stored. */
export interface GraphAnalysis {
  valid: boolean;
  /** Per layer id. A layer whose shape cannot be known (upstream error) has outputShape null. */
  layers: Record<string, LayerInfo>;
  totalParams: number;
  trainableParams: number;
  /** float32 weights: totalParams × 4. */
  weightBytes: number;
  /** Topological order of layer ids (empty when the graph has a cycle). */
  order: string[];
  inputs: string[];
  outputs: string[];
  errors: GraphError[];
}
