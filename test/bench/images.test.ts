// The image-folder benchmark's claim, checked small: a trainer that streams a folder of 10× the images
// does not take 10× the memory (npm run bench images measures 2,000 vs 20,000 and reports the ratio).
import { describe, expect, it } from 'vitest';
import { measureImageFolder } from './images.bench.ts';

describe('image-folder benchmark', () => {
  it('streams 5,000 images in a trainer whose peak RSS stays near that of 500 images', async () => {
    const small = await measureImageFolder(500);
    const large = await measureImageFolder(5000);
    expect(small.streamed && large.streamed).toBe(true);
    expect(large.images).toBe(5000);
    process.stdout.write(`image folders streamed: 500 images ${small.peakRssMb} MB, 5,000 images ${large.peakRssMb} MB peak RSS\n`);
    // Decoded at 32×32×3 the 5,000 images alone are 59 MB (held two or three times over in memory);
    // streamed, the trainer's peak grows by far less than the images' count (loosely: under 1.5×).
    expect(large.peakRssMb / small.peakRssMb).toBeLessThan(1.5);
  }, 240_000);
});
