// Objects with every method and event of every service, built at run time from the API contract's lists:
// the RPC client's api, the preload's bridge and the desktop host's api. This is the one place that tells
// TypeScript such an object is complete; its callers are cast-free.
import { apiContract, serviceNames, type ModelwrightApi, type ServiceName } from './contract.ts';
import type { BridgedApi } from './desktopBridge.ts';

export interface ContractMembers {
  /** The function behind `service.method`. */
  method(service: ServiceName, method: string): (...args: unknown[]) => unknown;
  /** The subscribe function behind `service.event`, or undefined to leave the event out. */
  event(service: ServiceName, event: string): ((listener: (data: unknown) => void) => unknown) | undefined;
}

function buildServices(members: ContractMembers, freeze: boolean): Record<string, Record<string, unknown>> {
  const api: Record<string, Record<string, unknown>> = {};
  for (const service of serviceNames) {
    const object: Record<string, unknown> = {};
    for (const method of Object.keys(apiContract[service].methods)) object[method] = members.method(service, method);
    for (const event of apiContract[service].events as readonly string[]) {
      const subscribe = members.event(service, event);
      if (subscribe) object[event] = subscribe;
    }
    api[service] = freeze ? Object.freeze(object) : object;
  }
  return freeze ? Object.freeze(api) : api;
}

// The casts below: TypeScript cannot check an object built from run-time key lists against a mapped type.
// The lists are the ones ModelwrightApi and BridgedApi are derived from (contract.ts), so the objects are complete.

/** A ModelwrightApi whose members are what `members` makes. */
export function contractApi(members: ContractMembers): ModelwrightApi {
  return buildServices(members, false) as ModelwrightApi;
}

/** The preload's frozen BridgedApi whose members are what `members` makes. */
export function contractBridge(members: ContractMembers): BridgedApi {
  return buildServices(members, true) as BridgedApi;
}
