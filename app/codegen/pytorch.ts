// Generates a PyTorch training script from the shared plan: the studio's data pipeline (shared with
// the Keras script, pythonData.ts), the graph as an nn.Module (pytorchLayers.ts), and a training loop
// with the studio's optimizer, loss, metrics, early stopping and evaluation. The same script runs
// alone or under torchrun (DistributedDataParallel), and has a --check mode that needs no data.
import { pythonAugmentNames, pythonAugmentSettings } from './pythonAugment.ts';
import { augmentOf } from './plan.ts';
import { wordEmbeddingTypes } from '../graph/layers/common.ts';
import { assignIdentifiers } from './identifiers.ts';
import { pythonString } from './literals.ts';
import { blockComment, blockComments as C, type CodePlan, type TrainPlan } from './plan.ts';
import { pythonDataImports, pythonDataNames, pythonSettings, writePythonData } from './pythonData.ts';
import { helperBlocks, type HelperName } from './pytorchHelpers.ts';
import { torchLayer, type TorchLayer } from './pytorchLayers.ts';
import { lossLines, writeEvaluate, writeFit, writeSave } from './pytorchTraining.ts';
import { writeProgram } from './program.ts';
import { indent, type SourceWriter } from './writer.ts';

export interface PyTorchOptions {
  modelDir?: string;
}

/** Names the script defines; layer attributes and variables never take them (nor nn.Module's own attributes). */
const programNames = [
  ...pythonDataNames, ...pythonAugmentNames, 'argparse', 'copy', 'sys', 'torch', 'nn', 'F', 'dist', 'DistributedDataParallel', 'DataLoader',
  'TensorDataset', 'DistributedSampler', 'Image', 'Model', 'model', 'net', 'parser', 'ARGS', 'log', 'RANK', 'WORLD_SIZE',
  'LOCAL_RANK', 'DEVICE', 'DISTRIBUTED', 'optimizer', 'loss_per_sample', 'batch_scores', 'run_epoch', 'make_loader',
  'check', 'count_parameters', 'evaluate', 'classification_scores', 'roc_auc', 'init_layer', 'initialize', 'hard_sigmoid',
  'identity', 'same_padding', 'ChannelsFirst', 'AtAxis', 'AveragePoolSame', 'CropEnd', 'GaussianNoise', 'fix_affine',
  'Recurrent', 'Bidirectional', 'MultiHeadAttention', 'PositionEmbedding', 'TokenAndPositionEmbedding', 'glorot_tensor', 'sine_position_encoding', 'STUDIO_NAMES', 'STUDIO_PARAMETERS', 'TARGET_COLUMN', 'SHUFFLE', 'EPSILON', 'WEIGHTS',
  'class_weight', 'CLASS_WEIGHTS', 'test', 'epochs_run', 'best_state', 'output', 'x', 'y', 'mask', 'self', 'example',
  // nn.Module's own attributes: a layer attribute of the same name would replace them.
  'T_destination', 'add_module', 'apply', 'bfloat16', 'buffers', 'children', 'cpu', 'cuda', 'double', 'dump_patches',
  'eval', 'extra_repr', 'float', 'forward', 'get_buffer', 'get_extra_state', 'get_parameter', 'get_submodule', 'half',
  'ipu', 'load_state_dict', 'modules', 'named_buffers', 'named_children', 'named_modules', 'named_parameters',
  'parameters', 'register_backward_hook', 'register_buffer', 'register_forward_hook', 'register_forward_pre_hook',
  'register_full_backward_hook', 'register_load_state_dict_post_hook', 'register_module', 'register_parameter',
  'requires_grad_', 'set_extra_state', 'share_memory', 'state_dict', 'to', 'to_empty', 'train', 'training', 'type',
  'xpu', 'zero_grad',
];

export function generatePyTorch(plan: CodePlan, options: PyTorchOptions = {}): string {
  const modelDir = options.modelDir ?? 'model';
  const targetColumn = targetColumnOf(plan.train);
  return writeProgram(plan, {
    header: (w) => writeHeader(w, plan),
    settings: (w, train) => {
      const settings = train ? pythonSettings(train, modelDir) : [`MODEL_DIR = ${pythonString(modelDir)}`, 'SEED = 42'];
      if (train) settings.push(`SHUFFLE = ${train.config.shuffle ? 'True' : 'False'}`);
      const augment = augmentOf(train);
      if (augment) settings.push(...pythonAugmentSettings(augment));
      if (targetColumn) settings.push(`TARGET_COLUMN = ${pythonString(targetColumn)}`);
      w.block(C.settings, settings);
      writeArguments(w, plan, targetColumn !== null);
    },
    definitions: (w) => {
      writeModelClass(w, plan);
      w.block('The loss for one sample at a time (so class weights can scale it), as Keras computes it.', lossLines(plan.train));
      writeCheck(w, plan);
      writeDistributedSetup(w);
    },
    data: (w, train) => writePythonData(w, plan, train, {
      loadImage: pillowLoadImage,
      say: 'log',
      ...(targetColumn ? { targetName: 'TARGET_COLUMN' } : {}),
    }),
    model: (w, train) => w.block(`${C.model} The same seed on every process gives every copy the same starting weights.`, [
      'torch.manual_seed(SEED)',
      'model = Model().to(DEVICE)',
      'log(model)',
      `log(f"{count_parameters(model):,} parameters (the studio counts {STUDIO_PARAMETERS:,})")`,
      ...(train ? [] : ['log("No dataset is bound to this project: bind one in the studio to get data loading, training and evaluation here.")']),
    ]),
    fit: (w, train) => writeFit(w, train),
    evaluate: (w, train) => writeEvaluate(w, train),
    save: (w, train) => writeSave(w, train),
  }, '#');
}

function targetColumnOf(train: TrainPlan | null): string | null {
  const data = train?.data;
  if (!data || data.kind === 'images') return null;
  return data.target;
}

function writeHeader(w: SourceWriter, plan: CodePlan): void {
  const train = plan.train;
  const data = train?.data;
  const uses = pythonDataImports(data);
  const folder = data?.kind === 'images' && data.source === 'folder';
  const pip = ['torch', 'numpy', ...(uses.pandas ? ['pandas'] : []), ...(uses.regex ? ['regex'] : []), ...(folder ? ['pillow'] : [])];
  w.block(null, [
    `# Generated by Modelwright: ${train ? 'trains' : 'builds'} this project's model with PyTorch.`,
    `# Install: pip install ${pip.join(' ')}`,
    ...(train
      ? [
        '# Run:     python train.py                  train, evaluate on the test split, save to MODEL_DIR',
        '#          python train.py --data FILE --target COLUMN --epochs N',
        '#          python train.py --check          build the model and run one forward and backward pass on random data',
        '#          torchrun --nproc_per_node=2 train.py   the same training in 2 processes (DistributedDataParallel)',
        '# The last line printed is one JSON object: {"test": {...}, "epochs": N}.',
      ]
      : [
        '# Run:     python train.py --check          build the model and run one forward and backward pass on random data',
        '#          python train.py                  save the untrained model',
      ]),
  ]);
  const stdlib = ['argparse', ...(train ? ['copy'] : []), 'json', 'math', 'os', ...(uses.re ? ['re'] : []), 'sys'];
  const third = ['numpy as np', ...(uses.pandas ? ['pandas as pd'] : []), ...(uses.regex ? ['regex'] : []), 'torch', 'torch.distributed as dist', 'torch.nn.functional as F'];
  w.block(null, [
    ...stdlib.map((m) => `import ${m}`),
    '',
    ...third.map((m) => `import ${m}`),
    ...(folder ? ['from PIL import Image'] : []),
    'from torch import nn',
    'from torch.nn.parallel import DistributedDataParallel',
    ...(train ? ['from torch.utils.data import DataLoader, TensorDataset', 'from torch.utils.data.distributed import DistributedSampler'] : []),
  ]);
}

function writeArguments(w: SourceWriter, plan: CodePlan, hasTarget: boolean): void {
  const train = plan.train;
  const args = [
    'parser = argparse.ArgumentParser(description="Train this project\'s model with PyTorch, as the studio does.")',
    'parser.add_argument("--check", action="store_true", help="build the model, run one forward and backward pass on random data, and exit")',
  ];
  const assigned = ['MODEL_DIR'];
  if (train) {
    args.push(`parser.add_argument("--data", default=DATA_PATH, help="the ${train.data.kind === 'images' ? 'folder of images (one subfolder per class)' : 'CSV/TSV file'} to train on")`);
    assigned.unshift('DATA_PATH');
    if (hasTarget) {
      args.push('parser.add_argument("--target", default=TARGET_COLUMN, help="the column to predict")');
      assigned.push('TARGET_COLUMN');
    }
    args.push('parser.add_argument("--epochs", type=int, default=EPOCHS, help="how many passes over the training rows")');
    assigned.push('EPOCHS');
  }
  args.push('parser.add_argument("--model-dir", default=MODEL_DIR, help="where to save the model")', 'ARGS = parser.parse_args()');
  const fromArgs = assigned.map((name) => `ARGS.${name === 'DATA_PATH' ? 'data' : name === 'TARGET_COLUMN' ? 'target' : name.toLowerCase()}`);
  args.push(`${assigned.join(', ')} = ${fromArgs.join(', ')}`);
  w.block('The command line: every option defaults to the setting above.', args);
}

/** The graph as an nn.Module, plus the helpers its layers need. */
function writeModelClass(w: SourceWriter, plan: CodePlan): void {
  const { steps } = plan.model;
  const names = assignIdentifiers(steps.map((s) => s.layer.name), 'python', programNames, steps.map((s) => s.def.type));
  const layers: (TorchLayer | null)[] = steps.map((step) => (step.def.type === 'Input'
    ? null
    : torchLayer(step, { inputShapes: step.inputs.map((j) => steps[j].outputShape) })));
  const helpers = new Set<HelperName>(layers.flatMap((l) => l?.helpers ?? []));
  for (const block of helperBlocks(helpers)) w.block(null, block);

  const init: string[] = [];
  const forward: string[] = [];
  const masks: (string | null)[] = steps.map(() => null);
  steps.forEach((step, i) => {
    const layer = layers[i];
    if (!layer) return;
    const self = `self.${names[i]}`;
    const comment = blockComment(steps, i, '#');
    if (comment) {
      init.push(comment);
      forward.push(comment);
    }
    // A frozen layer: its parameters get no gradients, so the optimizer leaves them as they are.
    if (layer.module) init.push(`${self} = ${layer.module}${step.layer.trainable === false ? '.requires_grad_(False)' : ''}`);
    const ins = step.inputs.map((j) => names[j]);
    const incoming = step.inputs.length === 1 ? masks[step.inputs[0]] : null;
    forward.push(`${names[i]} = ${layer.call(ins, self, layer.mask === 'consume' || layer.mask === 'pass' ? incoming : null)}`);
    if (layer.mask === 'create') {
      masks[i] = `${names[i]}_mask`;
      forward.push(`${names[i]}_mask = ${ins[0]} != 0  # padding (word id 0) is skipped by the recurrent layers`);
    } else if (layer.mask === 'pass') masks[i] = incoming;
  });
  const input = steps[plan.model.input];
  const inputShape = input.params.shape as (number | null)[];
  const studioNames = steps.map((s, i) => `    ${pythonString(names[i])}: ${pythonString(s.layer.name)},`);
  w.block(null, [
    'class Model(nn.Module):',
    '    """The studio\'s graph: one attribute per layer that has weights or settings, tensors in Keras\'s',
    '    channels-last layout (batch, ..., channels) from input to output."""',
    '',
    '    def __init__(self):',
    '        super().__init__()',
    ...indent(init.length > 0 ? init : ['pass'], '        '),
    '',
    `    def forward(self, ${names[plan.model.input]}):`,
    ...indent(forward, '        '),
    `        return ${names[plan.model.output]}`,
    '',
    '',
    '# Each variable and attribute above, and the layer it stands for in the studio.',
    'STUDIO_NAMES = {',
    ...studioNames,
    '}',
    `STUDIO_PARAMETERS = ${plan.model.totalParams}`,
    `INPUT_SHAPE = (${inputShape.map((d) => String(d ?? 1)).join(', ')}${inputShape.length === 1 ? ',' : ''})`,
    '',
    '',
    'def count_parameters(model):',
    '    """Weights as the studio counts them: every parameter, and BatchNorm\'s moving mean and variance."""',
    '    return sum(p.numel() for p in model.parameters()) + sum(',
    '        b.numel() for name, b in model.named_buffers() if name.endswith(("running_mean", "running_var")))',
  ]);
}

function writeCheck(w: SourceWriter, plan: CodePlan): void {
  const { steps } = plan.model;
  const input = steps[plan.model.input];
  // Word or category ids go into an Embedding: random ids below its vocabulary size.
  const embedding = steps.find((s) => wordEmbeddingTypes.has(s.def.type) && s.inputs.includes(plan.model.input));
  const vocabulary = embedding ? String(embedding.params.inputDim ?? embedding.params.vocabularySize) : '2';
  const x = input.params.dtype === 'int32' || embedding
    ? `torch.randint(0, ${vocabulary}, (4, *INPUT_SHAPE)).float()`
    : 'torch.rand(4, *INPUT_SHAPE)';
  const format = plan.train?.loss.targetFormat ?? 'values';
  const target = {
    'class-index': 'torch.randint(0, output.shape[-1], (len(output), 1)).float()',
    binary: 'torch.randint(0, 2, output.shape).float()',
    'one-hot': 'F.one_hot(torch.randint(0, output.shape[-1], (len(output),)), output.shape[-1]).float()',
    values: 'torch.rand(output.shape)',
  }[format];
  w.block('--check: build the model and run one forward and backward pass on random data, without reading any data.', [
    'def check():',
    '    torch.manual_seed(SEED)',
    '    model = Model()',
    `    output = model(${x})`,
    `    loss = loss_per_sample(output, ${target}).mean()`,
    '    loss.backward()',
    '    untouched = [name for name, p in model.named_parameters() if p.requires_grad and p.grad is None]',
    '    if untouched:',
    '        raise SystemExit(f"check failed: no gradient reached {\', \'.join(untouched)}")',
    '    print(f"check passed: output {tuple(output.shape)}, loss {loss.item():.4f}, "',
    '          f"{count_parameters(model)} parameters (the studio counts {STUDIO_PARAMETERS})")',
    '',
    '',
    'if ARGS.check:',
    '    check()',
    '    sys.exit(0)',
  ]);
}

function writeDistributedSetup(w: SourceWriter): void {
  w.block(null, [
    '# torchrun (python -m torch.distributed.run) starts one copy of this script per process and tells each',
    '# its rank through the environment: gloo connects processes on CPUs, nccl on GPUs (one GPU per process).',
    '# Started plainly, this script is the only process.',
    'WORLD_SIZE = int(os.environ.get("WORLD_SIZE", "1"))',
    'DISTRIBUTED = WORLD_SIZE > 1',
    'if DISTRIBUTED:',
    '    dist.init_process_group("nccl" if torch.cuda.is_available() else "gloo")',
    'RANK = dist.get_rank() if DISTRIBUTED else 0',
    'LOCAL_RANK = int(os.environ.get("LOCAL_RANK", "0"))',
    'DEVICE = torch.device("cuda", LOCAL_RANK) if torch.cuda.is_available() else torch.device("cpu")',
    'if DEVICE.type == "cuda":',
    '    torch.cuda.set_device(DEVICE)',
    '',
    '',
    'def log(*parts):',
    '    """Only the first process prints, so a run in many processes reads like one."""',
    '    if RANK == 0:',
    '        print(*parts, flush=True)',
    '',
    '',
    'if DISTRIBUTED:',
    '    log(f"Training in {WORLD_SIZE} processes ({dist.get_backend()} on {DEVICE.type})")',
  ]);
}

/** An image file as the studio reads it: RGB, resized bilinearly to the Input size, 0..1, grey if one channel. */
const pillowLoadImage = [
  'def load_image(path):',
  '    with Image.open(path) as image:',
  '        rgb = image.convert("RGB").resize((WIDTH, HEIGHT), Image.BILINEAR)',
  '    pixels = np.asarray(rgb, dtype=np.float32) / 255.0',
  '    if CHANNELS == 1:',
  '        pixels = (pixels * np.array([0.299, 0.587, 0.114], dtype=np.float32)).sum(axis=-1, keepdims=True)',
  '    return pixels',
];
