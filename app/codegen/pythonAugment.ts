// Image augmentation in the generated PyTorch script: a NumPy port of the studio's own transforms
// (app/data/augment.ts — the same draws in the same order, the same single affine resample with Keras's
// "reflect" fill, the same float32 rounding), applied to each training batch with a seed of its own per
// epoch and batch. Validation and test batches never pass through it.
import type { AugmentSettings } from '../training/config.ts';
import { numberLiteral, pythonString } from './literals.ts';
import { dedent } from './writer.ts';

/** Module-level names the augmentation code defines. */
export const pythonAugmentNames = ['AUGMENT', 'AUGMENT_SEED', 'batch_seed', 'reflect_index', 'augment_batch'];

/** `AUGMENT = {...}` and `AUGMENT_SEED`: the settings as the studio stores them. */
export function pythonAugmentSettings(augment: AugmentSettings): string[] {
  return [
    `AUGMENT = {"flip": ${pythonString(augment.flip)}, "rotation": ${numberLiteral(augment.rotation)}, "zoom": ${numberLiteral(augment.zoom)}, "shift": ${numberLiteral(augment.shift)}, "brightness": ${numberLiteral(augment.brightness)}}`,
    `AUGMENT_SEED = ${augment.seed ?? 'SEED'}`,
  ];
}

/** The functions: `batch_seed(seed, epoch, batch)` and `augment_batch(x, seed)` on a [n, h, w, c] float32 array. Needs `mulberry32`. */
export const pythonAugmentFunctions = dedent(`
  def batch_seed(seed, epoch, batch):
      """The studio's seed of one batch: the augmentation seed mixed with the epoch and the batch's index."""
      h = (seed ^ 0x6A09E667) & 0xFFFFFFFF
      for v in (epoch, batch):
          h = ((h ^ (v & 0xFFFFFFFF)) * 0x85EBCA6B) & 0xFFFFFFFF
          h = ((h ^ (h >> 13)) * 0xC2B2AE35) & 0xFFFFFFFF
          h = h ^ (h >> 16)
      return h


  def reflect_index(i, n):
      """Indices reflected into [0, n) as Keras's "reflect" fill does (d c b a | a b c d | d c b a)."""
      m = np.mod(i, 2 * n)
      return np.where(m < n, m, 2 * n - 1 - m).astype(np.int64)


  def augment_batch(x, seed):
      """Each image of x [n, h, w, c] (values 0..1) flipped, turned, zoomed, shifted and brightened at random
      within AUGMENT, as one bilinear resample; the same seed gives the same batch. A new array."""
      n, h, w, c = x.shape
      random = mulberry32(seed)
      out = np.empty(x.shape, dtype=np.float32)
      ys, xs = np.mgrid[0:h, 0:w].astype(np.float64)
      cx, cy = (w - 1) / 2, (h - 1) / 2
      for k in range(n):
          coin_h, coin_v = random() < 0.5, random() < 0.5
          angle = (random() * 2 - 1) * AUGMENT["rotation"] * math.pi / 180
          zoom = 1 + (random() * 2 - 1) * AUGMENT["zoom"]
          shift_x = (random() * 2 - 1) * AUGMENT["shift"]
          shift_y = (random() * 2 - 1) * AUGMENT["shift"]
          brightness = (random() * 2 - 1) * AUGMENT["brightness"]
          sx, sy = xs, ys
          tx, ty = shift_x * w, shift_y * h
          if angle != 0 or zoom != 1 or tx != 0 or ty != 0:
              cos, sin = math.cos(angle) * zoom, math.sin(angle) * zoom
              qx, qy = xs - tx - cx, ys - ty - cy
              sx, sy = cx + cos * qx + sin * qy, cy - sin * qx + cos * qy
          if coin_h and AUGMENT["flip"] in ("horizontal", "both"):
              sx = w - 1 - sx
          if coin_v and AUGMENT["flip"] in ("vertical", "both"):
              sy = h - 1 - sy
          x0, y0 = np.floor(sx), np.floor(sy)
          fx, fy = (sx - x0)[..., None], (sy - y0)[..., None]
          xa, xb = reflect_index(x0, w), reflect_index(x0 + 1, w)
          ya, yb = reflect_index(y0, h), reflect_index(y0 + 1, h)
          image = x[k].astype(np.float64)
          top = image[ya, xa] + (image[ya, xb] - image[ya, xa]) * fx
          bottom = image[yb, xa] + (image[yb, xb] - image[yb, xa]) * fx
          out[k] = top + (bottom - top) * fy
          if brightness != 0:
              out[k] = np.clip(out[k].astype(np.float64) + brightness, 0, 1)
      return out`);
