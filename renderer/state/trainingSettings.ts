// The training settings form as data: each field's path in the TrainingConfig, control and range (its label
// and sentence of explanation come from app/explanations.ts); plus immutable updates checked against the config schema.
import { explainSetting, settingLabel } from '../../app/explanations.ts';
import { backendNames, type BackendName, flipModes, lossNames, optimizerNames, trainingConfigSchema, type TrainingConfig } from '../../app/training/config.ts';

export type FieldControl =
  | {
    kind: 'number'; min?: number; max?: number; step?: number; integer?: boolean; log?: boolean;
    /** The setting may be left empty (removed from the config); the placeholder says what empty means. */
    optional?: { placeholder: string };
  }
  | { kind: 'percent'; min: number; max: number }
  | { kind: 'select'; options: readonly { value: string; label: string }[] }
  | { kind: 'toggle' };

export interface SettingField {
  /** Dotted path into TrainingConfig. */
  path: string;
  label: string;
  help: string;
  control: FieldControl;
  /** Shown only when this returns true (the early-stopping patience only when early stopping is on). */
  visible?: (config: TrainingConfig) => boolean;
  /** Advanced fields start folded away. */
  advanced?: boolean;
  /** Fields shown in a section of their own rather than in the main list (augmentation: images only). */
  section?: 'augment';
}

/** A form field for a TrainingConfig path; its label and sentence of help come from app/explanations.ts. */
function setting(path: string, rest: Omit<SettingField, 'path' | 'label' | 'help'>): SettingField {
  return { path, label: settingLabel(path), help: explainSetting(path) ?? '', ...rest };
}

const optimizerLabels: Record<string, string> = {
  adam: 'Adam (a good default)', sgd: 'SGD (plain gradient descent)', rmsprop: 'RMSprop', adamax: 'Adamax', adagrad: 'Adagrad', adadelta: 'Adadelta',
};

const backendLabels: Record<BackendName, string> = {
  auto: 'Automatic (measured on this model)', tensorflow: 'TensorFlow (native)', webgpu: 'WebGPU (graphics card)',
  wasm: 'WebAssembly', cpu: 'Plain JavaScript (slowest)',
};
const flipLabels: Record<(typeof flipModes)[number], string> = {
  none: 'No flips', horizontal: 'Left–right (mirror image)', vertical: 'Upside down', both: 'Left–right and upside down',
};
const lossLabels: Record<string, string> = {
  auto: 'Automatic (chosen from the task)', categoricalCrossentropy: 'Categorical cross-entropy', sparseCategoricalCrossentropy: 'Sparse categorical cross-entropy',
  binaryCrossentropy: 'Binary cross-entropy', meanSquaredError: 'Mean squared error', meanAbsoluteError: 'Mean absolute error', huber: 'Huber',
};

export const settingFields: SettingField[] = [
  setting('optimizer.name', {
    control: { kind: 'select', options: optimizerNames.map((o) => ({ value: o, label: optimizerLabels[o] ?? o })) },
  }),
  setting('optimizer.learningRate', {
    control: { kind: 'number', min: 1e-7, max: 10, step: 0.0001, log: true },
  }),
  setting('optimizer.momentum', {
    control: { kind: 'number', min: 0, max: 1, step: 0.05 }, advanced: true,
    visible: (c) => c.optimizer.name === 'sgd',
  }),
  setting('batchSize', {
    control: { kind: 'number', min: 1, max: 100_000, step: 1, integer: true },
  }),
  setting('epochs', {
    control: { kind: 'number', min: 1, max: 10_000, step: 1, integer: true },
  }),
  setting('validationSplit', {
    control: { kind: 'percent', min: 0, max: 90 },
  }),
  setting('testSplit', {
    control: { kind: 'percent', min: 0, max: 90 },
  }),
  setting('earlyStopping.enabled', {
    control: { kind: 'toggle' },
  }),
  setting('earlyStopping.patience', {
    control: { kind: 'number', min: 0, max: 10_000, step: 1, integer: true },
    visible: (c) => c.earlyStopping.enabled,
  }),
  setting('reduceLrOnPlateau.enabled', {
    control: { kind: 'toggle' },
  }),
  setting('reduceLrOnPlateau.factor', {
    control: { kind: 'number', min: 0.01, max: 0.99, step: 0.05 },
    visible: (c) => c.reduceLrOnPlateau.enabled, advanced: true,
  }),
  setting('classWeights', {
    control: {
      kind: 'select', options: [{ value: 'none', label: 'Equal' }, { value: 'auto', label: 'Balanced (rare classes count more)' }],
    },
  }),
  setting('seed', {
    control: { kind: 'number', min: 0, max: 2 ** 31 - 1, step: 1, integer: true }, advanced: true,
  }),
  setting('splitSeed', {
    control: { kind: 'number', min: 0, max: 2 ** 31 - 1, step: 1, integer: true, optional: { placeholder: 'same as the random seed' } }, advanced: true,
  }),
  setting('loss', {
    control: { kind: 'select', options: ['auto', ...lossNames].map((l) => ({ value: l, label: lossLabels[l] ?? l })) }, advanced: true,
  }),
  setting('backend', {
    control: {
      kind: 'select', options: backendNames.map((b) => ({ value: b, label: backendLabels[b] })),
    },
    advanced: true,
  }),
  // Augmentation (images only): the ranges as the schema bounds them (app/training/config.ts augmentSchema).
  setting('augment.flip', {
    control: { kind: 'select', options: flipModes.map((m) => ({ value: m, label: flipLabels[m] })) }, section: 'augment',
  }),
  setting('augment.rotation', {
    control: { kind: 'number', min: 0, max: 180, step: 1 }, section: 'augment',
  }),
  setting('augment.zoom', {
    control: { kind: 'percent', min: 0, max: 50 }, section: 'augment',
  }),
  setting('augment.shift', {
    control: { kind: 'percent', min: 0, max: 50 }, section: 'augment',
  }),
  setting('augment.brightness', {
    control: { kind: 'percent', min: 0, max: 100 }, section: 'augment',
  }),
  setting('augment.seed', {
    control: { kind: 'number', min: 0, max: 2 ** 31 - 1, step: 1, integer: true, optional: { placeholder: 'same as the random seed' } },
    section: 'augment', advanced: true,
  }),
];

export function getPath(config: unknown, path: string): unknown {
  let v: unknown = config;
  for (const key of path.split('.')) {
    if (v === null || typeof v !== 'object' || !Object.hasOwn(v, key)) return undefined;
    v = (v as Record<string, unknown>)[key];
  }
  return v;
}

/** A copy of `config` with `path` set to `value`; the objects along the path are copied, the rest shared. */
export function setPath<T>(config: T, path: string, value: unknown): T {
  const [key, ...rest] = path.split('.');
  const base = (config ?? {}) as Record<string, unknown>;
  return { ...base, [key]: rest.length === 0 ? value : setPath(base[key], rest.join('.'), value) } as T;
}

/**
 * Applies one field change and checks the whole configuration: the new config, or a plain message that
 * says what is wrong with the value (so the form refuses it instead of saving a config training rejects).
 */
export function updateSetting(config: TrainingConfig, path: string, value: unknown): { ok: true; config: TrainingConfig } | { ok: false; message: string } {
  const field = settingFields.find((f) => f.path === path);
  if (typeof value === 'number' && !Number.isFinite(value)) return { ok: false, message: `${field?.label ?? path} needs a number.` };
  if (field?.control.kind === 'number' && typeof value === 'number') {
    const c = field.control;
    if (c.integer && !Number.isInteger(value)) return { ok: false, message: `${field.label} must be a whole number.` };
    if (c.min !== undefined && value < c.min) return { ok: false, message: `${field.label} must be at least ${c.min}.` };
    if (c.max !== undefined && value > c.max) return { ok: false, message: `${field.label} must be at most ${c.max}.` };
  }
  const next = setPath(config, path, value);
  const parsed = trainingConfigSchema.safeParse(next);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return { ok: false, message: `${field?.label ?? issue.path.join('.')}: ${issue.message}` };
  }
  return { ok: true, config: parsed.data };
}

/** Rows each split gets from `rows` usable rows, as the trainer splits them (test first, then validation). */
export function splitCounts(rows: number, config: Pick<TrainingConfig, 'validationSplit' | 'testSplit'>): { train: number; validation: number; test: number } {
  const n = Math.max(0, Math.floor(rows));
  const test = Math.min(Math.round(n * config.testSplit), Math.max(0, n - 1));
  const rest = n - test;
  const validation = Math.min(Math.round(rest * config.validationSplit), Math.max(0, rest - 1));
  return { train: rest - validation, validation, test };
}
