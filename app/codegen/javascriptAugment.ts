// Image augmentation in generated TF.js code: the studio's own transforms (app/data/augment.ts — the same
// draws, the same single affine resample with Keras's "reflect" fill) written out in the program, applied to
// the training batches of a tf.data generator with a seed per epoch and batch, as the studio's trainer feeds
// fitDataset. Validation and test tensors never pass through it.
import type { AugmentSettings } from '../training/config.ts';
import type { JsContext } from './javascriptData.ts';
import { jsString, numberLiteral } from './literals.ts';
import type { TrainPlan } from './plan.ts';
import { dedent } from './writer.ts';

/** Names the augmentation code defines. */
export const jsAugmentNames = ['AUGMENT', 'AUGMENT_SEED', 'batchSeed', 'reflect', 'augmentImages', 'augmentEpoch', 'trainData'];

/** The definitions and the training dataset `trainData` (needs `mulberry32`, `shuffle`, `train`). */
export function jsAugmentLines(train: TrainPlan, augment: AugmentSettings, ctx: JsContext): string[] {
  const n = ctx.ty(': number');
  const reconstruction = train.data.task === 'reconstruction';
  return [
    `const AUGMENT = { flip: ${jsString(augment.flip)}, rotation: ${numberLiteral(augment.rotation)}, zoom: ${numberLiteral(augment.zoom)}, shift: ${numberLiteral(augment.shift)}, brightness: ${numberLiteral(augment.brightness)} };`,
    `const AUGMENT_SEED = ${augment.seed ?? 'SEED'};`,
    ...dedent(`
      // The seed of one batch: the augmentation seed mixed with the epoch and the batch's index.
      function batchSeed(seed${n}, epoch${n}, batch${n})${n} {
        let h = (seed ^ 0x6a09e667) >>> 0;
        for (const v of [epoch, batch]) {
          h = Math.imul(h ^ (v >>> 0), 0x85ebca6b) >>> 0;
          h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35) >>> 0;
          h = (h ^ (h >>> 16)) >>> 0;
        }
        return h;
      }

      // An index reflected into [0, n) as Keras's "reflect" fill does (d c b a | a b c d | d c b a).
      function reflect(i${n}, size${n})${n} {
        const m = ((i % (2 * size)) + 2 * size) % (2 * size);
        return m < size ? m : 2 * size - 1 - m;
      }

      // Each image of x ([count, height, width, channels], values 0..1) flipped, turned, zoomed, shifted and
      // brightened at random within AUGMENT, as one bilinear resample; the same seed gives the same batch.
      function augmentImages(x${ctx.ty(': Float32Array')}, count${n}, h${n}, w${n}, ch${n}, seed${n})${ctx.ty(': Float32Array')} {
        const out = new Float32Array(x.length);
        const random = mulberry32(seed);
        const u = () => random() * 2 - 1;
        const cx = (w - 1) / 2;
        const cy = (h - 1) / 2;
        for (let k = 0; k < count; k++) {
          const coinH = random() < 0.5;
          const coinV = random() < 0.5;
          const angle = u() * AUGMENT.rotation * Math.PI / 180;
          const zoom = 1 + u() * AUGMENT.zoom;
          const tx = u() * AUGMENT.shift * w;
          const ty = u() * AUGMENT.shift * h;
          const brightness = u() * AUGMENT.brightness;
          const flipH = coinH && (AUGMENT.flip === 'horizontal' || AUGMENT.flip === 'both');
          const flipV = coinV && (AUGMENT.flip === 'vertical' || AUGMENT.flip === 'both');
          const cos = Math.cos(angle) * zoom;
          const sin = Math.sin(angle) * zoom;
          const base = k * h * w * ch;
          for (let y = 0; y < h; y++) {
            for (let x0 = 0; x0 < w; x0++) {
              let sx = cx + cos * (x0 - tx - cx) + sin * (y - ty - cy);
              let sy = cy - sin * (x0 - tx - cx) + cos * (y - ty - cy);
              if (flipH) sx = w - 1 - sx;
              if (flipV) sy = h - 1 - sy;
              const fx = sx - Math.floor(sx);
              const fy = sy - Math.floor(sy);
              const xa = reflect(Math.floor(sx), w);
              const xb = reflect(Math.floor(sx) + 1, w);
              const ya = reflect(Math.floor(sy), h);
              const yb = reflect(Math.floor(sy) + 1, h);
              for (let c = 0; c < ch; c++) {
                const at = (yy${n}, xx${n}) => x[base + (yy * w + xx) * ch + c];
                const top = at(ya, xa) + (at(ya, xb) - at(ya, xa)) * fx;
                const bottom = at(yb, xa) + (at(yb, xb) - at(yb, xa)) * fx;
                const v = top + (bottom - top) * fy;
                out[base + (y * w + x0) * ch + c] = brightness === 0 ? v : Math.min(1, Math.max(0, Math.fround(v) + brightness));
              }
            }
          }
        }
        return out;
      }

      // Training batches, augmented anew every epoch (each epoch's order from a seed of its own, as the studio's).
      let augmentEpoch = 0;
      const trainData = tf.data.generator(function* () {
        const epoch = augmentEpoch++;
        const rows = Array.from({ length: train.x.shape[0] }, (_, i) => i);
        if (${train.config.shuffle ? 'true' : 'false'}) shuffle(rows, mulberry32((SEED ^ 0x5eed) + epoch + 1));
        const [, h, w, ch] = train.x.shape;
        for (let start = 0, batch = 0; start < rows.length; start += BATCH_SIZE, batch++) {
          const picked = tf.tensor1d(rows.slice(start, start + BATCH_SIZE), 'int32');
          const x = tf.gather(train.x, picked);
          const values = augmentImages(x.dataSync()${ctx.ty(' as Float32Array')}, x.shape[0], h, w, ch, batchSeed(AUGMENT_SEED, epoch, batch));
          const xs = tf.tensor(values, x.shape);
          const ys = ${reconstruction ? 'xs.reshape([x.shape[0], -1]); // an autoencoder gives back the augmented picture' : 'tf.gather(train.y, picked);'}
          picked.dispose();
          x.dispose();
          yield { xs, ys };
        }
      });`),
  ];
}
