// The contract suite over the in-process host (RPC server and client joined without a network).
import { LocalHost } from '../../../app/api/localHost.ts';
import { defineContractSuite } from './contract.suite.ts';

defineContractSuite('the in-process host', async (host) => {
  const local = new LocalHost(host.api);
  return { api: local.api, close: async () => local.dispose() };
});
