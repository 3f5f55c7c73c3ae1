// The per-client flow rules of the web host (main/web/flowControl.ts) on a fake socket: pause while the
// queue is long or requests are in flight, resume when both are low, drop a client past the hard limit.
import { describe, expect, it } from 'vitest';
import { ConnectionFlow, type FlowSocket } from '../../../main/web/flowControl.ts';

function fakeSocket() {
  const sent: string[] = [];
  const callbacks: (() => void)[] = [];
  const socket = {
    OPEN: 1, readyState: 1, bufferedAmount: 0, isPaused: false, terminated: false, sent, callbacks,
    pause() { this.isPaused = true; },
    resume() { this.isPaused = false; },
    terminate() { this.terminated = true; this.readyState = 3; },
    send(text: string, cb?: () => void) { sent.push(text); this.bufferedAmount += text.length; if (cb) callbacks.push(cb); },
  };
  return socket;
}

describe('ConnectionFlow', () => {
  const limits = { pauseAboveBytes: 100, closeAboveBytes: 1000, maxInFlight: 2 };

  it('stops reading while the queue is long and reads again once it has drained', () => {
    const socket = fakeSocket();
    const flow = new ConnectionFlow(socket as unknown as FlowSocket, limits);
    flow.send('x'.repeat(150));
    expect(socket.isPaused).toBe(true);
    socket.bufferedAmount = 0;
    socket.callbacks.shift()!();
    expect(socket.isPaused).toBe(false);
  });

  it('stops reading while maxInFlight requests are being handled', () => {
    const socket = fakeSocket();
    const flow = new ConnectionFlow(socket as unknown as FlowSocket, limits);
    flow.begin();
    expect(socket.isPaused).toBe(false);
    flow.begin();
    expect(socket.isPaused).toBe(true);
    flow.end();
    expect(socket.isPaused).toBe(false);
  });

  it('drops a client whose queue would pass the hard limit, and sends it nothing more', () => {
    const socket = fakeSocket();
    const lines: string[] = [];
    const flow = new ConnectionFlow(socket as unknown as FlowSocket, limits, (m) => lines.push(m));
    for (let i = 0; i < 20; i++) flow.send('e'.repeat(90));
    expect(socket.terminated).toBe(true);
    expect(socket.sent.length).toBe(11);
    expect(lines.join('\n')).toMatch(/stopped reading/);
  });
});
