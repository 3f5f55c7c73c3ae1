// Catalog: pooling layers, which shrink sequences and images by summarizing small windows.
import { expectRank, paddingParam, tuple, windowOutput, type LayerDef } from './common.ts';

function poolLayer(mode: 'Max' | 'Average', rank: 1 | 2): LayerDef {
  const type = `${mode}Pooling${rank}D`;
  const what = rank === 1 ? 'sequence' : 'image';
  const verb = mode === 'Max'
    ? 'keeping the largest value of each small window, which keeps the strongest signals'
    : 'averaging the values of each small window, which smooths out detail';
  return {
    type,
    category: 'Pooling',
    description: `Shrinks a${rank === 1 ? '' : 'n'} ${what} by ${verb} and saves work.`,
    minInputs: 1,
    maxInputs: 1,
    keyParams: ['poolSize', 'strides'],
    tfjsFactory: `${mode === 'Max' ? 'max' : 'average'}Pooling${rank}d`,
    params: [
      {
        name: 'poolSize', kind: 'intList', label: 'Pool size', default: 2, length: rank, scalarOk: true, min: 1, max: 1000,
        help: rank === 1 ? 'How many steps each window covers.' : 'Height and width of each window; 2 halves the image size.',
      },
      {
        name: 'strides', kind: 'intList', label: 'Strides', default: null, nullable: true, nullMeaning: 'same as the pool size',
        length: rank, scalarOk: true, min: 1, max: 1000,
        help: 'How far the window moves each step. Empty means the same as the pool size, so windows do not overlap.',
      },
      paddingParam,
    ],
    infer(inputs, p) {
      const [x] = inputs;
      expectRank(type, x, rank + 1);
      const pool = tuple(p.poolSize, rank);
      const strides = p.strides === null ? pool : tuple(p.strides, rank);
      const spatial = windowOutput(type, x, x.slice(0, rank), pool, strides, p.padding as string, new Array<number>(rank).fill(1), 'pool');
      return { shape: [...spatial, x[rank]], params: 0 };
    },
  };
}

function globalPoolLayer(mode: 'Max' | 'Average', rank: 1 | 2): LayerDef {
  const type = `Global${mode}Pooling${rank}D`;
  return {
    type,
    category: 'Pooling',
    description: `Summarizes a whole ${rank === 1 ? 'sequence' : 'image'} into one value per channel by ${mode === 'Max' ? 'keeping the largest' : 'averaging'}; a common step before the final Dense layers.`,
    minInputs: 1,
    maxInputs: 1,
    keyParams: [],
    tfjsFactory: `global${mode}Pooling${rank}d`,
    params: [],
    infer(inputs) {
      const [x] = inputs;
      expectRank(type, x, rank + 1);
      return { shape: [x[rank]], params: 0 };
    },
  };
}

export const poolingLayers: LayerDef[] = [
  poolLayer('Max', 1), poolLayer('Max', 2), poolLayer('Average', 1), poolLayer('Average', 2),
  globalPoolLayer('Max', 1), globalPoolLayer('Max', 2), globalPoolLayer('Average', 1), globalPoolLayer('Average', 2),
];
