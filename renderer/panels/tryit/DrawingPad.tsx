// A drawing pad for small single-channel image models (the digits template): draw with the mouse, a pen or
// a finger, white on black as MNIST's digits are; each finished stroke is sent as a PNG.
import { useEffect, useRef } from 'react';
import { canvasToBase64Png } from '../../files/canvasImage.ts';

/** Pad size in canvas pixels; the host resizes the picture to the model's input as in training. */
const side = 280;

export function DrawingPad({ onDrawn }: { onDrawn: (png: string) => void }) {
  const canvas = useRef<HTMLCanvasElement>(null);
  const drawing = useRef<{ x: number; y: number } | null>(null);
  const clear = () => {
    const c = canvas.current;
    if (!c) return;
    const g = c.getContext('2d')!;
    g.fillStyle = '#000';
    g.fillRect(0, 0, side, side);
  };
  useEffect(clear, []);
  const at = (e: React.PointerEvent<HTMLCanvasElement>) => {
    const r = e.currentTarget.getBoundingClientRect();
    return { x: ((e.clientX - r.left) / r.width) * side, y: ((e.clientY - r.top) / r.height) * side };
  };
  const line = (from: { x: number; y: number }, to: { x: number; y: number }) => {
    const g = canvas.current!.getContext('2d')!;
    g.strokeStyle = '#fff';
    g.lineWidth = side / 12;
    g.lineCap = 'round';
    g.lineJoin = 'round';
    g.beginPath();
    g.moveTo(from.x, from.y);
    g.lineTo(to.x, to.y);
    g.stroke();
  };
  return (
    <div data-testid="drawing-pad">
      <canvas ref={canvas} width={side} height={side} className="mw-draw-pad" style={{ width: 196, height: 196 }} data-testid="drawing-canvas"
        onPointerDown={(e) => { e.currentTarget.setPointerCapture(e.pointerId); const p = at(e); drawing.current = p; line(p, p); }}
        onPointerMove={(e) => { if (!drawing.current) return; const p = at(e); line(drawing.current, p); drawing.current = p; }}
        onPointerUp={() => { if (!drawing.current) return; drawing.current = null; void canvasToBase64Png(canvas.current!).then(onDrawn); }} />
      <div className="mw-wp-row">
        <span className="mw-wp-muted mw-wp-grow">Draw large, in the middle: white strokes on black, as the training pictures are (MNIST's digits are).</span>
        <button type="button" onClick={clear} data-testid="drawing-clear">Clear</button>
      </div>
    </div>
  );
}
