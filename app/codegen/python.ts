// Generates a Python training script (TensorFlow 2 / Keras 3 functional API, pandas and numpy) from
// the shared plan: the same preprocessing and seeded split as the studio, the same model, loss,
// optimizer and callbacks; optionally built under tf.distribute.MirroredStrategy.
import { activationToKeras, camelToSnake } from '../keras/caseConvert.ts';
import type { ParamValue } from '../graph/types.ts';
import type { LayerDef } from '../graph/catalog.ts';
import { assignIdentifiers } from './identifiers.ts';
import { numberLiteral, pythonString, valueLiteral } from './literals.ts';
import { blockComment, blockComments as C, changedParams, wrappedLayer, type CodePlan, type LayerStep, type TrainPlan } from './plan.ts';
import { isCallArgument, kerasCallArguments, kerasLayerDefinitions, scriptDefinedKerasLayers } from './pythonLayers.ts';
import { augmentOf } from './plan.ts';
import type { AugmentSettings } from '../training/config.ts';
import { classWeightLines, pythonDataImports, pythonDataNames, pythonSettings, usesClassWeights, writePythonData } from './pythonData.ts';
import { writeProgram } from './program.ts';
import { indent, type SourceWriter } from './writer.ts';

export interface PythonOptions {
  /** Build and compile the model inside a tf.distribute.MirroredStrategy scope (all GPUs of one machine). */
  distributed?: boolean;
  /** Train on several machines with tf.distribute.MultiWorkerMirroredStrategy (configured by TF_CONFIG). */
  multiWorker?: boolean;
  modelDir?: string;
}

const programNames = [
  ...pythonDataNames, 'augment', 'augment_pictures', 'train_data', 'AUGMENT_SEED', 'keras', 'tf', 'layers', 'PositionEmbedding', 'TokenAndPositionEmbedding', 'sine_position_encoding', 'model', 'strategy', 'callbacks', 'class_weight', 'scores', 'CLASS_WEIGHTS', 'tempfile', 'resolver', 'is_chief', 'save_dir',
];

/** Where Keras's default differs from TF.js's (the catalog's): these must be spelled out to get the same model. */
const kerasDefaults: Record<string, Record<string, ParamValue>> = {
  Dense: { kernelInitializer: 'glorotUniform' },
  Conv1D: { kernelInitializer: 'glorotUniform' },
  Conv2D: { kernelInitializer: 'glorotUniform' },
  Conv2DTranspose: { kernelInitializer: 'glorotUniform' },
  LSTM: { recurrentActivation: 'sigmoid' },
  GRU: { recurrentActivation: 'sigmoid' },
};

/** Keras 3 spellings of parameter names whose snake_case form is not the Keras name. */
const kerasParamNames: Record<string, Record<string, string>> = {
  LeakyReLU: { alpha: 'negative_slope' },
};

/** Keras string names of the TF.js initializers (camelToSnake would give le_cun_normal). */
const initializerNames: Record<string, string> = { leCunNormal: 'lecun_normal', leCunUniform: 'lecun_uniform' };

export function generatePython(plan: CodePlan, options: PythonOptions = {}): string {
  const strategy: Strategy = options.multiWorker ? 'multi-worker' : options.distributed ? 'mirrored' : null;
  const modelDir = options.modelDir ?? 'model';
  return writeProgram(plan, {
    header: (w) => writeHeader(w, plan, strategy),
    settings: (w, train) => {
      w.block(C.settings, train ? pythonSettings(train, modelDir) : [`MODEL_DIR = ${pythonString(modelDir)}`]);
      if (strategy === 'multi-worker') w.block(null, multiWorkerStart);
    },
    data: (w, train) => writePythonData(w, plan, train, { loadImage: tfLoadImage, say: 'print' }),
    model: (w, train) => {
      for (const lines of kerasLayerDefinitions(new Set(plan.model.steps.map((s) => s.def.type)))) w.block(null, lines);
      const build = train
        ? ['keras.utils.set_random_seed(SEED)', ...modelLines(plan), ...compileLines(train)]
        : [...modelLines(plan), 'model.compile(optimizer="adam", loss="mean_squared_error")'];
      if (!train) {
        w.block(`${C.model} No dataset is bound to this project: bind one in the studio to get data loading, training and evaluation here.`, strategy ? strategyScope(build, strategy) : build);
      } else if (strategy === 'mirrored') {
        w.block(null, [
          '# Multi-GPU training: MirroredStrategy puts a copy of the model on every GPU of this machine and splits',
          '# each batch between them (BATCH_SIZE is the total over all GPUs). Without GPUs it runs on the CPU as usual.',
          '# The model must be built and compiled inside the strategy\'s scope.',
          ...strategyScope(build, strategy),
        ]);
      } else if (strategy === 'multi-worker') {
        w.block(null, [
          '# The model is built and compiled inside the strategy\'s scope, so its variables are mirrored on every',
          '# worker and kept in sync after each batch. BATCH_SIZE is the global batch, split between the workers.',
          ...strategyScope(build, strategy),
        ]);
      } else {
        w.block(C.model, build);
      }
    },
    fit: (w, train) => writeFit(w, train),
    evaluate: (w) => w.block(C.evaluate, [
      'if len(x_test):',
      '    scores = model.evaluate(x_test, y_test, batch_size=BATCH_SIZE, return_dict=True)',
      '    for name, value in scores.items():',
      '        print(f"test {name}: {value:.4f}")',
    ]),
    save: (w, train) => writeSave(w, train !== null, strategy),
  }, '#');
}

type Strategy = 'mirrored' | 'multi-worker' | null;

function writeHeader(w: SourceWriter, plan: CodePlan, strategy: Strategy): void {
  const train = plan.train;
  const data = train?.data;
  const usesTf = strategy !== null || (data?.kind === 'images' && data.source === 'folder') || augmentOf(train ?? null) !== null;
  const uses = pythonDataImports(data);
  const pipPackages = ['tensorflow', ...(uses.pandas ? ['pandas'] : []), 'numpy', ...(uses.regex ? ['regex'] : [])];
  w.block(null, [
    `# Generated by Modelwright: ${train ? 'trains' : 'builds'} this project's model with Keras (TensorFlow 2 / Keras 3).`,
    `# Install: pip install ${pipPackages.join(' ')}`,
    ...(strategy === 'multi-worker'
      ? [
        '# Run:     on every machine, TF_CONFIG=\'{"cluster": {"worker": ["host1:12345", "host2:12345"]}, "task": {"type": "worker", "index": I}}\' python train.py',
        '#          (I is 0 on the first machine, 1 on the second...; worker 0 is the chief and saves the model).',
      ]
      : ['# Run:     python train.py']),
  ]);
  const stdlib = ['json', ...(train ? ['math'] : []), 'os', ...(uses.re ? ['re'] : []), ...(strategy === 'multi-worker' ? ['tempfile'] : [])];
  const third = ['keras', 'numpy as np', ...(uses.pandas ? ['pandas as pd'] : []), ...(uses.regex ? ['regex'] : []), ...(usesTf ? ['tensorflow as tf'] : [])];
  w.block(null, [
    ...stdlib.filter((m) => m !== 'json' || train).map((m) => `import ${m}`),
    '',
    ...third.map((m) => `import ${m}`),
    'from keras import layers',
  ]);
}

/** MultiWorkerMirroredStrategy must exist before any other TensorFlow work, so it comes right after the settings. */
const multiWorkerStart = [
  '# Training on several machines (tf.distribute.MultiWorkerMirroredStrategy): every machine runs this same',
  '# script with its own TF_CONFIG (the list of workers and its own index). Every worker reads the data and',
  '# makes the same seeded split; Keras gives each worker its share of every batch. Without TF_CONFIG it',
  '# trains on this machine alone.',
  'strategy = tf.distribute.MultiWorkerMirroredStrategy()',
  'resolver = strategy.cluster_resolver',
  '# Worker 0 (or a machine without TF_CONFIG) is the chief: its copy of the model is the one kept.',
  'is_chief = resolver.task_type in (None, "chief") or (resolver.task_type == "worker" and resolver.task_id == 0)',
];

function writeSave(w: SourceWriter, trained: boolean, strategy: Strategy): void {
  const lines: string[] = [];
  let dir = 'MODEL_DIR';
  if (strategy === 'multi-worker') {
    lines.push(
      '# Every worker saves (saving takes part in the workers\' synchronization); the others write to a scratch folder.',
      'save_dir = MODEL_DIR if is_chief else tempfile.mkdtemp()',
    );
    dir = 'save_dir';
  }
  lines.push(`os.makedirs(${dir}, exist_ok=True)`, `model.save(os.path.join(${dir}, "model.keras"))`);
  if (trained) {
    lines.push(
      `with open(os.path.join(${dir}, "preprocessor.json"), "w", encoding="utf-8") as file:`,
      '    json.dump(preprocessor, file, ensure_ascii=False, indent=2)',
      ...(strategy === 'multi-worker' ? ['if is_chief:', '    print(f"Saved the model to {MODEL_DIR}/")'] : ['print(f"Saved the model to {MODEL_DIR}/")']),
    );
  }
  w.block(trained ? C.save : 'Save the (untrained) model.', lines);
}

/** An image file as the studio reads it, with TensorFlow's decoder and bilinear resize. */
const tfLoadImage = [
  'def load_image(path):',
  '    rgb = tf.io.decode_image(tf.io.read_file(path), channels=3, expand_animations=False)',
  '    resized = tf.image.resize(tf.cast(rgb, tf.float32), (HEIGHT, WIDTH), method="bilinear") / 255.0',
  '    if CHANNELS == 1:',
  '        resized = tf.reduce_sum(resized * [0.299, 0.587, 0.114], axis=-1, keepdims=True)',
  '    return resized.numpy()',
];

function strategyScope(lines: string[], strategy: Exclude<Strategy, null>): string[] {
  const create = strategy === 'mirrored' ? ['strategy = tf.distribute.MirroredStrategy()'] : [];
  return [...create, 'with strategy.scope():', ...indent(lines, '    ')];
}


// ---- model ------------------------------------------------------------------------------------------

function pythonValue(name: string, value: ParamValue): string {
  if (typeof value === 'string' && (name === 'activation' || name === 'recurrentActivation')) return pythonString(activationToKeras(value));
  if (typeof value === 'string' && name.endsWith('Initializer')) return pythonString(initializerNames[value] ?? camelToSnake(value));
  return valueLiteral(value, 'python', true);
}

function kerasArgs(def: LayerDef, params: Record<string, ParamValue>): string[] {
  const args = changedParams(def, params, kerasDefaults[def.type] ?? {}).filter(([k]) => !isCallArgument(def.type, k)).map(([k, v]) => `${kerasParamNames[def.type]?.[k] ?? camelToSnake(k)}=${pythonValue(k, v)}`);
  // Keras 3's GRU defaults to reset_after=True (two bias vectors); TF.js's GRU is the reset_after=False kind.
  if (def.type === 'GRU') args.push('reset_after=False');
  return args;
}

function layerCall(step: LayerStep): string {
  const args = kerasArgs(step.def, step.params);
  const inner = wrappedLayer(step.params);
  if (inner) {
    const innerName = pythonString(`${step.layer.name}_${inner.def.type.toLowerCase()}`);
    args.unshift(`layers.${inner.def.type}(${[...kerasArgs(inner.def, inner.params), `name=${innerName}`].join(', ')})`);
  }
  if (step.layer.trainable === false) args.push('trainable=False');
  args.push(`name=${pythonString(step.layer.name)}`);
  const callee = scriptDefinedKerasLayers.has(step.def.type) ? step.def.type : `layers.${step.def.type}`;
  return `${callee}(${args.join(', ')})`;
}

function modelLines(plan: CodePlan): string[] {
  const { steps } = plan.model;
  const names = assignIdentifiers(steps.map((s) => s.layer.name), 'python', programNames, steps.map((s) => s.def.type));
  const lines: string[] = [];
  steps.forEach((step, i) => {
    const comment = blockComment(steps, i, '#');
    if (comment) lines.push(comment);
    if (step.def.type === 'Input') {
      const p = step.params;
      const args = [`shape=${valueLiteral(p.shape, 'python', true)}`, ...(p.dtype !== 'float32' ? [`dtype=${pythonString(String(p.dtype))}`] : []), `name=${pythonString(step.layer.name)}`];
      lines.push(`${names[i]} = keras.Input(${args.join(', ')})`);
      return;
    }
    const ins = step.inputs.map((j) => names[j]);
    lines.push(`${names[i]} = ${layerCall(step)}(${kerasCallArguments(step, ins)})`);
  });
  lines.push(
    `model = keras.Model(inputs=${names[plan.model.input]}, outputs=${names[plan.model.output]})`,
    `model.summary()  # ${plan.model.totalParams.toLocaleString('en-US')} parameters in the studio`,
  );
  return lines;
}

const optimizerClasses: Record<string, string> = {
  sgd: 'SGD', adam: 'Adam', adamax: 'Adamax', rmsprop: 'RMSprop', adagrad: 'Adagrad', adadelta: 'Adadelta',
};

function compileLines(train: TrainPlan): string[] {
  const o = train.config.optimizer;
  const args = [`learning_rate=${numberLiteral(o.learningRate)}`];
  if (o.name === 'sgd' && o.momentum > 0) args.push(`momentum=${numberLiteral(o.momentum)}`);
  if (o.name === 'sgd' && o.nesterov) args.push('nesterov=True');
  return [
    `model.compile(optimizer=keras.optimizers.${optimizerClasses[o.name]}(${args.join(', ')}), loss=${pythonString(camelToSnake(train.loss.loss))}, metrics=${valueLiteral(train.loss.metrics, 'python')})`,
  ];
}

function writeFit(w: SourceWriter, train: TrainPlan): void {
  const { config } = train;
  const augment = augmentOf(train);
  const fitArgs = augment ? ['train_data', 'epochs=EPOCHS'] : ['x_train', 'y_train', 'epochs=EPOCHS', 'batch_size=BATCH_SIZE'];
  if (!config.shuffle && !augment) fitArgs.push('shuffle=False');
  if (augment) writeKerasAugment(w, train, augment);
  // A tiny data set can leave the validation split empty; training then skips it.
  if (train.hasValidation) fitArgs.push('validation_data=(x_validation, y_validation) if len(x_validation) else None');
  if (usesClassWeights(train)) {
    w.block(C.classWeights, classWeightLines(train));
    fitArgs.push('class_weight=class_weight');
  }
  const callbacks: string[] = [];
  const monitor = (m: string) => pythonString(m.replace(/(^|_)acc$/, '$1accuracy'));
  const es = train.earlyStopping;
  if (es) {
    const args = [`monitor=${monitor(es.monitor)}`, `patience=${es.patience}`, `mode="${es.mode}"`];
    if (es.minDelta > 0) args.push(`min_delta=${numberLiteral(es.minDelta)}`);
    if (es.restoreBestWeights) args.push('restore_best_weights=True');
    callbacks.push(`    # ${C.earlyStopping}`, `    keras.callbacks.EarlyStopping(${args.join(', ')}),`);
  }
  const lr = train.reduceLr;
  if (lr) {
    const args = [`monitor=${monitor(lr.monitor)}`, `factor=${numberLiteral(lr.factor)}`, `patience=${lr.patience}`, `min_lr=${numberLiteral(lr.minLearningRate)}`, 'min_delta=0', `mode="${lr.mode}"`];
    callbacks.push(`    # ${C.reduceLr}`, `    keras.callbacks.ReduceLROnPlateau(${args.join(', ')}),`);
  }
  if (callbacks.length > 0) {
    w.block(null, ['callbacks = [', ...callbacks, ']']);
    fitArgs.push('callbacks=callbacks');
  }
  w.block(C.train, [`model.fit(${fitArgs.join(', ')})`]);
}

/**
 * Augmentation with Keras's own random layers, bounded as the studio's settings are (app/training/config.ts
 * documents the correspondence), applied by tf.data to the training batches only, anew every epoch.
 */
function writeKerasAugment(w: SourceWriter, train: TrainPlan, augment: AugmentSettings): void {
  const seed = 'seed=AUGMENT_SEED';
  const steps: string[] = [];
  if (augment.flip !== 'none') steps.push(`layers.RandomFlip(${pythonString(augment.flip === 'both' ? 'horizontal_and_vertical' : augment.flip)}, ${seed}),`);
  if (augment.rotation > 0) steps.push(`layers.RandomRotation(${numberLiteral(augment.rotation)} / 360, fill_mode="reflect", ${seed}),`);
  if (augment.zoom > 0) steps.push(`layers.RandomZoom(${numberLiteral(augment.zoom)}, fill_mode="reflect", ${seed}),`);
  if (augment.shift > 0) steps.push(`layers.RandomTranslation(${numberLiteral(augment.shift)}, ${numberLiteral(augment.shift)}, fill_mode="reflect", ${seed}),`);
  if (augment.brightness > 0) steps.push(`layers.RandomBrightness(${numberLiteral(augment.brightness)}, value_range=(0, 1), ${seed}),`);
  const reconstruction = train.data.task === 'reconstruction';
  w.block('Augmentation: each training picture flipped, turned, zoomed, shifted and brightened at random within the studio\'s bounds,\n# anew every epoch, by Keras\'s own random layers (the studio draws with its own generator, so the pictures differ, not the ranges).\n# Validation and test pictures are never changed.', [
    `AUGMENT_SEED = ${augment.seed ?? 'SEED'}`,
    'augment = keras.Sequential([',
    ...steps.map((l) => `    ${l}`),
    '])',
    '',
    '',
    'def augment_pictures(x, y):',
    '    x = augment(x, training=True)',
    `    return x, ${reconstruction ? 'tf.reshape(x, tf.shape(y))  # an autoencoder gives back the augmented picture' : 'y'}`,
    '',
    '',
    'train_data = tf.data.Dataset.from_tensor_slices((x_train, y_train))',
    ...(train.config.shuffle ? ['train_data = train_data.shuffle(len(x_train), seed=SEED, reshuffle_each_iteration=True)'] : []),
    'train_data = train_data.batch(BATCH_SIZE).map(augment_pictures).prefetch(tf.data.AUTOTUNE)',
  ]);
}
