// The training half of a generated PyTorch script: the loss per sample, the studio's metrics, the
// epoch loop with DistributedDataParallel and DistributedSampler, early stopping and
// reduce-learning-rate-on-plateau with the studio's rules, the evaluation the studio reports, and saving.
import { lossTitle } from '../training/loss.ts';
import { numberLiteral, pythonString } from './literals.ts';
import { blockComments as C, type TrainPlan } from './plan.ts';
import { classWeightLines, usesClassWeights } from './pythonData.ts';
import { pythonAugmentFunctions } from './pythonAugment.ts';
import { augmentOf } from './plan.ts';
import type { SourceWriter } from './writer.ts';

/** `loss_per_sample(output, target)`: one loss value per sample, on the model's outputs (probabilities for classifiers). */
export function lossLines(train: TrainPlan | null): string[] {
  const loss = train?.loss.loss ?? 'meanSquaredError';
  const clipped = 'output.reshape(target.shape).clamp(EPSILON, 1 - EPSILON)';
  const body: Record<string, string[]> = {
    sparseCategoricalCrossentropy: ['return -torch.log(output.clamp(EPSILON, 1 - EPSILON)).gather(1, target.reshape(-1, 1).long()).squeeze(1)'],
    categoricalCrossentropy: ['return -(target * torch.log(output.clamp(EPSILON, 1 - EPSILON))).sum(-1)'],
    binaryCrossentropy: [`p = ${clipped}`, 'return -(target * torch.log(p) + (1 - target) * torch.log(1 - p)).flatten(1).mean(1)'],
    meanSquaredError: ['return ((output.reshape(target.shape) - target) ** 2).flatten(1).mean(1)'],
    meanAbsoluteError: ['return (output.reshape(target.shape) - target).abs().flatten(1).mean(1)'],
    huber: ['return F.huber_loss(output.reshape(target.shape), target, reduction="none", delta=1.0).flatten(1).mean(1)'],
  };
  return [
    '# Probabilities are kept away from 0 and 1 before the logarithm, as Keras does.',
    'EPSILON = 1e-7',
    '',
    '',
    'def loss_per_sample(output, target):',
    `    """${lossTitle(loss)}, one value per sample."""`,
    ...body[loss].map((l) => `    ${l}`),
  ];
}

const optimizers: Record<string, (lr: string, momentum: number, nesterov: boolean) => string> = {
  // TF.js's defaults where they differ from PyTorch's: epsilon 1e-7, RMSprop's rho 0.9, Adadelta's rho 0.95.
  adam: (lr) => `torch.optim.Adam(model.parameters(), lr=${lr}, eps=1e-07)`,
  adamax: (lr) => `torch.optim.Adamax(model.parameters(), lr=${lr}, eps=1e-07)`,
  rmsprop: (lr) => `torch.optim.RMSprop(model.parameters(), lr=${lr}, alpha=0.9, eps=1e-07)`,
  adagrad: (lr) => `torch.optim.Adagrad(model.parameters(), lr=${lr}, initial_accumulator_value=0.1)`,
  adadelta: (lr) => `torch.optim.Adadelta(model.parameters(), lr=${lr}, rho=0.95, eps=1e-07)`,
  sgd: (lr, momentum, nesterov) => `torch.optim.SGD(model.parameters(), lr=${lr}${momentum > 0 ? `, momentum=${numberLiteral(momentum)}` : ''}${nesterov ? ', nesterov=True' : ''})`,
};

/** The class number of each target row, for class weights. */
function classOfTarget(train: TrainPlan): string {
  return train.loss.targetFormat === 'one-hot' ? 'y.argmax(-1)' : 'y.reshape(-1).long()';
}

function scoreLines(train: TrainPlan): string[] {
  const lines = [
    'def batch_scores(output, target, losses):',
    '    """The loss and the studio\'s metrics for one batch, each summed over its samples."""',
    '    scores = {"loss": losses.sum()}',
  ];
  const diff = 'output.reshape(target.shape) - target';
  for (const metric of train.loss.metrics) {
    if (metric === 'accuracy') {
      const format = train.loss.targetFormat;
      if (format === 'values') continue;
      const hit = format === 'class-index' ? 'output.argmax(-1) == target.reshape(-1).long()'
        : format === 'one-hot' ? 'output.argmax(-1) == target.argmax(-1)'
          : '((output.reshape(target.shape) > 0.5).float() == target).float().flatten(1).mean(1)';
      lines.push(`    scores["accuracy"] = (${hit}).float().sum()`);
    } else if (metric === 'mse') lines.push(`    scores["mse"] = ((${diff}) ** 2).flatten(1).mean(1).sum()`);
    else lines.push(`    scores["mae"] = (${diff}).abs().flatten(1).mean(1).sum()`);
  }
  lines.push('    return scores');
  return lines;
}

export function writeFit(w: SourceWriter, train: TrainPlan): void {
  const o = train.config.optimizer;
  w.block(C.compile, [`optimizer = ${optimizers[o.name](numberLiteral(o.learningRate), o.momentum ?? 0, Boolean(o.nesterov))}`, '', '', ...scoreLines(train)]);
  const weighted = usesClassWeights(train);
  if (weighted) {
    w.block(C.classWeights, [
      ...classWeightLines(train),
      'WEIGHTS = torch.tensor([class_weight[k] for k in range(len(classes))], dtype=torch.float32, device=DEVICE)',
    ]);
  }
  w.block('Batches. Under torchrun each process trains on its own share of the rows every epoch (DistributedSampler),\n# with BATCH_SIZE / processes rows per batch, so a step still averages over BATCH_SIZE rows in all.', [
    'def make_loader(x, y, sampler=None, shuffle=False):',
    '    rows = TensorDataset(torch.from_numpy(x), torch.from_numpy(y))',
    '    return DataLoader(rows, batch_size=max(1, BATCH_SIZE // WORLD_SIZE), shuffle=shuffle and sampler is None,',
    '                      sampler=sampler, generator=torch.Generator().manual_seed(SEED))',
    '',
    '',
    'train_sampler = DistributedSampler(TensorDataset(torch.from_numpy(x_train)), shuffle=SHUFFLE, seed=SEED) if DISTRIBUTED else None',
    'train_loader = make_loader(x_train, y_train, train_sampler, SHUFFLE)',
    train.hasValidation
      ? 'validation_loader = make_loader(x_validation, y_validation) if len(x_validation) else None'
      : 'validation_loader = None',
    '# Every process holds a copy of the model; DistributedDataParallel averages the gradients after each backward pass.',
    'net = DistributedDataParallel(model, device_ids=[LOCAL_RANK] if DEVICE.type == "cuda" else None) if DISTRIBUTED else model',
  ]);
  const augment = augmentOf(train);
  if (augment) {
    w.block('Augmentation, as the studio does it (app/data/augment.ts): each training picture flipped, turned, zoomed, shifted and\n# brightened at random within AUGMENT, with a seed of its own per epoch and batch; validation and test pictures never are.', pythonAugmentFunctions);
  }
  // Under torchrun each process draws for its own batches: the batch index counts over all processes.
  const augmentLines = augment ? [
    '            if training and epoch is not None:',
    '                x = torch.from_numpy(augment_batch(x.numpy(), batch_seed(AUGMENT_SEED, epoch, batch * WORLD_SIZE + RANK)))',
    ...(train.data.task === 'reconstruction' ? ['                y = x.reshape(y.shape)  # an autoencoder learns to give back the augmented picture'] : []),
  ] : [];
  w.block(null, [
    `def run_epoch(module, loader, training=False${augment ? ', epoch=None' : ''}):`,
    `    """One pass over a loader (training when asked${augment ? ', its pictures augmented with the draws of epoch, counted from 0' : ''}): the mean loss and metrics per sample."""`,
    '    module.train(training)',
    '    sums, count = {}, 0',
    '    with torch.set_grad_enabled(training):',
    `        for ${augment ? 'batch, (x, y) in enumerate(loader)' : 'x, y in loader'}:`,
    ...augmentLines,
    '            x, y = x.to(DEVICE), y.to(DEVICE)',
    '            output = module(x)',
    `            losses = loss_per_sample(output, y)${weighted ? ` * WEIGHTS[${classOfTarget(train)}]` : ''}`,
    '            if training:',
    '                optimizer.zero_grad()',
    '                losses.mean().backward()',
    '                optimizer.step()',
    '            for name, value in batch_scores(output.detach(), y, losses.detach()).items():',
    '                sums[name] = sums.get(name, 0.0) + float(value)',
    '            count += len(x)',
    '    totals = torch.tensor([count, *sums.values()], dtype=torch.float64, device=DEVICE)',
    '    if training and DISTRIBUTED:',
    '        dist.all_reduce(totals)  # every process then reports the numbers of the whole epoch',
    '    return {name: (totals[k + 1] / totals[0]).item() for k, name in enumerate(sums)} if totals[0] > 0 else {}',
  ]);
  writeLoop(w, train);
}

function writeLoop(w: SourceWriter, train: TrainPlan): void {
  const es = train.earlyStopping;
  const lr = train.reduceLr;
  const key = (m: string) => pythonString(m.replace(/(^|_)acc$/, '$1accuracy'));
  const better = (mode: 'min' | 'max', best: string, delta: number) => {
    const bound = delta > 0 ? `${best} ${mode === 'min' ? '-' : '+'} ${numberLiteral(delta)}` : best;
    return `value ${mode === 'min' ? '<' : '>'} ${bound}`;
  };
  const setup: string[] = ['epochs_run = 0', 'best_state = None'];
  const body: string[] = [];
  // Like the studio, a val_ monitor falls back to the training value when there is no validation data.
  const read = (m: string) => `logs.get(${key(m)}, logs.get(${key(m.replace(/^val_/, ''))}))`;
  if (es) {
    setup.push(`best, wait = ${es.mode === 'min' ? 'math.inf' : '-math.inf'}, 0`);
    body.push(
      `    # ${C.earlyStopping} Here: no better ${es.monitor} for ${es.patience} epochs${es.restoreBestWeights ? ', then go back to the best weights' : ''}.`,
      `    value = ${read(es.monitor)}`,
      '    stop = False',
      '    if value is not None and not math.isnan(value):',
      `        if ${better(es.mode, 'best', es.minDelta)}:`,
      '            best, wait = value, 0',
      ...(es.restoreBestWeights ? ['            best_state = copy.deepcopy(model.state_dict())'] : []),
      '        else:',
      '            wait += 1',
      `            stop = wait >= ${Math.max(1, es.patience)}`,
      '    if DISTRIBUTED:  # the first process decides, so that all stop together',
      '        decision = torch.tensor([int(stop)], device=DEVICE)',
      '        dist.broadcast(decision, 0)',
      '        stop = bool(decision.item())',
      '    if stop:',
      '        log(f"Early stopping after epoch {epoch}")',
      '        break',
    );
  }
  if (lr) {
    setup.push(`plateau_best, plateau_wait = ${lr.mode === 'min' ? 'math.inf' : '-math.inf'}, 0`);
    body.push(
      `    # ${C.reduceLr} Here: ×${lr.factor} after ${lr.patience} epochs without a better ${lr.monitor}, down to ${lr.minLearningRate}.`,
      `    value = ${read(lr.monitor)}`,
      '    if value is not None and not math.isnan(value):',
      `        if ${better(lr.mode, 'plateau_best', 0)}:`,
      '            plateau_best, plateau_wait = value, 0',
      '        else:',
      '            plateau_wait += 1',
      `            if plateau_wait >= ${Math.max(1, lr.patience)}:`,
      '                plateau_wait = 0',
      '                for group in optimizer.param_groups:',
      `                    group["lr"] = max(group["lr"] * ${numberLiteral(lr.factor)}, min(group["lr"], ${numberLiteral(lr.minLearningRate)}))`,
    );
  }
  w.block(C.train, [
    ...setup,
    'for epoch in range(1, EPOCHS + 1):',
    '    if train_sampler is not None:',
    '        train_sampler.set_epoch(epoch)',
    `    logs = run_epoch(net, train_loader, training=True${augmentOf(train) ? ', epoch=epoch - 1' : ''})`,
    '    if validation_loader is not None:',
    '        logs.update({f"val_{name}": value for name, value in run_epoch(model, validation_loader).items()})',
    '    epochs_run = epoch',
    '    log(f"epoch {epoch}/{EPOCHS}: " + ", ".join(f"{name} {value:.4f}" for name, value in logs.items()))',
    ...body,
    ...(es?.restoreBestWeights ? ['if best_state is not None:', '    model.load_state_dict(best_state)'] : []),
  ]);
}

export function writeEvaluate(w: SourceWriter, train: TrainPlan): void {
  const classification = train.data.task === 'classification';
  const labels = train.loss.targetFormat === 'one-hot' ? 'y.argmax(axis=1)' : 'y.reshape(-1).astype(np.int64)';
  const scaled = train.data.task === 'regression';
  w.block(`${C.evaluate} These are the numbers the studio reports for a run.`, [
    ...(classification ? [
      'def roc_auc(scores, positive):',
      '    """Area under the ROC curve; tied scores count half (the Mann-Whitney statistic). None without both kinds."""',
      '    pos = int(positive.sum())',
      '    if pos == 0 or pos == len(positive):',
      '        return None',
      '    order = np.argsort(-scores, kind="stable")',
      '    s, p = scores[order], positive[order]',
      '    last = np.r_[s[1:] != s[:-1], True]',
      '    tpr = np.r_[0.0, np.cumsum(p)[last] / pos]',
      '    fpr = np.r_[0.0, np.cumsum(~p)[last] / (len(p) - pos)]',
      '    return float(np.trapz(tpr, fpr))',
      '',
      '',
      'def classification_scores(probabilities, labels):',
      '    """Accuracy, macro precision, recall and F1 (a class never predicted scores 0), macro ROC AUC; the positive class\'s scores for two classes."""',
      '    width = probabilities.shape[1]',
      '    predicted = (probabilities[:, 0] >= 0.5).astype(np.int64) if width == 1 else probabilities.argmax(axis=1)',
      '    k = max(2 if width == 1 else width, int(labels.max()) + 1)',
      '    confusion = np.zeros((k, k), dtype=np.int64)',
      '    np.add.at(confusion, (labels, predicted), 1)',
      '    hits, predicted_count, actual_count = np.diag(confusion), confusion.sum(axis=0), confusion.sum(axis=1)',
      '    precision = np.where(predicted_count > 0, hits / np.maximum(predicted_count, 1), 0.0)',
      '    recall = np.where(actual_count > 0, hits / np.maximum(actual_count, 1), 0.0)',
      '    f1 = np.where(precision + recall > 0, 2 * precision * recall / np.maximum(precision + recall, 1e-300), 0.0)',
      '    if width == 1:',
      '        aucs = [roc_auc(probabilities[:, 0], labels == 1)]',
      '    else:',
      '        aucs = [roc_auc(probabilities[:, c], labels == c) for c in ([1] if k == 2 else range(min(k, width)))]',
      '    aucs = [a for a in aucs if a is not None]',
      '    scores = {"accuracy": float((predicted == labels).mean()), "macroPrecision": float(precision.mean()),',
      '              "macroRecall": float(recall.mean()), "macroF1": float(f1.mean()), "auc": float(np.mean(aucs)) if aucs else None}',
      '    if k == 2:',
      '        # Two classes: the second (the positive class, as in the studio) with its own precision, recall and F1.',
      '        scores.update(precision=float(precision[1]), recall=float(recall[1]), f1=float(f1[1]))',
      '    return scores',
      '',
      '',
    ] : []),
    'def evaluate(x, y):',
    '    model.eval()',
    '    with torch.no_grad():',
    '        output = torch.cat([model(batch.to(DEVICE)).cpu() for batch in torch.from_numpy(x).split(BATCH_SIZE)])',
    '        truth = torch.from_numpy(y)',
    '        scores = {name: float(value) / len(x) for name, value in batch_scores(output, truth, loss_per_sample(output, truth)).items()}',
    ...(classification
      ? [`    scores.update(classification_scores(output.reshape(len(x), -1).double().numpy(), ${labels}))`]
      : [
        ...(scaled ? ['    # In the target\'s own units: the model learned the standardized target.'] : []),
        `    predicted = output.reshape(-1).double().numpy()${scaled ? ' * target["scale"] + target["center"]' : ''}`,
        `    actual = y.reshape(-1).astype(np.float64)${scaled ? ' * target["scale"] + target["center"]' : ''}`,
        '    spread = float(((actual - actual.mean()) ** 2).sum())',
        '    scores.update({"mse": float(((predicted - actual) ** 2).mean()), "mae": float(np.abs(predicted - actual).mean()),',
        '                   "r2": 1 - float(((predicted - actual) ** 2).sum()) / spread if spread > 0 else None})',
      ]),
    '    return scores',
    '',
    '',
    'test = evaluate(x_test, y_test) if RANK == 0 and len(x_test) else None',
    'if test is not None:',
    '    for name, value in test.items():',
    '        log(f"test {name}: {value if value is None else round(value, 4)}")',
  ]);
}

export function writeSave(w: SourceWriter, train: TrainPlan | null): void {
  const example = train ? 'torch.from_numpy(x_train[:1]).to(DEVICE)' : 'torch.zeros(1, *INPUT_SHAPE, device=DEVICE)';
  w.block(train ? `${C.save} (First process only.)` : 'Save the (untrained) model.', [
    'if RANK == 0:',
    '    os.makedirs(MODEL_DIR, exist_ok=True)',
    '    torch.save(model.state_dict(), os.path.join(MODEL_DIR, "model.pt"))',
    ...(train ? [
      '    with open(os.path.join(MODEL_DIR, "preprocessor.json"), "w", encoding="utf-8") as file:',
      '        json.dump(preprocessor, file, ensure_ascii=False, indent=2)',
    ] : []),
    '    # A copy for ONNX Runtime and other tools; its input is the preprocessed features, as the studio\'s model takes them.',
    '    model.eval()',
    `    example = ${example}`,
    '    try:',
    '        torch.onnx.export(model, example, os.path.join(MODEL_DIR, "model.onnx"), input_names=["input"], output_names=["output"],',
    '                          dynamic_axes={"input": {0: "batch"}, "output": {0: "batch"}}, opset_version=14)',
    '        log(f"Saved the model to {MODEL_DIR}/ (model.pt: the state_dict; model.onnx)")',
    '    except Exception as error:  # an operation ONNX cannot express: keep a TorchScript copy instead',
    '        torch.jit.trace(model, example).save(os.path.join(MODEL_DIR, "model.torchscript.pt"))',
    '        log(f"Saved the model to {MODEL_DIR}/ (model.pt: the state_dict; model.torchscript.pt, as ONNX failed: {error})")',
    'if DISTRIBUTED:',
    '    dist.destroy_process_group()',
    ...(train ? [
      ...(train.hasTest ? ['', '', 'def finite(value):', '    return value if value is None or math.isfinite(value) else None'] : []),
      '',
      '',
      '# The last line: one JSON object with the test scores (null without a test split) and the epochs trained.',
      'if RANK == 0:',
      train.hasTest
        ? '    print(json.dumps({"test": None if test is None else {name: finite(value) for name, value in test.items()}, "epochs": epochs_run}))'
        : '    print(json.dumps({"test": None, "epochs": epochs_run}))',
    ] : []),
  ]);
}
