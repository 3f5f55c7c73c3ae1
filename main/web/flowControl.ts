// Memory bounds for one WebSocket client of the web host. A client that sends requests but never reads
// the replies (or reads slower than training events arrive) would otherwise make the host queue replies
// without end: measured before this, 1.1 GB. So: stop reading a client's requests while much is waiting
// to be sent to it or several of its requests are being handled (TCP then pushes back on the client), and
// drop a client whose queue passes a hard limit anyway (events are pushed, not requested).
import { formatBytes } from '../../app/format.ts';
import type { WebSocket } from 'ws';

export interface FlowLimits {
  /** Stop reading requests from a client while more than this waits to be sent to it. */
  pauseAboveBytes: number;
  /** Close a client whose queue to be sent passes this (it stopped reading, and events keep coming). */
  closeAboveBytes: number;
  /** Stop reading requests from a client while this many of its requests are being handled. */
  maxInFlight: number;
}

export const defaultFlowLimits: FlowLimits = {
  pauseAboveBytes: 16 * 1024 * 1024,
  closeAboveBytes: 256 * 1024 * 1024,
  maxInFlight: 4,
};

/** The part of ws's WebSocket used here (a fake in unit tests). */
export type FlowSocket = Pick<WebSocket, 'bufferedAmount' | 'isPaused' | 'pause' | 'resume' | 'send' | 'terminate' | 'readyState' | 'OPEN'>;

export class ConnectionFlow {
  private inFlight = 0;
  private closed = false;
  private readonly socket: FlowSocket;
  private readonly limits: FlowLimits;
  private readonly log?: (message: string) => void;

  constructor(socket: FlowSocket, limits: FlowLimits = defaultFlowLimits, log?: (message: string) => void) {
    this.socket = socket;
    this.limits = limits;
    this.log = log;
  }

  /** Sends one message, or drops the client when its queue would pass the hard limit. */
  send(text: string): void {
    if (this.closed || this.socket.readyState !== this.socket.OPEN) return;
    if (this.socket.bufferedAmount + text.length > this.limits.closeAboveBytes) {
      this.closed = true;
      this.log?.(`closed a client that stopped reading: ${formatBytes(this.socket.bufferedAmount)} were waiting to be sent to it`);
      this.socket.terminate();
      return;
    }
    // The callback runs once the data has gone to the operating system: the queue has shrunk.
    this.socket.send(text, () => this.update());
    this.update();
  }

  /** A request of this client starts being handled. */
  begin(): void {
    this.inFlight += 1;
    this.update();
  }

  /** A request of this client has been answered (the answer is queued). */
  end(): void {
    this.inFlight -= 1;
    this.update();
  }

  /** Reads requests again once the queue is short and few requests are in flight; pauses otherwise. */
  update(): void {
    if (this.closed) return;
    const busy = this.socket.bufferedAmount > this.limits.pauseAboveBytes || this.inFlight >= this.limits.maxInFlight;
    if (busy && !this.socket.isPaused) this.socket.pause();
    else if (!busy && this.socket.isPaused) this.socket.resume();
  }
}
