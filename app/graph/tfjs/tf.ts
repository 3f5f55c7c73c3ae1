// The type of the TF.js namespace that app/ code takes as an argument and main/engine loads, spelled once:
// `import * as` types a CommonJS module with a synthetic `default` that the loaded module's type lacks,
// so two spellings would make every caller cast between them.
export type Tf = typeof import('@tensorflow/tfjs');
