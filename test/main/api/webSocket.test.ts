// The contract suite over the real WebSocket transport: the web server of `modelwright serve` and the
// renderer's WebSocket host client (Node 22's global WebSocket stands in for the browser's).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connectWebSocketHost } from '../../../renderer/host/webSocketHost.ts';
import { startWebServer } from '../../../main/web/server.ts';
import { defineContractSuite } from './contract.suite.ts';

defineContractSuite('the WebSocket host', async (host) => {
  const server = await startWebServer({ api: host.api, rendererDir: mkdtempSync(join(tmpdir(), 'mw-renderer-')) });
  const client = await connectWebSocketHost({ url: `ws://127.0.0.1:${server.port}/api?token=${server.token}`, reconnect: false });
  return {
    api: client.api,
    close: async () => {
      client.close();
      await server.close();
    },
  };
});
