// Types of modelwright-preprocess.mjs (the dependency-free preprocessing shipped with every export).

/** userDefinedMetadata.modelwright of an exported model.json (see docs/export.md). */
export interface ModelwrightMetadata {
  format: 'modelwright-model';
  version: 1;
  task: 'classification' | 'regression' | 'reconstruction';
  featureShape: number[];
  classNames: string[] | null;
  preprocessor: Record<string, any> | null;
  [key: string]: unknown;
}

export type DecodedOutput =
  | { label: string; classIndex: number; probabilities: Record<string, number> }
  | { value: number }
  | { values: number[] };

export function modelwrightMetadata(userDefinedMetadata: unknown): ModelwrightMetadata;
export function inputSize(meta: ModelwrightMetadata): number;
export function encodeInput(meta: ModelwrightMetadata, raw: unknown): Float32Array;
export function decodeOutput(meta: ModelwrightMetadata, output: ArrayLike<number>): DecodedOutput;
export function registerModelwrightLayers(tf: unknown): void;
