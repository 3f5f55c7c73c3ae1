// Catalog: layers that rearrange, repeat, pad or crop values without learning anything.
import type { Shape } from '../types.ts';
import { expectMinRank, expectRank, formatShape, LayerProblem, pairs2d, product, type LayerDef } from './common.ts';

export const flattenLayer: LayerDef = {
  type: 'Flatten',
  category: 'Reshaping',
  description: 'Lays all values of an image or a sequence out in one long row, so a Dense layer can take them.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: [],
  tfjsFactory: 'flatten',
  params: [],
  infer(inputs) {
    const [x] = inputs;
    expectMinRank('Flatten', x, 2, 'its input is already flat, so remove the Flatten layer');
    if (x.some((d) => d === null)) {
      throw new LayerProblem('shape', `Flatten needs every size of its input to be known but gets ${formatShape(x)}`,
        'give the Input layer fixed sizes, or use a global pooling layer instead of Flatten');
    }
    return { shape: [product(x as number[])], params: 0 };
  },
};

export const reshapeLayer: LayerDef = {
  type: 'Reshape',
  category: 'Reshaping',
  description: 'Rearranges the same values into a new shape, e.g. 784 numbers into a 28×28×1 image.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['targetShape'],
  tfjsFactory: 'reshape',
  params: [{
    name: 'targetShape', kind: 'shape', label: 'Target shape', default: [-1], required: true, min: 1, minLength: 1, maxLength: 6, allowMinusOne: true,
    help: 'The new shape without the batch; it must hold exactly as many values as the input. One size may be -1 to mean "whatever fits", but layers after it then see that size as unknown; write the number when a Dense or convolution layer follows.',
  }],
  infer(inputs, p) {
    const [x] = inputs;
    const target = p.targetShape as number[];
    const free = target.indexOf(-1);
    if (!x.some((d) => d === null)) {
      const total = product(x as number[]);
      const known = product(target.filter((d) => d !== -1));
      if (free >= 0 ? total % known !== 0 : total !== known) {
        throw new LayerProblem('shape',
          `Reshape can't turn ${formatShape(x)} (${total} values) into ${formatShape(target)} (${free >= 0 ? `a multiple of ${known}` : known} values)`,
          `choose a target shape whose sizes multiply to ${total}`);
      }
    }
    // TF.js works the -1 out only when the model runs; while building, that size stays unknown.
    return { shape: target.map((d) => (d === -1 ? null : d)), params: 0 };
  },
};

export const permuteLayer: LayerDef = {
  type: 'Permute',
  category: 'Reshaping',
  description: 'Swaps the order of dimensions, e.g. turns [steps, features] into [features, steps].',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['dims'],
  tfjsFactory: 'permute',
  params: [{
    name: 'dims', kind: 'intList', label: 'New order', default: [2, 1], required: true, min: 1, minLength: 1, maxLength: 6,
    help: 'The input dimensions in their new order, counted from 1 (the batch is not counted): [2, 1] swaps two dimensions.',
  }],
  checkParams(p) {
    const dims = p.dims as number[];
    const sorted = dims.slice().sort((a, b) => a - b);
    if (sorted.some((d, i) => d !== i + 1)) {
      return { param: 'dims', message: `New order must list each of 1 to ${dims.length} exactly once, but is ${formatShape(dims)}` };
    }
    return null;
  },
  infer(inputs, p) {
    const [x] = inputs;
    const dims = p.dims as number[];
    if (x.length !== dims.length) {
      throw new LayerProblem('shape', `Permute reorders ${dims.length} dimensions but its input ${formatShape(x)} has ${x.length}`,
        `list ${x.length} dimensions in "New order"`);
    }
    return { shape: dims.map((d) => x[d - 1]), params: 0 };
  },
};

export const repeatVectorLayer: LayerDef = {
  type: 'RepeatVector',
  category: 'Reshaping',
  description: 'Repeats a flat input several times to make a sequence, e.g. to feed a summary into a recurrent decoder.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['n'],
  tfjsFactory: 'repeatVector',
  params: [{
    name: 'n', kind: 'int', label: 'Repetitions', default: 4, required: true, min: 1, max: 100_000,
    help: 'How many times the input is repeated: the length of the resulting sequence.',
  }],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('RepeatVector', x, 1);
    return { shape: [p.n as number, x[0]], params: 0 };
  },
};

export const upSampling2dLayer: LayerDef = {
  type: 'UpSampling2D',
  category: 'Reshaping',
  description: 'Makes an image larger by repeating (or blending) its pixels.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['size'],
  tfjsFactory: 'upSampling2d',
  params: [
    {
      name: 'size', kind: 'intList', label: 'Factor', default: [2, 2], length: 2, min: 1, max: 1000,
      help: 'How many times taller and wider the image becomes: [rows, columns].',
    },
    {
      name: 'interpolation', kind: 'enum', label: 'Interpolation', default: 'nearest', options: ['nearest', 'bilinear'],
      help: '"nearest" copies pixels; "bilinear" blends neighbours for a smoother result.',
    },
  ],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('UpSampling2D', x, 3);
    const [sh, sw] = p.size as number[];
    return { shape: [x[0] === null ? null : x[0] * sh, x[1] === null ? null : x[1] * sw, x[2]], params: 0 };
  },
};

const pairsHelp = 'One number for every side, [rows, columns] for top+bottom and left+right, or [[top, bottom], [left, right]].';

export const zeroPadding2dLayer: LayerDef = {
  type: 'ZeroPadding2D',
  category: 'Reshaping',
  description: 'Adds a border of zeros around an image.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['padding'],
  tfjsFactory: 'zeroPadding2d',
  params: [{ name: 'padding', kind: 'intPairs', label: 'Border', default: 1, min: 0, max: 10_000, help: `Rows and columns of zeros to add. ${pairsHelp}` }],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('ZeroPadding2D', x, 3);
    const [[t, b], [l, r]] = pairs2d(p.padding);
    return { shape: [x[0] === null ? null : x[0] + t + b, x[1] === null ? null : x[1] + l + r, x[2]], params: 0 };
  },
};

export const cropping2dLayer: LayerDef = {
  type: 'Cropping2D',
  category: 'Reshaping',
  description: 'Cuts rows and columns off the edges of an image.',
  minInputs: 1,
  maxInputs: 1,
  keyParams: ['cropping'],
  tfjsFactory: 'cropping2D',
  params: [{ name: 'cropping', kind: 'intPairs', label: 'Crop', default: 1, required: true, min: 0, max: 10_000, help: `Rows and columns to remove. ${pairsHelp}` }],
  infer(inputs, p) {
    const [x] = inputs;
    expectRank('Cropping2D', x, 3);
    const [[t, b], [l, r]] = pairs2d(p.cropping);
    const crop = (d: number | null, a: number, z: number, what: string): number | null => {
      if (d === null) return null;
      if (d - a - z <= 0) {
        throw new LayerProblem('kernel-too-large', `Cropping2D removes ${a + z} ${what} but its input ${formatShape(x)} has only ${d}`,
          'crop less, or crop before the image is made smaller');
      }
      return d - a - z;
    };
    const shape: Shape = [crop(x[0], t, b, 'rows'), crop(x[1], l, r, 'columns'), x[2]];
    return { shape, params: 0 };
  },
};

export const reshapingLayers: LayerDef[] = [
  flattenLayer, reshapeLayer, permuteLayer, repeatVectorLayer, upSampling2dLayer, zeroPadding2dLayer, cropping2dLayer,
];
