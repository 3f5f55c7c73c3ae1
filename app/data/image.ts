// Pixel work shared by the image loader and prediction: bilinear resizing of decoded RGBA pixels to
// the Input layer's size, to grayscale or RGB floats in [0, 1]. Pure, so it runs in the browser too.

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major, as pngjs and jpeg-js produce. */
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Bilinear resizing that takes the source one RGBA row at a time, top to bottom, and writes each target
 * row as soon as the two source rows it blends have arrived — so a decoder can stream rows through it
 * and never hold the whole source image. Pixel centres are aligned as in TF's `resizeBilinear` with
 * halfPixelCenters; `channels` floats per pixel in [0, 1]; grayscale is ITU-R BT.601 luma; alpha is ignored.
 */
export class RowResizer {
  private readonly scaleX: number;
  private readonly scaleY: number;
  private previous: Uint8Array | Uint8ClampedArray | null = null;
  private nextRow = 0;
  private nextTarget = 0;
  private readonly sample = new Float32Array(3);
  private readonly target: Float32Array;
  private readonly sourceWidth: number;
  private readonly sourceHeight: number;
  private readonly width: number;
  private readonly height: number;
  private readonly channels: 1 | 3;
  private readonly offset: number;

  constructor(sourceWidth: number, sourceHeight: number, width: number, height: number, channels: 1 | 3, target?: Float32Array, offset = 0) {
    if (sourceWidth < 1 || sourceHeight < 1) throw new RangeError(`an image of ${sourceWidth}×${sourceHeight} pixels has nothing to resize`);
    this.sourceWidth = sourceWidth;
    this.sourceHeight = sourceHeight;
    this.width = width;
    this.height = height;
    this.channels = channels;
    this.target = target ?? new Float32Array(width * height * channels);
    this.offset = offset;
    this.scaleX = sourceWidth / width;
    this.scaleY = sourceHeight / height;
  }

  /** The floats written so far (all of them once every source row was pushed). */
  get output(): Float32Array {
    return this.target;
  }

  get done(): boolean {
    return this.nextTarget >= this.height;
  }

  /**
   * Takes source row `nextRow` (sourceWidth × 4 bytes). The row may be reused by the caller afterwards
   * only if it passes a fresh buffer next time: the resizer keeps a reference to the previous row.
   */
  push(row: Uint8Array | Uint8ClampedArray): void {
    const r = this.nextRow++;
    if (row.length < this.sourceWidth * 4) throw new RangeError(`image row ${r} holds ${row.length} bytes, fewer than ${this.sourceWidth}×4`);
    while (this.nextTarget < this.height) {
      const fy = Math.min(Math.max((this.nextTarget + 0.5) * this.scaleY - 0.5, 0), this.sourceHeight - 1);
      const y0 = Math.floor(fy);
      const y1 = Math.min(y0 + 1, this.sourceHeight - 1);
      if (y1 > r) break;
      const top = y0 === r ? row : this.previous!;
      this.writeRow(this.nextTarget++, top, row, fy - y0);
    }
    this.previous = row;
  }

  private writeRow(y: number, upper: Uint8Array | Uint8ClampedArray, lower: Uint8Array | Uint8ClampedArray, wy: number): void {
    const { width, channels, target, sample, sourceWidth: sw } = this;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * this.scaleX - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const i0 = x0 * 4;
      const i1 = x1 * 4;
      for (let c = 0; c < 3; c++) {
        const top = upper[i0 + c] * (1 - wx) + upper[i1 + c] * wx;
        const bottom = lower[i0 + c] * (1 - wx) + lower[i1 + c] * wx;
        sample[c] = (top * (1 - wy) + bottom * wy) / 255;
      }
      const o = this.offset + (y * width + x) * channels;
      if (channels === 1) target[o] = 0.299 * sample[0] + 0.587 * sample[1] + 0.114 * sample[2];
      else {
        target[o] = sample[0];
        target[o + 1] = sample[1];
        target[o + 2] = sample[2];
      }
    }
  }
}

/** Resizes a whole decoded image to `width` × `height` (see RowResizer) and returns the floats. */
export function resizeToTensor(image: RgbaImage, width: number, height: number, channels: 1 | 3, out?: Float32Array, offset = 0): Float32Array {
  const { width: sw, height: sh, data } = image;
  if (sw < 1 || sh < 1 || data.length < sw * sh * 4) throw new RangeError(`image data holds ${data.length} bytes, fewer than ${sw}×${sh}×4`);
  const resizer = new RowResizer(sw, sh, width, height, channels, out, offset);
  for (let y = 0; y < sh && !resizer.done; y++) resizer.push(data.subarray(y * sw * 4, (y + 1) * sw * 4));
  return resizer.output;
}
