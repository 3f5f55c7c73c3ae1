// Coalesces redraw requests: whatever asks for a redraw, it happens at most once per animation frame.

export type FrameRequest = (callback: () => void) => unknown;

/**
 * Runs `draw` at most once per animation frame however often `schedule` is called: 200 progress events
 * a second cost 60 redraws, not 200. `request` is requestAnimationFrame in the browser.
 */
export class FrameScheduler {
  private pending = false;
  private disposed = false;
  private readonly draw: () => void;
  private readonly request: FrameRequest;

  constructor(draw: () => void, request: FrameRequest = defaultRequest) {
    this.draw = draw;
    this.request = request;
  }

  schedule(): void {
    if (this.pending || this.disposed) return;
    this.pending = true;
    this.request(() => {
      this.pending = false;
      if (!this.disposed) this.draw();
    });
  }

  dispose(): void {
    this.disposed = true;
  }
}

function defaultRequest(callback: () => void): unknown {
  if (typeof requestAnimationFrame === 'function') return requestAnimationFrame(() => callback());
  return setTimeout(callback, 16);
}
