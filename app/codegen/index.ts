// Entry point of code generation: a graph, its data plan and training settings in, a training
// program (JavaScript, TypeScript, Python with Keras, or Python with PyTorch) out, with the warnings worth telling the user.
import { generateJavaScript, type JsRuntime } from './javascript.ts';
import { makePlan, type CodeInput } from './plan.ts';
import { generatePython } from './python.ts';
import { generatePyTorch } from './pytorch.ts';

export type { DataPlan, ImageDataPlan, TableDataPlan, TextDataPlan } from './dataPlan.ts';
export { planImageData, planTableData } from './dataPlan.ts';
export { CodegenError, type CodeInput } from './plan.ts';
export type { JsRuntime } from './javascript.ts';

export const codeLanguages = ['js', 'ts', 'python', 'pytorch'] as const;
export type CodeLanguageOption = (typeof codeLanguages)[number];

export interface GenerateOptions {
  language: CodeLanguageOption;
  /** JS/TS only: `tfjs-node` (default) or `tfjs`. */
  runtime?: JsRuntime;
  /** Python only: build and compile inside a tf.distribute.MirroredStrategy scope. */
  distributed?: boolean;
  /** Python only: train on several machines with tf.distribute.MultiWorkerMirroredStrategy (TF_CONFIG). */
  multiWorker?: boolean;
  /** Folder the generated program saves the trained model to (default `model`). */
  modelDir?: string;
}

export interface GeneratedCode {
  code: string;
  /** A file name that suits the language: train.mjs, train.ts, train.py. */
  fileName: string;
  warnings: string[];
}

/** Generates the training program. Throws CodegenError or GraphBuildError when the project cannot be expressed. */
export function generateCode(input: CodeInput, options: GenerateOptions): GeneratedCode {
  const plan = makePlan(input);
  const warnings = [...plan.warnings];
  if (options.language === 'pytorch') {
    if (options.runtime !== undefined) warnings.push('--runtime applies to JavaScript and TypeScript only; the PyTorch script uses PyTorch.');
    if (options.distributed || options.multiWorker) warnings.push('The PyTorch script needs no option for distributed training: run it with torchrun (see its header).');
    return { code: generatePyTorch(plan, { modelDir: options.modelDir }), fileName: 'train.py', warnings };
  }
  if (options.language === 'python') {
    if (options.runtime !== undefined) warnings.push('--runtime applies to JavaScript and TypeScript only; the Python code uses TensorFlow/Keras.');
    return { code: generatePython(plan, { distributed: options.distributed, multiWorker: options.multiWorker, modelDir: options.modelDir }), fileName: 'train.py', warnings };
  }
  if (options.distributed || options.multiWorker) warnings.push('Distributed training (MirroredStrategy) is a Python/Keras feature; the JavaScript code trains on one device.');
  const typescript = options.language === 'ts';
  return {
    code: generateJavaScript(plan, { typescript, runtime: options.runtime, modelDir: options.modelDir }),
    fileName: typescript ? 'train.ts' : 'train.mjs',
    warnings,
  };
}
