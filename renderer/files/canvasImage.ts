// Pictures drawn or captured in the page, as the base64 PNGs the API takes.
import { fileToBase64 } from './fileToBase64.ts';

/** The canvas as a PNG, base64 without the data: prefix. */
export function canvasToBase64Png(canvas: HTMLCanvasElement): Promise<string> {
  return new Promise((resolve, reject) => {
    canvas.toBlob((blob) => (blob ? resolve(fileToBase64(blob)) : reject(new Error('The picture could not be made.'))), 'image/png');
  });
}
