// The data half of a generated TF.js program: the studio's seeded random generator and split, reading
// CSV/TSV (papaparse), image folders or the MNIST digits, fitting the preprocessing on the training
// rows, the tensors, and the preprocessor saved with the model.
import type { ImageDataPlan, TableDataPlan, TextDataPlan } from './dataPlan.ts';
import type { JsRuntime } from './javascript.ts';
import { jsString, numberLiteral, valueLiteral } from './literals.ts';
import { blockComments as C, type CodePlan, type TrainPlan } from './plan.ts';
import { dedent, indent, type SourceWriter } from './writer.ts';

/** How the program is written: JavaScript or TypeScript, for which TF.js runtime, saving where. */
export interface JsContext {
  typed: boolean;
  runtime: JsRuntime;
  modelDir: string;
  /** A type annotation in TypeScript, nothing in JavaScript. */
  ty: (annotation: string) => string;
}

/** The settings block of a training program. */
export function jsSettings(train: TrainPlan, ctx: JsContext): string[] {
  const { config, data } = train;
  const settings = [
    `const DATA_PATH = ${jsString(data.path)};`,
    `const MODEL_DIR = ${jsString(ctx.modelDir)};`,
    `const SEED = ${config.seed};`,
    `const SPLIT_SEED = ${config.splitSeed ?? 'SEED'};`,
    `const VALIDATION_SPLIT = ${numberLiteral(config.validationSplit)};`,
    `const TEST_SPLIT = ${numberLiteral(config.testSplit)};`,
    `const EPOCHS = ${config.epochs};`,
    `const BATCH_SIZE = ${config.batchSize};`,
  ];
  if (data.kind !== 'images' && data.limitRows !== undefined) settings.push(`const ROW_LIMIT = ${data.limitRows};`);
  return settings;
}

/** Everything from the random generator to the tensors and the preprocessor. */
export function writeJsData(w: SourceWriter, plan: CodePlan, train: TrainPlan, ctx: JsContext): void {
  const { data } = train;
  w.block(C.random, dedent(`
    function mulberry32(seed${ctx.ty(': number')})${ctx.ty(': () => number')} {
      let a = seed >>> 0;
      return () => {
        a = (a + 0x6d2b79f5) >>> 0;
        let t = a;
        t = Math.imul(t ^ (t >>> 15), t | 1);
        t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
        return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
      };
    }`));
  w.block(C.shuffle, dedent(`
    function shuffle${ctx.ty('<T>')}(items${ctx.ty(': T[]')}, random${ctx.ty(': () => number')})${ctx.ty(': T[]')} {
      for (let i = items.length - 1; i > 0; i--) {
        const j = Math.floor(random() * (i + 1));
        [items[i], items[j]] = [items[j], items[i]];
      }
      return items;
    }`));
  const classification = data.task === 'classification';
  if (data.kind === 'images') writeImageData(w, data, ctx);
  else writeCsvData(w, data, ctx);
  // Image folders are always split per class (the class is the folder), even for reconstruction.
  writeSplit(w, classification || data.kind === 'images', data.kind === 'images' ? 'labels[i]' : 'rows[i][TARGET]', ctx);
  if (data.kind === 'table') writeTableFit(w, data, ctx);
  if (data.kind === 'text') writeTextFit(w, data, ctx);
  writeTensors(w, plan, train, ctx);
}

function writeCsvData(w: SourceWriter, data: TableDataPlan | TextDataPlan, ctx: JsContext): void {
  w.block(C.missing, [
    "const MISSING = new Set(['', 'na', 'n/a', 'nan', 'null', 'none', '?']);",
    `const isMissing = (cell${ctx.ty(': string | undefined')})${ctx.ty(': boolean')} => cell === undefined || MISSING.has(cell.toLowerCase());`,
  ]);
  const numberLines = [
    `function parseNumber(cell${ctx.ty(': string')}${data.decimalComma ? ', decimalComma = false' : ''})${ctx.ty(': number')} {`,
    '  if (/^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$/.test(cell)) return Number(cell);',
  ];
  if (data.decimalComma) numberLines.push("  if (decimalComma && /^[+-]?\\d+,\\d+$/.test(cell)) return Number(cell.replace(',', '.'));");
  numberLines.push('  return NaN;', '}');
  w.block(`${C.numbers}${data.decimalComma ? ' This file writes decimals with a comma ("1,5").' : ''}`, numberLines);
  const needsSort = data.task === 'classification' || (data.kind === 'table' && data.features.some((f) => f.type === 'categorical'));
  if (needsSort) w.block(C.sortLabels, dedent(`
    function sortLabels(labels${ctx.ty(': string[]')})${ctx.ty(': string[]')} {
      const byCode = (a${ctx.ty(': string')}, b${ctx.ty(': string')}) => (a < b ? -1 : a > b ? 1 : 0);
      if (labels.every((l) => Number.isFinite(parseNumber(l)))) return labels.sort((a, b) => parseNumber(a) - parseNumber(b) || byCode(a, b));
      return labels.sort(byCode);
    }`));
  const read = [
    `const table = Papa.parse${ctx.ty('<string[]>')}(readFileSync(DATA_PATH, 'utf8').replace(/^\\uFEFF/, ''), { delimiter: ${jsString(data.delimiter)}, skipEmptyLines: 'greedy' })`,
    '  .data.map((row) => row.map((cell) => cell.trim()));',
  ];
  if (data.hasHeader) read.push(`${data.limitRows !== undefined ? 'let' : 'const'} [header, ...rows] = table;`);
  else {
    read.push(`const header = ${valueLiteral(data.columns, 'js')};`, `${data.limitRows !== undefined ? 'let' : 'const'} rows = table;`);
  }
  w.block(C.readCsv, read);
  if (data.limitRows !== undefined) {
    w.block(C.sample, [
      'const kept = shuffle(rows.map((_, i) => i), mulberry32(SPLIT_SEED ^ 0x5eed)).slice(0, ROW_LIMIT).sort((a, b) => a - b);',
      'rows = kept.map((i) => rows[i]);',
    ]);
  }
  const cols = [
    `function column(name${ctx.ty(': string')})${ctx.ty(': number')} {`,
    '  const i = header.indexOf(name);',
    '  if (i < 0) throw new Error(`${DATA_PATH} has no column ${JSON.stringify(name)}; its columns are ${header.join(\', \')}.`);',
    '  return i;',
    '}',
  ];
  if (data.kind === 'text') cols.push(`const TEXT = column(${jsString(data.textColumn)});`);
  else cols.push(`const FEATURES = ${featureList(data)};`);
  if (data.kind === 'text' || data.target !== null) cols.push(`const TARGET = column(${jsString(data.target!)});`);
  w.block(C.columns, cols);
  const dropRow = data.kind === 'table' && data.missing === 'drop-row';
  const checks: string[] = [];
  if (data.kind === 'text' || data.target !== null) checks.push('!isMissing(cells[TARGET])');
  if (dropRow) {
    checks.push(`FEATURES.every((f) => ${data.features.some((f) => f.type === 'numeric')
      ? (data.features.some((f) => f.type === 'categorical') ? "f.type === 'numeric' ? Number.isFinite(parseNumber(cells[f.column]" + (data.decimalComma ? ', true' : '') + ')) : !isMissing(cells[f.column])' : `Number.isFinite(parseNumber(cells[f.column]${data.decimalComma ? ', true' : ''}))`)
      : '!isMissing(cells[f.column])'})`);
  }
  if (checks.length > 0) {
    w.block(C.usable, [
      `const usable = rows.flatMap((cells, i) => (${checks.join(' && ')} ? [i] : []));`,
    ]);
  } else {
    w.block(null, ['const usable = rows.map((_, i) => i);']);
  }
}

function featureList(data: TableDataPlan): string {
  const items = data.features.map((f) => `  { name: ${jsString(f.name)}, type: '${f.type}', column: column(${jsString(f.name)}) },`);
  return `[\n${items.join('\n')}\n]`;
}

function writeImageData(w: SourceWriter, data: ImageDataPlan, ctx: JsContext): void {
  const sizes = [`const WIDTH = ${data.width};`, `const HEIGHT = ${data.height};`, `const CHANNELS = ${data.channels};`];
  if (data.source === 'mnist') {
    w.block(C.mnist, [
      ...sizes,
      `const PER_CLASS = ${data.perClass ?? 300};`,
      `const pixels${ctx.ty(': number[][]')} = [];`,
      `const labels${ctx.ty(': string[]')} = [];`,
      'for (let digit = 0; digit < 10; digit++) {',
      `  const { data } = JSON.parse(readFileSync(\`\${DATA_PATH}/\${digit}.json\`, 'utf8'))${ctx.ty(' as { data: number[] }')};`,
      '  const size = WIDTH * HEIGHT * CHANNELS;',
      '  for (let k = 0; k < Math.min(PER_CLASS, Math.floor(data.length / size)); k++) {',
      '    pixels.push(data.slice(k * size, (k + 1) * size));',
      '    labels.push(String(digit));',
      '  }',
      '}',
    ]);
  } else {
    const decode = ctx.runtime === 'tfjs-node'
      ? ['    const rgb = tf.node.decodeImage(readFileSync(path), 3).toFloat();']
      : [
        '    const bytes = readFileSync(path);',
        `    const image = /\\.png$/i.test(path) ? PNG.sync.read(bytes) : jpeg.decode(bytes, { useTArray: true, formatAsRGBA: true });`,
        '    const rgb = tf.tensor3d(Uint8Array.from(image.data), [image.height, image.width, 4]).slice([0, 0, 0], [-1, -1, 3]).toFloat();',
      ];
    w.block(C.images, [
      ...sizes,
      `const files${ctx.ty(': string[]')} = [];`,
      `const labels${ctx.ty(': string[]')} = [];`,
      "const classFolders = readdirSync(DATA_PATH, { withFileTypes: true }).filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort();",
      'for (const folder of classFolders) {',
      '  for (const entry of readdirSync(join(DATA_PATH, folder), { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {',
      '    if (!entry.isFile() || !/\\.(png|jpe?g)$/i.test(entry.name)) continue;',
      '    files.push(join(DATA_PATH, folder, entry.name));',
      '    labels.push(folder);',
      '  }',
      '}',
      `function loadImage(path${ctx.ty(': string')})${ctx.ty(': tf.Tensor3D')} {`,
      '  return tf.tidy(() => {',
      ...decode,
      '    const resized = tf.image.resizeBilinear(rgb, [HEIGHT, WIDTH], false, true).div(255);',
      `    return (CHANNELS === 1 ? resized.mul(tf.tensor1d([0.299, 0.587, 0.114])).sum(-1, true) : resized)${ctx.ty(' as tf.Tensor3D')};`,
      '  });',
      '}',
    ]);
  }
  if (data.task === 'classification') {
    w.block(C.sortLabels, [
      `function sortLabels(labels${ctx.ty(': string[]')})${ctx.ty(': string[]')} {`,
      `  const byCode = (a${ctx.ty(': string')}, b${ctx.ty(': string')}) => (a < b ? -1 : a > b ? 1 : 0);`,
      "  if (labels.every((l) => /^[+-]?(\\d+\\.?\\d*|\\.\\d+)([eE][+-]?\\d+)?$/.test(l))) return labels.sort((a, b) => Number(a) - Number(b) || byCode(a, b));",
      '  return labels.sort(byCode);',
      '}',
    ]);
  }
  w.block(null, [`${data.limitRows !== undefined ? 'let' : 'const'} usable = labels.map((_, i) => i);`]);
  if (data.limitRows !== undefined) {
    w.block(C.sample, [`usable = shuffle(usable, mulberry32(SPLIT_SEED ^ 0x5eed)).slice(0, ${data.limitRows}).sort((a, b) => a - b);`]);
  }
}

function writeSplit(w: SourceWriter, stratified: boolean, classOf: string, ctx: JsContext): void {
  const splitType = ctx.ty(': { train: number[]; validation: number[]; test: number[] }');
  const cut = dedent(`
    const nTest = Math.min(Math.round(group.length * TEST_SPLIT), Math.max(0, group.length - 1));
    const rest = group.length - nTest;
    const nValidation = Math.min(Math.round(rest * VALIDATION_SPLIT), Math.max(0, rest - 1));`);
  if (stratified) {
    w.block(`${C.split} ${C.splitStratified}`, [
      `function splitRows(indices${ctx.ty(': number[]')})${splitType} {`,
      '  const random = mulberry32(SPLIT_SEED);',
      `  const groups = new Map${ctx.ty('<string, number[]>')}();`,
      '  for (const i of shuffle(indices.slice(), random)) {',
      `    const key = ${classOf};`,
      '    if (!groups.has(key)) groups.set(key, []);',
      '    groups.get(key)!.push(i);'.replace('!', ctx.typed ? '!' : ''),
      '  }',
      `  const split${splitType} = { train: [], validation: [], test: [] };`,
      '  for (const group of groups.values()) {',
      ...indent(cut, '    '),
      '    split.test.push(...group.slice(0, nTest));',
      '    split.validation.push(...group.slice(nTest, nTest + nValidation));',
      '    split.train.push(...group.slice(nTest + nValidation));',
      '  }',
      '  // Interleave the classes again so that batches are mixed.',
      '  for (const part of [split.train, split.validation, split.test]) shuffle(part, random);',
      '  return split;',
      '}',
      'const split = splitRows(usable);',
    ]);
  } else {
    w.block(C.split, [
      `function splitRows(indices${ctx.ty(': number[]')})${splitType} {`,
      '  const group = shuffle(indices.slice(), mulberry32(SPLIT_SEED));',
      ...indent(cut),
      '  return { test: group.slice(0, nTest), validation: group.slice(nTest, nTest + nValidation), train: group.slice(nTest + nValidation) };',
      '}',
      'const split = splitRows(usable);',
    ]);
  }
}

function writeTableFit(w: SourceWriter, data: TableDataPlan, ctx: JsContext): void {
  const numeric = data.features.some((f) => f.type === 'numeric');
  const categorical = data.features.some((f) => f.type === 'categorical');
  const dc = data.decimalComma ? ', true' : '';
  const featureType = ctx.ty(': { name: string; column: number }');
  if (numeric) {
    const scale = {
      standard: ['  const std = Math.sqrt(values.reduce((sum, v) => sum + (v - mean) ** 2, 0) / Math.max(values.length, 1));', "  return { name, kind: 'numeric', center: mean, scale: std > 1e-12 ? std : 1, fill: FILL };"],
      minmax: [
        '  const min = values.reduce((a, b) => Math.min(a, b), Infinity);',
        '  const max = values.reduce((a, b) => Math.max(a, b), -Infinity);',
        "  return { name, kind: 'numeric', center: values.length > 0 ? min : 0, scale: max - min > 1e-12 ? max - min : 1, fill: FILL };",
      ],
      none: ["  return { name, kind: 'numeric', center: 0, scale: 1, fill: FILL };"],
    }[data.scaling].map((l) => l.replace('FILL', data.missing === 'zero' ? '0' : 'mean'));
    const needsMean = data.scaling === 'standard' || data.missing !== 'zero';
    // Without scaling and with zero fills nothing is fitted: the values need not be read at all.
    const needsValues = needsMean || data.scaling === 'minmax';
    w.block(C.fitNumeric, [
      `function fitNumeric(${needsValues ? '{ name, column }' : '{ name }'}${featureType}) {`,
      ...(needsValues ? [`  const values = split.train.map((i) => parseNumber(rows[i][column]${dc})).filter(Number.isFinite);`] : []),
      ...(needsMean ? ['  const mean = values.length > 0 ? values.reduce((a, b) => a + b, 0) / values.length : 0;'] : []),
      ...scale,
      '}',
    ]);
  }
  if (categorical) {
    w.block(C.fitCategorical, [
      `function fitCategorical({ name, column }${featureType}) {`,
      `  const counts = new Map${ctx.ty('<string, number>')}();`,
      '  for (const i of split.train) if (!isMissing(rows[i][column])) counts.set(rows[i][column], (counts.get(rows[i][column]) ?? 0) + 1);',
      '  const categories = sortLabels([...counts.keys()]);',
      ...(data.missing === 'zero'
        ? ["  return { name, kind: 'categorical', categories, fill: null };"]
        : [
          '  // A missing value takes the most frequent category.',
          `  const fill = categories.reduce${ctx.ty('<string | null>')}((best, c) => (best === null || counts.get(c)! > counts.get(best)! ? c : best), null);`.replace(/!/g, ctx.typed ? '!' : ''),
          "  return { name, kind: 'categorical', categories, fill };",
        ]),
      '}',
    ]);
  }
  const fitCall = numeric && categorical ? "FEATURES.map((f) => (f.type === 'numeric' ? fitNumeric(f) : fitCategorical(f)))" : numeric ? 'FEATURES.map(fitNumeric)' : 'FEATURES.map(fitCategorical)';
  const numericBranch = [
    `      const value = parseNumber(cells[FEATURES[k].column]${dc});`,
    '      return [((Number.isFinite(value) ? value : f.fill) - f.center) / f.scale];',
  ];
  const categoricalBranch = [
    '      const category = isMissing(cells[FEATURES[k].column]) ? f.fill : cells[FEATURES[k].column];',
    '      return f.categories.map((c) => (c === category ? 1 : 0));',
  ];
  const encodeBody = numeric && categorical
    ? ["    if (f.kind === 'numeric') {", ...numericBranch, '    }', ...categoricalBranch.map((l) => l.slice(2))]
    : (numeric ? numericBranch : categoricalBranch).map((l) => l.slice(2));
  w.block(C.encodeRow, [
    `const fitted = ${fitCall}${ctx.typed ? ' as Fitted[]' : ''};`,
    `function encodeRow(cells${ctx.ty(': string[]')})${ctx.ty(': number[]')} {`,
    '  return fitted.flatMap((f, k) => {',
    ...encodeBody,
    '  });',
    '}',
  ]);
  if (ctx.typed) {
    // TypeScript needs the union spelled out so the encoder can tell the two kinds apart.
    const kinds = [
      ...(numeric ? ["{ name: string; kind: 'numeric'; center: number; scale: number; fill: number }"] : []),
      ...(categorical ? ["{ name: string; kind: 'categorical'; categories: string[]; fill: string | null }"] : []),
    ];
    w.block(null, [`type Fitted = ${kinds.join(' | ')};`]);
  }
}

function writeTextFit(w: SourceWriter, data: TextDataPlan, ctx: JsContext): void {
  const lower = data.lowercase ? '.toLowerCase()' : '';
  w.block(C.words, [
    "const WORD = /\\p{Extended_Pictographic}|[\\p{L}\\p{M}\\p{N}]+(?:['’][\\p{L}\\p{M}\\p{N}]+)*/gu;",
    `const VOCAB_SIZE = ${data.vocabSize};`,
    `const SEQUENCE_LENGTH = ${data.sequenceLength};`,
  ]);
  w.block(C.vocabulary, [
    `const counts = new Map${ctx.ty('<string, number>')}();`,
    `for (const i of split.train) for (const word of rows[i][TEXT]${lower}.match(WORD) ?? []) counts.set(word, (counts.get(word) ?? 0) + 1);`,
    'const vocabulary = [',
    "  '<pad>',",
    "  '<oov>',",
    '  ...[...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).slice(0, VOCAB_SIZE - 2).map(([word]) => word),',
    '];',
    'const wordIds = new Map(vocabulary.map((word, id) => [word, id]));',
  ]);
  w.block(C.encodeText, [
    `function encodeText(text${ctx.ty(': string')})${ctx.ty(': number[]')} {`,
    `  const ids = (text${lower}.match(WORD) ?? []).slice(0, SEQUENCE_LENGTH).map((word) => wordIds.get(word) ?? 1);`,
    '  return [...ids, ...new Array(SEQUENCE_LENGTH - ids.length).fill(0)];',
    '}',
  ]);
}

function writeTensors(w: SourceWriter, plan: CodePlan, train: TrainPlan, ctx: JsContext): void {
  const { data, loss } = train;
  const inputShape = plan.model.steps[plan.model.input].params.shape as number[];
  const lines: string[] = [];
  let encodeX: string;
  if (data.kind === 'table') {
    const kinds = new Set(data.features.map((f) => f.type));
    const width = !kinds.has('categorical') ? 'fitted.length'
      : !kinds.has('numeric') ? 'fitted.reduce((n, f) => n + f.categories.length, 0)'
        : "fitted.reduce((n, f) => n + (f.kind === 'numeric' ? 1 : f.categories.length), 0)";
    encodeX = `tf.tensor2d(indices.map((i) => encodeRow(rows[i])), [indices.length, ${width}])`;
  }
  else if (data.kind === 'text') encodeX = 'tf.tensor2d(indices.map((i) => encodeText(rows[i][TEXT])), [indices.length, SEQUENCE_LENGTH])';
  else if (data.source === 'mnist') encodeX = 'tf.tensor4d(indices.flatMap((i) => pixels[i]), [indices.length, HEIGHT, WIDTH, CHANNELS])';
  else encodeX = 'tf.stack(indices.map((i) => loadImage(files[i])))';
  // Keep the Input layer's own shape when it is not the natural one (e.g. a table row reshaped).
  const natural = data.kind === 'images' ? [data.height, data.width, data.channels] : null;
  const reshape = natural && inputShape.join() !== natural.join() ? `.reshape([-1, ${inputShape.join(', ')}])` : '';
  if (data.task === 'classification') {
    const cell = data.kind === 'images' ? 'labels[i]' : 'rows[i][TARGET]';
    lines.push(
      `// ${C.classes}`,
      `const classes = sortLabels([...new Set(usable.map((i) => ${cell}))]);`,
      'const classIndex = new Map(classes.map((c, k) => [c, k]));',
      `const label = (i${ctx.ty(': number')})${ctx.ty(': number')} => classIndex.get(${cell})${ctx.ty('!')};`,
    );
  }
  if (data.task === 'regression') {
    const dc = data.decimalComma ? ', true' : '';
    lines.push(`// ${C.regressionTarget}`);
    if (data.scaling === 'none') lines.push('const target = { center: 0, scale: 1 };');
    else {
      lines.push(
        `const targets = split.train.map((i) => parseNumber(rows[i][TARGET]${dc})).filter(Number.isFinite);`,
        'const targetMean = targets.reduce((a, b) => a + b, 0) / Math.max(targets.length, 1);',
        'const targetStd = Math.sqrt(targets.reduce((sum, v) => sum + (v - targetMean) ** 2, 0) / Math.max(targets.length, 1));',
        'const target = { center: targetMean, scale: targetStd > 1e-12 ? targetStd : 1 };',
      );
    }
  }
  if (lines.length > 0) w.block(null, lines);

  let y: string;
  switch (loss.targetFormat) {
    case 'one-hot':
      y = 'tf.oneHot(tf.tensor1d(indices.map(label), \'int32\'), classes.length).toFloat()';
      break;
    case 'values':
      y = data.task === 'regression'
        ? `tf.tensor2d(indices.map((i) => [(parseNumber(rows[i][TARGET]${data.decimalComma ? ', true' : ''}) - target.center) / target.scale]), [indices.length, 1])`
        : 'x.reshape([indices.length, -1])';
      break;
    default:
      y = 'tf.tensor2d(indices.map((i) => [label(i)]), [indices.length, 1])';
  }
  w.block(C.tensors, [
    `function tensors(indices${ctx.ty(': number[]')})${ctx.ty(': { x: tf.Tensor; y: tf.Tensor }')} {`,
    `  const x = ${encodeX}${reshape};`,
    `  return { x, y: ${y} };`,
    '}',
    'const train = tensors(split.train);',
    // A tiny data set can leave the validation or test split empty; training and evaluation then skip it.
    ...(train.hasValidation ? ['const validation = split.validation.length > 0 ? tensors(split.validation) : null;'] : []),
    ...(train.hasTest ? ['const test = split.test.length > 0 ? tensors(split.test) : null;'] : []),
    "console.log(`${split.train.length} training, ${split.validation.length} validation and ${split.test.length} test samples`);",
  ]);
  w.block(C.preprocessor, [`const preprocessor = ${preprocessorLiteral(train)};`]);
}

/** The preprocessor object the program saves, in app/data/preprocess.ts's PreprocessorState format. */
function preprocessorLiteral(train: TrainPlan): string {
  const { data } = train;
  const kind = data.kind === 'images' ? 'image' : data.kind;
  const fields = [
    "format: 'modelwright-preprocessor'",
    'version: 1',
    `kind: '${kind}'`,
    `task: '${data.task}'`,
    `missing: '${data.kind === 'images' ? 'drop-row' : data.missing}'`,
    `scaling: '${data.kind === 'images' ? 'none' : data.scaling}'`,
    `decimalComma: ${data.kind !== 'images' && data.decimalComma}`,
    `features: ${data.kind === 'table' ? 'fitted' : '[]'}`,
  ];
  if (data.task === 'classification') {
    const name = data.kind === 'images' ? "'class'" : jsString((data as TableDataPlan | TextDataPlan).target!);
    fields.push(`target: { name: ${name}, kind: 'classification', classes }`);
  } else if (data.task === 'regression') {
    fields.push(`target: { name: ${jsString((data as TableDataPlan).target!)}, kind: 'regression', center: target.center, scale: target.scale }`);
  }
  if (data.kind === 'text') {
    fields.push(`text: { column: ${jsString(data.textColumn)}, tokenizer: { vocabSize: VOCAB_SIZE, sequenceLength: SEQUENCE_LENGTH, lowercase: ${data.lowercase}, vocabulary } }`);
  }
  if (data.kind === 'images') fields.push('image: { width: WIDTH, height: HEIGHT, channels: CHANNELS }');
  return `{\n${fields.map((f) => `  ${f},`).join('\n')}\n}`;
}
