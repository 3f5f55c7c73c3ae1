// An in-process host: the real RPC server and client joined without a network, every message passed as
// JSON text so results that are not plain JSON fail here as they would over a WebSocket. For tests.
import type { ModelwrightApi, ModelwrightServices } from './contract.ts';
import { RpcClient, RpcServer, type RpcServerOptions } from './rpc.ts';

export class LocalHost {
  readonly client: RpcClient;
  private readonly connection: ReturnType<RpcServer['connect']>;

  constructor(services: ModelwrightServices, options: RpcServerOptions = {}) {
    const server = new RpcServer(services, options);
    // Messages are delivered on a later task, like a socket, so callers cannot rely on synchronous replies.
    this.client = new RpcClient((text) => { setTimeout(() => { void this.connection.receive(text); }, 0); });
    this.connection = server.connect((text) => { setTimeout(() => this.client.receive(text), 0); });
  }

  get api(): ModelwrightApi {
    return this.client.api;
  }

  /** Sends raw text as if from a client (for tests of malformed messages). */
  sendRaw(text: string): Promise<void> {
    return this.connection.receive(text);
  }

  dispose(): void {
    this.connection.dispose();
    this.client.close('The in-process host was disposed.');
  }
}
