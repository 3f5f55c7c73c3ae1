// Pixel work shared by the image loader and prediction: bilinear resizing of decoded RGBA pixels to
// the Input layer's size, to grayscale or RGB floats in [0, 1]. Pure, so it runs in the browser too.

export interface RgbaImage {
  width: number;
  height: number;
  /** width × height × 4 bytes, row-major, as pngjs and jpeg-js produce. */
  data: Uint8Array | Uint8ClampedArray;
}

/**
 * Resizes `image` to `width` × `height` with bilinear interpolation (pixel centres aligned, as in
 * TF's `resizeBilinear` with halfPixelCenters) and writes `channels` floats per pixel in [0, 1].
 * Grayscale uses ITU-R BT.601 luma. Alpha is ignored.
 */
export function resizeToTensor(image: RgbaImage, width: number, height: number, channels: 1 | 3, out?: Float32Array, offset = 0): Float32Array {
  const target = out ?? new Float32Array(width * height * channels);
  const { width: sw, height: sh, data } = image;
  if (sw < 1 || sh < 1 || data.length < sw * sh * 4) throw new RangeError(`image data holds ${data.length} bytes, fewer than ${sw}×${sh}×4`);
  const scaleX = sw / width;
  const scaleY = sh / height;
  const sample = new Float32Array(3);
  for (let y = 0; y < height; y++) {
    const fy = Math.min(Math.max((y + 0.5) * scaleY - 0.5, 0), sh - 1);
    const y0 = Math.floor(fy);
    const y1 = Math.min(y0 + 1, sh - 1);
    const wy = fy - y0;
    for (let x = 0; x < width; x++) {
      const fx = Math.min(Math.max((x + 0.5) * scaleX - 0.5, 0), sw - 1);
      const x0 = Math.floor(fx);
      const x1 = Math.min(x0 + 1, sw - 1);
      const wx = fx - x0;
      const i00 = (y0 * sw + x0) * 4;
      const i01 = (y0 * sw + x1) * 4;
      const i10 = (y1 * sw + x0) * 4;
      const i11 = (y1 * sw + x1) * 4;
      for (let c = 0; c < 3; c++) {
        const top = data[i00 + c] * (1 - wx) + data[i01 + c] * wx;
        const bottom = data[i10 + c] * (1 - wx) + data[i11 + c] * wx;
        sample[c] = (top * (1 - wy) + bottom * wy) / 255;
      }
      const o = offset + (y * width + x) * channels;
      if (channels === 1) target[o] = 0.299 * sample[0] + 0.587 * sample[1] + 0.114 * sample[2];
      else {
        target[o] = sample[0];
        target[o + 1] = sample[1];
        target[o + 2] = sample[2];
      }
    }
  }
  return target;
}
