// The data half of every generated Python script (Keras and PyTorch alike): settings, the studio's
// seeded split (a port of mulberry32 and Math.round), reading CSV/TSV with pandas, images or the MNIST
// digits, fitting the preprocessing on the training rows, the numpy arrays, and the preprocessor to
// save. The two Python generators differ only in the library-specific lines they pass in.
import type { DataPlan, ImageDataPlan, TableDataPlan, TextDataPlan } from './dataPlan.ts';
import { numberLiteral, pythonString, valueLiteral } from './literals.ts';
import { blockComments as C, type CodePlan, type TrainPlan } from './plan.ts';
import { dedent, indent, SourceWriter } from './writer.ts';

export interface PythonDataOptions {
  /** Lines defining `load_image(path)` for an image folder: the library's own image decoding. */
  loadImage: string[];
  /** The function that prints progress (`print`, or a script's rank-0-only `log`). */
  say: string;
  /** Expression naming the target column: its string literal, or a script setting that can override it. */
  targetName?: string;
}

/** Names the data code defines at module level (generated layer variables must not take them). */
export const pythonDataNames = [
  'json', 'math', 'os', 'np', 'pd', 'regex', 're', 'mulberry32', 'shuffle', 'round_half_up',
  'is_missing', 'parse_number', 'sort_labels', 'frame', 'header', 'rows', 'column', 'usable', 'split_rows', 'split',
  'fit_numeric', 'fit_categorical', 'fitted', 'encode_row', 'encode_text', 'classes', 'class_index', 'label', 'target',
  'targets', 'counts', 'vocabulary', 'word_ids', 'pixels', 'labels', 'files', 'load_image', 'arrays', 'x_train',
  'y_train', 'x_validation', 'y_validation', 'x_test', 'y_test', 'preprocessor', 'name', 'value', 'file', 'kept',
  'DATA_PATH', 'MODEL_DIR', 'SEED', 'SPLIT_SEED', 'VALIDATION_SPLIT', 'TEST_SPLIT', 'EPOCHS', 'BATCH_SIZE', 'ROW_LIMIT', 'MISSING',
  'NUMBER', 'FEATURES', 'TARGET', 'TEXT', 'WORD', 'VOCAB_SIZE', 'SEQUENCE_LENGTH', 'WIDTH', 'HEIGHT', 'CHANNELS',
  'PER_CLASS', 'INPUT_SHAPE',
  // Module-level loop variables of the data code (Python has no block scope).
  'digit', 'data', 'size', 'k', 'folder', 'entry', 'word', 'frequent', 'cells', 'cell', 'i', 'c', 'f', 'fit', 'feature',
];

/** What the data code imports: `re` (number and file-name patterns), pandas (CSV/TSV) and regex (the tokenizer). */
export function pythonDataImports(data: DataPlan | undefined): { re: boolean; pandas: boolean; regex: boolean } {
  return {
    re: data !== undefined && (data.kind !== 'images' || data.source === 'folder' || data.task === 'classification'),
    pandas: data !== undefined && data.kind !== 'images',
    regex: data?.kind === 'text',
  };
}

/** The settings block's lines: where the data is, where the model goes, the split and the training lengths. */
export function pythonSettings(train: TrainPlan, modelDir: string): string[] {
  const { config, data } = train;
  const settings = [
    `DATA_PATH = ${pythonString(data.path)}`,
    `MODEL_DIR = ${pythonString(modelDir)}`,
    `SEED = ${config.seed}`,
    `SPLIT_SEED = ${config.splitSeed ?? 'SEED'}`,
    `VALIDATION_SPLIT = ${numberLiteral(config.validationSplit)}`,
    `TEST_SPLIT = ${numberLiteral(config.testSplit)}`,
    `EPOCHS = ${config.epochs}`,
    `BATCH_SIZE = ${config.batchSize}`,
  ];
  if (data.limitRows !== undefined && !(data.kind === 'images' && data.source === 'mnist')) settings.push(`ROW_LIMIT = ${data.limitRows}`);
  return settings;
}

/** The studio's seeded random generator (app/data/split.ts `mulberry32`) in Python. */
export const pythonMulberry32 = dedent(`
    def mulberry32(seed):
        state = seed & 0xFFFFFFFF

        def random():
            nonlocal state
            state = (state + 0x6D2B79F5) & 0xFFFFFFFF
            t = state
            t = ((t ^ (t >> 15)) * (t | 1)) & 0xFFFFFFFF
            t ^= (t + (t ^ (t >> 7)) * (t | 61)) & 0xFFFFFFFF
            return ((t ^ (t >> 14)) & 0xFFFFFFFF) / 4294967296

        return random`);

/** Everything from the random generator to the arrays and the preprocessor, as module-level code. */
export function writePythonData(w: SourceWriter, plan: CodePlan, train: TrainPlan, options: PythonDataOptions): void {
  const { data } = train;
  const targetName = options.targetName ?? (data.kind === 'images' ? '"class"' : pythonString(data.target ?? ''));
  w.block(C.random, pythonMulberry32);
  w.block(C.shuffle, dedent(`
    def shuffle(items, random):
        for i in range(len(items) - 1, 0, -1):
            j = math.floor(random() * (i + 1))
            items[i], items[j] = items[j], items[i]
        return items`));
  w.block('JavaScript\'s Math.round (halves round up; Python\'s round() rounds them to even): the split sizes depend on it.', [
    'def round_half_up(x):',
    '    return math.floor(x + 0.5)',
  ]);
  if (data.kind === 'images') writeImageData(w, data, options.loadImage);
  else writeCsvData(w, data, targetName);
  const stratified = data.task === 'classification' || data.kind === 'images';
  writeSplit(w, stratified, data.kind === 'images' ? 'labels[i]' : 'rows[i][TARGET]');
  if (data.kind === 'table') writeTableFit(w, data);
  if (data.kind === 'text') writeTextFit(w, data);
  writeArrays(w, plan, train, options.say, targetName);
}

function writeCsvData(w: SourceWriter, data: TableDataPlan | TextDataPlan, targetName: string): void {
  w.block(C.missing, [
    'MISSING = {"", "na", "n/a", "nan", "null", "none", "?"}',
    '',
    '',
    'def is_missing(cell):',
    '    return cell.lower() in MISSING',
  ]);
  const numbers = [
    'NUMBER = re.compile(r"[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?")',
    '',
    '',
    `def parse_number(cell${data.decimalComma ? ', decimal_comma=False' : ''}):`,
    '    if NUMBER.fullmatch(cell):',
    '        return float(cell)',
  ];
  if (data.decimalComma) numbers.push('    if decimal_comma and re.fullmatch(r"[+-]?[0-9]+,[0-9]+", cell):', '        return float(cell.replace(",", "."))');
  numbers.push('    return math.nan');
  w.block(`${C.numbers}${data.decimalComma ? ' This file writes decimals with a comma ("1,5").' : ''}`, numbers);
  const needsSort = data.task === 'classification' || (data.kind === 'table' && data.features.some((f) => f.type === 'categorical'));
  if (needsSort) {
    w.block(C.sortLabels, [
      'def sort_labels(labels):',
      '    if all(math.isfinite(parse_number(label)) for label in labels):',
      '        return sorted(labels, key=lambda label: (parse_number(label), label))',
      '    return sorted(labels)',
    ]);
  }
  const read = [
    `frame = pd.read_csv(DATA_PATH, sep=${pythonString(data.delimiter)}, header=${data.hasHeader ? '0' : 'None'}, dtype=str, keep_default_na=False, encoding="utf-8-sig", index_col=False${data.hasHeader ? '' : `, names=${valueLiteral(data.columns, 'python')}`})`,
    'header = [str(name).strip() for name in frame.columns]',
    'rows = [[cell.strip() for cell in row] for row in frame.astype(str).values.tolist()]',
    'rows = [row for row in rows if any(cell != "" for cell in row)]',
  ];
  w.block(C.readCsv, read);
  if (data.limitRows !== undefined) {
    w.block(C.sample, [
      'kept = sorted(shuffle(list(range(len(rows))), mulberry32(SPLIT_SEED ^ 0x5EED))[:ROW_LIMIT])',
      'rows = [rows[i] for i in kept]',
    ]);
  }
  const cols = [
    'def column(name):',
    '    if name not in header:',
    '        raise SystemExit(f"{DATA_PATH} has no column {name!r}; its columns are {\', \'.join(header)}.")',
    '    return header.index(name)',
    '',
    '',
  ];
  if (data.kind === 'text') cols.push(`TEXT = column(${pythonString(data.textColumn)})`);
  else {
    cols.push('FEATURES = [');
    for (const f of data.features) cols.push(`    {"name": ${pythonString(f.name)}, "type": "${f.type}", "column": column(${pythonString(f.name)})},`);
    cols.push(']');
  }
  if (data.kind === 'text' || data.target !== null) cols.push(`TARGET = column(${targetName})`);
  w.block(C.columns, cols);
  const checks: string[] = [];
  if (data.kind === 'text' || data.target !== null) checks.push('not is_missing(cells[TARGET])');
  if (data.kind === 'table' && data.missing === 'drop-row') {
    const dc = data.decimalComma ? ', True' : '';
    const numeric = data.features.some((f) => f.type === 'numeric');
    const categorical = data.features.some((f) => f.type === 'categorical');
    const test = numeric && categorical
      ? `(math.isfinite(parse_number(cells[f["column"]]${dc})) if f["type"] == "numeric" else not is_missing(cells[f["column"]]))`
      : numeric ? `math.isfinite(parse_number(cells[f["column"]]${dc}))` : 'not is_missing(cells[f["column"]])';
    checks.push(`all(${test} for f in FEATURES)`);
  }
  w.block(checks.length > 0 ? C.usable : null, [
    checks.length > 0 ? `usable = [i for i, cells in enumerate(rows) if ${checks.join(' and ')}]` : 'usable = list(range(len(rows)))',
  ]);
}

function writeImageData(w: SourceWriter, data: ImageDataPlan, loadImage: string[]): void {
  const sizes = [`WIDTH = ${data.width}`, `HEIGHT = ${data.height}`, `CHANNELS = ${data.channels}`];
  if (data.source === 'mnist') {
    w.block(C.mnist, [
      ...sizes,
      `PER_CLASS = ${data.perClass ?? 300}`,
      'pixels, labels = [], []',
      'for digit in range(10):',
      '    with open(os.path.join(DATA_PATH, f"{digit}.json"), encoding="utf-8") as file:',
      '        data = json.load(file)["data"]',
      '    size = WIDTH * HEIGHT * CHANNELS',
      '    for k in range(min(PER_CLASS, len(data) // size)):',
      '        pixels.append(data[k * size:(k + 1) * size])',
      '        labels.append(str(digit))',
    ]);
  } else {
    w.block(C.images, [
      ...sizes,
      'files, labels = [], []',
      'for folder in sorted(entry.name for entry in os.scandir(DATA_PATH) if entry.is_dir() and not entry.name.startswith(".")):',
      '    for entry in sorted(os.scandir(os.path.join(DATA_PATH, folder)), key=lambda entry: entry.name):',
      '        if entry.is_file() and re.search(r"\\.(png|jpe?g)$", entry.name, re.IGNORECASE):',
      '            files.append(entry.path)',
      '            labels.append(folder)',
      '',
      '',
      ...loadImage,
    ]);
  }
  if (data.task === 'classification') {
    w.block(C.sortLabels, [
      'def sort_labels(labels):',
      '    if all(re.fullmatch(r"[+-]?([0-9]+\\.?[0-9]*|\\.[0-9]+)([eE][+-]?[0-9]+)?", label) for label in labels):',
      '        return sorted(labels, key=lambda label: (float(label), label))',
      '    return sorted(labels)',
    ]);
  }
  w.block(null, ['usable = list(range(len(labels)))']);
  if (data.limitRows !== undefined && data.source === 'folder') {
    w.block(C.sample, ['usable = sorted(shuffle(usable, mulberry32(SPLIT_SEED ^ 0x5EED))[:ROW_LIMIT])']);
  }
}

function writeSplit(w: SourceWriter, stratified: boolean, classOf: string): void {
  const cut = [
    'n_test = min(round_half_up(len(group) * TEST_SPLIT), max(0, len(group) - 1))',
    'rest = len(group) - n_test',
    'n_validation = min(round_half_up(rest * VALIDATION_SPLIT), max(0, rest - 1))',
  ];
  if (stratified) {
    w.block(`${C.split} ${C.splitStratified}`, [
      'def split_rows(indices):',
      '    random = mulberry32(SPLIT_SEED)',
      '    groups = {}',
      '    for i in shuffle(list(indices), random):',
      `        groups.setdefault(${classOf}, []).append(i)`,
      '    split = {"train": [], "validation": [], "test": []}',
      '    for group in groups.values():',
      ...indent(cut, '        '),
      '        split["test"] += group[:n_test]',
      '        split["validation"] += group[n_test:n_test + n_validation]',
      '        split["train"] += group[n_test + n_validation:]',
      '    # Interleave the classes again so that batches are mixed.',
      '    for part in ("train", "validation", "test"):',
      '        shuffle(split[part], random)',
      '    return split',
      '',
      '',
      'split = split_rows(usable)',
    ]);
  } else {
    w.block(C.split, [
      'def split_rows(indices):',
      '    group = shuffle(list(indices), mulberry32(SPLIT_SEED))',
      ...indent(cut, '    '),
      '    return {"test": group[:n_test], "validation": group[n_test:n_test + n_validation], "train": group[n_test + n_validation:]}',
      '',
      '',
      'split = split_rows(usable)',
    ]);
  }
}

function writeTableFit(w: SourceWriter, data: TableDataPlan): void {
  const numeric = data.features.some((f) => f.type === 'numeric');
  const categorical = data.features.some((f) => f.type === 'categorical');
  const dc = data.decimalComma ? ', True' : '';
  const fill = data.missing === 'zero' ? '0.0' : 'mean';
  if (numeric) {
    const body = {
      standard: ['    std = float(values.std()) if len(values) else 0.0', `    return {"name": feature["name"], "kind": "numeric", "center": mean, "scale": std if std > 1e-12 else 1.0, "fill": ${fill}}`],
      minmax: [
        '    low, high = (float(values.min()), float(values.max())) if len(values) else (0.0, 0.0)',
        `    return {"name": feature["name"], "kind": "numeric", "center": low, "scale": high - low if high - low > 1e-12 else 1.0, "fill": ${fill}}`,
      ],
      none: [`    return {"name": feature["name"], "kind": "numeric", "center": 0.0, "scale": 1.0, "fill": ${fill}}`],
    }[data.scaling];
    const needsMean = data.scaling === 'standard' || data.missing !== 'zero';
    // Without scaling and with zero fills nothing is fitted: the values need not be read at all.
    const needsValues = needsMean || data.scaling === 'minmax';
    w.block(C.fitNumeric, [
      'def fit_numeric(feature):',
      ...(needsValues ? [
        `    values = np.array([parse_number(rows[i][feature["column"]]${dc}) for i in split["train"]], dtype=np.float64)`,
        '    values = values[np.isfinite(values)]',
      ] : []),
      ...(needsMean ? ['    mean = float(values.mean()) if len(values) else 0.0'] : []),
      ...body,
    ]);
  }
  if (categorical) {
    w.block(C.fitCategorical, [
      'def fit_categorical(feature):',
      '    counts = {}',
      '    for i in split["train"]:',
      '        cell = rows[i][feature["column"]]',
      '        if not is_missing(cell):',
      '            counts[cell] = counts.get(cell, 0) + 1',
      '    categories = sort_labels(list(counts))',
      ...(data.missing === 'zero'
        ? ['    return {"name": feature["name"], "kind": "categorical", "categories": categories, "fill": None}']
        : [
          '    # A missing value takes the most frequent category.',
          '    fill = max(categories, key=lambda c: counts[c]) if categories else None',
          '    return {"name": feature["name"], "kind": "categorical", "categories": categories, "fill": fill}',
        ]),
    ]);
  }
  const fit = numeric && categorical
    ? 'fitted = [fit_numeric(f) if f["type"] == "numeric" else fit_categorical(f) for f in FEATURES]'
    : numeric ? 'fitted = [fit_numeric(f) for f in FEATURES]' : 'fitted = [fit_categorical(f) for f in FEATURES]';
  const numericBranch = [
    `value = parse_number(cells[feature["column"]]${dc})`,
    'values.append(((value if math.isfinite(value) else fit["fill"]) - fit["center"]) / fit["scale"])',
  ];
  const categoricalBranch = [
    'category = fit["fill"] if is_missing(cells[feature["column"]]) else cells[feature["column"]]',
    'values.extend(1.0 if c == category else 0.0 for c in fit["categories"])',
  ];
  const body = numeric && categorical
    ? ['if fit["kind"] == "numeric":', ...indent(numericBranch, '    '), 'else:', ...indent(categoricalBranch, '    ')]
    : numeric ? numericBranch : categoricalBranch;
  w.block(C.encodeRow, [
    fit,
    '',
    '',
    'def encode_row(cells):',
    '    values = []',
    '    for feature, fit in zip(FEATURES, fitted):',
    ...indent(body, '        '),
    '    return values',
  ]);
}

function writeTextFit(w: SourceWriter, data: TextDataPlan): void {
  const lower = data.lowercase ? '.lower()' : '';
  w.block(`${C.words} (The regex package understands these Unicode classes; Python's re does not.)`, [
    'WORD = regex.compile(r"\\p{Extended_Pictographic}|[\\p{L}\\p{M}\\p{N}]+(?:[\'’][\\p{L}\\p{M}\\p{N}]+)*")',
    `VOCAB_SIZE = ${data.vocabSize}`,
    `SEQUENCE_LENGTH = ${data.sequenceLength}`,
  ]);
  w.block(C.vocabulary, [
    'counts = {}',
    'for i in split["train"]:',
    `    for word in WORD.findall(rows[i][TEXT]${lower}):`,
    '        counts[word] = counts.get(word, 0) + 1',
    'frequent = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[: VOCAB_SIZE - 2]',
    'vocabulary = ["<pad>", "<oov>"] + [word for word, _ in frequent]',
    'word_ids = {word: i for i, word in enumerate(vocabulary)}',
  ]);
  w.block(C.encodeText, [
    'def encode_text(text):',
    `    ids = [word_ids.get(word, 1) for word in WORD.findall(text${lower})[:SEQUENCE_LENGTH]]`,
    '    return ids + [0] * (SEQUENCE_LENGTH - len(ids))',
  ]);
}

function writeArrays(w: SourceWriter, plan: CodePlan, train: TrainPlan, say: string, targetName: string): void {
  const { data, loss } = train;
  const inputShape = plan.model.steps[plan.model.input].params.shape as number[];
  const perSample = inputShape.reduce((a, b) => a * b, 1);
  const lines: string[] = [];
  const dc = data.kind !== 'images' && data.decimalComma ? ', True' : '';
  if (data.task === 'classification') {
    const cell = data.kind === 'images' ? 'labels[i]' : 'rows[i][TARGET]';
    lines.push(
      `# ${C.classes}`,
      `classes = sort_labels(list({${cell}: None for i in usable}))`,
      'class_index = {c: k for k, c in enumerate(classes)}',
      '',
      '',
      'def label(i):',
      `    return class_index[${cell}]`,
    );
  }
  if (data.task === 'regression') {
    lines.push(`# ${C.regressionTarget}`);
    if (data.kind === 'table' && data.scaling === 'none') lines.push('target = {"center": 0.0, "scale": 1.0}');
    else {
      lines.push(
        `targets = np.array([parse_number(rows[i][TARGET]${dc}) for i in split["train"]], dtype=np.float64)`,
        'targets = targets[np.isfinite(targets)]',
        'target = {"center": float(targets.mean()), "scale": float(targets.std()) if targets.std() > 1e-12 else 1.0}',
      );
    }
  }
  if (lines.length > 0) w.block(null, lines);

  let x: string;
  if (data.kind === 'table') x = '[encode_row(rows[i]) for i in indices]';
  else if (data.kind === 'text') x = '[encode_text(rows[i][TEXT]) for i in indices]';
  else if (data.source === 'mnist') x = '[pixels[i] for i in indices]';
  else x = '[load_image(files[i]) for i in indices]';
  let y: string;
  switch (loss.targetFormat) {
    case 'one-hot':
      y = 'np.eye(len(classes), dtype="float32")[[label(i) for i in indices]]';
      break;
    case 'values':
      y = data.task === 'regression'
        ? `np.array([(parse_number(rows[i][TARGET]${dc}) - target["center"]) / target["scale"] for i in indices], dtype="float32").reshape(len(indices), 1)`
        : `x.reshape(len(indices), ${perSample})`;
      break;
    default:
      y = 'np.array([label(i) for i in indices], dtype="float32").reshape(len(indices), 1)';
  }
  w.block(C.tensors, [
    `INPUT_SHAPE = ${valueLiteral(inputShape, 'python', true)}`,
    '',
    '',
    'def arrays(indices):',
    `    x = np.array(${x}, dtype="float32").reshape((len(indices), *INPUT_SHAPE))`,
    `    return x, ${y}`,
    '',
    '',
    'x_train, y_train = arrays(split["train"])',
    ...(train.hasValidation ? ['x_validation, y_validation = arrays(split["validation"])'] : []),
    ...(train.hasTest ? ['x_test, y_test = arrays(split["test"])'] : []),
    `${say}(f"{len(split['train'])} training, {len(split['validation'])} validation and {len(split['test'])} test samples")`,
  ]);
  w.block(C.preprocessor, preprocessorLines(train, targetName));
}

function preprocessorLines(train: TrainPlan, targetName: string): string[] {
  const { data } = train;
  const kind = data.kind === 'images' ? 'image' : data.kind;
  const lines = [
    'preprocessor = {',
    '    "format": "modelwright-preprocessor",',
    '    "version": 1,',
    `    "kind": "${kind}",`,
    `    "task": "${data.task}",`,
    `    "missing": "${data.kind === 'images' ? 'drop-row' : data.missing}",`,
    `    "scaling": "${data.kind === 'images' ? 'none' : data.scaling}",`,
    `    "decimalComma": ${data.kind !== 'images' && data.decimalComma ? 'True' : 'False'},`,
    `    "features": ${data.kind === 'table' ? 'fitted' : '[]'},`,
  ];
  if (data.task === 'classification') {
    lines.push(`    "target": {"name": ${targetName}, "kind": "classification", "classes": classes},`);
  } else if (data.task === 'regression') {
    lines.push(`    "target": {"name": ${targetName}, "kind": "regression", "center": target["center"], "scale": target["scale"]},`);
  }
  if (data.kind === 'text') {
    lines.push(
      `    "text": {"column": ${pythonString(data.textColumn)}, "tokenizer": {"vocabSize": VOCAB_SIZE, "sequenceLength": SEQUENCE_LENGTH, "lowercase": ${data.lowercase ? 'True' : 'False'}, "vocabulary": vocabulary}},`,
    );
  }
  if (data.kind === 'images') lines.push('    "image": {"width": WIDTH, "height": HEIGHT, "channels": CHANNELS},');
  lines.push('}');
  return lines;
}

/** True when training weighs the classes (the studio ignores class weights outside classification). */
export function usesClassWeights(train: TrainPlan): boolean {
  return train.config.classWeights !== 'none' && train.data.task === 'classification';
}

/** `class_weight = {class number: weight}` from the training split's class counts, or the weights the user set. */
export function classWeightLines(train: TrainPlan): string[] {
  const cw = train.config.classWeights;
  return cw === 'auto'
    ? [
      '# "auto": n / (classes × count), so every class weighs the same in total.',
      'counts = [0] * len(classes)',
      'for i in split["train"]:',
      '    counts[label(i)] += 1',
      'class_weight = {k: len(split["train"]) / (len(classes) * count) if count > 0 else 1.0 for k, count in enumerate(counts)}',
    ]
    : [
      `CLASS_WEIGHTS = ${valueLiteral(cw, 'python')}`,
      'class_weight = {k: CLASS_WEIGHTS.get(c, 1.0) for k, c in enumerate(classes)}',
    ];
}
